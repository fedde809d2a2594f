-- The 通报's 发现的主要问题: the findings among the filtered reports per rule, by their latest
-- review (setup.sql's anomaly_status): how many, how many confirmed, still open or dismissed,
-- and how many reports have a confirmed one. Counted as bulletin_by_group.sql counts them: an
-- info-level anomaly is a finding only once confirmed; the sidebar's rule and review-status
-- filters narrow the findings themselves. Most confirmed first.
with found as (
    select a.report_no, a.rule, a.severity, a.status
    from anomaly_status a
    join scope s on s.report_no = a.report_no
    where (a.severity <> 'info' or a.status = 'confirmed')
      and (len($rules::varchar[]) = 0 or list_contains($rules::varchar[], a.rule))
      and (len($statuses::varchar[]) = 0 or list_contains($statuses::varchar[], a.status))
), final as (
    select rule,
           -- A rule's severity is configured per rule (jixiao.toml [severity]); scans lower
           -- an unsure one to info: the most severe seen stands for the rule.
           case min(case severity when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end)
                when 1 then 'high' when 2 then 'medium' when 3 then 'low' else 'info' end as severity,
           count(*) as findings,
           count(*) filter (status = 'confirmed') as confirmed_findings,
           count(*) filter (status = 'open') as open_findings,
           count(*) filter (status = 'dismissed') as dismissed_findings,
           count(distinct report_no) filter (status = 'confirmed') as reports_with_confirmed,
           count(distinct report_no) as reports
    from found
    group by rule
)
select * from final
order by confirmed_findings desc, findings desc, rule;
