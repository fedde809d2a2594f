"""Named, parameterised SQL: one query per file, file name = query name.

Values are bound (`$name` in the SQL, keyword arguments here), never pasted into the text.
Pages and tests call the same queries.

A page query that reads the table `scope` (`from scope`, `join scope`) sees only the reports
the sidebar's filters select: before it runs, `run` builds that temp table from
queries/filters/scope.sql with the filter values bound, and the query's parameters include
the filters' ($years, $provinces … $text).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import polars as pl

QUERY_DIR = Path(__file__).parent
SCOPE = "filters/scope"
SCOPE_FILTERS = "scope_filters"         # temp table: the filter values `scope` was built from

NAME = re.compile(r"[a-z0-9_]+(?:/[a-z0-9_]+)?")
PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
COMMENT = re.compile(r"--[^\n]*")
READS_SCOPE = re.compile(r"\b(?:from|join)\s+scope\b", re.IGNORECASE)


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    if not NAME.fullmatch(name):
        raise ValueError(f"not a query name: {name!r}")
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def reads_scope(name: str) -> bool:
    """Whether the query reads the filtered reports' table `scope` (comments aside)."""
    return name != SCOPE and bool(READS_SCOPE.search(COMMENT.sub("", sql(name))))


@lru_cache(maxsize=None)
def written(name: str) -> frozenset[str]:
    """The $names in the file itself (comments included: a parameter named there is harmless)."""
    return frozenset(PARAMETER.findall(sql(name)))


@lru_cache(maxsize=None)
def parameters(name: str) -> frozenset[str]:
    """The $names a run of the query binds: its own, and the filters' when it reads `scope`."""
    return (written(name) | written(SCOPE)) if reads_scope(name) else written(name)


def run(conn, name: str, reuse_scope: bool = False, **params) -> pl.DataFrame:
    """The named query's rows as a polars frame. Callers may pass more parameters than the
    query uses (the page's filters, the thresholds): each query binds only its own.
    `reuse_scope`: see build_scope."""
    wanted = parameters(name)
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"query {name} needs {sorted(missing)}")
    if reads_scope(name):
        build_scope(conn, {key: params[key] for key in written(SCOPE)}, reuse=reuse_scope)
    return conn.sql(sql(name), params={key: params[key] for key in written(name)} or None).pl()


def build_scope(conn, filters: dict, reuse: bool = False) -> None:
    """The temp table `scope` for these filter values. With `reuse`, a connection whose
    scope was last built from the same values keeps it: a page run asks several queries of
    one set of filters, and at 100k reports each build is a scan of the reports. Only for a
    connection whose reports do not change meanwhile (the dashboard's, read-only, one page
    run long); the filters it was built from sit in the temp table SCOPE_FILTERS."""
    key = json.dumps(filters, sort_keys=True, ensure_ascii=False, default=str)
    if reuse:
        conn.execute(f"create temp table if not exists {SCOPE_FILTERS} (filters varchar)")
        if conn.execute(f"select filters from {SCOPE_FILTERS}").fetchall() == [(key,)]:
            return
    conn.execute(sql(SCOPE), filters)
    if reuse:
        conn.execute(f"delete from {SCOPE_FILTERS}")
        conn.execute(f"insert into {SCOPE_FILTERS} values ($filters)", {"filters": key})


def prepare(conn, config: dict | None = None) -> None:
    """Temp views and macros the queries use (queries/setup.sql), once per connection, and
    the rule sets of `config` (jixiao.toml [rule_sets], the loaded one by default) as the temp
    table rule_sets that report_rule_sets reads."""
    from ingest.config import load, rule_sets      # ingest imports queries, not at import time

    conn.execute(sql("setup"))
    conn.executemany(sql("rules/rule_sets_insert"), [
        {"set_no": one.set_no, "name": one.name, "province": one.province, "first_year": one.first_year,
         "last_year": one.last_year, "you": one.you, "liang": one.liang, "zhong": one.zhong,
         "grade_required": one.grade_required, "execution_weight": one.execution_weight,
         "weight_keys": list(one.weights), "weight_values": list(one.weights.values()),
         "tier_high": one.tier_high, "tier_low": one.tier_low}
        for one in rule_sets(config if config is not None else load())])
