-- Data quality: the filtered reports the parser could only partly read (no budget, amount
-- spent or self-score) and which fields it could not find (reports.missing_fields, a JSON
-- list). total_reports counts them all when $limit cuts the list.
select r.report_id, r.file_name, r.project_name, r.implementing_unit, r.fiscal_year,
       coalesce(from_json(r.missing_fields, '["VARCHAR"]'), []::varchar[]) as missing_fields,
       r.ingested_at, count(*) over () as total_reports
from reports r
join scope s on s.report_no = r.report_no
where r.parse_status = 'partial'
order by r.ingested_at desc, r.file_name
limit $limit;
