-- The narratives of the screened candidate pairs ($report_ids) of DUPLICATE_REPORT and
-- NARRATIVE_REPEATS_LAST_YEAR, whose exact shingle similarity decides.
select report_id, narrative
from report_signatures
where report_id in (select unnest($report_ids::varchar[]))
