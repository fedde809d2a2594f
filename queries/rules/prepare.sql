-- Run before the rules (ingest/rules.py), after queries/setup.sql (budget_of): the helpers
-- the rules' messages and evidence use, as temp objects of the ingest's connection.

-- Numbers in messages as people write them: fmt 10.50 -> 10.5, 100.00 -> 100; pct to one
-- decimal, 9.80 -> 9.8, 10.0 -> 10.
create or replace temp macro fmt(x) as regexp_replace(printf('%.2f', x::double), '\.?0+$', '');
create or replace temp macro pct(x) as regexp_replace(printf('%.1f', x::double), '\.0$', '');

-- Where each field was read (the stored value's provenance, witness 0), as the JSON the
-- evidence carries: src(report_id, 'spent'). Built once per rule run, not once per finding.
create or replace temp table rule_sources as
    select report_id, field,
           to_json(struct_pack(snippet := snippet, block := block, row := row_no, col := col_no,
                               method := method, note := note)) as source
    from provenance where witness_no = 0;
create or replace temp macro src(rid, f) as
    (select any_value(s.source) from rule_sources s where s.report_id = rid and s.field = f);
