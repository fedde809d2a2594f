-- The latest files that could not be ingested, with the run and the reason. Only a path's
-- latest attempt counts: a file fixed and ingested again no longer shows. Failed files are
-- not reports of the filtered set, so no filters apply.
with latest as (
    select *, row_number() over (partition by path order by logged_at desc) as attempt
    from ingest_log
)
select logged_at, run_id, file_name, error, error_code, error_params
from latest
where attempt = 1 and status = 'failed'
order by logged_at desc, file_name
limit $limit;
