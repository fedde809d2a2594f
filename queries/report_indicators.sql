-- One report's performance indicators in the report's order: level, name, target and
-- actual as written, weight and score, with where each row was read.
select i.line_no, i.level1, i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.score, i.note,
       p.snippet, p.block, p.row_no
from indicators i
left join provenance p on p.report_id = i.report_id and p.field = 'indicators.' || i.line_no and p.witness_no = 0
where i.report_id = $report_id
order by i.line_no;
