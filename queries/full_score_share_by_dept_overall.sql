-- full_score_share_by_unit by supervising department: each department's share, among the
-- filtered reports (their years together), of self-evaluations at full marks
-- ($full_points), with the warn/alarm levels of jixiao.toml [signals]. The scores page's
-- view when no unit has $min_reports scored reports (a unit writes one or two a year; its
-- department gathers many). full_score_share_by_dept counts each year apart.
with scored as (
    select r.supervising_dept, r.self_score
    from reports r
    join scope s on s.report_id = r.report_id
    where r.supervising_dept is not null and r.self_score is not null
), final as (
    select supervising_dept,
           count(*) as reports,
           count(*) filter (self_score >= $full_points) as full_score_reports,
           count(*) filter (self_score >= $full_points) / count(*) as full_score_share
    from scored
    group by supervising_dept
    having count(*) >= $min_reports
)
select *,
       case when full_score_share >= $alarm then 'alarm' when full_score_share >= $warn then 'warn' else 'ok' end as level
from final
order by full_score_share desc, reports desc, supervising_dept;
