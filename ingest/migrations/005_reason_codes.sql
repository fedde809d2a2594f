-- 005: why a file failed or was skipped, as a code and its parameters (ingest/messages.py),
-- so the dashboard shows the reason in the page's language; `error` keeps the Chinese text.
alter table ingest_log add column error_code varchar;
alter table ingest_log add column error_params varchar;   -- JSON
