-- The grade mix of the filtered reports (优/良/中/差 in that order); reports whose grade
-- could not be read form a row with grade null.
select r.grade, count(*) as reports
from reports r
join scope s on s.report_no = r.report_no
group by r.grade
order by case r.grade when '优' then 1 when '良' then 2 when '中' then 3 when '差' then 4 else 5 end;
