-- Year over year by economic category for the filtered reports: each category's planned and
-- actual per fiscal year, and the change against the previous year present for it (a year
-- without its lines is skipped; prev_year says which year it is compared with), in 万元 and
-- as a share of that year's amount. planned is the plan of lines with one (line_measures'
-- planned_lines_planned, the category chart's); actual is all the money spent on the category,
-- on lines with a plan and without (the headline's 实际合计): spending that left the plan
-- still moved. A move is marked (planned_moved, actual_moved, moved) when it exceeds
-- $move_share of the earlier amount and one of the two years' amounts reaches
-- $move_min_amount 万元 (jixiao.toml [year_over_year]); against an earlier amount of 0 there is
-- no share and no mark. Amounts are summed and compared as decimals, so that 10 → 13 is 30 %,
-- not a float's 30.000000000000004 % past the mark. Reports without a fiscal year are left
-- out: they have no place in a sequence. Largest categories first (all the money spent over
-- the years), at most $limit of them, category_total saying how many there are in all.
with lines as (
    select r.fiscal_year, l.category, l.category_code, l.origin,
           l.planned::decimal(18, 6) as planned, l.actual::decimal(18, 6) as actual
    from budget_lines l
    join scope s on s.report_no = l.report_no
    join reports r on r.report_no = l.report_no
    where r.fiscal_year is not null
), measured as (
    select category, fiscal_year, max(category_code) as category_code,
           unnest(line_measures(planned, actual, origin))
    from lines
    group by category, fiscal_year
), yearly as (
    select category, category_code, fiscal_year, lines,
           planned_lines_planned as planned,
           planned_lines_actual + unplanned as actual
    from measured
), compared as (
    select *,
           lag(fiscal_year) over years as prev_year,
           lag(planned) over years as planned_prev,
           lag(actual) over years as actual_prev
    from yearly
    window years as (partition by category order by fiscal_year)
), changed as (
    select *,
           planned - planned_prev as planned_change,
           actual - actual_prev as actual_change,
           moved_beyond(planned, planned_prev, $move_share::decimal(9, 6), $move_min_amount) as planned_moved,
           moved_beyond(actual, actual_prev, $move_share::decimal(9, 6), $move_min_amount) as actual_moved
    from compared
), sized as (
    select *, sum(actual) over (partition by category) as category_amount
    from changed
), ranked as (
    select *, dense_rank() over (order by category_amount desc, category) as category_rank
    from sized
), counted as (
    select *, max(category_rank) over () as category_total
    from ranked
), final as (
    select r.category, r.category_code, coalesce(c.name_en, r.category) as category_en, r.fiscal_year, r.lines,
           r.planned::double as planned, r.actual::double as actual, r.prev_year,
           r.planned_prev::double as planned_prev, r.actual_prev::double as actual_prev,
           r.planned_change::double as planned_change,
           (r.planned_change / nullif(r.planned_prev, 0))::double as planned_change_share,
           r.actual_change::double as actual_change,
           (r.actual_change / nullif(r.actual_prev, 0))::double as actual_change_share,
           r.planned_moved, r.actual_moved, r.planned_moved or r.actual_moved as moved,
           r.category_rank, r.category_total
    from counted r
    left join economic_categories c on c.code = r.category_code
    where r.category_rank <= $limit
)
select * from final
order by category_rank, fiscal_year;
