"""Values as written -> values in the store's units.

Money to 万元 (a value in 元 is converted and the conversion recorded), rates to percent,
dates to ISO, grade words to 优/良/中/差, category labels to the government economic
classification. Each function takes one written value and returns None where the text
holds no such value: a blank cell, "-", "—" or "无" means "none", never zero.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.text import label_key, squash

CATEGORIES = Path(__file__).parent / "reference" / "categories.csv"

# Full-width digits and signs fold to ASCII; the full-width comma does not, because in
# running text it separates clauses, not thousands.
WIDTH = {**{0xFF10 + i: 0x30 + i for i in range(10)}, 0xFF0E: 0x2E, 0xFF05: 0x25, 0xFF0D: 0x2D,
         0xFF0B: 0x2B, 0x2212: 0x2D, 0xFF1A: 0x3A, 0x3000: 0x20,
         0x2267: 0x2265, 0x2266: 0x2264, 0x2550: 0x3D, 0xFF1D: 0x3D}       # ≧ ≦ ═ ＝ -> ≥ ≤ =

BLANK = {"", "-", "--", "—", "——", "–", "/", "无", "空", "0.00%", "—%", "n/a", "N/A", "／", "-%"}
# Values a published copy hides: absent, never zero.
MASKED = re.compile(r"^(?:略|此处略|点击查看|详见附件|见附件|\*{2,}|x{2,}|X{2,}|（略）|\(略\))$")
# The digits, separators and points of the first number in a cell: "7,00.0,77" is garbled.
NUMBER_RUN = re.compile(r"\d[\d,，.]*")
NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
CELL_NUMBER = re.compile(
    r"^[-+]?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?\s*(?:亿元|万元|千元|元|万|%|分)?$"
)
UNIT_FACTORS = {"亿元": 10000.0, "万元": 1.0, "千元": 0.1, "元": 0.0001}


def fold(text: str) -> str:
    return text.translate(WIDTH)


def parse_number(text: str | None) -> float | None:
    """The number a cell holds ("２２．５" -> 22.5, "486,000.00" -> 486000.0), else None."""
    if text is None:
        return None
    value = fold(text).strip().replace(" ", "")
    if value in BLANK or MASKED.match(value):
        return None
    value = value.replace("，", ",")
    match = NUMBER.search(value)
    if not match:
        return None
    run = NUMBER_RUN.search(value, match.start() if match.group(0)[0].isdigit() else match.start() + 1)
    if run and not NUMBER.fullmatch(run.group(0).rstrip(",.")):
        return None                       # garbled ("7,00.0,77"): never guessed
    return float(match.group(0).replace(",", ""))


def is_masked(text: str | None) -> bool:
    """"略", "点击查看": a value the published copy hides."""
    return bool(text) and bool(MASKED.match(fold(text).strip().replace(" ", "")))


NUMBER_LIKE = re.compile(r"^[-+]?\d[\d,，.]*\s*(?:亿元|万元|千元|元|万|%|分)?$")


def is_number_like(text: str) -> bool:
    """A cell meant as a number, garbled or not ("7,00.0,77"): it holds a place in a row of
    amounts, and parse_number() still refuses to guess its value."""
    return bool(NUMBER_LIKE.match(fold(text).strip().replace(" ", "")))


def is_number_cell(text: str) -> bool:
    value = fold(text).strip().replace(" ", "")
    return bool(CELL_NUMBER.match(value))


@dataclass(frozen=True)
class Amount:
    value: float          # in 万元
    written: float        # the number as written
    unit: str             # the unit as written or implied: 万元 | 元 | 千元 | 亿元

    @property
    def converted(self) -> bool:
        return self.unit != "万元"


def unit_of(text: str) -> str | None:
    """The money unit a value or label states ("21.2万元", "单位：元", "（万元）")."""
    value = fold(squash(text))
    for unit in ("亿元", "万元", "千元", "元"):
        if unit in value:
            return unit
    if re.search(r"\d\s*万$", value):
        return "万元"
    return None


def parse_amount(text: str | None, default_unit: str = "万元") -> Amount | None:
    number = parse_number(text)
    if number is None:
        return None
    unit = unit_of(text or "") or default_unit
    return Amount(round(number * UNIT_FACTORS[unit], 6), number, unit)


def parse_rate(text: str | None) -> float | None:
    """Percent as written: "94.67%" / "94.67％" -> 94.67; a bare fraction 0.9467 -> 94.67."""
    number = parse_number(text)
    if number is None:
        return None
    if "%" not in fold(text or "") and 0 < number <= 1 and "." in (text or ""):
        return round(number * 100, 4)
    return number


def parse_score(text: str | None) -> float | None:
    """A score out of 100: "100分" -> 100. Anything outside 0..100 is not a self-score."""
    number = parse_number(text)
    if number is None or not 0 <= number <= 100:
        return None
    return number


# -- dates -------------------------------------------------------------------------
CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
            "六": 6, "七": 7, "八": 8, "九": 9}

DATE_DAY = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
DATE_DOTTED = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*[./\-]\s*(\d{1,2})\s*[./\-]\s*(\d{1,2})(?![\d.])")
DATE_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])")
DATE_CN = re.compile(r"([〇零○O一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                     r"(?:\s*([一二三四五六七八九十]{1,3})\s*[日号])?")
DATE_ANY = re.compile("|".join(p.pattern for p in (DATE_DAY, DATE_DOTTED, DATE_CN, DATE_MONTH)))


@dataclass(frozen=True)
class DateValue:
    start: dt.date
    end: dt.date          # same as start for a day; the month's last day for "2022年3月"
    precision: str        # day | month | year

    @property
    def iso(self) -> str:
        return self.start.isoformat()


def _cn_number(text: str) -> int:
    if "十" in text:
        tens, _, units = text.partition("十")
        return (CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (CN_DIGIT.get(units, 0) if units else 0)
    return CN_DIGIT.get(text, 0)


def _make(year: int, month: int, day: int | None) -> DateValue | None:
    if not 1 <= month <= 12:
        return None
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return DateValue(dt.date(year, month, 1), dt.date(year, month, last), "month")
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return DateValue(value, value, "day")


def parse_date_match(match: re.Match) -> DateValue | None:
    text = match.group(0)
    for pattern in (DATE_DAY, DATE_DOTTED):
        found = pattern.fullmatch(text)
        if found:
            return _make(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    found = DATE_CN.fullmatch(text)
    if found:
        year = int("".join(str(CN_DIGIT[c]) for c in found.group(1)))
        day = _cn_number(found.group(3)) if found.group(3) else None
        return _make(year, _cn_number(found.group(2)), day)
    found = DATE_MONTH.fullmatch(text)
    if found:
        return _make(int(found.group(1)), int(found.group(2)), None)
    return None


def find_dates(text: str) -> list[tuple[re.Match, DateValue]]:
    folded = fold(text)
    out = []
    for match in DATE_ANY.finditer(folded):
        value = parse_date_match(match)
        if value is not None:
            out.append((match, value))
    return out


def parse_date(text: str | None) -> DateValue | None:
    """The first date in `text`: 2022年1月 27 日, 2022.3.15, 二〇二二年三月十五日, 2022年3月."""
    if not text:
        return None
    found = find_dates(text)
    return found[0][1] if found else None


PERIOD = re.compile(
    r"(?P<a>(?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|[./\-]\s*\d{1,2}(?:\s*[./\-]\s*\d{1,2})?))"
    r"\s*(?:至|到|~|～|－|-|—+|–)\s*"
    r"(?P<b>(?:(?:19|20)\d{2}\s*(?:年|[./\-]))?\s*\d{1,2}\s*(?:月(?:\s*\d{1,2}\s*[日号])?|[./\-]\s*\d{1,2}|(?=$|[^\d])))"
)
YEAR_ONLY = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:年度|年全年|全年|年)\s*$")


def _period_end(text: str, default_year: int) -> DateValue | None:
    text = text.strip()
    day = re.fullmatch(r"(?:((?:19|20)\d{2})\s*(?:年|[./\-]))?\s*(\d{1,2})\s*(?:月\s*(\d{1,2})\s*[日号]|[./\-]\s*(\d{1,2}))", text)
    if day:
        year = int(day.group(1)) if day.group(1) else default_year
        return _make(year, int(day.group(2)), int(day.group(3) or day.group(4)))
    month = re.fullmatch(r"(?:((?:19|20)\d{2})\s*(?:年|[./\-]))?\s*(\d{1,2})\s*月?", text)
    if month:
        year = int(month.group(1)) if month.group(1) else default_year
        return _make(year, int(month.group(2)), None)
    return None


def parse_period(text: str | None) -> tuple[DateValue, DateValue] | None:
    """Project period: "2020年1月至12月" -> (2020-01-01, 2020-12-31)."""
    if not text:
        return None
    folded = fold(text)
    match = PERIOD.search(folded)
    if match:
        start = parse_date(match.group("a"))
        if start is None:
            start = _period_end(match.group("a"), 0)
        if start is not None:
            end = _period_end(match.group("b"), start.start.year)
            if end is not None and end.end >= start.start:
                return start, end
    only = YEAR_ONLY.match(folded)
    if only:
        year = int(only.group(1))
        return (DateValue(dt.date(year, 1, 1), dt.date(year, 1, 1), "day"),
                DateValue(dt.date(year, 12, 31), dt.date(year, 12, 31), "day"))
    return None


# -- grades --------------------------------------------------------------------------
GRADES = {
    "优": "优", "优秀": "优", "A": "优", "A级": "优", "一等": "优", "一等级": "优", "一档": "优",
    "良": "良", "良好": "良", "B": "良", "B级": "良", "二等": "良", "二等级": "良", "二档": "良",
    "中": "中", "中等": "中", "合格": "中", "及格": "中", "一般": "中", "C": "中", "C级": "中",
    "三等": "中", "三等级": "中", "三档": "中",
    "差": "差", "较差": "差", "不合格": "差", "不及格": "差", "D": "差", "D级": "差", "四等": "差",
    "四等级": "差", "四档": "差",
}
# Longest first, so 不合格 is read before 合格 and 优秀 before 优.
GRADE_WORDS = sorted(GRADES, key=len, reverse=True)
GRADE_WORD = re.compile("|".join(re.escape(w) for w in GRADE_WORDS))


def normalise_grade(raw: str | None) -> str | None:
    if not raw:
        return None
    value = squash(raw).strip("“”\"'‘’「」『』【】")
    for suffix in ("等次", "等级", "级"):
        if value.endswith(suffix) and value not in GRADES and value[: -len(suffix)] in GRADES:
            value = value[: -len(suffix)]
    return GRADES.get(value.upper() if value.isascii() else value)


def grade_word(text: str) -> str | None:
    """The grade word a value cell or a phrase after 等级为 starts with, as written."""
    value = squash(text).lstrip("“”\"'‘’「」『』【】:：")
    match = GRADE_WORD.match(value)
    if not match:
        return None
    word = match.group(0)
    rest = value[match.end():]
    if rest[:2] in ("等级", "等次") and word + rest[:2] in GRADES:
        return word + rest[:2]
    if word.isascii() and rest[:1].isascii() and rest[:1].isalnum():
        return None           # "AB公司" is not grade A
    return word


def _ticked(value: str, matches: list[re.Match]) -> list[str]:
    """The words of `matches` that a check mark ticks. Boxes either follow the words
    ("优□ 良☑") or precede them ("□优 ☑良"): whether the first word has a box before it
    tells which, so one ☑ between two words is read once."""
    boxes = CHECKED + UNCHECKED
    if not matches:
        return []
    before = matches[0].start() > 0 and value[matches[0].start() - 1] in boxes
    ticked = []
    for match in matches:
        mark = value[match.start() - 1:match.start()] if before else value[match.end():match.end() + 1]
        if mark and mark in CHECKED:
            ticked.append(match.group(0))
    return ticked


def ticked_grade(text: str) -> str | None:
    """The grade a check-box line ticks: "优□ 良☑ 中□ 差□" -> 良, "□优 ☑良" -> 良."""
    value = squash(text)
    if not any(ch in value for ch in CHECKED) or not any(ch in value for ch in UNCHECKED):
        return None
    ticked = _ticked(value, list(GRADE_WORD.finditer(value)))
    return ticked[0] if len(set(ticked)) == 1 else None


# -- evaluation type -----------------------------------------------------------------
CHECKED = "☑√✓✔■☒▣●◉✅⊠☒Ⅴ"
UNCHECKED = "□☐○◯"
EVAL_TYPES = ("事前", "事中", "事后")


def eval_type(text: str) -> str | None:
    """Which of 事前/事中/事后 a cover line ticks ("事前评价□ 事中评价□ 事后评价√")."""
    value = squash(text)
    matches = list(re.finditer(r"(事前|事中|事后)(?:绩效)?(?:评价)?", value))
    ticked = {match.group(1) for match in matches if match.group(0) in _ticked(value, matches)}
    if any(ch in value for ch in CHECKED):
        return ticked.pop() if len(ticked) == 1 else None
    if not any(ch in value for ch in UNCHECKED):
        named = {match.group(1) for match in matches}
        if len(named) == 1:
            return named.pop()
    return None


# -- economic categories ---------------------------------------------------------------
@dataclass(frozen=True)
class Category:
    code: str
    name: str
    matched: str = "name"       # name | code | containment: how the label was mapped
    note: str | None = None     # what an auditor should know about the mapping


@lru_cache(maxsize=1)
def _categories() -> tuple[dict[str, Category], dict[str, Category]]:
    by_label: dict[str, Category] = {}
    by_code: dict[str, Category] = {}
    with CATEGORIES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            category = Category(row["code"], row["name"])
            by_code[category.code] = category
            for label in [row["name"], *filter(None, row["synonyms"].split("|"))]:
                by_label[squash(label)] = category
    return by_label, by_code


CODE_IN_LABEL = re.compile(r"(?<!\d)(30[1-9]\d{2}|31\d{3})(?!\d)")


@lru_cache(maxsize=1)
def category_labels() -> list[str]:
    """Every label that names a category, longest first (for scanning running text)."""
    by_label, _ = _categories()
    return sorted(by_label, key=len, reverse=True)


@lru_cache(maxsize=1)
def category_labels_by_last_character() -> dict[str, list[str]]:
    """category_labels() grouped by their last character, longest first in each group: a
    clause can only end with the labels of its own last character."""
    groups: dict[str, list[str]] = {}
    for label in category_labels():
        if label:
            groups.setdefault(label[-1], []).append(label)
    return groups


def lookup_category(label: str) -> Category | None:
    """The standard code and name for a line label ("接待费" -> 30217 公务接待费).

    A valid code written in the label wins, even where the name suggests another (the
    disagreement is noted); a label that ends in a standard name ("仓储租赁费") maps to it,
    marked as mapped by containment."""
    by_label, by_code = _categories()
    key, _ = label_key(label)
    key = key.strip("“”\"'")
    code = CODE_IN_LABEL.search(key)
    if code and code.group(1) in by_code:
        category = by_code[code.group(1)]
        named = _by_name(re.sub(r"^\d+", "", key.replace(code.group(1), "")), by_label)
        if named is not None and named.code != category.code:
            return Category(category.code, category.name, "code",
                            f"科目代码 {category.code}（{category.name}）与名称“{label.strip()}”所指的 "
                            f"{named.code} {named.name} 不一致，按代码")
        return category
    key = re.sub(r"^\d+", "", key)
    exact = _by_name(key, by_label)
    if exact is not None:
        return exact
    for name in category_labels():
        if len(name) >= 3 and key.endswith(name) and len(key) - len(name) <= 8:
            found = by_label[name]
            return Category(found.code, found.name, "containment",
                            f"“{label.strip()}”含标准科目名“{name}”，按包含关系对应 {found.code} {found.name}")
    return None


def _by_name(key: str, by_label: dict[str, Category]) -> Category | None:
    for candidate in (key, re.sub(r"[（(].*?[）)]$", "", key), key.removesuffix("支出"),
                      key.removesuffix("费用") + "费"):
        if candidate in by_label:
            return by_label[candidate]
    return None
