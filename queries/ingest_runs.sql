-- Ingest runs (command line or upload), newest first: when, how many files, and how each
-- ended. $run_id picks one run (the ingest page's own upload); null lists the latest.
-- Runs are not about the filtered reports, so no filters apply.
select run_id,
       min(logged_at) as started_at,
       max(logged_at) as finished_at,
       count(*) as files,
       count(*) filter (status = 'ok') as ok,
       count(*) filter (status = 'partial') as partial,
       count(*) filter (status = 'skipped') as skipped,
       count(*) filter (status = 'failed') as failed
from ingest_log
where $run_id::varchar is null or run_id = $run_id::varchar
group by run_id
order by finished_at desc, run_id
limit $limit;
