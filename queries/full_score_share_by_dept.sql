-- Share of full-mark self-evaluations per supervising department and fiscal year (filtered
-- reports).
with scored as (
    select r.supervising_dept, r.fiscal_year, r.self_score
    from reports r
    join scope s on s.report_no = r.report_no
    where r.supervising_dept is not null and r.self_score is not null
), final as (
    select supervising_dept, fiscal_year,
           count(*) as reports,
           count(*) filter (self_score >= $full_points) as full_score_reports,
           count(*) filter (self_score >= $full_points) / count(*) as full_score_share
    from scored
    group by supervising_dept, fiscal_year
    having count(*) >= $min_reports
)
select *,
       case when full_score_share >= $alarm then 'alarm' when full_score_share >= $warn then 'warn' else 'ok' end as level
from final
order by fiscal_year desc nulls last, full_score_share desc, supervising_dept;
