"""The report page in a real browser at 1366 px: the summary card's figures, the value column
beside the text and each value's source marked in the text, all on screen."""
from __future__ import annotations

import json

import duckdb
from conftest import CORPUS

import queries
from app_pages.text_marks import KEY_SOURCES, PICKED_COLOUR
from tests.e2e.conftest import VIEWPORT, settle

ROW = 35            # st.dataframe's row height (px), its header's too


def on_screen(locator) -> dict:
    """The element's box once scrolled to, asserted inside the viewport's width."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"], box
    return box


def css(colour: str) -> str:
    """"rgba(28, 131, 225, 0.28)" as the browser writes it back."""
    return colour.replace(" ", "")


def test_the_card_the_values_and_the_marked_source_are_on_screen_at_1366(page, served):
    url, db = served
    truth = json.loads((CORPUS / "dev-005.truth.json").read_text(encoding="utf-8"))
    conn = duckdb.connect(str(db), read_only=True)
    try:
        report_id, anomalies = conn.execute(
            "select r.report_id, count(a.rule) from reports r left join anomalies a using (report_id) "
            "where r.file_name = ? group by 1", [truth["file"]]).fetchall()[0]
        # The values table's rows, in its order.
        extracted = queries.run(conn, "report_fields", report_id=report_id).filter(extracted=True)["field"].to_list()
    finally:
        conn.close()
    report = truth["report"]
    page.goto(f"{url}/report?id={report_id}")
    settle(page)
    assert page.query_selector_all('[data-testid="stException"]') == []

    # The card, first thing under the title: every figure whole and inside the window.
    card = page.locator(".st-key-report_card")
    on_screen(card)
    figures = {}
    for metric in card.locator('[data-testid="stMetric"]').all():
        on_screen(metric)
        label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        figures[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
    assert figures == {
        "预算（万元）": f"{report['budget_planned']:g}", "到位资金（万元）": f"{report['funds_arrived']:g}",
        "实际支出（万元）": f"{report['spent']:g}", "资金到位率": "100%", "预算执行率": "96%",
        "自评得分": f"{report['self_score']:g}", "自评等级": report["grade"], "解析状态": "完整",
        "异常": str(anomalies)}

    # The values beside the text: the grid shows (and so lays out) the field and value columns.
    values = page.locator(".st-key-report_values")
    on_screen(values)
    headers = [h.inner_text() for h in values.locator('[role="columnheader"]').all()]
    assert headers[:2] == ["字段", "值"]
    assert values.locator('[role="gridcell"]', has_text=f"{report['spent']:g}").count() >= 1

    # The spending's table cell marked in the document pane, in the amounts' colour.
    document = page.locator(".st-key-report_document")
    on_screen(document)
    money, _ = KEY_SOURCES["money"]
    mark = document.locator("span.stMarkdownColoredBackground", has_text=f"{report['spent']:g}").first
    on_screen(mark)
    assert css(money) in mark.get_attribute("style").replace(" ", "")

    # Picking the field marks its source alone, in the picked colour.
    picker = page.locator('[data-testid="stSelectbox"]', has_text="在原文中标出")
    picker.click()
    page.keyboard.type("实际支出")
    page.keyboard.press("Enter")
    page.wait_for_function(
        """colour => [...document.querySelectorAll('.st-key-report_document span.stMarkdownColoredBackground')]
                .some(s => s.getAttribute('style').replace(/ /g, '').includes(colour))""",
        arg=css(PICKED_COLOUR), timeout=30_000)
    settle(page)
    picked = document.locator("span.stMarkdownColoredBackground", has_text=f"{report['spent']:g}").first
    on_screen(picked)
    assert css(PICKED_COLOUR) in picked.get_attribute("style").replace(" ", "")
    assert document.locator("span.stMarkdownColoredBackground", has_text=report["project_name"]).count() == 0

    # Ticking a row of the values does the same for its field.
    values.evaluate("grid => grid.scrollIntoView({block: 'center'})")
    box = on_screen(values)
    assert box["y"] >= 0
    row = extracted.index("project_name")
    page.mouse.click(box["x"] + 16, box["y"] + ROW * (row + 1) + ROW / 2)      # the row's tick box
    page.wait_for_function(
        """([colour, words]) => [...document.querySelectorAll(
                '.st-key-report_document span.stMarkdownColoredBackground')]
            .some(s => s.innerText.includes(words) && s.getAttribute('style').replace(/ /g, '').includes(colour))""",
        arg=[css(PICKED_COLOUR), report["project_name"]], timeout=30_000)
    settle(page)
    marked = document.locator("span.stMarkdownColoredBackground", has_text=report["project_name"]).first
    assert css(PICKED_COLOUR) in marked.get_attribute("style").replace(" ", "")
