-- First digits of the filtered reports' line amounts (planned and actual, 万元) against Benford's expected share log10(1 + 1/d), with the mean absolute
-- deviation and Nigrini's conformity band ($close/$acceptable/$marginal); conformity is
-- null under $min_amounts amounts, which make no test.
-- Each report's counts of first digits were taken when it was written (reports.first_digits,
-- queries/store/first_digits.sql): they are summed here, no line read.
with sums as (
    select first_digit_sums(r.first_digits) as hits
    from reports r
    join scope s on s.report_no = r.report_no
), counted as (     -- the two lists unnested side by side: digit d and its count
    select unnest(range(1, 10)) as digit, cast(unnest(hits) as bigint) as amounts
    from sums
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
