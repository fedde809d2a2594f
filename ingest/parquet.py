"""The store as a Parquet dataset: for a province's many bureaus, past one machine.

`export` writes every table of a store under one folder, the report tables partitioned by
fiscal year and province (Hive style: reports/fiscal_year=2023/province=…/part-….parquet),
so a bureau's or a year's share is a folder to copy, and exports of several bureaus merge
by copying their folders into one: file names are unique, no writer ever holds a lock.
`connect` loads such a folder into memory, read-only, with the store's own table names and
column types, so the dashboard and the named queries read it unchanged (and any Parquet
tool reads the files).

A folder is a Parquet store when it holds MANIFEST; the export writes it last, into a
staging folder renamed into place when whole, so a reader never sees half an export.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import uuid
from pathlib import Path
from typing import Callable

import duckdb

from ingest import PARSER_VERSION
from ingest.schema import numbered_tables, table_schemas

MANIFEST = "jixiao-parquet.json"
FIRST_DIGITS_FROM = 9       # the schema version from which an export carries reports.first_digits
PARTITION_BY = ("fiscal_year", "province")
# Tables keyed by report_id follow their report's partition; the rest are written whole.
BY_REPORT = ("reports", "report_texts", "funding_sources", "budget_lines", "indicators", "mentions",
             "provenance", "report_signatures", "anomalies")


class ParquetError(Exception):
    """An export that cannot be written or a folder that cannot be read as a store."""


def is_parquet_store(path: str | Path) -> bool:
    path = Path(path)
    return path.is_dir() and (path / MANIFEST).is_file()


def export(conn: duckdb.DuckDBPyConnection, target: Path, schema_version: int,
           on_table: Callable[[str, int], None] | None = None) -> dict:
    """Write every table of the store open on `conn` under `target` (replacing an earlier
    export there); return the manifest. `on_table(name, rows)` follows the progress."""
    target = Path(target).resolve()
    if target.exists() and not is_parquet_store(target) and any(target.iterdir()):
        raise ParquetError(f"目标文件夹 {target} 不是空文件夹，也不是 Jixiao 的 Parquet 导出：为免覆盖其他文件，请换一个文件夹")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    staging.mkdir()
    try:
        tables = {}
        for table in sorted(table_schemas()):
            if table in BY_REPORT:
                relation = conn.sql(f"select t.*, r.fiscal_year, r.province from {table} t "
                                    "left join reports r using (report_id)") if table != "reports" \
                    else conn.sql("select * from reports")
            else:
                relation = conn.sql(f"select * from {table}")
            rows = relation.aggregate("count(*)").fetchall()[0][0]
            if rows:
                folder = staging / table
                folder.mkdir()
                if table in BY_REPORT:
                    relation.write_parquet(str(folder), partition_by=list(PARTITION_BY),
                                           filename_pattern="part-{uuid}")
                else:
                    relation.write_parquet(str(folder / f"part-{uuid.uuid4()}.parquet"))
            tables[table] = {"rows": rows, "partitioned": table in BY_REPORT}
            if on_table:
                on_table(table, rows)
        manifest = {
            "format": "jixiao-parquet", "schema_version": schema_version, "parser_version": PARSER_VERSION,
            "exported_at": dt.datetime.now().isoformat(timespec="seconds"),
            "partition_by": list(PARTITION_BY), "tables": tables,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap(staging, target)
        return manifest
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, target: Path) -> None:
    """Put the finished export in place of the old one (if any)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def manifest(folder: Path) -> dict:
    try:
        found = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ParquetError(f"无法读取 Parquet 导出 {folder} 的说明文件 {MANIFEST}：{exc}") from exc
    if found.get("format") != "jixiao-parquet" or not isinstance(found.get("tables"), dict):
        raise ParquetError(f"{folder} 的 {MANIFEST} 不是 Jixiao 的 Parquet 导出说明")
    return found


_loaded: dict[str, tuple[int, duckdb.DuckDBPyConnection]] = {}
_lock = threading.Lock()


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    """A cursor on the export loaded into memory, once per process and per export (the
    manifest's time). Queries then run at in-memory speed: read straight from the files, each
    would open every partition of its tables (some 1 700 files at 10 000 reports, 0.3 s a
    query). There is no lock to hold: any number of dashboards may read one export."""
    folder = Path(folder).resolve()
    try:
        stamp = (folder / MANIFEST).stat().st_mtime_ns
    except OSError as exc:
        raise ParquetError(f"无法读取 Parquet 导出 {folder}：{exc}") from exc
    with _lock:
        cached = _loaded.get(str(folder))
        if cached is None or cached[0] != stamp:
            if cached is not None:
                cached[1].close()
            _loaded[str(folder)] = (stamp, _load(folder))
        return _loaded[str(folder)][1].cursor()


def _load(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory database holding the export's tables, typed as in the store. Every file
    under a table's folder is read, so merged exports load as one."""
    found = manifest(folder)
    try:
        version = int(found["schema_version"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ParquetError(f"{folder} 的 {MANIFEST} 没有写明数据库结构版本") from exc
    conn = duckdb.connect(":memory:")
    try:
        conn.sql(f"select {version} as version, null::timestamp as applied_at").create("schema_version")
        for table, columns in table_schemas().items():
            # Names and types come from our own migrations, never from the files.
            files = sorted((folder / table).rglob("*.parquet")) if (folder / table).is_dir() else []
            if files:
                relation = conn.read_parquet([str(f) for f in files], hive_partitioning=True, union_by_name=True)
                # A column an older export lacks is null (report_no and first_digits are
                # derived below).
                typed = ", ".join(f"cast({column if column in relation.columns else 'null'} as {kind}) as {column}"
                                  for column, kind in columns.items())
                relation.project(typed).create(table)
            else:
                empty = ", ".join(f"cast(null as {kind}) as {column}" for column, kind in columns.items())
                conn.sql(f"select {empty} limit 0").create(table)
        _number_reports(conn)
        if version < FIRST_DIGITS_FROM:
            from queries import sql     # here, not on import: parsing workers import this module

            conn.execute(sql("store/first_digits"), {"report_ids": None})     # as store.count_first_digits
    except duckdb.Error as exc:
        conn.close()
        raise ParquetError(f"无法读取 Parquet 导出 {folder}：{str(exc).splitlines()[0]}") from exc
    return conn


def _number_reports(conn) -> None:
    """report_no afresh for the loaded reports and their rows (numbered_tables): a store's
    numbers are its own, and the exports of two bureaus merged by copying folders share them."""
    conn.execute("create temp table numbered as "
                 "select report_id, cast(dense_rank() over (order by report_id) as integer) as report_no from reports")
    for table in numbered_tables():         # names from our own migrations
        conn.execute(f"update {table} t set report_no = n.report_no from numbered n where n.report_id = t.report_id")
    conn.execute("drop table numbered")
