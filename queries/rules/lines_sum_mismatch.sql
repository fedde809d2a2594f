-- LINES_SUM_MISMATCH: the lines' actuals do not add up to the amount spent, or their plans
-- to the budget (to either budget figure the report gives), beyond the money tolerance.
with sums as (
    select report_id, sum(actual) as actual_sum, count(actual) as actual_lines,
           sum(planned) as planned_sum, count(planned) as planned_lines
    from budget_lines
    group by report_id
), checked as (
    select r.report_id, r.spent, r.budget_planned, r.budget_adjusted, s.*,
           budget_of(r) as budget,
           s.actual_lines > 0 and r.spent is not null and abs(s.actual_sum - r.spent) > $money as actual_off,
           s.planned_lines > 0 and budget_of(r) is not null
               and abs(s.planned_sum - budget_of(r)) > $money
               and (r.budget_planned is null or abs(s.planned_sum - r.budget_planned) > $money) as planned_off
    from reports r
    join sums s on s.report_id = r.report_id
    where r.parse_status <> 'failed'
)
select report_id,
       null as subject,
       concat_ws('；',
           if(actual_off, printf('支出明细合计 %s 万元，与实际支出 %s 万元相差 %s 万元',
                                 fmt(actual_sum), fmt(spent), fmt(abs(actual_sum - spent))), null),
           if(planned_off, printf('计划支出合计 %s 万元，与预算 %s 万元相差 %s 万元',
                                  fmt(planned_sum), fmt(budget), fmt(abs(planned_sum - budget))), null)) as message,
       concat_ws('; ',
           if(actual_off, printf('Line actuals add up to %s, not the %s spent (10k yuan)', fmt(actual_sum), fmt(spent)), null),
           if(planned_off, printf('Planned lines add up to %s, not the budget of %s (10k yuan)', fmt(planned_sum), fmt(budget)), null)) as message_en,
       to_json(struct_pack(
           actual_sum := round(actual_sum, 4), spent := spent, planned_sum := round(planned_sum, 4),
           budget_planned := budget_planned, budget_adjusted := budget_adjusted,
           actual_lines := actual_lines, planned_lines := planned_lines, tolerance := $money,
           sources := struct_pack(spent := src(report_id, 'spent'), budget_planned := src(report_id, 'budget_planned'),
                                  budget_adjusted := src(report_id, 'budget_adjusted')))) as evidence
from checked
where actual_off or planned_off
