-- INDICATOR_SUM_MISMATCH: the indicators' scores plus the execution-rate score are not the
-- self-score.
with indicator_sums as (
    select report_id, sum(score) as indicator_sum, count(score) as scored
    from indicators
    group by report_id
), execution as (
    select report_id, max(value) as execution_score
    from mentions
    where kind = 'score' and subject = 'execution_rate'
    group by report_id
), checked as (
    select r.report_id, r.self_score, i.indicator_sum, i.scored, e.execution_score,
           i.indicator_sum + coalesce(e.execution_score, 0) as total
    from reports r
    join indicator_sums i on i.report_id = r.report_id
    left join execution e on e.report_id = r.report_id
    where r.parse_status <> 'failed' and r.self_score is not null and i.scored > 0
)
select report_id,
       null as subject,
       printf('各指标得分合计 %s 分%s，合计 %s 分，与自评得分 %s 分不符',
              fmt(indicator_sum), if(execution_score is null, '', printf(' 加预算执行率得分 %s 分', fmt(execution_score))),
              fmt(total), fmt(self_score)) as message,
       printf('Indicator scores (%s)%s add up to %s, not the self-score of %s', fmt(indicator_sum),
              if(execution_score is null, '', printf(' plus the execution-rate score (%s)', fmt(execution_score))),
              fmt(total), fmt(self_score)) as message_en,
       to_json(struct_pack(
           indicator_sum := round(indicator_sum, 4), execution_score := execution_score, total := round(total, 4),
           self_score := self_score, scored_indicators := scored, tolerance := $score,
           sources := struct_pack(self_score := src(report_id, 'self_score')))) as evidence
from checked
where abs(total - self_score) > $score
