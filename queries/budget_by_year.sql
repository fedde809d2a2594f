-- Over and under spending by fiscal year for the filtered reports, measured as on the
-- category chart (budget_by_category): lines with a plan against their plan, money on
-- lines without one as unplanned. Reports without a fiscal year form their own row.
with lines as (
    select r.fiscal_year, l.report_id, l.planned, l.actual, l.origin
    from budget_lines l
    join scope s on s.report_no = l.report_no
    join reports r on r.report_no = l.report_no
), final as (
    select fiscal_year,
           unnest(line_measures(planned, actual, origin))
    from lines
    group by fiscal_year
)
select * from final order by fiscal_year nulls last;
