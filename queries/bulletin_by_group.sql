-- The 通报's figures for the filtered reports: all together ($group = 'all', one row: the
-- 总体情况), per supervising department ('dept') or per implementing unit ('unit', with the
-- unit's department), most confirmed findings first, $limit groups (null: all; `groups`
-- says how many there are).
--
-- Findings are anomalies, counted by their latest review (setup.sql's anomaly_status): a
-- confirmed one is a finding whatever its severity; an info-level anomaly still open or
-- dismissed is a hint to read a value, not a finding. The sidebar's rule and review-status
-- filters narrow the findings themselves as they do the export's (export_anomalies.sql).
--
-- Re-scores (复核): a report counts as re-scored once any of its rows has a re-score; its
-- re-scored total is setup.sql's rescored_totals, the working papers' (each row's latest
-- re-score, else its self-score; a report without indicator rows keeps its self-score,
-- moved by each re-score's difference); its grade by the bands of its rule set
-- (setup.sql's report_rule_sets).
with chosen as (
    select r.report_id, r.report_no, r.fiscal_year, r.self_score, r.grade, budget_of(r) as budget, r.funds_arrived,
           r.spent,
           case $group when 'dept' then r.supervising_dept when 'unit' then r.implementing_unit end as group_name,
           r.supervising_dept
    from reports r
    join scope s on s.report_no = r.report_no
), findings as (
    select a.report_no,
           count(*) filter (a.severity <> 'info' or a.status = 'confirmed') as findings,
           count(*) filter (a.status = 'confirmed') as confirmed_findings,
           count(*) filter (a.status = 'open' and a.severity <> 'info') as open_findings,
           count(*) filter (a.status = 'dismissed' and a.severity <> 'info') as dismissed_findings
    from anomaly_status a
    join scope s on s.report_no = a.report_no
    where (len($rules::varchar[]) = 0 or list_contains($rules::varchar[], a.rule))
      and (len($statuses::varchar[]) = 0 or list_contains($statuses::varchar[], a.status))
    group by a.report_no
), rescored as materialized (
    -- Read once: the distinct aggregate below (years) would plan the view twice.
    select report_id, rescored_items, rescored_total from rescored_totals
), per_report as (
    select c.*, coalesce(f.findings, 0) as findings, coalesce(f.confirmed_findings, 0) as confirmed_findings,
           coalesce(f.open_findings, 0) as open_findings, coalesce(f.dismissed_findings, 0) as dismissed_findings,
           coalesce(x.rescored_items, 0) > 0 as rescored, x.rescored_total
    from chosen c
    left join findings f on f.report_no = c.report_no
    left join rescored x on x.report_id = c.report_id
), graded as (
    select p.*, grade_of(p.rescored_total, b.you, b.liang, b.zhong) as rescored_grade
    from per_report p
    left join report_rule_sets b on b.report_id = p.report_id and p.rescored
), final as (
    select group_name,
           if($group = 'unit', mode(supervising_dept), null) as dept,
           count(*) as reports,
           list(distinct fiscal_year order by fiscal_year) filter (fiscal_year is not null) as years,
           sum(budget) as budget,
           sum(funds_arrived) as funds_arrived,
           sum(spent) as spent,
           100 * sum(spent) filter (budget > 0 and spent is not null)
               / sum(budget) filter (budget > 0 and spent is not null) as execution_rate,
           avg(self_score) as self_score_avg,
           sum(findings)::bigint as findings,
           sum(confirmed_findings)::bigint as confirmed_findings,
           sum(open_findings)::bigint as open_findings,
           sum(dismissed_findings)::bigint as dismissed_findings,
           count(*) filter (confirmed_findings > 0) as reports_with_confirmed,
           count(*) filter (rescored) as rescored_reports,
           -- The two averages over the same reports, so that they compare.
           avg(self_score) filter (rescored and rescored_total is not null) as rescored_self_avg,
           avg(rescored_total) filter (rescored and self_score is not null) as rescored_avg,
           count(*) filter (rescored and rescored_grade <> grade) as grade_changed,
           count(*) over () as groups
    from graded
    group by group_name
)
select * from final
order by confirmed_findings desc, findings desc, reports desc, group_name nulls last
limit $limit::bigint;
