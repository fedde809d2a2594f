-- The narratives of DUPLICATE_REPORT's screened candidates ($report_ids), whose exact
-- shingle similarity decides.
select report_id, narrative
from report_signatures
where report_id in (select unnest($report_ids::varchar[]))
