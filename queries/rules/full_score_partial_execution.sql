-- FULL_SCORE_PARTIAL_EXECUTION: full marks while part of the budget was not spent.
with scored as (
    select r.*, coalesce(r.execution_rate, r.execution_rate_stated) as rate,
           budget_of(r) as budget
    from reports r
    where r.parse_status <> 'failed' and r.self_score >= $full_points
)
select report_id,
       null as subject,
       printf('自评满分 %s 分，但预算执行率仅 %s%%（支出 %s 万元 / 预算 %s 万元）',
              fmt(self_score), fmt(rate), coalesce(fmt(spent), '—'), coalesce(fmt(budget), '—')) as message,
       printf('Full self-score %s while only %s%% of the budget was spent (%s of %s, 10k yuan)',
              fmt(self_score), fmt(rate), coalesce(fmt(spent), '—'), coalesce(fmt(budget), '—')) as message_en,
       to_json(struct_pack(
           self_score := self_score, execution_rate := round(rate, 4), spent := spent, budget := budget,
           rate_is_stated := execution_rate is null, full_points := $full_points,
           sources := struct_pack(self_score := src(report_id, 'self_score'),
                                  spent := src(report_id, 'spent'),
                                  execution_rate_stated := src(report_id, 'execution_rate_stated'),
                                  budget := src(report_id, budget_field(scored))))) as evidence
from scored
where rate < 100
