-- Needs reading: a finding that rests on a value whose witnesses disagree, or on a table read
-- only in part (provenance.doubt, set by the parser), is a hint to read the page, not a
-- finding. It is kept with severity info, its message says so and its evidence says why.
update anomalies
set severity = 'info',
    message = '需核读（' || doubtful.reasons || '）：' || anomalies.message,
    message_en = 'Needs reading (figures the parser could not settle: ' || doubtful.fields_en || '): '
                 || anomalies.message_en,
    evidence = json_merge_patch(anomalies.evidence,
                                to_json(struct_pack(needs_reading := doubtful.details)))::varchar
from (
    select a.report_id, a.rule,
           string_agg(p.doubt, '；' order by p.field) as reasons,
           string_agg(p.field, ', ' order by p.field) as fields_en,
           list(struct_pack(field := p.field, doubt := p.doubt) order by p.field) as details
    from (select distinct report_id, rule from anomalies) a
    join (select unnest($rule_names) as rule, unnest($rule_fields) as fields) rests on rests.rule = a.rule
    join provenance p on p.report_id = a.report_id and p.witness_no = 0 and p.doubt is not null
                     and list_contains(rests.fields, p.field)
    group by a.report_id, a.rule
) doubtful
where anomalies.report_id = doubtful.report_id and anomalies.rule = doubtful.rule
  and anomalies.severity <> 'info'
