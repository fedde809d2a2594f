"""What auditors write, shared between dashboard servers through PostgreSQL.

One DuckDB file serves one dashboard server. Several servers of a province read one
Parquet export (parquet.py) and cannot write it; what their auditors write must still be
seen by all of them. When JIXIAO_STATE_URL names a PostgreSQL database
(postgresql://user:password@host:port/dbname), the state tables live there: created if
missing with the DuckDB migrations' columns and types, written there, and shown to each
DuckDB connection a page run opens under their own names (`attach`), so every named query
reads them unchanged. DuckDB stays the analytic engine: the state is small and is copied
into each server's memory, fetched again only when it changed (a trigger counts every
change of a table). Unset, nothing here runs and the store keeps its own state tables.
"""
from __future__ import annotations

import dataclasses
import io
import os
import threading
from typing import Callable

import psycopg
import pyarrow as pa
import pyarrow.csv
from psycopg import sql

from ingest.schema import table_schemas

STATE_URL_VARIABLE = "JIXIAO_STATE_URL"
URL_SCHEMES = ("postgresql://", "postgres://")
# What auditors write, in PostgreSQL when JIXIAO_STATE_URL is set: the columns come from the
# DuckDB migrations (001, 010, 011).
STATE_TABLES = ("reviews", "users", "rescores", "rectifications", "audit_log", "sample_draws", "sample_members",
                "sample_assignments")
# Read only by uncached queries: a change of it is left out of the change marker.
UNCACHED = ("audit_log",)
# Refused by the server itself: a trigger raises on any update, delete or truncate.
APPEND_ONLY = ("audit_log",)
REFUSE = "jixiao_append_only"           # the trigger function that refuses
# A server that does not answer within this is reported as unreachable, not waited on.
CONNECT_SECONDS = 5
VERSIONS = "jixiao_state_versions"      # per state table: how often it changed, and when last
CHANGED = "jixiao_state_changed"        # the trigger function that counts the changes
# Two servers starting at once must not both create the tables: one waits for the other.
SCHEMA_LOCK = 74_201_400
# Two servers writing the audit log at once: one waits, so the chain of hashes stays one chain.
CHAIN_LOCK = 74_201_401
PG_TYPES = {"VARCHAR": "text", "INTEGER": "integer", "BIGINT": "bigint", "DOUBLE": "double precision",
            "DATE": "date", "TIMESTAMP": "timestamp", "BOOLEAN": "boolean"}
ARROW_TYPES = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
               "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"), "BOOLEAN": pa.bool_()}


class StateUnavailable(Exception):
    """The shared state cannot be read or written (PostgreSQL down, refusing, or a bad URL).
    The message is Chinese plain words, like StoreError's; `where` names the server without
    its password, for pages to word it in their language."""

    def __init__(self, message: str, where: str = ""):
        super().__init__(message)
        self.where = where


# (the table's last (seq, hash) or None, rows) -> the rows completed: audit.py's chain.
Seal = Callable[[tuple | None, list[dict]], list[dict]]


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The state tables as last read: `marker` changes whenever any of them does (for caches
    keyed by it), `tables` holds their rows as Arrow tables typed as in the store."""
    marker: str
    tables: dict[str, pa.Table]


def state_url() -> str | None:
    return os.environ.get(STATE_URL_VARIABLE) or None


def configured() -> bool:
    """Whether what auditors write goes to PostgreSQL (JIXIAO_STATE_URL is set)."""
    return state_url() is not None


def server_name(url: str) -> str:
    """host:port/dbname, never the password: for messages.
    "postgresql://jixiao:secret@db1:5432/jixiao" -> "db1:5432/jixiao" """
    try:
        parts = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "?"
    return f"{parts.get('host') or 'localhost'}:{parts.get('port') or 5432}/{parts.get('dbname') or ''}"


def _create_statements() -> list[sql.Composable]:
    """The state tables (any column the migrations added since, too), the change counter and
    its triggers; every statement safe to run again."""
    statements: list[sql.Composable] = [
        sql.SQL("create table if not exists {} (table_name text primary key, "
                "version bigint not null, changed_at timestamptz not null)").format(sql.Identifier(VERSIONS)),
        # Statement-level, so a batch of reviews counts once; any writer (psql included) is counted.
        sql.SQL("create or replace function {function}() returns trigger language plpgsql as $$ begin "
                "insert into {versions} values (tg_table_name, 1, clock_timestamp()) on conflict (table_name) "
                "do update set version = {versions}.version + 1, changed_at = excluded.changed_at; "
                "return null; end $$").format(function=sql.Identifier(CHANGED), versions=sql.Identifier(VERSIONS)),
    ]
    for table in STATE_TABLES:
        columns = table_schemas()[table]
        statements.append(sql.SQL("create table if not exists {} ({})").format(
            sql.Identifier(table),
            sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(PG_TYPES[kind]))
                               for name, kind in columns.items())))
        statements += [sql.SQL("alter table {} add column if not exists {} {}").format(
            sql.Identifier(table), sql.Identifier(name), sql.SQL(PG_TYPES[kind])) for name, kind in columns.items()]
        statements += _trigger(table, CHANGED, "after insert or update or delete or truncate")
    statements.append(sql.SQL(
        "create or replace function {}() returns trigger language plpgsql as $$ begin "
        "raise exception '% is append-only: % refused', tg_table_name, tg_op; end $$").format(sql.Identifier(REFUSE)))
    for table in APPEND_ONLY:
        statements += _trigger(table, REFUSE, "before update or delete or truncate")
    return statements


def _trigger(table: str, function: str, when: str) -> list[sql.Composable]:
    """A statement-level trigger running `function` on `table` (`when`: our own words),
    made anew."""
    trigger = sql.Identifier(f"{table}_{function}")
    return [sql.SQL("drop trigger if exists {} on {}").format(trigger, sql.Identifier(table)),
            sql.SQL("create trigger {} " + when + " on {} for each statement execute function {}()").format(
                trigger, sql.Identifier(table), sql.Identifier(function))]


class SharedState:
    """One server process's link to the shared state: one PostgreSQL connection (opened on
    first use, opened again after the server went away) and the last snapshot read."""

    def __init__(self, url: str):
        if not url.startswith(URL_SCHEMES):
            raise StateUnavailable(f"{STATE_URL_VARIABLE} 应是 postgresql:// 开头的 PostgreSQL 地址，"
                                   f"现在是“{url[:40]}”", where=url[:40])
        self.url = url
        self.where = server_name(url)
        self._conn: psycopg.Connection | None = None
        self._lock = threading.Lock()
        self._versions: dict[str, tuple] = {}
        self._tables: dict[str, pa.Table] = {}

    def _problem(self, exc: Exception) -> StateUnavailable:
        cause = str(exc).strip().splitlines()
        detail = f"：{cause[0]}" if cause else ""
        return StateUnavailable(f"无法使用共享的审核数据库 PostgreSQL（{self.where}）{detail}", where=self.where)

    def _connection(self) -> psycopg.Connection:
        """The open connection, the tables created on first contact. Caller holds the lock."""
        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            return self._conn
        self.close_connection()
        conn = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_SECONDS,
                               application_name="jixiao")
        try:
            conn.execute("set datestyle = 'ISO, YMD'")      # the dates of _fetch's CSV, as Arrow reads them
            with conn.transaction():
                conn.execute("select pg_advisory_xact_lock(%s)", [SCHEMA_LOCK])
                for statement in _create_statements():
                    conn.execute(statement)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _with_connection(self, work, retry: bool):
        """work(connection) under the lock. A connection the server dropped meanwhile (a
        restart) shows only when used: with `retry` (reads, and a write's check before it
        writes) the work runs once more on a new one."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    return work(self._connection())
                except psycopg.OperationalError as exc:
                    if not retry or attempt == 2:
                        raise self._problem(exc) from exc
                    self.close_connection()
                except psycopg.Error as exc:
                    raise self._problem(exc) from exc

    def close_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    @staticmethod
    def _read_versions(conn: psycopg.Connection) -> dict[str, tuple]:
        """table -> (changes, last change): one small query, the cheap check before a read."""
        rows = conn.execute(sql.SQL("select table_name, version, changed_at from {} where table_name = any(%s)")
                            .format(sql.Identifier(VERSIONS)), [list(STATE_TABLES)]).fetchall()
        found = {name: (version, changed_at) for name, version, changed_at in rows}
        return {table: found.get(table, (0, None)) for table in STATE_TABLES}

    def snapshot(self) -> Snapshot:
        """The state tables now: the rows kept from the last read where a table has not
        changed since (one query to know), fetched again where it has."""
        def read(conn: psycopg.Connection) -> Snapshot:
            versions = self._read_versions(conn)
            stale = [table for table in STATE_TABLES
                     if table not in self._tables or versions[table] != self._versions.get(table)]
            if stale:
                # One consistent view of the tables and their counts: a change made while they
                # are read is seen on the next read, not half now.
                with conn.transaction():
                    conn.execute("set transaction isolation level repeatable read, read only")
                    versions = self._read_versions(conn)
                    for table in stale:
                        self._tables[table] = self._fetch(conn, table)
                        self._versions[table] = versions[table]
            return Snapshot(marker=self._marker(), tables=dict(self._tables))

        return self._with_connection(read, retry=True)

    def _marker(self) -> str:
        """What the pages' caches are keyed by: every state table's changes but the audit
        log's, which no cached query reads (app_pages/data.py fresh)."""
        return ";".join(f"{table}:{version}@{changed_at.isoformat() if changed_at else '-'}"
                        for table, (version, changed_at) in sorted(self._versions.items()) if table not in UNCACHED)

    @staticmethod
    def _fetch(conn: psycopg.Connection, table: str) -> pa.Table:
        """Every row of a state table, typed as the store's own table. Read as CSV and parsed
        by Arrow: four times faster than rows as Python objects (100 000 reviews). In
        PostgreSQL's CSV a NULL is bare and an empty text quoted, which keeps them apart."""
        columns = table_schemas()[table]
        text = io.BytesIO()
        with conn.cursor().copy(sql.SQL("copy (select {} from {}) to stdout (format csv)").format(
                sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table))) as copy:
            for block in copy:
                text.write(block)
        if not text.tell():
            return pa.table({name: pa.array([], type=ARROW_TYPES[kind]) for name, kind in columns.items()})
        text.seek(0)
        return pyarrow.csv.read_csv(
            text, read_options=pyarrow.csv.ReadOptions(column_names=list(columns)),
            parse_options=pyarrow.csv.ParseOptions(newlines_in_values=True),
            convert_options=pyarrow.csv.ConvertOptions(
                column_types={name: ARROW_TYPES[kind] for name, kind in columns.items()},
                null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=False,
                true_values=["t"], false_values=["f"]))

    def append(self, table: str, rows: list[dict], seal: Seal | None = None) -> int:
        """Add rows to a state table in one transaction: all are written, or the error says
        none was. Returns how many. `seal` (the audit log's chain, audit.py) completes the
        rows from the table's last (seq, hash), read under a lock every server takes."""
        if table not in STATE_TABLES:
            raise ValueError(f"not a state table: {table!r}")
        if not rows:
            return 0
        columns = table_schemas()[table]
        # One statement for the batch, each column bound as one array: the change counter's
        # trigger runs once, and 10 000 rows go in one round trip.
        statement = sql.SQL("insert into {} ({}) select * from unnest({})").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(", ").join(sql.SQL("{}::{}[]").format(sql.Placeholder(), sql.SQL(PG_TYPES[kind]))
                               for kind in columns.values()))
        # A dropped connection is found by a harmless query, tried again; the insert itself is
        # never repeated, as its commit might have gone through before the connection broke.
        self._with_connection(lambda conn: conn.execute("select 1"), retry=True)

        def insert(conn: psycopg.Connection) -> int:
            with conn.transaction():
                written = rows
                if seal is not None:
                    conn.execute("select pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
                    last = conn.execute(sql.SQL("select seq, hash from {} order by seq desc limit 1")
                                        .format(sql.Identifier(table))).fetchone()
                    written = seal(last, rows)
                conn.execute(statement, [[row.get(column) for row in written] for column in columns])
            return len(rows)

        return self._with_connection(insert, retry=False)


_shared: dict[str, SharedState] = {}
_shared_lock = threading.Lock()


def shared() -> SharedState:
    """This process's SharedState for JIXIAO_STATE_URL (one per URL: its snapshot is kept
    between page runs)."""
    url = state_url()
    if url is None:
        raise StateUnavailable(f"未设置 {STATE_URL_VARIABLE}")
    with _shared_lock:
        if url not in _shared:
            _shared[url] = SharedState(url)
        return _shared[url]


def append(table: str, rows: list[dict], seal: Seal | None = None) -> int:
    return shared().append(table, rows, seal)


def attach(conn, snapshot: Snapshot | None = None) -> None:
    """Show the shared state tables to a DuckDB connection under the names the queries use:
    `reviews` becomes the store's own reviews (written before the state moved to PostgreSQL,
    or carried in an export) followed by the shared ones. Temp objects only, so a read-only
    store or an export's cursor takes them; nothing happens when JIXIAO_STATE_URL is unset."""
    if snapshot is None:
        if not configured():
            return
        snapshot = shared().snapshot()
    catalog = conn.execute("select current_database()").fetchall()[0][0]
    for table, rows in snapshot.tables.items():
        columns = table_schemas()[table]
        registered = f"shared_{table}"
        conn.register(registered, rows)
        names = ", ".join(f'"{name}"' for name in columns)
        typed = ", ".join(f'cast("{name}" as {kind}) as "{name}"' for name, kind in columns.items())
        # The store's table by its full name: a bare (or main.) name would find this view itself.
        own = f'"{catalog.replace(chr(34), chr(34) * 2)}".main."{table}"'
        conn.execute(f'create or replace temp view "{table}" as '
                     f"select {names} from {own} union all select {typed} from {registered}")
