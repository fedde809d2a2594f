-- SPENT_EXCEEDS_ARRIVED: more was spent than ever arrived.
select report_id,
       null as subject,
       printf('实际支出 %s 万元，超过实际到位资金 %s 万元（多 %s 万元）',
              fmt(spent), fmt(funds_arrived), fmt(spent - funds_arrived)) as message,
       printf('Spent %s, more than the %s that arrived (10k yuan)', fmt(spent), fmt(funds_arrived)) as message_en,
       to_json(struct_pack(
           spent := spent, funds_arrived := funds_arrived, excess := round(spent - funds_arrived, 4),
           tolerance := $overspend,
           sources := struct_pack(spent := src(report_id, 'spent'), funds_arrived := src(report_id, 'funds_arrived')))) as evidence
from reports
where parse_status <> 'failed' and spent > funds_arrived + $overspend
