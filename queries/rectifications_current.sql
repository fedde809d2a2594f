-- Every rectification of the filtered reports in its latest state, overdue first (not done
-- and past its deadline on $today), then by deadline. Each row of `rectifications` is one
-- step of a history; the latest per rect_id counts, and when it was opened is its first.
with steps as (
    select *,
           row_number() over (partition by rect_id order by changed_at desc) as newest,
           min(changed_at) over (partition by rect_id) as opened_at,
           arg_min(changed_by, changed_at) over (partition by rect_id) as opened_by,
           count(*) over (partition by rect_id) as steps
    from rectifications
)
select s.rect_id, s.report_id, r.file_name, r.project_name, r.implementing_unit, r.fiscal_year, s.rule, s.subject,
       s.requirement, s.owner, s.deadline,
       if(s.status <> 'done' and s.deadline < $today::date, 'overdue', s.status) as status,
       s.status as status_recorded, s.note, s.changed_by, s.changed_at, s.opened_by, s.opened_at, s.steps
from steps s
join reports r on r.report_id = s.report_id
join scope sc on sc.report_no = r.report_no
where s.newest = 1
order by s.status <> 'done' and s.deadline < $today::date desc, s.status = 'done', s.deadline nulls last, s.opened_at;
