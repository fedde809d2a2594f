"""Every page in a real browser: no exception, its charts and tables there, filters in the URL."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import settle

PAGES = ["/", "/budget", "/scores", "/anomalies", "/report", "/ingest", "/export"]
SHOTS = Path(__file__).parents[2] / "data" / "screenshots"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_without_an_exception(page, served, path):
    url, _ = served
    page.goto(url + path)
    settle(page)
    assert page.query_selector_all('[data-testid="stException"]') == []
    assert page.query_selector('h1, h2') is not None
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path.strip('/') or 'overview'}.png"), full_page=True)


def test_overview_has_its_chart_and_tables(page, served):
    url, _ = served
    page.goto(url + "/")
    settle(page)
    assert page.query_selector('[data-testid="stPlotlyChart"] .js-plotly-plot') is not None
    assert len(page.query_selector_all('[data-testid="stDataFrame"]')) >= 1
    assert page.get_by_text("需要关注的报告").count() == 1


def test_a_filter_round_trips_through_the_url(page, served):
    url, db = served
    import duckdb

    conn = duckdb.connect(str(db), read_only=True)
    year, count = conn.execute("select fiscal_year, count(*) from reports where parse_status <> 'failed' "
                               "group by 1 order by 2 desc, 1 limit 1").fetchall()[0]
    conn.close()
    page.goto(f"{url}/?year={year}")
    settle(page)
    metric = page.locator('[data-testid="stMetric"]').first
    assert metric.inner_text().split()[-1] == f"{count:,}"
    page.get_by_text("预算执行", exact=True).first.click()        # another page keeps the filter
    page.wait_for_url(re.compile(r"/budget(\?|$)"))
    settle(page)
    assert f"year={year}" in page.url
    page.goto(page.url.replace("/budget", "/"))                  # a copied link reopens the same view
    settle(page)
    assert page.locator('[data-testid="stMetric"]').first.inner_text().split()[-1] == f"{count:,}"


def test_english_switch(page, served):
    url, _ = served
    page.goto(f"{url}/?lang=en")
    settle(page)
    assert page.get_by_role("heading", name="Overview").count() >= 1
