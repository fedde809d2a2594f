-- One report's budget lines by economic category (万元), in the report's order, with the
-- difference actual − planned and where each line was read.
select l.line_no, l.category, l.category_code, l.category_raw, l.planned, l.actual,
       round(l.actual - l.planned, 4) as difference, l.origin,
       p.snippet, p.method, p.block, p.row_no, p.note
from budget_lines l
left join provenance p on p.report_id = l.report_id and p.field = 'budget_lines.' || l.line_no and p.witness_no = 0
where l.report_id = $report_id
order by l.line_no;
