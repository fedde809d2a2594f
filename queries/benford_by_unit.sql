-- Benford first-digit test of each unit's line amounts (filtered reports): the mean
-- absolute deviation (MAD) of digit shares from log10(1 + 1/d), with Nigrini's conformity
-- bands (jixiao.toml). Too few amounts make no test: units under $min_amounts are left out.
-- Digits are read from whole millionths of 万元 by integer division (0.3 / 0.1 is 2.999… in
-- floating point, and floor() would call it a 2). Each unit's nine digit counts are gathered
-- in one group per unit (grouping by unit and digit made four times the groups).
with amounts as (
    select r.implementing_unit as unit, cast(round(unnest([l.planned, l.actual]) * 1000000) as bigint) as amount
    from budget_lines l
    join scope s on s.report_no = l.report_no
    join reports r on r.report_no = l.report_no
    where r.implementing_unit is not null
), digits as (
    select unit, amount // cast(pow(10, floor(log10(amount))) as bigint) as digit
    from amounts
    where amount > 0
), counts as (
    select unit, count(*) as amounts,
           [count(*) filter (digit = 1), count(*) filter (digit = 2), count(*) filter (digit = 3),
            count(*) filter (digit = 4), count(*) filter (digit = 5), count(*) filter (digit = 6),
            count(*) filter (digit = 7), count(*) filter (digit = 8), count(*) filter (digit = 9)] as hits
    from digits
    group by unit
    having count(*) >= $min_amounts
), final as (
    select unit as implementing_unit, amounts,
           list_avg(list_transform(hits, lambda h, i: abs(h / amounts - log10(1 + 1 / i)))) as mad,  -- summed in digit
                                                                                     -- order: the same bits every run
           list_transform(hits, lambda h: h / amounts) as observed_shares
    from counts
)
select *,
       case when mad <= $close then 'close' when mad <= $acceptable then 'acceptable'
            when mad <= $marginal then 'marginal' else 'nonconformity' end as conformity
from final
order by mad desc, implementing_unit;
