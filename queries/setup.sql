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
