-- Planned against actual per economic category for the filtered reports, plus one total row
-- (is_total). A category is its standard name; a label that maps to no code stands for
-- itself. Over, under and unplanned spending are setup.sql's line_measures: a blank
-- actual on a planned line shows as the whole plan left unspent, money on a line without a
-- plan as unplanned (table lines and narrative-only amounts apart). Categories with the most
-- planned and actual spending on lines with a plan come first, then those spent without one.
with lines as (
    select l.report_id, l.category, l.category_code, l.planned, l.actual, l.origin
    from budget_lines l
    join scope s on s.report_no = l.report_no
), summed as (
    select grouping(category) = 1 as is_total,
           category,
           case when grouping(category) = 0 then max(category_code) end as category_code,
           unnest(line_measures(planned, actual, origin))
    from lines
    group by grouping sets ((category), ())
), final as (
    select s.*, coalesce(c.name_en, s.category) as category_en
    from summed s
    left join economic_categories c on c.code = s.category_code
)
select * from final
order by is_total desc, planned_lines_planned + planned_lines_actual desc, unplanned desc, category;
