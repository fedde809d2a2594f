"""What extraction produces: one report with its lines, indicators, mentions and provenance.

Plain dataclasses, no I/O. Column names follow SPEC §2; `store.py` writes them as they are.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

REPORT_FIELDS = (
    "project_name", "implementing_unit", "supervising_dept", "province", "region",
    "fiscal_year", "eval_type", "report_date", "period_start", "period_end",
    "budget_planned", "budget_adjusted", "funds_arrived", "spent",
    "arrival_rate_stated", "execution_rate_stated", "arrival_rate", "execution_rate",
    "self_score", "grade_raw", "grade",
)
# Without these a report is `partial` (SPEC §2): budget, the amount spent, the self-score.
CORE_FIELDS = ("budget", "spent", "self_score")


@dataclass(frozen=True)
class Evidence:
    """Where a value came from: a block (paragraph or table), a cell or a character span."""

    block: int | None
    snippet: str
    method: str                 # table | label | text | derived | title | computed
    row: int | None = None
    col: int | None = None
    start: int | None = None
    end: int | None = None
    note: str | None = None     # e.g. "486,000.00 元 → 48.6 万元"
    page: int | None = None     # PDFs and scans: the page and box of the block or cell
    box: tuple[float, float, float, float] | None = None
    confidence: float | None = None   # scans: how surely the words were recognised (0..1)


@dataclass(frozen=True)
class Witness:
    """Another place the report states a key figure (SPEC §2 provenance): a table total, the
    sum of its sub-rows or lines, a sentence, a cover line; and whether it agrees."""

    value: float
    evidence: Evidence
    agrees: bool


@dataclass(frozen=True)
class Candidate:
    field: str
    value: Any
    evidence: Evidence
    rank: int                   # 0 table label, 1 cover line, 2 narrative, 3 title/derived


@dataclass
class FundingSource:
    source: str                 # 中央 | 省级 | 市县 | 其它
    planned: float | None = None
    arrived: float | None = None
    evidence: Evidence | None = None


@dataclass
class BudgetLine:
    line_no: int
    category: str
    category_code: str | None
    category_raw: str
    planned: float | None
    actual: float | None
    origin: str                 # table | text
    evidence: Evidence | None = None


@dataclass
class Indicator:
    line_no: int
    level1: str | None
    level2: str | None
    name: str
    target_raw: str | None
    actual_raw: str | None
    weight: float | None
    score: float | None
    note: str | None
    evidence: Evidence | None = None


@dataclass
class Mention:
    """A fact in the narrative that rules compare with the tables (SPEC §2 `mentions`)."""

    kind: str                   # amount | rate | date | year | shortfall | grade_band | score
    subject: str | None         # category name, total, budget, arrived, a role, a grade …
    evidence: Evidence
    value: float | None = None  # money in 万元, rates in percent, years, band lower bounds
    written: float | None = None  # the number as written (before unit conversion)
    unit: str | None = None     # as written: 万元 | 元 | % | 分 …
    text: str | None = None     # the words matched
    role: str | None = None     # dates: report | signed | evaluated | period_start | period_end
    date_start: dt.date | None = None
    date_end: dt.date | None = None


@dataclass
class Report:
    project_name: str | None = None
    implementing_unit: str | None = None
    supervising_dept: str | None = None
    province: str | None = None
    region: str | None = None
    fiscal_year: int | None = None
    eval_type: str | None = None
    report_date: dt.date | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    budget_planned: float | None = None
    budget_adjusted: float | None = None
    funds_arrived: float | None = None
    spent: float | None = None
    arrival_rate_stated: float | None = None
    execution_rate_stated: float | None = None
    arrival_rate: float | None = None
    execution_rate: float | None = None
    self_score: float | None = None
    grade_raw: str | None = None
    grade: str | None = None
    parse_status: str = "ok"
    shape: str = ""
    funding_sources: list[FundingSource] = field(default_factory=list)
    budget_lines: list[BudgetLine] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    provenance: dict[str, Evidence] = field(default_factory=dict)
    witnesses: dict[str, list[Witness]] = field(default_factory=dict)   # field -> the other witnesses
    doubts: dict[str, str] = field(default_factory=dict)   # field -> why its value needs reading
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    text: str = ""
    narrative: str = ""                     # the body's own words (similarity.narrative)
    signature: list[int] | None = None      # MinHash of the narrative (similarity.py)
    ocr_confidence: float | None = None     # scans: mean confidence of the values used

    @property
    def budget(self) -> float | None:
        return self.budget_adjusted if self.budget_adjusted is not None else self.budget_planned

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in REPORT_FIELDS}


def as_row(obj) -> dict[str, Any]:
    """A dataclass as a flat dict without its evidence (the store keeps that apart)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj) if f.name != "evidence"}
