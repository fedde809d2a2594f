-- Each unit's ($group = 'unit') or supervising department's ($group = 'dept') share, among
-- the filtered reports (their years together), of self-evaluations at full marks
-- ($full_points), with the warn/alarm levels of jixiao.toml [signals]; groups with fewer
-- than $min_reports scored reports are left out. The scores page counts by department when
-- no unit has enough (a unit writes one or two a year; its department gathers many).
-- full_score_share_by_dept counts each department's years apart.
with scored as (
    select case $group when 'dept' then r.supervising_dept else r.implementing_unit end as group_name, r.self_score
    from reports r
    join scope s on s.report_no = r.report_no
    where r.self_score is not null
), final as (
    select group_name,
           count(*) as reports,
           count(*) filter (self_score >= $full_points) as full_score_reports,
           count(*) filter (self_score >= $full_points) / count(*) as full_score_share
    from scored
    where group_name is not null
    group by group_name
    having count(*) >= $min_reports
)
select *,
       case when full_score_share >= $alarm then 'alarm' when full_score_share >= $warn then 'warn' else 'ok' end as level
from final
order by full_score_share desc, reports desc, group_name;
