-- Budget, funds arrived and spending by fiscal year, with the average self-score and the
-- share of reports at full marks ($full_points, jixiao.toml [full_score]).
select r.fiscal_year,
       count(*) as reports,
       sum(budget_of(r)) as budget,
       sum(r.funds_arrived) as funds_arrived,
       sum(r.spent) as spent,
       avg(r.self_score) as self_score_avg,
       count(*) filter (r.self_score >= $full_points) / count(*) as full_score_share
from reports r
join scope s on s.report_no = r.report_no
where r.fiscal_year is not null
group by r.fiscal_year
order by r.fiscal_year;
