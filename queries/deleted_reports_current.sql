-- Reports an admin deleted and has not restored: each report's latest deletion or restore
-- counts, newest first.
select report_id, file_name, file_sha256, archive_path, reason, user_name, acted_at
from deleted_reports
qualify row_number() over (partition by report_id order by acted_at desc) = 1 and action = 'deleted'
order by acted_at desc;
