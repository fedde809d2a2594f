-- The anomalies of the filtered reports with their latest review (open when nobody has
-- looked yet). The rule and review-status filters also narrow the rows themselves: asked
-- for OVERSPEND_LINE, an auditor wants those anomalies, not every anomaly of the reports
-- that have one. $limit caps the rows for the preview; null exports them all. The rows are
-- chosen on narrow columns; messages and evidence (most of the table's bytes) are read for
-- the chosen rows only, by row id.
with latest as (
    select report_id, rule, subject, status, comment, reviewer, reviewed_at,
           row_number() over (partition by report_id, rule, subject order by reviewed_at desc) as newest
    from reviews
), chosen as (
    select a.report_id, r.file_name, a.rule, a.severity, a.subject, a.rowid as anomaly_row,
           coalesce(l.status, 'open') as status, l.comment, l.reviewer, l.reviewed_at
    from anomalies a
    join scope s on s.report_no = a.report_no
    join reports r on r.report_no = a.report_no
    left join latest l on l.report_id = a.report_id and l.rule = a.rule and l.subject = coalesce(a.subject, '')
                       and l.newest = 1
    where (len($rules::varchar[]) = 0 or list_contains($rules::varchar[], a.rule))
      and (len($statuses::varchar[]) = 0 or list_contains($statuses::varchar[], coalesce(l.status, 'open')))
    order by r.file_name, a.report_id, a.rule, a.subject nulls first
    limit $limit::bigint
)
select c.report_id, c.file_name, c.rule, c.severity, c.subject, a.message, a.message_en, a.evidence,
       a.detected_at, c.status, c.comment, c.reviewer, c.reviewed_at
from chosen c
join anomalies a on a.rowid = c.anomaly_row
order by c.file_name, c.report_id, c.rule, c.subject nulls first;
