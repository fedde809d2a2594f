-- DATE_INCONSISTENT: a signature, report or evaluation date before the project period ends,
-- or an evaluation said to happen after the report's own date. Dates known to the month
-- count by their last day when compared with the period's end, by their first when
-- compared with the report's date, so a month never fires on its own vagueness.
with dates as (
    select report_id, role, date_start, date_end, snippet from mentions where kind = 'date'
    union all
    select report_id, 'report', report_date, report_date, null from reports where report_date is not null
), problems as (
    select d.report_id, d.role, d.date_start, d.date_end, d.snippet, r.period_end, r.report_date,
           case
               when d.role in ('report', 'signed', 'evaluated') and r.period_end is not null
                    and d.date_end < r.period_end then 'before_period_end'
               when d.role = 'evaluated' and r.report_date is not null and d.date_start > r.report_date
                    then 'evaluated_after_report'
           end as problem
    from dates d
    join reports r on r.report_id = d.report_id
    where r.parse_status <> 'failed'
), found as (
    select report_id, any_value(period_end) as period_end, any_value(report_date) as report_date,
           -- Sorted: list(distinct) keeps no order, and the same report read twice must give the same evidence.
           list_sort(list(distinct struct_pack(problem := problem, role := role, date := date_start::varchar,
                                               snippet := snippet))) as dates
    from problems
    where problem is not null
    group by report_id
)
select report_id,
       null as subject,
       concat_ws('；', list_distinct(list_transform(dates, lambda d:
           case d.problem
               when 'before_period_end' then printf('%s日期 %s 早于项目结束日 %s',
                    case d.role when 'signed' then '签字' when 'evaluated' then '评价' else '报告' end,
                    d.date, period_end::varchar)
               else printf('评价日期 %s 晚于报告日期 %s', d.date, report_date::varchar)
           end))) as message,
       concat_ws('; ', list_distinct(list_transform(dates, lambda d:
           case d.problem
               when 'before_period_end' then printf('%s date %s is before the project ends on %s',
                    case d.role when 'signed' then 'signature' when 'evaluated' then 'evaluation' else 'report' end,
                    d.date, period_end::varchar)
               else printf('evaluation on %s, after the report date %s', d.date, report_date::varchar)
           end))) as message_en,
       to_json(struct_pack(period_end := period_end, report_date := report_date, dates := dates,
                           sources := struct_pack(period_end := src(report_id, 'period_end'),
                                                  report_date := src(report_id, 'report_date')))) as evidence
from found
