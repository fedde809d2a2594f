-- The population a draw is made from: the filtered reports with what the strata and
-- monetary-unit sampling need: department, region, self-score, budget (adjusted, else
-- planned) and the most severe anomaly the report has ('none' without one).
select r.report_id, r.file_name, r.project_name, r.implementing_unit, r.supervising_dept, r.region,
       r.fiscal_year, r.self_score, budget_of(r) as budget,
       coalesce(case min(case a.severity when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end)
                    when 1 then 'high' when 2 then 'medium' when 3 then 'low' when 4 then 'info' end, 'none')
           as severity
from reports r
join scope s on s.report_no = r.report_no
left join anomalies a on a.report_no = r.report_no
where r.parse_status <> 'failed'
group by all
order by r.report_id;
