"""What a user does with the mouse, in Chromium: switching language with filters chosen,
clicking a year on a chart, dropping a filter by its chip."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import duckdb

from tests.e2e.conftest import click_bar, settle


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _metric(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_switching_language_keeps_rule_and_status_filters(page, served):
    url, db = served
    conn = duckdb.connect(str(db), read_only=True)
    rule = conn.execute("select rule from anomalies where rule <> 'MISSING_FIELDS' "
                        "group by 1 order by count(*) desc, 1 limit 1").fetchall()[0][0]
    conn.close()
    page.goto(f"{url}/anomalies?rule={rule}&status=open")
    settle(page)
    before = _metric(page, "异常")
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.wait_for_url(re.compile(r"lang=en"))
    settle(page)
    assert _query(page)["rule"] == [rule]                   # the code, never "RULE 名称"
    assert _query(page)["status"] == ["open"]
    assert _metric(page, "Anomalies") == before
    page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
    page.wait_for_url(lambda u: "lang=en" not in u)
    settle(page)
    assert _query(page)["rule"] == [rule] and _query(page)["status"] == ["open"]
    assert _metric(page, "异常") == before


def test_a_year_clicked_on_the_trend_filters_and_its_chip_undoes_it(page, served):
    url, db = served
    conn = duckdb.connect(str(db), read_only=True)
    first_year, in_year, everything = conn.execute(
        "select min(fiscal_year), count(*) filter (fiscal_year = (select min(fiscal_year) from reports "
        "where parse_status <> 'failed')), count(*) from reports where parse_status <> 'failed'").fetchall()[0]
    conn.close()
    page.goto(url + "/")
    settle(page)
    assert _metric(page, "报告") == f"{everything:,}"
    trend = page.locator(".js-plotly-plot").first
    click_bar(page, trend.locator(".barlayer .trace").first.locator(".point path").first)   # the first year's budget
    page.wait_for_url(re.compile(rf"year={first_year}"))
    settle(page)
    assert _metric(page, "报告") == f"{in_year:,}"
    chip = page.locator(f".st-key-filter_chips .st-key-chip_years_{first_year}")
    assert chip.count() == 1 and f"年度：{first_year}" in chip.inner_text()
    chip.locator("button").first.click()
    page.wait_for_url(lambda u: "year=" not in u)
    settle(page)
    assert _metric(page, "报告") == f"{everything:,}"
    assert page.locator('.st-key-filter_chips').count() == 0
