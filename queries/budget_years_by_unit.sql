-- Year over year by implementing unit for the filtered reports: each unit's budget
-- (setup.sql's budget_of), spending and execution rate per fiscal year, and the change in
-- budget and spending against the unit's previous year present (prev_year), in 万元 and as a
-- share of that year's. The execution rate is Σ spent ÷ Σ budget over the reports giving
-- both, as on the unit's profile (unit_years). A move is marked as on the category table
-- (budget_years_by_category): more than $move_share of the earlier amount, one of the two
-- years reaching $move_min_amount 万元, none against an earlier 0; compared as decimals.
-- Reports without a unit or a fiscal year are left out, and so are units of one year only:
-- they have nothing to compare. A province's store names tens of thousands of units: the
-- $limit units with the largest marked move (in 万元, budget or spending) come back, every
-- year of each, then, while room is left, the largest unmarked ones by budget; unit_total
-- (units of two years or more) and moved_units count them all.
with unit_reports as (
    select r.implementing_unit, r.fiscal_year,
           budget_of(r)::decimal(18, 6) as budget, r.spent::decimal(18, 6) as spent
    from reports r
    join scope s on s.report_no = r.report_no
    where r.implementing_unit is not null and r.fiscal_year is not null
), yearly as (
    select implementing_unit, fiscal_year,
           count(*) as reports,
           sum(budget) as budget,
           sum(spent) as spent,
           100 * sum(spent) filter (budget > 0 and spent is not null)
               / sum(budget) filter (budget > 0 and spent is not null) as execution_rate
    from unit_reports
    group by implementing_unit, fiscal_year
), compared as (
    select *,
           lag(fiscal_year) over years as prev_year,
           lag(budget) over years as budget_prev,
           lag(spent) over years as spent_prev
    from yearly
    window years as (partition by implementing_unit order by fiscal_year)
), changed as (
    select *,
           budget - budget_prev as budget_change,
           spent - spent_prev as spent_change,
           moved_beyond(budget, budget_prev, $move_share::decimal(9, 6), $move_min_amount) as budget_moved,
           moved_beyond(spent, spent_prev, $move_share::decimal(9, 6), $move_min_amount) as spent_moved
    from compared
), units as (
    -- A unit's largest marked move in 万元, and its budget over the years for the rest.
    select implementing_unit,
           max(greatest(if(budget_moved, abs(budget_change), 0), if(spent_moved, abs(spent_change), 0)))
               filter (budget_moved or spent_moved) as largest_move,
           coalesce(sum(budget), 0) as budget_total
    from changed
    group by implementing_unit
    having count(*) > 1
), ranked as (
    select implementing_unit, largest_move,
           row_number() over (order by largest_move desc nulls last, budget_total desc, implementing_unit) as unit_rank,
           count(*) over () as unit_total,
           count(largest_move) over () as moved_units
    from units
), final as (
    select c.implementing_unit, c.fiscal_year, c.reports,
           c.budget::double as budget, c.spent::double as spent, c.execution_rate::double as execution_rate,
           c.prev_year, c.budget_prev::double as budget_prev, c.spent_prev::double as spent_prev,
           c.budget_change::double as budget_change,
           (c.budget_change / nullif(c.budget_prev, 0))::double as budget_change_share,
           c.spent_change::double as spent_change,
           (c.spent_change / nullif(c.spent_prev, 0))::double as spent_change_share,
           c.budget_moved, c.spent_moved, c.budget_moved or c.spent_moved as moved,
           u.largest_move::double as largest_move, u.unit_rank, u.unit_total, u.moved_units
    from changed c
    join ranked u on u.implementing_unit = c.implementing_unit
    where u.unit_rank <= $limit
)
select * from final
order by unit_rank, fiscal_year;
