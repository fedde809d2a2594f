-- TEXT_TABLE_MISMATCH: the narrative states an amount for a category, or a total, that
-- differs from the table. An amount written in 元 whose number is the table's 万元 figure is
-- a unit slip (UNIT_SUSPECT), not a second figure.
with table_lines as (
    select report_id, category, sum(actual) as actual, min(line_no) as line_no
    from budget_lines
    where origin = 'table'
    group by report_id, category
), by_category as (
    select m.report_id, m.subject as category, t.actual as table_value, t.line_no,
           list(struct_pack(value := m.value, written := m.written, unit := m.unit, snippet := m.snippet)
                order by m.mention_no) as said
    from mentions m
    join table_lines t on t.report_id = m.report_id and t.category = m.subject
    where m.kind = 'amount' and m.role = 'line' and t.actual is not null
      and abs(m.value - t.actual) > $money
      and not (m.unit = '元' and abs(m.written - t.actual) <= $money)
    group by m.report_id, m.subject, t.actual, t.line_no
), totals as (
    select m.report_id, m.subject as field, m.value, m.written, m.unit, m.snippet, m.mention_no,
           case m.subject when 'spent' then r.spent when 'budget_planned' then r.budget_planned
                          when 'budget_adjusted' then r.budget_adjusted when 'funds_arrived' then r.funds_arrived end as table_value
    from mentions m
    join reports r on r.report_id = m.report_id
    join provenance p on p.report_id = m.report_id and p.field = m.subject and p.method = 'table' and p.witness_no = 0
    where m.kind = 'amount' and m.role = 'total'
), by_total as (
    select report_id,
           list(struct_pack(field := field, value := value, table_value := table_value, written := written,
                            unit := unit, snippet := snippet) order by mention_no) as said
    from totals
    where table_value is not null and abs(value - table_value) > $money
      and not (unit = '元' and abs(written - table_value) <= $money)
    group by report_id
)
select b.report_id,
       b.category as subject,
       printf('正文称%s %s 万元，表中为 %s 万元', b.category, fmt(b.said[1].value), fmt(b.table_value)) as message,
       printf('The text gives %s as %s, the table as %s (10k yuan)', coalesce(c.name_en, b.category),
              fmt(b.said[1].value), fmt(b.table_value)) as message_en,
       to_json(struct_pack(category := b.category, table_value := b.table_value, text := b.said, tolerance := $money,
                           source := src(b.report_id, 'budget_lines.' || b.line_no))) as evidence
from by_category b
left join economic_categories c on c.name = b.category
union all
select report_id,
       'total' as subject,
       printf('正文称%s %s 万元，表中为 %s 万元',
              case said[1].field when 'spent' then '实际支出' when 'funds_arrived' then '到位资金' else '预算' end,
              fmt(said[1].value), fmt(said[1].table_value)) as message,
       printf('The text gives the %s as %s, the table as %s (10k yuan)',
              case said[1].field when 'spent' then 'amount spent' when 'funds_arrived' then 'funds arrived' else 'budget' end,
              fmt(said[1].value), fmt(said[1].table_value)) as message_en,
       to_json(struct_pack(text := said, tolerance := $money,
                           sources := struct_pack(spent := src(report_id, 'spent'),
                                                  budget_planned := src(report_id, 'budget_planned'),
                                                  budget_adjusted := src(report_id, 'budget_adjusted'),
                                                  funds_arrived := src(report_id, 'funds_arrived')))) as evidence
from by_total
