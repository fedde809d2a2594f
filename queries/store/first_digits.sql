-- Each written report's first-digit counts over its budget lines' amounts, planned and
-- actual (reports.first_digits, migration 009: nine counts, digits 1–9; null without a
-- positive amount): the Benford queries sum these per report instead of reading every line
-- (at 1,000,000 reports, 6.6 million amounts on each run). An amount is read as a whole
-- number of millionths of 万元 and its digit found by integer division: in floating point
-- 0.3 / 0.1 is 2.999…, and floor() would call it a 2. $report_ids: the reports just written
-- (null: every report, after migration 009 and for an export older than it).
update reports r
set first_digits = d.first_digits
from (
    select report_no,
           [count(*) filter (digit = 1), count(*) filter (digit = 2), count(*) filter (digit = 3),
            count(*) filter (digit = 4), count(*) filter (digit = 5), count(*) filter (digit = 6),
            count(*) filter (digit = 7), count(*) filter (digit = 8), count(*) filter (digit = 9)] as first_digits
    from (select report_no, amount // cast(pow(10, floor(log10(amount))) as bigint) as digit
          from (select report_no, cast(round(unnest([planned, actual]) * 1000000) as bigint) as amount
                from budget_lines
                where $report_ids::varchar[] is null or report_id in (select unnest($report_ids::varchar[])))
          where amount > 0)
    group by report_no
) d
where r.report_no = d.report_no;
