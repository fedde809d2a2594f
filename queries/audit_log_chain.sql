-- Every audit-log entry with its hashes, in order: ingest/audit.py verify walks the chain.
select seq, logged_at, user_name, action, target, params, prev_hash, hash
from audit_log
order by seq;
