-- One rectification's steps, oldest first: who opened it, every change of status, owner or
-- deadline, and who closed it.
select changed_at, changed_by, status, owner, deadline, requirement, note
from rectifications
where rect_id = $rect_id
order by changed_at;
