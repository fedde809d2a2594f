-- Over and under spending by area for the filtered reports: by province, or with
-- $area = 'region' by region (county, district or prefecture), measured as on the category
-- chart (budget_by_category). Largest deviations from plan first, then the most spent
-- without a plan; reports without an area form a row of their own (area null).
with lines as (
    select case when $area = 'region' then r.region else r.province end as area,
           l.report_id, l.planned, l.actual, l.origin
    from budget_lines l
    join scope s on s.report_no = l.report_no
    join reports r on r.report_no = l.report_no
), final as (
    select area,
           unnest(line_measures(planned, actual, origin))
    from lines
    group by area
)
select * from final
order by coalesce(overspent, 0) - coalesce(underspent, 0) desc, unplanned desc, area nulls last;
