-- Reviews whose anomaly no longer fires (the data changed: a re-parse, a corrected file, a
-- new threshold). Their history is kept; they show as resolved by the data.
with latest as (
    select *, row_number() over (partition by report_id, rule, subject order by reviewed_at desc) as newest
    from reviews
)
select l.report_id, r.file_name, l.rule, nullif(l.subject, '') as subject, l.status as last_status,
       l.comment, l.reviewer, l.reviewed_at, 'resolved_by_data' as resolution
from latest l
left join reports r on r.report_id = l.report_id
where l.newest = 1
  and not exists (select 1 from anomalies a
                  where a.report_id = l.report_id and a.rule = l.rule and coalesce(a.subject, '') = l.subject)
order by l.reviewed_at desc;
