-- Planned against actual per economic category for the filtered reports, plus one total row
-- (is_total). A category is its standard name; a label that maps to no code stands for
-- itself. Over, under and unplanned spending are the line_* measures of setup.sql: a blank
-- actual on a planned line shows as the whole plan left unspent, money on a line without a
-- plan as unplanned (table lines and narrative-only amounts apart).
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
), lines as (
    select l.report_id, l.category, l.category_code, l.planned, l.actual, l.origin
    from budget_lines l
    join scope s on s.report_id = l.report_id
), summed as (
    select grouping(category) = 1 as is_total,
           category,
           case when grouping(category) = 0 then max(category_code) end as category_code,
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
    group by grouping sets ((category), ())
), final as (
    select s.*, coalesce(c.name_en, s.category) as category_en
    from summed s
    left join economic_categories c on c.code = s.category_code
)
select * from final
order by is_total desc, coalesce(actual, 0) + coalesce(planned, 0) desc, category;
