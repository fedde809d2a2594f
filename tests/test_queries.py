"""Named queries run against a store filled through the ingest pipeline."""
from __future__ import annotations

import datetime as dt
import math

import duckdb
import pytest
from conftest import store_of_reports

import queries
from app_pages.filters import Filters
from ingest import config
from ingest.report import BudgetLine, Report


@pytest.fixture(scope="module")
def conn(corpus_store):
    connection = duckdb.connect(str(corpus_store), read_only=True)
    yield connection
    connection.close()


def test_ingest_health_counts_each_offered_file_once(conn):
    health = dict(queries.run(conn, "ingest_health").iter_rows())
    assert health == {"ok": 34, "partial": 1}


def test_query_names_cannot_leave_the_folder():
    with pytest.raises((ValueError, FileNotFoundError)):
        queries.sql("../ingest/migrations/001_initial")


# -- corpus-level signals on a store built for them --------------------------------------------

def _report(unit: str, score: float, dept: str = "甲部门", year: int = 2023, execution: float = 100.0,
            amounts: tuple[float, ...] = ()) -> Report:
    lines = [BudgetLine(i + 1, "办公费", "30201", "办公费", None, a, "table") for i, a in enumerate(amounts)]
    return Report(implementing_unit=unit, supervising_dept=dept, fiscal_year=year, self_score=score,
                  execution_rate=execution, budget_lines=lines)


PARAMS = {**config.signal_params(config.load()), **Filters().params()}


def test_full_score_share_by_unit_and_by_department_with_alarm_levels():
    conn = store_of_reports(
        [_report("甲单位", 100.0, "教育局") for _ in range(3)]
        + [_report("乙单位", s, "教育局") for s in (100.0, 100.0, 92.0, 88.0)]
        + [_report("丙单位", s, "卫健委") for s in (100.0, 80.0, 85.0)]
        + [_report("丁单位", 100.0, "卫健委") for _ in range(2)])          # too few reports to judge
    frame = queries.run(conn, "full_score_share_by_group", group="unit", **PARAMS)
    got = [(r["group_name"], r["reports"], r["full_score_reports"], round(r["full_score_share"], 4), r["level"])
           for r in frame.to_dicts()]
    assert got == [("甲单位", 3, 3, 1.0, "alarm"), ("乙单位", 4, 2, 0.5, "warn"), ("丙单位", 3, 1, 0.3333, "ok")]
    frame = queries.run(conn, "full_score_share_by_group", group="dept", **PARAMS)
    got = [(r["group_name"], r["reports"], r["full_score_reports"], round(r["full_score_share"], 4), r["level"])
           for r in frame.to_dicts()]
    assert got == [("教育局", 7, 5, 0.7143, "warn"), ("卫健委", 5, 3, 0.6, "warn")]


def test_full_score_share_by_department_and_year():
    conn = store_of_reports([_report("甲", 100.0, "教育局", 2022) for _ in range(3)]
                          + [_report("乙", s, "教育局", 2023) for s in (100.0, 90.0, 90.0)])
    frame = queries.run(conn, "full_score_share_by_dept", **PARAMS)
    assert [(r["fiscal_year"], r["full_score_reports"], r["level"]) for r in frame.to_dicts()] == [
        (2023, 1, "ok"), (2022, 3, "alarm")]


BENFORD = [math.log10(1 + 1 / d) for d in range(1, 10)]


def test_benford_digits_count_first_digits_of_every_amount():
    conn = store_of_reports([_report("甲", 95.0, amounts=(1.9, 0.73, 11.53, 2.06, 0.07, 1.0))])
    frame = queries.run(conn, "benford_digits", **PARAMS)
    assert frame["amounts"].to_list() == [3, 1, 0, 0, 0, 0, 2, 0, 0]
    assert [round(x, 6) for x in frame["expected_share"].to_list()] == [round(x, 6) for x in BENFORD]
    assert frame["observed_share"][0] == pytest.approx(0.5)


def test_benford_by_unit_mad_and_conformity():
    # 甲: amounts whose first digits follow Benford closely (1000 amounts); 乙: every amount starts with 9.
    conforming = tuple(10 ** (i / 1000) for i in range(1000))
    conn = store_of_reports([_report("甲", 95.0, amounts=conforming), _report("乙", 95.0, amounts=(9.1,) * 40),
                           _report("丙", 95.0, amounts=(1.0,) * 10)])
    frame = queries.run(conn, "benford_by_unit", **PARAMS)
    rows_ = {r["implementing_unit"]: r for r in frame.to_dicts()}
    assert set(rows_) == {"甲", "乙"}                         # 丙 has too few amounts for a test
    assert rows_["甲"]["conformity"] == "close" and rows_["甲"]["mad"] < 0.006
    expected_mad = (sum(BENFORD[:8]) + (1 - BENFORD[8])) / 9
    assert rows_["乙"]["mad"] == pytest.approx(expected_mad) and rows_["乙"]["conformity"] == "nonconformity"


def test_score_inflation_counts_high_scores_with_money_unspent():
    conn = store_of_reports([_report("甲", 98.0, execution=60.0), _report("甲", 95.0, execution=75.0),
                           _report("甲", 92.0, execution=99.0), _report("乙", 85.0, execution=70.0),
                           _report("乙", 80.0, execution=60.0), _report("乙", 90.0, execution=95.0)])
    frame = queries.run(conn, "score_inflation_by_group", group="unit", **PARAMS)
    got = {r["group_name"]: r["inflated_reports"] for r in frame.to_dicts()}
    assert got == {"甲": 2, "乙": 0}


def test_full_marks_are_the_configured_points_on_every_page():
    conn = store_of_reports([_report("甲", 100.0), _report("甲", 95.0), _report("乙", 90.0)])
    for points, full in ((100.0, 1), (95.0, 2)):
        params = {**PARAMS, "full_points": points}
        assert queries.run(conn, "overview_totals", **params)["full_score_reports"][0] == full
        assert queries.run(conn, "scores_summary", **params)["full_score_reports"][0] == full
        assert queries.run(conn, "trend_by_year", **params)["full_score_share"][0] == pytest.approx(full / 3)
    conn.close()


def test_the_scope_is_built_from_each_runs_own_filters():
    conn = store_of_reports([_report("甲", 100.0, year=2022), _report("乙", 90.0, year=2023), _report("乙", 80.0)])
    assert {"years", "text", "statuses"} <= queries.parameters("scores_summary")
    for filters, reports in (({"years": [2022]}, 1), ({}, 3), ({"text": "乙"}, 2), ({"score_min": 85.0}, 2)):
        assert queries.run(conn, "scores_summary", **{**PARAMS, **filters})["reports"][0] == reports, filters
    conn.close()


def test_a_page_runs_queries_of_one_set_of_filters_on_one_scope():
    """reuse_scope (the dashboard's): the scope is built once per set of filters on a
    connection, again when they change; without it, every query builds its own."""
    conn = store_of_reports([_report("甲", 100.0, year=2022), _report("乙", 90.0, year=2023)])
    one_year = {**PARAMS, "years": [2022]}
    built = []
    original = queries.sql

    def counting(name):
        if name == queries.SCOPE:
            built.append(name)
        return original(name)

    queries.sql = counting
    try:
        for _ in range(3):
            assert queries.run(conn, "scores_summary", reuse_scope=True, **one_year)["reports"][0] == 1
        assert len(built) == 1
        assert queries.run(conn, "scores_summary", reuse_scope=True, **PARAMS)["reports"][0] == 2
        assert len(built) == 2
        assert queries.run(conn, "scores_summary", reuse_scope=True, **one_year)["reports"][0] == 1
        assert len(built) == 3
        for _ in range(2):
            queries.run(conn, "scores_summary", **one_year)
        assert len(built) == 5
    finally:
        queries.sql = original
        conn.close()


def test_queries_bind_only_their_own_parameters():
    conn = store_of_reports([_report("甲", 100.0)])
    frame = queries.run(conn, "ingest_health", unused="ignored", **PARAMS)
    assert frame.height == 0
    with pytest.raises(KeyError):
        queries.run(conn, "full_score_share_by_group")


# -- the attention list ------------------------------------------------------------------------

def test_attention_list_orders_by_open_high_then_medium_then_file_name():
    conn = store_of_reports([_report(f"单位{i}", 90.0) for i in range(8)])
    rows = [  # report, rule, severity, subject
        (0, "A", "high", ""), (0, "B", "high", "x"), (0, "C", "low", ""),
        (1, "A", "high", ""), (1, "D", "medium", ""),
        (2, "A", "high", ""), (2, "D", "medium", ""),          # ties report 1: file name decides
        (3, "A", "high", ""), (3, "B", "high", "y"),           # its second high is dismissed below
        (4, "D", "medium", ""), (4, "E", "medium", "z"),
        (5, "C", "low", ""),                                   # only low: never listed
        (6, "A", "high", ""),                                  # confirmed: closed
        (7, "D", "medium", ""),
    ]
    conn.executemany("insert into anomalies (report_id, rule, severity, subject, report_no) "
                     "select ?, ?, ?, nullif(?, ''), report_no from reports where report_id = ?",
                     [(f"{r:016x}", rule, severity, subject, f"{r:016x}") for r, rule, severity, subject in rows])
    stamp = dt.datetime(2026, 1, 1)
    conn.executemany("insert into reviews (report_id, rule, subject, status, reviewed_at) values (?, ?, ?, ?, ?)", [
        (f"{3:016x}", "B", "y", "confirmed", stamp),
        (f"{3:016x}", "B", "y", "dismissed", stamp + dt.timedelta(hours=1)),   # the latest verdict counts
        (f"{6:016x}", "A", "", "confirmed", stamp),
        (f"{7:016x}", "D", "", "dismissed", stamp),
        (f"{7:016x}", "D", "", "open", stamp + dt.timedelta(hours=1)),         # reopened
    ])
    listed = queries.run(conn, "attention_reports", limit=20, **PARAMS)
    assert listed.select("file_name", "high", "medium", "open_anomalies", "rules").rows() == [
        ("r0.docx", 2, 0, 2, ["A", "B"]),
        ("r1.docx", 1, 1, 2, ["A", "D"]),
        ("r2.docx", 1, 1, 2, ["A", "D"]),
        ("r3.docx", 1, 0, 1, ["A", "B"]),        # the rule list names every rule, reviewed or not
        ("r4.docx", 0, 2, 2, ["D", "E"]),
        ("r7.docx", 0, 1, 1, ["D"]),
    ]
    cut = queries.run(conn, "attention_reports", limit=2, **PARAMS)     # the cut falls inside a tie
    assert cut["file_name"].to_list() == ["r0.docx", "r1.docx"]
    conn.close()
