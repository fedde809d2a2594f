-- One row per filtered report with a self-score, carrying only what the scatter plots show:
-- the score, both rates, the grade (colour) and the names the hover and the selection list
-- need. A rate the report states is used where it cannot be computed (as in
-- score_inflation_by_group). Reports with neither rate are left out: they have no point.
-- Past $max_points reports a browser draws slowly and Plotly serialises for seconds, so the
-- plot keeps every report an auditor would look at (a high score with money unspent or
-- funds short: $inflation_score / $inflation_execution) and a fixed sample of the rest;
-- `reports` says how many there were.
with plotted as (
    select r.report_id, r.grade, r.self_score,
           coalesce(r.execution_rate, r.execution_rate_stated) as execution_rate,
           coalesce(r.arrival_rate, r.arrival_rate_stated) as arrival_rate
    from reports r
    join scope s on s.report_no = r.report_no
    where r.self_score is not null
      and coalesce(r.execution_rate, r.execution_rate_stated, r.arrival_rate, r.arrival_rate_stated) is not null
), flagged as (
    select *,
           self_score >= $inflation_score
           and least(coalesce(execution_rate, 100), coalesce(arrival_rate, 100)) < $inflation_execution as flag
    from plotted
), counted as (
    select count(*) as reports, count(*) filter (flag) as flags from flagged
), chosen as (
    -- The sample is a fixed share of the rest, drawn by each report's hash, so no sort of
    -- every report is needed: a fifth more than wanted, and a hundred, so the draw is never
    -- short; the top-N trims it to exactly $max_points, flagged first. The names are read
    -- for the chosen reports only.
    select f.*, c.reports
    from flagged f, counted c
    where f.flag or c.reports <= $max_points
       or hash(f.report_id) % 1000000
          < (($max_points - c.flags) * 12 // 10 + 100) * 1000000 // nullif(c.reports - c.flags, 0)
    order by f.flag desc, hash(f.report_id)
    limit $max_points
)
select c.report_id, r.file_name, r.project_name, r.implementing_unit, c.grade, c.self_score, c.execution_rate,
       c.arrival_rate, c.reports
from chosen c
join reports r on r.report_id = c.report_id
order by c.flag desc, hash(c.report_id);
