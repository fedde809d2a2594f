-- One report's head (any report by id, whatever the sidebar's filters: links from other
-- pages and from DUPLICATE_REPORT must open it): file, status, what the parser could not find
-- (missing_fields and notes are JSON lists in the store), the figures of its summary card
-- (the budget as budget_of takes it, the rates computed from the figures and as stated) and
-- how much else it holds, its anomalies counted by severity.
with counts as (
    select count(*) as anomalies,
           count(*) filter (status = 'open') as open_anomalies,
           count(*) filter (severity = 'high') as anomalies_high,
           count(*) filter (severity = 'medium') as anomalies_medium,
           count(*) filter (severity = 'low') as anomalies_low,
           count(*) filter (severity = 'info') as anomalies_info
    from anomaly_status
    where report_id = $report_id
), final as (
    select r.report_id, r.file_name, r.file_format, r.file_sha256, r.parser_version, r.ingested_at, r.parse_status,
           r.shape, r.project_name, r.implementing_unit, r.supervising_dept, r.fiscal_year,
           budget_of(r) as budget, budget_field(r) as budget_field, r.budget_planned, r.budget_adjusted,
           r.funds_arrived, r.spent, r.arrival_rate, r.execution_rate, r.arrival_rate_stated,
           r.execution_rate_stated, r.self_score, r.grade, r.grade_raw, r.archive_path,
           coalesce(from_json(r.missing_fields, '["VARCHAR"]'), []) as missing_fields,
           coalesce(from_json(r.notes, '["VARCHAR"]'), []) as notes,
           (select count(*) from budget_lines l where l.report_id = r.report_id) as budget_lines,
           (select count(*) from indicators i where i.report_id = r.report_id) as indicators,
           c.*
    from reports r, counts c
    where r.report_id = $report_id
)
select * from final;
