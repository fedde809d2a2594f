-- Before a partial run finds DUPLICATE_REPORT again: every copy finding that names a report
-- of rule_scope, on either side of the pair (the other report's finding names it as its
-- other_report_id).
delete from anomalies
where rule = 'DUPLICATE_REPORT'
  and (report_id in (select report_id from rule_scope)
       or json_extract_string(evidence, '$.other_report_id') in (select report_id from rule_scope))
