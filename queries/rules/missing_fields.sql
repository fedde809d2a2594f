-- MISSING_FIELDS (info): fields the rules need that the parser could not find. A grade is
-- missing only where the report's rule set requires one (report_rule_sets.grade_required).
with gaps as (
    select report_id,
           list_filter([
               if(budget_of(reports) is null, 'budget', null),
               if(spent is null, 'spent', null),
               if(self_score is null, 'self_score', null),
               if(funds_arrived is null, 'funds_arrived', null),
               if(grade is null and s.grade_required, 'grade', null),
               if(fiscal_year is null, 'fiscal_year', null)
           ], lambda f: f is not null) as missing
    from reports
    join report_rule_sets s using (report_id)
    where parse_status <> 'failed'
)
select report_id,
       null as subject,
       '未能提取：' || array_to_string(list_transform(missing, lambda f: case f
           when 'budget' then '预算' when 'spent' then '实际支出' when 'self_score' then '自评得分'
           when 'funds_arrived' then '到位资金' when 'grade' then '自评等级' else '年度' end), '、') as message,
       'Not found in the report: ' || array_to_string(missing, ', ') as message_en,
       to_json(struct_pack(missing := missing)) as evidence
from gaps
where len(missing) > 0
