-- UNMET_TARGET_FULL_SCORE's candidates: indicators scored their full weight (to a float's
-- rounding) in reports that parsed. ingest/rules.py then compares target and actual, which
-- are written as text ("≥２００个") that SQL reads badly.
select i.report_id, i.line_no, i.name, i.target_raw, i.actual_raw, i.weight, i.score
from indicators i
join reports r on r.report_id = i.report_id
where r.parse_status <> 'failed' and i.weight > 0 and i.score >= i.weight - 1e-9
