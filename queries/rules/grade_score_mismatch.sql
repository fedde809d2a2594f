-- GRADE_SCORE_MISMATCH: the grade is not the one the score earns. Bands are the report's rule
-- set's (report_rule_sets: its province's for its year, else 财预〔2020〕10号's 优 ≥ 90, 良 ≥ 80,
-- 中 ≥ 60) unless the report states its own, which then apply.
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
    select r.report_id, r.self_score, r.grade, r.grade_raw, s.rule_set,
           coalesce(o.you, s.you) as you, coalesce(o.liang, s.liang) as liang,
           coalesce(o.zhong, s.zhong) as zhong, o.report_id is not null as own_bands, o.snippet
    from reports r
    join report_rule_sets s on s.report_id = r.report_id
    left join own o on o.report_id = r.report_id
    where r.parse_status <> 'failed' and r.grade is not null and r.self_score is not null
), expected as (
    select *, grade_of(self_score, you, liang, zhong) as earned
    from graded
)
select report_id,
       null as subject,
       printf('自评得分 %s 分应为“%s”，报告自评等级为“%s”（%s）', fmt(self_score), earned, grade_raw,
              if(own_bands, printf('按报告自定等级：优≥%s、良≥%s、中≥%s', fmt(you), fmt(liang), fmt(zhong)),
                 printf('按%s：优≥%s、良≥%s、中≥%s', rule_set, fmt(you), fmt(liang), fmt(zhong)))) as message,
       printf('A score of %s earns %s, but the report grades itself %s (%s bands: %s/%s/%s)', fmt(self_score),
              earned, grade_raw, if(own_bands, 'its own', rule_set), fmt(you), fmt(liang), fmt(zhong)) as message_en,
       to_json(struct_pack(
           self_score := self_score, grade := grade, grade_raw := grade_raw, earned := earned,
           bands := struct_pack(优 := you, 良 := liang, 中 := zhong), own_bands := own_bands, bands_stated := snippet,
           rule_set := rule_set,
           sources := struct_pack(self_score := src(report_id, 'self_score'), grade_raw := src(report_id, 'grade_raw')))) as evidence
from expected
where grade <> earned
