"""Named, parameterised SQL: one query per file, file name = query name.

Values are bound (`$name` in the SQL, keyword arguments here), never pasted into the text.
Pages and tests call the same queries.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import polars as pl

QUERY_DIR = Path(__file__).parent


NAME = re.compile(r"[a-z0-9_]+(?:/[a-z0-9_]+)?")


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    if not NAME.fullmatch(name):
        raise ValueError(f"not a query name: {name!r}")
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run(conn, name: str, **params) -> pl.DataFrame:
    """The named query's rows as a polars frame; `params` bound to its $names."""
    return conn.sql(sql(name), params=params or None).pl()
