-- TARGET_NOT_MEASURABLE's candidates: indicators of the levels whose targets must be numbers
-- ($measurable_levels: 数量, 质量, 时效, 成本) that have a target written with no digit, or
-- with a year (a year is no amount to reach). ingest/rules.py then looks for a number in it
-- (Chinese too, as in 百分之百 and 两次), which SQL reads badly, and decides. A blank target
-- is no target, not a vague one.
select i.report_id, i.line_no, i.level1, i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.score,
       src(i.report_id, 'indicators.' || i.line_no) as source
from indicators i
join reports r on r.report_id = i.report_id
where r.parse_status <> 'failed' and i.name is not null and trim(coalesce(i.target_raw, '')) <> ''
  and contains_any(i.level2, $measurable_levels)
  and (not regexp_matches(i.target_raw, '[0-9０-９]') or regexp_matches(i.target_raw, '[0-9０-９]{4}\s*年'))
order by i.report_id, i.line_no
