-- The 通报's 典型问题: the filtered reports that fared worst under review, $limit of them (null:
-- all): those with confirmed findings or whose re-scored total falls below their self-score;
-- most confirmed high-severity findings first, then most confirmed findings, then the largest
-- fall in score. Each with its confirmed findings' rules and messages (most severe first) and
-- its re-scored total (setup.sql's rescored_totals, as the working papers and
-- bulletin_by_group.sql count it; null until a row has a re-score) and grade (bands of its
-- rule set, setup.sql's report_rule_sets). The sidebar's rule and review-status filters narrow the
-- findings as the export's do. Messages are read for the chosen reports only, by row id.
with chosen as (
    select r.report_id, r.report_no, r.self_score
    from reports r
    join scope s on s.report_no = r.report_no
), confirmed as (
    select a.report_no, a.rule, a.subject, a.severity, a.anomaly_row,
           case a.severity when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end as rank
    from anomaly_status a
    join scope s on s.report_no = a.report_no
    where a.status = 'confirmed'
      and (len($rules::varchar[]) = 0 or list_contains($rules::varchar[], a.rule))
      and (len($statuses::varchar[]) = 0 or list_contains($statuses::varchar[], a.status))
), findings as (
    select report_no, count(*) as confirmed_findings, count(*) filter (severity = 'high') as high_findings
    from confirmed
    group by report_no
), ranked as (
    select c.report_id, c.report_no, coalesce(f.confirmed_findings, 0) as confirmed_findings,
           coalesce(f.high_findings, 0) as high_findings,
           x.rescored_total, x.rescored_total - c.self_score as score_gap
    from chosen c
    left join findings f on f.report_no = c.report_no
    left join rescored_totals x on x.report_id = c.report_id and x.rescored_items > 0
    where f.confirmed_findings > 0 or x.rescored_total < c.self_score
    order by high_findings desc, confirmed_findings desc, score_gap nulls last, c.report_id
    limit $limit::bigint
), messages as (
    select k.report_no,
           list(c.rule order by c.rank, c.rule, c.subject nulls first) as rules,
           list(a.message order by c.rank, c.rule, c.subject nulls first) as messages
    from ranked k
    join confirmed c on c.report_no = k.report_no
    join anomalies a on a.rowid = c.anomaly_row
    group by k.report_no
), final as (
    select r.report_id, r.file_name, r.project_name, r.implementing_unit, r.supervising_dept, r.fiscal_year,
           r.self_score, r.grade, k.rescored_total,
           grade_of(k.rescored_total, b.you, b.liang, b.zhong) as rescored_grade,
           k.score_gap, k.confirmed_findings, k.high_findings,
           coalesce(m.rules, []) as rules, coalesce(m.messages, []) as messages
    from ranked k
    join reports r on r.report_no = k.report_no
    join report_rule_sets b on b.report_id = k.report_id
    left join messages m on m.report_no = k.report_no
)
select * from final
order by high_findings desc, confirmed_findings desc, score_gap nulls last, file_name, report_id;
