-- 011: draws of reports for review (抽查, SPEC §4 /sampling). A draw is saved with every
-- parameter that made it (method, size, seed, strata, the filters of the population), so it
-- can be drawn again and shown to others; its reports in the order drawn; and who each is
-- assigned to. All append-only: a reassignment is a new row, the latest per report counts.
create table sample_draws (
    draw_id      varchar not null,
    name         varchar,
    method       varchar not null,   -- random | stratified | mus
    size         integer not null,
    seed         bigint not null,
    strata       varchar,            -- the stratum columns, comma separated (stratified)
    filters      varchar,            -- JSON: the sidebar's filters that chose the population
    population   integer,
    drawn_by     varchar not null,
    drawn_at     timestamp not null
);

create table sample_members (
    draw_id      varchar not null,
    report_id    varchar not null,
    draw_order   integer not null,
    stratum      varchar,
    hits         integer             -- monetary-unit sampling: selection points on the report
);

create table sample_assignments (
    draw_id      varchar not null,
    report_id    varchar not null,
    assigned_to  varchar,
    assigned_by  varchar not null,
    assigned_at  timestamp not null
);
