"""Places and economic categories, from the reference tables the parser resolves against
(`ingest/reference/*.csv`: GB/T 2260 divisions, the 302/310 economic classification), so a
generated unit's place and a generated line's category are official names.
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Data files of the ingest package, read as data: the generator imports none of its code.
REFERENCE = resources.files("ingest") / "reference"


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
def places() -> tuple[tuple[Place, ...], tuple[Place, ...]]:
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
def categories() -> dict[str, Category]:
    with (REFERENCE / "categories.csv").open(encoding="utf-8") as handle:
        return {row["code"]: Category(row["code"], row["name"],
                                      (row["name"], *filter(None, row["synonyms"].split("|"))))
                for row in csv.DictReader(handle)}


# Categories any project may add to its own; labels a unit would plausibly write.
COMMON_CATEGORIES = ("30201", "30202", "30207", "30211", "30215", "30216", "30217", "30226", "30299", "31002")
LABEL_AVOID = {"其他支出", "税费", "租金", "设备购置", "专用材料", "办公用品", "委托业务", "软件购置",
               "办公设备", "运维费", "委托费", "出差费"}


def label_for(category: Category, rng: random.Random) -> str:
    synonyms = [label for label in category.labels[1:] if label not in LABEL_AVOID]
    if synonyms and rng.random() < 0.3:
        return rng.choice(synonyms)
    return category.name
