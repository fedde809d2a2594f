-- Choices for the sidebar's filters: what the store holds. Every choice goes to the browser
-- on every page run, so names (regions, supervising departments, units) are listed most
-- frequent first and capped: at 100,000 reports the 34,000 departments alone were 1.1 MB a
-- run and seconds of the browser's time. A name past the cap is typed into its box
-- (app_pages/filters.py's sidebar accepts names it does not list).
with regions as (
    select region as name, count(*) as n from reports where region is not null
    group by region order by n desc, name limit 1000
), depts as (
    select supervising_dept as name, count(*) as n from reports where supervising_dept is not null
    group by supervising_dept order by n desc, name limit 1000
), units as (
    select implementing_unit as name, count(*) as n from reports where implementing_unit is not null
    group by implementing_unit order by n desc, name limit 1000
), final as (
    select
        (select list(distinct fiscal_year order by fiscal_year desc) from reports where fiscal_year is not null) as years,
        (select list(distinct province order by province) from reports where province is not null) as provinces,
        (select list(name order by n desc, name) from regions) as regions,
        (select list(name order by n desc, name) from depts) as depts,
        (select list(name order by n desc, name) from units) as units,
        (select list(distinct rule order by rule) from anomalies) as rules
)
select * from final;
