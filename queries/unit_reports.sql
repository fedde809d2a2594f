-- One implementing unit's reports, or a supervising department's ($level, setup.sql's
-- profile_of; matched exactly), whatever the sidebar's filters (see
-- unit_years.sql), newest year first, with each one's anomalies, for links to /report.
with unit_reports as (
    select r.report_id, r.fiscal_year, r.file_name, r.project_name, r.implementing_unit, budget_of(r) as budget, r.spent,
           r.execution_rate, r.self_score, r.grade, r.parse_status
    from reports r
    where profile_of(r, $level) = $unit
), anomaly_counts as (
    select a.report_id, count(*) as anomalies
    from anomalies a
    join unit_reports u on u.report_id = a.report_id
    group by a.report_id
), final as (
    select u.*, coalesce(c.anomalies, 0) as anomalies
    from unit_reports u
    left join anomaly_counts c on c.report_id = u.report_id
)
select * from final
order by fiscal_year desc nulls last, file_name;
