-- 复核 of one report: each indicator as the report scored it, and the execution-rate row
-- (line_no 0): its self-score as the report stated it, and the score its numbers give,
-- $execution_points × min(1, execution rate), which the reviewer is offered. Beside each
-- row, its latest re-score (rescores is append-only: the latest per line counts), how many
-- it has had, and the source snippet the value was read from.
with latest as (
    select line_no, score, criterion, reason, reviewer, rescored_at,
           row_number() over (partition by line_no order by rescored_at desc) as newest,
           count(*) over (partition by line_no) as rescores
    from rescores
    where report_id = $report_id
), execution as (
    select max(value) as execution_score
    from mentions
    where report_id = $report_id and kind = 'score' and subject = 'execution_rate'
), rows as (
    select i.line_no, i.level1, i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.score as self_score,
           i.note, null::double as computed, p.snippet
    from indicators i
    left join provenance p on p.report_id = i.report_id and p.field = 'indicators.' || i.line_no
                           and p.witness_no = 0
    where i.report_id = $report_id
    union all
    select 0, null, null, null, null, printf('%.2f%%', r.execution_rate), $execution_points::double,
           e.execution_score, null,
           round($execution_points::double * least(1.0, r.execution_rate / 100.0), 2), null
    from reports r, execution e
    where r.report_id = $report_id and r.execution_rate is not null
)
select r.*, l.score as rescore, l.criterion, l.reason, l.reviewer, l.rescored_at, coalesce(l.rescores, 0) as rescores
from rows r
left join latest l on l.line_no = r.line_no and l.newest = 1
order by r.line_no = 0, r.line_no;
