-- 008: an integer key for each report beside its report_id, carried by the tables the page
-- queries join by the hundred thousand: reports, budget_lines, indicators and anomalies.
-- report_id (16 hex characters) stays the report's name everywhere; joining on the integer
-- instead made the anomaly and Benford queries up to twice as fast at 100k reports. A
-- report written takes the next number (its old rows went first), and its rows take theirs
-- from it (store.py, rules/insert.sql).
alter table reports add column report_no integer;
update reports r
set report_no = numbered.report_no
from (select report_id, row_number() over (order by ingested_at, report_id) as report_no from reports) numbered
where r.report_id = numbered.report_id;

alter table budget_lines add column report_no integer;
update budget_lines t set report_no = r.report_no from reports r where r.report_id = t.report_id;

alter table indicators add column report_no integer;
update indicators t set report_no = r.report_no from reports r where r.report_id = t.report_id;

alter table anomalies add column report_no integer;
update anomalies t set report_no = r.report_no from reports r where r.report_id = t.report_id;
