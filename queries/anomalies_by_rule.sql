-- Anomalies of the filtered reports per rule (after the page's filters), with how many are
-- still open and how many reports they touch: which checks fire most.
select a.rule,
       any_value(a.severity) as severity,
       count(*) as anomalies,
       count(*) filter (a.status = 'open') as open,
       count(*) filter (a.status = 'confirmed') as confirmed,
       count(*) filter (a.status = 'dismissed') as dismissed,
       count(distinct a.report_no) as reports
from anomaly_status a
join scope s on s.report_no = a.report_no
where anomaly_shown(a, $severities::varchar[], $anomaly_rules::varchar[], $review_statuses::varchar[])
group by a.rule
order by anomalies desc, a.rule;
