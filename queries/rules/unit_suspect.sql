-- UNIT_SUSPECT: an amount written in 元 where the report counts in 万元: its number is the
-- table's 万元 figure for the same category, or it is implausibly small (印刷费0.73元) among
-- amounts in 万元.
with context as (
    select report_id, count(*) filter (unit = '万元') as in_wan, count(*) filter (unit = '元') as in_yuan
    from mentions
    where kind = 'amount'
    group by report_id
), table_lines as (
    select report_id, category, sum(actual) as actual, sum(planned) as planned
    from budget_lines
    where origin = 'table'
    group by report_id, category
), suspects as (
    select m.report_id, if(m.role = 'line', m.subject, 'total') as subject, m.written, m.snippet, m.mention_no,
           t.actual as table_actual, x.in_wan, x.in_yuan,
           (abs(m.written - t.actual) <= $money or abs(m.written - t.planned) <= $money) as matches_table
    from mentions m
    join context x on x.report_id = m.report_id
    left join table_lines t on t.report_id = m.report_id and t.category = m.subject and m.role = 'line'
    where m.kind = 'amount' and m.unit = '元'
)
select report_id,
       subject,
       printf('“%s”写作 %s 元，按上下文应为 %s 万元', trim(any_value(snippet)), fmt(any_value(written)), fmt(any_value(written))) as message,
       printf('%s is written as %s yuan where the report counts in 10k yuan', subject, fmt(any_value(written))) as message_en,
       to_json(struct_pack(subject := subject, written := any_value(written), unit := '元',
                           table_value := any_value(table_actual), amounts_in_wan := any_value(in_wan),
                           amounts_in_yuan := any_value(in_yuan), below_yuan := $below_yuan,
                           snippet := any_value(snippet))) as evidence
from suspects
where coalesce(matches_table, false) or (written < $below_yuan and in_wan > in_yuan)
group by report_id, subject
