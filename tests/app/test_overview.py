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
    # Whole 万元 in the tile (it fits at 1366 px), the exact figure in its help.
    assert metrics["支出合计（万元）"] == f"{spent:,.0f}"
    tile = next(m for m in app.metric if m.label == "支出合计（万元）")
    assert f"{spent:,.2f}" in tile.help
    assert [s.value for s in app.subheader] == ["按年度趋势", "需要关注的报告", "导入情况"]
    assert len(app.get("plotly_chart")) == 1


def test_open_anomalies_are_counted_alike_on_the_overview_and_the_anomalies_page(open_page, page_store):
    """One definition of 待审核: every rule's anomalies (MISSING_FIELDS included) not yet
    reviewed; the sidebar's rule filter narrows both alike."""
    conn = duckdb.connect(str(page_store), read_only=True)
    # Open: no review yet, or the latest one reopened it (other tests review in this store).
    open_rows = """
        select a.rule from anomalies a join reports r using (report_id)
        left join (select report_id, rule, subject, arg_max(status, reviewed_at) as status
                   from reviews group by all) l
               on l.report_id = a.report_id and l.rule = a.rule and l.subject = coalesce(a.subject, '')
        where r.parse_status <> 'failed' and coalesce(l.status, 'open') = 'open'"""
    everything = conn.execute(f"select count(*) from ({open_rows})").fetchall()[0][0]
    missing = conn.execute(f"select count(*) from ({open_rows}) where rule = 'MISSING_FIELDS'").fetchall()[0][0]
    rule, of_rule = conn.execute(f"select rule, count(*) from ({open_rows}) where rule <> 'MISSING_FIELDS' "
                                 "group by 1 order by 2 desc, 1 limit 1").fetchall()[0]
    conn.close()
    assert missing > 0                 # the store holds the rule the two pages once counted apart
    for query, want in (({}, everything), ({"rule": rule}, of_rule)):
        overview = open_page(**query)
        anomalies = open_page("anomalies.py", **query)
        tile = next(m for m in overview.metric if m.label == "待审核异常")
        listed = next(m for m in anomalies.metric if m.label == "待审核")
        assert tile.value == listed.value == f"{want:,}", query
        assert "含字段缺失" in tile.help and "含字段缺失" in listed.help


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
