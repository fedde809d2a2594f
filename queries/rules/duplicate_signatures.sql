-- DUPLICATE_REPORT's and NARRATIVE_REPEATS_LAST_YEAR's candidates: the MinHash signature of
-- every parsed report whose narrative is long enough ($min_chars) to call a copy, with the
-- names the messages give and the fiscal year that tells last year's report from a copy.
select s.report_id, s.signature, r.file_name, r.project_name, r.implementing_unit, r.fiscal_year
from report_signatures s
join reports r on r.report_id = s.report_id
where r.parse_status <> 'failed' and s.narrative_chars >= $min_chars
order by s.report_id
