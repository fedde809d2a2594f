-- The filtered reports as the export hands them to Excel and outside tools: SPEC §2's
-- column names, money in 万元, rates in percent. $limit caps the rows for the page's
-- preview; null exports them all. The archive path and parser notes stay internal.
select r.report_id, r.file_name, r.file_sha256, r.file_format, r.parser_version, r.ingested_at,
       r.parse_status, r.shape, r.project_name, r.implementing_unit, r.supervising_dept, r.province,
       r.region, r.fiscal_year, r.eval_type, r.report_date, r.period_start, r.period_end,
       r.budget_planned, r.budget_adjusted, r.funds_arrived, r.spent, r.arrival_rate_stated,
       r.execution_rate_stated, r.arrival_rate, r.execution_rate, r.self_score, r.grade_raw, r.grade,
       r.missing_fields
from reports r
join scope s on s.report_no = r.report_no
order by r.fiscal_year desc nulls last, r.file_name, r.report_id
limit $limit::bigint;
