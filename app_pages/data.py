"""Reading the store from pages: short read-only connections, results cached by parameters.

DuckDB lets one process write a store or many read it, never both. A page run opens the
store only when a query misses the cache, and app.py closes it when the run ends, so a
command-line ingest waits milliseconds, not minutes. Results are cached by (query,
parameters, store version): the version is the store files' modification times, so what
an ingest writes shows on the next run. With JIXIAO_STATE_URL set, what auditors write
lives in PostgreSQL (ingest/state.py): its change marker joins the version, and each
connection is shown the shared tables.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Callable, TypeVar

import polars as pl
import streamlit as st

import queries
from ingest import audit, config, parquet, state, store
from app_pages import timings
from app_pages.i18n import lang, t

_local = threading.local()
T = TypeVar("T")
# This server's writes, one at a time (a page's write and its audit entry); and the store's
# state after an audit entry it wrote -> the state before (version).
_writing = threading.RLock()
_same_as: dict[str, str] = {}


class StoreUnavailable(Exception):
    """The store is missing, busy for too long, or unreadable; the message is for the page."""


def store_path() -> Path:
    return store.store_path()


def has_store() -> bool:
    return store_path().exists()


def read_only() -> bool:
    """A Parquet export (ingest --export-parquet) is read, never written: no uploads, and no
    reviews unless they go to PostgreSQL (reviews_read_only)."""
    return parquet.is_parquet_store(store_path())


def reviews_read_only() -> bool:
    """Whether verdicts cannot be recorded: on an export, unless JIXIAO_STATE_URL sends them
    to the PostgreSQL database the servers share."""
    return read_only() and not state.configured()


def read_only_notice() -> str:
    """What an export refuses, in plain words: uploads, and reviews unless they are shared."""
    return t("store.read_only_shared" if state.configured() else "store.read_only", path=store_path())


def state_problem(exc: state.StateUnavailable) -> str:
    """Why the shared reviews cannot be read or saved, in the page's language, with the
    driver's first line (or, for a URL that is not one, state.py's words) for whoever keeps
    the server."""
    detail = str(exc.__cause__ or exc).strip().splitlines()
    return t("state.unreachable", where=exc.where) + (f" ({detail[0]})" if detail else "")


def state_snapshot() -> state.Snapshot | None:
    """This page run's view of the shared state (JIXIAO_STATE_URL), read once a run: one
    query when nothing changed; None when the state stays in the store."""
    if not state.configured():
        return None
    snapshot = getattr(_local, "state", None)
    if snapshot is None:
        try:
            snapshot = state.shared().snapshot()
        except state.StateUnavailable as exc:
            raise StoreUnavailable(state_problem(exc)) from exc
        _local.state = snapshot
    return snapshot


def version() -> str:
    """Changes whenever the store's files do (main file and write-ahead log; an export's
    manifest, written last), and with the shared state's change marker, so a review made on
    another server shows on this one's next run. An audit-log entry this server wrote
    (record) changes no result the pages cache: the files' state after it counts as the one
    before, so a sign-in or an export does not make every session read the store again, nor
    drop the files built before it. The queries that read the log run uncached (fresh)."""
    raw = _raw_version()
    return _same_as.get(raw, raw)


def _raw_version() -> str:
    path = store_path()
    parts = []
    files = (path / parquet.MANIFEST,) if path.is_dir() else (path, path.with_name(path.name + ".wal"))
    for candidate in files:
        try:
            stat = candidate.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
        except FileNotFoundError:
            parts.append("-")
    snapshot = state_snapshot()
    if snapshot is not None:
        parts.append(snapshot.marker)
    return f"{path}|{'|'.join(parts)}"


def store_problem(exc: store.StoreError) -> str:
    """Why the store cannot be used, in the page's language. A StoreError's words are the
    command line's Chinese; the English page names the store and gives the database's own
    message (the error's cause) instead."""
    if isinstance(exc, store.StoreBusy):
        return t("store.busy")
    if lang() == "zh":
        return str(exc)
    cause = str(exc.__cause__ or "").strip().splitlines()
    return t("store.unusable", path=store_path()) + (f" ({cause[0]})" if cause else "")


def connection():
    """This page run's read-only connection, opened on first use."""
    conn = getattr(_local, "conn", None)
    if conn is not None:
        return conn
    if not has_store():
        raise StoreUnavailable(t("store.missing"))
    snapshot = state_snapshot()        # before the store is opened: an unreachable server holds no lock
    notice = st.empty()
    if read_only():
        # An export is loaded into memory on the server's first visit (seconds at 100 000
        # reports), then shared by every page run.
        notice.caption(t("store.loading_export"))
    try:
        conn = store.connect(store_path(), read_only=True, wait_seconds=20,
                             on_wait=lambda _: notice.info(t("store.waiting")))
    except store.StoreBusy as exc:
        raise StoreUnavailable(t("store.busy")) from exc
    except store.StoreError as exc:
        raise StoreUnavailable(t("store.error", error=store_problem(exc))) from exc
    finally:
        notice.empty()
    if snapshot is not None:
        state.attach(conn, snapshot)
    queries.prepare(conn)
    _local.conn = conn
    return conn


def close() -> None:
    """End of the page run: let writers in; the next run asks the shared state again."""
    _local.state = None
    conn = getattr(_local, "conn", None)
    if conn is not None:
        _local.conn = None
        conn.close()


@st.cache_data(max_entries=1024, show_spinner=False)
def _cached(name: str, params: str, store_version: str) -> pl.DataFrame:
    # One page run's queries share one connection and, mostly, one set of filters: the scope
    # is built once for them (queries.build_scope).
    timings.count("query_misses")
    with timings.phase("connect"):
        conn = connection()
    return queries.run(conn, name, reuse_scope=True, **json.loads(params))


def run(name: str, **params) -> pl.DataFrame:
    """A named query's rows for the current store, from the cache when nothing changed. The
    thresholds of jixiao.toml (full marks, signal levels) are bound to every query that names
    them, so no page can leave one out; a page's own value wins."""
    timings.count("queries")
    with timings.phase("queries"):
        wanted = queries.parameters(name)
        given = {**config.signal_params(config.load()), **params}
        bound = {key: value for key, value in given.items() if key in wanted}
        return _cached(name, json.dumps(bound, ensure_ascii=False, sort_keys=True, default=str), version())


def write(work: Callable[[object], T]) -> T:
    """Run `work(conn)` on a writable store, kept short: what auditors write (reviews,
    re-scores, rectifications, users, the audit log). With JIXIAO_STATE_URL set that goes to
    PostgreSQL, the store is not opened and `conn` is None."""
    close()
    with _writing:
        return _write(work)


def _write(work: Callable[[object], T]) -> T:
    if state.configured():
        try:
            return work(None)
        except state.StateUnavailable as exc:
            raise StoreUnavailable(state_problem(exc)) from exc
    try:
        conn = store.open_store(store_path(), wait_seconds=20)
    except store.StoreBusy as exc:
        raise StoreUnavailable(t("store.busy")) from exc
    except store.StoreError as exc:
        raise StoreUnavailable(t("store.error", error=store_problem(exc))) from exc
    try:
        return work(conn)
    finally:
        conn.close()


def record(user: str | None, action: str, target: str | None = None, params: dict | None = None) -> None:
    """An audit-log entry for what this session did (ingest/audit.py). A Parquet export with
    no shared PostgreSQL can hold none: there nothing is written, as nothing else is."""
    if reviews_read_only():
        return
    with _writing:
        before = version()
        write(lambda conn: audit.record(conn, user, action, target, params))
        _same_as[_raw_version()] = before


def fresh(name: str, **params) -> pl.DataFrame:
    """A named query run now, not from the cache: the audit log's readers (see version)."""
    wanted = queries.parameters(name)
    return queries.run(connection(), name, reuse_scope=True,
                       **{key: value for key, value in params.items() if key in wanted})


def write_reviews(items: list[dict], reviewer: str) -> int:
    """Record triage verdicts and their audit entry."""
    def work(conn) -> int:
        written = store.add_reviews(conn, items, reviewer)
        audit.record(conn, reviewer, "review", None, {
            "anomalies": [[item["report_id"], item["rule"], item.get("subject") or ""] for item in items],
            "status": sorted({item["status"] for item in items})})
        return written

    return write(work)
