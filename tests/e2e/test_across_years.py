"""Issue 16 end to end, in Chromium, on the sample generator's multi-year panel: from a
finding to the unit's profile and its peers; a stratified sample drawn twice with one seed
gives the same reports; and a province's rule set changes a grade verdict on the report
page."""
from __future__ import annotations

import pytest
from conftest import ROOT, fetch
from tests.e2e.conftest import settle
from tests.e2e.test_casework import enter, tick_first_row
from truth import load_truths, read_truth

from bench.serving import free_port, start_streamlit
from ingest.__main__ import main as ingest_main
from samples.panel import OWN_BANDS_PROVINCE, write_panel

SEED = 20261207
# The panel's province given 优 from 85 for the panel's years; every other value national.
OWN_BANDS = f"""
[[rule_sets.province]]
name = "江西省办法（示例）"
province = "{OWN_BANDS_PROVINCE}"
years = [2020, 2023]
grades = {{ "优" = 85 }}
"""


@pytest.fixture
def panel(tmp_path):
    """The panel ingested under the national rules, its truths, and a configuration that gives
    the province its own bands."""
    folder = tmp_path / "panel"
    write_panel(folder)
    db = tmp_path / "data" / "panel.duckdb"
    db.parent.mkdir()
    assert ingest_main([str(folder), "--db", str(db), "--quiet"]) == 0
    own = tmp_path / "own.toml"
    own.write_text((ROOT / "jixiao.toml").read_text(encoding="utf-8") + OWN_BANDS, encoding="utf-8")
    return db, [read_truth(path) for path in load_truths(folder)], own


def served(db, config=None):
    env = {"JIXIAO_DB": str(db), **({"JIXIAO_CONFIG": str(config)} if config else {})}
    port = free_port()
    return start_streamlit(ROOT / "app.py", ROOT, env, db.parent / f"server-{port}.log", port, wait_seconds=60)


def stop(process) -> None:
    process.terminate()
    process.wait(timeout=20)


def open_page(page, url: str) -> None:
    page.goto(url)
    settle(page)
    assert not page.locator('[data-testid="stException"]').count()


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def draw(page, url: str, name: str, saved_before: int) -> None:
    """A stratified sample of 8 by department and score band, seed SEED, saved as `name`.
    Each entry waits for the run it starts (test_casework.enter), and the save is seen in the
    list of saved draws: the notice may be gone by the next run."""
    open_page(page, f"{url}/sampling")
    page.locator(".st-key-sampling_method").get_by_text("分层抽样").click()
    page.wait_for_timeout(200)
    settle(page)
    for key, value in (("sampling_size", "8"), ("sampling_seed", str(SEED))):
        enter(page, page.locator(f".st-key-{key} input"), value)
    page.locator(".st-key-sampling_strata [data-testid='stMultiSelect']").click()
    page.get_by_role("option", name="评分段").click()
    page.keyboard.press("Escape")
    page.wait_for_timeout(200)
    settle(page)
    page.locator(".st-key-sampling_draw button").click()
    page.wait_for_timeout(200)
    settle(page)
    for key, value in (("sampling_name", name), ("sampling_reviewer", "张审计")):
        enter(page, page.locator(f".st-key-{key} input"), value)
    page.locator(".st-key-sampling_save button").click()
    page.get_by_text(f"已保存的抽样（{saved_before + 1}）").wait_for(timeout=30_000)
    settle(page)


def test_a_finding_leads_to_its_units_years_and_peers_a_draw_repeats_and_a_province_regrades(page, panel):
    db, truths, own = panel
    process, url = served(db)
    try:
        # 1. A finding (full marks, budget unspent) on the unit at 100 every year, to its profile.
        steady = [t["report"] for t in truths if t["report"]["self_score"] == 100]
        unit = next(r["implementing_unit"] for r in steady
                    if sum(s["implementing_unit"] == r["implementing_unit"] for s in steady) == 4)
        mine = sorted((r for r in steady if r["implementing_unit"] == unit), key=lambda r: r["fiscal_year"])
        open_page(page, f"{url}/anomalies?rule=FULL_SCORE_PARTIAL_EXECUTION&q={unit}")
        tick_first_row(page, page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first)
        page.get_by_role("link", name=f"单位画像：{unit}").first.click()
        page.wait_for_timeout(300)
        settle(page)
        assert page.url.split("?")[0].endswith("/units") and "unit=" in page.url
        shown = main_text(page)
        assert "单位画像" in shown and "历年概况" in shown and "同级排名" in shown
        # The trend chart's lines: 100 every year, execution falling as the truth files have it.
        score, execution = page.evaluate(
            "() => document.querySelector('.st-key-units_trend .js-plotly-plot').data.map(trace => trace.y)")
        assert score == [100, 100, 100, 100]
        expected = [100 * r["spent"] / (r["budget_adjusted"] or r["budget_planned"]) for r in mine]
        assert execution == pytest.approx(expected, abs=1e-6)
        assert execution == sorted(execution, reverse=True)
        # Its rank among its department's units, year by year, in words.
        for report in mine:
            assert f"{report['fiscal_year']} 年（{report['supervising_dept']}，" in shown
        # ?unit= is the page's own: it sets no unit filter, so no chip for it; ?units= does.
        assert not page.locator("[class*='st-key-chip_units_']").count()
        open_page(page, f"{url}/anomalies?units={unit}")
        assert page.locator("[class*='st-key-chip_units_']").count() == 1

        # 2. One seed, one stratified draw: the same reports in the same order, twice.
        draw(page, url, "第一次", 0)
        draw(page, url, "第二次", 1)
        draws = fetch(db, "select d.name, list(m.report_id order by m.draw_order) from sample_draws d "
                          "join sample_members m using (draw_id) group by d.name order by d.name")
        assert [name for name, _ in draws] == ["第一次", "第二次"]
        assert draws[0][1] == draws[1][1] and len(draws[0][1]) == 8
    finally:
        stop(process)

    # 3. A report of the province, 87-odd points graded 优: a mismatch under the national
    #    bands; under the province's (优 ≥ 85, rules run again), none.
    report = next(t for t in truths if t["report"]["province"] == OWN_BANDS_PROVINCE)
    report_id = fetch(db, "select report_id from reports where file_name = ?", [report["file"]])[0][0]
    process, url = served(db)
    try:
        open_page(page, f"{url}/report?id={report_id}")
        shown = main_text(page)
        assert "评分标准：财预〔2020〕10号（全国通用）" in shown and "等级与得分不符" in shown
        assert "应为“良”" in shown
    finally:
        stop(process)
    assert ingest_main(["--rules-only", "--db", str(db), "--config", str(own), "--quiet"]) == 0
    process, url = served(db, own)
    try:
        open_page(page, f"{url}/report?id={report_id}")
        shown = main_text(page)
        assert f"评分标准：江西省办法（示例）（{OWN_BANDS_PROVINCE} 2020–2023 年度）" in shown
        assert "优 ≥ 85" in shown and "等级与得分不符" not in shown
    finally:
        stop(process)
