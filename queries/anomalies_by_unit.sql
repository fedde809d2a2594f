-- The units whose reports carry the most anomalies (after the page's filters), $limit of
-- them: where to look first. Counted per report first, then per unit (fewer rows to join).
with per_report as (
    select a.report_no,
           count(*) as anomalies,
           count(*) filter (a.severity = 'high') as high,
           count(*) filter (a.status = 'open') as open
    from anomaly_status a
    join scope s on s.report_no = a.report_no
    where anomaly_shown(a, $severities::varchar[], $anomaly_rules::varchar[], $review_statuses::varchar[])
    group by a.report_no
)
select r.implementing_unit,
       sum(p.anomalies)::bigint as anomalies,
       sum(p.high)::bigint as high,
       sum(p.open)::bigint as open,
       count(*) as reports
from per_report p
join reports r on r.report_no = p.report_no
group by r.implementing_unit
order by anomalies desc, high desc, r.implementing_unit nulls last
limit $limit;
