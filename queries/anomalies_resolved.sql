-- Reviews of the filtered reports whose anomaly no longer fires (a re-parse, a corrected
-- file, a new threshold): resolved by the data, their verdict kept. Newest first, $limit of
-- them, with the full count in every row.
with latest as (
    select *, row_number() over (partition by report_id, rule, subject order by reviewed_at desc) as newest
    from reviews
    where report_id in (select report_id from scope)
)
select l.report_id, r.file_name, r.project_name, r.implementing_unit, l.rule, nullif(l.subject, '') as subject,
       l.status as last_status, l.comment, l.reviewer, l.reviewed_at, count(*) over () as total
from latest l
join reports r on r.report_id = l.report_id
where l.newest = 1
  and not exists (select 1 from anomalies a
                  where a.report_id = l.report_id and a.rule = l.rule and coalesce(a.subject, '') = l.subject)
order by l.reviewed_at desc, r.file_name, l.rule, l.subject
limit $limit;
