-- INDICATOR_DUPLICATED: one 三级指标 (names compared without spaces and punctuation, name_key)
-- stands under 产出 and again under 效益: the same work counted as its own effect. Which of
-- the two an indicator is under is its 一级指标 where that says 产出 or 效益, else its
-- 二级指标's (数量/质量/时效/成本 are 产出; 经济/社会/生态效益 and 可持续影响 are 效益). The
-- same name twice within 产出 (under 数量 and 质量) is not this rule's.
with placed as (
    select i.report_id, i.line_no, i.level1, i.level2, i.name, i.target_raw, i.weight, i.score,
           name_key(i.name) as name_key,
           case
               when contains(coalesce(i.level1, ''), '产出') then 'output'
               when contains(coalesce(i.level1, ''), '效益') then 'outcome'
               when regexp_matches(coalesce(i.level2, ''), '数量|质量|时效|成本') then 'output'
               when regexp_matches(coalesce(i.level2, ''), '效益|可持续') then 'outcome'
           end as part
    from indicators i
    join reports r on r.report_id = i.report_id
    where r.parse_status <> 'failed' and i.name is not null
), twice as (
    select report_id, name_key
    from placed
    where part is not null and name_key <> ''
    group by report_id, name_key
    having count(*) filter (part = 'output') > 0 and count(*) filter (part = 'outcome') > 0
), final as (
    -- The placements of the names found twice only: src() is a lookup a row.
    select p.report_id, p.name_key,
           arg_min(p.name, p.line_no) filter (p.part = 'output') as name,
           list(struct_pack(level1 := p.level1, level2 := p.level2, name := p.name, target_raw := p.target_raw,
                            weight := p.weight, score := p.score,
                            source := src(p.report_id, 'indicators.' || p.line_no)) order by p.line_no) as placements,
           string_agg(distinct coalesce(p.level2, p.level1), '、' order by coalesce(p.level2, p.level1))
               filter (p.part = 'output') as output_levels,
           string_agg(distinct coalesce(p.level2, p.level1), '、' order by coalesce(p.level2, p.level1))
               filter (p.part = 'outcome') as outcome_levels
    from placed p
    join twice using (report_id, name_key)
    where p.part is not null
    group by p.report_id, p.name_key
)
select report_id,
       name as subject,
       printf('三级指标“%s”既列在产出指标（%s）下，又列在效益指标（%s）下', name, output_levels,
              outcome_levels) as message,
       printf('Indicator “%s” stands both as an output (%s) and as an outcome (%s)', name, output_levels,
              outcome_levels) as message_en,
       to_json(struct_pack(name := name, placements := placements)) as evidence
from final
