-- How the latest attempt at each offered file ended: what the ingest page and the
-- overview's health line count. Skips are kept apart from failures.
with latest as (
    select *, row_number() over (partition by path order by logged_at desc) as attempt
    from ingest_log
)
select status, count(*) as files
from latest
where attempt = 1
group by status
order by status;
