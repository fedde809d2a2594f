"""samples/panel.py: each planted pattern as its truth files state it, the same seed the same
panel, and the panel ingested (as `python -m samples OUT --panel` writes it) against its truth."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from fractions import Fraction

import duckdb
import pytest
from conftest import SHARED
from truth import load_truths, read_truth, rows

from ingest.pipeline import ingest
from samples.__main__ import main
from samples.panel import DEPT_REPORTS, OWN_BANDS_PROVINCE, PROVINCE_REPORTS, generate_panel

SEED = 0
YEARS = (2020, 2021, 2022, 2023)
BACKGROUND = 40
COUNT = len(YEARS) + 2 + DEPT_REPORTS + PROVINCE_REPORTS + BACKGROUND


@pytest.fixture(scope="module")
def panel():
    return generate_panel(SEED, YEARS, BACKGROUND)


@pytest.fixture(scope="module")
def truths(panel):
    return [sample.truth for sample in panel]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("panel")
    assert main([str(out), "--panel", "--seed", str(SEED)]) == 0
    return out


def execution_rate(report: dict) -> Fraction:
    """Spent over the budget (adjusted where stated), in per cent, exactly."""
    budget = report["budget_adjusted"] if report["budget_adjusted"] is not None else report["budget_planned"]
    return Fraction(str(report["spent"])) / Fraction(str(budget)) * 100


def rules(truth: dict) -> set[str]:
    return {anomaly["rule"] for anomaly in truth["anomalies"]}


def by_work(truths: list[dict]) -> dict[tuple[str, str], list[dict]]:
    """Reports by (unit, project), each list in fiscal-year order."""
    groups = defaultdict(list)
    for truth in truths:
        groups[truth["report"]["implementing_unit"], truth["report"]["project_name"]].append(truth)
    return {work: sorted(group, key=lambda t: t["report"]["fiscal_year"]) for work, group in groups.items()}


def test_names_and_years(truths):
    assert [t["file"] for t in truths] == [f"panel-{n:05d}.docx" for n in range(1, COUNT + 1)]
    assert {t["report"]["fiscal_year"] for t in truths} == set(YEARS)


def test_same_seed_same_panel(panel, folder):
    again = generate_panel(SEED, YEARS, BACKGROUND)
    assert [s.name for s in again] == [s.name for s in panel]
    assert [s.truth for s in again] == [s.truth for s in panel]
    assert again[0].render() == (folder / panel[0].name).read_bytes()
    other = generate_panel(SEED + 1, YEARS, BACKGROUND)
    assert [s.truth["report"] for s in other] != [s.truth["report"] for s in panel]


def test_steady_full_scorer(truths):
    steady = [group for group in by_work(truths).values()
              if [t["report"]["fiscal_year"] for t in group] == list(YEARS)
              and all(t["report"]["self_score"] == 100 for t in group)]
    assert len(steady) == 1
    reports = steady[0]
    assert len({(t["report"]["supervising_dept"], t["report"]["region"]) for t in reports}) == 1
    rates = [execution_rate(t["report"]) for t in reports]
    assert 95 <= rates[0] <= 100
    assert all(later <= earlier - 5 for earlier, later in zip(rates, rates[1:])), [float(r) for r in rates]
    for truth, rate in zip(reports, rates):
        assert ("FULL_SCORE_PARTIAL_EXECUTION" in rules(truth)) == (rate < 100), truth["file"]


def test_copied_narrative(truths):
    by_file = {t["file"]: t for t in truths}
    repeats = [(t, a["subject"]) for t in truths for a in t["anomalies"] if a["rule"] == "NARRATIVE_REPEATS_LAST_YEAR"]
    assert len(repeats) == 1
    later, earlier_file = repeats[0]
    earlier = by_file[earlier_file]
    work = ("implementing_unit", "project_name")
    assert [earlier["report"][f] for f in work] == [later["report"][f] for f in work]
    assert YEARS.index(later["report"]["fiscal_year"]) == YEARS.index(earlier["report"]["fiscal_year"]) + 1
    assert "NARRATIVE_REPEATS_LAST_YEAR" not in rules(earlier)


def test_full_score_department(truths):
    departments = defaultdict(list)
    for truth in truths:
        departments[truth["report"]["supervising_dept"]].append(truth["report"])
    biggest = [reports for dept, reports in departments.items() if dept is not None and len(reports) >= DEPT_REPORTS]
    assert len(biggest) == 1
    reports = biggest[0]
    assert len(reports) == DEPT_REPORTS == 20
    assert sorted(r["self_score"] == 100 for r in reports) == [False] + [True] * 19
    assert len({r["implementing_unit"] for r in reports}) >= 3
    assert {r["fiscal_year"] for r in reports} == set(YEARS)
    works = [(r["implementing_unit"], r["project_name"], r["fiscal_year"]) for r in reports]
    assert len(set(works)) == len(works)           # no revisions of one report


def test_own_bands_province(panel):
    reports = [s for s in panel if s.truth["report"]["province"] == OWN_BANDS_PROVINCE]
    assert len(reports) == PROVINCE_REPORTS == 6
    for sample in reports:
        report = sample.truth["report"]
        assert 85 <= report["self_score"] < 90 and report["grade"] == "优", sample.name
        assert not sample.plan.bands_stated, sample.name
        assert "GRADE_SCORE_MISMATCH" in rules(sample.truth), sample.name


def test_background_spread_over_the_years_with_no_pairs(truths):
    background = truths[-BACKGROUND:]
    assert {t["report"]["fiscal_year"] for t in background} == set(YEARS)
    assert not {"DUPLICATE_REPORT", "NARRATIVE_REPEATS_LAST_YEAR"} & set().union(*map(rules, background))


def test_moved_reports_keep_their_dates_and_deadlines_in_their_year(panel):
    deadlines = 0
    for sample in panel:
        report, year = sample.truth["report"], sample.truth["report"]["fiscal_year"]
        assert dt.date.fromisoformat(report["report_date"]).year in (year, year + 1), sample.name
        if report["period_start"]:
            assert dt.date.fromisoformat(report["period_end"]).year == year, sample.name
        for indicator in sample.truth["indicators"]:
            named = re.match(r"(\d{4})年", unicodedata.normalize("NFKC", indicator["target_raw"]))
            if named:
                deadlines += 1
                assert int(named.group(1)) == year, (sample.name, indicator["target_raw"])
    assert deadlines > 0


def test_ingested_panel_matches_its_truth(folder, tmp_path):
    truths = load_truths(folder)
    assert len(truths) == len(list(folder.glob("*.docx"))) == COUNT
    db = tmp_path / "panel.duckdb"
    summary = ingest([folder], db, workers=2)
    assert (summary.ok + summary.partial, summary.failed) == (COUNT, 0)
    scored = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), str(db), str(folder), "--quiet"],
                            capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    scores = dict(part.split("=") for part in scored.split()[1:])
    for measure in ("field_acc", "lines_f1", "indicators_f1", "anomaly_p", "anomaly_r"):
        assert scores[measure] == "1.0000", scored
    # The scorer leaves NARRATIVE_REPEATS_LAST_YEAR out: every anomaly compared here, as
    # tests/test_generated.py does.
    conn = duckdb.connect(str(db), read_only=True)
    try:
        wrong = []
        for truth in map(read_truth, truths):
            want = {(a["rule"], a["subject"]) for a in truth["anomalies"]}
            got = stored_anomalies(conn, truth["file"])
            if got != want:
                wrong.append((truth["file"], sorted(want - got), sorted(got - want)))
        assert wrong == []
    finally:
        conn.close()


def stored_anomalies(conn, file_name: str) -> set[tuple[str, str | None]]:
    """(rule, subject) of a stored report's anomalies; MISSING_FIELDS, which truth files do
    not label, left out."""
    found = rows(conn, "select a.rule, a.subject from anomalies a join reports r using (report_id) "
                       "where r.file_name = ? and a.rule <> 'MISSING_FIELDS'", [file_name])
    return {(a["rule"], a["subject"]) for a in found}
