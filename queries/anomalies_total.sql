-- How many anomalies of the filtered reports pass the page's filters (severity, review
-- status, rule), by severity and by status: the pager's total and the page's headline.
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
), listed as (
    select a.report_id, a.severity, a.status
    from anomaly_status a
    join scope s on s.report_id = a.report_id
    where (len($severities::varchar[]) = 0 or list_contains($severities::varchar[], a.severity))
      and (len($anomaly_rules::varchar[]) = 0 or list_contains($anomaly_rules::varchar[], a.rule))
      and (len($review_statuses::varchar[]) = 0 or list_contains($review_statuses::varchar[], a.status))
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
