-- Find a report among the filtered ones by file name, project, unit or report id (the
-- report page without an id); several words must each appear (setup.sql's has_every_word).
-- At most $limit matches, with how many there are in all.
with found as (
    select r.report_id, r.file_name, r.project_name, r.implementing_unit, r.fiscal_year, r.self_score,
           r.parse_status
    from reports r
    join scope s on s.report_no = r.report_no
    where trim($search) = ''
       or has_every_word(lower(concat_ws(chr(10), r.file_name, r.project_name, r.implementing_unit)), $search)
       or starts_with(r.report_id, lower(trim($search)))
)
select *, count(*) over () as matches
from found
order by file_name, report_id
limit $limit;
