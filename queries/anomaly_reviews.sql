-- One report's anomalies with their reviews: the latest verdict on (report, rule, subject)
-- and how many there were, or open when nobody has looked yet.
with latest as (
    select *, row_number() over (partition by report_id, rule, subject order by reviewed_at desc) as newest,
           count(*) over (partition by report_id, rule, subject) as reviews
    from reviews
    where report_id = $report_id
)
select a.report_id, r.file_name, r.project_name, r.implementing_unit, a.rule, a.severity, a.subject,
       a.message, a.message_en, a.evidence, coalesce(l.status, 'open') as status, l.comment, l.reviewer,
       l.reviewed_at, coalesce(l.reviews, 0) as reviews
from anomalies a
join reports r on r.report_no = a.report_no
left join latest l on l.report_id = a.report_id and l.rule = a.rule and l.subject = coalesce(a.subject, '')
                   and l.newest = 1
where a.report_id = $report_id
order by a.rule, a.subject;
