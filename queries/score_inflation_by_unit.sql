-- Score inflation: self-scores against execution rates, per unit. A high score with money
-- left unspent is the pattern auditors look for ($inflation_score / $inflation_execution).
with graded as (
    select implementing_unit, self_score, coalesce(execution_rate, execution_rate_stated) as execution_rate
    from reports
    where parse_status <> 'failed' and implementing_unit is not null and self_score is not null
), final as (
    select implementing_unit,
           count(*) as reports,
           avg(self_score) as self_score_avg,
           avg(execution_rate) as execution_rate_avg,
           avg(self_score) - avg(least(execution_rate, 100)) as score_minus_execution,
           count(*) filter (self_score >= $inflation_score and execution_rate < $inflation_execution) as inflated_reports,
           corr(self_score, execution_rate) as score_execution_corr
    from graded
    group by implementing_unit
    having count(*) >= $min_reports
)
select * from final order by inflated_reports desc, score_minus_execution desc nulls last, implementing_unit;
