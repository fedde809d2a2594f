-- Planned against actual per economic category for the filtered reports, plus one total row
-- (is_total). A category is its standard name; a label that maps to no code stands for
-- itself. over_under counts only lines with a plan (planned > 0): a blank actual there is
-- "none spent" (SPEC §1), so it shows as the whole plan left unspent. Money spent on a line
-- without a plan (blank, "-" or 0) is unplanned, not an overspend against zero; it is split
-- into unplanned_table (table lines) and unplanned_text (amounts only the narrative states,
-- where no plan was written anywhere: UNPLANNED_LINE does not fire on them).
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
           sum(coalesce(actual, 0) - planned) filter (planned > 0) as over_under,
           sum(greatest(coalesce(actual, 0) - planned, 0)) filter (planned > 0) as overspent,
           sum(least(coalesce(actual, 0) - planned, 0)) filter (planned > 0) as underspent,
           coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0), 0) as unplanned,
           coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0 and origin <> 'text'), 0)
               as unplanned_table,
           coalesce(sum(actual) filter (coalesce(planned, 0) = 0 and actual > 0 and origin = 'text'), 0)
               as unplanned_text
    from lines
    group by grouping sets ((category), ())
), final as (
    select s.*, coalesce(c.name_en, s.category) as category_en
    from summed s
    left join economic_categories c on c.code = s.category_code
)
select * from final
order by is_total desc, coalesce(actual, 0) + coalesce(planned, 0) desc, category;
