"""预算执行 in a real browser: its charts are controls. A year bar (in the second tab) filters
every page (the chip undoes it); a category bar opens that category's lines and scrolls them
into view."""
from __future__ import annotations

import re

from conftest import fetch

from tests.e2e.conftest import VIEWPORT, click_bar, settle

# A bar's point in the figure: plotly keeps the point's index on the bar's group and the
# trace on its layer, so the customdata (year, category) of what was clicked can be read.
CUSTOMDATA = """path => {
    const point = path.parentNode.__data__;
    const trace = path.closest('.trace').__data__[0].trace;
    return trace.customdata[point.i];
}"""
IN_VIEW = """selector => {
    const box = document.querySelector(selector)?.getBoundingClientRect();
    return !!box && box.height > 0 && box.top >= -1 && box.bottom <= window.innerHeight + 1;
}"""


def _click_bar(page, chart: str):
    """Click the tallest bar of a chart at its centre (plotly takes clicks on the plot, above
    the bars, so the mouse goes there rather than to the element); its customdata."""
    paths = page.locator(f"[class*='st-key-{chart}_'] .js-plotly-plot .barlayer .point path")
    paths.first.scroll_into_view_if_needed()
    boxes = [paths.nth(i).bounding_box() for i in range(paths.count())]
    index = max(range(len(boxes)), key=lambda i: boxes[i]["height"] * boxes[i]["width"] if boxes[i] else 0)
    bar = paths.nth(index)
    key = bar.evaluate(CUSTOMDATA)
    click_bar(page, bar)
    return key


def test_a_year_bar_filters_by_that_year_and_its_chip_undoes_it(page, served):
    url, db = served
    page.goto(f"{url}/budget")
    settle(page)
    page.get_by_role("tab", name="按年度与地区").click()      # only the open tab is drawn
    page.locator("[class*='st-key-budget_by_year_chart_'] .js-plotly-plot").wait_for()
    settle(page)
    year = _click_bar(page, "budget_by_year_chart")
    assert year in {row[0] for row in fetch(db, "select fiscal_year from reports")}
    page.wait_for_url(re.compile(rf"/budget\?(.*&)?year={year}(&|$)"))
    settle(page)
    chip = page.locator(".st-key-filter_chips").get_by_role("button", name=f"年度：{year}")
    chip.first.wait_for()
    assert page.query_selector_all('[data-testid="stException"]') == []

    chip.first.click()
    page.wait_for_url(re.compile(r"/budget$"))
    settle(page)
    assert page.locator(".st-key-filter_chips").count() == 0


def test_a_category_bar_opens_its_lines_in_view(page, served):
    url, db = served
    page.goto(f"{url}/budget")
    settle(page)
    table = ".st-key-budget_drill [data-testid='stDataFrame']"
    assert page.locator(table).count() == 0
    category = _click_bar(page, "budget_by_category_chart")
    assert category in {row[0] for row in fetch(db, "select category from budget_lines where planned > 0")}
    page.locator(".st-key-budget_category_chip").get_by_role("button", name=f"经济科目：{category}").first.wait_for()
    page.locator(table).wait_for()
    settle(page)
    page.wait_for_function(IN_VIEW, arg=table, timeout=10_000)
    box = page.locator(table).bounding_box()
    assert box["y"] >= -1 and box["y"] + box["height"] <= VIEWPORT["height"] + 1
    assert page.query_selector_all('[data-testid="stException"]') == []
