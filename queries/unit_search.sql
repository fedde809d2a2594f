-- The implementing units of the filtered reports whose name holds every word of $search
-- (setup.sql's has_every_word), for the units page without ?unit=: each with its reports,
-- its years and its supervising department(s). At most $limit, with how many match in all.
with found as (
    select r.implementing_unit,
           count(*) as reports,
           min(r.fiscal_year) as first_year,
           max(r.fiscal_year) as last_year,
           string_agg(distinct r.supervising_dept, ' / ') as supervising_dept
    from reports r
    join scope s on s.report_no = r.report_no
    where r.implementing_unit is not null
      and (trim($search) = '' or has_every_word(lower(r.implementing_unit), $search))
    group by r.implementing_unit
)
select *, count(*) over () as matches
from found
order by reports desc, implementing_unit
limit $limit;
