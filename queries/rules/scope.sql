-- The reports a partial rule run checks: those not checked under $fingerprint.
create or replace temp table rule_scope as
select r.report_id
from reports r
anti join (select report_id from rules_checked where fingerprint = $fingerprint) c using (report_id)
