-- Benford first-digit test of each unit's line amounts (filtered reports): the mean
-- absolute deviation (MAD) of digit shares from log10(1 + 1/d), with Nigrini's conformity
-- bands (jixiao.toml). Too few amounts make no test: units under $min_amounts are left out.
-- Digits are read from whole millionths of 万元 by integer division (0.3 / 0.1 is 2.999… in
-- floating point, and floor() would call it a 2).
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
), amounts as (
    select r.implementing_unit as unit, cast(round(unnest([l.planned, l.actual]) * 1000000) as bigint) as amount
    from budget_lines l
    join scope s on s.report_id = l.report_id
    join reports r on r.report_id = l.report_id
    where r.implementing_unit is not null
), digits as (
    select unit, amount // cast(pow(10, floor(log10(amount))) as bigint) as digit
    from amounts
    where amount > 0
), totals as (
    select unit, count(*) as amounts from digits group by unit having count(*) >= $min_amounts
), grid as (
    select t.unit, t.amounts, d.digit from totals t cross join range(1, 10) as d(digit)
), shares as (
    select g.unit, g.amounts, g.digit,
           count(x.digit) / g.amounts as observed_share,
           log10(1 + 1 / g.digit) as expected_share
    from grid g
    left join digits x on x.unit = g.unit and x.digit = g.digit
    group by g.unit, g.amounts, g.digit
), final as (
    select unit as implementing_unit, any_value(amounts) as amounts,
           avg(abs(observed_share - expected_share)) as mad,
           list(observed_share order by digit) as observed_shares
    from shares
    group by unit
)
select *,
       case when mad <= $close then 'close' when mad <= $acceptable then 'acceptable'
            when mad <= $marginal then 'marginal' else 'nonconformity' end as conformity
from final
order by mad desc, implementing_unit;
