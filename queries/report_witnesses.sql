-- The witnesses of one report's key figures (SPEC §2 provenance). A report often states a
-- figure more than once (a table total, the sum of its lines or sub-rows, a sentence, a cover
-- line); where they disagree the auditor must read the report before trusting the stored
-- value. Per field, row witness_no = 0 is the value stored in `reports` (agrees: all the
-- witnesses agree; doubt: why the value needs reading), rows 1.. the other witnesses, each
-- with the value it states. The key figures are always listed (witnesses = 0 when the report
-- states them once); any other field only when it has a witness or a doubt, such as a table
-- read in part ('indicators'), which has no value.
with key_fields(position, field) as (
    values (1, 'budget_planned'), (2, 'budget_adjusted'), (3, 'funds_arrived'), (4, 'spent'),
           (5, 'arrival_rate_stated'), (6, 'execution_rate_stated'), (7, 'self_score')
), report as (
    select budget_planned, budget_adjusted, funds_arrived, spent, arrival_rate_stated,
           execution_rate_stated, self_score
    from reports
    where report_id = $report_id
), stored as (
    select * from report unpivot include nulls (value for field in (columns(*)))
), evidence as (
    select * from provenance where report_id = $report_id
), other_fields as (
    -- After the key figures, in the report's order (budget_lines.2 before budget_lines.10).
    select 100 as position, field
    from evidence
    where field not in (select field from key_fields)
    group by field
    having count(*) filter (witness_no > 0) > 0 or count(doubt) > 0
), fields as (
    select k.position, k.field from key_fields k join stored s on s.field = k.field
    union all
    select position, field from other_fields
), witness_rows as (
    select f.position, f.field, e.witness_no, e.value, e.agrees, e.method, e.snippet, e.note,
           null::varchar as doubt, e.block, e.row_no, e.col_no, e.char_start, e.char_end,
           e.page, e.box, e.confidence
    from fields f
    join evidence e on e.field = f.field and e.witness_no > 0
), stored_rows as (
    -- Row 0's agreement is the parser's; computed from the witnesses only where it left none.
    select f.position, f.field, 0 as witness_no, coalesce(s.value, e.value) as value,
           coalesce(e.agrees, (select bool_and(w.agrees) from witness_rows w where w.field = f.field)) as agrees,
           e.method, e.snippet, e.note, e.doubt, e.block, e.row_no, e.col_no, e.char_start, e.char_end,
           e.page, e.box, e.confidence
    from fields f
    left join stored s on s.field = f.field
    left join evidence e on e.field = f.field and e.witness_no = 0
), final as (
    select position, field, witness_no, value, agrees, method, snippet, note, doubt,
           count(*) over (partition by field) - 1 as witnesses,
           block, row_no, col_no, char_start, char_end, page, box, confidence
    from (select * from stored_rows union all by name select * from witness_rows)
)
select * exclude (position) from final
order by position, split_part(field, '.', 1), try_cast(split_part(field, '.', 2) as integer), field, witness_no;
