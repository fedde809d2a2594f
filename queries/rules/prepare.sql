-- Run before the rules (ingest/rules.py), after queries/setup.sql (budget_of): the helpers
-- the rules' messages and evidence use, as temp objects of the ingest's connection.

-- Numbers in messages as people write them: fmt 10.50 -> 10.5, 100.00 -> 100; pct to one
-- decimal, 9.80 -> 9.8, 10.0 -> 10.
create or replace temp macro fmt(x) as regexp_replace(printf('%.2f', x::double), '\.?0+$', '');
create or replace temp macro pct(x) as regexp_replace(printf('%.1f', x::double), '\.0$', '');

-- Where each field was read (the stored value's provenance, witness 0), as the JSON the
-- evidence carries: src(report_id, 'spent'). Built once per rule run, not once per finding.
-- The macro's own alias is one no rule uses: a caller's row aliased the same (src(s.report_id,
-- …) with `s` its own) would be read as rule_sources' and match every report.
create or replace temp table rule_sources as
    select report_id, field,
           to_json(struct_pack(snippet := snippet, block := block, row := row_no, col := col_no,
                               method := method, note := note)) as source
    from provenance where witness_no = 0;
create or replace temp macro src(rid, f) as
    (select any_value(sourced.source) from rule_sources sourced where sourced.report_id = rid and sourced.field = f);

-- Indicator names compared as names: spaces, punctuation and symbols dropped, letters in
-- lower case, so "资金支付率（%）" and "资金 支付率" are both 资金支付率.
create or replace temp macro name_key(x) as regexp_replace(lower(x), '[\s\p{P}\p{S}\p{Z}]+', '', 'g');
-- Whether `haystack` holds any of `words` (a list of strings); a null haystack holds none.
create or replace temp macro contains_any(haystack, words) as
    coalesce(len(list_filter(words, lambda word: contains(haystack, word))) > 0, false);
-- A cell that says nothing: empty, or only spaces, punctuation, dashes and 无 ("/", "—", "无").
create or replace temp macro blank_cell(x) as
    regexp_replace(coalesce(x, ''), '[\s\p{P}\p{S}\p{Z}无]+', '', 'g') = '';
