-- STATED_RATE_MISMATCH: a rate the report states differs from the one its own figures give
-- by more than the rate tolerance (percentage points).
with checked as (
    select *,
           arrival_rate_stated is not null and arrival_rate is not null
               and abs(arrival_rate_stated - arrival_rate) > $rate as arrival_off,
           execution_rate_stated is not null and execution_rate is not null
               and abs(execution_rate_stated - execution_rate) > $rate as execution_off
    from reports
    where parse_status <> 'failed'
)
select report_id,
       null as subject,
       concat_ws('；',
           if(arrival_off, printf('报告称资金到位率 %s%%，按数字计算为 %s%%', fmt(arrival_rate_stated), fmt(arrival_rate)), null),
           if(execution_off, printf('报告称预算执行率 %s%%，按数字计算为 %s%%', fmt(execution_rate_stated), fmt(execution_rate)), null)) as message,
       concat_ws('; ',
           if(arrival_off, printf('Stated arrival rate %s%%, the figures give %s%%', fmt(arrival_rate_stated), fmt(arrival_rate)), null),
           if(execution_off, printf('Stated execution rate %s%%, the figures give %s%%', fmt(execution_rate_stated), fmt(execution_rate)), null)) as message_en,
       to_json(struct_pack(
           arrival_rate_stated := arrival_rate_stated, arrival_rate := round(arrival_rate, 4),
           execution_rate_stated := execution_rate_stated, execution_rate := round(execution_rate, 4),
           tolerance := $rate,
           sources := struct_pack(arrival_rate_stated := src(report_id, 'arrival_rate_stated'),
                                  execution_rate_stated := src(report_id, 'execution_rate_stated'),
                                  funds_arrived := src(report_id, 'funds_arrived'), spent := src(report_id, 'spent')))) as evidence
from checked
where arrival_off or execution_off
