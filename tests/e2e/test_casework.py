"""Issue 15 end to end, in Chromium: an admin added on the command line signs in, loads the
samples, re-scores three indicators of a report beside their evidence, builds and downloads
both working papers (read back), confirms a finding, opens a rectification for it and closes
it, and finds every step in the audit log, downloaded from /admin."""
from __future__ import annotations

import csv
import io
import json

import docx
import pytest
from conftest import fetch
from python_calamine import CalamineWorkbook
from tests.e2e.conftest import serve, settle

from ingest.__main__ import main as ingest_main

PASSWORD = "审计-2026-春"
ROW_PIXELS, TICK_BOX_PIXELS = 35, 40        # Streamlit's table rows, as bench/sessions.py clicks them


@pytest.fixture
def admin_server(tmp_path, monkeypatch):
    db = tmp_path / "data" / "jixiao.duckdb"
    db.parent.mkdir()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert ingest_main(["--add-user", "Wang", "--role", "admin", "--display-name", "王处长", "--password-stdin",
                        "--db", str(db)]) == 0
    process, url = serve(db)
    yield url, db
    process.terminate()
    process.wait(timeout=20)


def open_signed_in(page, url: str) -> None:
    """Open `url`; a new browser session signs in first."""
    page.goto(url)
    settle(page)
    if page.locator(".st-key-sign_in_name").count():
        page.locator(".st-key-sign_in_name input").fill("wang")
        page.locator(".st-key-sign_in_password input").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        # Signed in once the form is gone; then the run that draws the page (and the sidebar's
        # badge) is waited for. settle alone could catch the run before, heading and all.
        page.locator(".st-key-sign_in_name").wait_for(state="detached", timeout=30_000)
        settle(page)
    assert not page.locator('[data-testid="stException"]').count()


def enter(page, locator, value: str) -> None:
    locator.fill(value)
    locator.press("Enter")
    page.wait_for_timeout(200)
    settle(page)


def choose(page, key: str, option: str) -> None:
    """Pick `option` in the selectbox of widget `key`."""
    page.locator(f".st-key-{key} [data-testid='stSelectbox']").click()
    page.keyboard.type(option)
    page.locator('[role="option"]').filter(has_text=option).first.wait_for()
    page.keyboard.press("Enter")
    page.wait_for_timeout(200)
    settle(page)


def download(page, key: str) -> bytes:
    page.locator(f".st-key-export_{key}_prepare button").filter(visible=True).first.click()
    page.wait_for_timeout(300)
    settle(page, timeout=120)
    with page.expect_download() as info:
        page.locator(f".st-key-export_{key} button").filter(visible=True).first.click()
    return open(info.value.path(), "rb").read()


def tick_first_row(page, table) -> None:
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + TICK_BOX_PIXELS / 2, box["y"] + ROW_PIXELS * 1.5)
    page.wait_for_timeout(300)
    settle(page)


def test_sign_in_samples_rescore_papers_rectification_and_the_audit_log(page, admin_server):
    url, db = admin_server
    open_signed_in(page, url)
    page.locator('[data-testid="stSidebar"]').get_by_text("王处长").first.wait_for(timeout=30_000)
    assert "王处长" in page.locator('[data-testid="stSidebar"]').inner_text()
    page.locator(".st-key-load_samples button").click()
    page.wait_for_timeout(500)
    settle(page, timeout=300)
    assert fetch(db, "select count(*) from reports")[0][0] == 60

    # 复核: three indicators of a report with a scored indicator table.
    report_id, = fetch(db, "select report_id from indicators where score is not null and weight >= 3 "
                           "group by report_id having count(*) >= 3 order by report_id limit 1")[0]
    lines = fetch(db, "select line_no, name, weight, score from indicators where report_id = ? and score is not null "
                      "and weight >= 3 order by line_no limit 3", [report_id])
    open_signed_in(page, f"{url}/rescore?id={report_id}")
    for line_no, _name, weight, score in lines:
        key = f"rescore_{report_id}_{line_no}"
        enter(page, page.locator(f".st-key-{key}_score input"), f"{min(score, weight) - 1:.2f}")
        choose(page, f"{key}_criterion", "目标设定过低")
        enter(page, page.locator(f".st-key-{key}_reason input"), f"复核第{line_no}项：目标低于上年实际")
    page.locator(".st-key-rescore_save button").click()
    page.wait_for_timeout(300)
    settle(page)
    saved = fetch(db, "select line_no, score, criterion, reason, reviewer from rescores order by line_no")
    assert saved == [(line_no, min(score, weight) - 1, "目标设定过低", f"复核第{line_no}项：目标低于上年实际", "wang")
                     for line_no, _name, weight, score in lines]

    # Both working papers, downloaded and read back.
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(download(page, "rescore_xlsx")))
    cells = [str(cell) for row in workbook.get_sheet_by_index(0).to_python() for cell in row]
    for line_no, name, weight, score in lines:
        assert name in cells and f"复核第{line_no}项：目标低于上年实际" in cells
    opinion = docx.Document(io.BytesIO(download(page, "rescore_docx")))
    written = "\n".join([p.text for p in opinion.paragraphs] +
                        [cell.text for table in opinion.tables for row in table.rows for cell in row.cells])
    assert all(name in written for _line, name, _w, _s in lines) and "目标设定过低" in written

    # A finding confirmed, a rectification opened for it and closed.
    open_signed_in(page, f"{url}/anomalies")
    tick_first_row(page, page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first)
    page.locator(".st-key-anomaly_comment textarea").fill("问题属实")
    page.locator(".st-key-anomaly_confirm button").click()
    page.wait_for_timeout(300)
    settle(page)
    assert fetch(db, "select status, reviewer from reviews") == [("confirmed", "wang")]
    open_signed_in(page, f"{url}/rectification")
    page.locator(".st-key-rect_finding [data-testid='stSelectbox']").click()
    page.locator('[role="option"]').first.wait_for()
    page.keyboard.press("Enter")
    page.locator(".st-key-rect_requirement textarea").fill("收回资金并调整预算")
    page.locator(".st-key-rect_owner input").fill("财务科")
    page.get_by_role("button", name="开立整改").click()
    page.wait_for_timeout(300)
    settle(page)
    tick_first_row(page, page.locator(".st-key-rect_table [data-testid='stDataFrame']"))
    choose(page, "rect_status", "已完成")
    page.locator(".st-key-rect_note input").fill("已整改到位")
    page.get_by_role("button", name="记录").click()
    page.wait_for_timeout(300)
    settle(page)
    assert fetch(db, "select status, changed_by from rectifications order by changed_at") == [
        ("open", "wang"), ("done", "wang")]

    # Every step in the audit log, as /admin exports it.
    open_signed_in(page, f"{url}/admin")
    page.get_by_role("tab", name="审计日志").click()
    settle(page)
    log = list(csv.DictReader(io.StringIO(download(page, "audit_csv").decode("utf-8-sig"))))
    steps = [(row["user_name"], row["action"]) for row in reversed(log)]
    for step in (("wang", "sign_in"), ("wang", "upload"), ("wang", "rescore"), ("wang", "export"),
                 ("wang", "review"), ("wang", "rectification")):
        assert step in steps, step
    exports = [json.loads(row["params"])["what"] for row in log if row["action"] == "export"]
    assert {"rescore_xlsx", "rescore_docx"} <= set(exports)
    changes = [json.loads(row["params"])["change"] for row in log if row["action"] == "rectification"]
    assert sorted(changes) == ["closed", "opened"]
    assert fetch(db, "select user_name, action from audit_log where seq = 1") == [("cli:" + _login(), "user")]


def _login() -> str:
    import getpass

    return getpass.getuser()
