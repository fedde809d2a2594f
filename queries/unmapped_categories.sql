-- Data quality: budget-line labels that map to no economic classification code
-- (category_code null), with how many lines and filtered reports use each, so the
-- label table (ingest/reference/categories.csv) can be extended.
select b.category_raw,
       count(*) as lines,
       count(distinct b.report_no) as reports,
       sum(b.planned) as planned,
       sum(b.actual) as actual,
       min(r.file_name) as example_file
from budget_lines b
join scope s on s.report_no = b.report_no
join reports r on r.report_no = b.report_no
where b.category_code is null
group by b.category_raw
order by lines desc, b.category_raw
limit $limit;
