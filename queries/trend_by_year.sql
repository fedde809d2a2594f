-- Budget, funds arrived and spending by fiscal year, with the average self-score.
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
)
select r.fiscal_year,
       count(*) as reports,
       sum(coalesce(r.budget_adjusted, r.budget_planned)) as budget,
       sum(r.funds_arrived) as funds_arrived,
       sum(r.spent) as spent,
       avg(r.self_score) as self_score_avg,
       count(*) filter (r.self_score >= 100) / count(*) as full_score_share
from reports r
join scope s on s.report_id = r.report_id
where r.fiscal_year is not null
group by r.fiscal_year
order by r.fiscal_year;
