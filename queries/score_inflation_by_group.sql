-- Score inflation of the filtered reports per unit ($group = 'unit') or supervising
-- department ($group = 'dept'): self-scores against execution rates; inflated_reports counts
-- a score of $inflation_score or more with an execution rate under $inflation_execution (the
-- stated rate where none is computed). Groups with fewer than $min_reports are left out.
with graded as (
    select case $group when 'dept' then r.supervising_dept else r.implementing_unit end as group_name,
           r.self_score, coalesce(r.execution_rate, r.execution_rate_stated) as execution_rate
    from reports r
    join scope s on s.report_no = r.report_no
    where r.self_score is not null
), final as (
    select group_name,
           count(*) as reports,
           avg(self_score) as self_score_avg,
           avg(execution_rate) as execution_rate_avg,
           avg(self_score) - avg(least(execution_rate, 100)) as score_minus_execution,
           count(*) filter (self_score >= $inflation_score and execution_rate < $inflation_execution) as inflated_reports,
           corr(self_score, execution_rate) as score_execution_corr
    from graded
    where group_name is not null
    group by group_name
    having count(*) >= $min_reports
)
select * from final order by inflated_reports desc, score_minus_execution desc nulls last, group_name;
