"""Past one server: two dashboards (streamlit run app.py) over one Parquet export and one
PostgreSQL (JIXIAO_STATE_URL). A review made in the browser on the first shows on the
second."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from throwaway_postgres import throwaway_postgres

from ingest import state, store
from ingest.pipeline import ingest
from samples import write_samples
from tests.e2e.conftest import serve, settle

ROW = 35            # st.dataframe's row height (px), its header's too


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two-servers")
    write_samples(folder / "samples", 12, 5)
    ingest([folder / "samples"], folder / "province.duckdb", workers=1)
    export = folder / "export"
    store.export_parquet(folder / "province.duckdb", export)
    with throwaway_postgres() as url, pytest.MonkeyPatch.context() as environment:
        environment.setenv(state.STATE_URL_VARIABLE, url)       # serve() hands os.environ on
        with ThreadPoolExecutor(2) as starting:
            servers = list(starting.map(lambda _: serve(export), range(2)))
        try:
            yield url, [address for _, address in servers]
        finally:
            for process, _ in servers:
                process.terminate()
            for process, _ in servers:
                process.wait(timeout=20)


def _metric(page, label: str) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_a_review_made_on_one_server_shows_on_the_other(page, two_servers):
    url, (first, second) = two_servers
    page.goto(f"{second}/anomalies")
    settle(page)
    assert _metric(page, "已确认") == "0"
    open_before = int(_metric(page, "待审核"))

    page.goto(f"{first}/anomalies")
    settle(page)
    table = page.locator(".st-key-anomaly_table")
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + ROW + ROW / 2)          # the first row's tick box
    page.get_by_text("审核所选的 1 条异常").wait_for(timeout=30_000)
    settle(page)
    page.get_by_label("审核意见").fill("两台服务器共用的复核结论")
    page.get_by_label("审核人").fill("审计员甲")
    page.get_by_label("审核人").press("Enter")
    settle(page)
    page.get_by_role("button", name="确认异常").click()
    page.get_by_text("已记录 1 条审核结论：已确认。").wait_for(timeout=30_000)
    settle(page)
    assert _metric(page, "已确认") == "1"

    with psycopg.connect(url) as conn:
        assert conn.execute("select status, comment, reviewer from reviews").fetchall() == [
            ("confirmed", "两台服务器共用的复核结论", "审计员甲")]

    # The second server had this page cached before the review: the change marker makes it read again.
    page.goto(f"{second}/anomalies")
    settle(page)
    assert _metric(page, "已确认") == "1"
    assert int(_metric(page, "待审核")) == open_before - 1
