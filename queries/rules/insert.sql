-- One rule's findings into anomalies. `found` is the rule's own select (a queries/rules/
-- file, or the Python rules' findings), registered under that name by ingest/rules.py;
-- each row is (report_id, subject, message, message_en, evidence).
insert into anomalies (report_id, rule, severity, subject, message, message_en, evidence, detected_at)
select report_id, $rule_id, $rule_severity, subject, message, message_en, evidence::varchar, $detected_at
from found
