"""The dashboard's surface: bound to this machine, an optional password, uploads limited,
and every filter bound as a parameter (quotes and SQL fragments are just text)."""
from __future__ import annotations

import hashlib
import tomllib

import duckdb
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

PAGES = ["overview.py", "budget.py", "scores.py", "anomalies.py", "report.py", "ingest.py", "export.py"]
HOSTILE = {
    "year": ["2023' OR '1'='1", "1; DROP TABLE reports"],
    "province": ["x' OR '1'='1"],
    "region": ["'); DROP TABLE reports; --"],
    "dept": ['" OR ""="'],
    "unit": ["%' UNION SELECT report_id FROM reports --"],
    "grade": ["优' OR 1=1 --"],
    "rule": ["OVERSPEND_LINE' OR '1'='1"],
    "status": ["open') OR ('1'='1"],
    "score": ["0-100; DELETE FROM reports"],
    "q": ["' OR 1=1; DROP TABLE anomalies; --"],
}


def counts(db) -> tuple:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(conn.execute(f"select count(*) from {table}").fetchall()[0][0]
                     for table in ("reports", "anomalies", "budget_lines", "reviews"))
    finally:
        conn.close()


def test_dashboard_listens_on_this_machine_only_and_limits_uploads():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["server"]["address"] == "127.0.0.1"
    assert settings["server"]["maxUploadSize"] <= 50


@pytest.mark.parametrize("page", PAGES)
def test_sql_fragments_in_every_filter_are_only_text(page_store, monkeypatch, page):
    monkeypatch.setenv("JIXIAO_DB", str(page_store))
    before = counts(page_store)
    app = AppTest.from_file(APP, default_timeout=60)
    for key, values in HOSTILE.items():
        app.query_params[key] = values if len(values) > 1 else values[0]
    app.run()
    if page != "overview.py":
        app.switch_page(f"app_pages/{page}").run()
    assert not app.exception, app.exception
    assert counts(page_store) == before
    if page == "overview.py":
        assert {m.label: m.value for m in app.metric}["报告"] == "0"      # nothing matches such text


def test_free_text_search_with_quotes_finds_nothing_and_breaks_nothing(open_page, page_store):
    before = counts(page_store)
    app = open_page("overview.py", q="'; DROP TABLE reports; --")
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["报告"] == "0"
    assert counts(page_store) == before


def test_a_password_keeps_everything_behind_it(page_store, monkeypatch):
    monkeypatch.setenv("JIXIAO_DB", str(page_store))
    monkeypatch.setenv("JIXIAO_PASSWORD", "审计-2026")
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "请输入密码"
    assert len(app.metric) == 0 and len(app.dataframe) == 0
    app.text_input(key="login_password").input("wrong")
    app.button[0].click().run()
    assert [e.value for e in app.error] == ["密码不正确。"] and len(app.metric) == 0
    app.text_input(key="login_password").input("审计-2026")
    app.button[0].click().run()
    assert not app.exception
    assert "报告" in [m.label for m in app.metric]


def test_the_password_can_be_configured_as_a_digest(monkeypatch):
    from app_pages import login
    from ingest import config

    monkeypatch.delenv("JIXIAO_PASSWORD", raising=False)
    digest = hashlib.sha256("s3cret".encode()).hexdigest()
    monkeypatch.setattr(config, "load", lambda path=None: {"dashboard": {"password_sha256": digest.upper()}})
    assert login.expected_digest() == digest
    monkeypatch.setattr(config, "load", lambda path=None: {"dashboard": {"password_sha256": ""}})
    assert login.expected_digest() is None
