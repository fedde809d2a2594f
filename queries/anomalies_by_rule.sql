-- Anomalies of the filtered reports per rule (after the page's filters), with how many are
-- still open and how many reports they touch: which checks fire most.
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
)
select a.rule,
       any_value(a.severity) as severity,
       count(*) as anomalies,
       count(*) filter (a.status = 'open') as open,
       count(*) filter (a.status = 'confirmed') as confirmed,
       count(*) filter (a.status = 'dismissed') as dismissed,
       count(distinct a.report_id) as reports
from anomaly_status a
join scope s on s.report_id = a.report_id
where (len($severities::varchar[]) = 0 or list_contains($severities::varchar[], a.severity))
  and (len($anomaly_rules::varchar[]) = 0 or list_contains($anomaly_rules::varchar[], a.rule))
  and (len($review_statuses::varchar[]) = 0 or list_contains($review_statuses::varchar[], a.status))
group by a.rule
order by anomalies desc, a.rule;
