"""samples/truth.py: truth files that are well-formed and follow from their own numbers.

The numeric rules of SPEC §3 are worked out again here from the truth file alone, and must
list exactly what the generator's truth lists.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

import pytest

from ingest import config
from ingest.report import REPORT_FIELDS
from samples import generate, reference
from samples.layout import text_of
from samples.plan import (LEVEL1, MEASURED_LEVELS, MONEY_MEASURES, REVIEW_RULES, RULES, SURVEY_WORDS, TIME_WORDS,
                          TOO_LOW_SHARE, at_least, survey_mentioned)

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
            elif rule in ("INDICATOR_OVER_WEIGHT", "UNMET_TARGET_FULL_SCORE", *REVIEW_RULES):
                assert subject in indicator_subjects, anomaly
            elif rule in ("DUPLICATE_REPORT", "NARRATIVE_REPEATS_LAST_YEAR"):
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


def test_repeated_narratives_are_one_unit_and_project_a_year_apart(planned):
    by_name = {s.name: s for s in planned}
    repeats = rewritten = 0
    for sample in planned:
        for anomaly in sample.truth["anomalies"]:
            if anomaly["rule"] != "NARRATIVE_REPEATS_LAST_YEAR":
                continue
            earlier = by_name[anomaly["subject"]]
            mine, theirs = sample.truth["report"], earlier.truth["report"]
            assert (mine["implementing_unit"], mine["project_name"]) == (theirs["implementing_unit"],
                                                                        theirs["project_name"])
            assert mine["fiscal_year"] == theirs["fiscal_year"] + 1
            assert not [a for a in earlier.truth["anomalies"] if a["rule"] == "NARRATIVE_REPEATS_LAST_YEAR"]
            assert sample.plan.text_seed == earlier.plan.text_seed          # the same wording
            repeats += 1
    # The near miss: the same unit's same project a year apart, written anew, listed for neither.
    for first, second in zip(planned, planned[1:]):
        a, b = first.truth["report"], second.truth["report"]
        if ((a["implementing_unit"], a["project_name"]) == (b["implementing_unit"], b["project_name"])
                and abs(a["fiscal_year"] - b["fiscal_year"]) == 1 and first.plan.text_seed != second.plan.text_seed):
            assert not {x["rule"] for x in first.truth["anomalies"] + second.truth["anomalies"]} & {
                "NARRATIVE_REPEATS_LAST_YEAR", "DUPLICATE_REPORT"}
            rewritten += 1
    assert repeats >= 4 and rewritten >= 1


def test_the_survey_the_truth_assumes_is_in_the_text(planned):
    """SATISFACTION_WITHOUT_SURVEY follows from the plan (survey_mentioned); the document's
    words must agree, whatever else of the domain's wording it carries."""
    for sample in planned:
        if sample.truth["shape"] == "zibiao":
            text = text_of(sample.plan)
            assert survey_mentioned(sample.plan) == any(word in text for word in SURVEY_WORDS), sample.name


def test_the_review_rules_words_are_the_configurations():
    review = config.load()["review_rules"]
    assert list(SURVEY_WORDS) == review["survey_words"]
    assert list(MONEY_MEASURES) == review["money_measures"]
    assert list(TIME_WORDS) == review["time_words"]
    assert {level.removesuffix("指标") for level in MEASURED_LEVELS} == set(review["measurable_levels"])
    assert TOO_LOW_SHARE == Fraction(str(review["target_exceeded_share"]))


def test_review_rules_come_with_their_near_misses(planned):
    """Each near miss is planted somewhere, and none is listed: a 备注 column over deductions
    without a reason, a target beaten by less than the share, one name under two 二级 of 产出,
    a 时效 target that is a date, a ceiling under-run, 满意度 with a survey named."""
    seen = set()
    for sample in planned:
        plan, listed = sample.plan, {(a["rule"], a["subject"]) for a in sample.truth["anomalies"]}
        for indicator in plan.indicators:
            name = indicator.name
            if not plan.reason_column and indicator.score < indicator.weight:
                seen.add("deduction under 备注")
                assert ("DEDUCTION_WITHOUT_REASON", name) not in listed
            if indicator.score < indicator.weight and indicator.note:
                seen.add("deduction with a reason")
                assert ("DEDUCTION_WITHOUT_REASON", name) not in listed
            target, actual = at_least(indicator.target), re.fullmatch(r"(\d+)\D*", nfkc(indicator.actual))
            beaten_by = Fraction(int(actual.group(1)), target[0]) if target and actual else 0
            if Fraction(11, 10) < beaten_by <= Fraction(13, 10):
                seen.add("target beaten a little")
                assert ("TARGET_TOO_LOW", name) not in listed
            if nfkc(indicator.target).startswith("≤") and indicator.actual != indicator.target:
                seen.add("ceiling under-run")
                assert ("TARGET_TOO_LOW", name) not in listed
            if indicator.level2 == "时效指标" and re.search(r"\d+年\d+月底前", nfkc(indicator.target)):
                seen.add("deadline")
                assert ("INDICATOR_MISPLACED", name) not in listed
            twins = [i for i in plan.indicators if i.name == name and i is not indicator]
            if twins and all(LEVEL1[i.level2] == "产出指标" for i in [indicator, *twins]):
                seen.add("one name twice in 产出")
                assert ("INDICATOR_DUPLICATED", name) not in listed
            if "满意度" in indicator.level2 and plan.survey_stated:
                seen.add("satisfaction surveyed")
                assert ("SATISFACTION_WITHOUT_SURVEY", name) not in listed
    assert seen == {"deduction under 备注", "deduction with a reason", "target beaten a little", "ceiling under-run",
                    "deadline", "one name twice in 产出", "satisfaction surveyed"}
