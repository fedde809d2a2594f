-- How many rows each exported table holds for the filtered reports (the export page shows
-- these before anything is built). Anomalies are narrowed by the rule and review-status
-- filters as in export_anomalies.
select (select count(*) from scope) as reports,
       (select count(*) from budget_lines b join scope s on s.report_no = b.report_no) as budget_lines,
       (select count(*) from indicators i join scope s on s.report_no = i.report_no) as indicators,
       (select count(*) from anomaly_status a join scope s on s.report_no = a.report_no
        where (len($rules::varchar[]) = 0 or list_contains($rules::varchar[], a.rule))
          and (len($statuses::varchar[]) = 0 or list_contains($statuses::varchar[], a.status))) as anomalies;
