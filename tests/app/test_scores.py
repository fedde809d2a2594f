"""自评得分: histogram, grade mix, score × rate scatters with selection, full-score share,
Benford digits and score inflation, each in a tab of its own; filtered by the URL, in both
languages.

Expected values are computed here from the reports and budget_lines rows."""
from __future__ import annotations

import dataclasses
import json
import math
import re
import statistics
from collections import Counter, defaultdict
from decimal import Decimal

import duckdb
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

import queries
from app_pages.filters import Filters
from app_pages.i18n import t
from ingest import config
from ingest.pipeline import ingest
from samples import Sample, generate, words
from samples.truth import truth_of
from tests.app.conftest import APP, chart_named, click_chart, open_tab
from tests.app.links import unit_names


def _reports(db, where: str = "", args: list | None = None) -> list[dict]:
    conn = duckdb.connect(str(db), read_only=True)
    cursor = conn.execute(
        "select report_id, file_name, project_name, implementing_unit, supervising_dept, province, fiscal_year, "
        "grade, self_score, "
        "coalesce(execution_rate, execution_rate_stated) as execution_rate, "
        "coalesce(arrival_rate, arrival_rate_stated) as arrival_rate "
        f"from reports where parse_status <> 'failed' {where}", args or [])
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    conn.close()
    return rows


def _numbers(values) -> list[float]:
    """A trace's x or y: plain list, or plotly's typed array {dtype, bdata}."""
    if isinstance(values, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values)


def _open_tab(app: AppTest, section: str, language: str = "zh") -> AppTest:
    """Open one of the page's tabs as a click on it does: only the open tab runs."""
    return open_tab(app, "scores_tab", t(f"scores.tab.{section}", language))


def _select(app, key: str, points: list[dict]) -> None:
    """Send what the browser sends when points of a chart are box-selected."""
    chart = chart_named(app, key)
    states = app._tree.get_widget_states()
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps({"selection": {
        "points": points, "point_indices": [p["point_index"] for p in points], "box": [], "lasso": []}})))
    app._run(widget_state=states)


@pytest.fixture
def signals_for_every_unit(tmp_path, monkeypatch):
    """The sample store has one report per unit: judge units from one report up."""
    text = config.DEFAULT.read_text(encoding="utf-8").replace("min_reports = 3", "min_reports = 1")
    path = tmp_path / "jixiao.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("JIXIAO_CONFIG", str(path))
    config.load.cache_clear()
    yield config.signal_params(config.load())
    monkeypatch.delenv("JIXIAO_CONFIG")
    config.load.cache_clear()


def test_year_from_the_url_sets_the_figures_histogram_and_grades(open_page, page_store):
    conn = duckdb.connect(str(page_store), read_only=True)
    year = conn.execute("select fiscal_year from reports where parse_status <> 'failed' and fiscal_year is not null "
                        "group by 1 order by count(*) desc, 1 limit 1").fetchall()[0][0]
    conn.close()
    reports = _reports(page_store, "and fiscal_year = ?", [year])
    scores = [r["self_score"] for r in reports if r["self_score"] is not None]
    app = open_page("scores.py", year=str(year))
    assert not app.exception
    assert app.header[0].value == "自评得分"
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["有得分的报告"] == f"{len(scores):,}"
    assert metrics["平均得分"] == f"{statistics.mean(scores):.2f}"
    assert metrics["得分中位数"] == f"{statistics.median(scores):.2f}"
    assert metrics["满分比例"] == f"{100 * sum(s >= 100 for s in scores) / len(scores):.1f}%"

    bars = json.loads(chart_named(app, "scores_histogram_chart").proto.spec)["data"][0]
    want = Counter(math.floor(s / 2) * 2 for s in scores)          # 2-point bins by default
    assert dict(zip(_numbers(bars["x"]), _numbers(bars["y"]))) == {float(k): v for k, v in want.items()}

    app.segmented_control(key="scores_bin_width").set_value(5).run()
    assert not app.exception
    bars = json.loads(chart_named(app, "scores_histogram_chart").proto.spec)["data"][0]
    want = Counter(math.floor(s / 5) * 5 for s in scores)
    assert dict(zip(_numbers(bars["x"]), _numbers(bars["y"]))) == {float(k): v for k, v in want.items()}

    grades = json.loads(chart_named(app, "scores_grades_chart").proto.spec)["data"][0]
    want = Counter(r["grade"] or "未识别" for r in reports)
    assert dict(zip(grades["x"], _numbers(grades["y"]))) == dict(want)
    assert grades["x"] == [g for g in ("优", "良", "中", "差", "未识别") if g in want]


def test_scatter_has_one_point_per_report_and_a_selection_lists_them(open_page, page_store):
    conn = duckdb.connect(str(page_store), read_only=True)
    province = conn.execute("select province from reports where parse_status <> 'failed' and province is not null "
                            "group by 1 order by count(*) desc, 1 limit 1").fetchall()[0][0]
    conn.close()
    reports = _reports(page_store, "and province = ?", [province])
    app = _open_tab(open_page("scores.py", province=province), "scatter")
    for key, rate in (("scores_execution_chart", "execution_rate"), ("scores_arrival_chart", "arrival_rate")):
        traces = json.loads(chart_named(app, key).proto.spec)["data"]
        assert {trace["type"] for trace in traces} == {"scattergl"}
        plotted = sorted((y, x) for trace in traces for x, y in zip(_numbers(trace["x"]), _numbers(trace["y"])))
        want = sorted((r["self_score"], r[rate]) for r in reports
                      if r["self_score"] is not None and r[rate] is not None)
        assert plotted == want
        hovers = [h for trace in traces for h in trace["customdata"]]
        for report in reports:
            if report["self_score"] is not None and report[rate] is not None:
                assert f"{report['file_name']}<br>{report['project_name'] or '—'}<br>" \
                       f"{report['implementing_unit'] or '—'}" in hovers

    traces = json.loads(chart_named(app, "scores_execution_chart").proto.spec)["data"]
    files = [trace["customdata"][0].split("<br>")[0] for trace in traces[:2]]
    _select(app, "scores_execution_chart", [{"curve_number": 0, "point_index": 0, "point_number": 0},
                                            {"curve_number": 1, "point_index": 0, "point_number": 0}])
    assert not app.exception
    assert "已选择 2 份报告" in [c.value for c in app.caption]
    table = next(d.value for d in app.dataframe if "link" in d.value.columns)
    assert sorted(table["file_name"]) == sorted(files)
    by_file = {r["file_name"]: r for r in reports}
    for row in table.itertuples():
        assert row.report_id == by_file[row.file_name]["report_id"]
        assert row.link.startswith(f"/report?id={row.report_id}&") and "province=" in row.link


def test_full_score_share_and_inflation_by_unit(open_page, page_store, signals_for_every_unit):
    signals = signals_for_every_unit
    reports = [r for r in _reports(page_store) if r["self_score"] is not None and r["implementing_unit"]]
    units = defaultdict(list)
    for report in reports:
        units[report["implementing_unit"]].append(report)
    app = _open_tab(open_page("scores.py"), "groups")
    shares = unit_names(next(d.value for d in app.dataframe if "share_percent" in d.value.columns))
    assert len(shares) == len(units)
    levels = {"alarm": "警示", "warn": "关注", "ok": "正常"}
    for row in shares.itertuples():
        scores = [r["self_score"] for r in units[row.implementing_unit]]
        share = sum(s >= signals["full_points"] for s in scores) / len(scores)
        level = "alarm" if share >= signals["alarm"] else "warn" if share >= signals["warn"] else "ok"
        assert (row.reports, row.share_percent, row.level_label) == (len(scores), pytest.approx(100 * share),
                                                                       levels[level])
    alarms = sum(1 for rows in units.values()
                 if sum(r["self_score"] >= signals["full_points"] for r in rows) / len(rows) >= signals["alarm"])
    assert any(f"警示 {alarms} 个单位" in m.value for m in app.markdown)

    inflation = unit_names(next(d.value for d in app.dataframe if "inflated_reports" in d.value.columns))
    for row in inflation.itertuples():
        rows = units[row.implementing_unit]
        inflated = sum(1 for r in rows if r["self_score"] >= signals["inflation_score"]
                       and r["execution_rate"] is not None and r["execution_rate"] < signals["inflation_execution"])
        assert row.inflated_reports == inflated
    assert inflation["inflated_reports"].sum() == sum(
        1 for r in reports if r["self_score"] >= 90 and r["execution_rate"] is not None and r["execution_rate"] < 80)


def _first_digit(amount: float) -> int:
    return int(f"{Decimal(repr(amount)).normalize():e}"[0])


def test_benford_digits_against_the_expected_curve(open_page, page_store):
    conn = duckdb.connect(str(page_store), read_only=True)
    amounts = [a for (a,) in conn.execute(
        "select unnest([l.planned, l.actual]) from budget_lines l join reports r using (report_id) "
        "where r.parse_status <> 'failed' and r.fiscal_year >= 2022").fetchall() if a is not None and a > 0]
    conn.close()
    counts = Counter(_first_digit(a) for a in amounts)
    app = _open_tab(open_page("scores.py", year=["2022", "2023", "2024", "2025"]), "benford")
    observed, expected = json.loads(chart_named(app, "scores_benford_chart").proto.spec)["data"]
    assert (observed["type"], expected["type"]) == ("bar", "scatter")
    assert _numbers(observed["customdata"]) == [counts[d] for d in range(1, 10)]
    assert _numbers(observed["y"]) == pytest.approx([counts[d] / len(amounts) for d in range(1, 10)])
    assert _numbers(expected["y"]) == pytest.approx([math.log10(1 + 1 / d) for d in range(1, 10)])
    mad = statistics.mean(abs(counts[d] / len(amounts) - math.log10(1 + 1 / d)) for d in range(1, 10))
    assert f"MAD = {mad:.4f}" in " ".join(c.value for c in app.caption)


def test_english(open_page, signals_for_every_unit):
    app = open_page("scores.py", lang="en")
    assert not app.exception
    assert app.header[0].value == "Self-scores"
    assert "Mean score" in [m.label for m in app.metric]
    assert [tab.label for tab in app.tabs] == ["Distribution and grades", "Score against rates",
                                              "Full scores and inflation", "Benford test",
                                              "Self-score against re-score"]
    shown = {}
    for section in ("distribution", "scatter", "groups", "benford"):
        _open_tab(app, section, "en")
        shown[section] = [s.value for s in app.subheader]
    assert shown == {"distribution": ["Score distribution", "Grade mix"],
                     "scatter": ["Score against execution and arrival rates"],
                     "groups": ["Full-score share by unit", "Score inflation by unit", "How believable the self-scores are"],
                     "benford": ["Benford first-digit test (line amounts)"]}
    _open_tab(app, "groups", "en")
    assert not app.info                                  # units qualify: no word of departments
    shares = next(d.value for d in app.dataframe if "share_percent" in d.value.columns)
    assert set(shares["level_label"]) <= {"Alarm", "Warn", "OK"}
    _open_tab(app, "scatter", "en")
    spec = json.loads(chart_named(app, "scores_execution_chart").proto.spec)
    assert spec["layout"]["xaxis"]["title"]["text"] == "Execution rate %"


def test_only_the_open_tab_runs_and_a_language_change_keeps_it_open(open_page):
    app = open_page("scores.py")
    assert [tab.label for tab in app.tabs] == ["得分分布与等级", "得分与执行率、到位率", "满分比例与得分虚高", "本福特检验",
                                                "自评与复核"]
    drawn = lambda: sorted(re.sub(r".*?(scores_\w+_chart).*", r"\1", c.proto.id) for c in app.get("plotly_chart"))
    assert drawn() == ["scores_grades_chart", "scores_histogram_chart"]
    assert not [d for d in app.dataframe if "share_percent" in d.value.columns]
    _open_tab(app, "scatter")
    assert drawn() == ["scores_arrival_chart", "scores_execution_chart"]
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert drawn() == ["scores_arrival_chart", "scores_execution_chart"]
    assert app.session_state["scores_tab"] == "Score against rates"


def test_a_tab_closed_and_opened_again_keeps_its_choices(open_page):
    app = open_page("scores.py")
    app.segmented_control(key="scores_bin_width").set_value(5).run()
    bars = json.loads(chart_named(app, "scores_histogram_chart").proto.spec)["data"][0]
    assert set(bars["width"]) == {4.75}                  # bins of 5 points
    _open_tab(app, "benford")                           # the histogram's tab closed: its widget forgotten
    _open_tab(app, "distribution")
    assert app.segmented_control(key="scores_bin_width").value == 5
    bars = json.loads(chart_named(app, "scores_histogram_chart").proto.spec)["data"][0]
    assert set(bars["width"]) == {4.75}


def test_a_large_scatter_keeps_every_suspicious_report_and_samples_the_rest(page_store):
    conn = duckdb.connect(str(page_store), read_only=True)
    queries.prepare(conn)
    # A strict line (execution under 99 %) makes enough reports suspicious for the check.
    params = {**Filters().params(), **config.signal_params(config.load()), "inflation_execution": 99.0}
    everything = queries.run(conn, "scores_scatter", max_points=100_000, **params)
    suspicious = {
        row["report_id"] for row in everything.iter_rows(named=True)
        if row["self_score"] >= params["inflation_score"]
        and min(100 if row["execution_rate"] is None else row["execution_rate"],
                100 if row["arrival_rate"] is None else row["arrival_rate"]) < params["inflation_execution"]}
    assert suspicious and everything.height > len(suspicious) + 5
    sampled = queries.run(conn, "scores_scatter", max_points=len(suspicious) + 5, **params)
    conn.close()
    assert sampled.height == len(suspicious) + 5
    assert suspicious <= set(sampled["report_id"])
    assert sampled["reports"][0] == everything.height


# -- full-score share and inflation when units are too small: by supervising department -------

@pytest.fixture(scope="module")
def grouped_store(tmp_path_factory):
    """Generated reports laid out over units and departments: department 甲 has three reports
    of one unit; 乙 four and 丙 three reports, each of another unit; 丁 two. Returns the
    store and the four departments' names as stored."""
    folder = tmp_path_factory.mktemp("grouped")
    plans = [s.plan for s in generate(80, seed=13) if s.plan.shape != "narrative" and s.plan.duplicate_of is None]
    full = [plan for plan in plans if plan.self_score == 10000]        # hundredths: 100 points
    rest = [plan for plan in plans if plan.self_score != 10000]
    chosen = rest[:3] + full[:3] + rest[3:4] + full[3:6] + [full[6], rest[4]]
    bureaus = [domain.bureau for domain in words.DOMAINS]
    domain = words.DOMAINS[0]
    layout = ([(0, domain.subunits[0], domain.bureau)] * 3 + [(1, bureaus[i], "人民政府") for i in range(4)]
              + [(2, bureaus[i], "人民政府") for i in range(3)]
              + [(3, bureaus[i], "人民政府") for i in range(2)])
    places = [plans[i].place for i in range(4)]
    (folder / "in").mkdir()
    depts = []
    for plan, (place, unit, dept) in zip(chosen, layout):
        plan = dataclasses.replace(plan, place=places[place], unit_suffix=unit, dept_suffix=dept)
        Sample(plan.name, truth_of(plan), plan).write(folder / "in")
        if plan.dept not in depts:
            depts.append(plan.dept)
    db = folder / "grouped.duckdb"
    summary = ingest([folder / "in"], db, workers=2)
    assert summary.ok + summary.partial == len(layout)
    return db, depts


def _open_on(db, monkeypatch, **query) -> AppTest:
    """The scores page on `db`, its tab of full-score share and inflation open."""
    monkeypatch.setenv("JIXIAO_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    app.switch_page("app_pages/scores.py").run()
    assert not app.exception
    return _open_tab(app, "groups", query.get("lang", "zh"))


def _groups(db, column: str, depts: list[str]) -> dict[str, list[dict]]:
    """The scored reports of `depts`, by `column`, straight from the store."""
    groups = defaultdict(list)
    for report in _reports(db, "and supervising_dept in (select unnest(?)) and self_score is not null", [depts]):
        groups[report[column]].append(report)
    return groups


def _check_tables(app, groups: dict[str, list[dict]], column: str) -> None:
    """The share and inflation tables list every group of 3 reports or more, with the values
    computed here from its reports."""
    signals = config.signal_params(config.load())
    judged = {name: rows for name, rows in groups.items() if len(rows) >= signals["min_reports"]}
    assert judged
    shares = next(d.value for d in app.dataframe if "share_percent" in d.value.columns)
    # A unit's or department's name is its profile's link.
    shares = unit_names(shares, column)
    assert sorted(shares[column]) == sorted(judged)
    for row in shares.to_dict("records"):
        scores = [r["self_score"] for r in judged[row[column]]]
        full = sum(score >= signals["full_points"] for score in scores)
        assert (row["reports"], row["full_score_reports"]) == (len(scores), full)
        assert row["share_percent"] == pytest.approx(100 * full / len(scores))
    inflation = unit_names(next(d.value for d in app.dataframe if "inflated_reports" in d.value.columns), column)
    assert sorted(inflation[column]) == sorted(judged)
    for row in inflation.to_dict("records"):
        rows = judged[row[column]]
        rates = [r["execution_rate"] for r in rows if r["execution_rate"] is not None]
        assert row["reports"] == len(rows)
        assert row["self_score_avg"] == pytest.approx(statistics.mean(r["self_score"] for r in rows))
        assert row["execution_rate_avg"] == pytest.approx(statistics.mean(rates))
        assert row["inflated_reports"] == sum(
            1 for r in rows if r["self_score"] >= signals["inflation_score"] and r["execution_rate"] is not None
            and r["execution_rate"] < signals["inflation_execution"])


@pytest.mark.parametrize("language, note, titles", [
    ("zh", "没有单位达到 3 份报告，改按主管部门统计。", ["各主管部门满分比例", "自评得分虚高（按主管部门）"]),
    ("en", "No unit has 3 reports, so this counts by supervising department.",
     ["Full-score share by supervising department", "Score inflation by supervising department"]),
], ids=["zh", "en"])
def test_departments_stand_in_when_no_unit_has_enough_reports(grouped_store, monkeypatch, language, note, titles):
    db, depts = grouped_store
    chosen = depts[1:]                                   # 乙 丙 丁: no unit with more than one report
    groups = _groups(db, "implementing_unit", chosen)
    assert max(len(rows) for rows in groups.values()) < 3
    app = _open_on(db, monkeypatch, depts=chosen, lang=language)
    assert [i.value for i in app.info] == [note, note]  # on both panels
    assert set(titles) <= {s.value for s in app.subheader}
    by_dept = _groups(db, "supervising_dept", chosen)
    assert sorted(len(rows) for rows in by_dept.values()) == [2, 3, 4]
    _check_tables(app, by_dept, "supervising_dept")
    shares = next(d.value for d in app.dataframe if "share_percent" in d.value.columns)
    assert "implementing_unit" not in shares.columns


def test_units_are_listed_when_one_has_enough_reports(grouped_store, monkeypatch):
    db, depts = grouped_store
    app = _open_on(db, monkeypatch)
    assert not app.info
    assert "各单位满分比例" in [s.value for s in app.subheader]
    _check_tables(app, _groups(db, "implementing_unit", depts), "implementing_unit")


@pytest.mark.parametrize("language, words_", [
    ("zh", "没有单位或主管部门达到 3 份报告，无法统计：共 {units} 个单位，报告最多的有 {unit_max} 份；"
           "{depts} 个主管部门，报告最多的有 {dept_max} 份。"),
    ("en", "Neither a unit nor a supervising department has 3 reports, so there is nothing to count: {units} units, "
           "the most reports one has is {unit_max}; {depts} supervising departments, the most one has is {dept_max}."),
], ids=["zh", "en"])
def test_when_neither_units_nor_departments_have_enough_the_counts_say_why(grouped_store, monkeypatch,
                                                                           language, words_):
    db, depts = grouped_store
    units = _groups(db, "implementing_unit", depts[3:])
    by_dept = _groups(db, "supervising_dept", depts[3:])
    app = _open_on(db, monkeypatch, depts=depts[3], lang=language)
    said = words_.format(units=len(units), unit_max=max(map(len, units.values())), depts=len(by_dept),
                         dept_max=max(map(len, by_dept.values())))
    assert [i.value for i in app.info] == [said, said]
    assert not [d for d in app.dataframe if {"share_percent", "inflated_reports"} & set(d.value.columns)]


def test_a_grade_clicked_filters_every_page_and_its_chip_undoes_it(open_page, page_store):
    app = open_page("scores.py")
    element = chart_named(app, "scores_grades_chart")
    grades = json.loads(element.proto.spec)["data"][0]["customdata"]
    index = next(i for i, grade in enumerate(grades) if grade)
    grade = grades[index]
    click_chart(app, element, trace=0, index=index)
    assert not app.exception
    assert app.multiselect(key="f_grades").value == [grade]
    assert app.query_params["grade"] in (grade, [grade])
    conn = duckdb.connect(str(page_store), read_only=True)
    count = conn.execute("select count(*) from reports where parse_status <> 'failed' and grade = ? "
                         "and self_score is not null", [grade]).fetchall()[0][0]
    conn.close()
    assert next(m.value for m in app.metric if m.label == "有得分的报告") == f"{count:,}"
    app.button(key=f"chip_grades_{grade}").click().run()
    assert app.multiselect(key="f_grades").value == [] and "grade" not in app.query_params


def test_regions_are_ranked_by_the_wilson_lower_bound_of_their_full_score_share(open_page, page_store):
    app = _open_tab(open_page("scores.py"), "groups")
    app.session_state["scores_rank_by"] = "region"      # as a click on the segmented control does
    app.run()
    assert not app.exception
    table = next(frame.value for frame in app.dataframe if "share_low" in frame.value.columns)
    minimum = config.signal_params(config.load())["min_reports"]
    counts: dict[str, list[float]] = defaultdict(list)
    conn = duckdb.connect(str(page_store), read_only=True)
    for province, region, score in conn.execute(
            "select province, region, self_score from reports where self_score is not null and region is not null "
            "and region <> ''").fetchall():
        counts[" ".join(part for part in (province, region) if part)].append(score)
    conn.close()
    expected = {}
    for name, scores in counts.items():
        n, k = len(scores), sum(score >= 100 for score in scores)
        if n < minimum:
            continue
        p, z = k / n, 1.96
        low = (p + z * z / (2 * n) - z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (1 + z * z / n)
        expected[name] = (n, k, max(0.0, low))
    assert len(table) == len(expected) > 0
    for row in (table.iloc[index] for index in range(len(table))):
        n, k, low = expected[row["group_name"]]
        assert (row["reports"], row["full_score_reports"]) == (n, k)
        assert row["share_low"] == pytest.approx(low, abs=1e-9)
    lows = list(table["share_low"])
    assert lows == sorted(lows, reverse=True)
