"""The truth file of a plan, in the corpus format (../shared/corpus/README.md).

The numeric rules are not trusted to the planting: the truth lists what our own
implementation of each rule finds in the planned numbers. The text rules are listed where
a sentence was planted.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

from samples import reference
from samples.plan import (DEFAULT_BANDS, GRADE_WORDS, LEVEL1, MEASURED_LEVELS, MONEY_MEASURES, OUTCOME_LEVELS,
                          OUTPUT_LEVELS, RULES, STATED_BANDS, TIME_WORDS, TOO_LOW_SHARE, Plan, at_least, states_dept,
                          survey_mentioned)
from samples.written import grade_of, json_number, wan


def truth_of(plan: Plan) -> dict:
    """The truth file for a plan (corpus README format)."""
    categories = reference.categories()
    arrived = plan.funds_arrived_value
    report = {
        "project_name": plan.project,
        "implementing_unit": plan.unit,
        "supervising_dept": plan.dept if states_dept(plan) else None,
        "province": plan.place.province,
        "region": plan.place.region,
        "fiscal_year": plan.fiscal_year,
        "eval_type": plan.eval_type,
        "report_date": plan.report_date.isoformat(),
        "period_start": plan.period[0].isoformat() if plan.period else None,
        "period_end": plan.period[1].isoformat() if plan.period else None,
        "budget_planned": json_number(wan(plan.budget_planned)),
        "budget_adjusted": json_number(wan(plan.budget_adjusted)) if plan.budget_adjusted is not None else None,
        "funds_arrived": json_number(wan(arrived)) if arrived is not None else None,
        "spent": json_number(wan(plan.spent)),
        "arrival_rate_stated": json_number(float(plan.arrival_rate_written)) if plan.arrival_rate_written else None,
        "execution_rate_stated": (json_number(float(plan.execution_rate_written))
                                  if plan.execution_rate_written else None),
        "self_score": json_number(plan.self_score / 100),
        "grade_raw": plan.grade_raw,
        "grade": normal_grade(plan.grade_raw),
    }
    origin = "table" if plan.shape == "table" else "text"
    lines = [{
        "category": categories[line.code].name, "category_code": line.code, "category_raw": line.label,
        "planned": json_number(wan(line.planned)) if line.planned is not None else None,
        "actual": json_number(wan(line.actual)), "origin": origin,
    } for line in plan.lines]
    indicators = [{
        "level1": LEVEL1[i.level2], "level2": i.level2, "name": i.name, "target_raw": i.target,
        "actual_raw": i.actual, "weight": json_number(i.weight / 100), "score": json_number(i.score / 100),
        "note": i.note,
    } for i in plan.indicators]
    sources = [{"source": level, "planned": json_number(wan(planned)) if planned is not None else None,
                "arrived": json_number(wan(got)) if got is not None else None}
               for level, planned, got in plan.sources]
    return {
        "file": plan.name,
        "shape": plan.shape,
        "parse_status": "ok",
        "report": report,
        "funding_sources": sources,
        "budget_lines": lines,
        "indicators": indicators,
        "anomalies": anomalies_of(plan),
    }


def normal_grade(raw: str) -> str:
    for grade, raws in GRADE_WORDS.items():
        if raw in raws:
            return grade
    raise ValueError(raw)


def anomalies_of(plan: Plan) -> list[dict]:
    """SPEC §3 for the planned report: numeric rules computed, text rules as planted."""
    found: list[tuple[str, str | None]] = []
    categories = reference.categories()
    budget, spent, arrived = plan.budget, plan.spent, plan.funds_arrived_value
    score = plan.self_score
    table_lines = plan.shape == "table"
    for line in plan.lines:
        if table_lines and line.planned and line.actual > line.planned:
            found.append(("OVERSPEND_LINE", categories[line.code].name))
    for line in plan.lines:
        if table_lines and not line.planned and line.actual > 0:
            found.append(("UNPLANNED_LINE", categories[line.code].name))
    if score == 10000 and arrived is not None and arrived < budget:
        found.append(("FULL_SCORE_PARTIAL_ARRIVAL", None))
    if score == 10000 and spent < budget:
        found.append(("FULL_SCORE_PARTIAL_EXECUTION", None))
    if plan.lines:
        actual_gap = abs(sum(line.actual for line in plan.lines) - spent)
        planned_gap = abs(sum(line.planned or 0 for line in plan.lines) - budget) if table_lines else 0
        if actual_gap > 100 or planned_gap > 100:           # 0.01 万元
            found.append(("LINES_SUM_MISMATCH", None))
    if arrived is not None and spent > arrived:
        found.append(("SPENT_EXCEEDS_ARRIVED", None))
    stated_wrong = False
    for written, amount in ((plan.execution_rate_written, spent), (plan.arrival_rate_written, arrived)):
        if written is not None and amount is not None:
            stated_wrong |= abs(Fraction(Decimal(written)) - Fraction(amount * 100, budget)) > Fraction(1, 10)
    if stated_wrong:
        found.append(("STATED_RATE_MISMATCH", None))
    bands = STATED_BANDS if plan.bands_stated else DEFAULT_BANDS
    if normal_grade(plan.grade_raw) != grade_of(score, bands):
        found.append(("GRADE_SCORE_MISMATCH", None))
    if plan.indicators:
        if abs(sum(i.score for i in plan.indicators) + plan.exec_score - score) > 1:
            found.append(("INDICATOR_SUM_MISMATCH", None))
        for indicator in plan.indicators:
            if indicator.score > indicator.weight:
                found.append(("INDICATOR_OVER_WEIGHT", indicator.name))
        for indicator in plan.indicators:
            if indicator.short and indicator.score >= indicator.weight:
                found.append(("UNMET_TARGET_FULL_SCORE", indicator.name))
    for code in plan.text_line_amounts:
        found.append(("TEXT_TABLE_MISMATCH", categories[code].name))
    if plan.text_spent != spent:
        found.append(("TEXT_TABLE_MISMATCH", "total"))
    if plan.unit_suspect:
        found.append(("UNIT_SUSPECT", categories[plan.unit_suspect].name))
    if plan.date_issue:
        found.append(("DATE_INCONSISTENT", None))
    if plan.year_mismatch:
        found.append(("YEAR_MISMATCH", None))
    if plan.shortfall and score == 10000:
        found.append(("SHORTFALL_FULL_SCORE", None))
    if plan.duplicate_of:
        found.append(("DUPLICATE_REPORT", plan.duplicate_of))
    if plan.repeats_of:
        found.append(("NARRATIVE_REPEATS_LAST_YEAR", plan.repeats_of))
    found += review_findings(plan)
    order = {rule: i for i, rule in enumerate(RULES)}
    unique = list(dict.fromkeys(found))
    unique.sort(key=lambda item: order[item[0]])
    return [{"rule": rule, "subject": subject} for rule, subject in unique]


def review_findings(plan: Plan) -> list[tuple[str, str]]:
    """The 复核口径 of SPEC §3 in a plan's indicators, worked out from what they say (not from
    what was planted): deductions without a reason where the form has the column, 满意度 with
    no survey named, a name under 产出 and 效益, a 数量指标 of money or a 时效指标 without a
    time, a measured level's target without a digit, an actual beyond a "≥N" target by more
    than TOO_LOW_SHARE."""
    found: list[tuple[str, str]] = []
    indicators = plan.indicators
    for indicator in indicators:
        if plan.reason_column and indicator.score < indicator.weight and not indicator.note:
            found.append(("DEDUCTION_WITHOUT_REASON", indicator.name))
    if not survey_mentioned(plan):
        found += [("SATISFACTION_WITHOUT_SURVEY", i.name) for i in indicators
                  if "满意" in i.name or "满意" in i.level2]
    outcomes = {i.name for i in indicators if i.level2 in OUTCOME_LEVELS}
    found += [("INDICATOR_DUPLICATED", i.name) for i in indicators if i.level2 in OUTPUT_LEVELS and i.name in outcomes]
    for indicator in indicators:
        if indicator.level2 == "数量指标" and any(word in indicator.name for word in MONEY_MEASURES):
            found.append(("INDICATOR_MISPLACED", indicator.name))
        if indicator.level2 == "时效指标" and not any(word in indicator.target + indicator.name for word in TIME_WORDS):
            found.append(("INDICATOR_MISPLACED", indicator.name))
    for indicator in indicators:
        target = unicodedata.normalize("NFKC", indicator.target)
        if indicator.level2 in MEASURED_LEVELS and not re.search(r"\d", target):
            found.append(("TARGET_NOT_MEASURABLE", indicator.name))
    for indicator in indicators:
        reach = at_least(indicator.target)
        actual = re.fullmatch(r"(\d+)(\D*)", unicodedata.normalize("NFKC", indicator.actual))
        if reach and actual and actual.group(2) == reach[1]:
            if Fraction(int(actual.group(1)) - reach[0], reach[0]) > TOO_LOW_SHARE:
                found.append(("TARGET_TOO_LOW", indicator.name))
    return found
