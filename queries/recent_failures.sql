-- The latest files that could not be ingested, and why.
with latest as (
    select *, row_number() over (partition by path order by logged_at desc) as attempt
    from ingest_log
)
select file_name, error, error_code, error_params, logged_at
from latest
where attempt = 1 and status = 'failed'
order by logged_at desc, file_name
limit $limit;
