-- Each unit's share, among the filtered reports, of
-- self-evaluations at full marks ($full_points), with the warn/alarm levels of jixiao.toml
-- [signals]; units with fewer than $min_reports scored reports are left out.
with scored as (
    select r.implementing_unit, r.self_score
    from reports r
    join scope s on s.report_id = r.report_id
    where r.implementing_unit is not null and r.self_score is not null
), final as (
    select implementing_unit,
           count(*) as reports,
           count(*) filter (self_score >= $full_points) as full_score_reports,
           count(*) filter (self_score >= $full_points) / count(*) as full_score_share
    from scored
    group by implementing_unit
    having count(*) >= $min_reports
)
select *,
       case when full_score_share >= $alarm then 'alarm' when full_score_share >= $warn then 'warn' else 'ok' end as level
from final
order by full_score_share desc, reports desc, implementing_unit;
