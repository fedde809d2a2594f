-- The budget lines of the filtered reports, with the report's file name so a sheet can be
-- read on its own. $limit caps the rows for the preview; null exports them all.
select b.report_id, r.file_name, b.line_no, b.category, b.category_code, b.category_raw,
       b.planned, b.actual, b.origin
from budget_lines b
join scope s on s.report_no = b.report_no
join reports r on r.report_no = b.report_no
order by r.file_name, b.report_id, b.line_no
limit $limit::bigint;
