"""The store's tables and their columns, read from the migrations themselves.

The store (store.py), its Parquet export (parquet.py) and the parsing workers (rows laid
out as columns, rows.py) all need the same column lists; they take them from here, so no
two of them import each other for it. The migrations are applied to an in-memory DuckDB
once per process to read them.
"""
from __future__ import annotations

import functools
from pathlib import Path

import duckdb

MIGRATIONS = Path(__file__).parent / "migrations"


@functools.cache
def table_schemas() -> dict[str, dict[str, str]]:
    """Every table's columns and their DuckDB types, read from the migrations themselves
    (applied to an in-memory database once per process), so rows can be laid out as
    columns in a worker process without opening the store."""
    conn = duckdb.connect(":memory:")
    try:
        for script in sorted(MIGRATIONS.glob("*.sql")):
            conn.execute(script.read_text(encoding="utf-8"))
        schemas: dict[str, dict[str, str]] = {}
        for table, column, kind in conn.execute(
                "select table_name, column_name, data_type from information_schema.columns "
                "order by table_name, ordinal_position").fetchall():
            schemas.setdefault(table, {})[column] = kind
        return schemas
    finally:
        conn.close()


@functools.cache
def numbered_tables() -> tuple[str, ...]:
    """The tables carrying report_no, the report's integer key in one store (migration 008):
    reports first."""
    tables = [table for table, columns in table_schemas().items() if "report_no" in columns]
    return tuple(sorted(tables, key=lambda table: table != "reports"))


Columns = dict[str, list]          # column name -> values, one per row


def as_columns(table: str, rows: list[dict]) -> Columns:
    """Rows (dicts) laid out as the table's columns; keys the table lacks are dropped."""
    return {column: [row.get(column) for row in rows] for column in table_schemas()[table]}

