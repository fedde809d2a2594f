-- Whom the scores page's full-score share and score inflation can judge: per level (unit,
-- then supervising department), how many of them the filtered scored reports come from, the
-- most reports any one has, and how many have $min_reports or more. The page lists units
-- when one qualifies, else departments, else says why neither can be judged.
with scored as (
    select r.implementing_unit, r.supervising_dept
    from reports r
    join scope s on s.report_no = r.report_no
    where r.self_score is not null
), units as (
    select implementing_unit, count(*) as reports
    from scored
    where implementing_unit is not null
    group by implementing_unit
), depts as (
    select supervising_dept, count(*) as reports
    from scored
    where supervising_dept is not null
    group by supervising_dept
), final as (
    select 1 as rank, 'unit' as counted_by, count(*) as groups, coalesce(max(reports), 0) as largest,
           count(*) filter (reports >= $min_reports) as qualifying
    from units
    union all
    select 2, 'dept', count(*), coalesce(max(reports), 0), count(*) filter (reports >= $min_reports)
    from depts
)
select counted_by, groups, largest, qualifying from final order by rank;
