"""单位画像: one unit's years side by side (as the truth files have them), one row per year, its
rank among its peers, English, a name that is no unit (quotes, SQL) refused politely; and
unit_peers' ranks on a store made by hand."""
from __future__ import annotations

import json
from collections import defaultdict

import pytest
from conftest import CORPUS, fetch, store_of_reports
from truth import load_truths, read_truth, same

import queries
from ingest import config
from ingest.report import Report
from tests.app.links import unit_names


def open_unit(open_page, unit: str, **query):
    """The units page with ?unit=… (the first run lands on the overview, which keeps no unit)."""
    app = open_page("units.py", **query)
    app.query_params["unit"] = unit
    return app.run()


# The tables by a column only each has (a dataframe without on_select carries no key).
MARKS = {"years": "self_score_avg", "peers": "peer_group", "reports": "parse_status", "found": "first_year"}


def tables(app, kind: str) -> list:
    return [frame for frame in app.dataframe if MARKS[kind] in frame.value.columns]


def table(app, kind: str):
    return tables(app, kind)[0].value


def labels(app, kind: str) -> dict[str, str]:
    return {name: config["label"] for name, config in json.loads(tables(app, kind)[0].proto.columns).items()
            if "label" in config}


@pytest.fixture(scope="module")
def corpus_unit(page_store):
    """A unit of the corpus whose reports in the page store are all in the truth files, and
    those truths' reports."""
    by_unit = defaultdict(list)
    for path in load_truths(CORPUS):
        truth = read_truth(path)
        if truth["parse_status"] == "ok" and truth["report"]["implementing_unit"]:
            by_unit[truth["report"]["implementing_unit"]].append(truth["report"])
    for unit, reports in sorted(by_unit.items()):
        stored = fetch(page_store, "select count(*) from reports where implementing_unit = ? "
                                   "and parse_status <> 'failed'", [unit])[0][0]
        if stored == len(reports):
            return unit, reports
    pytest.fail("no corpus unit with all its reports in the truth files")


@pytest.fixture(scope="module")
def multi_year_unit(page_store):
    found = fetch(page_store, """
        select implementing_unit from reports
        where parse_status <> 'failed' and implementing_unit is not null and fiscal_year is not null
        group by implementing_unit having count(distinct fiscal_year) >= 2
        order by implementing_unit limit 1""")
    assert found, "the page store has no unit reporting in two years"
    return found[0][0]


def test_a_corpus_unit_shows_its_budget_spent_and_self_score_as_the_truth_has_them(open_page, corpus_unit):
    unit, reports = corpus_unit
    app = open_unit(open_page, unit)
    assert not app.exception
    assert app.header[0].value == "单位画像"
    years = table(app, "years").set_index("fiscal_year")
    by_year = defaultdict(list)
    for report in reports:
        by_year[report["fiscal_year"]].append(report)
    assert sorted(years.index) == sorted(by_year)
    for year, wanted in by_year.items():
        row = years.loc[year]
        budgets = [r["budget_adjusted"] if r["budget_adjusted"] is not None else r["budget_planned"] for r in wanted]
        assert row["reports"] == len(wanted)
        assert same(sum(budgets), row["budget"])
        assert same(sum(r["spent"] for r in wanted), row["spent"])
        assert same(sum(r["self_score"] for r in wanted) / len(wanted), row["self_score_avg"])
    listed = table(app, "reports")
    assert len(listed) == len(reports)
    assert listed["link"].str.startswith("/report?id=").all()


def test_a_unit_reporting_in_several_years_has_one_row_a_year_and_a_chart(open_page, page_store, multi_year_unit):
    app = open_unit(open_page, multi_year_unit)
    assert not app.exception
    wanted = [year for (year,) in fetch(page_store, "select distinct fiscal_year from reports where "
                                                    "implementing_unit = ? and parse_status <> 'failed' "
                                                    "order by 1", [multi_year_unit])]
    years = table(app, "years")
    assert years["fiscal_year"].tolist() == wanted
    trend = json.loads(next(c for c in app.get("plotly_chart") if c.proto.id.endswith("units_trend")).proto.spec)
    assert [trace["x"] for trace in trend["data"]] == [[str(year) for year in wanted]] * 2


def test_the_peers_ranks_run_from_one_to_the_peer_count_and_include_the_unit(open_page, page_store):
    # A unit with a peer (same region, same year) and a supervising department.
    unit = fetch(page_store, """
        with groups as (
            select fiscal_year, province, region from reports
            where parse_status <> 'failed' and region is not null and fiscal_year is not null
            group by all having count(distinct implementing_unit) >= 2
        )
        select min(r.implementing_unit) from reports r join groups using (fiscal_year, province, region)
        where r.supervising_dept is not null""")[0][0]
    assert unit, "the page store has no two units of one region and year"
    app = open_unit(open_page, unit)
    assert not app.exception
    shown = tables(app, "peers")
    assert len(shown) == 2                              # by department and by region
    for frame in shown:
        peers = unit_names(frame.value, "member")
        own = peers[peers["is_self"]]
        assert (own["member"] == unit).all() and len(own) >= 1
        for column in ("execution_rank", "full_score_rank", "anomaly_rank", "rescore_gap_rank"):
            ranks = peers[column].dropna()
            assert ((ranks >= 1) & (ranks <= peers.loc[ranks.index, "peers"])).all(), column
        assert (peers.groupby(["fiscal_year", "peer_group"])["member"].count()
                == peers.groupby(["fiscal_year", "peer_group"])["peers"].first()).all()
    assert max(frame.value["peers"].max() for frame in shown) >= 2

def test_english_headers(open_page, corpus_unit):
    app = open_unit(open_page, corpus_unit[0], lang="en")
    assert not app.exception
    assert app.header[0].value == "Unit profile"
    shown = set(labels(app, "years").values())
    assert {"Year", "Budget (10k yuan)", "Spent (10k yuan)", "Mean self-score", "Full-score share"} <= shown
    assert {"Peer group", "This unit", "Execution rank"} <= set(labels(app, "peers").values())


@pytest.mark.parametrize("name", ["x' or 1=1 --", "甲\"单位'; drop table reports; --", "%", "*_[]<b>"])
def test_a_name_that_is_no_unit_gets_the_notice(open_page, page_store, name):
    app = open_unit(open_page, name)
    assert not app.exception
    assert any("没有名为" in warning.value for warning in app.warning)
    assert not tables(app, "years")
    assert tables(app, "found")                # the search offered instead
    assert fetch(page_store, "select count(*) from reports")[0][0] > 0


def test_the_search_lists_units_and_choosing_one_opens_it(open_page, corpus_unit):
    unit = corpus_unit[0]
    app = open_page("units.py")
    assert not app.exception
    app.text_input(key="units_search").input(unit).run()
    assert unit in table(app, "found")["implementing_unit"].tolist()
    app.selectbox(key="units_pick").set_value(unit).run()
    assert not app.exception
    assert app.query_params["unit"] == [unit] or app.query_params["unit"] == unit
    assert tables(app, "years")


def test_the_report_page_links_to_its_unit(open_page, page_store, corpus_unit):
    unit = corpus_unit[0]
    report_id = fetch(page_store, "select report_id from reports where implementing_unit = ? limit 1", [unit])[0][0]
    app = open_page("report.py")
    app.query_params["id"] = report_id
    app.run()
    assert not app.exception
    links = [link for link in app.get("page_link") if link.proto.page.endswith("units")]
    assert links and unit in links[0].proto.label


def test_the_report_page_links_to_its_department(open_page, page_store):
    report_id, dept = fetch(page_store, "select report_id, supervising_dept from reports "
                                        "where supervising_dept is not null order by report_id limit 1")[0]
    app = open_page("report.py")
    app.query_params["id"] = report_id
    app.run()
    assert not app.exception
    links = [link for link in app.get("page_link") if link.proto.page.endswith("units")]
    assert [link.proto.label for link in links if link.proto.label.startswith("主管部门画像")] == [f"主管部门画像：{dept}"]


# -- unit_peers on a store made by hand ---------------------------------------------------------

PARAMS = config.signal_params(config.load())


def _report(unit: str, budget: float, spent: float | None, score: float, dept: str = "教育局",
            year: int = 2023, region: str = "甲区") -> Report:
    return Report(implementing_unit=unit, supervising_dept=dept, province="某省", region=region, fiscal_year=year,
                  budget_planned=budget, spent=spent, self_score=score)


def test_unit_peers_ranks_within_each_year_and_group():
    conn = store_of_reports([
        _report("甲单位", 100, 90, 100),        # 0: 90 %
        _report("甲单位", 100, 70, 90),         # 1: with 0, 80 % and half full marks
        _report("乙单位", 50, 45, 100),         # 2: 90 %
        _report("丙单位", 40, 38, 100),         # 3: 95 %
        _report("丁单位", 40, None, 80),        # 4: no spent figure: not ranked on execution
        _report("戊单位", 10, 10, 100, dept="卫健委", region="乙区"),    # 5: another group
        _report("乙单位", 10, 10, 100, year=2022),                        # 6: another year
    ])
    conn.execute("insert into anomalies (report_id, report_no, rule, severity) "
                 "select report_id, report_no, 'R', 'high' from reports where report_id in (?, ?, ?)",
                 [f"{2:016x}", f"{3:016x}", f"{0:016x}"])
    conn.execute("insert into anomalies (report_id, report_no, rule, severity) "
                 "select report_id, report_no, 'S', 'low' from reports where report_id = ?", [f"{3:016x}"])
    # 乙单位 re-scored 100 -> 85 on a report without indicator rows; 丙单位 100 -> 95.
    conn.executemany("insert into rescores (report_id, line_no, self_score, score, reviewer, rescored_at) "
                     "values (?, 0, 100, ?, 'auditor', now())", [(f"{2:016x}", 85.0), (f"{3:016x}", 95.0)])
    frame = queries.run(conn, "unit_peers", level="unit", unit="乙单位", peer="dept", **PARAMS)
    got = {(row["fiscal_year"], row["member"]): row for row in frame.to_dicts()}
    assert set(got) == {(2023, "甲单位"), (2023, "乙单位"), (2023, "丙单位"), (2023, "丁单位"), (2022, "乙单位")}
    assert {row["peers"] for key, row in got.items() if key[0] == 2023} == {4}
    assert got[(2022, "乙单位")]["peers"] == 1 and got[(2022, "乙单位")]["is_self"]
    ranks = {unit: (row["execution_rank"], row["full_score_rank"], row["anomaly_rank"], row["rescore_gap_rank"])
             for (year, unit), row in got.items() if year == 2023}
    assert ranks == {
        "丙单位": (1, 1, 1, 2),         # 95 %, all full marks, 2 anomalies a report, gap 5
        "乙单位": (2, 1, 2, 1),         # 90 %, all full marks, 1 a report, gap 15
        "甲单位": (3, 3, 3, None),      # 80 %, half, 0.5 a report, not re-scored
        "丁单位": (None, 4, 4, None),   # no spent figure, no full marks, none
    }
    assert round(got[(2023, "甲单位")]["execution_rate"], 6) == 80.0
    assert [row["member"] for row in frame.to_dicts() if row["is_self"]] == ["乙单位", "乙单位"]
    # The region groups by province and region: 戊单位's 乙区 is not 乙单位's 甲区.
    region = queries.run(conn, "unit_peers", level="unit", unit="戊单位", peer="region", **PARAMS)
    assert region["member"].to_list() == ["戊单位"] and region["peer_group"][0] == "某省 乙区"
    assert queries.run(conn, "unit_peers", level="unit", unit="x' or 1=1 --", peer="dept", **PARAMS).height == 0
    years = queries.run(conn, "unit_years", level="unit", unit="甲单位", **PARAMS).row(0, named=True)
    assert (years["reports"], years["budget"], years["spent"], years["execution_rate"], years["full_score_share"]) \
        == (2, 200.0, 160.0, 80.0, 0.5)
    assert (years["anomalies"], years["open"], years["top_rules"]) == (1, 1, [{"rule": "R", "anomalies": 1}])


def test_a_department_is_profiled_over_its_units_reports_and_ranked_among_its_provinces_departments():
    conn = store_of_reports([
        _report("甲单位", 100, 90, 100),                        # 教育局: 90 of 100
        _report("乙单位", 50, 30, 100),                         # 教育局: 30 of 50
        _report("丙单位", 40, 38, 90, dept="卫健委"),            # 卫健委: 95 %
        _report("丁单位", 10, 10, 100, dept="卫健委", year=2022),
    ])
    years = queries.run(conn, "unit_years", level="dept", unit="教育局", **PARAMS).row(0, named=True)
    assert (years["fiscal_year"], years["reports"], years["budget"], years["spent"], years["full_score_share"]) \
        == (2023, 2, 150.0, 120.0, 1.0)
    assert round(years["execution_rate"], 6) == 80.0
    peers = queries.run(conn, "unit_peers", level="dept", unit="教育局", peer="province", **PARAMS)
    got = {row["member"]: (row["execution_rank"], row["full_score_rank"], row["peers"]) for row in peers.to_dicts()}
    assert got == {"卫健委": (1, 2, 2), "教育局": (2, 1, 2)}           # 2023 only: 教育局 reported then
    assert peers.filter(peers["is_self"])["member"].to_list() == ["教育局"]
    reports = queries.run(conn, "unit_reports", level="dept", unit="卫健委")
    assert sorted(reports["implementing_unit"].to_list()) == ["丁单位", "丙单位"]
    # A unit's name is no department's.
    assert queries.run(conn, "unit_years", level="dept", unit="甲单位", **PARAMS).height == 0


def test_a_department_link_opens_its_profile_with_its_units(open_page, page_store):
    dept, units = fetch(page_store, """
        select supervising_dept, count(distinct implementing_unit) from reports
        where parse_status <> 'failed' and supervising_dept is not null and fiscal_year is not null
        group by 1 order by 2 desc, 1 limit 1""")[0]
    app = open_page("units.py")
    app.query_params["dept"] = dept
    app.run()
    assert not app.exception
    assert any("主管部门：本页显示其所属单位的全部报告" in caption.value for caption in app.caption)
    shown = unit_names(next(frame.value for frame in app.dataframe if "parse_status" in frame.value.columns))
    assert shown["implementing_unit"].nunique() == units
    peers = [frame.value for frame in app.dataframe if "peer_group" in frame.value.columns]
    assert len(peers) == 2 and all(dept in unit_names(frame, "member", "dept")["member"].tolist() for frame in peers)


def test_a_unit_picked_on_a_departments_page_opens_the_units_profile(open_page, corpus_unit):
    unit = corpus_unit[0]
    app = open_page("units.py")
    app.query_params["dept"] = "没有这个部门"
    app.run()
    assert any("没有名为“没有这个部门”的主管部门" in warning.value for warning in app.warning)
    app.text_input(key="units_search").input(unit).run()
    app.selectbox(key="units_pick").set_value(unit).run()
    assert not app.exception
    assert "dept" not in app.query_params and app.query_params["unit"] in (unit, [unit])
    assert tables(app, "years")
