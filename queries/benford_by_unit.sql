-- Benford first-digit test of each unit's line amounts (filtered reports): the mean
-- absolute deviation (MAD) of digit shares from log10(1 + 1/d), with Nigrini's conformity
-- bands (jixiao.toml). Too few amounts make no test: units under $min_amounts are left out.
-- Digits are read from whole millionths of 万元 by integer division (0.3 / 0.1 is 2.999… in
-- floating point, and floor() would call it a 2). Digits are counted once per unit and digit.
with amounts as (
    select r.implementing_unit as unit, cast(round(unnest([l.planned, l.actual]) * 1000000) as bigint) as amount
    from budget_lines l
    join scope s on s.report_id = l.report_id
    join reports r on r.report_id = l.report_id
    where r.implementing_unit is not null
), counts as (
    select unit, amount // cast(pow(10, floor(log10(amount))) as bigint) as digit, count(*) as hits
    from amounts
    where amount > 0
    group by all
), totals as (
    select unit, sum(hits) as amounts from counts group by unit having sum(hits) >= $min_amounts
), shares as (
    select t.unit, t.amounts, g.digit,
           coalesce(c.hits, 0) / t.amounts as observed_share,
           log10(1 + 1 / g.digit) as expected_share
    from totals t
    cross join range(1, 10) as g(digit)
    left join counts c on c.unit = t.unit and c.digit = g.digit
), final as (
    select unit as implementing_unit, any_value(amounts) as amounts,
           list_avg(list(abs(observed_share - expected_share) order by digit)) as mad,   -- summed in digit order:
                                                                                -- the same bits on every run
           list(observed_share order by digit) as observed_shares
    from shares
    group by unit
)
select *,
       case when mad <= $close then 'close' when mad <= $acceptable then 'acceptable'
            when mad <= $marginal then 'marginal' else 'nonconformity' end as conformity
from final
order by mad desc, implementing_unit;
