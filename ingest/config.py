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
    }
