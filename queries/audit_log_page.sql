-- The audit log for the admin page and its export, newest first: by user, action, a time
-- span and words in the target or parameters. $limit caps the rows shown; null: all.
select seq, logged_at, user_name, action, target, params
from audit_log
where (len($users::varchar[]) = 0 or list_contains($users::varchar[], user_name))
  and (len($actions::varchar[]) = 0 or list_contains($actions::varchar[], action))
  and ($since::timestamp is null or logged_at >= $since::timestamp)
  and ($until::timestamp is null or logged_at < $until::timestamp)
  and (trim($text) = '' or contains(lower(concat_ws(' ', target, params)), lower(trim($text))))
order by seq desc
limit $limit::bigint;
