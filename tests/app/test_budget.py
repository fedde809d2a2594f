"""预算执行: planned vs actual by category, over/under by category, year and area, the
drill-down to budget lines, unmapped labels; filtered by the URL, in both languages.

Expected values are computed here from the raw budget_lines rows, not with the page's SQL."""
from __future__ import annotations

import json
import shutil
from collections import defaultdict

import duckdb
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

import queries
from app_pages.filters import Filters
from tests.app.conftest import APP

LINE_SQL = """
    select l.report_id, l.line_no, l.category, l.category_code, l.planned, l.actual, l.origin,
           r.fiscal_year, r.province, r.region, r.file_name
    from budget_lines l join reports r using (report_id)
    where r.parse_status <> 'failed' {where}
"""


def _lines(db, where: str = "", args: list | None = None) -> list[dict]:
    conn = duckdb.connect(str(db), read_only=True)
    cursor = conn.execute(LINE_SQL.format(where=where), args or [])
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    conn.close()
    return rows


def _measures(lines: list[dict]) -> dict[str, float]:
    """Planned, actual, over/under plan and unplanned, as the page defines them (SPEC §1:
    a blank actual on a planned line is nothing spent; no plan means unplanned)."""
    out = {"planned": 0.0, "actual": 0.0, "over_under": 0.0, "overspent": 0.0, "underspent": 0.0, "unplanned": 0.0,
           "unplanned_table": 0.0, "unplanned_text": 0.0}
    for line in lines:
        out["planned"] += line["planned"] or 0
        out["actual"] += line["actual"] or 0
        if line["planned"] and line["planned"] > 0:
            difference = (line["actual"] or 0) - line["planned"]
            out["over_under"] += difference
            out["overspent" if difference > 0 else "underspent"] += difference
        elif (line["actual"] or 0) > 0:
            out["unplanned"] += line["actual"]
            out["unplanned_text" if line["origin"] == "text" else "unplanned_table"] += line["actual"]
    return out


def _busiest(db, column: str):
    conn = duckdb.connect(str(db), read_only=True)
    value = conn.execute(f"select r.{column} from budget_lines l join reports r using (report_id) "
                         f"where r.parse_status <> 'failed' and r.{column} is not null "
                         f"group by 1 order by count(*) desc, 1 limit 1").fetchall()[0][0]
    conn.close()
    return value


def _chart(app: AppTest, key: str) -> dict:
    chart = next(c for c in app.get("plotly_chart") if c.proto.id.endswith(key))
    return json.loads(chart.proto.spec)


def _numbers(values) -> list[float]:
    """A trace's x or y: plain list, or plotly's typed array {dtype, bdata}."""
    if isinstance(values, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values)


def _lines_table(app: AppTest):
    """The drill-down table (the one that links to reports), or None."""
    return next((d.value for d in app.dataframe if "link" in d.value.columns), None)


def _money(value: float) -> str:
    return f"{value:,.2f}"


def test_year_from_the_url_sets_every_figure(open_page, page_store):
    year = _busiest(page_store, "fiscal_year")
    lines = _lines(page_store, "and r.fiscal_year = ?", [year])
    app = open_page("budget.py", year=str(year))
    assert not app.exception
    assert app.header[0].value == "预算执行"
    assert app.multiselect(key="f_years").value == [year]

    want = _measures(lines)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["计划支出（万元）"] == _money(want["planned"])
    assert metrics["实际支出（万元）"] == _money(want["actual"])
    assert metrics["超支(+)/结余(−)（万元）"] == _money(want["over_under"])
    assert metrics["无计划支出（万元）"] == _money(want["unplanned"])

    # Grouped bars: one pair per category, standard names, the category's sums.
    by_category = defaultdict(list)
    for line in lines:
        by_category[line["category"]].append(line)
    planned, actual = _chart(app, "budget_by_category_chart")["data"]
    assert sorted(planned["x"]) == sorted(by_category)
    for name, planned_sum, actual_sum in zip(planned["x"], _numbers(planned["y"]), _numbers(actual["y"])):
        expected = _measures(by_category[name])
        assert (planned_sum or 0, actual_sum or 0) == pytest.approx((expected["planned"], expected["actual"]))

    # Diverging bars by category: over (+), under (−), unplanned from tables and from the
    # narrative alone, the net as a marker.
    traces = _chart(app, "budget_variance_chart")["data"]
    assert [trace["name"] for trace in traces] == [
        "超支", "结余", "无计划支出（表格）", "无计划支出（仅正文提及）", "净差额"]
    for name, values in zip(traces[0]["y"], zip(*(_numbers(trace["x"]) for trace in traces))):
        expected = _measures(by_category[name])
        assert values == pytest.approx(tuple(expected[key] for key in (
            "overspent", "underspent", "unplanned_table", "unplanned_text", "over_under")))

    # By year: the filter leaves one year.
    over, under, unplanned, unplanned_text, net = _chart(app, "budget_by_year_chart")["data"]
    assert over["x"] == [str(year)]
    assert _numbers(net["y"]) == pytest.approx([want["over_under"]])
    assert _numbers(unplanned["y"]) == pytest.approx([want["unplanned_table"]])
    assert _numbers(unplanned_text["y"]) == pytest.approx([want["unplanned_text"]])


def test_by_area_by_province_and_by_region(open_page, page_store):
    lines = _lines(page_store)
    app = open_page("budget.py")
    assert not app.exception
    by_province = defaultdict(list)
    for line in lines:
        by_province[line["province"] or "（未知）"].append(line)
    over, under, unplanned, unplanned_text, net = _chart(app, "budget_by_area_chart")["data"]
    assert len(over["y"]) == min(25, len(by_province))
    for name, value in zip(over["y"], _numbers(net["x"])):
        assert value == pytest.approx(_measures(by_province[name])["over_under"])

    app.segmented_control(key="budget_area_level").set_value("region").run()
    assert not app.exception
    by_region = defaultdict(list)
    for line in lines:
        by_region[line["region"] or "（未知）"].append(line)
    over, under, unplanned, unplanned_text, net = _chart(app, "budget_by_area_chart")["data"]
    assert set(over["y"]) <= set(by_region)
    for name, value in zip(over["y"], _numbers(unplanned_text["x"])):
        assert value == pytest.approx(_measures(by_region[name])["unplanned_text"])
    table = app.dataframe[0].value      # the expander's table lists every region
    assert len(table) == len(by_region)


def test_choosing_a_category_lists_its_lines_with_report_links(open_page, page_store):
    province = _busiest(page_store, "province")
    lines = _lines(page_store, "and r.province = ?", [province])
    category = max({line["category"] for line in lines}, key=lambda c: sum(x["category"] == c for x in lines))
    app = open_page("budget.py", province=province)
    assert not app.exception
    assert _lines_table(app) is None            # nothing chosen yet

    app.selectbox(key="budget_category").set_value(category).run()
    assert not app.exception
    table = _lines_table(app)
    expected = sorted((x["report_id"], x["line_no"]) for x in lines if x["category"] == category)
    assert sorted(zip(table["report_id"], table["line_no"])) == expected
    for row in table.itertuples():
        line = next(x for x in lines if (x["report_id"], x["line_no"]) == (row.report_id, row.line_no))
        assert row.file_name == line["file_name"]
        assert row.origin == {"table": "表格", "text": "正文"}[line["origin"]]
        assert row.link.startswith(f"/report?id={row.report_id}&") and "province=" in row.link
    assert f"共 {len(expected)} 行" in " ".join(c.value for c in app.caption)


def test_clicking_a_bar_chooses_its_category(open_page, page_store):
    app = open_page("budget.py")
    spec = _chart(app, "budget_by_category_chart")
    category = spec["data"][1]["customdata"][0]
    chart = next(c for c in app.get("plotly_chart") if c.proto.id.endswith("budget_by_category_chart"))
    states = app._tree.get_widget_states()      # what the browser sends when a bar is clicked
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps({"selection": {
        "points": [{"curve_number": 1, "point_index": 0, "point_number": 0, "x": spec["data"][1]["x"][0],
                    "customdata": category}],
        "point_indices": [0], "box": [], "lasso": []}})))
    app._run(widget_state=states)
    assert not app.exception
    assert app.selectbox(key="budget_category").value == category
    table = _lines_table(app)
    assert len(table) == sum(1 for x in _lines(page_store) if x["category"] == category)

    # The selectbox can still change the choice while the bar stays selected.
    other = next(key for key in app.selectbox(key="budget_category").options if key != category)
    app.selectbox(key="budget_category").select_index(
        app.selectbox(key="budget_category").options.index(other)).run()
    assert not app.exception
    assert app.selectbox(key="budget_category").value != category


def test_english_uses_the_english_category_names(open_page, page_store):
    conn = duckdb.connect(str(page_store), read_only=True)
    names = dict(conn.execute("select code, name_en from economic_categories").fetchall())
    codes = {c: code for c, code in conn.execute(
        "select distinct category, category_code from budget_lines").fetchall()}
    conn.close()
    app = open_page("budget.py", lang="en")
    assert not app.exception
    assert app.header[0].value == "Budget vs actual"
    assert "Planned (10k yuan)" in [m.label for m in app.metric]
    planned = _chart(app, "budget_by_category_chart")["data"][0]
    assert planned["name"] == "Planned (10k yuan)"
    assert [names[codes[key]] for key in planned["customdata"]] == planned["x"]
    box = app.selectbox(key="budget_category")
    assert box.label == "Economic category"
    box.set_value(planned["customdata"][0]).run()
    assert not app.exception
    assert {"Table", "Narrative"} >= set(_lines_table(app)["origin"])


def test_labels_without_a_code_are_listed(page_store, tmp_path, monkeypatch):
    store = tmp_path / "unmapped.duckdb"
    shutil.copy(page_store, store)
    conn = duckdb.connect(str(store))
    report_id, year = conn.execute("select report_id, fiscal_year from reports where parse_status = 'ok' "
                                   "and fiscal_year is not null order by report_id limit 1").fetchall()[0]
    # A label the classification does not know: category is the label itself, no code.
    conn.execute("insert into budget_lines values (?, 99, '宣传品制作', null, '宣传品制作', 2.0, 3.5, 'table')",
                 [report_id])
    conn.close()
    monkeypatch.setenv("JIXIAO_DB", str(store))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["year"] = str(year)
    app.run()
    app.switch_page("app_pages/budget.py").run()
    assert not app.exception
    table = app.dataframe[-1].value
    file_name = duckdb.connect(str(store), read_only=True).execute(
        "select file_name from reports where report_id = ?", [report_id]).fetchall()[0][0]
    assert table.to_dict("records") == [
        {"category_raw": "宣传品制作", "lines": 1, "reports": 1, "planned": 2.0, "actual": 3.5,
         "example_file": file_name}]
    # The raw label is a category of its own on the charts and in the drill-down.
    assert "宣传品制作" in _chart(app, "budget_by_category_chart")["data"][0]["x"]

    fresh = AppTest.from_file(APP, default_timeout=60)
    fresh.query_params["year"] = str(year + 100)
    fresh.run()
    fresh.switch_page("app_pages/budget.py").run()
    assert not fresh.exception
    assert "筛选范围内的报告没有预算明细行。" in [i.value for i in fresh.info]


def test_budget_queries_agree_with_the_lines(page_store):
    conn = duckdb.connect(str(page_store), read_only=True)
    queries.prepare(conn)
    params = Filters().params()
    lines = _lines(page_store)
    by_year = queries.run(conn, "budget_by_year", **params)
    for row in by_year.iter_rows(named=True):
        want = _measures([x for x in lines if x["fiscal_year"] == row["fiscal_year"]])
        assert (row["planned"], row["actual"], row["over_under"] or 0, row["unplanned"]) == pytest.approx(
            (want["planned"], want["actual"], want["over_under"], want["unplanned"]))
    total = queries.run(conn, "budget_by_category", **params).row(0, named=True)
    assert total["is_total"] and total["lines"] == len(lines)
    category = lines[0]["category"]
    limited = queries.run(conn, "budget_category_lines", category=category, limit=2, **params)
    assert limited.height == min(2, limited["line_total"][0])
    assert limited["line_total"][0] == sum(1 for x in lines if x["category"] == category)
    conn.close()
