-- First digits of line amounts (planned and actual, in 万元) against Benford's law, for one
-- unit ($unit) or, with $unit null, for every report. Expected share: log10(1 + 1/d).
with amounts as (
    select unnest([l.planned, l.actual]) as amount
    from budget_lines l
    join reports r on r.report_id = l.report_id
    where r.parse_status <> 'failed' and ($unit is null or r.implementing_unit = $unit)
), digits as (
    select cast(floor(amount / pow(10, floor(log10(amount)))) as integer) as digit
    from amounts
    where amount > 0
), counted as (
    select digit, count(*) as amounts from digits where digit between 1 and 9 group by digit
), final as (
    select d.digit, coalesce(c.amounts, 0) as amounts,
           coalesce(c.amounts, 0) / nullif(sum(coalesce(c.amounts, 0)) over (), 0) as observed_share,
           log10(1 + 1 / d.digit) as expected_share
    from range(1, 10) as d(digit)
    left join counted c on c.digit = d.digit
)
select * from final order by digit;
