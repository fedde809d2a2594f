-- The rule set one report is judged by (setup.sql's report_rule_sets, jixiao.toml
-- [rule_sets]): its name, where it applies, grade bands, whether a grade is required, the
-- execution rate's weight and the tiers of a qualitative indicator; one row per weight of
-- the set (一级指标, or two joined by "+"), with the weight the report's indicators give that
-- 一级指标 (its rows whose level1 contains the name) and the execution rate's weight as the
-- report states it.
with chosen as (
    select *
    from report_rule_sets
    where report_id = $report_id
), stated as (
    select max(value) as execution_weight_stated
    from mentions
    where report_id = $report_id and kind = 'weight' and subject = 'execution_rate'
), weights as (
    select c.report_id, entry.key as level, entry.value as set_weight
    from chosen c, unnest(map_entries(c.weights)) as w(entry)
), given as (
    select w.level, w.set_weight, sum(i.weight) as report_weight
    from weights w
    left join indicators i on i.report_id = w.report_id
                           and list_bool_or(list_transform(string_split(w.level, '+'),
                                                           lambda part: contains(i.level1, part)))
    group by w.level, w.set_weight
)
select c.rule_set, c.set_no, c.set_province, c.first_year, c.last_year, c.you, c.liang, c.zhong,
       c.grade_required, c.execution_weight, s.execution_weight_stated, c.tier_high, c.tier_low,
       g.level, g.set_weight, g.report_weight
from chosen c
cross join stated s
left join given g on true
order by g.set_weight desc nulls last, g.level
