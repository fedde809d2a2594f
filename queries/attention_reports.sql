-- Reports needing attention: most open high- and medium-severity anomalies first. Reviews
-- are few next to anomalies, so the closed ones (latest verdict confirmed or dismissed) are
-- taken away rather than every anomaly's status worked out; the rule list is gathered for
-- the reports shown only.
with scope as (
    select report_id from report_scope($years::integer[], $provinces::varchar[], $regions::varchar[],
        $depts::varchar[], $units::varchar[], $score_min, $score_max, $grades::varchar[], $rules::varchar[],
        $statuses::varchar[], $text)
), closed as (
    select report_id, rule, subject
    from (select *, row_number() over (partition by report_id, rule, subject order by reviewed_at desc) as newest
          from reviews)
    where newest = 1 and status <> 'open'
), open_issues as (
    select a.report_id,
           count(*) filter (a.severity = 'high') as high,
           count(*) filter (a.severity = 'medium') as medium,
           count(*) as open_anomalies
    from anomalies a
    join scope s on s.report_id = a.report_id
    where a.severity in ('high', 'medium')
      and not exists (select 1 from closed c
                      where c.report_id = a.report_id and c.rule = a.rule and c.subject = coalesce(a.subject, ''))
    group by a.report_id
), shown as (
    select o.*, r.file_name, r.project_name, r.implementing_unit, r.fiscal_year, r.self_score
    from open_issues o
    join reports r on r.report_id = o.report_id
    order by o.high desc, o.medium desc, r.file_name
    limit $limit
)
select s.report_id, s.file_name, s.project_name, s.implementing_unit, s.fiscal_year, s.self_score,
       s.high, s.medium, s.open_anomalies,
       (select list(distinct a.rule order by a.rule) from anomalies a
        where a.report_id = s.report_id and a.severity in ('high', 'medium')) as rules
from shown s
order by s.high desc, s.medium desc, s.file_name;
