-- Reports needing attention: most open high- and medium-severity anomalies first. Reviews
-- are few next to anomalies, so the closed ones (latest verdict confirmed or dismissed) are
-- taken away rather than every anomaly's status worked out. Names are looked up, and the rule
-- list gathered, only for the reports that can be shown.
with closed as (
    select report_id, rule, subject
    from (select *, row_number() over (partition by report_id, rule, subject order by reviewed_at desc) as newest
          from reviews)
    where newest = 1 and status <> 'open'
), open_issues as (
    select a.report_no,
           count(*) filter (a.severity = 'high') as high,
           count(*) filter (a.severity = 'medium') as medium,
           count(*) as open_anomalies
    from anomalies a
    join scope s on s.report_no = a.report_no
    where a.severity in ('high', 'medium')
      and not exists (select 1 from closed c
                      where c.report_id = a.report_id and c.rule = a.rule and c.subject = coalesce(a.subject, ''))
    group by a.report_no
), cutoff as (      -- the counts of the last report shown: only reports at or above it can be shown
    select high, medium from open_issues order by high desc, medium desc limit 1 offset $limit - 1
), candidates as (
    select o.* from open_issues o
    where not exists (select 1 from cutoff c where o.high < c.high or (o.high = c.high and o.medium < c.medium))
), shown as (
    select o.*, r.report_id, r.file_name, r.project_name, r.implementing_unit, r.fiscal_year, r.self_score
    from candidates o
    join reports r on r.report_no = o.report_no
    order by o.high desc, o.medium desc, r.file_name
    limit $limit
), shown_rules as (
    select a.report_no, list(distinct a.rule order by a.rule) as rules
    from anomalies a
    where a.report_no in (select report_no from shown) and a.severity in ('high', 'medium')
    group by a.report_no
)
select s.report_id, s.file_name, s.project_name, s.implementing_unit, s.fiscal_year, s.self_score,
       s.high, s.medium, s.open_anomalies, sr.rules
from shown s
left join shown_rules sr on sr.report_no = s.report_no
order by s.high desc, s.medium desc, s.file_name;
