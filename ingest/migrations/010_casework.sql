-- 010: what follows an anomaly (SPEC §2): who may sign in, re-scores (复核), rectifications
-- (整改) and the audit log. Every table is append-only: a change is a new row, the latest row
-- per key counts, so the history stays and nothing is overwritten. With JIXIAO_STATE_URL
-- set they live in PostgreSQL beside the reviews (ingest/state.py).

-- Who may sign in; the latest row per name counts (a change of role, password or a
-- deactivation is a new row). password_hash: scrypt, salted (ingest/users.py).
create table users (
    name          varchar not null,
    display_name  varchar,
    role          varchar not null,  -- auditor | lead | admin
    password_hash varchar not null,
    active        boolean not null,
    changed_by    varchar,
    changed_at    timestamp not null
);

-- 复核: the reviewer's score for one indicator of one report, or for the execution-rate row
-- (line_no 0); the latest per (report_id, line_no) counts. Keyed by the report's id, like
-- reviews, so it survives re-ingesting the same file.
create table rescores (
    report_id    varchar not null,
    line_no      integer not null,   -- indicators.line_no; 0: the execution-rate row
    indicator    varchar,            -- the indicator's name as the report wrote it
    self_score   double,             -- the report's own score for it, when re-scored
    weight       double,
    score        double,             -- the reviewer's score
    criterion    varchar,            -- a 复核口径 (jixiao.toml [rescore] criteria)
    reason       varchar,
    reviewer     varchar not null,   -- the signed-in user
    rescored_at  timestamp not null
);

-- 整改: what a confirmed finding requires of the unit. Each row is one step of its history;
-- the latest per rect_id is its state. Overdue is read, not written: not done, and past
-- its deadline.
create table rectifications (
    rect_id      varchar not null,
    report_id    varchar not null,
    rule         varchar,
    subject      varchar not null default '',
    requirement  varchar,
    owner        varchar,
    deadline     date,
    status       varchar not null,   -- open | in progress | done
    note         varchar,
    changed_by   varchar not null,
    changed_at   timestamp not null
);

-- Every action that reads or changes what auditors rely on. Append-only, and chained: each
-- entry's hash covers its content and the hash before it, so an entry changed or removed
-- afterwards breaks the chain (ingest/audit.py verify).
create table audit_log (
    seq         bigint not null,
    logged_at   timestamp not null,
    user_name   varchar,
    action      varchar not null,
    target      varchar,
    params      varchar,             -- JSON
    prev_hash   varchar,
    hash        varchar not null
);

-- Reports an admin deleted: gone from every table, the original kept in the archive, so a
-- restore parses it again. A row per deletion or restore; the latest per report counts.
create table deleted_reports (
    report_id     varchar not null,
    file_sha256   varchar,
    file_name     varchar,
    archive_path  varchar,
    action        varchar not null,  -- deleted | restored
    reason        varchar,
    user_name     varchar not null,
    acted_at      timestamp not null
);
