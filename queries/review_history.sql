-- The whole review history of one anomaly, newest first.
select status, comment, reviewer, reviewed_at
from reviews
where report_id = $report_id and rule = $rule and subject = coalesce($subject, '')
order by reviewed_at desc;
