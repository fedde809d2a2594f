"""The DuckDB store: with parquet.py (its export), the only module that imports duckdb.

DuckDB lets one process write a store file or several read it, never both at once. So the
ingest opens the store only to write a batch and the dashboard only for one page run;
whoever finds the file locked waits with back-off and says so.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

import duckdb

from ingest import parquet
from ingest.rows import REPORT_TABLES
from ingest.schema import MIGRATIONS, Columns, as_columns, numbered_tables, table_schemas
DEFAULT_STORE = Path("data") / "jixiao.duckdb"
# Another process holds the file (a lock), or, inside one process, the file is open with
# another configuration (read-only pages while a review or upload writes): both pass.
LOCKED = re.compile(r"lock|being used by another process|different configuration", re.IGNORECASE)

Error = duckdb.Error
# DuckDB 2.0 refuses new work on a connection while a result is unfinished, and fetchone()
# leaves it so: scalars here are read with fetchall().


class StoreError(Exception):
    """A store that cannot be used (locked too long, not a DuckDB file, unwritable)."""


class StoreBusy(StoreError):
    """Another process held the store past the time this one would wait."""


def store_path(cli_value: str | os.PathLike | None = None) -> Path:
    """--db wins over JIXIAO_DB, which wins over data/jixiao.duckdb."""
    if cli_value:
        return Path(cli_value)
    if os.environ.get("JIXIAO_DB"):
        return Path(os.environ["JIXIAO_DB"])
    return DEFAULT_STORE


def archive_dir(store: Path) -> Path:
    """Originals are kept beside their store, by content: <store folder>/archive/ab/abcdef….docx."""
    return Path(store).resolve().parent / "archive"


# Waiting for the store. Held by another process, it is tried again at growing intervals
# (a failed try costs some 5 ms). Held in this process (the dashboard's page runs, while a
# review would write), it is tried again often: those readers all let go of the store only for
# moments, and a try costs 0.1 ms. At up to 2 s apart a review's 20 s behind twenty auditors
# were some 15 tries, and missed every moment (bench/sessions.py lost reviews so).
RETRY_FIRST_SECONDS, RETRY_MAX_SECONDS = 0.05, 2.0
RETRY_IN_PROCESS_SECONDS = 0.05
# One thread of a process opens a store at a time. DuckDB (2.0) hands a database that one
# thread is still opening to the others that open the same file at that moment, not yet
# ready: "python_arrow_scan does not exist", "INTERNAL Error: Invalid node type" (the page runs
# of twenty auditors, let in all at once after a review, bench/sessions.py). Joining an open
# database takes well under a millisecond.
_OPENING = threading.Lock()


def _held(exc: duckdb.Error) -> bool:
    """Whether the store could not be opened because someone has it open (wait and try
    again), not because it is unusable."""
    return _held_here(exc) or bool(LOCKED.search(str(exc)))


def _held_here(exc: duckdb.Error) -> bool:
    """Whether this process holds the store: open with the other configuration (read-only
    page runs while a review writes, or the reverse), or being closed on another thread, which
    leaves the file attached for a moment (DuckDB's "unique file handle conflict")."""
    return isinstance(exc, (duckdb.ConnectionException, duckdb.ResourceInUseException))


def connect(path: Path | str, read_only: bool = False, wait_seconds: float = 120.0,
            on_wait: Callable[[str], None] | None = None) -> duckdb.DuckDBPyConnection:
    """Open the store, waiting with back-off while another process holds its lock. A folder
    exported with export_parquet opens read-only, as views over its files."""
    path = Path(path)
    if parquet.is_parquet_store(path):
        if not read_only:
            raise StoreError(f"{path} 是 Parquet 导出，只能读取：导入、复核和规则请在原 DuckDB 数据库上进行")
        try:
            return parquet.connect(path)
        except parquet.ParquetError as exc:
            raise StoreError(str(exc)) from exc
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = RETRY_FIRST_SECONDS
    told = False
    while True:
        try:
            with _OPENING:
                conn = duckdb.connect(str(path), read_only=read_only)
            # DuckDB's own progress bar would print over ours (migrating 1M reports: 55 s).
            conn.execute("set enable_progress_bar = false")
            return conn
        except duckdb.Error as exc:
            if not _held(exc):
                raise StoreError(f"无法打开数据库 {path}：{str(exc).splitlines()[0]}") from exc
            if time.monotonic() >= deadline:
                raise StoreBusy(f"数据库 {path} 被其他进程占用，已等待 {wait_seconds:.0f} 秒仍未释放") from exc
            if on_wait and not told:
                on_wait(f"数据库正被其他进程使用，等待解锁…（{path}）")
                told = True
            if _held_here(exc):
                time.sleep(RETRY_IN_PROCESS_SECONDS)
            else:
                time.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)


@contextlib.contextmanager
def transaction(conn):
    """One transaction around the block: committed when it ends, rolled back if it raises."""
    conn.execute("begin transaction")
    try:
        yield conn
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise


def migrate(conn: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the store's version; return the version now."""
    conn.execute("create table if not exists schema_version (version integer primary key, applied_at timestamp)")
    current = conn.execute("select coalesce(max(version), 0) from schema_version").fetchall()[0][0]
    for script in sorted(MIGRATIONS.glob("*.sql")):
        version = int(script.name.split("_", 1)[0])
        if version <= current:
            continue
        with transaction(conn):
            conn.execute(script.read_text(encoding="utf-8"))
            if version in AFTER_MIGRATION:      # what SQL alone does not derive
                AFTER_MIGRATION[version](conn)
            conn.execute("insert into schema_version values (?, ?)", [version, dt.datetime.now()])
        current = version
    _load_categories(conn)
    return current


@functools.lru_cache(maxsize=1)
def _reference_categories():
    """reference/categories.csv, read once per process (the store is opened for every batch)."""
    import polars as pl

    reference = Path(__file__).parent / "reference" / "categories.csv"
    return pl.read_csv(reference, schema_overrides={"code": pl.Utf8}).select("code", "name", "name_en")


def _load_categories(conn) -> None:
    """economic_categories mirrors reference/categories.csv (kept in step on every open)."""
    if current_version(conn) < 2:
        return
    frame = _reference_categories()
    stored = conn.execute("select count(*) from economic_categories").fetchall()[0][0]
    if stored == frame.height:
        return
    with transaction(conn):
        conn.execute("delete from economic_categories")
        conn.register("reference_categories", frame)
        conn.execute("insert into economic_categories select code, name, name_en from reference_categories")
        conn.unregister("reference_categories")


def export_parquet(path: Path | str, target: Path | str,
                   on_table: Callable[[str, int], None] | None = None) -> dict:
    """Export the store at `path` as a Parquet dataset under `target` (parquet.py)."""
    conn = connect(path, read_only=True)
    try:
        version = current_version(conn)
        if version < latest_version():
            raise StoreError(f"数据库 {path} 的结构较旧（版本 {version}），请先用本程序打开一次（例如 --rules-only）再导出")
        return parquet.export(conn, Path(target), version, on_table)
    except (parquet.ParquetError, OSError) as exc:
        raise StoreError(f"无法导出到 {target}：{exc}") from exc
    finally:
        conn.close()


def latest_version() -> int:
    return max(int(script.name.split("_", 1)[0]) for script in MIGRATIONS.glob("*.sql"))


def needs_migration(path: Path | str) -> bool:
    """Whether the store at `path` is older than this code (checked read-only)."""
    conn = connect(path, read_only=True, wait_seconds=20)
    try:
        return current_version(conn) < latest_version()
    except duckdb.Error:
        return True
    finally:
        conn.close()


def current_version(conn) -> int:
    return conn.execute("select coalesce(max(version), 0) from schema_version").fetchall()[0][0]


def open_store(path: Path | str, on_wait: Callable[[str], None] | None = None,
               wait_seconds: float = 120.0) -> duckdb.DuckDBPyConnection:
    """A writable, migrated connection."""
    conn = connect(path, read_only=False, wait_seconds=wait_seconds, on_wait=on_wait)
    try:
        migrate(conn)
    except duckdb.Error as exc:
        conn.close()
        raise StoreError(f"数据库 {path} 无法升级：{str(exc).splitlines()[0]}") from exc
    return conn


def known_files(conn) -> dict[str, tuple[str, str]]:
    """sha256 -> (report_id, parser_version) of every report read successfully. A file that
    failed is parsed again when offered again: the parser may have learnt to read it."""
    rows = conn.execute("select file_sha256, report_id, parser_version from reports "
                        "where parse_status <> 'failed'").fetchall()
    return {sha: (rid, version) for sha, rid, version in rows}


# -- writing reports ---------------------------------------------------------------------
@functools.cache
def _polars_types() -> dict:
    # polars is imported where frames are built, not on import: parsing workers import
    # this module for table_schemas and start faster without it.
    import polars as pl

    return {"VARCHAR": pl.Utf8, "INTEGER": pl.Int32, "BIGINT": pl.Int64, "DOUBLE": pl.Float64,
            "DATE": pl.Date, "TIMESTAMP": pl.Datetime("us"), "BOOLEAN": pl.Boolean,
            "UINTEGER[]": pl.List(pl.UInt32), "INTEGER[]": pl.List(pl.Int32)}


def _frame(table: str, columns: Columns):
    import polars as pl

    types = _polars_types()
    return pl.DataFrame([pl.Series(name, columns[name], dtype=types[kind], strict=False)
                         for name, kind in table_schemas()[table].items()])


def _insert(conn, table: str, columns: Columns) -> None:
    """Rows into a table. In the tables carrying report_no, the report's integer key (migration
    008), a report takes the next number (a report written again was deleted first, its rows
    with it), and its rows take theirs from it, whatever the rows said."""
    frame = _frame(table, columns)
    if frame.is_empty():
        return
    conn.register("incoming_rows", frame)
    try:
        names = ", ".join(frame.columns)
        # Table and column names from the schema, not from anyone's input.
        if table not in numbered_tables():
            conn.execute(f"insert into {table} ({names}) select {names} from incoming_rows")
        elif table == "reports":
            conn.execute(f"insert into reports ({names}) select i.* replace ("
                         f"(select coalesce(max(report_no), 0) from reports) + row_number() over () as report_no) "
                         f"from incoming_rows i")
        else:
            conn.execute(f"insert into {table} ({names}) select i.* replace (r.report_no as report_no) "
                         f"from incoming_rows i left join reports r on r.report_id = i.report_id")
    finally:
        conn.unregister("incoming_rows")


def _report_ids(item: dict) -> list[str]:
    """The reports one file contributes (a workbook may hold one per sheet)."""
    reports = item["reports"]
    return [row["report_id"] for row in reports] if isinstance(reports, list) else list(reports["report_id"])


def _joined(batch: list[dict], table: str) -> Columns:
    """One table's columns across a batch (items as columns or as lists of row dicts)."""
    joined: Columns = {column: [] for column in table_schemas()[table]}
    for item in batch:
        part = item.get(table)
        if not part:
            continue
        if isinstance(part, list):
            part = as_columns(table, part)
        for column, values in joined.items():
            values.extend(part[column])
    return joined


def _delete_reports(conn, report_ids: list[str]) -> None:
    """A report written again: its old rows go, and the rules will check it again."""
    for table in REPORT_TABLES + ("anomalies", "rules_checked"):
        conn.execute(f"delete from {table} where report_id in (select unnest(?::varchar[]))", [report_ids])


def write_batch(conn, batch: list[dict], log: list[dict] | None = None) -> list[tuple[int, str]]:
    """Write what many files contribute (each item from report_columns or report_rows) and
    their log entries: one transaction for the batch, so a crash leaves each file either
    wholly in the store and logged, or not at all. If the batch fails, each file gets a
    transaction of its own, so a bad file never takes the others down; the log is then not
    written: the caller marks the failures and writes it.
    Returns (position, error) of the files that could not be written."""
    log = log or []
    if not batch and not log:
        return []
    try:
        _write(conn, batch, log)
        return []
    except duckdb.Error:
        pass
    failures = []
    for position, item in enumerate(batch):
        try:
            _write(conn, [item], [])
        except duckdb.Error as exc:
            failures.append((position, str(exc).splitlines()[0]))
    if not failures and log:
        write_log(conn, log)            # the batch failed as a whole, yet every file went in
    return failures


def _write(conn, batch: list[dict], log: list[dict]) -> None:
    with transaction(conn):
        report_ids = [report_id for item in batch for report_id in _report_ids(item)]
        if report_ids:
            _delete_reports(conn, report_ids)
            for table in REPORT_TABLES:
                _insert(conn, table, _joined(batch, table))
            count_first_digits(conn, report_ids)
        if log:
            _insert(conn, "ingest_log", as_columns("ingest_log", log))


def count_first_digits(conn, report_ids: list[str] | None = None) -> None:
    """reports.first_digits of these reports (None: every report), from their budget lines."""
    import queries      # here, not on import: parsing workers import this module and not polars

    conn.execute(queries.sql("store/first_digits"), {"report_ids": report_ids})


# Steps run right after a migration, in its transaction: 009's column filled for the
# reports already stored, by the SQL that fills it for each report written.
AFTER_MIGRATION: dict[int, Callable] = {9: count_first_digits}


def write_log(conn, entries: Iterable[dict]) -> None:
    entries = list(entries)
    if not entries:
        return
    with transaction(conn):
        _insert(conn, "ingest_log", as_columns("ingest_log", entries))


# An auditor's verdicts on an anomaly: the one home of these words (pages import them).
REVIEW_STATUSES = ("open", "confirmed", "dismissed")


def add_reviews(conn, items: Iterable[dict], reviewer: str) -> int:
    """Record verdicts on anomalies: each item has report_id, rule, subject, status, comment.
    Appended, never overwritten, so the history stays; keyed by the anomaly's identity.
    When JIXIAO_STATE_URL names a PostgreSQL database the verdicts go there, shared by every
    dashboard server (state.py), and `conn` is not used (None will do)."""
    now = dt.datetime.now()
    rows = []
    for item in items:
        if item["status"] not in REVIEW_STATUSES:
            raise ValueError(f"unknown review status {item['status']!r}")
        rows.append({"report_id": item["report_id"], "rule": item["rule"], "subject": item.get("subject") or "",
                     "status": item["status"], "comment": item.get("comment") or None,
                     "reviewer": reviewer or None, "reviewed_at": now})
    return append_rows(conn, "reviews", rows)


def append_rows(conn, table: str, rows: list[dict], seal=None) -> int:
    """Append what auditors write (reviews, users, re-scores, rectifications, the audit log)
    in one transaction. With JIXIAO_STATE_URL set the rows go to PostgreSQL, shared by every
    dashboard server (state.py), and `conn` is not used (None will do). `seal` completes the
    rows from the table's last (seq, hash), read in the same transaction: the audit log's
    chain (audit.py)."""
    # Local: the parsing workers import this module and need no PostgreSQL driver.
    from ingest import state

    if not rows:
        return 0
    if state.configured() and table in state.STATE_TABLES:
        return state.append(table, rows, seal)
    with transaction(conn):
        if seal is not None:
            # Table name from the caller's code, never from input.
            found = conn.execute(f"select seq, hash from {table} order by seq desc limit 1").fetchall()
            last = found[0] if found else None
            rows = seal(last, rows)
        _insert(conn, table, as_columns(table, rows))
    return len(rows)


# What a deleted report leaves: what auditors wrote of it (restored, it finds them again),
# every file ever offered, and the deletions themselves.
KEPT_ON_DELETE = ("reviews", "rescores", "rectifications", "ingest_log", "deleted_reports", "audit_log")


def delete_report(conn, report_id: str, user: str, reason: str | None) -> dict:
    """Take a report out of every table (an admin's deletion, SPEC §2): its original stays in
    the archive and a row of deleted_reports says who, when and why, so it can be restored.
    Returns that row. Raises StoreError for a report the store does not hold."""
    found = conn.execute("select report_id, file_sha256, file_name, archive_path from reports where report_id = ?",
                         [report_id]).fetchall()
    if not found:
        raise StoreError(f"没有编号为 {report_id} 的报告")
    row = dict(zip(("report_id", "file_sha256", "file_name", "archive_path"), found[0]))
    row.update(action="deleted", reason=reason or None, user_name=user, acted_at=dt.datetime.now())
    with transaction(conn):
        for table, columns in table_schemas().items():
            if "report_id" in columns and table not in KEPT_ON_DELETE:
                # Table names from our own migrations, the id bound.
                conn.execute(f"delete from {table} where report_id = ?", [report_id])
        _insert(conn, "deleted_reports", as_columns("deleted_reports", [row]))
    return row


def deleted_files(conn) -> dict[str, dict]:
    """sha256 -> the deletion, for every file whose report is deleted and not restored: an
    ingest offered it again skips it (it is restored on /admin, not by re-offering)."""
    rows = conn.execute(
        "select file_sha256, report_id, file_name, archive_path, action, user_name, acted_at from deleted_reports "
        "qualify row_number() over (partition by report_id order by acted_at desc) = 1").fetchall()
    keys = ("file_sha256", "report_id", "file_name", "archive_path", "action", "user_name", "acted_at")
    return {row[0]: dict(zip(keys, row)) for row in rows if row[4] == "deleted"}


def mark_restored(conn, deletion: dict, user: str) -> None:
    row = {**deletion, "action": "restored", "reason": None, "user_name": user, "acted_at": dt.datetime.now()}
    with transaction(conn):
        _insert(conn, "deleted_reports", as_columns("deleted_reports", [row]))


def archived(conn) -> list[tuple[str, str, str, str]]:
    """(report_id, file_name, sha256, archive_path) of every file, for --reparse (a workbook
    holding a report per sheet once, by its first report)."""
    return conn.execute(
        "select min(report_id), any_value(file_name), file_sha256, any_value(archive_path) from reports "
        "group by file_sha256 order by min(ingested_at)"
    ).fetchall()
