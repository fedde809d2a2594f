-- 001: the store of SPEC §2. Money in 万元, rates in percent.
create table reports (
    report_id              varchar primary key,   -- first 16 hex of the file's sha256
    file_name              varchar not null,      -- base name as offered
    file_sha256            varchar not null,
    file_format            varchar,               -- docx | txt | doc | unknown
    parser_version         varchar,
    ingested_at            timestamp,
    parse_status           varchar not null,      -- ok | partial | failed
    shape                  varchar,               -- table | zibiao | narrative
    project_name           varchar,
    implementing_unit      varchar,
    supervising_dept       varchar,
    province               varchar,
    region                 varchar,
    fiscal_year            integer,
    eval_type              varchar,
    report_date            date,
    period_start           date,
    period_end             date,
    budget_planned         double,
    budget_adjusted        double,
    funds_arrived          double,
    spent                  double,
    arrival_rate_stated    double,
    execution_rate_stated  double,
    arrival_rate           double,
    execution_rate         double,
    self_score             double,
    grade_raw              varchar,
    grade                  varchar,
    archive_path           varchar,               -- the original, relative to the archive folder
    missing_fields         varchar,               -- JSON list: fields the parser could not find
    notes                  varchar                -- JSON list: what the parser noticed
);

-- The report's text as read, for the report page and for duplicate detection.
create table report_texts (
    report_id  varchar primary key,
    text       varchar,
    encoding   varchar
);

create table funding_sources (
    report_id  varchar not null,
    source     varchar not null,                  -- 中央 | 省级 | 市县 | 其它
    planned    double,
    arrived    double
);

create table budget_lines (
    report_id      varchar not null,
    line_no        integer not null,
    category       varchar,
    category_code  varchar,
    category_raw   varchar,
    planned        double,
    actual         double,
    origin         varchar                        -- table | text
);

create table indicators (
    report_id   varchar not null,
    line_no     integer not null,
    level1      varchar,
    level2      varchar,
    name        varchar,
    target_raw  varchar,
    actual_raw  varchar,
    weight      double,
    score       double,
    note        varchar
);

create table mentions (
    report_id   varchar not null,
    mention_no  integer not null,
    kind        varchar not null,   -- amount | rate | date | year | shortfall | grade_band | score | weight | table_total
    subject     varchar,
    role        varchar,
    value       double,             -- money in 万元, rates in percent, years, band lower bounds
    written     double,             -- the number as written
    unit        varchar,            -- the unit as written
    text        varchar,
    date_start  date,
    date_end    date,
    block       integer,
    char_start  integer,
    char_end    integer,
    snippet     varchar
);

create table provenance (
    report_id   varchar not null,
    field       varchar not null,   -- a report column, or budget_lines.N / indicators.N / funding_sources.N
    block       integer,            -- block index in reading order
    row_no      integer,            -- table row (grid), when the value sat in a table
    col_no      integer,
    char_start  integer,            -- character span, when it sat in a paragraph
    char_end    integer,
    snippet     varchar,
    method      varchar,            -- table | label | text | title | signature | derived
    note        varchar             -- e.g. a unit conversion: 486000 元 → 48.6 万元
);

create table anomalies (
    report_id   varchar not null,
    rule        varchar not null,
    severity    varchar not null,   -- high | medium | low | info
    subject     varchar,
    message     varchar,            -- Chinese
    message_en  varchar,
    evidence    varchar,            -- JSON
    detected_at timestamp
);

-- An auditor's verdicts, append-only: the latest row per (report_id, rule, subject) is current.
-- Keyed by the anomaly's identity, not by a row id, so it survives re-ingest and re-running rules.
create table reviews (
    report_id    varchar not null,
    rule         varchar not null,
    subject      varchar not null default '',
    status       varchar not null,  -- open | confirmed | dismissed
    comment      varchar,
    reviewer     varchar,
    reviewed_at  timestamp not null
);

create table ingest_log (
    run_id          varchar not null,
    path            varchar not null,
    file_name       varchar,
    sha256          varchar,
    report_id       varchar,
    status          varchar not null,  -- ok | partial | failed | skipped
    error           varchar,           -- why, in words an auditor can read
    seconds         double,
    logged_at       timestamp not null,
    parser_version  varchar
);

