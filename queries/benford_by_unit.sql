-- Benford first-digit test of each unit's line amounts (filtered reports): the mean
-- absolute deviation (MAD) of digit shares from log10(1 + 1/d), with Nigrini's conformity
-- bands (jixiao.toml). Too few amounts make no test: units under $min_amounts are left out.
-- Each report's counts of first digits were taken when it was written (reports.first_digits,
-- queries/store/first_digits.sql, whole millionths of 万元 by integer division): a unit's are
-- their sums, no line read.
with counts as (
    select r.implementing_unit as unit,
           first_digit_sums(r.first_digits) as hits
    from reports r
    join scope s on s.report_no = r.report_no
    where r.implementing_unit is not null and r.first_digits is not null
    group by r.implementing_unit
), tested as (
    select unit, list_sum(hits) as amounts, hits
    from counts
    where list_sum(hits) >= $min_amounts
), final as (
    select unit as implementing_unit, amounts,
           list_avg(list_transform(hits, lambda h, i: abs(h / amounts - log10(1 + 1 / i)))) as mad,  -- summed in digit
                                                                                     -- order: the same bits every run
           list_transform(hits, lambda h: h / amounts) as observed_shares
    from tested
)
select *,
       case when mad <= $close then 'close' when mad <= $acceptable then 'acceptable'
            when mad <= $marginal then 'marginal' else 'nonconformity' end as conformity
from final
order by mad desc, implementing_unit;
