"""What a report will contain, before a word of it is written: place, unit, project, money
in whole 元, budget lines, indicators, rates, score and grade, and the anomalies planted in
it (SPEC §3). The truth file (`truth.py`) and the document (`layout.py`) both follow from
a Plan alone.

Anomalies are planted at known rates, only where the shape can carry them; a few plantings
are dropped where two would make the truth ambiguous.
"""
from __future__ import annotations

import calendar
import copy
import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from samples import reference, words
from samples.reference import COMMON_CATEGORIES, Place
from samples.words import Domain, IndicatorTemplate
from samples.written import FULL_WIDTH, as_decimal, grade_of, rate_text, rate_written, wan_text, yuan_text

# The rules of SPEC §3 a sample can carry, in the order truth files list them.
RULES = (
    "OVERSPEND_LINE", "UNPLANNED_LINE", "FULL_SCORE_PARTIAL_ARRIVAL", "FULL_SCORE_PARTIAL_EXECUTION",
    "LINES_SUM_MISMATCH", "SPENT_EXCEEDS_ARRIVED", "STATED_RATE_MISMATCH", "GRADE_SCORE_MISMATCH",
    "INDICATOR_SUM_MISMATCH", "INDICATOR_OVER_WEIGHT", "UNMET_TARGET_FULL_SCORE", "TEXT_TABLE_MISMATCH",
    "UNIT_SUSPECT", "DATE_INCONSISTENT", "YEAR_MISMATCH", "SHORTFALL_FULL_SCORE", "DUPLICATE_REPORT",
    "NARRATIVE_REPEATS_LAST_YEAR", "DEDUCTION_WITHOUT_REASON", "SATISFACTION_WITHOUT_SURVEY", "INDICATOR_DUPLICATED",
    "INDICATOR_MISPLACED", "TARGET_NOT_MEASURABLE", "TARGET_TOO_LOW",
)
# Rules planted in a pair of reports, not in one (samples/__init__.py generate).
PAIR_RULES = ("DUPLICATE_REPORT", "NARRATIVE_REPEATS_LAST_YEAR")
# The 复核口径 of SPEC §3, planted in a 自评表's indicators once the rest of the plan is drawn
# (_plant_review), from a stream of their own: the plan's other choices stay what they were.
REVIEW_RULES = ("DEDUCTION_WITHOUT_REASON", "SATISFACTION_WITHOUT_SURVEY", "INDICATOR_DUPLICATED",
                "INDICATOR_MISPLACED", "TARGET_NOT_MEASURABLE", "TARGET_TOO_LOW")
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
    "DUPLICATE_REPORT": 0.04, "NARRATIVE_REPEATS_LAST_YEAR": 0.04, "DEDUCTION_WITHOUT_REASON": 0.05,
    "SATISFACTION_WITHOUT_SURVEY": 0.05, "INDICATOR_DUPLICATED": 0.04, "INDICATOR_MISPLACED": 0.05,
    "TARGET_NOT_MEASURABLE": 0.05, "TARGET_TOO_LOW": 0.05,
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
    "NARRATIVE_REPEATS_LAST_YEAR": {"table", "narrative"},
    **{rule: {"zibiao"} for rule in REVIEW_RULES},
}
# These need a self-score of 100; the rules below cannot share a report with one without
# making the truth ambiguous (a deducted indicator's note reads as a shortfall …).
NEEDS_FULL_SCORE = {"FULL_SCORE_PARTIAL_ARRIVAL", "FULL_SCORE_PARTIAL_EXECUTION", "SHORTFALL_FULL_SCORE"}
NOT_WITH_FULL_SCORE = {"INDICATOR_SUM_MISMATCH", "INDICATOR_OVER_WEIGHT", "UNMET_TARGET_FULL_SCORE",
                       "GRADE_SCORE_MISMATCH", "LINES_SUM_MISMATCH"}
FULL_SCORE_SHARE = 0.15      # reports scoring 100 without any planted full-score rule
# The share of its budget a report that did not spend it all spent, by shape: (low, high).
SPENT_SHARE = {"table": (0.86, 0.99), "zibiao": (0.85, 0.995), "narrative": (0.85, 0.995)}
YUAN_SHARE = 0.15            # table reports written in 元 (单位：元)
FIRST_YEAR, LAST_YEAR = 2019, 2025

DEFAULT_BANDS = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))       # 财预〔2020〕10号
STATED_BANDS = ((95, "优"), (85, "良"), (60, "中"), (0, "差"))
GRADE_WORDS = {"优": ("优秀", "优", "A", "一等级"), "良": ("良好", "良", "B", "二等级"),
               "中": ("合格", "中", "C"), "差": ("不合格", "差", "D")}
LEVEL1 = {"数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
          "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
          "可持续影响指标": "效益指标", "服务对象满意度指标": "满意度指标"}

# What the 复核口径 rules read, as jixiao.toml [review_rules] sets them (tests/samples/
# test_truth.py holds the two together): the truth works them out from the plan.
SURVEY_WORDS = ("问卷", "调查", "回访", "样本")
MEASURED_LEVELS = ("数量指标", "质量指标", "时效指标", "成本指标")
MONEY_MEASURES = ("资金支付率", "资金拨付率", "预算执行率", "资金执行率", "资金到位率", "支出进度", "支付进度", "执行进度")
TIME_WORDS = ("年", "季度", "月", "旬", "周", "日", "天", "小时", "分钟", "时限", "期限", "前", "底", "内", "及时",
              "即时", "实时", "按时", "按期", "准时", "限时")
TOO_LOW_SHARE = Fraction(3, 10)
# Near misses planted beside the review rules, each in this share of 自评表: a 备注 column
# instead of 偏差原因 (deductions there have no cell for a reason), a target beaten by less
# than the share, one name under two 二级指标 of 产出.
NEAR_MISS_SHARE = 0.12


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
    domain: Domain
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
    header_table: bool                # narrative: a summary table in the page header
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
    repeats_of: str | None = None     # the same unit's report on this project a year earlier
    survey_stated: bool = True        # the 自评 narrative says how satisfaction was surveyed
    reason_column: bool = True        # the 自评表's last column is 偏差原因 (else 备注)

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
        return purposes[self.domain.projects.index(self.project)]

    @property
    def budget(self) -> int:
        return self.budget_adjusted if self.budget_adjusted is not None else self.budget_planned

    @property
    def funds_arrived_value(self) -> int | None:
        if self.funds_arrived is not None:
            return self.funds_arrived
        return self.budget if self.arrived_in_full_phrase else None

    def money(self, yuan: int, two_decimals: bool = False) -> str:
        return yuan_text(yuan) if self.yuan else wan_text(yuan, two_decimals)

    @property
    def money_unit(self) -> str:
        return "元" if self.yuan else "万元"


# -- planning -------------------------------------------------------------------------------
def choice_weighted(rng: random.Random, options):
    """One value of `options`, (value, weight) pairs, drawn by weight."""
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
def eligible_share(rule: str) -> float:
    """The share of reports whose shape can carry `rule`."""
    return sum(weight for shape, weight in SHAPES if shape in ELIGIBLE[rule])


def _draw_rules(shape: str, rates: dict[str, float], rng: random.Random) -> set[str]:
    planted = {rule for rule in RULES if rule not in PAIR_RULES and rule not in REVIEW_RULES
               and shape in ELIGIBLE[rule] and rng.random() < rates.get(rule, 0.0) / eligible_share(rule)}
    if planted & NEEDS_FULL_SCORE:
        planted -= NOT_WITH_FULL_SCORE
    if "FULL_SCORE_PARTIAL_ARRIVAL" in planted:
        # Money that arrived short and was all spent is spent beyond what arrived: keep
        # the spending within the arrival, so the execution rate is partial as well.
        planted |= {"FULL_SCORE_PARTIAL_EXECUTION"}
        planted.discard("SPENT_EXCEEDS_ARRIVED")
    return planted


def plan_report(index: int, name: str, rng: random.Random, rates: dict[str, float],
                spent_share: tuple[float, float] | None = None) -> Plan:
    """Everything report `name` will say, drawn from `rng`, with rules planted at `rates`.
    `spent_share` replaces SPENT_SHARE[shape] where the budget is not all spent: the panel
    (samples/panel.py) needs execution rates below the usual range."""
    shape = choice_weighted(rng, SHAPES)
    planted = _draw_rules(shape, rates, rng)
    full_score = bool(planted & NEEDS_FULL_SCORE) or (
        not planted & NOT_WITH_FULL_SCORE and rng.random() < FULL_SCORE_SHARE)

    counties, prefectures = reference.places()
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
        date_style=choice_weighted(rng, (("arabic", 0.7), ("spaced", 0.15), ("chinese", 0.15))),
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
            plan.period_style = choice_weighted(rng, (("short", 0.35), ("month", 0.35), ("days", 0.3)))
            if plan.period_style == "short" and start_month != 1:
                plan.period_style = "month"
    spent_share = spent_share or SPENT_SHARE[shape]
    if shape == "table":
        plan.eval_type = choice_weighted(rng, (("事后", 0.9), ("事中", 0.1)))
        plan.yuan = rng.random() < YUAN_SHARE and "UNIT_SUSPECT" not in planted
        _plan_table_money(plan, rng, full_score, spent_share)
    elif shape == "zibiao":
        plan.full_width = rng.random() < 0.12
        _plan_zibiao_money(plan, rng, full_score, spent_share)
    else:
        _plan_narrative_money(plan, rng, full_score, spent_share)
    _plan_rates(plan, rng, full_score)
    if shape == "zibiao":
        _plan_indicators(plan, rng, full_score)
        _plant_review(plan, rates, full_score)
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


def _plan_table_money(plan: Plan, rng: random.Random, full_score: bool, spent_share: tuple[float, float]) -> None:
    planted = plan.planted
    categories = reference.categories()
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
            spent = int(budget * rng.uniform(*spent_share)) // actual_step * actual_step
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
        lines.append(Line(code, reference.label_for(categories[code], rng), planned[i], "", actual))
    for code, amount in zip(codes[len(planned):], unplanned):
        written = choice_weighted(rng, (("", 0.5), ("-", 0.25), ("—", 0.1), ("0", 0.15)))
        label = reference.label_for(categories[code], rng)
        lines.append(Line(code, label, 0 if written == "0" else None, written, amount))
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


def _plan_zibiao_money(plan: Plan, rng: random.Random, full_score: bool, spent_share: tuple[float, float]) -> None:
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
        plan.spent = _round_to(int(budget * rng.uniform(*spent_share)), 100)
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
    categories = reference.categories()
    count = rng.randint(2, 6)
    pool = list(dict.fromkeys(plan.domain.categories + COMMON_CATEGORIES))
    codes = rng.sample(pool, count)
    parts = _spread(plan.spent, [None] * count, rng, 100)
    if parts is None:
        parts = [plan.spent]
        codes = codes[:1]
    plan.lines = [Line(code, reference.label_for(categories[code], rng), None, "", amount)
                  for code, amount in zip(codes, parts)]
    plan.lines_in_text = True
    if "LINES_SUM_MISMATCH" in plan.planted:
        line = rng.choice(plan.lines)
        delta = _round_to(int(plan.spent * rng.uniform(0.01, 0.05)), 1000)
        line.actual = line.actual + delta if rng.random() < 0.5 or line.actual <= delta + 100 else line.actual - delta


def _plan_narrative_money(plan: Plan, rng: random.Random, full_score: bool,
                          spent_share: tuple[float, float]) -> None:
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
        plan.spent = _round_to(int(budget * rng.uniform(*spent_share)), 100)
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
    by_level1: dict[str, list[IndicatorTemplate]] = {}
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
                              int((as_decimal(rate) * 10).quantize(Decimal("1"), rounding=ROUND_HALF_UP)))

    can_fall_short = [i for i, t in enumerate(chosen) if t.kind in ("ge", "pct")]
    deducted: set[int] = set()
    if not full_score:
        wanted = choice_weighted(rng, ((0, 0.35), (1, 0.45), (2, 0.2)))
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
        target, actual = indicator_values(template, rng, short, fy)
        score = weight
        note = None
        if i in deducted:
            score = weight - rng.choice((1, 2, 2, 3, 4, 5)) * (50 if weight <= 500 else 100)
            # Every deduction is explained unless DEDUCTION_WITHOUT_REASON is planted
            # (_plant_review); the draw stays, so the rest of the plan is what it was.
            reasons = words.DEVIATION_REASONS
            note = rng.choice(reasons) if rng.random() < 0.85 else reasons[i % len(reasons)]
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
                victim.target, victim.actual = indicator_values(template, rng, True, fy)
                if plan.full_width:
                    victim.target = victim.target.translate(FULL_WIDTH)
                    victim.actual = victim.actual.translate(FULL_WIDTH)
                victim.phrase = template.phrase.replace("{v}", victim.actual) if template.phrase else None
                victim.short = True
                victim.note = victim.note or rng.choice(words.DEVIATION_REASONS)
    plan.indicators = indicators


def indicator_values(template: IndicatorTemplate, rng: random.Random, short: bool, fy: int) -> tuple[str, str]:
    """(target, actual) as written ("≥120台", "126台"); the actual falls short when `short`."""
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


# -- the 复核口径 (REVIEW_RULES) ------------------------------------------------------------------
OUTPUT_LEVELS = tuple(level for level, one in LEVEL1.items() if one == "产出指标")
OUTCOME_LEVELS = tuple(level for level, one in LEVEL1.items() if one == "效益指标")
AT_LEAST = re.compile(r"≥(\d+)([^\d%.]*)")


def at_least(target: str) -> tuple[int, str] | None:
    """A target to reach written "≥N unit" ("≥１２０台" too) as (N, unit); None for others
    ("≥95%", "≤2天", "2023年10月底前")."""
    match = AT_LEAST.fullmatch(unicodedata.normalize("NFKC", target))
    return (int(match.group(1)), match.group(2)) if match else None


def survey_mentioned(plan: Plan) -> bool:
    """Whether a 自评表 report's text names a survey (SURVEY_WORDS): the narrative's survey
    sentence, or a word of its own (a purpose of 问卷调查, an indicator's name)."""
    texts = [plan.project, plan.purpose]
    texts += [text for i in plan.indicators for text in (i.name, i.target, i.actual, i.note or "")]
    return plan.survey_stated or any(word in text for text in texts for word in SURVEY_WORDS)


def _plant_review(plan: Plan, rates: dict[str, float], full_score: bool) -> None:
    """The 复核口径 planted in a 自评表's indicators, each on indicators that scored their full
    weight and that no other planting touched, and the near misses that must not fire: a 备注
    column where deductions have no reason cell, a target beaten by less than TOO_LOW_SHARE,
    one name under two 二级指标 of 产出. Drawn from a stream of the plan's own (see
    REVIEW_RULES); a planting with no indicator to carry it is dropped."""
    rng = random.Random(f"{plan.text_seed}:review")
    wanted = [rule for rule in REVIEW_RULES if rng.random() < rates.get(rule, 0.0) / eligible_share(rule)]
    near_misses = {miss for miss in ("note_column", "beaten_a_little", "same_name_in_output")
                   if rng.random() < NEAR_MISS_SHARE}
    indicators = plan.indicators
    used: set[int] = set()

    def free(levels: tuple[str, ...] = tuple(LEVEL1)) -> list[int]:
        return [n for n, i in enumerate(indicators)
                if n not in used and not i.short and i.score == i.weight and i.level2 in levels]

    def write(indicator: PlannedIndicator, name: str, target: str, actual: str) -> None:
        indicator.name = name
        indicator.target, indicator.actual = (target.translate(FULL_WIDTH), actual.translate(FULL_WIDTH)) \
            if plan.full_width else (target, actual)
        indicator.phrase = None          # the narrative does not speak of it

    def copy_into(source: int, into: int) -> None:
        # The source's target and result as written (already full-width where the form is).
        write(indicators[into], indicators[source].name, indicators[source].target, indicators[source].actual)
        used.update((source, into))

    if "DEDUCTION_WITHOUT_REASON" in wanted and not full_score:
        deducted = [n for n, i in enumerate(indicators) if i.score < i.weight]
        if deducted:
            indicators[rng.choice(deducted)].note = None
            plan.planted.add("DEDUCTION_WITHOUT_REASON")
    if "note_column" in near_misses and "DEDUCTION_WITHOUT_REASON" not in plan.planted:
        plan.reason_column = False
        for indicator in indicators:
            indicator.note = None
    if "INDICATOR_DUPLICATED" in wanted:
        outputs, outcomes = free(("数量指标", "质量指标")), free(OUTCOME_LEVELS)
        if outputs and outcomes:
            copy_into(rng.choice(outputs), rng.choice(outcomes))
            plan.planted.add("INDICATOR_DUPLICATED")
    if "same_name_in_output" in near_misses:
        pairs = [(first, second) for first in free(("数量指标", "质量指标"))
                 for second in free(("数量指标", "质量指标", "成本指标"))
                 if indicators[first].level2 != indicators[second].level2]
        if pairs:
            copy_into(*rng.choice(pairs))
    if "INDICATOR_MISPLACED" in wanted:
        options = [(n, words.MONEY_INDICATORS) for n in free(("数量指标",))]
        options += [(n, words.UNTIMED_INDICATORS) for n in free(("时效指标",))]
        if options:
            n, names = rng.choice(options)
            target = rng.choice(("100%", f"≥{rng.randint(90, 98)}%"))
            write(indicators[n], rng.choice(names), target, "100%")
            used.add(n)
            plan.planted.add("INDICATOR_MISPLACED")
    if "TARGET_NOT_MEASURABLE" in wanted:
        options = free(("数量指标", "质量指标", "成本指标"))
        if options:
            n = rng.choice(options)
            write(indicators[n], indicators[n].name, *rng.choice(words.VAGUE_TARGETS))
            used.add(n)
            plan.planted.add("TARGET_NOT_MEASURABLE")
    for planting, low, high in (("TARGET_TOO_LOW", 1.35, 1.9), ("beaten_a_little", 1.12, 1.28)):
        if planting not in wanted and planting not in near_misses:
            continue
        options = [n for n in free() if at_least(indicators[n].target)]
        if not options:
            continue
        n = rng.choice(options)
        wanted_value, unit = at_least(indicators[n].target)
        actual = int(wanted_value * rng.uniform(low, high))
        beyond = (actual - wanted_value) / Fraction(wanted_value) > TOO_LOW_SHARE
        if actual <= wanted_value or beyond != (planting == "TARGET_TOO_LOW"):
            continue                        # a small target leaves no room: 3 → 4 is 33 %
        indicator, old = indicators[n], indicators[n].actual
        new = f"{actual}{unit}".translate(FULL_WIDTH) if plan.full_width else f"{actual}{unit}"
        indicator.actual = new
        indicator.phrase = indicator.phrase[:-len(old)] + new if indicator.phrase and indicator.phrase.endswith(old) \
            else None
        used.add(n)
        if planting == "TARGET_TOO_LOW":
            plan.planted.add("TARGET_TOO_LOW")
    if "SATISFACTION_WITHOUT_SURVEY" in wanted:
        plan.survey_stated = False
        if survey_mentioned(plan):
            plan.survey_stated = True       # its own words name a survey: not this report
        else:
            plan.planted.add("SATISFACTION_WITHOUT_SURVEY")


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
        plan.execution_rate_written = rate_written(execution, rng)
    else:
        if rng.random() < 0.8:
            plan.execution_rate_written = rate_written(execution, rng)
        if (arrival is not None and plan.funds_arrived is not None and rng.random() < 0.8
                and not (full_score and arrival < 100)):
            plan.arrival_rate_written = rate_written(arrival, rng)
    if "STATED_RATE_MISMATCH" not in plan.planted:
        return
    candidates = ["execution"] if plan.execution_rate_written is not None else []
    if plan.arrival_rate_written is not None and not full_score:
        candidates.append("arrival")
    if not candidates:
        plan.execution_rate_written = rate_written(execution, rng)
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
    text = rate_text(wrong, 2)
    if abs(Decimal(text) - as_decimal(true)) <= Decimal("0.3"):
        text = rate_text(true - 1, 2)
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
        band = choice_weighted(rng, (((90, 99), 0.6), ((80, 89), 0.27), ((60, 79), 0.1), ((45, 59), 0.03)))
        whole = rng.randint(*band)
        fraction = choice_weighted(rng, ((0, 0.75), (50, 0.15), (rng.randint(1, 99), 0.1)))
        score = whole * 100 + fraction
    plan.self_score = score
    plan.bands_stated = rng.random() < 0.15
    bands = STATED_BANDS if plan.bands_stated else DEFAULT_BANDS
    grade = grade_of(score, bands)
    if "GRADE_SCORE_MISMATCH" in planted:
        order = ["优", "良", "中", "差"]
        at = order.index(grade)
        if plan.bands_stated and grade_of(score, DEFAULT_BANDS) != grade and rng.random() < 0.6:
            grade = grade_of(score, DEFAULT_BANDS)        # graded by the national bands, not its own
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


def twin_of(plan: Plan, index: int, name: str, rng: random.Random) -> Plan:
    """The same report filed again by another unit: every sentence and figure kept, the
    names, the place and the signing date changed."""
    counties, prefectures = reference.places()
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


def movable_a_year(plan: Plan) -> bool:
    """Whether every date of the plan has its day a year on (none is a 29 February)."""
    days = [plan.report_date, *(plan.period or ()), *((plan.eval_date[0],) if plan.eval_date else ())]
    return all((day.month, day.day) != (2, 29) for day in days)


def year_apart(plan: Plan, index: int, name: str, rng: random.Random) -> Plan:
    """The same unit's report on the same project a year later (a year earlier from the last
    year sampled), its narrative repeated (NARRATIVE_REPEATS_LAST_YEAR): every sentence and
    figure kept, the fiscal year and every date moved by the year (movable_a_year)."""
    step = 1 if plan.fiscal_year < LAST_YEAR else -1
    return in_year(plan, plan.fiscal_year + step, index=index, name=name, layout_seed=rng.getrandbits(32))


def in_year(plan: Plan, year: int, **changes) -> Plan:
    """The plan as filed for fiscal `year`: every date and every year an indicator names
    ("2021年10月底前") moved by as many years, the rest kept, then `changes` (fields, as for
    dataclasses.replace). A copy: it shares no list with `plan`, so the two can change apart."""
    step = year - plan.fiscal_year

    def moved(day: dt.date) -> dt.date:
        # A 29 February moved to a common year: the last day of its February.
        day_in_year = min(day.day, calendar.monthrange(day.year + step, day.month)[1])
        return day.replace(year=day.year + step, day=day_in_year)

    return replace(plan, fiscal_year=year, report_date=moved(plan.report_date),
                   period=None if plan.period is None else (moved(plan.period[0]), moved(plan.period[1])),
                   eval_date=None if plan.eval_date is None else (moved(plan.eval_date[0]), plan.eval_date[1]),
                   lines=copy.deepcopy(plan.lines),
                   indicators=[_indicator_in_year(i, plan.fiscal_year, year) for i in plan.indicators],
                   sources=list(plan.sources), text_line_amounts=dict(plan.text_line_amounts),
                   planted=set(plan.planted), **changes)


def _indicator_in_year(indicator: PlannedIndicator, old: int, new: int) -> PlannedIndicator:
    """A copy of `indicator` with the year `old` written as `new`, as a deadline names it
    ("2021年10月底前", "２０２１年９月" on a full-width form). No other indicator writes 年
    after a number (words.py), so nothing else changes."""
    def moved(text: str | None) -> str | None:
        if text is None:
            return None
        for before, after in ((f"{old}年", f"{new}年"),
                              (f"{old}年".translate(FULL_WIDTH), f"{new}年".translate(FULL_WIDTH))):
            text = text.replace(before, after)
        return text

    return replace(indicator, target=moved(indicator.target), actual=moved(indicator.actual),
                   phrase=moved(indicator.phrase))


def text_rng(plan: Plan, purpose: str) -> random.Random:
    """Choices of wording: the same for a report and its copy (DUPLICATE_REPORT)."""
    return random.Random(f"{plan.text_seed}:{purpose}")


def states_dept(plan: Plan) -> bool:
    """Whether the report names its supervising department (some narratives do not)."""
    return plan.shape != "narrative" or text_rng(plan, "dept").random() < 0.9
