-- One report's head (any report by id, whatever the sidebar's filters: links from other
-- pages and from DUPLICATE_REPORT must open it): file, status, what the parser could not find
-- (missing_fields and notes are JSON lists in the store), and how much else it holds.
select r.report_id, r.file_name, r.file_format, r.file_sha256, r.parser_version, r.ingested_at, r.parse_status,
       r.shape, r.project_name, r.implementing_unit, r.supervising_dept, r.fiscal_year, r.self_score, r.grade,
       r.archive_path,
       coalesce(from_json(r.missing_fields, '["VARCHAR"]'), []) as missing_fields,
       coalesce(from_json(r.notes, '["VARCHAR"]'), []) as notes,
       (select count(*) from budget_lines l where l.report_id = r.report_id) as budget_lines,
       (select count(*) from indicators i where i.report_id = r.report_id) as indicators,
       (select count(*) from anomaly_status a where a.report_id = r.report_id) as anomalies,
       (select count(*) from anomaly_status a where a.report_id = r.report_id and a.status = 'open') as open_anomalies
from reports r
where r.report_id = $report_id;
