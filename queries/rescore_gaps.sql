-- The filtered reports that have been re-scored (a row with a reviewer's score) and have a
-- self-score: the self-score beside the re-scored total and the gap, largest first. The
-- total is setup.sql's rescored_totals, the working papers' (each row's latest re-score,
-- else its self-score; a report without indicator rows keeps its self-score, moved by each
-- re-score's difference): not the self-score moved by the re-scores' differences wherever
-- there are rows, which carries into the total any amount by which the rows fail to add up
-- to the self-score (INDICATOR_SUM_MISMATCH). Grades by the bands of each report's rule set
-- (setup.sql's report_rule_sets).
with rescored as (
    select r.report_id, r.file_name, r.project_name, r.implementing_unit, r.supervising_dept, r.fiscal_year,
           r.self_score, r.grade, x.rescored_total, x.rescored_items, x.last_reviewer, x.last_rescored,
           b.you, b.liang, b.zhong
    from rescored_totals x
    join reports r on r.report_id = x.report_id
    join report_rule_sets b on b.report_id = x.report_id
    join scope s on s.report_no = r.report_no
    where x.rescored_items > 0 and r.self_score is not null
), final as (
    select report_id, file_name, project_name, implementing_unit, supervising_dept, fiscal_year, self_score, grade,
           round(rescored_total, 2) as rescore_total,
           grade_of(rescored_total, you, liang, zhong) as rescore_grade,
           round(rescored_total - self_score, 2) as gap,
           rescored_items as rows_rescored, last_reviewer, last_rescored
    from rescored
)
select * from final
order by abs(gap) desc, file_name;
