-- Every saved draw, newest first, with how many of its reports are assigned to a reviewer.
with assigned as (
    select draw_id, report_id, assigned_to
    from sample_assignments
    qualify row_number() over (partition by draw_id, report_id order by assigned_at desc) = 1
)
select d.draw_id, d.name, d.method, d.size, d.seed, d.strata, d.filters, d.population, d.drawn_by, d.drawn_at,
       (select count(*) from sample_members m where m.draw_id = d.draw_id) as drawn,
       (select count(*) from assigned a where a.draw_id = d.draw_id and a.assigned_to is not null) as assigned
from sample_draws d
order by d.drawn_at desc;
