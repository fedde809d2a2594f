"""The thresholds of jixiao.toml, read once and handed to rules and queries as arguments."""
from __future__ import annotations

import os
import tomllib
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
    """Named parameters the rule SQL binds ($money, $band_you …)."""
    tolerances = config["tolerances"]
    bands = config["grade_bands"]
    return {
        "money": float(tolerances["money"]),
        "overspend": float(tolerances["overspend"]),
        "rate": float(tolerances["rate"]),
        "score": float(tolerances["score"]),
        "full_points": float(config["full_score"]["points"]),
        "band_you": float(bands["优"]),
        "band_liang": float(bands["良"]),
        "band_zhong": float(bands["中"]),
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
    """Named parameters of the corpus-level signal queries."""
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


def grade_for(score: float | None, config: dict[str, Any]) -> str | None:
    """The grade a score earns under the bands of [grade_bands] (财预〔2020〕10号 by default)."""
    if score is None:
        return None
    bands = config["grade_bands"]
    return next((grade for grade in ("优", "良", "中") if score >= float(bands[grade])), "差")
