-- Who may sign in: each user's latest row (a change is a new row, ingest/users.py), the
-- inactive ones too, so the admin page can show and reactivate them.
select name, display_name, role, password_hash, active, changed_by, changed_at
from users
qualify row_number() over (partition by name order by changed_at desc) = 1
order by name;
