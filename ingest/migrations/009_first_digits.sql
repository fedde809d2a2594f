-- 009: each report's first-digit counts over its budget lines' amounts (nine counts, digits
-- 1–9), written with the report (queries/store/first_digits.sql, the same counting as here):
-- the Benford queries sum them instead of reading every line.
alter table reports add column first_digits integer[];
update reports r
set first_digits = d.first_digits
from (
    select report_no,
           [count(*) filter (digit = 1), count(*) filter (digit = 2), count(*) filter (digit = 3),
            count(*) filter (digit = 4), count(*) filter (digit = 5), count(*) filter (digit = 6),
            count(*) filter (digit = 7), count(*) filter (digit = 8), count(*) filter (digit = 9)] as first_digits
    from (select report_no, amount // cast(pow(10, floor(log10(amount))) as bigint) as digit
          from (select report_no, cast(round(unnest([planned, actual]) * 1000000) as bigint) as amount
                from budget_lines)
          where amount > 0)
    group by report_no
) d
where r.report_no = d.report_no;
