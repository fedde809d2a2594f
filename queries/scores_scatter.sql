-- One row per filtered report with a self-score, carrying only what the scatter plots show:
-- the score, both rates, the grade (colour) and the names the hover and the selection list
-- need. A rate the report states is used where it cannot be computed (as in
-- score_inflation_by_unit). Reports with neither rate are left out: they have no point.
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
)
select r.report_id, r.file_name, r.project_name, r.implementing_unit, r.grade,
       r.self_score,
       coalesce(r.execution_rate, r.execution_rate_stated) as execution_rate,
       coalesce(r.arrival_rate, r.arrival_rate_stated) as arrival_rate
from reports r
join scope s on s.report_id = r.report_id
where r.self_score is not null
  and coalesce(r.execution_rate, r.execution_rate_stated, r.arrival_rate, r.arrival_rate_stated) is not null;
