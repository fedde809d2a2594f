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


PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@lru_cache(maxsize=None)
def parameters(name: str) -> frozenset[str]:
    """The $names a query binds (comments included: a parameter named there is harmless)."""
    return frozenset(PARAMETER.findall(sql(name)))


def run(conn, name: str, **params) -> pl.DataFrame:
    """The named query's rows as a polars frame. Callers may pass more parameters than the
    query uses (the page's filters, the thresholds): each query binds only its own."""
    wanted = parameters(name)
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"query {name} needs {sorted(missing)}")
    return conn.sql(sql(name), params={k: params[k] for k in wanted} or None).pl()


def prepare(conn) -> None:
    """Temp views and macros the page queries use (queries/setup.sql), once per connection."""
    conn.execute((QUERY_DIR / "setup.sql").read_text(encoding="utf-8"))
