-- The other half of DUPLICATE_REPORT pairs: a copied narrative is two anomalies, report A's
-- naming B's file (its subject) and B's naming A's, and a verdict on one is a verdict on both
-- ("a pair is triaged once"). For each asked (report_id, subject) pair of lists, the
-- counterpart anomaly's report id and subject. The subject is only a file name, which two
-- reports may share: the evidence's other_report_id decides where it is recorded.
with asked as (
    select unnest($report_ids::varchar[]) as report_id, unnest($subjects::varchar[]) as subject
), named as (
    select q.report_id, q.subject, r.file_name, a.evidence ->> 'other_report_id' as other_report_id
    from asked q
    join anomalies a on a.report_id = q.report_id and a.rule = $rule and a.subject = q.subject
    join reports r on r.report_id = q.report_id
), final as (
    select n.report_id, n.subject, b.report_id as counterpart_report_id, b.subject as counterpart_subject
    from named n
    join anomalies b on b.rule = $rule and b.subject = n.file_name
                    and b.report_id = coalesce(n.other_report_id, b.report_id)
    join reports o on o.report_id = b.report_id and o.file_name = n.subject
)
select * from final
order by report_id, subject;
