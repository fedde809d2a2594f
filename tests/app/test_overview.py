"""总览: headline figures, trend, attention list and ingest health, filtered by the URL."""
from __future__ import annotations

import duckdb


def test_overview_shows_the_store_in_figures(open_page, page_store):
    app = open_page()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    conn = duckdb.connect(str(page_store), read_only=True)
    reports = conn.execute("select count(*) from reports where parse_status <> 'failed'").fetchall()[0][0]
    spent = conn.execute("select sum(spent) from reports where parse_status <> 'failed'").fetchall()[0][0]
    conn.close()
    assert metrics["报告"] == f"{reports:,}"
    assert metrics["支出合计（万元）"] == f"{spent:,.2f}"
    assert [s.value for s in app.subheader] == ["按年度趋势", "需要关注的报告", "导入情况"]
    assert len(app.get("plotly_chart")) == 1


def test_filters_from_the_url_narrow_every_figure(open_page, page_store):
    conn = duckdb.connect(str(page_store), read_only=True)
    year, count = conn.execute("select fiscal_year, count(*) from reports where parse_status <> 'failed' "
                               "group by 1 order by 2 desc limit 1").fetchall()[0]
    conn.close()
    app = open_page(year=str(year))
    assert not app.exception
    assert app.multiselect(key="f_years").value == [year]
    assert {m.label: m.value for m in app.metric}["报告"] == f"{count:,}"
    assert app.query_params["year"] in (str(year), [str(year)])


def test_english_by_the_switch(open_page):
    app = open_page(lang="en")
    assert not app.exception
    assert app.header[0].value == "Overview"
    assert "Reports" in [m.label for m in app.metric]


def test_an_empty_store_offers_the_samples(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    monkeypatch.setenv("JIXIAO_DB", str(tmp_path / "empty.duckdb"))
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception
    app.button(key="load_samples").click().run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["报告"] == "60"
