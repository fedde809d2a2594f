-- SHORTFALL_FULL_SCORE: full marks while the text admits a target missed or work behind
-- (未完成, 没能开展, 偏慢, 滞后, a completion rate under 100 % …). The execution rate and a rate
-- meeting its own target are not admissions (extract_prose_form.py).
with found as (
    select m.report_id, r.self_score,
           -- Strongest first: a completion rate, then words that say a target was missed.
           list(struct_pack(words := m.text, value := m.value, snippet := m.snippet)
                order by m.value is null, not regexp_matches(m.text, '未完成|没能|未能|未达|未实现|仅完成|尚未'), m.mention_no) as admitted
    from mentions m
    join reports r on r.report_id = m.report_id
    where m.kind = 'shortfall' and r.self_score >= $full_points and r.parse_status <> 'failed'
    group by m.report_id, r.self_score
)
select report_id,
       null as subject,
       printf('自评满分 %s 分，但正文承认未达目标：“%s”', fmt(self_score), trim(admitted[1].snippet)) as message,
       printf('Full self-score %s, yet the text admits a shortfall: “%s”', fmt(self_score), trim(admitted[1].words)) as message_en,
       to_json(struct_pack(self_score := self_score, admitted := admitted, full_points := $full_points,
                           source := src(report_id, 'self_score'))) as evidence
from found
