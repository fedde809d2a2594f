-- INDICATOR_OVER_WEIGHT: an indicator scored more than it weighs.
select i.report_id,
       i.name as subject,
       printf('指标“%s”得分 %s 分，超过其分值 %s 分', i.name, fmt(i.score), fmt(i.weight)) as message,
       printf('Indicator “%s” scored %s, above its weight of %s', i.name, fmt(i.score), fmt(i.weight)) as message_en,
       to_json(struct_pack(
           name := i.name, level1 := i.level1, level2 := i.level2, weight := i.weight, score := i.score,
           source := src(i.report_id, 'indicators.' || i.line_no))) as evidence
from indicators i
where i.score > i.weight + 1e-9
