"""samples/truth.py: truth files that are well-formed and follow from their own numbers.

The numeric rules of SPEC §3 are worked out again here from the truth file alone, and must
list exactly what the generator's truth lists.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

import pytest

from ingest.report import REPORT_FIELDS
from samples import generate, reference
from samples.layout import text_of
from samples.plan import RULES

SEED = 20240611
PLANNED = 800
TRUTH_FIELDS = [f for f in REPORT_FIELDS if f not in ("arrival_rate", "execution_rate")]
CATEGORY_NAMES = {c.name for c in reference.categories().values()}


@pytest.fixture(scope="module")
def planned():
    return list(generate(PLANNED, SEED))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def test_truth_is_well_formed(planned):
    names = {s.name for s in planned}
    for sample in planned:
        truth = sample.truth
        report = truth["report"]
        assert list(report) == TRUTH_FIELDS
        assert truth["parse_status"] == "ok"
        assert report["grade"] in ("优", "良", "中", "差")
        assert 0 <= report["self_score"] <= 100
        assert dt.date.fromisoformat(report["report_date"]).year in (report["fiscal_year"], report["fiscal_year"] + 1)
        for line in truth["budget_lines"]:
            assert line["category"] in CATEGORY_NAMES and line["category_code"] and line["category_raw"]
            assert line["origin"] == ("table" if truth["shape"] == "table" else "text")
        codes = [line["category_code"] for line in truth["budget_lines"]]
        assert len(codes) == len(set(codes))
        if truth["shape"] != "zibiao":
            assert not truth["indicators"]
        else:
            assert truth["indicators"] and report["funds_arrived"] is None and report["period_start"] is None
        line_subjects = {line["category"] for line in truth["budget_lines"]}
        indicator_subjects = {i["name"] for i in truth["indicators"]}
        for anomaly in truth["anomalies"]:
            rule, subject = anomaly["rule"], anomaly["subject"]
            assert rule in RULES
            if rule in ("OVERSPEND_LINE", "UNPLANNED_LINE", "UNIT_SUSPECT"):
                assert subject in line_subjects, anomaly
            elif rule == "TEXT_TABLE_MISMATCH":
                assert subject == "total" or subject in line_subjects, anomaly
            elif rule in ("INDICATOR_OVER_WEIGHT", "UNMET_TARGET_FULL_SCORE"):
                assert subject in indicator_subjects, anomaly
            elif rule == "DUPLICATE_REPORT":
                assert subject in names and subject != truth["file"]
            else:
                assert subject is None, anomaly
        pairs = [(a["rule"], a["subject"]) for a in truth["anomalies"]]
        assert len(pairs) == len(set(pairs))


def test_duplicates_come_in_pairs_that_differ_only_in_who_filed_them(planned):
    by_name = {s.name: s.truth for s in planned}
    pairs = 0
    for name, truth in by_name.items():
        for anomaly in truth["anomalies"]:
            if anomaly["rule"] != "DUPLICATE_REPORT":
                continue
            other = by_name[anomaly["subject"]]
            assert {"rule": "DUPLICATE_REPORT", "subject": name} in other["anomalies"]
            mine, theirs = dict(truth["report"]), dict(other["report"])
            for key in ("implementing_unit", "supervising_dept", "province", "region", "report_date"):
                mine.pop(key), theirs.pop(key)
            assert mine == theirs
            assert truth["budget_lines"] == other["budget_lines"]
            assert truth["report"]["implementing_unit"] != other["report"]["implementing_unit"]
            pairs += 1
    assert pairs >= 4


def _cents(value) -> int | None:
    return None if value is None else int((Decimal(str(value)) * 10000).to_integral_value())


def _number_in(text: str) -> Decimal | None:
    found = re.search(r"\d+(?:\.\d+)?", nfkc(text))
    return Decimal(found.group(0)) if found else None


def _numeric_rules(truth: dict, bands_stated: bool) -> set[tuple[str, str | None]]:
    """SPEC §3 again, from the truth file alone (the execution-rate score aside)."""
    r = truth["report"]
    found: set[tuple[str, str | None]] = set()
    budget = _cents(r["budget_adjusted"] if r["budget_adjusted"] is not None else r["budget_planned"])
    spent, arrived, score = _cents(r["spent"]), _cents(r["funds_arrived"]), Decimal(str(r["self_score"]))
    lines = truth["budget_lines"]
    table = truth["shape"] == "table"
    for line in lines:
        planned, actual = _cents(line["planned"]), _cents(line["actual"])
        if table and planned and actual > planned:
            found.add(("OVERSPEND_LINE", line["category"]))
        if table and not planned and actual > 0:
            found.add(("UNPLANNED_LINE", line["category"]))
    if score == 100 and arrived is not None and arrived < budget:
        found.add(("FULL_SCORE_PARTIAL_ARRIVAL", None))
    if score == 100 and spent < budget:
        found.add(("FULL_SCORE_PARTIAL_EXECUTION", None))
    if lines:
        off = abs(sum(_cents(line["actual"]) for line in lines) - spent) > 100
        if table:
            off |= abs(sum(_cents(line["planned"]) or 0 for line in lines) - budget) > 100
        if off:
            found.add(("LINES_SUM_MISMATCH", None))
    if arrived is not None and spent > arrived:
        found.add(("SPENT_EXCEEDS_ARRIVED", None))
    wrong = False
    if r["execution_rate_stated"] is not None:
        wrong |= abs(Decimal(str(r["execution_rate_stated"])) - Decimal(spent * 100) / budget) > Decimal("0.1")
    if r["arrival_rate_stated"] is not None:
        wrong |= abs(Decimal(str(r["arrival_rate_stated"])) - Decimal(arrived * 100) / budget) > Decimal("0.1")
    if wrong:
        found.add(("STATED_RATE_MISMATCH", None))
    bands = ((95, "优"), (85, "良"), (60, "中")) if bands_stated else ((90, "优"), (80, "良"), (60, "中"))
    expected = next((grade for low, grade in bands if score >= low), "差")
    if r["grade"] != expected:
        found.add(("GRADE_SCORE_MISMATCH", None))
    for indicator in truth["indicators"]:
        weight, got = Decimal(str(indicator["weight"])), Decimal(str(indicator["score"]))
        if got > weight:
            found.add(("INDICATOR_OVER_WEIGHT", indicator["name"]))
        target, actual = nfkc(indicator["target_raw"]), _number_in(indicator["actual_raw"])
        if target.startswith("≥") and actual is not None and actual < _number_in(target) and got >= weight:
            found.add(("UNMET_TARGET_FULL_SCORE", indicator["name"]))
    return found


NUMERIC = {"OVERSPEND_LINE", "UNPLANNED_LINE", "FULL_SCORE_PARTIAL_ARRIVAL", "FULL_SCORE_PARTIAL_EXECUTION",
           "LINES_SUM_MISMATCH", "SPENT_EXCEEDS_ARRIVED", "STATED_RATE_MISMATCH", "GRADE_SCORE_MISMATCH",
           "INDICATOR_OVER_WEIGHT", "UNMET_TARGET_FULL_SCORE"}


def test_numeric_anomalies_follow_from_the_truths_own_numbers(planned):
    for sample in planned:
        text = text_of(sample.plan)
        listed = {(a["rule"], a["subject"]) for a in sample.truth["anomalies"] if a["rule"] in NUMERIC}
        assert listed == _numeric_rules(sample.truth, "95分以上为优" in text), sample.name
