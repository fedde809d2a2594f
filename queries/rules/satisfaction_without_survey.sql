-- SATISFACTION_WITHOUT_SURVEY: a 满意度 indicator (its name or its 二级指标 says 满意: 满意度,
-- 满意率) was scored,
-- while nothing in the report's text, tables included, says how satisfaction was measured:
-- none of $survey_words (问卷, 调查, 回访, 样本 …). A report whose text was not kept is not
-- judged.
with scored as (
    select i.report_id, i.line_no, i.level1, i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.score
    from indicators i
    join reports r on r.report_id = i.report_id
    where r.parse_status <> 'failed' and i.score is not null
      and (contains(i.name, '满意') or contains(coalesce(i.level2, ''), '满意'))
)
select q.report_id,
       q.name as subject,
       printf('满意度指标“%s”得分 %s 分（实际完成值 %s），但报告未提及任何满意度调查（%s）', q.name, fmt(q.score),
              coalesce(q.actual_raw, '—'), array_to_string($survey_words, '、')) as message,
       printf('Satisfaction indicator “%s” scored %s (actual %s), yet the report mentions no survey (%s)', q.name,
              fmt(q.score), coalesce(q.actual_raw, '—'), array_to_string($survey_words, ', ')) as message_en,
       to_json(struct_pack(
           name := q.name, level1 := q.level1, level2 := q.level2, target_raw := q.target_raw,
           actual_raw := q.actual_raw, weight := q.weight, score := q.score, survey_words := $survey_words,
           source := src(q.report_id, 'indicators.' || q.line_no))) as evidence
from scored q
join report_texts t on t.report_id = q.report_id
where t.text is not null and not contains_any(t.text, $survey_words)
