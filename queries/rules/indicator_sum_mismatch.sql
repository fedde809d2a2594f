-- INDICATOR_SUM_MISMATCH: the indicators' scores plus the execution-rate score are not the
-- self-score. The execution-rate score is the one the report states; where it states none but
-- its indicators' weights leave exactly the execution rate's weight of its rule set
-- (report_rule_sets: 10 points nationally, 20 in some provinces) out of 100, the score is
-- that weight × min(1, execution rate), as the set scores it, and the finding says so.
with indicator_sums as (
    select report_id, sum(score) as indicator_sum, count(score) as scored, sum(weight) as indicator_weight
    from indicators
    group by report_id
), execution as (
    select report_id, max(value) as execution_score
    from mentions
    where kind = 'score' and subject = 'execution_rate'
    group by report_id
), checked as (
    select r.report_id, r.self_score, i.indicator_sum, i.scored, s.rule_set, s.execution_weight,
           e.execution_score is null and r.execution_rate is not null
               and abs(100 - i.indicator_weight - s.execution_weight) <= $score as execution_computed,
           coalesce(e.execution_score,
                    if(execution_computed, round(s.execution_weight * least(1.0, r.execution_rate / 100.0), 2), null))
               as execution_score
    from reports r
    join indicator_sums i on i.report_id = r.report_id
    join report_rule_sets s on s.report_id = r.report_id
    left join execution e on e.report_id = r.report_id
    where r.parse_status <> 'failed' and r.self_score is not null and i.scored > 0
), totals as (
    select *, indicator_sum + coalesce(execution_score, 0) as total
    from checked
)
select report_id,
       null as subject,
       printf('各指标得分合计 %s 分%s，合计 %s 分，与自评得分 %s 分不符',
              fmt(indicator_sum),
              case when execution_score is null then ''
                   when execution_computed then printf(' 加预算执行率得分 %s 分（报告未列，按%s执行率权重 %s 分计）',
                                                      fmt(execution_score), rule_set, fmt(execution_weight))
                   else printf(' 加预算执行率得分 %s 分', fmt(execution_score)) end,
              fmt(total), fmt(self_score)) as message,
       printf('Indicator scores (%s)%s add up to %s, not the self-score of %s', fmt(indicator_sum),
              case when execution_score is null then ''
                   when execution_computed then printf(' plus the execution-rate score (%s, not stated: %s weighs it %s points)',
                                                      fmt(execution_score), rule_set, fmt(execution_weight))
                   else printf(' plus the execution-rate score (%s)', fmt(execution_score)) end,
              fmt(total), fmt(self_score)) as message_en,
       to_json(struct_pack(
           indicator_sum := round(indicator_sum, 4), execution_score := execution_score,
           execution_computed := execution_computed, execution_weight := execution_weight, rule_set := rule_set,
           total := round(total, 4), self_score := self_score, scored_indicators := scored, tolerance := $score,
           sources := struct_pack(self_score := src(report_id, 'self_score')))) as evidence
from totals
where abs(total - self_score) > $score
