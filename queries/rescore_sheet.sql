-- 复核 of one report: each indicator as the report scored it, and the execution-rate row
-- (line_no 0): its self-score as the report stated it, and the score its numbers give under
-- the report's rule set (setup.sql's report_rule_sets), execution_weight × min(1, execution
-- rate), which the reviewer is offered. A qualitative indicator (a target without a figure:
-- no digit, no 百分之) gets the points of its set's tiers: met in full, partly met from
-- tier_low up to tier_high of its weight, not met below that. Beside each row, its latest
-- re-score (rescores is append-only: the latest per line counts), how many it has had, and
-- the source snippet the value was read from.
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
), rule_set as (
    select execution_weight, tier_high, tier_low
    from report_rule_sets
    where report_id = $report_id
), rows as (
    select i.line_no, i.level1, i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.score as self_score,
           i.note, null::double as computed, p.snippet,
           if(i.weight is not null and i.target_raw is not null and not regexp_matches(i.target_raw, '[0-9０-９]|百分之'),
              struct_pack(high := round(i.weight * b.tier_high / 100, 2), low := round(i.weight * b.tier_low / 100, 2)),
              null) as tiers
    from indicators i
    cross join rule_set b
    left join provenance p on p.report_id = i.report_id and p.field = 'indicators.' || i.line_no
                           and p.witness_no = 0
    where i.report_id = $report_id
    union all
    select 0, null, null, null, null, printf('%.2f%%', r.execution_rate), b.execution_weight,
           e.execution_score, null,
           round(b.execution_weight * least(1.0, r.execution_rate / 100.0), 2), null, null
    from reports r, execution e, rule_set b
    where r.report_id = $report_id and r.execution_rate is not null
)
select r.*, l.score as rescore, l.criterion, l.reason, l.reviewer, l.rescored_at, coalesce(l.rescores, 0) as rescores
from rows r
left join latest l on l.line_no = r.line_no and l.newest = 1
order by r.line_no = 0, r.line_no;
