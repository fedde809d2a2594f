-- score_inflation_by_unit by supervising department, for the scores page when no unit has
-- $min_reports scored reports: self-scores against execution rates; inflated_reports
-- counts a score of $inflation_score or more with an execution rate under
-- $inflation_execution (the stated rate where none is computed).
with graded as (
    select r.supervising_dept, r.self_score, coalesce(r.execution_rate, r.execution_rate_stated) as execution_rate
    from reports r
    join scope s on s.report_id = r.report_id
    where r.supervising_dept is not null and r.self_score is not null
), final as (
    select supervising_dept,
           count(*) as reports,
           avg(self_score) as self_score_avg,
           avg(execution_rate) as execution_rate_avg,
           avg(self_score) - avg(least(execution_rate, 100)) as score_minus_execution,
           count(*) filter (self_score >= $inflation_score and execution_rate < $inflation_execution) as inflated_reports,
           corr(self_score, execution_rate) as score_execution_corr
    from graded
    group by supervising_dept
    having count(*) >= $min_reports
)
select * from final order by inflated_reports desc, score_minus_execution desc nulls last, supervising_dept;
