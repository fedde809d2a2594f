-- Reports needing attention: most open high- and medium-severity anomalies first.
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
), open_issues as (
    select a.report_id,
           count(*) filter (a.severity = 'high') as high,
           count(*) filter (a.severity = 'medium') as medium,
           count(*) as open_anomalies,
           list(distinct a.rule order by a.rule) as rules
    from anomaly_status a
    join scope s on s.report_id = a.report_id
    where a.status = 'open' and a.severity in ('high', 'medium')
    group by a.report_id
)
select r.report_id, r.file_name, r.project_name, r.implementing_unit, r.fiscal_year, r.self_score,
       o.high, o.medium, o.open_anomalies, o.rules
from open_issues o
join reports r on r.report_id = o.report_id
order by o.high desc, o.medium desc, r.file_name
limit $limit;
