-- Over and under spending by area for the filtered reports: by province, or with
-- $area = 'region' by region (county, district or prefecture), measured as on the category
-- chart (budget_by_category). Largest deviations first; reports without an area form a
-- row of their own (area null).
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
), lines as (
    select case when $area = 'region' then r.region else r.province end as area,
           l.report_id, l.planned, l.actual, l.origin
    from budget_lines l
    join scope s on s.report_id = l.report_id
    join reports r on r.report_id = l.report_id
), final as (
    select area,
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
    group by area
)
select * from final
order by coalesce(overspent, 0) - coalesce(underspent, 0) + unplanned desc, area nulls last;
