-- The units whose reports carry the most anomalies (after the page's filters), $limit of
-- them: where to look first. Counted per report first, then per unit (fewer rows to join).
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
), per_report as (
    select a.report_id,
           count(*) as anomalies,
           count(*) filter (a.severity = 'high') as high,
           count(*) filter (a.status = 'open') as open
    from anomaly_status a
    join scope s on s.report_id = a.report_id
    where (len($severities::varchar[]) = 0 or list_contains($severities::varchar[], a.severity))
      and (len($anomaly_rules::varchar[]) = 0 or list_contains($anomaly_rules::varchar[], a.rule))
      and (len($review_statuses::varchar[]) = 0 or list_contains($review_statuses::varchar[], a.status))
    group by a.report_id
)
select r.implementing_unit,
       sum(p.anomalies)::bigint as anomalies,
       sum(p.high)::bigint as high,
       sum(p.open)::bigint as open,
       count(*) as reports
from per_report p
join reports r on r.report_id = p.report_id
group by r.implementing_unit
order by anomalies desc, high desc, r.implementing_unit nulls last
limit $limit;
