-- The reports the sidebar's filters select: the temp table `scope` every page query starts
-- from (`join scope s on s.report_no = …`, on the integer key of migration 008). queries.run
-- builds it afresh before each query that reads it, on the same connection, binding the
-- query's own filter values; the query's parameters include these. A table built once per run rather than a table macro: a macro
-- takes its values as arguments, so its eleven-argument call stood copied in every page
-- query; the table is declared here once and the pages' parameters keep their names.
-- The values stand where they are used, constants DuckDB plans with: gathered in a one-row
-- CTE instead, they made building the scope 3–5× slower at 100k reports.
-- The free text's words must each appear in the file, project or unit name (setup.sql's
-- has_every_word). An empty list means "any"; a score range of 0–100, the slider's whole range
-- (app_pages/filters.py), keeps reports without a score.
create or replace temp table scope as
select r.report_id, r.report_no
from reports r
where r.parse_status <> 'failed'
  and (len($years::integer[]) = 0 or list_contains($years::integer[], r.fiscal_year))
  and (len($provinces::varchar[]) = 0 or list_contains($provinces::varchar[], r.province))
  and (len($regions::varchar[]) = 0 or list_contains($regions::varchar[], r.region))
  and (len($depts::varchar[]) = 0 or list_contains($depts::varchar[], r.supervising_dept))
  and (len($units::varchar[]) = 0 or list_contains($units::varchar[], r.implementing_unit))
  and (($score_min <= 0 and $score_max >= 100) or r.self_score between $score_min and $score_max)
  and (len($grades::varchar[]) = 0 or list_contains($grades::varchar[], r.grade))
  and (len($rules::varchar[]) = 0
       or r.report_id in (select report_id from anomalies where list_contains($rules::varchar[], rule)))
  and (len($statuses::varchar[]) = 0
       or r.report_id in (select report_id from anomaly_status where list_contains($statuses::varchar[], status)))
  and ($text = '' or has_every_word(lower(concat_ws(chr(10), r.file_name, r.project_name, r.implementing_unit)),
                                    $text));
