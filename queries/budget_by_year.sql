-- Over and under spending by fiscal year for the filtered reports, measured as on the
-- category chart (budget_by_category): lines with a plan against their plan, money on
-- lines without one as unplanned. Reports without a fiscal year form their own row.
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
), lines as (
    select r.fiscal_year, l.report_id, l.planned, l.actual, l.origin
    from budget_lines l
    join scope s on s.report_id = l.report_id
    join reports r on r.report_id = l.report_id
), final as (
    select fiscal_year,
           count(*) as lines,
           sum(planned) as planned,
           sum(actual) as actual,
           line_over_under(planned, actual) as over_under,
           line_overspent(planned, actual) as overspent,
           line_underspent(planned, actual) as underspent,
           line_unplanned(planned, actual) as unplanned,
           line_unplanned_table(planned, actual, origin) as unplanned_table,
           line_unplanned_text(planned, actual, origin) as unplanned_text
    from lines
    group by fiscal_year
)
select * from final order by fiscal_year nulls last;
