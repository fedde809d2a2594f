-- The overview's headline numbers for the filtered reports. Money in 万元; the execution
-- rate is the total spent over the total budget, not an average of rates. Full marks are
-- $full_points (jixiao.toml [full_score]). Anomalies are counted as the anomalies page counts
-- them (anomalies_total): every rule, MISSING_FIELDS included, "open" until reviewed; the
-- sidebar's rules and statuses choose anomalies as well as reports, as they do there.
with figures as (
    select count(*) as reports,
           count(*) filter (r.parse_status = 'partial') as partial_reports,
           sum(budget_of(r)) as budget,
           sum(r.funds_arrived) as funds_arrived,
           sum(r.spent) as spent,
           sum(r.spent) filter (budget_of(r) is not null)
               / nullif(sum(budget_of(r)) filter (r.spent is not null), 0) * 100
               as execution_rate,
           avg(r.self_score) as self_score_avg,
           count(*) filter (r.self_score >= $full_points) as full_score_reports
    from reports r join scope s on s.report_no = r.report_no
), issues as (
    select count(*) as anomalies,
           count(*) filter (a.severity = 'high') as high_anomalies,
           count(*) filter (a.status = 'open') as open_anomalies,
           count(distinct a.report_no) as reports_with_anomalies
    from anomaly_status a
    join scope s on s.report_no = a.report_no
    where anomaly_shown(a, []::varchar[], $rules::varchar[], $statuses::varchar[])
)
select * from figures, issues;
