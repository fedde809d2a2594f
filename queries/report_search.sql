-- Find a report among the filtered ones by file name, project, unit or report id (the
-- report page without an id). At most $limit matches, with how many there are in all.
with found as (
    select r.report_id, r.file_name, r.project_name, r.implementing_unit, r.fiscal_year, r.self_score,
           r.parse_status
    from reports r
    join scope s on s.report_id = r.report_id
    where $search = ''
       or contains(lower(r.file_name), lower($search))
       or contains(lower(coalesce(r.project_name, '')), lower($search))
       or contains(lower(coalesce(r.implementing_unit, '')), lower($search))
       or starts_with(r.report_id, lower($search))
)
select *, count(*) over () as matches
from found
order by file_name, report_id
limit $limit;
