-- Run once on every dashboard connection (temp objects only: the connection is read-only).

-- The latest verdict on each anomaly: open until someone reviews it.
create or replace temp view anomaly_status as
with latest as (
    select report_id, rule, subject, status,
           row_number() over (partition by report_id, rule, subject order by reviewed_at desc) as newest
    from reviews
)
select a.report_id, a.rule, a.subject, a.severity, coalesce(l.status, 'open') as status
from anomalies a
left join latest l on l.report_id = a.report_id and l.rule = a.rule and l.subject = coalesce(a.subject, '')
                   and l.newest = 1;

-- The reports the sidebar's filters select; every page query starts from it. An empty list
-- means "any"; a score range of 0–100 keeps reports without a score.
create or replace temp macro report_scope(years, provinces, regions, depts, units, score_min, score_max,
                                          grades, rules, statuses, text) as table
select r.report_id
from reports r
where r.parse_status <> 'failed'
  and (len(years) = 0 or list_contains(years, r.fiscal_year))
  and (len(provinces) = 0 or list_contains(provinces, r.province))
  and (len(regions) = 0 or list_contains(regions, r.region))
  and (len(depts) = 0 or list_contains(depts, r.supervising_dept))
  and (len(units) = 0 or list_contains(units, r.implementing_unit))
  and ((score_min <= 0 and score_max >= 100) or r.self_score between score_min and score_max)
  and (len(grades) = 0 or list_contains(grades, r.grade))
  and (len(rules) = 0 or r.report_id in (select report_id from anomalies where list_contains(rules, rule)))
  and (len(statuses) = 0 or r.report_id in (select report_id from anomaly_status where list_contains(statuses, status)))
  and (text = '' or contains(lower(coalesce(r.project_name, '')), lower(text))
                 or contains(lower(coalesce(r.implementing_unit, '')), lower(text)));

-- Over and under spending of budget lines, one measure for every budget chart (aggregates:
-- use them with group by). Only lines with a plan (planned > 0) count against their plan, a
-- blank actual there being "none spent" (SPEC §1). Money on a line without a plan (blank,
-- "-" or 0) is unplanned, not an overspend against zero; it splits into table lines and
-- amounts only the narrative states (origin 'text', where UNPLANNED_LINE does not fire).
create or replace temp macro line_over_under(planned, actual) as
    sum(coalesce(actual, 0) - planned) filter (planned > 0);
create or replace temp macro line_overspent(planned, actual) as
    sum(greatest(coalesce(actual, 0) - planned, 0)) filter (planned > 0);
create or replace temp macro line_underspent(planned, actual) as
    sum(least(coalesce(actual, 0) - planned, 0)) filter (planned > 0);
create or replace temp macro line_unplanned(planned, actual) as
    coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0), 0);
create or replace temp macro line_unplanned_table(planned, actual, origin) as
    coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0 and origin <> 'text'), 0);
create or replace temp macro line_unplanned_text(planned, actual, origin) as
    coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0 and origin = 'text'), 0);
