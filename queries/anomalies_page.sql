-- One page of the anomalies of the filtered reports, most severe first, each with its latest
-- review. Only $page_size rows leave the store: at 100k reports there are ~170k anomalies,
-- too many to ship to a browser; anomalies_total counts them for the pager.
-- $severities, $review_statuses, $anomaly_rules are the page's own filters (empty = any).
-- The page is chosen on narrow keys first; messages and evidence (~50 MB at 100k reports)
-- are read for its rows only, by row id.
with chosen as (
    select a.report_id, a.report_no, a.rule, a.subject, a.severity, a.status, a.anomaly_row, r.file_name,
           case a.severity when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end as severity_rank
    from anomaly_status a
    join scope s on s.report_no = a.report_no
    join reports r on r.report_no = a.report_no
    where anomaly_shown(a, $severities::varchar[], $anomaly_rules::varchar[], $review_statuses::varchar[])
    order by severity_rank, r.file_name, a.report_id, a.rule, a.subject nulls first
    limit $page_size offset $offset
), latest as (
    select report_id, rule, subject, status, comment, reviewer, reviewed_at,
           row_number() over (partition by report_id, rule, subject order by reviewed_at desc) as newest,
           count(*) over (partition by report_id, rule, subject) as reviews
    from reviews
    where report_id in (select report_id from chosen)
), final as (
    select c.report_id, c.file_name, r.project_name, r.implementing_unit, r.fiscal_year,
           c.severity, c.rule, c.subject, a.message, a.message_en, a.evidence,
           c.status, l.comment, l.reviewer, l.reviewed_at, coalesce(l.reviews, 0) as reviews, c.severity_rank
    from chosen c
    join reports r on r.report_no = c.report_no
    join anomalies a on a.rowid = c.anomaly_row
    left join latest l on l.report_id = c.report_id and l.rule = c.rule and l.subject = coalesce(c.subject, '')
                       and l.newest = 1
)
select * exclude (severity_rank)
from final
order by severity_rank, file_name, report_id, rule, subject nulls first;
