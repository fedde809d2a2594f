-- How many anomalies of the filtered reports pass the page's filters (severity, review
-- status, rule), by severity and by status: the pager's total and the page's headline.
with listed as (
    select a.report_id, a.severity, a.status
    from anomaly_status a
    join scope s on s.report_no = a.report_no
    where anomaly_shown(a, $severities::varchar[], $anomaly_rules::varchar[], $review_statuses::varchar[])
)
select count(*) as anomalies,
       count(distinct report_id) as reports,
       count(*) filter (severity = 'high') as high,
       count(*) filter (severity = 'medium') as medium,
       count(*) filter (severity = 'low') as low,
       count(*) filter (severity = 'info') as info,
       count(*) filter (status = 'open') as open,
       count(*) filter (status = 'confirmed') as confirmed,
       count(*) filter (status = 'dismissed') as dismissed
from listed;
