-- Narrative reuse across years and units: the anomalies of $rules (the page passes
-- ingest/rules.py's PAIR_RULES, NARRATIVE_REPEATS_LAST_YEAR and DUPLICATE_REPORT) on one
-- implementing unit's reports, or a supervising department's ($level, setup.sql's profile_of;
-- matched exactly), each with the other file it names (the
-- subject) and its latest review status, newest year first.
select r.fiscal_year, a.rule, r.report_id, r.file_name, r.implementing_unit, a.subject, a.severity, a.message, a.message_en,
       s.status
from anomalies a
join reports r on r.report_id = a.report_id
join anomaly_status s on s.anomaly_row = a.rowid
where profile_of(r, $level) = $unit
  and list_contains($rules::varchar[], a.rule)
order by r.fiscal_year desc nulls last, a.rule, r.file_name, a.subject;
