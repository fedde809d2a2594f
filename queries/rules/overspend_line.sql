-- OVERSPEND_LINE: a budget line spent more than its plan (planned > 0). Equal is not over.
select l.report_id,
       l.category as subject,
       printf('%s 实际 %s 万元，超出计划 %s 万元 %s%%',
              l.category, fmt(l.actual), fmt(l.planned), pct((l.actual - l.planned) / l.planned * 100)) as message,
       printf('%s: actual %s exceeds the planned %s (10k yuan) by %s%%',
              coalesce(c.name_en, l.category), fmt(l.actual), fmt(l.planned),
              pct((l.actual - l.planned) / l.planned * 100)) as message_en,
       to_json(struct_pack(
           category := l.category, category_code := l.category_code, category_raw := l.category_raw,
           planned := l.planned, actual := l.actual, over := round(l.actual - l.planned, 4),
           over_percent := round((l.actual - l.planned) / l.planned * 100, 2), tolerance := $overspend,
           source := src(l.report_id, 'budget_lines.' || l.line_no))) as evidence
from budget_lines l
left join economic_categories c on c.code = l.category_code
where l.planned > 0 and l.actual > l.planned + $overspend
