-- Confirmed findings of the filtered reports that no rectification follows yet: what a lead
-- may open one for. A finding is confirmed when its latest review says so.
with latest as (
    select report_id, rule, subject, status, comment, reviewer, reviewed_at,
           row_number() over (partition by report_id, rule, subject order by reviewed_at desc) as newest
    from reviews
), opened as (
    select distinct report_id, rule, subject from rectifications
)
select a.report_id, r.file_name, r.project_name, r.implementing_unit, r.fiscal_year, a.rule, a.severity,
       coalesce(a.subject, '') as subject, a.message, a.message_en, l.comment, l.reviewer, l.reviewed_at
from anomalies a
join scope s on s.report_no = a.report_no
join reports r on r.report_no = a.report_no
join latest l on l.report_id = a.report_id and l.rule = a.rule and l.subject = coalesce(a.subject, '')
              and l.newest = 1 and l.status = 'confirmed'
anti join opened o on o.report_id = a.report_id and o.rule = a.rule and o.subject = coalesce(a.subject, '')
order by case a.severity when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end, r.file_name, a.rule
limit $limit;
