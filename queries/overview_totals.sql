-- The overview's headline numbers for the filtered reports. Money in 万元; the execution
-- rate is the total spent over the total budget, not an average of rates.
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
), figures as (
    select count(*) as reports,
           count(*) filter (r.parse_status = 'partial') as partial_reports,
           sum(coalesce(r.budget_adjusted, r.budget_planned)) as budget,
           sum(r.funds_arrived) as funds_arrived,
           sum(r.spent) as spent,
           sum(r.spent) filter (coalesce(r.budget_adjusted, r.budget_planned) is not null)
               / nullif(sum(coalesce(r.budget_adjusted, r.budget_planned)) filter (r.spent is not null), 0) * 100
               as execution_rate,
           avg(r.self_score) as self_score_avg,
           count(*) filter (r.self_score >= 100) as full_score_reports
    from reports r join scope s on s.report_id = r.report_id
), issues as (
    select count(*) filter (a.rule <> 'MISSING_FIELDS') as anomalies,
           count(*) filter (a.severity = 'high') as high_anomalies,
           count(*) filter (a.rule <> 'MISSING_FIELDS' and a.status = 'open') as open_anomalies,
           count(distinct a.report_id) filter (a.rule <> 'MISSING_FIELDS') as reports_with_anomalies
    from anomaly_status a
    join scope s on s.report_id = a.report_id
)
select * from figures, issues;
