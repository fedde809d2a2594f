-- The performance indicators of the filtered reports, with the report's file name.
-- $limit caps the rows for the preview; null exports them all.
select i.report_id, r.file_name, i.line_no, i.level1, i.level2, i.name, i.target_raw, i.actual_raw,
       i.weight, i.score, i.note
from indicators i
join scope s on s.report_no = i.report_no
join reports r on r.report_no = i.report_no
order by r.file_name, i.report_id, i.line_no
limit $limit::bigint;
