"""The thresholds of jixiao.toml, read once and handed to rules and queries as arguments."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT = Path(__file__).resolve().parents[1] / "jixiao.toml"


@lru_cache(maxsize=4)
def load(path: str | None = None) -> dict[str, Any]:
    """The configuration at `path`, $JIXIAO_CONFIG, or jixiao.toml beside the package."""
    chosen = Path(path or os.environ.get("JIXIAO_CONFIG") or DEFAULT)
    with chosen.open("rb") as handle:
        return tomllib.load(handle)


def rule_params(config: dict[str, Any]) -> dict[str, Any]:
    """Named parameters the rule SQL binds ($money, $score …). The grade bands and weights are
    per report (rule_sets, a table of the rules' connection: queries.prepare)."""
    tolerances = config["tolerances"]
    return {
        "money": float(tolerances["money"]),
        "overspend": float(tolerances["overspend"]),
        "rate": float(tolerances["rate"]),
        "score": float(tolerances["score"]),
        "full_points": float(config["full_score"]["points"]),
        "below_yuan": float(config["unit_suspect"]["below_yuan"]),
        **review_params(config),
    }


def review_params(config: dict[str, Any]) -> dict[str, Any]:
    """The 复核口径 rules' settings (jixiao.toml [review_rules]): word lists as lists of
    strings, the TARGET_TOO_LOW share as a fraction."""
    review = config["review_rules"]
    return {
        "target_exceeded_share": float(review["target_exceeded_share"]),
        "survey_words": [str(word) for word in review["survey_words"]],
        "measurable_levels": [str(word) for word in review["measurable_levels"]],
        "vague_words": [str(word) for word in review["vague_words"]],
        "money_measures": [str(word) for word in review["money_measures"]],
        "time_words": [str(word) for word in review["time_words"]],
    }


def signal_params(config: dict[str, Any]) -> dict[str, Any]:
    """Named parameters of the corpus-level signal queries, year over year's included."""
    signals = config["signals"]
    return {
        "full_points": float(config["full_score"]["points"]),
        "min_reports": int(signals["min_reports"]),
        "warn": float(signals["full_score_share_warn"]),
        "alarm": float(signals["full_score_share_alarm"]),
        "min_amounts": int(signals["benford_min_amounts"]),
        "close": float(signals["benford_close"]),
        "acceptable": float(signals["benford_acceptable"]),
        "marginal": float(signals["benford_marginal"]),
        "inflation_score": float(signals["inflation_score"]),
        "inflation_execution": float(signals["inflation_execution"]),
        **year_over_year_params(config),
    }


def year_over_year_params(config: dict[str, Any]) -> dict[str, float]:
    """The budget page's year over year (jixiao.toml [year_over_year]): the share of the
    earlier year's amount past which a move is marked, and the amount (万元) that one of the
    two years must reach for it to count."""
    section = config["year_over_year"]
    return {
        "move_share": float(section["move_share"]),
        "move_min_amount": float(section["min_amount"]),
    }


def limits(config: dict[str, Any]) -> dict[str, float]:
    """Per-file limits for the pipeline (jixiao.toml [limits]), in bytes and seconds."""
    section = config.get("limits", {})
    return {
        "max_file_bytes": int(float(section.get("max_file_mb", 50)) * 1024 * 1024),
        "max_expanded_bytes": int(float(section.get("max_expanded_mb", 200)) * 1024 * 1024),
        "max_parts": int(section.get("max_parts", 2000)),
        "seconds_per_file": float(section.get("seconds_per_file", 60)),
        "worker_memory_bytes": int(float(section.get("worker_memory_mb", 1500)) * 1024 * 1024),
        "max_pages": int(section.get("max_pages", 100)),
        "max_image_pixels": int(float(section.get("max_image_megapixels", 60)) * 1_000_000),
        "convert_seconds": float(section.get("convert_seconds", 30)),
        "ocr_min_confidence": float(section.get("ocr_min_confidence", 0.8)),
        "batch_files": int(section.get("batch_files", 1000)),
        "batch_seconds": float(section.get("batch_seconds", 2)),
    }


GRADES = ("优", "良", "中")


@dataclass(frozen=True)
class RuleSet:
    """The scoring rules of one province and span of years (jixiao.toml [rule_sets]): grade
    bands (the lowest score of 优, 良 and 中), whether a grade must be given, the points of
    the execution rate, the weights of the 一级指标 (a key may join two with "+"), and the
    tiers of a qualitative indicator (percent of its weight: met in full above `high`, partly
    met from `low`). set_no 0 is the national set; `province` None matches every report."""
    set_no: int
    name: str
    you: float
    liang: float
    zhong: float
    grade_required: bool
    execution_weight: float
    weights: dict[str, float] = field(hash=False)
    tier_high: float
    tier_low: float
    province: str | None = None
    first_year: int | None = None
    last_year: int | None = None

    def grade(self, score: float | None) -> str | None:
        """The grade `score` earns under these bands; no score, no grade."""
        return grade_of(score, self.you, self.liang, self.zhong)


def grade_of(score: float | None, you: float, liang: float, zhong: float) -> str | None:
    """The grade `score` earns given the lowest score of 优, 良 and 中 (below 中, 差), as
    queries/setup.sql's grade_of gives it to the queries; no score, no grade."""
    if score is None:
        return None
    return next((grade for grade, low in zip(GRADES, (you, liang, zhong)) if score >= low), "差")


def _rule_set(set_no: int, section: dict[str, Any], base: dict[str, Any]) -> RuleSet:
    where = f"[rule_sets] {section.get('name') or set_no}"
    merged = {**base, **section}
    grades = {**base.get("grades", {}), **section.get("grades", {})}
    if set(grades) != set(GRADES):
        raise ValueError(f"{where}: grades needs 优, 良 and 中 (the lowest score of each)")
    you, liang, zhong = (float(grades[grade]) for grade in GRADES)
    if not 100 >= you > liang > zhong >= 0:
        raise ValueError(f"{where}: grades must fall from 优 to 中 within 0–100, not {you}/{liang}/{zhong}")
    tiers = [float(value) for value in merged["tiers"]]
    if len(tiers) != 2 or not 100 >= tiers[0] > tiers[1] >= 0:
        raise ValueError(f"{where}: tiers are two percentages, the higher first (e.g. [80, 60])")
    years = section.get("years")
    if set_no and (not section.get("name") or not section.get("province") or not isinstance(years, list)
                   or len(years) != 2 or int(years[0]) > int(years[1])):
        raise ValueError(f"{where}: a provincial set gives its name, its province and years = [first, last]")
    return RuleSet(set_no=set_no, name=str(merged["name"]), you=you, liang=liang, zhong=zhong,
                   grade_required=bool(merged["grade_required"]), execution_weight=float(merged["execution_weight"]),
                   weights={str(key): float(value) for key, value in merged["weights"].items()},
                   tier_high=tiers[0], tier_low=tiers[1], province=section.get("province") if set_no else None,
                   first_year=int(years[0]) if set_no else None, last_year=int(years[1]) if set_no else None)


def rule_sets(config: dict[str, Any]) -> tuple[RuleSet, ...]:
    """The national set (set_no 0) and the provincial ones in the order written. Two sets of
    one province whose years overlap are refused: which applies would be a guess."""
    section = config["rule_sets"]
    national = _rule_set(0, section["national"], {})
    provincial = tuple(_rule_set(number, part, section["national"])
                       for number, part in enumerate(section.get("province", []), start=1))
    for number, one in enumerate(provincial):
        for other in provincial[number + 1:]:
            if one.province == other.province and one.first_year <= other.last_year \
                    and other.first_year <= one.last_year:
                raise ValueError(f"[rule_sets] {one.name} and {other.name}: both apply to {one.province} "
                                 f"in {max(one.first_year, other.first_year)}")
    return (national, *provincial)


def rule_set_for(province: str | None, fiscal_year: int | None, config: dict[str, Any]) -> RuleSet:
    """The set a report of `province` and `fiscal_year` is judged by (queries/setup.sql's
    report_rule_sets says the same for the store)."""
    national, *provincial = rule_sets(config)
    return next((one for one in provincial if one.province == province and fiscal_year is not None
                 and one.first_year <= fiscal_year <= one.last_year), national)
