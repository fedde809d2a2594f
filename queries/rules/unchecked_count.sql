-- How many reports there are, and how many the rules have not checked under $fingerprint
-- (ingest/rules.py run_rules with changed_only).
select count(*) as total,
       count(*) filter (c.report_id is null) as unchecked
from reports r
left join (select distinct report_id from rules_checked where fingerprint = $fingerprint) c using (report_id)
