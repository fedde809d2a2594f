-- The rows of the 复核 working papers (app_pages/papers.py): every indicator of the filtered
-- reports, or of the one report $report_id names (whatever the filters, as links open it;
-- null: the filtered set), with its latest re-score, and the execution-rate row (line_no 0)
-- where the report states one or a reviewer scored it: setup.sql's rescore_lines, which also
-- keeps a re-score whose line a re-ingest took away.
--
-- Beside each row, its report's totals: the re-scored total as setup.sql's rescored_total_of
-- counts it (each row's latest re-score, else its self-score; a report without indicator
-- rows keeps its self-score, moved by each re-score's difference), the same for a report
-- not yet re-scored, whose rows are all self-scores. Grades by the bands of the report's rule
-- set (setup.sql's report_rule_sets, jixiao.toml [rule_sets]), named in rule_set.
with chosen as (
    select r.report_id, r.file_name, r.project_name, r.implementing_unit, r.supervising_dept, r.fiscal_year,
           r.self_score, r.grade
    from reports r
    where ($report_id::varchar is null and r.report_no in (select s.report_no from scope s))
       or r.report_id = $report_id::varchar
), items as (
    select * from rescore_lines('chosen')
), totals as (
    select i.report_id,
           sum(i.weight) as items_weight,
           sum(i.self_score) as items_self_total,
           count(i.rescore) as rescored_items,
           rescored_total_of(i.line_no, i.self_score, i.rescore, c.self_score) as rescored_total
    from items i
    join chosen c on c.report_id = i.report_id
    group by i.report_id
), final as (
    select c.report_id, c.file_name, c.project_name, c.implementing_unit, c.supervising_dept, c.fiscal_year,
           i.line_no, i.level1, i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.self_score,
           i.rescore, coalesce(i.rescore, i.self_score) as score, i.rescore - i.self_score as gap,
           i.criterion, i.reason, i.reviewer, i.rescored_at,
           c.self_score as report_self_score, c.grade as report_grade,
           t.items_weight, t.items_self_total, t.rescored_items, t.rescored_total,
           grade_of(t.rescored_total, b.you, b.liang, b.zhong) as rescored_grade, b.rule_set,
           t.rescored_total - c.self_score as total_gap
    from items i
    join chosen c on c.report_id = i.report_id
    join totals t on t.report_id = i.report_id
    join report_rule_sets b on b.report_id = i.report_id
)
select * from final
order by file_name, report_id, line_no;
