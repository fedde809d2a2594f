-- One report's anomalies, most severe first, with evidence and the latest review (open
-- when nobody has looked yet) and how many verdicts it has had.
with latest as (
    select report_id, rule, subject, status, comment, reviewer, reviewed_at,
           row_number() over (partition by rule, subject order by reviewed_at desc) as newest,
           count(*) over (partition by rule, subject) as reviews
    from reviews
    where report_id = $report_id
)
select a.severity, a.rule, a.subject, a.message, a.message_en, a.evidence,
       coalesce(l.status, 'open') as status, l.comment, l.reviewer, l.reviewed_at, coalesce(l.reviews, 0) as reviews
from anomalies a
left join latest l on l.rule = a.rule and l.subject = coalesce(a.subject, '') and l.newest = 1
where a.report_id = $report_id
order by case a.severity when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end, a.rule,
         a.subject nulls first;
