"""Year over year on the budget page (queries/budget_years_by_category.sql, budget_years_by_unit.sql):
each category's and unit's amounts against its previous year present, and which moves pass
the configured share, on a store made by hand."""
from __future__ import annotations

import pytest
from conftest import store_of_reports

import queries
from app_pages.filters import Filters
from ingest import config
from ingest.report import BudgetLine, Report

# jixiao.toml's values as this test states them, so that a changed setting does not change it.
MOVES = {"move_share": 0.3, "move_min_amount": 10.0}
PARAMS = {**Filters().params(), **MOVES, "limit": 100}


def _lines(*lines: tuple[str, str, float | None, float | None]) -> list[BudgetLine]:
    return [BudgetLine(number, category, code, category, planned, actual, "table")
            for number, (category, code, planned, actual) in enumerate(lines, start=1)]


def _category_store():
    """办公费 moves its plan 50 % and its actual 10 % from 2021 to 2022, then stays put until
    2024 (no lines in 2023); 印刷费 moves 150 % on 2 万元; 会议费's plan moves exactly 30 %;
    差旅费 is spent without a plan, 20 then 30."""
    return store_of_reports([
        Report(implementing_unit="甲单位", fiscal_year=2021, budget_lines=_lines(
            ("办公费", "30201", 100.0, 100.0), ("印刷费", "30202", 2.0, 2.0), ("会议费", "30215", 10.0, 10.0),
            ("差旅费", "30211", None, 20.0))),
        Report(implementing_unit="甲单位", fiscal_year=2022, budget_lines=_lines(
            ("办公费", "30201", 90.0, 60.0), ("印刷费", "30202", 5.0, 5.0), ("会议费", "30215", 13.0, 13.0),
            ("差旅费", "30211", None, 30.0))),
        Report(implementing_unit="乙单位", fiscal_year=2022, budget_lines=_lines(("办公费", "30201", 60.0, 50.0))),
        Report(implementing_unit="甲单位", fiscal_year=2024, budget_lines=_lines(("办公费", "30201", 150.0, 110.0))),
        Report(implementing_unit="丙单位", fiscal_year=None, budget_lines=_lines(("办公费", "30201", 999.0, 999.0))),
    ])


def _rows(frame, key: str) -> dict:
    return {(row[key], row["fiscal_year"]): row for row in frame.to_dicts()}


def test_a_category_moving_half_is_marked_and_one_moving_a_tenth_is_not():
    frame = queries.run(_category_store(), "budget_years_by_category", **PARAMS)
    rows = _rows(frame, "category")
    office = rows[("办公费", 2022)]                  # two reports' lines: 90 + 60 planned, 60 + 50 actual
    assert (office["planned"], office["actual"], office["prev_year"]) == (150.0, 110.0, 2021)
    assert (office["planned_change"], office["planned_change_share"], office["planned_moved"]) == (50.0, 0.5, True)
    assert (office["actual_change"], office["actual_change_share"], office["actual_moved"]) == (10.0, 0.1, False)
    assert office["moved"] is True
    assert (office["category_code"], office["category_en"]) == ("30201", "Office expenses")
    # 2023 has no 办公费 lines: 2024 is compared with 2022, and has not moved.
    later = rows[("办公费", 2024)]
    assert (later["prev_year"], later["planned_change"], later["actual_change"], later["moved"]) == (2022, 0.0, 0.0, False)
    # The first year has nothing to compare with; a report without a year is in no year.
    first = rows[("办公费", 2021)]
    assert (first["prev_year"], first["planned_change"], first["planned_change_share"], first["moved"]) == (
        None, None, None, False)
    assert {year for category, year in rows if category == "办公费"} == {2021, 2022, 2024}


def test_small_lines_exactly_the_share_and_unplanned_spending():
    rows = _rows(queries.run(_category_store(), "budget_years_by_category", **PARAMS), "category")
    printing = rows[("印刷费", 2022)]                 # +150 %, but 2 and 5 万元 are under min_amount
    assert (printing["planned_change_share"], printing["moved"]) == (1.5, False)
    meetings = rows[("会议费", 2022)]                 # 10 -> 13 is 30 %, not more than 30 %
    assert (meetings["planned_change"], meetings["planned_change_share"], meetings["moved"]) == (3.0, 0.3, False)
    assert queries.run(_category_store(), "budget_years_by_category",
                       **{**PARAMS, "move_min_amount": 1.0})["moved"].sum() > 0
    travel = rows[("差旅费", 2022)]                   # actual counts money spent without a plan; no plan, no share
    assert (travel["planned"], travel["planned_change_share"], travel["planned_moved"]) == (0.0, None, False)
    assert (travel["actual"], travel["actual_change"], travel["actual_change_share"], travel["actual_moved"]) == (
        30.0, 10.0, 0.5, True)


def test_categories_come_largest_first_and_are_capped():
    conn = _category_store()
    frame = queries.run(conn, "budget_years_by_category", **PARAMS)
    assert frame["category"].unique(maintain_order=True).to_list() == ["办公费", "差旅费", "会议费", "印刷费"]
    assert set(frame["category_total"]) == {4}
    capped = queries.run(conn, "budget_years_by_category", **{**PARAMS, "limit": 1})
    assert set(capped["category"]) == {"办公费"} and set(capped["category_total"]) == {4}
    one_year = queries.run(conn, "budget_years_by_category", **{**PARAMS, "years": [2022]})
    assert one_year["prev_year"].null_count() == one_year.height and not one_year["moved"].any()


def _unit_store():
    """甲单位's budget moves 50 % (100 to an adjusted 150) while its spending moves 10 %; 乙单位
    moves 10 % on two reports; 丙单位 has one year only."""
    return store_of_reports([
        Report(implementing_unit="甲单位", fiscal_year=2021, budget_planned=100.0, spent=90.0),
        Report(implementing_unit="甲单位", fiscal_year=2022, budget_planned=120.0, budget_adjusted=150.0, spent=99.0),
        Report(implementing_unit="乙单位", fiscal_year=2021, budget_planned=200.0, spent=200.0),
        Report(implementing_unit="乙单位", fiscal_year=2022, budget_planned=110.0, spent=110.0),
        Report(implementing_unit="乙单位", fiscal_year=2022, budget_planned=110.0, spent=110.0),
        Report(implementing_unit="丙单位", fiscal_year=2022, budget_planned=500.0, spent=100.0),
        Report(implementing_unit=None, fiscal_year=2022, budget_planned=500.0, spent=100.0),
    ])


def test_a_unit_moving_half_is_marked_and_one_moving_a_tenth_is_not():
    frame = queries.run(_unit_store(), "budget_years_by_unit", **PARAMS)
    assert [(row["implementing_unit"], row["fiscal_year"], row["unit_rank"]) for row in frame.to_dicts()] == [
        ("甲单位", 2021, 1), ("甲单位", 2022, 1), ("乙单位", 2021, 2), ("乙单位", 2022, 2)]
    assert set(frame["unit_total"]) == {2} and set(frame["moved_units"]) == {1}
    rows = _rows(frame, "implementing_unit")
    first = rows[("甲单位", 2022)]
    assert (first["budget"], first["spent"], first["execution_rate"], first["prev_year"]) == (150.0, 99.0, 66.0, 2021)
    assert (first["budget_change"], first["budget_change_share"], first["budget_moved"]) == (50.0, 0.5, True)
    assert (first["spent_change"], first["spent_change_share"], first["spent_moved"]) == (9.0, 0.1, False)
    assert (first["moved"], first["largest_move"]) == (True, 50.0)
    second = rows[("乙单位", 2022)]
    assert (second["reports"], second["budget"], second["budget_change"], second["budget_change_share"]) == (
        2, 220.0, 20.0, 0.1)
    assert (second["spent_change_share"], second["moved"], second["largest_move"]) == (0.1, False, None)


def test_units_are_capped_the_largest_move_first():
    conn = _unit_store()
    capped = queries.run(conn, "budget_years_by_unit", **{**PARAMS, "limit": 1})
    assert set(capped["implementing_unit"]) == {"甲单位"} and set(capped["unit_total"]) == {2}
    stricter = queries.run(conn, "budget_years_by_unit", **{**PARAMS, "move_share": 0.5})
    assert not stricter["moved"].any()                  # 50 % is not more than 50 %
    filtered = queries.run(conn, "budget_years_by_unit", **{**PARAMS, "units": ["乙单位"]})
    assert set(filtered["implementing_unit"]) == {"乙单位"}


def test_the_share_comes_from_jixiao_toml():
    settings = config.load()
    moves = config.year_over_year_params(settings)
    assert moves == {"move_share": float(settings["year_over_year"]["move_share"]),
                     "move_min_amount": float(settings["year_over_year"]["min_amount"])}
    assert moves.items() <= config.signal_params(settings).items()     # bound to every page query that names them
    assert {"move_share", "move_min_amount", "limit"} <= queries.parameters("budget_years_by_unit")
    assert queries.parameters("budget_years_by_category") == queries.parameters("budget_years_by_unit")
