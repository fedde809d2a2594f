"""What an auditor reads first is on screen at 1366 px: the overview's reports needing
attention show their link, risk counts, project and unit; the anomaly list its link,
severity, rule, unit, project, year, message and review status. Tables are drawn on a
canvas, so the columns' widths come from the page (AppTest) and the table's width on screen
from Chromium."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from tests.e2e.conftest import VIEWPORT, settle

NAMED_WIDTHS = {"small": 75, "medium": 200, "large": 400}       # Streamlit's column widths by name
TICK_BOX = 40                                                   # a selectable table's first column


def _width_through(table, last: str) -> int:
    """Pixels the table's columns take, from the first to `last` (its column order)."""
    config = json.loads(table.proto.columns)
    order = list(table.proto.column_order)
    widths = [config[name]["width"] for name in order[:order.index(last) + 1]]
    assert all(widths), "every column up to the last one read needs a width"
    return sum(NAMED_WIDTHS.get(w, w) for w in widths) + (TICK_BOX if table.proto.selection_mode else 0)


@pytest.mark.parametrize("path, page_file, first_columns, last", [
    ("/", "overview.py", ["link", "high", "medium", "project_name", "implementing_unit"], "implementing_unit"),
    ("/anomalies", "anomalies.py", ["link", "severity_label", "rule_name", "implementing_unit", "project_name",
                                    "fiscal_year", "message_shown", "status_label"], "status_label"),
])
def test_what_matters_is_on_screen_at_1366(page, served, monkeypatch, path, page_file, first_columns, last):
    url, db = served
    monkeypatch.setenv("JIXIAO_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=60).run()
    if page_file != "overview.py":
        app.switch_page(f"app_pages/{page_file}").run()
    table = app.dataframe[0]
    assert list(table.proto.column_order)[:len(first_columns)] == first_columns
    needed = _width_through(table, last)

    page.goto(url + path)
    settle(page)
    box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"]
    assert needed <= box["width"], f"{needed} px of columns to read in a table {box['width']:.0f} px wide"
