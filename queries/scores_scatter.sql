-- One row per filtered report with a self-score, carrying only what the scatter plots show:
-- the score, both rates, the grade (colour) and the names the hover and the selection list
-- need. A rate the report states is used where it cannot be computed (as in
-- score_inflation_by_group). Reports with neither rate are left out: they have no point.
-- Past $max_points reports a browser draws slowly and Plotly serialises for seconds, so the
-- plot keeps every report an auditor would look at (a high score with money unspent or
-- funds short: $inflation_score / $inflation_execution) and a fixed sample of the rest;
-- `reports` says how many there were.
with plotted as (
    select r.report_id, r.file_name, r.project_name, r.implementing_unit, r.grade,
           r.self_score,
           coalesce(r.execution_rate, r.execution_rate_stated) as execution_rate,
           coalesce(r.arrival_rate, r.arrival_rate_stated) as arrival_rate
    from reports r
    join scope s on s.report_id = r.report_id
    where r.self_score is not null
      and coalesce(r.execution_rate, r.execution_rate_stated, r.arrival_rate, r.arrival_rate_stated) is not null
), ranked as (
    select *, count(*) over () as reports,
           row_number() over (order by (self_score >= $inflation_score
                                        and least(coalesce(execution_rate, 100), coalesce(arrival_rate, 100))
                                            < $inflation_execution) desc,
                                       hash(report_id)) as draw
    from plotted
)
select report_id, file_name, project_name, implementing_unit, grade, self_score, execution_rate, arrival_rate,
       reports
from ranked
where draw <= $max_points;
