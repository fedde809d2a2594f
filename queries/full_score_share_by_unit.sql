-- Share of each unit's self-evaluations at full marks. A unit that gives itself 100 every
-- time says little with its scores; levels from jixiao.toml [signals].
with scored as (
    select implementing_unit, self_score
    from reports
    where parse_status <> 'failed' and implementing_unit is not null and self_score is not null
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
