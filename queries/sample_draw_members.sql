-- One draw's reports in the order drawn, with their stratum, monetary-unit hits and the
-- reviewer each is assigned to now (the latest assignment counts).
with assigned as (
    select report_id, assigned_to, assigned_by, assigned_at
    from sample_assignments
    where draw_id = $draw_id
    qualify row_number() over (partition by report_id order by assigned_at desc) = 1
)
select m.draw_order, m.report_id, r.file_name, r.project_name, r.implementing_unit, r.supervising_dept,
       r.fiscal_year, r.self_score, budget_of(r) as budget, m.stratum, m.hits, a.assigned_to, a.assigned_by,
       a.assigned_at
from sample_members m
left join reports r on r.report_id = m.report_id
left join assigned a on a.report_id = m.report_id
where m.draw_id = $draw_id
order by m.draw_order;
