-- UNPLANNED_LINE: money spent on a line of a table that has a planned column, where this
-- line's plan is blank, "-" or 0. Lines known only from the narrative have no plan to miss.
with planned_tables as (
    select distinct report_id from budget_lines where origin = 'table' and planned is not null
)
select l.report_id,
       l.category as subject,
       printf('%s 无计划支出数，却实际支出 %s 万元', l.category, fmt(l.actual)) as message,
       printf('%s: %s (10k yuan) spent with no planned amount', coalesce(c.name_en, l.category), fmt(l.actual)) as message_en,
       to_json(struct_pack(
           category := l.category, category_code := l.category_code, category_raw := l.category_raw,
           planned := l.planned, actual := l.actual,
           source := src(l.report_id, 'budget_lines.' || l.line_no))) as evidence
from budget_lines l
join planned_tables using (report_id)
left join economic_categories c on c.code = l.category_code
where l.origin = 'table' and coalesce(l.planned, 0) = 0 and l.actual > 0
