-- Every file one ingest run was offered, and how it ended: failures first (they need
-- action), then partial reports, skips and the rest; the reason in the pipeline's words.
-- report_id only where a readable report stands behind the file (a skipped copy points to
-- the report already stored), so the page links nothing for a failure.
select l.file_name, l.status, l.error, l.error_code, l.error_params, r.report_id, l.seconds, l.logged_at
from ingest_log l
left join reports r on r.report_id = l.report_id and r.parse_status <> 'failed'
where l.run_id = $run_id
order by case l.status when 'failed' then 0 when 'partial' then 1 when 'skipped' then 2 else 3 end,
         l.file_name, l.logged_at;
