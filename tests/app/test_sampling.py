"""/sampling as a lead drives it: a stratified draw made twice with one seed gives the same
reports, saved with its parameters, drawn again from them the same, exported, assigned to
a reviewer; the report page says a report was drawn; each step is in the audit log."""
from __future__ import annotations

import math

from conftest import fetch
from streamlit.testing.v1 import AppTest
from tests.app.conftest import APP
from tests.app.test_casework import add, signed_in

from ingest import sampling


def drawn_ids(app) -> list[str]:
    table = next(frame.value for frame in app.dataframe if "draw_order" in frame.value.columns)
    return list(table["report_id"])


def draw(app, size: int, seed: int) -> list[str]:
    app.radio(key="sampling_method").set_value("stratified")
    app.run()
    app.multiselect(key="sampling_strata").set_value(["score_band"])
    app.number_input(key="sampling_size").set_value(size)
    app.number_input(key="sampling_seed").set_value(seed)
    app.button(key="sampling_draw").click().run()
    assert not app.exception
    return drawn_ids(app)


def test_a_stratified_draw_repeats_with_its_seed_is_saved_assigned_and_shown(own_store):
    add(own_store, "lead1", "lead", "李组长")
    add(own_store, "zhang", "auditor", "张审计")
    app = signed_in("lead1", page="sampling.py")
    population = fetch(own_store, "select count(*) from reports where parse_status <> 'failed'")[0][0]
    assert any(f"{population:,}" in caption.value for caption in app.caption)
    first = draw(app, 12, 20261206)
    second = draw(app, 12, 20261206)
    assert first == second and len(first) == 12 and len(set(first)) == 12
    other = draw(app, 12, 7)
    assert other != first
    # Every score band of the population is represented (12 ≥ the number of bands).
    bands = {sampling.score_band(score) for (score,) in fetch(
        own_store, "select self_score from reports where parse_status <> 'failed'")}
    assert len(bands) <= 12
    first = draw(app, 12, 20261206)
    drawn_bands = {sampling.score_band(score) for (score,) in fetch(
        own_store, "select self_score from reports where report_id in (select unnest(?))", [first])}
    assert drawn_bands == bands
    app.text_input(key="sampling_name").input("2026年第一批抽查")
    app.button(key="sampling_save").click().run()
    assert not app.exception
    saved = fetch(own_store, "select draw_id, name, method, size, seed, strata, population, drawn_by from sample_draws")
    draw_id = saved[0][0]
    assert saved[0][1:] == ("2026年第一批抽查", "stratified", 12, 20261206, "score_band", population, "lead1")
    assert [row[0] for row in fetch(own_store, "select report_id from sample_members order by draw_order")] == first
    # Drawn again from what was saved: the same reports, in the same order.
    app.button(key="sampling_redraw").click().run()
    assert "重新抽取得到完全相同的报告，顺序也相同。" in [success.value for success in app.success]
    # Two reports assigned to the auditor.
    app.multiselect(key="sampling_assign_reports").set_value([1, 2])
    app.selectbox(key="sampling_assign_to").set_value("zhang")
    app.button(key="FormSubmitter:sampling_assign-分配").click().run()
    assert not app.exception
    assert fetch(own_store, "select report_id, assigned_to, assigned_by from sample_assignments order by report_id") == \
        sorted([(first[0], "zhang", "lead1"), (first[1], "zhang", "lead1")])
    assert fetch(own_store, "select action, target from audit_log where action in ('sample', 'assign') order by seq") == [
        ("sample", draw_id), ("assign", draw_id)]
    # The report page says the report was drawn.
    app.switch_page("app_pages/report.py")
    app.query_params["id"] = first[0]
    app.run()
    assert any("2026年第一批抽查" in caption.value for caption in app.caption)


def test_an_auditor_draws_but_only_a_lead_saves(own_store):
    add(own_store, "zhang", "auditor")
    app = signed_in("zhang", page="sampling.py")
    app.button(key="sampling_draw").click().run()
    assert drawn_ids(app) and "只有组长或管理员可以保存抽样并分配。" in [caption.value for caption in app.caption]
    assert not [button for button in app.button if button.key == "sampling_save"]


def test_monetary_unit_sampling_always_draws_a_budget_larger_than_its_interval(own_store):
    """Reports larger than total / size are certain to be drawn, whatever the seed."""
    total, largest, largest_id = fetch(own_store, """
        select sum(b), max(b), arg_max(report_id, b) from (
            select report_id, coalesce(budget_adjusted, budget_planned) as b from reports
            where parse_status <> 'failed' and coalesce(budget_adjusted, budget_planned) > 0)""")[0]
    size = math.ceil(total / largest) + 1
    app = AppTest.from_file(APP, default_timeout=60)        # no users: the page is open
    app.run()
    app.switch_page("app_pages/sampling.py").run()
    app.radio(key="sampling_method").set_value("mus")
    app.number_input(key="sampling_size").set_value(size)
    for seed in (1, 2, 3):
        app.number_input(key="sampling_seed").set_value(seed)
        app.button(key="sampling_draw").click().run()
        assert largest_id in drawn_ids(app)
