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
           sum(coalesce(actual, 0) - planned) filter (planned > 0) as over_under,
           sum(greatest(coalesce(actual, 0) - planned, 0)) filter (planned > 0) as overspent,
           sum(least(coalesce(actual, 0) - planned, 0)) filter (planned > 0) as underspent,
           coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0), 0) as unplanned,
           coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0 and origin <> 'text'), 0)
               as unplanned_table,
           coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0 and origin = 'text'), 0)
               as unplanned_text
    from lines
    group by fiscal_year
)
select * from final order by fiscal_year nulls last;
