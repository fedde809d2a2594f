-- First digits of the filtered reports' line amounts (planned and actual, 万元) against Benford's expected share log10(1 + 1/d), with the mean absolute
-- deviation and Nigrini's conformity band ($close/$acceptable/$marginal); conformity is
-- null under $min_amounts amounts, which make no test.
-- The digit is read from the amount as a whole number of millionths of 万元 (fen) by integer
-- division: in floating point 0.3 / 0.1 is 2.999…, and floor() would call it a 2. Lines are
-- first counted per (planned digit, actual digit) pair so the budget_lines scan runs once.
with fen as (
    select cast(round(l.planned * 1000000) as bigint) as planned, cast(round(l.actual * 1000000) as bigint) as actual
    from budget_lines l
    join scope s on s.report_no = l.report_no
), pairs as (
    select case when planned > 0 then planned // cast(pow(10, floor(log10(planned))) as bigint) end as planned_digit,
           case when actual > 0 then actual // cast(pow(10, floor(log10(actual))) as bigint) end as actual_digit,
           count(*) as lines
    from fen
    group by all
), counted as (
    select digit, cast(sum(lines) as bigint) as amounts
    from (select planned_digit as digit, lines from pairs union all select actual_digit, lines from pairs)
    where digit between 1 and 9
    group by digit
), shares as (
    select d.digit, coalesce(c.amounts, 0) as amounts,
           coalesce(c.amounts, 0) / nullif(sum(coalesce(c.amounts, 0)) over (), 0) as observed_share,
           log10(1 + 1 / d.digit) as expected_share,
           cast(sum(coalesce(c.amounts, 0)) over () as bigint) as amounts_total
    from range(1, 10) as d(digit)
    left join counted c on c.digit = d.digit
), final as (
    select *, avg(abs(observed_share - expected_share)) over () as mad from shares
)
select digit, amounts, observed_share, expected_share, amounts_total, mad,
       case when amounts_total < $min_amounts then null
            when mad <= $close then 'close' when mad <= $acceptable then 'acceptable'
            when mad <= $marginal then 'marginal' else 'nonconformity' end as conformity
from final
order by digit;
