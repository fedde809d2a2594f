-- DEDUCTION_WITHOUT_REASON: an indicator lost points (得分 below 分值) and its 偏差原因 cell
-- is blank ("无", "/" and "-" say nothing either: blank_cell). Only in reports whose indicator
-- table has a 偏差原因 column: a form without one leaves no cell to explain in, and firing on
-- every deduction of such forms would bury the reports that left the cell blank. The column
-- shows as its header cell in the report's text, where a table row's cells are joined by
-- " | " ($reason_header, from ingest/glossary.py's labels of that column, 备注 aside), or as
-- any reason read from it.
with deducted as (
    select i.report_id, i.line_no, i.level1, i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.score,
           i.note
    from indicators i
    join reports r on r.report_id = i.report_id
    where r.parse_status <> 'failed' and i.weight is not null and i.score is not null
      and i.score < i.weight - 1e-9
      and blank_cell(i.note)
), noted as (
    -- A reason read anywhere in the table: it has the column. Only the others' texts are read.
    select distinct report_id
    from indicators
    where report_id in (select report_id from deducted) and not blank_cell(note)
), reason_column as (
    select report_id from noted
    union all
    select t.report_id
    from report_texts t
    where t.report_id in (select report_id from deducted) and t.report_id not in (select report_id from noted)
      and regexp_matches(t.text, $reason_header)
)
select d.report_id,
       d.name as subject,
       printf('指标“%s”扣 %s 分（分值 %s，得分 %s），偏差原因未填写', d.name, fmt(d.weight - d.score),
              fmt(d.weight), fmt(d.score)) as message,
       printf('Indicator “%s” lost %s of its %s points (scored %s) with no reason given in its 偏差原因 column',
              d.name, fmt(d.weight - d.score), fmt(d.weight), fmt(d.score)) as message_en,
       to_json(struct_pack(
           name := d.name, level1 := d.level1, level2 := d.level2, target_raw := d.target_raw,
           actual_raw := d.actual_raw, weight := d.weight, score := d.score,
           points_lost := round(d.weight - d.score, 4), reason := d.note,
           source := src(d.report_id, 'indicators.' || d.line_no))) as evidence
from deducted d
join reason_column using (report_id)
