-- Run once on every connection that runs these queries (queries.prepare): the dashboard's,
-- and the ingest's before the rules (ingest/rules.py). Temp objects only: the dashboard's
-- connection is read-only.

-- A report's budget: the adjusted budget where the report gives one, else the one planned
-- at the start of the year (SPEC's glossary, `budget`). `r` is a row of reports (an alias,
-- or a CTE carrying both columns); DuckDB inlines the macro, so only those two columns are
-- read. budget_field(r) names the field budget_of(r) took, for the evidence's source.
create or replace temp macro budget_of(r) as coalesce(r.budget_adjusted, r.budget_planned);
create or replace temp macro budget_field(r) as if(r.budget_adjusted is null, 'budget_planned', 'budget_adjusted');

-- The latest verdict on each anomaly: open until someone reviews it. anomaly_row is the
-- anomaly's row id: a list chosen on these narrow columns reads its messages and evidence
-- (most of the table's bytes) for its own rows only, by row id.
create or replace temp view anomaly_status as
with latest as (
    select report_id, rule, subject, status,
           row_number() over (partition by report_id, rule, subject order by reviewed_at desc) as newest
    from reviews
)
select a.report_id, a.report_no, a.rule, a.subject, a.severity, coalesce(l.status, 'open') as status,
       a.rowid as anomaly_row
from anomalies a
left join latest l on l.report_id = a.report_id and l.rule = a.rule and l.subject = coalesce(a.subject, '')
                   and l.newest = 1;

-- Whether `haystack` (lower case) holds every word of `words` (split at spaces, any case):
-- "道路 甲局" finds 道路建设 by 甲局, not every report naming either.
create or replace temp macro has_every_word(haystack, words) as
    len(list_filter(string_split_regex(trim(words), '\s+'),
                    lambda word: word <> '' and not contains(haystack, lower(word)))) = 0;

-- The anomalies page's own filters, an empty list meaning "any": whether anomaly `a` (a row
-- of anomaly_status) has one of the severities, rules and review statuses chosen.
create or replace temp macro anomaly_shown(a, severities, rules, statuses) as
    (len(severities) = 0 or list_contains(severities, a.severity))
    and (len(rules) = 0 or list_contains(rules, a.rule))
    and (len(statuses) = 0 or list_contains(statuses, a.status));

-- The measures of a group of budget lines, the same on every budget chart: an aggregate,
-- used with group by as `unnest(line_measures(planned, actual, origin))`, which gives the
-- columns lines, planned, actual, over_under, overspent, underspent, unplanned,
-- unplanned_table, unplanned_text. Only lines with a plan (planned > 0) count against their
-- plan, a blank actual there being "none spent" (SPEC §1). Money on a line without a plan
-- (blank, "-" or 0) is unplanned, not an overspend against zero; it splits into table lines
-- and amounts only the narrative states (origin 'text', where UNPLANNED_LINE does not fire).
-- The planned_lines* fields keep to lines with a plan, so that their actual sits beside their
-- plan (planned_lines_actual − planned_lines_planned = over_under) and, with unplanned, makes
-- up the actual spending a reader can reconcile; unplanned_lines and unplanned_text_lines
-- count the lines behind unplanned and unplanned_text.
create or replace temp macro line_measures(planned, actual, origin) as struct_pack(
    lines := count(*),
    planned := sum(planned),
    actual := sum(actual),
    over_under := sum(coalesce(actual, 0) - planned) filter (planned > 0),
    overspent := sum(greatest(coalesce(actual, 0) - planned, 0)) filter (planned > 0),
    underspent := sum(least(coalesce(actual, 0) - planned, 0)) filter (planned > 0),
    unplanned := coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0), 0),
    unplanned_table := coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0 and origin <> 'text'), 0),
    unplanned_text := coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0 and origin = 'text'), 0),
    planned_lines := count(*) filter (planned > 0),
    planned_lines_planned := coalesce(sum(planned) filter (planned > 0), 0),
    planned_lines_actual := coalesce(sum(actual) filter (planned > 0), 0),
    unplanned_lines := count(*) filter (coalesce(planned, 0) = 0 and actual > 0),
    unplanned_text_lines := count(*) filter (coalesce(planned, 0) = 0 and actual > 0 and origin = 'text')
);

-- The counts of first digits 1–9 of a group of reports: an aggregate over their
-- reports.first_digits (queries/store/first_digits.sql), digit by digit, for the Benford
-- queries.
create or replace temp macro first_digit_sums(first_digits) as
    [sum(first_digits[1]), sum(first_digits[2]), sum(first_digits[3]),
     sum(first_digits[4]), sum(first_digits[5]), sum(first_digits[6]),
     sum(first_digits[7]), sum(first_digits[8]), sum(first_digits[9])];

-- 复核 (re-scores, migration 010): one home for the re-scored total (复核总分) that the working
-- papers (rescore_items.sql), the 通报 (bulletin_*.sql) and the scores page (rescore_gaps.sql)
-- show.

-- The scored lines of the reports `report_set` names, each with its latest re-score
-- (rescores is append-only: the latest row per (report_id, line_no) counts). A line is an
-- indicator row, or the execution-rate row (line_no 0) where the report states its score or
-- weight (mentions, as INDICATOR_SUM_MISMATCH reads them) or a reviewer scored it. A
-- re-score whose line the current parse no longer has (a re-ingest numbered the indicators
-- anew) keeps the name, weight and self-score it was given with, so no reviewer's work drops
-- out; a line the parse has wins over what the re-score recorded of it.
-- `report_set` is the name of a table or of a CTE of the calling query with a report_id
-- column (rescore_lines('chosen'); query_table resolves it), other than the CTE names used
-- here, which would shadow it. A macro rather than a view: only those reports' rows are read,
-- where a view over every report, joined to a few, aggregates every report's execution-rate
-- mentions first (2–3× slower at 1M reports).
create or replace temp macro rescore_lines(report_set) as table
with rescore_latest as (
    select report_id, line_no, indicator, self_score, weight, score, criterion, reason, reviewer, rescored_at
    from rescores
    where report_id in (select report_id from query_table(report_set))
    qualify row_number() over (partition by report_id, line_no order by rescored_at desc) = 1
), rescore_execution as (
    select report_id,
           max(value) filter (kind = 'score') as score,
           max(value) filter (kind = 'weight') as weight
    from mentions
    where subject = 'execution_rate' and kind in ('score', 'weight')
      and report_id in (select report_id from query_table(report_set))
    group by report_id
), rescore_parsed as (
    select report_id, line_no, level1, level2, name, target_raw, actual_raw, weight, score
    from indicators
    where report_id in (select report_id from query_table(report_set))
    union all
    select report_id, 0, null, null, null, null, null, weight, score
    from rescore_execution
)
select coalesce(l.report_id, s.report_id) as report_id,
       coalesce(l.line_no, s.line_no) as line_no,
       l.level1, l.level2,
       if(l.report_id is null, s.indicator, l.name) as name,
       l.target_raw, l.actual_raw,
       if(l.report_id is null, s.weight, l.weight) as weight,
       if(l.report_id is null, s.self_score, l.score) as self_score,
       s.score as rescore, s.criterion, s.reason, s.reviewer, s.rescored_at
from rescore_parsed l
full join rescore_latest s on s.report_id = l.report_id and s.line_no = l.line_no;

-- The re-scored total of a report: an aggregate over its rescore_lines (group by report).
-- Where the report has indicator rows, the sum over its lines of the latest re-score, else
-- the self-score, the execution-rate row included where stated or re-scored. A report
-- without indicator rows has no breakdown to add up: its own self-score (`report_self_score`,
-- reports.self_score) stands, moved by each re-score's difference from its row's self-score.
create or replace temp macro rescored_total_of(line_no, self_score, rescore, report_self_score) as
    if(bool_or(line_no > 0), sum(coalesce(rescore, self_score)),
       any_value(report_self_score) + coalesce(sum(rescore - self_score), 0));

-- Every report that has a re-score (a row in rescores, even one without a score), with its
-- re-scored total (rescored_total_of above), how many of its rows carry a reviewer's score
-- (rescored_items: a report counts as re-scored once this is above 0), its rows' weights and
-- self-scores added up (items_weight, items_self_total) and the latest re-score's reviewer
-- and time. Read from rescores outward: only re-scored reports' rows are touched.
create or replace temp view rescored_totals as
with rescored_reports as (
    select distinct report_id from rescores
)
select l.report_id,
       rescored_total_of(l.line_no, l.self_score, l.rescore, r.self_score) as rescored_total,
       count(l.rescore) as rescored_items,
       sum(l.weight) as items_weight,
       sum(l.self_score) as items_self_total,
       arg_max(l.reviewer, l.rescored_at) as last_reviewer,
       max(l.rescored_at) as last_rescored
from rescore_lines('rescored_reports') l
join reports r on r.report_id = l.report_id
group by l.report_id;

-- A score's grade by a rule set's bands (you, liang, zhong: the lowest score of 优, 良 and 中;
-- report_rule_sets gives a report's); below 中, 差. No score, no grade.
create or replace temp macro grade_of(score, you, liang, zhong) as
    case when score is null then null
         when score >= you then '优' when score >= liang then '良' when score >= zhong then '中' else '差' end;

-- The profile page (/units) shows one implementing unit ($level 'unit') or one supervising
-- department ('dept'): the name report `r` is counted under at that level.
create or replace temp macro profile_of(r, level) as
    case level when 'dept' then r.supervising_dept else r.implementing_unit end;

-- Year over year (the budget page): whether an amount moved from `before` (the previous year
-- present) to `now` by more than `share` of `before`, one of the two reaching `min_amount`
-- (jixiao.toml [year_over_year]). Against nothing or a 0 there is no share: no move.
create or replace temp macro moved_beyond(now, before, share, min_amount) as
    coalesce(abs(now - before) > share * before and before > 0 and greatest(now, before) >= min_amount, false);

-- The rule sets of jixiao.toml [rule_sets] (ingest/config.py RuleSet), filled by
-- queries.prepare: set_no 0 is the national set, the others each apply to one province's
-- reports of the years first_year … last_year (config refuses two that overlap).
create or replace temp table rule_sets (
    set_no integer primary key, name varchar, province varchar, first_year integer, last_year integer,
    you double, liang double, zhong double, grade_required boolean, execution_weight double,
    weights map(varchar, double), tier_high double, tier_low double
);

-- The rule set each report is judged by: its province's for its fiscal year where one is
-- configured, else the national one. At most one provincial set matches (no overlaps).
create or replace temp view report_rule_sets as
select r.report_id, s.set_no, s.name as rule_set, s.province as set_province, s.first_year, s.last_year,
       s.you, s.liang, s.zhong, s.grade_required, s.execution_weight, s.weights, s.tier_high, s.tier_low
from reports r
left join rule_sets p on p.set_no > 0 and p.province = r.province
                     and r.fiscal_year between p.first_year and p.last_year
join rule_sets s on s.set_no = coalesce(p.set_no, 0);
