-- Every column of one report (SPEC §2) with where its value came from: the provenance row
-- of the field (method, block, table row/column or character span, the source snippet, a
-- note such as a unit conversion; for PDFs and scans the page, the box on it and the OCR
-- confidence). The two computed rates have no snippet: they are
-- funds_arrived / budget and spent / budget. `witnesses` counts the other places the report
-- states the value, `agrees` says whether they all agree with it and `doubt` why it needs
-- reading (row 0 of the field's provenance; report_witnesses lists the witnesses).
with shown(position, field, extracted) as (
    values (1, 'report_id', false), (2, 'file_name', false), (3, 'file_sha256', false), (4, 'file_format', false),
           (5, 'parser_version', false), (6, 'ingested_at', false), (7, 'parse_status', false),
           (8, 'ocr_confidence', false), (9, 'sheet', false),
           (10, 'project_name', true), (11, 'implementing_unit', true), (12, 'supervising_dept', true),
           (13, 'province', true), (14, 'region', true), (15, 'fiscal_year', true), (16, 'eval_type', true),
           (17, 'report_date', true), (18, 'period_start', true), (19, 'period_end', true),
           (20, 'budget_planned', true), (21, 'budget_adjusted', true), (22, 'funds_arrived', true),
           (23, 'spent', true), (24, 'arrival_rate_stated', true), (25, 'execution_rate_stated', true),
           (26, 'arrival_rate', true), (27, 'execution_rate', true), (28, 'self_score', true),
           (29, 'grade_raw', true), (30, 'grade', true)
), report as (
    select columns(* exclude (archive_path, missing_fields, notes))::varchar
    from reports
    where report_id = $report_id
), cells as (
    select * from report unpivot include nulls (value for field in (columns(*)))
), witness_counts as (
    select field, count(*) as witnesses
    from provenance
    where report_id = $report_id and witness_no > 0
    group by field
), final as (
    select s.position, s.field, c.value, s.extracted,
           coalesce(p.method, if(s.field in ('arrival_rate', 'execution_rate') and c.value is not null,
                                 'computed', null)) as method,
           p.snippet, p.block, p.row_no, p.col_no, p.char_start, p.char_end, p.note, p.page, p.box, p.confidence,
           coalesce(w.witnesses, 0) as witnesses, p.agrees, p.doubt
    from shown s
    join cells c on c.field = s.field
    left join provenance p on p.report_id = $report_id and p.field = s.field and p.witness_no = 0
    left join witness_counts w on w.field = s.field
)
select * exclude (position) from final
order by position;
