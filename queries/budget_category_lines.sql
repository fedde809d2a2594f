-- The budget lines behind one category ($category: the standard name, or the raw label of
-- an unmapped line) in the filtered reports, for the drill-down. has_plan is line_measures'
-- test (planned > 0); difference (actual − plan, a blank actual being none spent) only for
-- those, a line without a plan being unplanned spending, not a deviation from a plan of 0.
-- Largest first: the deviation from plan, or what a line without a plan spent; at most
-- $limit rows, line_total saying how many there are in all.
with lines as (
    select l.report_id, l.report_no, l.line_no, l.category_raw, l.planned, l.actual, l.origin,
           coalesce(l.planned > 0, false) as has_plan
    from budget_lines l
    join scope s on s.report_no = l.report_no
    where l.category = $category
), measured as (
    select *,
           case when has_plan then coalesce(actual, 0) - planned end as difference
    from lines
), final as (
    select l.report_id, r.file_name, r.project_name, r.implementing_unit, r.fiscal_year, r.province,
           l.line_no, l.category_raw, l.has_plan, l.origin, l.planned, l.actual, l.difference,
           count(*) over () as line_total
    from measured l
    join reports r on r.report_no = l.report_no
)
select * from final
order by abs(coalesce(difference, actual, 0)) desc, fiscal_year desc nulls last, file_name, line_no
limit $limit;
