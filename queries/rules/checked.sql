-- After a rule run: the reports it checked (rule_scope; every report after a full run), now
-- checked under $fingerprint.
insert into rules_checked (report_id, fingerprint)
select report_id, $fingerprint from rule_scope
