-- The budget page's headline for the filtered reports, in figures a reader can add up:
-- lines with a plan (their plan, their actual, actual − plan), money spent without a plan
-- (table lines and amounts only the narrative states), and the actual spending in all =
-- actual on planned lines + unplanned. Each part is rounded to the cent (0.01 万元) before
-- the differences and sums are taken, so the figures on screen add up exactly. Amounts are
-- summed as decimals: a float sum's last bit depends on the order of the rows (a store and
-- its Parquet export differ), and rounding to the cent turned 344.925 one way or the other.
-- not_counted is the actual spending on lines that are neither (a negative amount, which
-- validate flags, or a negative plan): shown apart when there is any.
with lines as (
    select l.planned::decimal(18, 6) as planned, l.actual::decimal(18, 6) as actual, l.origin
    from budget_lines l
    join scope s on s.report_no = l.report_no
), measured as (
    select unnest(line_measures(planned, actual, origin))
    from lines
), rounded as (
    select lines, planned_lines, unplanned_lines, unplanned_text_lines,
           round(planned_lines_planned, 2)::decimal(18, 2) as planned,
           round(planned_lines_actual, 2)::decimal(18, 2)  as planned_lines_actual,
           round(unplanned_table, 2)::decimal(18, 2)       as unplanned_table,
           round(unplanned_text, 2)::decimal(18, 2)        as unplanned_text,
           round(coalesce(actual, 0) - planned_lines_actual - unplanned, 2)::decimal(18, 2) as not_counted
    from measured
), final as (
    select lines, planned_lines, unplanned_lines, unplanned_text_lines,
           planned::double                                                as planned,
           planned_lines_actual::double                                   as planned_lines_actual,
           (planned_lines_actual - planned)::double                       as over_under,
           (unplanned_table + unplanned_text)::double                     as unplanned,
           unplanned_table::double                                        as unplanned_table,
           unplanned_text::double                                         as unplanned_text,
           (planned_lines_actual + unplanned_table + unplanned_text)::double as actual_total,
           not_counted::double                                            as not_counted
    from rounded
)
select * from final;
