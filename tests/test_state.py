"""What auditors write, shared through PostgreSQL (ingest/state.py), on a throwaway server:
tables with the store's columns, writes read back typed as the store's, an unchanged state
not fetched again, a change by another server (or by hand) seen; the dashboard over an
export recording reviews there; an unreachable server said in plain words; the ingest and
--rules-only not touching it."""
from __future__ import annotations

import datetime as dt
import io
import itertools
import socket
import zipfile

import duckdb
import polars as pl
import psycopg
import pytest
from conftest import ROOT, fetch
from streamlit.testing.v1 import AppTest
from throwaway_postgres import throwaway_postgres

import queries
from ingest import state, store
from ingest.__main__ import main as ingest_main
from ingest.pipeline import ingest
from ingest.schema import table_schemas
from samples import write_samples

APP = str(ROOT / "app.py")
_databases = itertools.count(1)


@pytest.fixture(scope="module")
def server():
    with throwaway_postgres() as url:
        yield url


@pytest.fixture
def state_url(server):
    """A database of its own on the throwaway server, for one test."""
    name = f"state_{next(_databases)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("create database {}").format(psycopg.sql.Identifier(name)))
    return server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="module")
def small_export(tmp_path_factory):
    """The Parquet export of a dozen generated reports with their anomalies."""
    folder = tmp_path_factory.mktemp("state-store")
    write_samples(folder / "samples", 12, 5)
    ingest([folder / "samples"], folder / "small.duckdb", workers=1)
    store.export_parquet(folder / "small.duckdb", folder / "export")
    return folder / "export"


@pytest.fixture
def unreachable():
    """A URL where no server listens: a port bound here and never listened on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"postgresql://postgres@127.0.0.1:{sock.getsockname()[1]}/postgres"


def review(report_id: str, status: str = "confirmed", **extra) -> dict:
    return {"report_id": report_id, "rule": "OVERSPEND_LINE", "subject": "办公费", "status": status,
            "comment": "已核实", "reviewer": "审计员甲", "reviewed_at": dt.datetime(2024, 5, 6, 7, 8, 9, 123456),
            **extra}


def pg_rows(url: str, sql: str, params: list | None = None) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def test_state_tables_have_the_stores_columns_and_types(state_url):
    state.SharedState(state_url).snapshot()
    for table in state.STATE_TABLES:
        found = pg_rows(state_url, "select column_name, data_type from information_schema.columns "
                                   "where table_name = %s order by ordinal_position", [table])
        assert found == [(name, {"VARCHAR": "text", "TIMESTAMP": "timestamp without time zone", "BOOLEAN": "boolean", "INTEGER": "integer",
                              "BIGINT": "bigint", "DOUBLE": "double precision", "DATE": "date"}[kind])
                         for name, kind in table_schemas()[table].items()]


def test_rows_written_read_back_as_written_and_typed_as_the_store(state_url):
    shared = state.SharedState(state_url)
    assert shared.append("reviews", [review("r1"), review("r2", "dismissed", comment=None)]) == 2
    snapshot = shared.snapshot()
    rows = sorted(snapshot.tables["reviews"].to_pylist(), key=lambda row: row["report_id"])
    assert rows == [review("r1"), review("r2", "dismissed", comment=None)]

    # Attached to a store, `reviews` is the store's own verdicts and then the shared ones,
    # and the queries' view of the latest verdict reads through it.
    conn = duckdb.connect(":memory:")
    store.migrate(conn)
    conn.execute("insert into reviews values ('r1', 'OVERSPEND_LINE', '办公费', 'open', null, '乙', "
                 "timestamp '2024-01-01 00:00:00')")
    conn.execute("insert into anomalies (report_id, rule, severity, subject, message) values "
                 "('r1', 'OVERSPEND_LINE', 'high', '办公费', 'm'), ('r3', 'OVERSPEND_LINE', 'high', '办公费', 'm')")
    state.attach(conn, snapshot)
    queries.prepare(conn)
    assert conn.execute("select report_id, status, reviewer from reviews order by reviewed_at").fetchall() == [
        ("r1", "open", "乙"), ("r1", "confirmed", "审计员甲"), ("r2", "dismissed", "审计员甲")]
    shown, own = (conn.execute(f"select column_name, column_type from (describe {name})").fetchall()
                  for name in ("reviews", "memory.main.reviews"))
    assert shown == own
    assert conn.execute("select report_id, status from anomaly_status order by 1").fetchall() == [
        ("r1", "confirmed"), ("r3", "open")]


def test_an_unchanged_state_is_not_fetched_again(state_url, monkeypatch):
    shared = state.SharedState(state_url)
    shared.append("reviews", [review("r1")])
    fetched = []
    original = state.SharedState._fetch
    monkeypatch.setattr(state.SharedState, "_fetch",
                        staticmethod(lambda conn, table: fetched.append(table) or original(conn, table)))
    first = shared.snapshot()
    assert fetched == list(state.STATE_TABLES)           # each read once, on first contact
    second = shared.snapshot()
    assert fetched == list(state.STATE_TABLES)           # and not again: nothing changed
    assert second.marker == first.marker and second.tables["reviews"] is first.tables["reviews"]
    shared.append("audit_log", [{"seq": 1, "logged_at": dt.datetime(2026, 12, 6), "user_name": "zhang",
                                 "action": "export", "target": "异常.xlsx", "params": None, "prev_hash": "0",
                                 "hash": "1"}])
    third = shared.snapshot()
    # The log is read again, but the pages' caches keep their key: no cached query reads it.
    assert fetched[-1] == "audit_log" and third.tables["audit_log"].num_rows == 1
    assert third.marker == first.marker


def test_a_change_from_another_server_or_by_hand_is_seen(state_url, monkeypatch):
    here, there = state.SharedState(state_url), state.SharedState(state_url)
    before = here.snapshot()
    assert before.tables["reviews"].num_rows == 0
    fetched = []
    original = state.SharedState._fetch
    monkeypatch.setattr(state.SharedState, "_fetch",
                        staticmethod(lambda conn, table: fetched.append(table) or original(conn, table)))

    there.append("reviews", [review("r9", "dismissed")])
    after = here.snapshot()
    assert after.marker != before.marker and fetched == ["reviews"]
    assert [(row["report_id"], row["status"]) for row in after.tables["reviews"].to_pylist()] == [("r9", "dismissed")]

    # A change made outside Jixiao (psql, a restore) is counted by the trigger all the same.
    with psycopg.connect(state_url) as conn:
        conn.execute("update reviews set comment = %s", ["改过"])
    changed = here.snapshot()
    assert changed.marker != after.marker
    assert changed.tables["reviews"].column("comment").to_pylist() == ["改过"]


def test_a_connection_the_server_dropped_is_opened_again(state_url):
    shared = state.SharedState(state_url)
    shared.snapshot()
    with psycopg.connect(state_url, autocommit=True) as conn:
        conn.execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'jixiao'")
    assert shared.append("reviews", [review("r1")]) == 1
    assert shared.snapshot().tables["reviews"].num_rows == 1


def test_add_reviews_goes_to_postgres_when_the_variable_is_set(state_url, tmp_path, monkeypatch):
    db = tmp_path / "own.duckdb"
    monkeypatch.setenv(state.STATE_URL_VARIABLE, state_url)
    conn = store.open_store(db)
    try:
        written = store.add_reviews(conn, [{"report_id": "r1", "rule": "YEAR_MISMATCH", "subject": None,
                                            "status": "confirmed", "comment": "引用了上年度数据"}], reviewer="审计员乙")
    finally:
        conn.close()
    assert written == 1
    assert fetch(db, "select count(*) from reviews") == [(0,)]
    assert pg_rows(state_url, "select report_id, rule, subject, status, comment, reviewer from reviews") == [
        ("r1", "YEAR_MISMATCH", "", "confirmed", "引用了上年度数据", "审计员乙")]
    with pytest.raises(ValueError):
        store.add_reviews(None, [{"report_id": "r1", "rule": "X", "status": "closed"}], reviewer="乙")
    assert pg_rows(state_url, "select count(*) from reviews") == [(1,)]


def test_an_unreachable_server_or_a_wrong_url_is_said_in_plain_words(unreachable):
    with pytest.raises(state.StateUnavailable) as caught:
        state.SharedState(unreachable).snapshot()
    port = unreachable.rsplit(":", 1)[1].split("/")[0]
    assert str(caught.value).startswith(f"无法使用共享的审核数据库 PostgreSQL（127.0.0.1:{port}/postgres）")
    assert caught.value.where == f"127.0.0.1:{port}/postgres"
    with pytest.raises(state.StateUnavailable):
        state.SharedState(unreachable).append("reviews", [review("r1")])
    with pytest.raises(state.StateUnavailable, match="应是 postgresql:// 开头"):
        state.SharedState("/var/lib/jixiao/state")
    assert state.server_name("postgresql://jixiao:secret@db1:5433/jixiao") == "db1:5433/jixiao"


def test_the_ingest_and_rules_only_never_touch_the_shared_state(unreachable, tmp_path, monkeypatch):
    # With the variable naming a server that is not there, anything that reached for it would fail.
    monkeypatch.setenv(state.STATE_URL_VARIABLE, unreachable)
    write_samples(tmp_path / "samples", 3, 2)
    db = tmp_path / "ingest.duckdb"
    summary = ingest([tmp_path / "samples"], db, workers=1)
    assert (summary.offered, summary.ok) == (3, 3)
    assert ingest_main(["--db", str(db), "--rules-only"]) == 0
    assert fetch(db, "select count(*) from reports") == [(3,)]


def _anomalies_page(monkeypatch, db, url) -> AppTest:
    monkeypatch.setenv("JIXIAO_DB", str(db))
    monkeypatch.setenv(state.STATE_URL_VARIABLE, url)
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("app_pages/anomalies.py").run()
    return app


def test_reviews_on_an_export_go_to_postgres(state_url, small_export, monkeypatch):
    app = _anomalies_page(monkeypatch, small_export, state_url)
    assert not app.exception
    app.session_state["anomaly_table"] = {"selection": {"rows": [0]}}
    app.run()
    assert [i.body for i in app.info if "Parquet" in i.body] == []      # no "read only" notice: triage is offered
    app.text_input(key="anomaly_reviewer").input("审计员甲")
    app.text_area(key="anomaly_comment").input("已核实")
    app.button(key="anomaly_confirm").click().run()
    assert not app.exception
    assert [s.body for s in app.success] == ["已记录 1 条审核结论：已确认。"]
    assert {m.label: m.value for m in app.metric}["已确认"] == "1"
    assert pg_rows(state_url, "select status, comment, reviewer from reviews") == [("confirmed", "已核实", "审计员甲")]

    # The exported anomalies carry the shared verdicts too (codes on: the store's values).
    app.switch_page("app_pages/export.py").run()
    app.toggle(key="export_codes").set_value(True).run()
    app.button(key="export_csv_anomalies_prepare").click().run()
    assert not app.exception
    archive = zipfile.ZipFile(io.BytesIO(app.session_state["export_file_csv_anomalies"]["bytes"]))
    (name,) = [name for name in archive.namelist() if name.endswith(".csv")]
    exported = pl.read_csv(archive.read(name))
    assert exported.filter(exported["status"] == "confirmed")[["comment", "reviewer"]].rows() == [("已核实", "审计员甲")]

    # Uploads stay refused on the export, in words that no longer send reviews elsewhere.
    app.switch_page("app_pages/ingest.py").run()
    assert any("不能上传" in i.body and "PostgreSQL" in i.body for i in app.info)


def test_a_page_says_when_the_shared_state_is_unreachable_and_keeps_the_comment(
        state_url, small_export, unreachable, monkeypatch):
    app = _anomalies_page(monkeypatch, small_export, state_url)
    app.session_state["anomaly_table"] = {"selection": {"rows": [0]}}
    app.run()
    app.text_input(key="anomaly_reviewer").input("审计员甲")
    app.text_area(key="anomaly_comment").input("单位未说明理由")

    monkeypatch.setenv(state.STATE_URL_VARIABLE, unreachable)      # the server goes away
    app.button(key="anomaly_confirm").click().run()
    assert not app.exception
    shown = [w.body for w in app.warning] + [e.body for e in app.error]
    assert any(text.startswith("无法连接保存复核结论的共享数据库（PostgreSQL，127.0.0.1:") for text in shown), shown
    assert pg_rows(state_url, "select count(*) from reviews") == [(0,)]

    # Back again: the form shows what was typed, and it is saved with one click.
    monkeypatch.setenv(state.STATE_URL_VARIABLE, state_url)
    app.session_state["anomaly_table"] = {"selection": {"rows": [0]}}
    app.run()
    assert [e.body for e in app.error][0].startswith("审核结论未能保存：无法连接保存复核结论的共享数据库")
    assert app.text_area(key="anomaly_comment").value == "单位未说明理由"
    assert app.text_input(key="anomaly_reviewer").value == "审计员甲"
    app.button(key="anomaly_confirm").click().run()
    assert [s.body for s in app.success] == ["已记录 1 条审核结论：已确认。"]
    assert pg_rows(state_url, "select status, comment, reviewer from reviews") == [
        ("confirmed", "单位未说明理由", "审计员甲")]
