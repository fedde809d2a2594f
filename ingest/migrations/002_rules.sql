-- 002: what the rules need beyond SPEC §2's tables.

-- The government economic classification (302/310), with English names for messages;
-- filled from ingest/reference/categories.csv by store.migrate.
create table economic_categories (
    code     varchar primary key,
    name     varchar not null,
    name_en  varchar
);

-- Each report's narrative and its MinHash, for DUPLICATE_REPORT (computed once, at ingest):
-- the signatures find candidate pairs, the texts confirm them exactly.
create table report_signatures (
    report_id        varchar not null,
    narrative_chars  integer,
    signature        uinteger[],
    narrative        varchar
);
