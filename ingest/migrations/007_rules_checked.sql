-- 007: which reports the rules have checked, and under what: a report is checked under a
-- fingerprint of the rules and their thresholds (ingest/rules.py fingerprint). An ingest
-- then runs the rules only for the reports not checked under the current fingerprint (its
-- own, and any a crash left unchecked); a threshold or rule change makes them all unchecked.
create table rules_checked (
    report_id varchar not null,
    fingerprint varchar not null
);
