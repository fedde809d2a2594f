-- Data quality: for each field the parser could not find, how many filtered reports lack it,
-- and how many of those are partial (a missing budget, spent or self-score) rather than ok
-- with a gap the rules can live with (e.g. funds_arrived).
with missing as (
    select r.report_id, r.parse_status, unnest(from_json(r.missing_fields, '["VARCHAR"]')) as field
    from reports r
    join scope s on s.report_no = r.report_no
    where r.missing_fields is not null and r.missing_fields <> '[]'
)
select field, count(distinct report_id) as reports,
       count(distinct report_id) filter (parse_status = 'partial') as partial_reports
from missing
group by field
order by reports desc, field;
