"""Comparing stored values with truth files, by the rules of ../shared/corpus/README.md."""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

TOLERANCE = 0.005


def norm_text(value) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def same(want, got) -> bool:
    """Text after NFKC without whitespace; numbers within 0.005; a null must stay null."""
    if want is None:
        return got is None or (isinstance(got, str) and not got.strip())
    if got is None:
        return False
    if isinstance(got, (dt.date, dt.datetime)):
        got = got.isoformat()[:10]
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        try:
            return abs(float(want) - float(got)) <= TOLERANCE
        except (TypeError, ValueError):
            return False
    return norm_text(want) == norm_text(got)


def money(value):
    return None if value is None else round(float(value), 2)


def line_key(line: dict) -> tuple:
    code = line.get("category_code") or line.get("category_raw") or line.get("category")
    return norm_text(code), money(line.get("planned")), money(line.get("actual"))


def indicator_key(indicator: dict) -> tuple:
    return norm_text(indicator.get("name") or ""), money(indicator.get("weight")), money(indicator.get("score"))


def source_key(source: dict) -> tuple:
    return source["source"], money(source.get("planned")), money(source.get("arrived"))


def load_truths(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.truth.json"))


def read_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def rows(conn, sql: str, params) -> list[dict]:
    cursor = conn.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]
