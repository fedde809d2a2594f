"""Across years and peers (issue 16) on a store of the sample generator's multi-year panel
(samples/panel.py): each planted pattern as the unit profile, the believability ranking and
the rule sets per province show it, with the values its truth files give."""
from __future__ import annotations

import copy
from collections import defaultdict

import duckdb
import pytest
from truth import load_truths, read_truth

import queries
from app_pages.filters import Filters
from ingest import config
from ingest.pipeline import ingest
from ingest.rules import PAIR_RULES, run_rules
from samples.panel import DEPT_REPORTS, OWN_BANDS_PROVINCE, PROVINCE_REPORTS, write_panel

NATIONAL = config.load()
# The panel's province given bands of its own for the panel's years: 优 from 85.
OWN_BANDS = {"name": "江西省办法（示例）", "province": OWN_BANDS_PROVINCE, "years": [2020, 2023], "grades": {"优": 85}}


def with_sets(*provincial: dict) -> dict:
    settings = copy.deepcopy(NATIONAL)
    settings["rule_sets"]["province"] = list(provincial)
    return settings


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    """(store, truths by file name) of the panel, seed 0."""
    folder = tmp_path_factory.mktemp("panel")
    write_panel(folder)
    store = folder / "panel.duckdb"
    summary = ingest([folder], store, workers=2)
    assert summary.failed == 0
    return store, {truth["file"]: truth for truth in map(read_truth, load_truths(folder))}


def connect(store) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(str(store), read_only=True)
    queries.prepare(conn)
    return conn


def by(truths: dict, **fields) -> list[dict]:
    return [t for t in truths.values() if all(t["report"][k] == v for k, v in fields.items())]


def test_the_unit_at_full_marks_every_year_shows_its_execution_falling(panel):
    store, truths = panel
    rows = [t["report"] for t in truths.values()]
    unit = next(r["implementing_unit"] for r in rows
                if len({s["fiscal_year"] for s in rows if s["implementing_unit"] == r["implementing_unit"]}) >= 4
                and all(s["self_score"] == 100 for s in rows if s["implementing_unit"] == r["implementing_unit"]))
    mine = sorted((r for r in rows if r["implementing_unit"] == unit), key=lambda r: r["fiscal_year"])
    expected = [round(100 * r["spent"] / (r["budget_adjusted"] or r["budget_planned"]), 4) for r in mine]
    years = queries.run(connect(store), "unit_years", level="unit", unit=unit, full_points=100.0)
    assert years["fiscal_year"].to_list() == [r["fiscal_year"] for r in mine] == [2020, 2021, 2022, 2023]
    assert years["self_score_avg"].to_list() == [100.0] * 4 and years["full_score_share"].to_list() == [1.0] * 4
    assert [round(rate, 4) for rate in years["execution_rate"]] == expected
    assert all(later <= earlier - 5 for earlier, later in zip(expected, expected[1:]))
    # Each year's profile names the rule its truth holds: full marks while money went unspent.
    for row in years.iter_rows(named=True):
        assert "FULL_SCORE_PARTIAL_EXECUTION" in [top["rule"] for top in row["top_rules"]]


def test_the_narrative_copied_from_last_year_shows_in_the_units_reuse(panel):
    store, truths = panel
    repeats = [(t["file"], a["subject"]) for t in truths.values() for a in t["anomalies"]
               if a["rule"] == "NARRATIVE_REPEATS_LAST_YEAR"]
    assert len(repeats) == 1
    later, earlier = repeats[0]
    unit = truths[later]["report"]["implementing_unit"]
    assert truths[earlier]["report"]["fiscal_year"] == truths[later]["report"]["fiscal_year"] - 1
    reuse = queries.run(connect(store), "unit_reuse", level="unit", unit=unit, rules=list(PAIR_RULES))
    assert [(row["file_name"], row["rule"], row["subject"]) for row in reuse.iter_rows(named=True)] == [
        (later, "NARRATIVE_REPEATS_LAST_YEAR", earlier)]


def test_the_department_at_95_percent_full_scores_tops_the_believability_ranking(panel):
    store, truths = panel
    per_dept: dict[str, list[float]] = defaultdict(list)
    for truth in truths.values():
        per_dept[truth["report"]["supervising_dept"]].append(truth["report"]["self_score"])
    dept = next(name for name, scores in per_dept.items() if len(scores) == DEPT_REPORTS)
    assert sum(score == 100 for score in per_dept[dept]) == DEPT_REPORTS - 1
    ranking = queries.run(connect(store), "believability_ranking", **Filters().params(), group="dept",
                          full_points=100.0, min_reports=3)
    top = ranking.row(0, named=True)
    assert (top["group_name"], top["reports"], top["full_score_reports"]) == (dept, 20, 19)
    assert top["full_score_share"] == pytest.approx(0.95)
    # Wilson's 95 % interval of 19 in 20: 0.764 to 0.991, ranked by the lower bound.
    assert (round(top["share_low"], 3), round(top["share_high"], 3)) == (0.764, 0.991)


def test_a_provinces_own_bands_change_the_grade_verdicts_of_its_reports(panel, tmp_path):
    store, truths = panel
    own = sorted(t["file"] for t in by(truths, province=OWN_BANDS_PROVINCE))
    assert len(own) == PROVINCE_REPORTS
    assert all(85 <= truths[name]["report"]["self_score"] < 90 and truths[name]["report"]["grade"] == "优"
               for name in own)
    # The truth files judge by the national bands: each of the province's reports is a mismatch.
    national = sorted(t["file"] for t in truths.values()
                      if any(a["rule"] == "GRADE_SCORE_MISMATCH" for a in t["anomalies"]))
    assert set(own) <= set(national)
    copied = tmp_path / "panel.duckdb"
    copied.write_bytes(store.read_bytes())
    conn = duckdb.connect(str(copied))

    def mismatches() -> list[str]:
        return sorted(row[0] for row in conn.execute(
            "select r.file_name from anomalies a join reports r using (report_id) "
            "where a.rule = 'GRADE_SCORE_MISMATCH'").fetchall())

    assert mismatches() == national
    run_rules(conn, with_sets(OWN_BANDS))
    assert mismatches() == sorted(set(national) - set(own))
    applied = queries.run(conn, "report_rule_set", report_id=conn.execute(
        "select report_id from reports where file_name = ?", [own[0]]).fetchall()[0][0])
    assert applied["rule_set"][0] == "江西省办法（示例）" and applied["you"][0] == 85
    run_rules(conn, with_sets())
    assert mismatches() == national
    conn.close()
