-- One name's failed sign-ins and its last success, from the audit log: the lock-out reads them
-- (ingest/users.py locked_until). Only the window that matters is read.
select
    list(logged_at order by logged_at) filter (where action = 'sign_in_failed' and logged_at >= $since::timestamp)
        as failures,
    max(logged_at) filter (where action = 'sign_in') as last_success
from audit_log
where target = $user_name and action in ('sign_in', 'sign_in_failed');
