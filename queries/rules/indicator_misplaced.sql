-- INDICATOR_MISPLACED: a 三级指标 that does not measure its 二级指标: a 数量指标 that is a
-- measure of money (资金支付率, 预算执行率 …: $money_measures, names compared without spaces
-- and punctuation), or a 时效指标 whose target and name state no time (no date, deadline,
-- duration or timeliness: none of $time_words). A 时效 target like 2024年12月底前 states one.
with judged as (
    select i.report_id, i.line_no, i.level1, i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.score,
           case
               when contains(coalesce(i.level2, ''), '数量')
                    and contains_any(name_key(i.name), list_transform($money_measures, lambda m: name_key(m)))
                   then 'money_as_quantity'
               when contains(coalesce(i.level2, ''), '时效')
                    and not contains_any(coalesce(i.target_raw, '') || ' ' || i.name, $time_words)
                   then 'timeliness_without_time'
           end as problem
    from indicators i
    join reports r on r.report_id = i.report_id
    where r.parse_status <> 'failed' and i.name is not null
)
select report_id,
       name as subject,
       case problem
           when 'money_as_quantity' then printf('数量指标“%s”衡量的是资金支付进度，不是产出数量', name)
           else printf('时效指标“%s”的目标“%s”没有时间要求', name, coalesce(target_raw, '—'))
       end as message,
       case problem
           when 'money_as_quantity' then printf('Quantity indicator “%s” measures spending, not output', name)
           else printf('Timeliness indicator “%s” sets no time (target “%s”)', name, coalesce(target_raw, '—'))
       end as message_en,
       case problem
           when 'money_as_quantity' then to_json(struct_pack(
               name := name, level1 := level1, level2 := level2, problem := problem, target_raw := target_raw,
               actual_raw := actual_raw, weight := weight, score := score,
               money_measures := list_filter($money_measures, lambda m: contains(name_key(name), name_key(m))),
               source := src(report_id, 'indicators.' || line_no)))
           else to_json(struct_pack(
               name := name, level1 := level1, level2 := level2, problem := problem, target_raw := target_raw,
               actual_raw := actual_raw, weight := weight, score := score, time_words := $time_words,
               source := src(report_id, 'indicators.' || line_no)))
       end as evidence
from judged
where problem is not null
