-- FULL_SCORE_PARTIAL_ARRIVAL: full marks while the funds did not all arrive. The computed
-- arrival rate counts; where no figure allows it, the rate the report states.
with scored as (
    select r.*, coalesce(r.arrival_rate, r.arrival_rate_stated) as rate,
           budget_of(r) as budget
    from reports r
    where r.parse_status <> 'failed' and r.self_score >= $full_points
)
select report_id,
       null as subject,
       printf('自评满分 %s 分，但资金到位率仅 %s%%（到位 %s 万元 / 预算 %s 万元）',
              fmt(self_score), fmt(rate), coalesce(fmt(funds_arrived), '—'), coalesce(fmt(budget), '—')) as message,
       printf('Full self-score %s while only %s%% of the funds arrived (%s of %s, 10k yuan)',
              fmt(self_score), fmt(rate), coalesce(fmt(funds_arrived), '—'), coalesce(fmt(budget), '—')) as message_en,
       to_json(struct_pack(
           self_score := self_score, arrival_rate := round(rate, 4), funds_arrived := funds_arrived, budget := budget,
           rate_is_stated := arrival_rate is null, full_points := $full_points,
           sources := struct_pack(self_score := src(report_id, 'self_score'),
                                  funds_arrived := src(report_id, 'funds_arrived'),
                                  arrival_rate_stated := src(report_id, 'arrival_rate_stated'),
                                  budget := src(report_id, budget_field(scored))))) as evidence
from scored
where rate < 100
