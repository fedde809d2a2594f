-- GRADE_SCORE_MISMATCH: the grade is not the one the score earns. Bands are 财预〔2020〕10号's
-- (优 ≥ 90, 良 ≥ 80, 中 ≥ 60) unless the report states its own, which then apply.
with own as (
    select report_id,
           max(value) filter (subject = '优') as you,
           max(value) filter (subject = '良') as liang,
           max(value) filter (subject = '中') as zhong,
           any_value(snippet) as snippet
    from mentions
    where kind = 'grade_band'
    group by report_id
), graded as (
    select r.report_id, r.self_score, r.grade, r.grade_raw,
           coalesce(o.you, $band_you) as you, coalesce(o.liang, $band_liang) as liang,
           coalesce(o.zhong, $band_zhong) as zhong, o.report_id is not null as own_bands, o.snippet
    from reports r
    left join own o on o.report_id = r.report_id
    where r.parse_status <> 'failed' and r.grade is not null and r.self_score is not null
), expected as (
    select *, case when self_score >= you then '优' when self_score >= liang then '良'
                   when self_score >= zhong then '中' else '差' end as earned
    from graded
)
select report_id,
       null as subject,
       printf('自评得分 %s 分应为“%s”，报告自评等级为“%s”（%s）', fmt(self_score), earned, grade_raw,
              if(own_bands, printf('按报告自定等级：优≥%s、良≥%s、中≥%s', fmt(you), fmt(liang), fmt(zhong)),
                 printf('按财预〔2020〕10号：优≥%s、良≥%s、中≥%s', fmt(you), fmt(liang), fmt(zhong)))) as message,
       printf('A score of %s earns %s, but the report grades itself %s (%s bands: %s/%s/%s)', fmt(self_score),
              earned, grade_raw, if(own_bands, 'its own', 'national'), fmt(you), fmt(liang), fmt(zhong)) as message_en,
       to_json(struct_pack(
           self_score := self_score, grade := grade, grade_raw := grade_raw, earned := earned,
           bands := struct_pack(优 := you, 良 := liang, 中 := zhong), own_bands := own_bands, bands_stated := snippet,
           sources := struct_pack(self_score := src(report_id, 'self_score'), grade_raw := src(report_id, 'grade_raw')))) as evidence
from expected
where grade <> earned
