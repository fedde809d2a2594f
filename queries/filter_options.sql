-- Choices for the sidebar's filters: what the store holds (most frequent units first,
-- capped: a long tail is reached by the free-text search).
select
    (select list(distinct fiscal_year order by fiscal_year desc) from reports where fiscal_year is not null) as years,
    (select list(distinct province order by province) from reports where province is not null) as provinces,
    (select list(distinct region order by region) from reports where region is not null) as regions,
    (select list(distinct supervising_dept order by supervising_dept) from reports where supervising_dept is not null) as depts,
    (select list(implementing_unit order by n desc, implementing_unit)
     from (select implementing_unit, count(*) as n from reports where implementing_unit is not null
           group by implementing_unit order by n desc, implementing_unit limit 5000)) as units,
    (select list(distinct rule order by rule) from anomalies) as rules;
