-- Before a partial run finds the narrative pairs again (DUPLICATE_REPORT and
-- NARRATIVE_REPEATS_LAST_YEAR: $pair_rules): every such finding that names a report of
-- rule_scope, on either side of the pair (the other report's finding names it as its
-- other_report_id).
delete from anomalies
where rule in (select unnest($pair_rules::varchar[]))
  and (report_id in (select report_id from rule_scope)
       or json_extract_string(evidence, '$.other_report_id') in (select report_id from rule_scope))
