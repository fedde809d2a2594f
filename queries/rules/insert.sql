-- One rule's findings into anomalies. `found` is the rule's own select (a queries/rules/
-- file, or the Python rules' findings), registered under that name by ingest/rules.py;
-- each row is (report_id, subject, message, message_en, evidence). report_no is the
-- report's integer key (migration 008), which the page queries join on.
insert into anomalies (report_id, rule, severity, subject, message, message_en, evidence, detected_at, report_no)
select f.report_id, $rule_id, $rule_severity, f.subject, f.message, f.message_en, f.evidence::varchar, $detected_at,
       r.report_no
from found f
left join reports r on r.report_id = f.report_id
