-- The budget lines behind one category ($category: the standard name, or the raw label of
-- an unmapped line) in the filtered reports, for the drill-down: largest deviation from plan
-- first (a line without a plan deviates by all it spent), at most $limit rows; line_total
-- says how many there are in all.
with lines as (
    select l.report_id, l.line_no, l.category_raw, l.planned, l.actual,
           coalesce(l.actual, 0) - coalesce(l.planned, 0) as difference, l.origin
    from budget_lines l
    join scope s on s.report_id = l.report_id
    where l.category = $category
), final as (
    select l.report_id, r.file_name, r.project_name, r.implementing_unit, r.fiscal_year, r.province,
           l.line_no, l.category_raw, l.planned, l.actual, l.difference, l.origin,
           count(*) over () as line_total
    from lines l
    join reports r on r.report_id = l.report_id
)
select * from final
order by abs(difference) desc, fiscal_year desc nulls last, file_name, line_no
limit $limit;
