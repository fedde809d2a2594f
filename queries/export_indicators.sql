-- The performance indicators of the filtered reports, with the report's file name.
-- $limit caps the rows for the preview; null exports them all.
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
)
select i.report_id, r.file_name, i.line_no, i.level1, i.level2, i.name, i.target_raw, i.actual_raw,
       i.weight, i.score, i.note
from indicators i
join scope s on s.report_id = i.report_id
join reports r on r.report_id = i.report_id
order by r.file_name, i.report_id, i.line_no
limit $limit::bigint;
