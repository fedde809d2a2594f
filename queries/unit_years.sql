-- One implementing unit, or with $level = 'dept' one supervising department, ($unit, matched
-- exactly: setup.sql's profile_of) year by year, across all its reports whatever the
-- sidebar's filters: a profile is the unit's whole record, and a year filtered out would hide
-- the trend it is read for. Failed parses are left out: their figures are unknown, not zero.
-- The execution rate is Σ spent ÷ Σ budget over the reports giving both, so that a report
-- without a spent figure does not pull the rate down; the re-scored mean is over the
-- reports re-scored (setup.sql's rescored_totals, with a reviewer's score on some row).
with unit_reports as (
    select r.report_id, r.report_no, r.fiscal_year, budget_of(r) as budget, r.funds_arrived, r.spent,
           r.self_score, r.grade
    from reports r
    where profile_of(r, $level) = $unit and r.parse_status <> 'failed'
), unit_anomalies as (
    select u.fiscal_year, a.rule, a.status
    from anomaly_status a
    join unit_reports u on u.report_no = a.report_no
), rule_counts as (
    select fiscal_year, rule, count(*) as anomalies
    from unit_anomalies
    group by fiscal_year, rule
), by_rule as (
    -- The rules that fired most that year, most first, each with its count.
    select fiscal_year,
           list(struct_pack(rule := rule, anomalies := anomalies) order by anomalies desc, rule) as top_rules
    from rule_counts
    group by fiscal_year
), by_status as (
    select fiscal_year,
           count(*) as anomalies,
           count(*) filter (status = 'confirmed') as confirmed,
           count(*) filter (status = 'open') as open
    from unit_anomalies
    group by fiscal_year
), grade_counts as (
    select fiscal_year, grade, count(*) as reports
    from unit_reports
    where grade is not null
    group by fiscal_year, grade
), grades as (
    select fiscal_year,
           string_agg(grade || '×' || reports, ' '
                      order by case grade when '优' then 1 when '良' then 2 when '中' then 3 else 4 end) as grades
    from grade_counts
    group by fiscal_year
), figures as (
    select u.fiscal_year,
           count(*) as reports,
           sum(u.budget) as budget,
           sum(u.funds_arrived) as funds_arrived,
           sum(u.spent) as spent,
           100 * sum(u.spent) filter (u.budget > 0 and u.spent is not null)
               / sum(u.budget) filter (u.budget > 0 and u.spent is not null) as execution_rate,
           avg(u.self_score) as self_score_avg,
           count(*) filter (u.self_score >= $full_points) / nullif(count(u.self_score), 0) as full_score_share,
           count(x.report_id) as rescored_reports,
           avg(x.rescored_total) as rescored_total_avg
    from unit_reports u
    left join rescored_totals x on x.report_id = u.report_id and x.rescored_items > 0
    group by u.fiscal_year
), final as (
    select f.fiscal_year, f.reports, f.budget, f.funds_arrived, f.spent, f.execution_rate, f.self_score_avg,
           f.full_score_share, f.rescored_reports, f.rescored_total_avg, g.grades,
           coalesce(s.anomalies, 0) as anomalies, b.top_rules,
           coalesce(s.confirmed, 0) as confirmed, coalesce(s.open, 0) as open
    from figures f
    left join grades g on g.fiscal_year is not distinct from f.fiscal_year
    left join by_status s on s.fiscal_year is not distinct from f.fiscal_year
    left join by_rule b on b.fiscal_year is not distinct from f.fiscal_year
)
select * from final
order by fiscal_year nulls last;
