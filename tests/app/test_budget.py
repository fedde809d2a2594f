"""预算执行: the headline's figures add up, planned against actual over lines with a plan, money
spent without one apart, over/under by category, year and area, clicks on the charts (year and
area filter the pages, a category opens its lines), the drill-down, unmapped labels; filtered
by the URL, in both languages.

Expected values are computed here from the raw budget_lines rows, not with the page's SQL."""
from __future__ import annotations

import base64
import json
import re
import shutil
from collections import defaultdict
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import duckdb
import numpy as np
import pytest
from conftest import fetch
from streamlit.testing.v1 import AppTest

import queries
from app_pages.filters import Filters
from ingest import config
from tests.app.conftest import APP, chart_named, click_chart, open_tab

LINE_SQL = """
    select l.report_id, l.line_no, l.category, l.category_code, l.planned, l.actual, l.origin,
           r.fiscal_year, r.province, r.region, r.file_name
    from budget_lines l join reports r using (report_id)
    where r.parse_status <> 'failed' {where}
"""
CHARTS = ("budget_by_category_chart", "budget_variance_chart", "budget_unplanned_chart", "budget_by_year_chart",
          "budget_by_area_chart")
# The headline's tiles, by label
PLANNED, ACTUAL, OVER_UNDER, UNPLANNED, TOTAL = "计划（万元）", "实际（万元）", "差额：实际 − 计划", "无计划支出（万元）", "实际合计（万元）"


def _lines(db, where: str = "", args: list | None = None) -> list[dict]:
    conn = duckdb.connect(str(db), read_only=True)
    cursor = conn.execute(LINE_SQL.format(where=where), args or [])
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    conn.close()
    return rows


def _measures(lines: list[dict]) -> dict[str, float]:
    """Over lines with a plan (planned > 0; a blank actual there is nothing spent, SPEC §1):
    their plan, their actual, over and under plan. Money on a line without a plan is
    unplanned, from a table or only from the narrative."""
    out = dict.fromkeys(("planned", "actual", "over_under", "overspent", "underspent", "unplanned",
                         "unplanned_table", "unplanned_text"), 0.0)
    for line in lines:
        if line["planned"] and line["planned"] > 0:
            difference = (line["actual"] or 0) - line["planned"]
            out["planned"] += line["planned"]
            out["actual"] += line["actual"] or 0
            out["over_under"] += difference
            out["overspent" if difference > 0 else "underspent"] += difference
        elif (line["actual"] or 0) > 0:
            out["unplanned"] += line["actual"]
            out["unplanned_text" if line["origin"] == "text" else "unplanned_table"] += line["actual"]
    return out


def _busiest(db, column: str):
    return fetch(db, f"select r.{column} from budget_lines l join reports r using (report_id) "
                     f"where r.parse_status <> 'failed' and r.{column} is not null "
                     f"group by 1 order by count(*) desc, 1 limit 1")[0][0]


def _chart(app: AppTest, name: str) -> dict:
    return json.loads(chart_named(app, name).proto.spec)


def _years_and_areas(app: AppTest) -> AppTest:
    """Open the tab of the charts by year and area (the one by category is open at first)."""
    return open_tab(app, "budget_tab", "按年度与地区")


def _numbers(values) -> list[float]:
    """A trace's x or y: plain list, or plotly's typed array {dtype, bdata}."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return [0.0 if value is None else value for value in values]


def _values(trace: dict, horizontal: bool) -> dict:
    """{row name: value} of one trace."""
    names, values = (trace["y"], trace["x"]) if horizontal else (trace["x"], trace["y"])
    return dict(zip(names, _numbers(values)))


def _click(app: AppTest, name: str, trace: int, index: int) -> None:
    click_chart(app, chart_named(app, name), trace, index)


def _lines_table(app: AppTest):
    """The drill-down table (the one that links to reports), or None."""
    return next((d.value for d in app.dataframe if "link" in d.value.columns), None)


def _cents(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_the_headline_adds_up_and_matches_the_lines(open_page, page_store):
    year = _busiest(page_store, "fiscal_year")
    app = open_page("budget.py", year=str(year))
    assert not app.exception
    assert app.header[0].value == "预算执行"
    assert app.multiselect(key="f_years").value == [year]

    # A direct sum over the year's budget lines, SQL of this test's own.
    planned, actual, table, text, all_actual = fetch(page_store, """
        select sum(l.planned) filter (l.planned > 0),
               sum(coalesce(l.actual, 0)) filter (l.planned > 0),
               coalesce(sum(l.actual) filter (coalesce(l.planned, 0) = 0 and l.actual > 0 and l.origin = 'table'), 0),
               coalesce(sum(l.actual) filter (coalesce(l.planned, 0) = 0 and l.actual > 0 and l.origin = 'text'), 0),
               sum(l.actual)
        from budget_lines l join reports r using (report_id)
        where r.parse_status <> 'failed' and r.fiscal_year = ?""", [year])[0]
    assert table and text, "the year chosen should have unplanned lines of both kinds"
    metrics = {m.label: _cents(m.value) for m in app.metric}
    # Each tile is its sum, to the cent (every part is rounded before it is added)...
    assert float(metrics[PLANNED]) == pytest.approx(planned, abs=0.005)
    assert float(metrics[ACTUAL]) == pytest.approx(actual, abs=0.005)
    assert float(metrics[OVER_UNDER]) == pytest.approx(actual - planned, abs=0.01)
    assert float(metrics[UNPLANNED]) == pytest.approx(table + text, abs=0.01)
    assert float(metrics[TOTAL]) == pytest.approx(all_actual, abs=0.015)     # no negative amounts here
    # ... and the figures on screen add up exactly.
    assert metrics[OVER_UNDER] == metrics[ACTUAL] - metrics[PLANNED]
    assert metrics[TOTAL] == metrics[ACTUAL] + metrics[UNPLANNED]
    split = next(c.value for c in app.caption if c.value.startswith("表格 "))
    shown_table, shown_text = (_cents(x) for x in re.findall(r"[\d,]+\.\d\d", split))
    assert shown_table + shown_text == metrics[UNPLANNED]
    assert float(shown_text) == pytest.approx(text, abs=0.005)
    sentence = next(c.value for c in app.caption if c.value.startswith("实际支出合计"))
    for value in (metrics[TOTAL], metrics[ACTUAL], metrics[UNPLANNED], shown_table, shown_text, metrics[PLANNED]):
        assert f"{value:,.2f}" in sentence


def test_planned_against_actual_keeps_to_lines_with_a_plan(open_page, page_store):
    year = _busiest(page_store, "fiscal_year")
    lines = _lines(page_store, "and r.fiscal_year = ?", [year])
    app = open_page("budget.py", year=str(year))
    assert not app.exception
    by_category = defaultdict(list)
    for line in lines:
        by_category[line["category"]].append(line)
    with_plan = {c for c, rows in by_category.items() if any((x["planned"] or 0) > 0 for x in rows)}

    planned, actual = _chart(app, "budget_by_category_chart")["data"]
    assert [planned["name"], actual["name"]] == [PLANNED, ACTUAL]
    assert set(planned["x"]) == with_plan
    for name, planned_sum, actual_sum in zip(planned["x"], _numbers(planned["y"]), _numbers(actual["y"])):
        want = _measures(by_category[name])
        assert (planned_sum, actual_sum) == pytest.approx((want["planned"], want["actual"]))
    # Narrative-only amounts are in none of its bars: a category that has them shows only
    # its planned lines' actual, and the bars add up to the headline.
    narrated = [c for c in with_plan if _measures(by_category[c])["unplanned_text"] > 0]
    assert narrated
    for name in narrated:
        everything = sum(x["actual"] or 0 for x in by_category[name])
        assert _values(actual, horizontal=False)[name] < everything
    metrics = {m.label: _cents(m.value) for m in app.metric}
    assert sum(_numbers(actual["y"])) == pytest.approx(float(metrics[ACTUAL]), abs=0.01)

    # Money spent without a plan has a chart of its own, by category.
    table_trace, text_trace = _chart(app, "budget_unplanned_chart")["data"]
    assert [table_trace["name"], text_trace["name"]] == ["无计划支出（表格）", "无计划支出（仅正文叙述）"]
    assert text_trace["marker"]["pattern"]["shape"] == "/"         # hatched, never solid
    unplanned = {c for c, rows in by_category.items() if _measures(rows)["unplanned"] > 0}
    assert set(table_trace["y"]) == unplanned
    for name, value in _values(text_trace, horizontal=True).items():
        assert value == pytest.approx(_measures(by_category[name])["unplanned_text"])


def test_variance_charts_add_unplanned_spending_only_when_asked(open_page, page_store):
    lines = _lines(page_store)
    app = open_page("budget.py")
    assert not app.exception
    by_category, by_year = defaultdict(list), defaultdict(list)
    for line in lines:
        by_category[line["category"]].append(line)
        by_year[line["fiscal_year"]].append(line)

    traces = _chart(app, "budget_variance_chart")["data"]
    assert [trace["name"] for trace in traces] == ["超支", "结余", "净差额（实际 − 计划）"]
    for name, values in zip(traces[0]["y"], zip(*(_numbers(trace["x"]) for trace in traces))):
        want = _measures(by_category[name])
        assert want["planned"] > 0
        assert values == pytest.approx(tuple(want[key] for key in ("overspent", "underspent", "over_under")))
    over, under, net = _chart(_years_and_areas(app), "budget_by_year_chart")["data"]
    for year, value in zip(net["customdata"], net["y"]):
        assert (value or 0) == pytest.approx(_measures(by_year[year])["over_under"])

    app.toggle(key="budget_with_unplanned").set_value(True).run()
    assert not app.exception
    over, under, table, text, net = _chart(app, "budget_by_year_chart")["data"]
    for year, value in zip(text["customdata"], _numbers(text["y"])):
        assert value == pytest.approx(_measures(by_year[year])["unplanned_text"])
    open_tab(app, "budget_tab", "按经济分类")
    traces = _chart(app, "budget_variance_chart")["data"]
    assert [trace["name"] for trace in traces] == [
        "超支", "结余", "无计划支出（表格）", "无计划支出（仅正文叙述）", "净差额（实际 − 计划）"]
    assert traces[3]["marker"]["pattern"]["shape"] == "/"
    assert set(traces[0]["y"]) == set(by_category)
    for name, values in zip(traces[0]["y"], zip(*(_numbers(trace["x"]) for trace in traces))):
        want = _measures(by_category[name])
        assert values == pytest.approx(tuple(want[key] for key in (
            "overspent", "underspent", "unplanned_table", "unplanned_text", "over_under")))


def test_by_area_by_province_and_by_region(open_page, page_store):
    lines = _lines(page_store)
    app = _years_and_areas(open_page("budget.py"))
    by_province = defaultdict(list)
    for line in lines:
        by_province[line["province"]].append(line)
    over, under, net = _chart(app, "budget_by_area_chart")["data"]
    with_plan = [p for p, rows in by_province.items() if _measures(rows)["planned"] > 0]
    assert len(over["y"]) == min(25, len(with_plan))
    for key, value in zip(over["customdata"], _numbers(net["x"])):
        assert value == pytest.approx(_measures(by_province[key])["over_under"])

    app.segmented_control(key="budget_area_level").set_value("region").run()
    assert not app.exception
    by_region = defaultdict(list)
    for line in lines:
        by_region[line["region"]].append(line)
    over, under, net = _chart(app, "budget_by_area_chart")["data"]
    assert set(over["customdata"]) <= set(by_region)
    for key, value in zip(over["customdata"], _numbers(under["x"])):
        assert value == pytest.approx(_measures(by_region[key])["underspent"])
    table = app.dataframe[0].value      # the expander's table lists every region
    assert len(table) == len(by_region)
    assert table["unplanned_text"].sum() == pytest.approx(sum(_measures(rows)["unplanned_text"] for rows in by_region.values()))

    open_tab(app, "budget_tab", "按经济分类")           # the tab closed and opened again: still by region
    _years_and_areas(app)
    assert app.segmented_control(key="budget_area_level").value == "region"
    assert set(_chart(app, "budget_by_area_chart")["data"][0]["customdata"]) <= set(by_region)


def test_clickable_traces_carry_their_keys_and_every_chart_exports_png(open_page, page_store):
    app = open_page("budget.py")
    assert not app.exception
    charts = list(app.get("plotly_chart"))
    categories = {row[0] for row in fetch(page_store, "select distinct category from budget_lines")}
    for name in ("budget_by_category_chart", "budget_variance_chart", "budget_unplanned_chart"):
        for trace in _chart(app, name)["data"]:
            assert trace["customdata"] and set(trace["customdata"]) <= categories, (name, trace["name"])
    charts += list(_years_and_areas(app).get("plotly_chart"))
    assert len(charts) == len(CHARTS)                   # three in the first tab, two in the second
    for element in charts:
        config = json.loads(element.proto.config)
        assert config["toImageButtonOptions"]["format"] == "png"
    years = [row[0] for row in fetch(page_store, "select distinct fiscal_year from reports r join budget_lines "
                                                 "using (report_id) where parse_status <> 'failed' order by 1 nulls last")]
    for trace in _chart(app, "budget_by_year_chart")["data"]:
        assert trace["customdata"] == years
        assert trace["x"] == [str(year) if year else "（未知）" for year in years]
    provinces = {row[0] for row in fetch(page_store, "select distinct province from reports")}
    for trace in _chart(app, "budget_by_area_chart")["data"]:
        assert set(trace["customdata"]) <= provinces and len(trace["customdata"]) == len(trace["y"])


def test_clicking_a_year_or_an_area_filters_the_pages(open_page, page_store):
    app = _years_and_areas(open_page("budget.py"))
    spec = _chart(app, "budget_by_year_chart")
    year = spec["data"][1]["customdata"][0]
    _click(app, "budget_by_year_chart", trace=1, index=0)
    assert not app.exception
    assert app.multiselect(key="f_years").value == [year]
    assert app.query_params["year"] in (str(year), [str(year)])
    chip = next(b for b in app.button if b.key.startswith("chip_years_"))
    assert chip.label == f"年度：{year}"
    figures = {m.label: _cents(m.value) for m in app.metric}
    want = _measures(_lines(page_store, "and r.fiscal_year = ?", [year]))
    assert float(figures[PLANNED]) == pytest.approx(want["planned"], abs=0.005)
    assert _chart(app, "budget_by_year_chart")["data"][0]["customdata"] == [year]

    chip.click().run()                  # the chip undoes it
    assert not app.exception
    assert app.multiselect(key="f_years").value == []
    assert "year" not in app.query_params

    province = _chart(app, "budget_by_area_chart")["data"][1]["customdata"][0]
    _click(app, "budget_by_area_chart", trace=1, index=0)
    assert not app.exception
    assert app.multiselect(key="f_provinces").value == [province]
    assert app.query_params["province"] in (province, [province])


def test_clicking_a_category_opens_its_lines_and_a_chip_closes_them(open_page, page_store):
    app = open_page("budget.py")
    assert not app.get("iframe")                    # nothing to scroll to yet
    category = _chart(app, "budget_by_category_chart")["data"][1]["customdata"][0]
    _click(app, "budget_by_category_chart", trace=1, index=0)
    assert not app.exception
    assert app.selectbox(key="budget_category").value == category
    table = _lines_table(app)
    assert len(table) == sum(1 for x in _lines(page_store) if x["category"] == category)
    chip = app.button(key="budget_category_chip")
    assert chip.label == f"经济科目：{category}"
    # The run right after the click brings the drill-down into view, with a script of ours.
    scripts = [frame.proto.srcdoc for frame in app.get("iframe")]
    assert len(scripts) == 1 and ".st-key-budget_drill" in scripts[0] and "scrollIntoView" in scripts[0]
    assert category not in scripts[0]

    # A click on the unplanned chart chooses its category too, and scrolls again.
    other = next(key for key in _chart(app, "budget_unplanned_chart")["data"][1]["customdata"] if key != category)
    index = _chart(app, "budget_unplanned_chart")["data"][1]["customdata"].index(other)
    _click(app, "budget_unplanned_chart", trace=1, index=index)
    assert app.selectbox(key="budget_category").value == other
    assert len(app.get("iframe")) == 1

    app.button(key="budget_category_chip").click().run()
    assert not app.exception
    assert app.selectbox(key="budget_category").value is None
    assert _lines_table(app) is None and not app.get("iframe")

    # The chart was drawn afresh, without the old selection: the same bar chooses again.
    _click(app, "budget_by_category_chart", trace=1, index=0)
    assert app.selectbox(key="budget_category").value == category


def test_choosing_a_category_lists_its_lines_with_their_origin(open_page, page_store):
    province = _busiest(page_store, "province")
    lines = _lines(page_store, "and r.province = ?", [province])
    category = max({line["category"] for line in lines}, key=lambda c: sum(x["category"] == c for x in lines))
    app = open_page("budget.py", province=province)
    assert not app.exception
    assert _lines_table(app) is None            # nothing chosen yet

    app.selectbox(key="budget_category").set_value(category).run()
    assert not app.exception
    assert not app.get("iframe")                # chosen in the box: the page stays where it is
    table = _lines_table(app)
    expected = sorted((x["report_id"], x["line_no"]) for x in lines if x["category"] == category)
    assert sorted(zip(table["report_id"], table["line_no"])) == expected
    origins = set()
    for row in table.itertuples():
        line = next(x for x in lines if (x["report_id"], x["line_no"]) == (row.report_id, row.line_no))
        assert row.file_name == line["file_name"]
        assert row.origin == {"table": "表格", "text": "正文叙述"}[line["origin"]]
        has_plan = bool(line["planned"] and line["planned"] > 0)
        assert row.has_plan == has_plan
        if has_plan:
            assert row.difference == pytest.approx((line["actual"] or 0) - line["planned"])
        else:                                   # no plan, no deviation from one
            assert row.difference is None or row.difference != row.difference
        assert row.link.startswith(f"/report?id={row.report_id}&") and "province=" in row.link
        origins.add((row.origin, has_plan))
    assert len(origins) > 1
    assert f"共 {len(expected)} 行" in " ".join(c.value for c in app.caption)


def test_english_uses_the_english_category_names(open_page, page_store):
    conn = duckdb.connect(str(page_store), read_only=True)
    names = dict(conn.execute("select code, name_en from economic_categories").fetchall())
    codes = {c: code for c, code in conn.execute(
        "select distinct category, category_code from budget_lines").fetchall()}
    conn.close()
    app = open_page("budget.py", lang="en")
    assert not app.exception
    assert app.header[0].value == "Budget vs actual"
    assert {"Planned (10k yuan)", "Actual (10k yuan)", "Unplanned (10k yuan)", "Total (10k yuan)"} <= {
        m.label for m in app.metric}
    planned = _chart(app, "budget_by_category_chart")["data"][0]
    assert planned["name"] == "Planned (10k yuan)"
    assert [names.get(codes[key], key) for key in planned["customdata"]] == planned["x"]
    box = app.selectbox(key="budget_category")
    assert box.label == "Economic category"
    box.set_value(planned["customdata"][0]).run()
    assert not app.exception
    assert {"Table", "Narrative"} >= set(_lines_table(app)["origin"])
    assert app.button(key="budget_category_chip").label.startswith("Category: ")


def test_labels_without_a_code_are_listed(page_store, tmp_path, monkeypatch):
    store = tmp_path / "unmapped.duckdb"
    shutil.copy(page_store, store)
    conn = duckdb.connect(str(store))
    report_id, year = conn.execute("select report_id, fiscal_year from reports where parse_status = 'ok' "
                                   "and fiscal_year is not null order by report_id limit 1").fetchall()[0]
    # A label the classification does not know: category is the label itself, no code.
    conn.execute("insert into budget_lines select ?, 99, '宣传品制作', null, '宣传品制作', 2.0, 3.5, 'table', report_no "
                 "from reports where report_id = ?", [report_id, report_id])
    conn.close()
    monkeypatch.setenv("JIXIAO_DB", str(store))
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["year"] = str(year)
    app.run()
    app.switch_page("app_pages/budget.py").run()
    assert not app.exception
    table = app.dataframe[-1].value
    file_name = fetch(store, "select file_name from reports where report_id = ?", [report_id])[0][0]
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
        assert (row["planned_lines_planned"], row["planned_lines_actual"], row["over_under"] or 0,
                row["unplanned"], row["unplanned_text"]) == pytest.approx(
            (want["planned"], want["actual"], want["over_under"], want["unplanned"], want["unplanned_text"]))
        assert row["planned_lines_actual"] - row["planned_lines_planned"] == pytest.approx(row["over_under"] or 0)
    headline = queries.run(conn, "budget_headline", **params).row(0, named=True)
    want = _measures(lines)
    assert headline["lines"] == len(lines)
    assert headline["planned_lines"] == sum(1 for x in lines if (x["planned"] or 0) > 0)
    assert headline["unplanned_text_lines"] == sum(
        1 for x in lines if not x["planned"] and (x["actual"] or 0) > 0 and x["origin"] == "text")
    assert headline["actual_total"] == pytest.approx(want["actual"] + want["unplanned"], abs=0.015)
    assert headline["not_counted"] == 0
    total = queries.run(conn, "budget_by_category", **params).row(0, named=True)
    assert total["is_total"] and total["lines"] == len(lines)
    category = lines[0]["category"]
    limited = queries.run(conn, "budget_category_lines", category=category, limit=2, **params)
    assert limited.height == min(2, limited["line_total"][0])
    assert limited["line_total"][0] == sum(1 for x in lines if x["category"] == category)
    conn.close()


def test_a_negative_amount_is_named_apart_from_the_headline(page_store, tmp_path):
    """validate flags a negative amount but keeps the line: it is neither planned nor
    unplanned spending, so the headline says it left it out."""
    store = tmp_path / "negative.duckdb"
    shutil.copy(page_store, store)
    conn = duckdb.connect(str(store))
    report_id = conn.execute("select report_id from reports where parse_status = 'ok' order by report_id limit 1").fetchall()[0][0]
    conn.execute("insert into budget_lines select ?, 98, '办公费', '30201', '办公费', null, -4.25, 'table', report_no "
                 "from reports where report_id = ?", [report_id, report_id])
    queries.prepare(conn)
    headline = queries.run(conn, "budget_headline", **Filters().params()).row(0, named=True)
    conn.close()
    assert headline["not_counted"] == -4.25
    assert headline["actual_total"] == pytest.approx(headline["planned_lines_actual"] + headline["unplanned"])


# -- year over year ---------------------------------------------------------------------------

UNIT_SQL = """
    select implementing_unit, fiscal_year, sum(coalesce(budget_adjusted, budget_planned)) as budget, sum(spent) as spent
    from reports
    where parse_status <> 'failed' and implementing_unit is not null and fiscal_year is not null
    group by all
"""


def _moved(amount, before, moves: dict) -> bool:
    """jixiao.toml [year_over_year]: more than the share of the earlier amount, one of the two
    years reaching the minimum."""
    return bool(before and before > 0 and abs(amount - before) > moves["move_share"] * before
                and max(amount, before) >= moves["move_min_amount"])


def _compared(amounts: dict, moves: dict) -> dict:
    """{(key, year): (amounts, the earlier year's, which measures moved)} for each key's years
    after its first, each against the year before it that has figures."""
    out = {}
    for key in {key for key, _ in amounts}:
        years = sorted(year for other, year in amounts if other == key)
        for before, year in zip(years, years[1:]):
            now, then = amounts[(key, year)], amounts[(key, before)]
            out[(key, year)] = (now, before, {name for name in now if _moved(now[name], then[name], moves)})
    return out


def _yoy_tables(app: AppTest):
    categories = next(d.value for d in app.dataframe if "category_name" in d.value.columns)
    units = next((d.value for d in app.dataframe if "unit_link" in d.value.columns), None)
    return categories, units


def test_year_over_year_shows_each_category_and_unit_against_its_previous_year(open_page, page_store):
    moves = config.year_over_year_params(config.load())
    app = open_tab(open_page("budget.py"), "budget_tab", "逐年对比")
    assert "逐年对比（按经济科目）" in [h.value for h in app.subheader]

    # Categories: planned on lines with a plan, actual all that was spent, from the lines themselves.
    by_category = defaultdict(list)
    for line in _lines(page_store):
        if line["fiscal_year"] is not None:
            by_category[(line["category"], line["fiscal_year"])].append(line)
    amounts = {key: {"planned": m["planned"], "actual": m["actual"] + m["unplanned"]}
               for key, m in ((key, _measures(rows)) for key, rows in by_category.items())}
    want = _compared(amounts, moves)
    categories, units = _yoy_tables(app)
    assert len(categories) == len(amounts)
    marked = 0
    for row in categories.itertuples():
        key = (row.category_name, row.fiscal_year)
        assert (row.planned, row.actual) == pytest.approx((amounts[key]["planned"], amounts[key]["actual"]))
        if key not in want:
            assert row.prev_year != row.prev_year and not row.mark      # NaN: the category's first year
            continue
        now, before, moved = want[key]
        assert row.prev_year == before
        earlier = amounts[(row.category_name, before)]["actual"]
        assert row.actual_change == pytest.approx(now["actual"] - earlier)
        if earlier:
            assert row.actual_change_share == pytest.approx(100 * (now["actual"] - earlier) / earlier)
        assert row.mark == ("⚠ " + "、".join(word for name, word in (("planned", "计划"), ("actual", "实际"))
                                             if name in moved) if moved else "")
        marked += bool(moved)
    assert marked, "the page store should have a category that moved"
    # The heat map writes the actual change of every compared cell, marked ones with ⚠.
    heat = _chart(app, "budget_yoy_chart")["data"][0]
    cells = [text for line in heat["text"] for text in line if text]
    assert len(cells) == len(want)
    assert sum("⚠" in text for text in cells) == sum("actual" in moved for _, _, moved in want.values())

    # Units of two years or more, each name a link to its profile carrying the filters.
    rows = fetch(page_store, UNIT_SQL)
    unit_amounts = {(unit, year): {"budget": budget, "spent": spent} for unit, year, budget, spent in rows}
    unit_want = _compared(unit_amounts, moves)
    assert units is not None and len(units) == sum(
        1 for unit, _ in unit_amounts if any(key[0] == unit for key in unit_want))
    for row in units.itertuples():
        link = urlsplit(row.unit_link)
        assert link.path == "/units"
        unit = parse_qs(link.query)["unit"][0]
        assert row.budget == pytest.approx(unit_amounts[(unit, row.fiscal_year)]["budget"])
        if (unit, row.fiscal_year) in unit_want:
            _, before, moved = unit_want[(unit, row.fiscal_year)]
            assert row.prev_year == before
            assert row.mark == ("⚠ " + "、".join(word for name, word in (("budget", "预算"), ("spent", "支出"))
                                                 if name in moved) if moved else "")
    assert any(c.value.startswith(f"有两个以上年度的单位共 {len({key[0] for key in unit_want})} 个") for c in app.caption)

    # Only the marked rows, on asking; the choice outlives a visit to another tab.
    app.toggle(key="budget_yoy_only_moved").set_value(True).run()
    assert not app.exception
    categories, units = _yoy_tables(app)
    assert len(categories) == marked and all(categories["mark"].str.startswith("⚠"))
    open_tab(app, "budget_tab", "按经济分类")
    open_tab(app, "budget_tab", "逐年对比")
    assert app.toggle(key="budget_yoy_only_moved").value is True


def test_year_over_year_in_english_and_with_one_year(open_page, page_store):
    app = open_tab(open_page("budget.py", lang="en"), "budget_tab", "Year over year")
    assert {"Year over year by economic category", "Year over year by unit"} <= {h.value for h in app.subheader}
    assert app.toggle(key="budget_yoy_only_moved").label == "Only rows with a marked move"
    categories, _ = _yoy_tables(app)
    names = dict(fetch(page_store, "select name, name_en from economic_categories"))
    assert set(categories["category_name"]) <= set(names.values()) | {None}
    heat = _chart(app, "budget_yoy_chart")["data"][0]
    assert set(heat["y"]) == set(categories["category_name"])

    year = _busiest(page_store, "fiscal_year")
    app = open_tab(open_page("budget.py", year=str(year)), "budget_tab", "逐年对比")
    assert "筛选范围内只有一个年度，无从逐年比较：请在侧栏选择两个以上年度，或不限年度。" in [i.value for i in app.info]
