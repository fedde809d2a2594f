"""Drawing reports for review (抽查): simple random, stratified, or monetary-unit sampling.

A draw has to be repeatable and defensible: the same candidates (in any row order) and the
same `Draw` give the same reports, so a lead can show a reviewer, or an inspector a year later,
exactly how the sample came about. Candidates are therefore sorted by `report_id` before
anything random happens, and every random number comes from NumPy's `default_rng` (PCG64)
seeded with the draw's seed: a documented, versioned generator, unlike Python's `hash()`.

Pure functions over polars frames: no I/O, no store, no page.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

METHODS = ("random", "stratified", "mus")
UNKNOWN_STRATUM = "（未知）"     # a null stratum value is a stratum of its own, not dropped
STRATUM_SEPARATOR = " / "       # between the values of a stratum of several columns
ADDED_COLUMNS = ("stratum", "order", "hits", "interval")

# Score bands for stratifying: full marks apart (the self-scores auditors doubt most), then the
# 优 band split at 95, then 良 and below (财预〔2020〕10号: 优 ≥ 90, 良 80–89.99).
FULL_SCORE_BAND = "100"
NO_SCORE_BAND = "无得分"
SCORE_BANDS: tuple[tuple[float, str], ...] = (
    (100.0, FULL_SCORE_BAND), (95.0, "95–99.99"), (90.0, "90–94.99"), (80.0, "80–89.99"),
)
LOW_SCORE_BAND = "<80"

# How describe() names a stratum column; an unlisted column is named as it is.
STRATUM_LABELS: dict[str, dict[str, str]] = {
    "supervising_dept": {"zh": "主管部门", "en": "supervising department"},
    "implementing_unit": {"zh": "项目单位", "en": "unit"},
    "province": {"zh": "省份", "en": "province"},
    "region": {"zh": "地区", "en": "region"},
    "score_band": {"zh": "评分段", "en": "score band"},
    "grade": {"zh": "自评等次", "en": "grade"},
    "severity": {"zh": "严重程度", "en": "severity"},
    "fiscal_year": {"zh": "年度", "en": "fiscal year"},
}


class SamplingError(ValueError):
    """A draw that cannot be made as asked: unknown method, missing column, duplicate id."""


@dataclass(frozen=True)
class Draw:
    """What to draw. `size` is a number of reports, except for MUS, where it is the number of
    selection points (a large report may take several; see `draw`)."""
    method: str
    size: int
    seed: int
    strata: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "strata", tuple(self.strata))
        if self.method not in METHODS:
            raise SamplingError(f"unknown sampling method {self.method!r}; one of {METHODS}")
        if not isinstance(self.size, int) or self.size < 0:
            raise SamplingError(f"size must be a whole number ≥ 0, not {self.size!r}")
        # NumPy's SeedSequence takes non-negative integers only.
        if not isinstance(self.seed, int) or self.seed < 0:
            raise SamplingError(f"seed must be a whole number ≥ 0, not {self.seed!r}")
        if self.method == "stratified" and not self.strata:
            raise SamplingError("a stratified draw needs at least one stratum column")
        # Strata on a random or MUS draw would be ignored, and describe() would then misstate it.
        if self.method != "stratified" and self.strata:
            raise SamplingError(f"strata apply to stratified draws only, not {self.method!r}")

    def describe(self, language: str = "zh") -> str:
        """The parameters in one sentence, for the working papers and the audit log:
        Draw("stratified", 50, 20261206, ("supervising_dept", "score_band")).describe()
        -> "分层抽样：按主管部门、评分段，共 50 份，随机种子 20261206"."""
        if language == "en":
            names = ", ".join(STRATUM_LABELS.get(column, {}).get("en", column) for column in self.strata)
            return {
                "random": f"Simple random sample: {self.size} reports, seed {self.seed}",
                "stratified": f"Stratified sample by {names}: {self.size} reports, seed {self.seed}",
                "mus": f"Monetary-unit sample (by budget): {self.size} selection points, seed {self.seed}",
            }[self.method]
        names = "、".join(STRATUM_LABELS.get(column, {}).get("zh", column) for column in self.strata)
        return {
            "random": f"简单随机抽样：共 {self.size} 份，随机种子 {self.seed}",
            "stratified": f"分层抽样：按{names}，共 {self.size} 份，随机种子 {self.seed}",
            "mus": f"货币单位抽样（按预算金额）：共 {self.size} 个抽样点，随机种子 {self.seed}",
        }[self.method]


def score_band(score: float | None) -> str:
    """The band a self-score falls in, for stratifying: 100 -> "100", 96.5 -> "95–99.99",
    79 -> "<80", None -> "无得分". A score above 100 (a validation problem of its own) goes with
    the full scores: it claims at least full marks."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return NO_SCORE_BAND
    return next((band for low, band in SCORE_BANDS if score >= low), LOW_SCORE_BAND)


def draw(candidates: pl.DataFrame, spec: Draw) -> pl.DataFrame:
    """The reports drawn, in the order drawn: every column of `candidates`, plus `stratum`
    (text; null for random and MUS), `order` (1..n) and, for MUS, `hits` and `interval`.

    random: a simple random sample without replacement of `size` reports (all, if fewer).
    The draw is a prefix of one permutation, so a larger size keeps a smaller size's reports.

    stratified: see `allocate` for how many per stratum; within a stratum, a simple random
    sample from a generator seeded by (seed, the stratum's name), so adding, removing or
    changing another stratum does not change this stratum's reports as long as its own
    allocation is the same (and a larger allocation keeps the smaller one's reports).

    mus: monetary-unit sampling, each report's chance proportional to its budget, by
    systematic selection. Reports with a null, NaN or ≤ 0 budget cannot be drawn (list them
    with `mus_excluded`). interval = total budget / size; the selection points are
    start, start + interval, … (size points) with start uniform in [0, interval); a report is
    drawn when a point falls in its stretch of the cumulative budget (candidates sorted by
    report_id). A report larger than the interval is always drawn, possibly hit more than once:
    `hits` counts its points and it is listed once, so fewer than `size` reports come back when
    large reports absorb several hits. `hits` always sums to `size` (given any positive budget).
    """
    _check(candidates, spec)
    ordered = candidates.sort("report_id")
    if spec.method == "random":
        chosen = _random(ordered, spec)
    elif spec.method == "stratified":
        chosen = _stratified(ordered, spec)
    else:
        chosen = _mus(ordered, spec)
    return chosen.sort("order")


def stratum_names(candidates: pl.DataFrame, strata: tuple[str, ...]) -> pl.Series:
    """Each candidate's stratum as text: the columns' values joined by " / ", a null value
    as "（未知）" (e.g. "财政局 / 90–94.99")."""
    parts = [pl.col(column).cast(pl.String).fill_null(UNKNOWN_STRATUM) for column in strata]
    return candidates.select(pl.concat_str(parts, separator=STRATUM_SEPARATOR).alias("stratum"))["stratum"]


def allocate(stratum_sizes: dict[str, int], size: int) -> dict[str, int]:
    """How many reports to draw from each stratum: proportional allocation by the largest
    remainder method (each stratum gets the whole part of size·n_h/N, the rest go one each to
    the largest fractional parts; ties to the larger stratum, then by name).

    When size ≥ the number of non-empty strata, every stratum gets at least one: a stratum whose
    share rounds to none takes one from the stratum furthest above its share (so a tiny stratum
    is over-represented, and the strata that give way may fall more than 1 below their share;
    when every share is ≥ 1 nothing moves and each stratum is within ±1 of its share).
    When size < the number of strata not every stratum can be represented: the `size` largest
    strata (ties by name) get one each.
    When size ≥ N, every report is drawn.
    {"A": 6, "B": 3, "C": 1}, 5 -> {"A": 3, "B": 1, "C": 1}.
    """
    sizes = {name: count for name, count in stratum_sizes.items() if count > 0}
    total = sum(sizes.values())
    if size >= total:
        return dict(sizes)
    largest_first = sorted(sizes, key=lambda name: (-sizes[name], name))
    if size < len(sizes):
        return {name: int(position < size) for position, name in enumerate(largest_first)}
    # Exact rationals: size·n_h/N as (numerator, N), so no float decides a tie.
    shares = {name: size * count for name, count in sizes.items()}
    allocation = {name: share // total for name, share in shares.items()}
    left = size - sum(allocation.values())
    by_remainder = sorted(sizes, key=lambda name: (-(shares[name] % total), -sizes[name], name))
    for name in by_remainder[:left]:
        allocation[name] += 1
    for name in sorted(name for name in sizes if allocation[name] == 0):
        donor = min((other for other in sizes if allocation[other] > 1),
                    key=lambda other: (-(allocation[other] * total - shares[other]), -sizes[other], other))
        allocation[donor] -= 1
        allocation[name] = 1
    return allocation


def mus_excluded(candidates: pl.DataFrame) -> pl.DataFrame:
    """The candidates a monetary-unit draw cannot reach: budget null, NaN, or ≤ 0."""
    return candidates.filter(~_positive_budget()).sort("report_id")


def _check(candidates: pl.DataFrame, spec: Draw) -> None:
    needed = ["report_id", *spec.strata] + (["budget"] if spec.method == "mus" else [])
    missing = [column for column in needed if column not in candidates.columns]
    if missing:
        raise SamplingError(f"candidates lack the column(s) {missing}")
    clashing = [column for column in ADDED_COLUMNS if column in candidates.columns]
    if clashing:
        raise SamplingError(f"candidates already have the column(s) {clashing} that a draw adds")
    # Sorting by report_id only fixes the order when no two rows share one.
    if candidates["report_id"].null_count() or candidates["report_id"].n_unique() != candidates.height:
        raise SamplingError("report_id must be unique and not null")


def _random(ordered: pl.DataFrame, spec: Draw) -> pl.DataFrame:
    picks = np.random.default_rng(spec.seed).permutation(ordered.height)[: spec.size]
    return _take(ordered, picks).with_columns(pl.lit(None, dtype=pl.String).alias("stratum"),
                                              _order(len(picks)))


def _stratified(ordered: pl.DataFrame, spec: Draw) -> pl.DataFrame:
    labelled = ordered.with_columns(stratum_names(ordered, spec.strata))
    counts = labelled.group_by("stratum").len()
    allocation = allocate(dict(zip(counts["stratum"].to_list(), counts["len"].to_list())), spec.size)
    drawn = []
    for name in sorted(allocation):
        if allocation[name] == 0:
            continue
        members = labelled.filter(pl.col("stratum") == name)
        picks = _stratum_rng(spec.seed, name).permutation(members.height)[: allocation[name]]
        drawn.append(_take(members, picks))
    chosen = pl.concat(drawn) if drawn else labelled.clear()
    return chosen.with_columns(_order(chosen.height))


def _stratum_rng(seed: int, stratum: str) -> np.random.Generator:
    """A generator for one stratum, from the seed and the stratum's name alone (SHA-256, not
    Python's hash(), which changes from one run to the next)."""
    digest = int.from_bytes(hashlib.sha256(stratum.encode("utf-8")).digest(), "big")
    return np.random.default_rng([seed, digest])


def _mus(ordered: pl.DataFrame, spec: Draw) -> pl.DataFrame:
    reachable = ordered.filter(_positive_budget())
    added = [pl.lit(None, dtype=pl.String).alias("stratum"), pl.lit(None, dtype=pl.Int64).alias("order"),
             pl.lit(None, dtype=pl.Int64).alias("hits"), pl.lit(None, dtype=pl.Float64).alias("interval")]
    if spec.size == 0 or reachable.height == 0:
        return reachable.clear().with_columns(added)
    budgets = reachable["budget"].cast(pl.Float64).to_numpy()
    ends = np.cumsum(budgets)
    interval = float(ends[-1]) / spec.size
    start = np.random.default_rng(spec.seed).uniform(0.0, interval)
    points = start + interval * np.arange(spec.size)
    # A point p falls on the report whose stretch [end before, end) holds it; rounding can put
    # the last point a hair past the total, where it still belongs to the last report.
    hit = np.minimum(np.searchsorted(ends, points, side="right"), reachable.height - 1)
    reports, hits = np.unique(hit, return_counts=True)   # sorted: the order of their first point
    return _take(reachable, reports).with_columns(
        pl.lit(None, dtype=pl.String).alias("stratum"),
        _order(len(reports)),
        pl.Series("hits", hits, dtype=pl.Int64),
        pl.lit(interval, dtype=pl.Float64).alias("interval"),
    )


def _positive_budget() -> pl.Expr:
    budget = pl.col("budget").cast(pl.Float64)
    return budget.is_not_null() & budget.is_not_nan() & (budget > 0)


def _take(frame: pl.DataFrame, positions: np.ndarray) -> pl.DataFrame:
    return frame.select(pl.all().gather(pl.Series(positions, dtype=pl.Int64)))


def _order(count: int) -> pl.Series:
    return pl.Series("order", np.arange(1, count + 1), dtype=pl.Int64)
