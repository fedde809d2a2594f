"""Sample 项目支出绩效自评报告 with their truth files: for tests, demos and benchmarks.

    python -m ingest.samples OUT --count N [--seed S] [--rate RULE=P ...]

writes OUT/sample-00001.docx with OUT/sample-00001.truth.json (the format of
../shared/corpus/README.md) and so on. The same seed gives the same files, byte for byte.

Each report is first *planned* (every number, name, date and which sentences it carries)
and only then *rendered* to WordprocessingML. The truth file follows from the plan alone,
so `generate()` yields 100k truths in seconds and `Sample.render()` is the only slow step
(a few milliseconds: the XML is written as text, not through python-docx).

The three shapes of SPEC §1 (cover + 基本概况 table, 财预〔2020〕10号 自评表 with a short
narrative, narrative only) come with the variation real submissions have: label synonyms,
ideographic spaces in labels, full-width digits, amounts in 元, grade words (A, 一等级 …),
dates as 2022年1月 27 日 or 二〇二二年一月二十七日, check boxes as characters or Wingdings
symbols, cover fields as lines or in a table, label and value in one cell, transposed and
nested 项目支出明细 tables, merged cells, runs split mid-word, a summary table in the page
header, and Word's own habits (QUIRKS: tracked changes, content controls, smart tags, field
results, list numbering, a renamed main part). None of it changes a value in the truth.

Anomalies (SPEC §3) are planted at known rates. The numeric rules are not trusted to the
planting: the truth lists what our own implementation of each rule finds in the planned
numbers. The text rules are listed where a sentence was planted, and the word lists
(`ingest/sample_words.py`) never say such things by accident: no other years, no
shortfall words in a full-score report, dates in order, figures that add up exactly (money
is planned in whole 元 as integers and only divided into 万元 at the end).
"""
from __future__ import annotations

import argparse
import copy
import csv
import datetime as dt
import io
import json
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Iterator
from xml.sax.saxutils import escape

from ingest import sample_words as words

REFERENCE = Path(__file__).parent / "reference"

# The rules of SPEC §3 a sample can carry, in the order truth files list them.
RULES = (
    "OVERSPEND_LINE", "UNPLANNED_LINE", "FULL_SCORE_PARTIAL_ARRIVAL", "FULL_SCORE_PARTIAL_EXECUTION",
    "LINES_SUM_MISMATCH", "SPENT_EXCEEDS_ARRIVED", "STATED_RATE_MISMATCH", "GRADE_SCORE_MISMATCH",
    "INDICATOR_SUM_MISMATCH", "INDICATOR_OVER_WEIGHT", "UNMET_TARGET_FULL_SCORE", "TEXT_TABLE_MISMATCH",
    "UNIT_SUSPECT", "DATE_INCONSISTENT", "YEAR_MISMATCH", "SHORTFALL_FULL_SCORE", "DUPLICATE_REPORT",
)
# Share of all reports a rule is planted in. It is planted only where the shape can carry it
# (OVERSPEND_LINE needs a table with a planned column, INDICATOR_* a 自评表 …), so among
# those it is planted more often; a few plantings are dropped where two would make the truth
# ambiguous (see NOT_WITH_FULL_SCORE). DUPLICATE_REPORT: share of reports in a copied pair.
# The numeric rules can also fire as a consequence of another planting (FULL_SCORE_PARTIAL_
# ARRIVAL implies a partial execution); the truth lists whatever the numbers imply.
DEFAULT_RATES = {
    "OVERSPEND_LINE": 0.10, "UNPLANNED_LINE": 0.10, "FULL_SCORE_PARTIAL_ARRIVAL": 0.06,
    "FULL_SCORE_PARTIAL_EXECUTION": 0.08, "LINES_SUM_MISMATCH": 0.10, "SPENT_EXCEEDS_ARRIVED": 0.08,
    "STATED_RATE_MISMATCH": 0.10, "GRADE_SCORE_MISMATCH": 0.10, "INDICATOR_SUM_MISMATCH": 0.06,
    "INDICATOR_OVER_WEIGHT": 0.06, "UNMET_TARGET_FULL_SCORE": 0.06, "TEXT_TABLE_MISMATCH": 0.10,
    "UNIT_SUSPECT": 0.06, "DATE_INCONSISTENT": 0.08, "YEAR_MISMATCH": 0.08, "SHORTFALL_FULL_SCORE": 0.06,
    "DUPLICATE_REPORT": 0.04,
}
SHAPES = (("table", 0.40), ("zibiao", 0.35), ("narrative", 0.25))
ELIGIBLE = {
    "OVERSPEND_LINE": {"table"}, "UNPLANNED_LINE": {"table"},
    "FULL_SCORE_PARTIAL_ARRIVAL": {"table", "narrative"},
    "FULL_SCORE_PARTIAL_EXECUTION": {"table", "zibiao", "narrative"},
    "LINES_SUM_MISMATCH": {"table", "narrative"}, "SPENT_EXCEEDS_ARRIVED": {"table", "narrative"},
    "STATED_RATE_MISMATCH": {"table", "zibiao", "narrative"}, "GRADE_SCORE_MISMATCH": {"table", "zibiao", "narrative"},
    "INDICATOR_SUM_MISMATCH": {"zibiao"}, "INDICATOR_OVER_WEIGHT": {"zibiao"}, "UNMET_TARGET_FULL_SCORE": {"zibiao"},
    "TEXT_TABLE_MISMATCH": {"table", "zibiao", "narrative"}, "UNIT_SUSPECT": {"table"},
    "DATE_INCONSISTENT": {"table", "zibiao", "narrative"}, "YEAR_MISMATCH": {"table", "zibiao", "narrative"},
    "SHORTFALL_FULL_SCORE": {"table", "zibiao", "narrative"}, "DUPLICATE_REPORT": {"table", "narrative"},
}
# These need a self-score of 100; the rules below cannot share a report with one without
# making the truth ambiguous (a deducted indicator's note reads as a shortfall …).
NEEDS_FULL_SCORE = {"FULL_SCORE_PARTIAL_ARRIVAL", "FULL_SCORE_PARTIAL_EXECUTION", "SHORTFALL_FULL_SCORE"}
NOT_WITH_FULL_SCORE = {"INDICATOR_SUM_MISMATCH", "INDICATOR_OVER_WEIGHT", "UNMET_TARGET_FULL_SCORE",
                       "GRADE_SCORE_MISMATCH", "LINES_SUM_MISMATCH"}
FULL_SCORE_SHARE = 0.15      # reports scoring 100 without any planted full-score rule
YUAN_SHARE = 0.15            # table reports written in 元 (单位：元)
FIRST_YEAR, LAST_YEAR = 2019, 2025

DEFAULT_BANDS = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))       # 财预〔2020〕10号
STATED_BANDS = ((95, "优"), (85, "良"), (60, "中"), (0, "差"))
GRADE_WORDS = {"优": ("优秀", "优", "A", "一等级"), "良": ("良好", "良", "B", "二等级"),
               "中": ("合格", "中", "C"), "差": ("不合格", "差", "D")}
LEVEL1 = {"数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
          "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
          "可持续影响指标": "效益指标", "服务对象满意度指标": "满意度指标"}
CN_DIGITS = "〇一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


# -- reference data -----------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    province: str
    prefix: str          # how a unit's name starts: 南宁市青秀区, 隆安县, 桂林市
    region: str          # SPEC §2: the county where one is named, else the prefecture
    level_word: str      # 区 / 县 / 旗 / 市: "区财政局", "区级财政资金"
    autonomous: bool     # 自治区: its provincial funds are 自治区财政
    municipality: bool   # 北京市 …: no provincial level apart from the city


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    labels: tuple[str, ...]   # the standard name first, then the synonyms


@lru_cache(maxsize=1)
def _places() -> tuple[tuple[Place, ...], tuple[Place, ...]]:
    """(county-level places, prefecture-level places) from divisions.csv."""
    with (REFERENCE / "divisions.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_code = {row["code"]: row for row in rows}
    name_count: dict[str, int] = {}
    for row in rows:
        name_count[row["name"]] = name_count.get(row["name"], 0) + 1
    counties, prefectures = [], []
    for row in rows:
        name, province = row["name"], row["province"]
        autonomous = province.endswith("自治区")
        municipality = province in ("北京市", "天津市", "上海市", "重庆市")
        if row["level"] == "2":
            prefectures.append(Place(province, name, name, "市", autonomous, False))
            continue
        if row["level"] != "3" or not name.endswith(("区", "县", "市", "旗")):
            continue
        parent = by_code.get(row["parent"])
        if parent is None or parent["name"] == name:
            continue                       # 东莞市 under 东莞市: the prefecture entry names it
        level_word = name[-1]
        unique = name_count[name] == 1 and len(name) >= 3
        if parent["level"] == "2":
            # A county-level city goes by its own name (义乌市农业农村局), not its prefecture's;
            # a county that no other shares its name with sometimes does too (隆安县农业农村局).
            if unique and level_word in "县旗":
                counties.append(Place(province, name, name, level_word, autonomous, municipality))
            prefix = name if name.endswith("市") and unique else parent["name"] + name
        elif municipality:
            prefix = province + name
        elif unique:
            prefix = name                  # 省直辖: 仙桃市
        else:
            continue
        counties.append(Place(province, prefix, name, level_word, autonomous, municipality))
    return tuple(counties), tuple(prefectures)


@lru_cache(maxsize=1)
def _categories() -> dict[str, Category]:
    with (REFERENCE / "categories.csv").open(encoding="utf-8") as handle:
        return {row["code"]: Category(row["code"], row["name"],
                                      (row["name"], *filter(None, row["synonyms"].split("|"))))
                for row in csv.DictReader(handle)}


# Categories any project may add to its own; labels a unit would plausibly write.
COMMON_CATEGORIES = ("30201", "30202", "30207", "30211", "30215", "30216", "30217", "30226", "30299", "31002")
LABEL_AVOID = {"其他支出", "税费", "租金", "设备购置", "专用材料", "办公用品", "委托业务", "软件购置",
               "办公设备", "运维费", "委托费", "出差费"}


def _label_for(category: Category, rng: random.Random) -> str:
    synonyms = [label for label in category.labels[1:] if label not in LABEL_AVOID]
    if synonyms and rng.random() < 0.3:
        return rng.choice(synonyms)
    return category.name


# -- money, rates, scores, dates as written --------------------------------------------------
def _wan(yuan: int) -> float:
    return round(yuan / 10000, 4)      # the double nearest the exact 万元 figure


def _wan_text(yuan: int, two_decimals: bool = False) -> str:
    whole, rest = divmod(yuan, 10000)
    if two_decimals and rest % 100 == 0:
        return f"{whole}.{rest // 100:02d}"
    return f"{whole}.{rest:04d}".rstrip("0").rstrip(".")


def _yuan_text(yuan: int) -> str:
    return f"{yuan:,}.00"


def _decimal(fraction: Fraction) -> Decimal:
    return Decimal(fraction.numerator) / Decimal(fraction.denominator)


def _rate_text(rate: Fraction, places: int) -> str:
    """A percentage rounded as a unit would write it: "94.67", "98", "97.2"."""
    value = _decimal(rate).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rate_written(rate: Fraction, rng: random.Random) -> str:
    """Two decimals usually; fewer only where that stays within 0.05 of the true rate."""
    for places in (0, 1):
        text = _rate_text(rate, places)
        if abs(Decimal(text) - _decimal(rate)) <= Decimal("0.05") and rng.random() < 0.5:
            return text
    return _rate_text(rate, 2)


def _score_text(hundredths: int) -> str:
    whole, rest = divmod(hundredths, 100)
    return f"{whole}.{rest:02d}".rstrip("0").rstrip(".")


def _number(value: float | int | None):
    """JSON numbers as the corpus writes them: 2, not 2.0."""
    if value is None:
        return None
    value = round(float(value), 6)
    return int(value) if value == int(value) else value


def _cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[units] if units else "")


def _date_text(day: dt.date, style: str) -> str:
    if style == "spaced":
        return f"{day.year}年{day.month}月 {day.day} 日"
    if style == "chinese":
        return "".join(CN_DIGITS[int(d)] for d in str(day.year)) + f"年{_cn_number(day.month)}月{_cn_number(day.day)}日"
    return f"{day.year}年{day.month}月{day.day}日"


def _period_text(start: dt.date, end: dt.date, style: str) -> str:
    if style == "days":
        return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
    if style == "short":
        return f"{start.year}年{start.month}月至{end.month}月"
    return f"{start.year}年{start.month}月至{end.year}年{end.month}月"


def _grade(score_hundredths: int, bands) -> str:
    for low, grade in bands:
        if score_hundredths >= low * 100:
            return grade
    return "差"


# -- the plan -------------------------------------------------------------------------------
@dataclass
class Line:
    code: str
    label: str                 # as written
    planned: int | None        # 元; None = blank cell
    planned_written: str       # "" | "-" | "—" | "0" when planned is None or 0
    actual: int


@dataclass
class PlannedIndicator:
    level2: str
    name: str
    target: str
    actual: str
    weight: int                # hundredths of a point
    score: int
    note: str | None
    phrase: str | None         # the narrative sentence, already filled in
    short: bool                # the actual falls short of the target


@dataclass
class Plan:
    """Everything a report says; the truth file and the document both follow from it."""

    index: int
    name: str
    shape: str
    place: Place
    domain: words.Domain
    unit_suffix: str
    dept_suffix: str
    project: str
    fiscal_year: int
    eval_type: str | None
    report_date: dt.date
    date_style: str
    period: tuple[dt.date, dt.date] | None
    period_style: str
    yuan: bool                        # amounts written in 元
    budget_planned: int
    budget_adjusted: int | None
    funds_arrived: int | None         # as the report states it (None: not stated)
    arrived_in_full_phrase: bool      # "资金已全部到位" without a figure (funds_arrived = budget)
    spent: int
    sources: list[tuple[str, int | None, int | None]]   # (level, planned, arrived) as written
    source_style: str                 # narrative: none | all_from | split
    lines: list[Line]
    lines_in_text: bool               # zibiao / narrative: categories stated in sentences
    header_table: bool                # narrative: a summary table in the page header (dev-032)
    indicators: list[PlannedIndicator]
    exec_weight: int
    exec_score: int
    execution_rate_written: str | None
    arrival_rate_written: str | None
    self_score: int                   # hundredths
    grade_raw: str
    bands_stated: bool
    full_width: bool
    text_spent: int                   # the total the narrative states (differs: TEXT_TABLE total)
    text_line_amounts: dict[str, int]  # category code -> amount the narrative states
    unit_suspect: str | None          # category code written "0.73元"
    date_issue: str | None            # report_early | signature_early | eval_after
    eval_date: tuple[dt.date, str] | None   # date the evaluation is said to happen, precision
    year_mismatch: bool
    shortfall: str | None
    duplicate_of: str | None
    text_seed: int
    layout_seed: int
    planted: set[str] = field(default_factory=set)

    # names -------------------------------------------------------------------------
    @property
    def unit(self) -> str:
        return self.place.prefix + self.unit_suffix

    @property
    def dept(self) -> str:
        return self.place.prefix + self.dept_suffix

    @property
    def purpose(self) -> str:
        """What the money is for ("主要用于……"), the same wherever the report says it."""
        purposes = self.domain.purposes
        return purposes[self.domain.projects.index(self.project) % len(purposes)]

    @property
    def budget(self) -> int:
        return self.budget_adjusted if self.budget_adjusted is not None else self.budget_planned

    @property
    def funds_arrived_value(self) -> int | None:
        if self.funds_arrived is not None:
            return self.funds_arrived
        return self.budget if self.arrived_in_full_phrase else None

    def money(self, yuan: int, two_decimals: bool = False) -> str:
        return _yuan_text(yuan) if self.yuan else _wan_text(yuan, two_decimals)

    @property
    def money_unit(self) -> str:
        return "元" if self.yuan else "万元"


# -- planning -------------------------------------------------------------------------------
def _choice_weighted(rng: random.Random, options):
    total = sum(weight for _, weight in options)
    pick = rng.random() * total
    for value, weight in options:
        pick -= weight
        if pick < 0:
            return value
    return options[-1][0]


def _round_to(yuan: int, step: int) -> int:
    return max(step, (yuan + step // 2) // step * step)


def _spread(total: int, caps: list[int | None], rng: random.Random, step: int) -> list[int] | None:
    """Split `total` into parts (multiples of `step`, each at least one step) no part above
    its cap; roughly in proportion to the caps. None when it cannot be done."""
    count = len(caps)
    if count == 0 or total < step * count:
        return None
    # Against caps (the planned amounts) spending runs close to plan; free splits are lopsided,
    # as budgets are: one category carries most of the money.
    weights = [cap * rng.uniform(0.75, 1.0) if cap is not None else rng.uniform(0.1, 1.0) ** 2 + 0.02
               for cap in caps]
    scale = sum(weights)
    parts = []
    for weight, cap in zip(weights, caps):
        part = max(step, int(total * weight / scale) // step * step)
        if cap is not None:
            part = min(part, cap)
        parts.append(part)
    rest = total - sum(parts)
    order = list(range(count))
    rng.shuffle(order)
    while rest != 0:
        moved = False
        for i in order:
            if rest > 0:
                room = rest if caps[i] is None else min(rest, caps[i] - parts[i])
                if room > 0:
                    parts[i] += room
                    rest -= room
                    moved = True
            elif rest < 0:
                room = min(-rest, parts[i] - step)
                if room > 0:
                    parts[i] -= room
                    rest += room
                    moved = True
            if rest == 0:
                break
        if not moved:
            return None
    return parts


@lru_cache(maxsize=None)
def _eligible_share(rule: str) -> float:
    return sum(weight for shape, weight in SHAPES if shape in ELIGIBLE[rule])


def _draw_rules(shape: str, rates: dict[str, float], rng: random.Random) -> set[str]:
    planted = {rule for rule in RULES if rule != "DUPLICATE_REPORT" and shape in ELIGIBLE[rule]
               and rng.random() < rates.get(rule, 0.0) / _eligible_share(rule)}
    if planted & NEEDS_FULL_SCORE:
        planted -= NOT_WITH_FULL_SCORE
    if "FULL_SCORE_PARTIAL_ARRIVAL" in planted:
        # Money that arrived short and was all spent is spent beyond what arrived: keep
        # the spending within the arrival, so the execution rate is partial as well.
        planted |= {"FULL_SCORE_PARTIAL_EXECUTION"}
        planted.discard("SPENT_EXCEEDS_ARRIVED")
    return planted


def _plan(index: int, name: str, rng: random.Random, rates: dict[str, float]) -> Plan:
    shape = _choice_weighted(rng, SHAPES)
    planted = _draw_rules(shape, rates, rng)
    full_score = bool(planted & NEEDS_FULL_SCORE) or (
        not planted & NOT_WITH_FULL_SCORE and rng.random() < FULL_SCORE_SHARE)

    counties, prefectures = _places()
    if rng.random() < 0.2:
        place = rng.choice(prefectures)
    else:
        place = rng.choice(counties)
    domain = rng.choice(words.DOMAINS)
    if rng.random() < 0.55:
        unit_suffix = domain.bureau
        dept_suffix = "人民政府"
    else:
        unit_suffix = rng.choice(domain.subunits)
        dept_suffix = domain.bureau
    project = rng.choice(domain.projects)
    fiscal_year = rng.randint(FIRST_YEAR, LAST_YEAR)

    plan = Plan(
        index=index, name=name, shape=shape, place=place, domain=domain, unit_suffix=unit_suffix,
        dept_suffix=dept_suffix, project=project, fiscal_year=fiscal_year, eval_type=None,
        report_date=dt.date(fiscal_year + 1, rng.randint(1, 3), rng.randint(5, 28)),
        date_style=_choice_weighted(rng, (("arabic", 0.7), ("spaced", 0.15), ("chinese", 0.15))),
        period=None, period_style="month", yuan=False, budget_planned=0, budget_adjusted=None,
        funds_arrived=None, arrived_in_full_phrase=False, spent=0, sources=[], source_style="none",
        lines=[], lines_in_text=False, header_table=False, indicators=[], exec_weight=0, exec_score=0,
        execution_rate_written=None, arrival_rate_written=None, self_score=0, grade_raw="",
        bands_stated=False, full_width=False, text_spent=0, text_line_amounts={}, unit_suspect=None,
        date_issue=None, eval_date=None, year_mismatch="YEAR_MISMATCH" in planted, shortfall=None,
        duplicate_of=None, text_seed=rng.getrandbits(32), layout_seed=rng.getrandbits(32), planted=planted,
    )
    if shape != "zibiao":
        start_month, end_month = (1, 12) if rng.random() < 0.85 else (rng.randint(1, 4), rng.randint(10, 12))
        start = dt.date(fiscal_year, start_month, 1)
        end = dt.date(fiscal_year, end_month, 31 if end_month == 12 else 30 if end_month in (4, 6, 9, 11) else 31)
        if shape == "table" or rng.random() < 0.75:
            plan.period = (start, end)
            plan.period_style = _choice_weighted(rng, (("short", 0.35), ("month", 0.35), ("days", 0.3)))
            if plan.period_style == "short" and start_month != 1:
                plan.period_style = "month"
    if shape == "table":
        plan.eval_type = _choice_weighted(rng, (("事后", 0.9), ("事中", 0.1)))
        plan.yuan = rng.random() < YUAN_SHARE and "UNIT_SUSPECT" not in planted
        _plan_table_money(plan, rng, full_score)
    elif shape == "zibiao":
        plan.full_width = rng.random() < 0.12
        _plan_zibiao_money(plan, rng, full_score)
    else:
        _plan_narrative_money(plan, rng, full_score)
    _plan_rates(plan, rng, full_score)
    if shape == "zibiao":
        _plan_indicators(plan, rng, full_score)
    _plan_score(plan, rng, full_score)
    _plan_text_facts(plan, rng)
    return plan


def _money_step(plan: Plan) -> tuple[int, int]:
    """(step of planned amounts, step of actual amounts) in 元."""
    if plan.yuan:
        return 1000, 10
    return 1000, 100


def _plan_arrival(plan: Plan, rng: random.Random, full_score: bool) -> None:
    """funds_arrived against the budget and the amount spent, by what is planted."""
    budget, spent = plan.budget, plan.spent
    planted = plan.planted
    if "SPENT_EXCEEDS_ARRIVED" in planted:
        gap = _round_to(int(spent * rng.uniform(0.03, 0.15)), 1000)
        plan.funds_arrived = max(1000, (spent - gap) // 1000 * 1000)
        if plan.funds_arrived >= spent:
            plan.funds_arrived = spent - 1000
    elif "FULL_SCORE_PARTIAL_ARRIVAL" in planted or (not full_score and rng.random() < 0.15):
        # Short of the budget, not short of what was spent: round figures where they fit.
        low = max(spent, int(budget * 0.8))
        for step in (10000, 1000, 100):
            options = range(-(-low // step) * step, budget, step)
            if len(options):
                plan.funds_arrived = rng.choice(options)
                break
        else:
            plan.funds_arrived = budget
    else:
        plan.funds_arrived = budget


def _split_sources(plan: Plan, rng: random.Random, total: int) -> list[tuple[str, int]]:
    levels = ["市县"]
    if rng.random() < 0.3:
        levels.insert(0, "中央")
    if not plan.place.municipality and rng.random() < 0.4:
        levels.insert(len(levels) - 1, "省级")
    if rng.random() < 0.05:
        levels.append("其它")
    step = 10000 if total >= 200000 and rng.random() < 0.6 else 1000
    if total < step * len(levels) or total % step:
        return [("市县", total)]
    parts = _spread(total, [None] * len(levels), rng, step)
    if parts is None:
        return [("市县", total)]
    return list(zip(levels, parts))


def _with_arrivals(split: list[tuple[str, int]], arrived: int | None) -> list[tuple[str, int | None, int | None]]:
    """Arrivals per level: the shortfall falls on the local level first, as it does."""
    if arrived is None:
        return [(level, planned, None) for level, planned in split]
    short = sum(p for _, p in split) - arrived
    out = []
    for level, planned in reversed(split):
        cut = min(max(short, 0), planned)
        short -= cut
        out.append((level, planned, planned - cut))
    return list(reversed(out))


def _plan_table_money(plan: Plan, rng: random.Random, full_score: bool) -> None:
    planted = plan.planted
    categories = _categories()
    planned_step, actual_step = _money_step(plan)
    count = rng.randint(3, 8)
    pool = list(dict.fromkeys(plan.domain.categories + COMMON_CATEGORIES))
    unplanned_count = rng.randint(1, 2) if "UNPLANNED_LINE" in planted else 0
    count = max(count, unplanned_count + 2)        # an overspent line needs another to take less
    codes = rng.sample(pool, count)
    budget_target = rng.randint(8, 150) * 10000 if rng.random() < 0.7 else rng.randint(50, 3000) * 1000
    big = budget_target >= 300000 and rng.random() < 0.5
    planned_unit = 10000 if big else 5000 if rng.random() < 0.4 else planned_step
    planned_caps = _spread(max(budget_target, planned_unit * (count - unplanned_count)) // planned_unit * planned_unit,
                           [None] * (count - unplanned_count), rng, planned_unit)
    planned = planned_caps or [planned_unit] * (count - unplanned_count)
    budget = sum(planned)
    plan.budget_planned = budget

    execution_full = full_score and "FULL_SCORE_PARTIAL_EXECUTION" not in planted
    for attempt in range(20):
        if execution_full:
            spent = budget
        else:
            spent = int(budget * rng.uniform(0.86, 0.99)) // actual_step * actual_step
            if spent >= budget:
                spent = budget - actual_step
        unplanned = [_round_to(int(budget * rng.uniform(0.005, 0.03)), actual_step) for _ in range(unplanned_count)]
        caps: list[int | None] = list(planned)
        over: dict[int, int] = {}
        if "OVERSPEND_LINE" in planted:
            for i in rng.sample(range(len(planned)), min(len(planned) - 1, rng.randint(1, 2))):
                over[i] = _round_to(int(planned[i] * rng.uniform(1.04, 1.35)), actual_step)
                if over[i] <= planned[i]:
                    over[i] = planned[i] + actual_step
        rest_total = spent - sum(unplanned) - sum(over.values())
        rest_caps = [cap for i, cap in enumerate(caps) if i not in over]
        parts = _spread(rest_total, rest_caps, rng, actual_step) if rest_total > 0 else None
        if parts is not None:
            break
    else:
        raise RuntimeError("could not plan budget lines")   # pragma: no cover
    actuals = iter(parts)
    lines = []
    for i, code in enumerate(codes[: len(planned)]):
        actual = over[i] if i in over else next(actuals)
        lines.append(Line(code, _label_for(categories[code], rng), planned[i], "", actual))
    for code, amount in zip(codes[len(planned):], unplanned):
        written = _choice_weighted(rng, (("", 0.5), ("-", 0.25), ("—", 0.1), ("0", 0.15)))
        lines.append(Line(code, _label_for(categories[code], rng), 0 if written == "0" else None, written, amount))
    if unplanned_count and rng.random() < 0.5:
        rng.shuffle(lines)
    plan.lines = lines
    plan.spent = sum(line.actual for line in lines)
    if "LINES_SUM_MISMATCH" in planted:
        delta = _round_to(int(budget * rng.uniform(0.01, 0.06)), 1000)
        if rng.random() < 0.7:
            plan.spent += delta if plan.spent + delta <= budget and rng.random() < 0.5 else -delta
        else:
            plan.budget_planned += delta if plan.spent > budget - delta or rng.random() < 0.5 else -delta
    plan.text_spent = plan.spent
    _plan_arrival(plan, rng, full_score)
    plan.sources = _with_arrivals(_split_sources(plan, rng, plan.budget_planned), plan.funds_arrived)


def _plan_zibiao_money(plan: Plan, rng: random.Random, full_score: bool) -> None:
    planned = rng.randint(5, 200) * 10000 if rng.random() < 0.7 else rng.randint(50, 2000) * 1000
    plan.budget_planned = planned
    roll = rng.random()
    if roll < 0.6:
        plan.budget_adjusted = planned
    elif roll < 0.9:
        plan.budget_adjusted = _round_to(int(planned * rng.uniform(0.85, 1.15)), 1000)
    budget = plan.budget
    if full_score and "FULL_SCORE_PARTIAL_EXECUTION" not in plan.planted:
        plan.spent = budget
    else:
        plan.spent = _round_to(int(budget * rng.uniform(0.85, 0.995)), 100)
        if plan.spent * 1000 >= budget * 995:     # keep the 执行率 score visibly below its weight
            plan.spent = budget * 99 // 100 // 100 * 100
    plan.text_spent = plan.spent
    plan.sources = [(level, amount, None) for level, amount in _split_sources(plan, rng, budget)]
    if rng.random() < 0.15:
        plan.lines_in_text = True
        _plan_text_lines(plan, rng)


def _plan_text_lines(plan: Plan, rng: random.Random) -> None:
    """Categories the narrative names with their amounts; they add up to the amount spent
    unless LINES_SUM_MISMATCH is planted."""
    categories = _categories()
    count = rng.randint(2, 6)
    pool = list(dict.fromkeys(plan.domain.categories + COMMON_CATEGORIES))
    codes = rng.sample(pool, count)
    parts = _spread(plan.spent, [None] * count, rng, 100)
    if parts is None:
        parts = [plan.spent]
        codes = codes[:1]
    plan.lines = [Line(code, _label_for(categories[code], rng), None, "", amount) for code, amount in zip(codes, parts)]
    plan.lines_in_text = True
    if "LINES_SUM_MISMATCH" in plan.planted:
        line = rng.choice(plan.lines)
        delta = _round_to(int(plan.spent * rng.uniform(0.01, 0.05)), 1000)
        line.actual = line.actual + delta if rng.random() < 0.5 or line.actual <= delta + 100 else line.actual - delta


def _plan_narrative_money(plan: Plan, rng: random.Random, full_score: bool) -> None:
    planned = rng.randint(5, 120) * 10000 if rng.random() < 0.75 else rng.randint(50, 1500) * 1000
    plan.budget_planned = planned
    if rng.random() < 0.12:
        plan.budget_adjusted = _round_to(int(planned * rng.uniform(0.85, 1.15)), 1000)
        if plan.budget_adjusted == planned:
            plan.budget_adjusted = None
    budget = plan.budget
    if full_score and "FULL_SCORE_PARTIAL_EXECUTION" not in plan.planted:
        plan.spent = budget
    else:
        plan.spent = _round_to(int(budget * rng.uniform(0.85, 0.995)), 100)
        if plan.spent >= budget:
            plan.spent = budget - 100
    plan.text_spent = plan.spent
    _plan_arrival(plan, rng, full_score)
    # A narrative's only table can sit in the page header; TEXT_TABLE_MISMATCH needs one.
    plan.header_table = rng.random() < 0.12 or "TEXT_TABLE_MISMATCH" in plan.planted
    if (plan.funds_arrived == budget and plan.budget_adjusted is None and "STATED_RATE_MISMATCH" not in plan.planted
            and not plan.header_table and rng.random() < 0.25):
        plan.funds_arrived = None
        plan.arrived_in_full_phrase = True
    roll = rng.random()
    if roll < 0.25 and plan.budget_adjusted is None and plan.funds_arrived is not None:
        plan.source_style = "all_from"
        level = "中央" if rng.random() < 0.1 else "市县"
        plan.sources = [(level, budget, plan.funds_arrived)]
    elif roll < 0.45 and plan.budget_adjusted is None:
        split = _split_sources(plan, rng, budget)
        if len(split) > 1 and "其它" not in dict(split):
            plan.source_style = "split"
            plan.sources = _with_arrivals(split, plan.funds_arrived)
    if rng.random() < 0.85 or "LINES_SUM_MISMATCH" in plan.planted:
        _plan_text_lines(plan, rng)


def _plan_indicators(plan: Plan, rng: random.Random, full_score: bool) -> None:
    """The 绩效指标 block: weights to 90 (the 执行率 row holds the other 10), scores, and
    what is planted: a score above its weight, full marks for a missed target, a 总分 that
    is not the sum."""
    planted = plan.planted
    templates = list(plan.domain.indicators)
    by_level1: dict[str, list[words.IndicatorTemplate]] = {}
    for template in templates:
        by_level1.setdefault(LEVEL1[template.level2], []).append(template)
    chosen = [rng.choice(by_level1["产出指标"]), rng.choice(by_level1["效益指标"]), rng.choice(by_level1["满意度指标"])]
    rest = [t for t in templates if t not in chosen and LEVEL1[t.level2] != "满意度指标"]
    chosen += rng.sample(rest, min(len(rest), rng.randint(2, 5)))
    order = {"产出指标": 0, "效益指标": 1, "满意度指标": 2}
    level2_order = list(LEVEL1)
    chosen.sort(key=lambda t: (order[LEVEL1[t.level2]], level2_order.index(t.level2)))

    count = len(chosen)
    weights = _spread(90, [30] * count, rng, 5) or [90 // count] * count
    weights[-1] += 90 - sum(weights)
    fy = plan.fiscal_year
    plan.exec_weight = 1000
    budget = plan.budget
    rate = Fraction(Decimal(plan.execution_rate_written))     # the unit scores the rate it wrote
    # The 执行率 row's score: weight × rate, as units round it; full marks when the report
    # claims 100 (FULL_SCORE_PARTIAL_EXECUTION: the unit gave itself the points anyway).
    if plan.spent == budget or (full_score and "FULL_SCORE_PARTIAL_EXECUTION" in planted):
        plan.exec_score = plan.exec_weight
    else:
        plan.exec_score = min(plan.exec_weight - 10,
                              int((_decimal(rate) * 10).quantize(Decimal("1"), rounding=ROUND_HALF_UP)))

    can_fall_short = [i for i, t in enumerate(chosen) if t.kind in ("ge", "pct")]
    deducted: set[int] = set()
    if not full_score:
        wanted = _choice_weighted(rng, ((0, 0.35), (1, 0.45), (2, 0.2)))
        if plan.exec_score == plan.exec_weight:
            wanted = max(wanted, 1)
        deducted = set(rng.sample(can_fall_short, min(wanted, len(can_fall_short))))
    unmet = None
    if "UNMET_TARGET_FULL_SCORE" in planted:
        options = [i for i in can_fall_short if i not in deducted]
        unmet = rng.choice(options) if options else None
        if unmet is None:
            planted.discard("UNMET_TARGET_FULL_SCORE")
    over = None
    if "INDICATOR_OVER_WEIGHT" in planted:
        options = [i for i, t in enumerate(chosen)
                   if i not in deducted and i != unmet and t.kind in ("ge", "pct", "full")]
        over = rng.choice(options) if options else None
        if over is None:
            planted.discard("INDICATOR_OVER_WEIGHT")

    indicators = []
    for i, template in enumerate(chosen):
        weight = weights[i] * 100
        short = i in deducted or i == unmet
        target, actual = _indicator_values(template, rng, short, fy)
        score = weight
        note = None
        if i in deducted:
            score = weight - rng.choice((1, 2, 2, 3, 4, 5)) * (50 if weight <= 500 else 100)
            note = rng.choice(words.DEVIATION_REASONS) if rng.random() < 0.85 else None
        if i == over:
            score = weight + rng.choice((50, 100, 100, 200, 300))
        if plan.full_width:
            target, actual = target.translate(FULL_WIDTH), actual.translate(FULL_WIDTH)
        phrase = template.phrase.replace("{v}", actual) if template.phrase else None
        indicators.append(PlannedIndicator(template.level2, template.name, target, actual, weight, score, note,
                                           phrase, short))
    total = sum(i.score for i in indicators) + plan.exec_score
    if over is not None and total >= 10000:
        # Over-scored indicators must not lift the sum to 100 or beyond: take the excess
        # (and a little more) from another indicator, which then misses its target too.
        others = [i for i in can_fall_short if i not in (over, unmet)]
        if not others:
            planted.discard("INDICATOR_OVER_WEIGHT")
            indicators[over].score = indicators[over].weight
        else:
            victim = indicators[rng.choice(others)]
            cut = total - 10000 + rng.choice((100, 200, 300))
            if victim.score - cut < 0:
                planted.discard("INDICATOR_OVER_WEIGHT")
                indicators[over].score = indicators[over].weight
            else:
                victim.score -= cut
                template = next(t for t in chosen if t.name == victim.name)
                victim.target, victim.actual = _indicator_values(template, rng, True, fy)
                if plan.full_width:
                    victim.target = victim.target.translate(FULL_WIDTH)
                    victim.actual = victim.actual.translate(FULL_WIDTH)
                victim.phrase = template.phrase.replace("{v}", victim.actual) if template.phrase else None
                victim.short = True
                victim.note = victim.note or rng.choice(words.DEVIATION_REASONS)
    plan.indicators = indicators


def _indicator_values(template: words.IndicatorTemplate, rng: random.Random, short: bool, fy: int) -> tuple[str, str]:
    kind, unit = template.kind, template.unit
    if kind == "ge":
        low, high = int(template.low), int(template.high)
        target = rng.randint(low, high)
        if target >= 100:
            target = target // 10 * 10
        if short:
            actual = max(0, int(target * rng.uniform(0.75, 0.97)))
            actual = min(actual, target - 1)
        else:
            actual = rng.randint(target, max(target, int(target * 1.12)))
        return f"≥{target}{unit}", f"{actual}{unit}"
    if kind == "pct":
        target = rng.randint(int(template.low), int(template.high))
        if short:
            actual = Decimal(rng.randint(max(0, target * 10 - 120), target * 10 - 5)) / 10
        else:
            actual = Decimal(rng.randint(target * 10, min(1000, target * 10 + 60))) / 10
        return f"≥{target}%", f"{actual.normalize():f}%"
    if kind == "full":
        return "100%", "100%"
    if kind == "le":
        low, high = template.low, template.high
        if isinstance(low, float) or isinstance(high, float):
            target = Decimal(rng.randint(int(low * 10), int(high * 10))) / 10
            actual = target - Decimal(rng.randint(0, 2)) / 10
            actual = max(actual, Decimal("0.1"))
        else:
            target = Decimal(rng.randint(int(low), int(high)))
            actual = Decimal(rng.randint(max(1, int(target) // 2), int(target)))
        return f"≤{target.normalize():f}{unit}", f"{actual.normalize():f}{unit}"
    if kind == "zero":
        return f"0{unit}", f"0{unit}"
    if kind == "deadline":
        month = rng.randint(int(template.low), int(template.high))
        done = rng.randint(max(1, month - 2), month)
        return f"{fy}年{month}月底前", f"{fy}年{done}月"
    return str(template.low), str(template.high)


def _plan_rates(plan: Plan, rng: random.Random, full_score: bool) -> None:
    """Which rates the report states, as written; STATED_RATE_MISMATCH makes one wrong.

    A full-score report whose money arrived short does not state its arrival rate: "资金到位率
    90%" could be read as an admitted shortfall, and SHORTFALL_FULL_SCORE is not planted.
    """
    budget = plan.budget
    execution = Fraction(plan.spent * 100, budget)
    arrived = plan.funds_arrived_value
    arrival = Fraction(arrived * 100, budget) if arrived is not None else None
    if plan.shape == "zibiao":
        plan.execution_rate_written = _rate_written(execution, rng)
    else:
        if rng.random() < 0.8:
            plan.execution_rate_written = _rate_written(execution, rng)
        if (arrival is not None and plan.funds_arrived is not None and rng.random() < 0.8
                and not (full_score and arrival < 100)):
            plan.arrival_rate_written = _rate_written(arrival, rng)
    if "STATED_RATE_MISMATCH" not in plan.planted:
        return
    candidates = ["execution"] if plan.execution_rate_written is not None else []
    if plan.arrival_rate_written is not None and not full_score:
        candidates.append("arrival")
    if not candidates:
        plan.execution_rate_written = _rate_written(execution, rng)
        candidates = ["execution"]
    which = rng.choice(candidates)
    true = execution if which == "execution" else arrival
    wrong = None
    if which == "execution" and arrived and arrived != budget:
        wrong = Fraction(plan.spent * 100, arrived)          # spent over arrived, a common slip
    if which == "execution" and plan.budget_adjusted not in (None, plan.budget_planned) and rng.random() < 0.5:
        wrong = Fraction(plan.spent * 100, plan.budget_planned)   # against the start-of-year budget
    if wrong is None or abs(wrong - true) < Fraction(1, 2):
        shift = Fraction(rng.choice((-1, 1)) * rng.randint(5, 40), 10)
        wrong = true + shift if true + shift <= 100 or shift < 0 else true - shift
    text = _rate_text(wrong, 2)
    if abs(Decimal(text) - _decimal(true)) <= Decimal("0.3"):
        text = _rate_text(true - 1, 2)
    if which == "execution":
        plan.execution_rate_written = text
    else:
        plan.arrival_rate_written = text


def _plan_score(plan: Plan, rng: random.Random, full_score: bool) -> None:
    planted = plan.planted
    if plan.shape == "zibiao":
        # 总分 is the sum of the 得分 column, unless the unit added it up wrong (never to 100:
        # a full score is only ever planted with the sum right).
        total = sum(i.score for i in plan.indicators) + plan.exec_score
        score = total
        if "INDICATOR_SUM_MISMATCH" in planted:
            delta = rng.choice((50, 100, 100, 200, 300))
            score = total + delta if total + delta < 10000 and rng.random() < 0.5 else total - delta
    elif full_score:
        score = 10000
    else:
        band = _choice_weighted(rng, (((90, 99), 0.6), ((80, 89), 0.27), ((60, 79), 0.1), ((45, 59), 0.03)))
        whole = rng.randint(*band)
        fraction = _choice_weighted(rng, ((0, 0.75), (50, 0.15), (rng.randint(1, 99), 0.1)))
        score = whole * 100 + fraction
    plan.self_score = score
    plan.bands_stated = rng.random() < 0.15
    bands = STATED_BANDS if plan.bands_stated else DEFAULT_BANDS
    grade = _grade(score, bands)
    if "GRADE_SCORE_MISMATCH" in planted:
        order = ["优", "良", "中", "差"]
        at = order.index(grade)
        if plan.bands_stated and _grade(score, DEFAULT_BANDS) != grade and rng.random() < 0.6:
            grade = _grade(score, DEFAULT_BANDS)        # graded by the national bands, not its own
        else:
            grade = order[at - 1] if at > 0 else order[1]
    plan.grade_raw = rng.choice(GRADE_WORDS[grade])


def _plan_text_facts(plan: Plan, rng: random.Random) -> None:
    """What the narrative says beyond the tables: planted mismatches, dates, shortfalls."""
    planted = plan.planted
    if "TEXT_TABLE_MISMATCH" in planted:
        table_lines = [line for line in plan.lines if plan.shape == "table"]
        if table_lines and rng.random() < 0.6:
            line = rng.choice(table_lines)
            delta = _round_to(int(line.actual * rng.uniform(0.05, 0.3)), 1000)
            up = rng.random() < 0.5 or line.actual <= delta
            plan.text_line_amounts[line.code] = line.actual + delta if up else line.actual - delta
        else:
            delta = _round_to(int(plan.spent * rng.uniform(0.01, 0.06)), 1000)
            plan.text_spent = plan.spent - delta if plan.spent > delta and rng.random() < 0.6 else plan.spent + delta
    if "UNIT_SUSPECT" in planted:
        options = [line for line in plan.lines if line.code not in plan.text_line_amounts]
        line = min(options, key=lambda l: l.actual + rng.random()) if rng.random() < 0.6 else rng.choice(options)
        plan.unit_suspect = line.code
    # The evaluation: after the period, on or before the report's own date.
    report = plan.report_date
    if "DATE_INCONSISTENT" in planted:
        options = ["eval_after"]
        if plan.period is not None:
            options.append("report_early")
        if plan.shape == "table":
            options.append("signature_early")
        plan.date_issue = rng.choice(options)
    if plan.date_issue == "report_early":
        end = plan.period[1]
        report = end - dt.timedelta(days=rng.randint(3, 25))
        plan.report_date = report
        plan.eval_date = (report - dt.timedelta(days=rng.randint(1, 10)), "day") if rng.random() < 0.5 else None
    elif plan.date_issue == "eval_after":
        later = report + dt.timedelta(days=rng.randint(20, 60))
        if rng.random() < 0.5:
            plan.eval_date = (later, "day")
        else:
            month = report.month + 1 + rng.randint(0, 1)
            plan.eval_date = (dt.date(report.year, month, 1), "month")
    elif rng.random() < 0.7:
        if rng.random() < 0.5:
            plan.eval_date = (dt.date(report.year, report.month, 1), "month")
        else:
            plan.eval_date = (report - dt.timedelta(days=rng.randint(0, report.day - 1)), "day")
    if "SHORTFALL_FULL_SCORE" in planted:
        template = rng.choice(words.SHORTFALL_SENTENCES)
        plan.shortfall = template.replace("{rate}", f"{rng.randint(800, 985) / 10:g}")


# -- truth -----------------------------------------------------------------------------------
def truth_of(plan: Plan) -> dict:
    """The truth file for a plan (corpus README format)."""
    categories = _categories()
    arrived = plan.funds_arrived_value
    report = {
        "project_name": plan.project,
        "implementing_unit": plan.unit,
        "supervising_dept": plan.dept if _states_dept(plan) else None,
        "province": plan.place.province,
        "region": plan.place.region,
        "fiscal_year": plan.fiscal_year,
        "eval_type": plan.eval_type,
        "report_date": plan.report_date.isoformat(),
        "period_start": plan.period[0].isoformat() if plan.period else None,
        "period_end": plan.period[1].isoformat() if plan.period else None,
        "budget_planned": _number(_wan(plan.budget_planned)),
        "budget_adjusted": _number(_wan(plan.budget_adjusted)) if plan.budget_adjusted is not None else None,
        "funds_arrived": _number(_wan(arrived)) if arrived is not None else None,
        "spent": _number(_wan(plan.spent)),
        "arrival_rate_stated": _number(float(plan.arrival_rate_written)) if plan.arrival_rate_written else None,
        "execution_rate_stated": _number(float(plan.execution_rate_written)) if plan.execution_rate_written else None,
        "self_score": _number(plan.self_score / 100),
        "grade_raw": plan.grade_raw,
        "grade": _normal_grade(plan.grade_raw),
    }
    origin = "table" if plan.shape == "table" else "text"
    lines = [{
        "category": categories[line.code].name, "category_code": line.code, "category_raw": line.label,
        "planned": _number(_wan(line.planned)) if line.planned is not None else None,
        "actual": _number(_wan(line.actual)), "origin": origin,
    } for line in plan.lines]
    indicators = [{
        "level1": LEVEL1[i.level2], "level2": i.level2, "name": i.name, "target_raw": i.target,
        "actual_raw": i.actual, "weight": _number(i.weight / 100), "score": _number(i.score / 100), "note": i.note,
    } for i in plan.indicators]
    sources = [{"source": level, "planned": _number(_wan(planned)) if planned is not None else None,
                "arrived": _number(_wan(got)) if got is not None else None}
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


def _states_dept(plan: Plan) -> bool:
    return plan.shape != "narrative" or _text_rng(plan, "dept").random() < 0.9


def _normal_grade(raw: str) -> str:
    for grade, raws in GRADE_WORDS.items():
        if raw in raws:
            return grade
    raise ValueError(raw)


def anomalies_of(plan: Plan) -> list[dict]:
    """SPEC §3 for the planned report: numeric rules computed, text rules as planted."""
    found: list[tuple[str, str | None]] = []
    categories = _categories()
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
    if _normal_grade(plan.grade_raw) != _grade(score, bands):
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
    order = {rule: i for i, rule in enumerate(RULES)}
    unique = list(dict.fromkeys(found))
    unique.sort(key=lambda item: order[item[0]])
    return [{"rule": rule, "subject": subject} for rule, subject in unique]


# -- the public API --------------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    """One generated report: its file name, its truth, and the .docx on demand."""

    name: str
    truth: dict
    plan: Plan = field(repr=False, compare=False)

    @property
    def stem(self) -> str:
        return self.name.removesuffix(".docx")

    def render(self, quirks: set[str] | None = None) -> bytes:
        """The .docx file's bytes (deterministic); `quirks` forces Word's habits on or off."""
        return render(self.plan, quirks)

    def write(self, folder: Path) -> Path:
        path = Path(folder) / self.name
        path.write_bytes(self.render())
        truth = json.dumps(self.truth, ensure_ascii=False, indent=2)
        (Path(folder) / f"{self.stem}.truth.json").write_text(truth + "\n", encoding="utf-8")
        return path


def generate(count: int, seed: int = 0, rates: dict[str, float] | None = None,
             start: int = 1) -> Iterator[Sample]:
    """`count` samples named sample-{start:05d}.docx onwards; the same arguments, the same samples."""
    rates = {**DEFAULT_RATES, **(rates or {})}
    master = random.Random(f"jixiao-samples:{seed}")
    number = start
    end = start + count
    while number < end:
        name = f"sample-{number:05d}.docx"
        sub = random.Random(master.getrandbits(64))
        plan = _plan(number, name, sub, rates)
        pair = (plan.shape in ELIGIBLE["DUPLICATE_REPORT"] and number + 1 < end
                and sub.random() < rates.get("DUPLICATE_REPORT", 0.0) / 2 / _eligible_share("DUPLICATE_REPORT"))
        if not pair:
            yield Sample(name, truth_of(plan), plan)
            number += 1
            continue
        twin_name = f"sample-{number + 1:05d}.docx"
        twin = _twin(plan, number + 1, twin_name, sub)
        plan.duplicate_of, twin.duplicate_of = twin_name, name
        yield Sample(name, truth_of(plan), plan)
        yield Sample(twin_name, truth_of(twin), twin)
        number += 2


def _twin(plan: Plan, index: int, name: str, rng: random.Random) -> Plan:
    """The same report filed again by another unit: every sentence and figure kept, the
    names, the place and the signing date changed."""
    counties, prefectures = _places()
    old = plan.place
    pool = prefectures if old in prefectures else counties
    while True:
        place = rng.choice(pool)
        if place.region != old.region and (place.level_word, place.autonomous, place.municipality) == (
                old.level_word, old.autonomous, old.municipality):
            break
    twin = replace(plan, index=index, name=name, place=place, layout_seed=rng.getrandbits(32),
                   lines=copy.deepcopy(plan.lines), indicators=copy.deepcopy(plan.indicators),
                   sources=list(plan.sources), text_line_amounts=dict(plan.text_line_amounts),
                   planted=set(plan.planted))
    if plan.date_issue is None:
        later = plan.report_date + dt.timedelta(days=rng.randint(1, 12))
        if later.year == plan.report_date.year and later.month <= 3:
            twin.report_date = later
    return twin


# -- text ------------------------------------------------------------------------------------
def _text_rng(plan: Plan, purpose: str) -> random.Random:
    """Choices of wording: the same for a report and its copy (DUPLICATE_REPORT)."""
    return random.Random(f"{plan.text_seed}:{purpose}")


def _title_project(project: str) -> str:
    """The project as its title writes it: 项目 before 项目支出绩效自评报告 is said once."""
    return project[:-2] if project.endswith("项目") else project


def _fold(plan: Plan, text: str) -> str:
    return text.translate(FULL_WIDTH) if plan.full_width else text


def _evaluation_sentence(plan: Plan, rng: random.Random) -> str:
    action = rng.choice(words.EVAL_ACTIONS).replace("{documents}", plan.domain.documents)
    if plan.eval_date is None:
        return action
    day, precision = plan.eval_date
    when = f"{day.year}年{day.month}月" + (f"{day.day}日" if precision == "day" else "")
    return f"{when}，{action}"


def _year_sentence(plan: Plan) -> str:
    """A paragraph copied from last year's report (YEAR_MISMATCH)."""
    return f"{plan.fiscal_year - 1}年度项目资金主要用于{plan.purpose}，资金使用符合财务管理规定。"


def _shortfall_sentence(plan: Plan, rng: random.Random) -> str:
    tasks = [i.name for i in plan.indicators] or [t.name for t in plan.domain.indicators if t.kind == "ge"]
    task = rng.choice(tasks)
    for suffix in ("次数", "人次", "数"):
        task = task.removesuffix(suffix)
    return plan.shortfall.replace("{task}", task)


def _problems(plan: Plan, rng: random.Random) -> str:
    problems = rng.sample(words.PROBLEMS_NEUTRAL, 2)
    text = f"一是{problems[0].rstrip('。')}；二是{problems[1]}"
    if plan.shortfall:
        text += _shortfall_sentence(plan, rng)
    elif plan.self_score < 10000 and plan.indicators and any(i.short for i in plan.indicators) and rng.random() < 0.5:
        text += rng.choice(words.DEVIATION_REASONS) + "。"
    return text


def _grade_bands_sentence() -> str:
    return ("根据财政部门绩效自评工作通知，自评结果分为优（得分≥95分）、良（85分≤得分<95分）、"
            "中（60分≤得分<85分）、差（得分<60分）四个等级。")


def _line_amount_text(plan: Plan, line: Line) -> str:
    amount = plan.text_line_amounts.get(line.code, line.actual)
    if plan.unit_suspect == line.code:
        return f"{line.label}{_wan_text(amount)}元"
    return f"{line.label}{plan.money(amount)}{plan.money_unit}"


LOCAL_LEVEL = {"区": "区级", "县": "县级", "市": "市级", "旗": "本级"}


def _sources_sentence(plan: Plan) -> str:
    local = LOCAL_LEVEL[plan.place.level_word]
    provincial = "自治区" if plan.place.autonomous else "省级"
    names = {"中央": "中央财政资金", "省级": f"{provincial}财政资金", "市县": f"{local}财政资金", "其它": "其他资金"}
    if plan.source_style == "all_from":
        level = plan.sources[0][0]
        return f"全部为{names[level]}"
    planned = "、".join(f"{names[level]}{plan.money(p)}{plan.money_unit}" for level, p, _ in plan.sources)
    return f"其中{planned}"


def _arrived_split(plan: Plan) -> str:
    local = LOCAL_LEVEL[plan.place.level_word]
    provincial = "自治区" if plan.place.autonomous else "省级"
    short = {"中央": "中央", "省级": provincial, "市县": local, "其它": "其他"}
    return "其中" + "、".join(f"{short[level]}{plan.money(a)}{plan.money_unit}" for level, _, a in plan.sources)


def _table_narrative(plan: Plan) -> list:
    """The report after the cover and tables (Guangxi style, dev-005)."""
    rng = _text_rng(plan, "narrative")
    d, fy, u = plan.domain, plan.fiscal_year, plan.money_unit
    out: list = [P(f"{_title_project(plan.project)}项目支出绩效自评报告", bold=True, center=True)]
    out.append(P(f"{fy}年度{plan.project}已按计划组织实施，现将项目支出绩效自评情况报告如下："))
    out += [P("一、项目基本概况"), P("（一）项目概况"), P("1.立项背景"), P(rng.choice(d.backgrounds)), P("2.项目实施情况")]
    for n, activity in enumerate(rng.sample(d.activities, 3), 1):
        out.append(P(f"（{n}）{activity}"))
    out.append(P("3.经费来源和使用情况"))
    out.append(P(f"{fy}年财政预算安排{plan.money(plan.budget_planned)}{u}，实际支出{plan.money(plan.text_spent)}{u}，具体支出情况如下："))
    out.append(P("；".join(_line_amount_text(plan, line) for line in plan.lines) + "。"))
    if plan.year_mismatch:
        out.append(P(_year_sentence(plan)))
    out += [P("（二）项目绩效目标"), P(_goal_text(plan)), P("二、项目绩效评价工作情况")]
    out.append(P(_evaluation_sentence(plan, rng)))
    out += [P("三、绩效分析及评价结论"), P("（一）投入")]
    out.append(P(_input_sentence(plan, rng)))
    out += [P("（二）产出")]
    for n, sentence in enumerate(_outputs(plan), 1):
        out.append(P(f"{n}.{sentence}"))
    out += [P("（三）效果"), P(rng.choice(d.effects)), P("（四）评价结果和评价结论")]
    if plan.bands_stated:
        out.append(P(_grade_bands_sentence()))
    out.append(P(f"本项目自评分为{_score_text(plan.self_score)}分，评价等级为{plan.grade_raw}。"))
    out += [P("四、经验总结、存在问题及意见建议"), P(f"（一）存在问题。{_problems(plan, rng)}"),
            P(f"（二）意见建议。{rng.choice(words.SUGGESTIONS)}")]
    return out


def _input_sentence(plan: Plan, rng: random.Random) -> str:
    """2021年项目预算资金X万元，实际到位Y万元，资金到位率Z%；实际支出S万元，预算执行率E%。"""
    fy, u = plan.fiscal_year, plan.money_unit
    label = rng.choice(("项目预算资金", "项目计划安排资金"))
    text = f"{fy}年{label}{plan.money(plan.budget_planned)}{u}，实际到位{plan.money(plan.funds_arrived)}{u}"
    if plan.arrival_rate_written:
        text += f"，资金到位率{plan.arrival_rate_written}%"
    text += f"；实际支出{plan.money(plan.text_spent)}{u}"
    if plan.execution_rate_written:
        text += f"，预算执行率{plan.execution_rate_written}%"
    return text + "。"


def _outputs(plan: Plan) -> list[str]:
    """What the project produced, the same sentences wherever the report states them: from
    the indicators (自评表) or from the domain's output indicators, all targets met."""
    if plan.indicators:
        phrases = [i.phrase for i in plan.indicators if i.phrase]
        return [p + "。" for p in phrases[:4]] or [plan.domain.effects[0]]
    rng = _text_rng(plan, "outputs")
    met = []
    for template in plan.domain.indicators:
        if template.phrase and template.kind in ("ge", "full") and LEVEL1[template.level2] == "产出指标":
            _, actual = _indicator_values(template, rng, False, plan.fiscal_year)
            met.append(template.phrase.replace("{v}", actual) + "。")
    rng.shuffle(met)
    return met[:2] or [plan.domain.effects[0]]


def _goal_text(plan: Plan) -> str:
    return f"做好{plan.purpose}等工作，保障项目按计划实施，发挥资金使用效益。"


def _zibiao_narrative(plan: Plan) -> list:
    rng = _text_rng(plan, "narrative")
    d, fy = plan.domain, plan.fiscal_year
    level = plan.place.level_word
    out: list = [P(f"{plan.project}绩效自评报告", bold=True, center=True)]
    out.append(P(f"根据{level}财政局关于开展{fy}年度项目支出绩效自评工作的通知，我单位对{plan.project}开展了绩效自评，现将有关情况报告如下："))
    out += [P("一、项目基本情况"), P(f"项目主要用于{plan.purpose}。")]
    if plan.year_mismatch:
        out.append(P(_year_sentence(plan)))
    out += [P("二、绩效自评工作开展情况"), P(_evaluation_sentence(plan, rng)), P("三、绩效目标实现情况")]
    budget_words = f"项目年初预算{_wan_text(plan.budget_planned)}万元"
    if plan.budget_adjusted is not None:
        budget_words += f"，全年预算{_wan_text(plan.budget_adjusted)}万元"
    spent_word = rng.choice(("全年执行", "全年实际支出"))
    out.append(P(f"（一）资金执行情况。{budget_words}，{spent_word}{_wan_text(plan.text_spent)}万元，"
                 f"预算执行率{plan.execution_rate_written}%。"))
    if plan.lines_in_text:
        out.append(P("资金主要用于：" + "，".join(_line_amount_text(plan, line) for line in plan.lines) + "。"))
    out.append(P("（二）绩效指标完成情况。"))
    phrases = [i.phrase for i in plan.indicators if i.phrase]
    for n, start in enumerate(range(0, min(len(phrases), 6), 2), 1):
        out.append(P(_fold(plan, f"{n}.") + "，".join(phrases[start:start + 2]) + "。"))
    out.append(P("四、自评结论"))
    if plan.bands_stated:
        out.append(P(_grade_bands_sentence()))
    out.append(P(f"项目自评得分{_score_text(plan.self_score)}分，自评等级为“{plan.grade_raw}”。"))
    out.append(P(rng.choice(d.effects)))
    out += [P("五、存在的问题及改进措施"), P(_problems(plan, rng) + rng.choice(words.SUGGESTIONS))]
    return out


def _narrative_report(plan: Plan) -> list:
    rng = _text_rng(plan, "narrative")
    d, fy, u = plan.domain, plan.fiscal_year, plan.money_unit
    place = plan.place.prefix
    title_style = rng.choice(("place_year", "place_project", "unit", "plain"))
    project = plan.project
    title = {
        "place_year": f"{place}{fy}年度{project}绩效自评报告",
        "place_project": f"{place}{project}{fy}年度绩效自评报告",
        "unit": f"{plan.unit}{fy}年度{project}绩效自评报告",
        "plain": f"{fy}年度{project}绩效自评报告",
    }[title_style]
    out: list = [P(title, bold=True, center=True)]
    states_dept = _states_dept(plan)
    header_line = rng.random() < 0.3
    if header_line:
        line = f"项目实施单位：{plan.unit}"
        if states_dept:
            line += f"    主管部门：{plan.dept}"
        out.append(P(line))
    out.append(P("一、项目基本情况"))
    body = ""
    if not header_line:
        body = f"{project}由{plan.unit}组织实施" + (f"，主管部门为{plan.dept}。" if states_dept else "。")
    if plan.period:
        body += f"项目实施期为{_period_text(*plan.period, plan.period_style)}，主要用于{plan.purpose}。"
    else:
        body += f"项目主要用于{plan.purpose}。"
    out.append(P(f"（一）项目概况。{body}"))
    out.append(P(f"（二）资金安排情况。{_narrative_funds(plan, rng)}"))
    out.append(P("二、项目资金使用情况"))
    spent = f"全年实际支出{plan.money(plan.text_spent)}{u}"
    if plan.execution_rate_written:
        spent += f"，预算执行率{plan.execution_rate_written}%"
    if plan.lines:
        spent += "。具体支出为：" + "，".join(_line_amount_text(plan, line) for line in plan.lines)
    out.append(P(spent + "。"))
    if plan.year_mismatch:
        out.append(P(_year_sentence(plan)))
    out.append(P("三、绩效目标完成情况"))
    outputs = _outputs(plan)
    out.append(P("（一）产出情况。" + "".join(outputs)))
    out.append(P(f"（二）效益情况。{rng.choice(d.effects)}"))
    satisfaction = rng.randint(900, 990) / 10
    out.append(P(f"（三）满意度情况。通过随机走访和问卷调查，{d.beneficiaries}满意度为{satisfaction:g}%。"))
    if plan.eval_date is not None or rng.random() < 0.3:
        out.append(P("四、绩效自评工作开展情况"))
        out.append(P(_evaluation_sentence(plan, rng)))
        conclusion, problems = "五", "六"
    else:
        conclusion, problems = "四", "五"
    out.append(P(f"{conclusion}、自评结论"))
    if plan.bands_stated:
        out.append(P(_grade_bands_sentence()))
    out.append(P(f"经综合评价，本项目自评得分{_score_text(plan.self_score)}分，评价等级为{plan.grade_raw}。"))
    out.append(P(f"{problems}、存在问题及改进措施"))
    out.append(P(_problems(plan, rng) + rng.choice(words.SUGGESTIONS)))
    out.append(P(plan.unit))
    out.append(P(_date_text(plan.report_date, plan.date_style)))
    return out


def _narrative_funds(plan: Plan, rng: random.Random) -> str:
    u = plan.money_unit
    words_budget = rng.choice(("项目年初预算资金", "项目预算资金", "项目计划安排资金"))
    text = f"{words_budget}{plan.money(plan.budget_planned)}{u}"
    if plan.budget_adjusted is not None:
        text += f"，年中调整为{plan.money(plan.budget_adjusted)}{u}"
    if plan.source_style != "none":
        text += "，" + _sources_sentence(plan)
    if plan.funds_arrived is not None:
        text += f"；当年实际到位{plan.money(plan.funds_arrived)}{u}"
        if plan.source_style == "split":
            text += "，" + _arrived_split(plan)
        if plan.arrival_rate_written:
            text += f"，资金到位率{plan.arrival_rate_written}%"
    elif plan.arrived_in_full_phrase:
        text += "，资金已全部拨付到位"
    return text + "。"


# -- rendering: blocks -----------------------------------------------------------------------
@dataclass
class P:
    text: str | list            # a string, or segments: str and ("box", checked)
    bold: bool = False
    center: bool = False


@dataclass
class C:
    content: str | list | "T"   # text (lines separated by "\n"), or a nested table
    span: int = 1
    merge: str | None = None    # restart | continue


@dataclass
class T:
    rows: list[list[C]]
    widths: list[int]


def _spaced(label: str, on: bool) -> str:
    return "\u3000".join(label) if on else label


def _checkboxes(plan: Plan, rng: random.Random) -> list:
    ticked = rng.choice(("☑", "√"))
    segments: list = []
    for n, kind in enumerate(("事前", "事中", "事后")):
        if n:
            segments.append("      ")
        segments.append(f"{kind}评价")
        segments.append(("box", plan.eval_type == kind, ticked))
    return segments


def _cover(plan: Plan, rng: random.Random, title: str) -> list:
    style = _choice_weighted(rng, (("spaces", 0.45), ("colon", 0.25), ("table", 0.2), ("cell", 0.1)))
    spaced = rng.random() < 0.3 and style == "spaces"
    fields = [("项目名称", plan.project), ("项目单位", plan.unit), ("主管部门", plan.dept)]
    out: list = [P(rng.choice(("附件2", "附件", "附件1"))), P(title, bold=True, center=True)]
    if style in ("spaces", "colon"):
        sep = "  " if style == "spaces" else "："
        for label, value in fields:
            out.append(P(f"{_spaced(label, spaced)}{sep}{value}"))
        out.append(P([f"{_spaced('评价类型', spaced)}{sep}"] + _checkboxes(plan, rng)))
    elif style == "table":
        rows = [[C(label), C(value, span=3)] for label, value in fields]
        rows.append([C("评价类型"), C(_checkboxes(plan, rng), span=3)])
        out.append(T(rows, [1800, 2400, 2400, 2400]))
    else:
        rows = [[C(f"{label}：{value}")] for label, value in fields]
        rows.append([C(["评价类型："] + _checkboxes(plan, rng))])
        out.append(T(rows, [9000]))
    out += [P("评价方式：部门（单位）绩效自评"), P("评价机构：部门（单位）评价组"), P("部门（单位）名称（盖章）：")]
    out.append(P(_date_text(plan.report_date, plan.date_style)))
    out.append(P(f"{plan.place.prefix}财政局（制）" if rng.random() < 0.8 else "财政局（制）"))
    return out


def _people(plan: Plan, rng: random.Random, count: int) -> list[tuple[str, str]]:
    out = []
    for _ in range(count):
        name = rng.choice(words.SURNAMES) + "".join(rng.choice(words.GIVEN) for _ in range(rng.randint(1, 2)))
        out.append((name, rng.choice(words.DUTIES)))
    return out


def _signature_dates(plan: Plan) -> tuple[dt.date, dt.date]:
    """(填报人, 评价组组长) dates; one is a year early when signature_early is planted."""
    report = plan.report_date
    early = report.replace(year=report.year - 1, day=min(report.day, 28))
    if plan.date_issue == "signature_early":
        return (early, report) if plan.layout_seed % 2 else (report, early)
    return report, report


def _money_cell(plan: Plan, yuan: int | None, fold: bool, blank: str = "") -> str:
    if yuan is None:
        return blank
    text = plan.money(yuan, two_decimals=plan.layout_seed % 3 == 0)
    return text.translate(FULL_WIDTH) if fold else text


def _table_blocks(plan: Plan) -> list:
    rng = random.Random(plan.layout_seed)
    fold = rng.random() < 0.08 and not plan.yuan
    layout = "guangxi" if plan.yuan else _choice_weighted(rng, (("guangxi", 0.5), ("split", 0.2), ("compact", 0.3)))
    transposed = not plan.yuan and layout != "compact" and rng.random() < 0.25
    title = f"{_title_project(plan.project)}项目支出绩效自评报告"
    out = _cover(plan, rng, title)
    unit_label = "" if plan.yuan else "（万元）"
    planned_label = rng.choice(("计划安排资金", "计划安排资金", "预算资金"))
    arrived_label = rng.choice(("实际到位资金", "实际到位资金", "到位资金"))
    spent_label = rng.choice(("实际支出", "实际支出", "全年执行数"))
    score_label = rng.choice(("综合得分", "综合得分", "自评得分", "总分"))
    grade_label = rng.choice(("自评等次", "自评等次", "评价等级", "自评等级"))
    spaced = rng.random() < 0.5
    if spaced and rng.random() < 0.5:
        score_label, grade_label = _spaced(score_label, True), _spaced(grade_label, True)
    provincial = "自治区财政" if plan.place.autonomous else "省级财政"
    source_rows = [("中央", "中央财政"), ("省级", provincial), ("市县", "市县财政"), ("其它", "其它")]
    by_level = {level: (p, a) for level, p, a in plan.sources}
    people = _people(plan, rng, rng.randint(3, 5))
    signed, leader = _signature_dates(plan)
    score = _score_text(plan.self_score) + ("分" if rng.random() < 0.5 else "")
    if fold:
        score = score.translate(FULL_WIDTH)
    m = lambda yuan: _money_cell(plan, yuan, fold)  # noqa: E731
    period = _period_text(*plan.period, plan.period_style)

    if layout == "compact":
        rows = [
            [C(_spaced("项目负责人", spaced)), C(people[0][0]), C("联系电话"), C(_phone(rng), span=2)],
            [C("项目起止时间"), C(period, span=4)],
            [C("资金情况\n（万元）", merge="restart"), C(planned_label), C(m(plan.budget_planned)), C(arrived_label),
             C(m(plan.funds_arrived))],
        ]
        for n, (level, label) in enumerate(source_rows):
            planned, arrived = by_level.get(level, (None, None))
            prefix = "其中：" if n == 0 else ""
            rows.append([C("", merge="continue"), C(prefix + label), C(m(planned)), C(prefix + label), C(m(arrived))])
        rows.append([C(spent_label), C(m(plan.spent), span=4)])
        nested = _lines_table(plan, m)
        rows.append([C("项目支出明细"), C(nested, span=4)])
        rows.append([C("绩效目标\n完成情况"), C(f"预期：{_goal_text(plan)}\n实际：{''.join(_outputs(plan))}", span=4)])
        rows.append([C(score_label), C(score), C(grade_label), C(plan.grade_raw, span=2)])
        out.append(P("一、项目基本概况"))
        out.append(T(rows, [1700, 1900, 1600, 1900, 1600]))
        out.append(P("二、评价人员"))
        staff = [[C("姓名"), C("职称/职务"), C("单位"), C("签字")]]
        staff += [[C(name), C(duty), C(plan.unit), C("")] for name, duty in people]
        staff.append([C(f"填报人（签字）：                {_date_text(signed, 'arabic')}", span=4)])
        if leader != signed:
            staff.append([C(f"评价组组长（签字）：            {_date_text(leader, 'arabic')}", span=4)])
        out.append(T(staff, [1800, 2400, 3000, 1800]))
        return out + _table_narrative(plan)

    width = 4
    basic = [
        [C(_spaced("项目负责人", spaced)), C(people[0][0]), C("联系电话"), C(_phone(rng))],
        [C("地     址"), C(_address(plan, rng)), C("邮编"), C(f"{rng.randint(10, 85)}{rng.randint(0, 9999):04d}")],
        [C("项目起止时间"), C(period, span=3)],
        [C(f"{planned_label}{unit_label}"), C(m(plan.budget_planned)), C(f"{arrived_label}{unit_label}"),
         C(m(plan.funds_arrived))],
    ]
    for n, (level, label) in enumerate(source_rows):
        planned, arrived = by_level.get(level, (None, None))
        prefix = "其中：" if n == 0 else ""
        basic.append([C(prefix + label), C(m(planned)), C(prefix + label), C(m(arrived))])
    basic.append([C(f"{spent_label}{unit_label}"), C(m(plan.spent), span=3)])
    lines_rows = _lines_rows(plan, m, 4 if layout == "guangxi" and not transposed else 3, unit_label)
    results = [
        [C(""), C("预  期（或调整后）"), C("实  际", span=2)],
        [C("项目绩效目标及实施计划完成情况"), C(_goal_text(plan)), C("".join(_outputs(plan)), span=2)],
        [C(score_label), C(score, span=3)],
        [C(grade_label), C(plan.grade_raw, span=3)],
    ]
    staff = [[C("姓名"), C("职称/职务"), C("单  位"), C("签字")]]
    staff += [[C(name), C(duty), C(plan.unit), C("")] for name, duty in people]
    signatures = [[C("填报人（签字）：", span=4)], [C(_date_text(signed, "arabic"), span=4)],
                  [C("评价组组长（签字）：", span=4)], [C(_date_text(leader, "arabic"), span=4)]]
    widths = [2600, 2200, 2200, 2000]
    first_heading = "一、项　目　基　本　概　况" if spaced else "一、项目基本概况"
    heading = lambda text: [C(text, span=4)]  # noqa: E731
    if plan.yuan:
        out.append(P("单位：元"))
    if layout == "guangxi" and not transposed:
        rows = [heading(first_heading)]
        rows += basic + [heading("二、项目支出明细")] + lines_rows + [heading("三、项目绩效目标完成情况")]
        rows += results + [heading("四、评价人员")] + staff + signatures
        out.append(T(rows, widths))
    else:
        out.append(P(first_heading))
        out.append(T(basic, widths))
        out.append(P("二、项目支出明细" + ("（单位：万元）" if transposed else "")))
        out.append(_lines_transposed(plan, m) if transposed else T(lines_rows, [3400, 2800, 2800]))
        out.append(P("三、项目绩效目标完成情况"))
        out.append(T(results, widths))
        out.append(P("四、评价人员"))
        out.append(T(staff + signatures, widths))
    return out + _table_narrative(plan)


def _lines_rows(plan: Plan, m, width: int, unit_label: str) -> list[list[C]]:
    """The 项目支出明细 rows: three grid columns, or four inside the 基本概况 table."""
    span_last = 1 if width == 3 else 2
    rows = [[C("支出内容"), C(f"计划支出数\n{unit_label}".strip()), C(f"实际支出数\n{unit_label}".strip(), span=span_last)],
            [C("（按经济科目）"), C(""), C("", span=span_last)]]
    for line in plan.lines:
        planned = m(line.planned) if line.planned else line.planned_written
        rows.append([C(line.label), C(planned), C(m(line.actual), span=span_last)])
    total_planned = sum(line.planned or 0 for line in plan.lines)
    total_label = "支出合计" + unit_label
    rows.append([C(total_label), C(F(m(total_planned))), C(F(m(plan.spent)), span=span_last)])
    return rows


def _lines_table(plan: Plan, m) -> T:
    """The 项目支出明细 as a table nested in a cell of the 基本概况 table (dev-027)."""
    header = [C("支出内容（按经济科目）"), C("计划支出数（万元）"), C("实际支出数（万元）")]
    rows = [header]
    for line in plan.lines:
        rows.append([C(line.label), C(m(line.planned) if line.planned else line.planned_written), C(m(line.actual))])
    rows.append([C("合计"), C(F(m(sum(line.planned or 0 for line in plan.lines)))), C(F(m(plan.spent)))])
    return T(rows, [2200, 1800, 1800])


def _lines_transposed(plan: Plan, m) -> T:
    """Categories as columns, 计划支出数 / 实际支出数 as rows."""
    header = [C("支出内容")] + [C(line.label) for line in plan.lines] + [C("合计")]
    planned = [C("计划支出数")] + [C(m(line.planned) if line.planned else line.planned_written) for line in plan.lines]
    planned.append(C(m(sum(line.planned or 0 for line in plan.lines))))
    actual = [C("实际支出数")] + [C(m(line.actual)) for line in plan.lines] + [C(m(plan.spent))]
    width = 9000 // (len(plan.lines) + 2)
    return T([header, planned, actual], [width] * (len(plan.lines) + 2))


def _phone(rng: random.Random) -> str:
    return f"0{rng.randint(10, 999)}-{rng.randint(2000000, 8999999)}"


def _address(plan: Plan, rng: random.Random) -> str:
    return f"{plan.place.prefix}{rng.choice(words.STREETS)}{rng.randint(1, 300)}号"


def _zibiao_blocks(plan: Plan) -> list:
    rng = random.Random(plan.layout_seed)
    fold = (lambda text: text.translate(FULL_WIDTH)) if plan.full_width else (lambda text: text)
    out: list = [P(rng.choice(("附件", "附件1", "附件2"))), P("项目支出绩效自评表", bold=True, center=True),
                 P(f"（{plan.fiscal_year}年度）", center=True)]
    unit_label = rng.choice(("实施单位", "实施单位", "项目实施单位"))
    rows: list[list[C]] = [
        [C(_spaced("项目名称", rng.random() < 0.3)), C(plan.project, span=8)],
        [C("主管部门"), C(plan.dept, span=3), C(unit_label, span=2), C(plan.unit, span=3)],
        [C("项目资金\n（万元）", merge="restart"), C("", span=2), C("年初预算数"), C("全年预算数"), C("全年执行数"),
         C("分值"), C("执行率"), C("得分")],
    ]
    money = lambda yuan: fold(_wan_text(yuan)) if yuan is not None else ""  # noqa: E731
    adjusted = plan.budget_adjusted
    rows.append([C("", merge="continue"), C("年度资金总额", span=2), C(money(plan.budget_planned)), C(money(adjusted)),
                 C(money(plan.spent)), C(fold(_score_text(plan.exec_weight))),
                 C(fold(f"{plan.execution_rate_written}%")), C(fold(_score_text(plan.exec_score)))])
    provincial = "自治区财政资金" if plan.place.autonomous else "省级财政资金"
    labels = {"中央": "中央财政资金", "省级": provincial, "市县": "本级财政资金", "其它": "其他资金"}
    budget = plan.budget
    source_rows = []
    for n, (level, amount, _) in enumerate(plan.sources):
        # Split the 年初 and 执行 columns in the same proportion as the 全年 one.
        start = plan.budget_planned * amount // budget // 100 * 100 if adjusted is not None else amount
        spent = plan.spent * amount // budget // 100 * 100
        source_rows.append([level, start, amount if adjusted is not None else None, spent])
    if source_rows:
        source_rows[-1][1] = plan.budget_planned - sum(r[1] for r in source_rows[:-1])
        source_rows[-1][3] = plan.spent - sum(r[3] for r in source_rows[:-1])
    dash = rng.choice(("—", "-", ""))
    for n, (level, start, full, spent) in enumerate(source_rows):
        prefix = "其中：" if n == 0 else ""
        rows.append([C("", merge="continue"), C(prefix + labels[level], span=2), C(money(start)), C(money(full)),
                     C(money(spent)), C(dash), C(dash), C(dash)])
    if "其它" not in {r[0] for r in source_rows}:
        rows.append([C("", merge="continue"), C("上年结转资金", span=2), C(""), C(""), C(""), C(dash), C(dash), C(dash)])
        rows.append([C("", merge="continue"), C("其他资金", span=2), C(""), C(""), C(""), C(dash), C(dash), C(dash)])
    achieved = ""
    for phrase in (i.phrase for i in plan.indicators if i.phrase and not i.short):
        if len(achieved) + len(phrase) < 120:
            achieved += ("，" if achieved else "") + phrase
    rows.append([C("年度总体目标", merge="restart"), C("预期目标", span=4), C("实际完成情况", span=4)])
    rows.append([C("", merge="continue"), C(_goal_text(plan), span=4),
                 C((achieved or rng.choice(plan.domain.effects).rstrip("。")) + "。", span=4)])
    rows.append([C("绩效指标", merge="restart"), C("一级指标"), C("二级指标"), C("三级指标"), C("年度指标值"),
                 C("实际完成值"), C("分值"), C("得分"), C("偏差原因分析及改进措施")])
    vertical = rng.random() < 0.5
    previous1 = previous2 = None
    for indicator in plan.indicators:
        level1 = LEVEL1[indicator.level2]
        if level1 != previous1:
            text1 = "\n".join(level1) if vertical else level1
            cell1 = C(text1, merge="restart")
            previous2 = None
        else:
            cell1 = C("", merge="continue")
        cell2 = C(indicator.level2, merge="restart") if indicator.level2 != previous2 else C("", merge="continue")
        previous1, previous2 = level1, indicator.level2
        rows.append([C("", merge="continue"), cell1, cell2, C(indicator.name), C(indicator.target),
                     C(indicator.actual), C(fold(_score_text(indicator.weight))),
                     C(fold(_score_text(indicator.score))), C(indicator.note or "")])
    total_label = _choice_weighted(rng, (("总分", 0.8), ("总  分", 0.1), ("合计", 0.1)))
    rows.append([C(total_label, span=6), C(F(fold("100"))), C(F(fold(_score_text(plan.self_score)))), C("")])
    grade_label = rng.choice(("自评等级", "自评等级", "评价等级", "自评等次"))
    rows.append([C(grade_label, span=6), C(plan.grade_raw, span=3)])
    out.append(T(rows, [1000] * 9))
    out.append(P(plan.unit))
    out.append(P(_date_text(plan.report_date, plan.date_style)))
    out += _zibiao_narrative(plan)
    out.append(P(plan.unit))
    out.append(P(_date_text(plan.report_date, "arabic")))
    return out


# -- rendering: WordprocessingML -------------------------------------------------------------
W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
RUN_PROPERTIES = ('', '<w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>',
                  '<w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312"/><w:sz w:val="28"/></w:rPr>',
                  '<w:rPr><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>')


# What Word and WPS files carry besides plain runs (SPEC §1 hard cases), each in some documents:
# tracked changes (a figure corrected in review: the deleted one must not count), content
# controls, the "chmetcnv" smart tag Chinese Word puts on figures with units, totals stored
# as field results (=SUM(ABOVE)), automatic list numbers for 一、二、三、 headings, and a
# main part that is not called word/document.xml.
QUIRKS = ("tracked", "smart_tag", "content_control", "field", "numbering", "part_name")
NUMBER = re.compile(r"\d+(?:[.,，]\d+)*")
HEADING = re.compile(r"^([一二三四五六七八九十])、(.{1,24})$")
CN_ORDINALS = "一二三四五六七八九十"


@dataclass
class F:
    """A cell value Word stores as a field's result (a 合计 computed by =SUM(ABOVE))."""

    text: str


class _Writer:
    """Blocks -> document.xml text; Word's habits (split runs, check-box symbols, QUIRKS)
    chosen by a seeded RNG. The text a reader sees is exactly the blocks' text."""

    def __init__(self, rng: random.Random, quirks: set[str] | None = None):
        self.rng = rng
        self.split_share = rng.choice((0.0, 0.15, 0.4))
        self.symbol_boxes = rng.random() < 0.3
        drawn = {quirk for quirk in QUIRKS if rng.random() < 0.12}
        self.quirks = drawn if quirks is None else set(quirks)
        self.next_id = 1
        self.sequences = 0          # w:num definitions, one per 一、二、三、 run of headings
        self.expected = 0           # the next heading number in the current run

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def plain(self, text: str, bold: bool = False) -> str:
        if not text:
            return ""
        pieces = [text]
        if len(text) > 1 and self.rng.random() < self.split_share:
            cuts = sorted(self.rng.sample(range(1, len(text)), min(len(text) - 1, self.rng.randint(1, 3))))
            pieces = [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]
        out = []
        for piece in pieces:
            props = self.rng.choice(RUN_PROPERTIES) if len(pieces) > 1 else ""
            if bold:
                props = "<w:rPr><w:b/></w:rPr>"
            lines = piece.split("\n")
            body = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
            out.append(f"<w:r>{props}{body}</w:r>")
        return "".join(out)

    def runs(self, text: str, bold: bool = False) -> str:
        """Runs for `text`; one figure in it may come as a tracked correction or a smart tag."""
        marked = [q for q in ("tracked", "smart_tag") if q in self.quirks]
        if not marked or "\n" in text or self.rng.random() > 0.3:
            return self.plain(text, bold)
        figures = list(NUMBER.finditer(text))
        if not figures:
            return self.plain(text, bold)
        figure = self.rng.choice(figures)
        value = figure.group(0)
        before, after = text[:figure.start()], text[figure.end():]
        if self.rng.choice(marked) == "tracked":
            old = value[:-1] + str((int(value[-1]) + self.rng.randint(1, 8)) % 10)
            when = 'w:author="审核人" w:date="2024-01-15T09:30:00Z"'
            middle = (f'<w:del w:id="{self._id()}" {when}><w:r><w:delText xml:space="preserve">{escape(old)}'
                      f'</w:delText></w:r></w:del><w:ins w:id="{self._id()}" {when}>{self.plain(value)}</w:ins>')
        else:
            unit = re.match(r"万元|元|%|人次|个|户", after)
            if unit:
                value, after = value + unit.group(0), after[unit.end():]
            middle = ('<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="chmetcnv">'
                      '<w:smartTagPr><w:attr w:name="HasSpace" w:val="False"/>'
                      '<w:attr w:name="Negative" w:val="False"/></w:smartTagPr>'
                      f"{self.plain(value)}</w:smartTag>")
        return self.plain(before, bold) + middle + self.plain(after, bold)

    def box(self, checked: bool, ticked: str) -> str:
        if self.symbol_boxes:
            char = "F052" if checked else "F0A3"
            return f'<w:r><w:sym w:font="Wingdings 2" w:char="{char}"/></w:r>'
        return self.plain(ticked if checked else "□")

    def paragraph(self, block: P, top_level: bool = False) -> str:
        props = '<w:jc w:val="center"/>' if block.center else ""
        text = block.text
        if top_level and isinstance(text, str) and "numbering" in self.quirks:
            heading = HEADING.match(text)
            if heading:
                number = CN_ORDINALS.index(heading.group(1)) + 1
                if number == 1:
                    self.sequences += 1
                    self.expected = 1
                if number == self.expected:
                    # Word draws "一、" from numbering.xml; the paragraph holds only the words.
                    props = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{self.sequences}"/></w:numPr>' + props
                    text = heading.group(2)
                    self.expected += 1
        if isinstance(text, str):
            body = self.runs(text, block.bold)
        else:
            body = "".join(self.runs(s) if isinstance(s, str) else self.box(s[1], s[2]) for s in text)
        if "content_control" in self.quirks and self.rng.random() < 0.25:
            body = (f'<w:sdt><w:sdtPr><w:id w:val="{self._id()}"/><w:showingPlcHdr w:val="0"/></w:sdtPr>'
                    f"<w:sdtContent>{body}</w:sdtContent></w:sdt>")
        xml = f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{body}</w:p>"
        if top_level and "content_control" in self.quirks and self.rng.random() < 0.1:
            xml = f'<w:sdt><w:sdtPr><w:id w:val="{self._id()}"/></w:sdtPr><w:sdtContent>{xml}</w:sdtContent></w:sdt>'
        return xml

    def field(self, value: F) -> str:
        if "field" not in self.quirks:
            return self.paragraph(P(value.text))
        if self.rng.random() < 0.5:
            return f'<w:p><w:fldSimple w:instr=" =SUM(ABOVE) ">{self.plain(value.text)}</w:fldSimple></w:p>'
        return ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                '<w:r><w:instrText xml:space="preserve"> =SUM(ABOVE) \\# "0.00" </w:instrText></w:r>'
                f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{self.plain(value.text)}'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')

    def table(self, block: T) -> str:
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in block.widths)
        out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
               '<w:tblLook w:val="04A0"/></w:tblPr>', f"<w:tblGrid>{grid}</w:tblGrid>"]
        for row in block.rows:
            out.append("<w:tr>")
            col = 0
            for cell in row:
                width = sum(block.widths[col:col + cell.span])
                props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
                if cell.span > 1:
                    props += f'<w:gridSpan w:val="{cell.span}"/>'
                if cell.merge == "restart":
                    props += '<w:vMerge w:val="restart"/>'
                elif cell.merge == "continue":
                    props += "<w:vMerge/>"
                out.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{self.cell(cell.content)}</w:tc>")
                col += cell.span
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def cell(self, content) -> str:
        if isinstance(content, T):
            return self.table(content) + "<w:p/>"
        if isinstance(content, F):
            return self.field(content)
        if isinstance(content, list):
            return self.paragraph(P(content))
        return "".join(self.paragraph(P(line)) for line in content.split("\n")) if content else "<w:p/>"

    def document(self, blocks: list, header: bool = False) -> str:
        body = "".join(self.paragraph(b, top_level=True) if isinstance(b, P) else self.table(b) for b in blocks)
        reference = '<w:headerReference w:type="default" r:id="rId4"/>' if header else ""
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W_NS}><w:body>{body}'
                f'<w:sectPr>{reference}<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" '
                'w:bottom="1440" w:left="1800" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>'
                '</w:body></w:document>')

    def header(self, blocks: list) -> str:
        body = "".join(self.paragraph(b) if isinstance(b, P) else self.table(b) for b in blocks)
        return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {W_NS}>{body}<w:p/></w:hdr>'


    def numbering(self) -> str | None:
        if not self.sequences:
            return None
        nums = "".join(f'<w:num w:numId="{n}"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0">'
                       '<w:startOverride w:val="1"/></w:lvlOverride></w:num>' for n in range(1, self.sequences + 1))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:numbering {W_NS}><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/>'
                '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                '<w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>'
                f"{nums}</w:numbering>")


WORD_TYPES = "application/vnd.openxmlformats-officedocument.wordprocessingml"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _content_types(main: str, numbering: bool, header: bool) -> str:
    extra = (f'<Override PartName="/word/numbering.xml" ContentType="{WORD_TYPES}.numbering+xml"/>'
             if numbering else "")
    if header:
        extra += f'<Override PartName="/word/header1.xml" ContentType="{WORD_TYPES}.header+xml"/>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main}" ContentType="{WORD_TYPES}.document.main+xml"/>'
            f'<Override PartName="/word/styles.xml" ContentType="{WORD_TYPES}.styles+xml"/>'
            f'<Override PartName="/word/settings.xml" ContentType="{WORD_TYPES}.settings+xml"/>{extra}'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')


def _package_rels(main: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument" Target="{main}"/>'
            '<Relationship Id="rId2" Target="docProps/core.xml" '
            'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"/>'
            f'<Relationship Id="rId3" Type="{OFFICE_RELS}/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>')


def _document_rels(numbering: bool, header: bool) -> str:
    extra = f'<Relationship Id="rId3" Type="{OFFICE_RELS}/numbering" Target="numbering.xml"/>' if numbering else ""
    if header:
        extra += f'<Relationship Id="rId4" Type="{OFFICE_RELS}/header" Target="header1.xml"/>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{OFFICE_RELS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId2" Type="{OFFICE_RELS}/settings" Target="settings.xml"/>{extra}'
            '</Relationships>')


STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:styles {W_NS}><w:docDefaults><w:rPrDefault><w:rPr>'
    '<w:rFonts w:ascii="Times New Roman" w:eastAsia="宋体" w:hAnsi="Times New Roman"/><w:sz w:val="24"/>'
    '<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/></w:style>'
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:left w:w="108" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
    '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style>'
    '</w:styles>'
)
SETTINGS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:settings {W_NS}><w:defaultTabStop w:val="420"/><w:compat/></w:settings>')
APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       '<Application>Microsoft Office Word</Application></Properties>')


def _core(plan: Plan) -> str:
    when = dt.datetime.combine(plan.report_date, dt.time(9, 0)).isoformat() + "Z"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{escape(plan.project)}</dc:title><dc:creator>{escape(plan.unit)}</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created></cp:coreProperties>')


def header_blocks(plan: Plan) -> list:
    """The page header: a summary table for some narratives (its figures are the report's)."""
    if not plan.header_table:
        return []
    u = "（万元）"
    rows = [[C("项目名称"), C(plan.project), C("实施单位"), C(plan.unit)],
            [C("主管部门"), C(plan.dept if _states_dept(plan) else ""), C("评价年度"), C(f"{plan.fiscal_year}年度")],
            [C(f"预算资金{u}"), C(_wan_text(plan.budget_planned)), C(f"实际到位{u}"), C(_wan_text(plan.funds_arrived))],
            [C(f"实际支出{u}"), C(_wan_text(plan.spent)), C("自评得分"), C(_score_text(plan.self_score))]]
    return [T(rows, [1800, 2700, 1800, 2700])]


def blocks_of(plan: Plan) -> list:
    if plan.shape == "table":
        return _table_blocks(plan)
    if plan.shape == "zibiao":
        return _zibiao_blocks(plan)
    return _narrative_report(plan)


def render(plan: Plan, quirks: set[str] | None = None) -> bytes:
    """The .docx bytes of a plan: a minimal but complete package Word and WPS open.
    `quirks` (a subset of QUIRKS) overrides the ones the plan's seed draws."""
    writer = _Writer(random.Random(plan.layout_seed ^ 0x5EED), quirks)
    header = header_blocks(plan)
    document = writer.document(blocks_of(plan), header=bool(header))
    numbering = writer.numbering()
    main = "word/document2.xml" if "part_name" in writer.quirks else "word/document.xml"
    parts = [("[Content_Types].xml", _content_types(main, numbering is not None, bool(header))),
             ("_rels/.rels", _package_rels(main)), (main, document),
             (main.replace("word/", "word/_rels/") + ".rels", _document_rels(numbering is not None, bool(header))),
             ("word/styles.xml", STYLES), ("word/settings.xml", SETTINGS),
             ("docProps/core.xml", _core(plan)), ("docProps/app.xml", APP)]
    if numbering is not None:
        parts.append(("word/numbering.xml", numbering))
    if header:
        parts.append(("word/header1.xml", writer.header(header)))
    stamp = (plan.report_date.year, plan.report_date.month, plan.report_date.day, 9, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def text_of(plan: Plan) -> str:
    """The plain text of a plan's document (cells joined by " | "), for checks without Word."""
    lines: list[str] = []

    def cell_text(content) -> str:
        if isinstance(content, T):
            return " ".join(cell_text(c.content) for row in content.rows for c in row)
        if isinstance(content, F):
            return content.text
        if isinstance(content, list):
            return "".join(s if isinstance(s, str) else (s[2] if s[1] else "□") for s in content)
        return content.replace("\n", " ")

    for block in blocks_of(plan):
        if isinstance(block, P):
            lines.append(cell_text(block.text) if isinstance(block.text, list) else block.text)
        else:
            for row in block.rows:
                lines.append(" | ".join(cell_text(c.content) for c in row if c.merge != "continue"))
    return "\n".join(lines)


# -- command line ----------------------------------------------------------------------------
def write_samples(folder: Path, count: int, seed: int = 0, rates: dict[str, float] | None = None) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [sample.write(folder) for sample in generate(count, seed, rates)]


def _parse_rate(text: str) -> tuple[str, float]:
    rule, _, value = text.partition("=")
    rule = rule.strip().upper()
    if rule not in DEFAULT_RATES or not value:
        raise argparse.ArgumentTypeError(f"expected RULE=P with RULE one of {', '.join(DEFAULT_RATES)}")
    rate = float(value)
    if not 0 <= rate <= 1:
        raise argparse.ArgumentTypeError("a rate is a probability between 0 and 1")
    return rule, rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.samples",
                                     description="Write sample 项目支出绩效自评报告 (.docx) with truth files.")
    parser.add_argument("out", type=Path, help="folder to write into (created if missing)")
    parser.add_argument("--count", type=int, default=30, help="how many reports (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--rate", type=_parse_rate, action="append", default=[], metavar="RULE=P",
                        help="share of reports to plant RULE in (repeatable; defaults in DEFAULT_RATES)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be at least 0")
    paths = write_samples(args.out, args.count, args.seed, dict(args.rate))
    print(f"wrote {len(paths)} reports to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
