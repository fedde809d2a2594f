"""Money, rates, scores and dates as a unit writes them ("94.67", "二〇二二年一月二十七日").

Money is planned in whole 元 as integers and only divided into 万元 here, so figures that
should add up do, exactly.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CN_DIGITS = "〇一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


def wan(yuan: int) -> float:
    return round(yuan / 10000, 4)      # the double nearest the exact 万元 figure


def wan_text(yuan: int, two_decimals: bool = False) -> str:
    whole, rest = divmod(yuan, 10000)
    if two_decimals and rest % 100 == 0:
        return f"{whole}.{rest // 100:02d}"
    return f"{whole}.{rest:04d}".rstrip("0").rstrip(".")


def yuan_text(yuan: int) -> str:
    return f"{yuan:,}.00"


def as_decimal(fraction: Fraction) -> Decimal:
    return Decimal(fraction.numerator) / Decimal(fraction.denominator)


def rate_text(rate: Fraction, places: int) -> str:
    """A percentage rounded as a unit would write it: "94.67", "98", "97.2"."""
    value = as_decimal(rate).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def rate_written(rate: Fraction, rng: random.Random) -> str:
    """Two decimals usually; fewer only where that stays within 0.05 of the true rate."""
    for places in (0, 1):
        text = rate_text(rate, places)
        if abs(Decimal(text) - as_decimal(rate)) <= Decimal("0.05") and rng.random() < 0.5:
            return text
    return rate_text(rate, 2)


def score_text(hundredths: int) -> str:
    whole, rest = divmod(hundredths, 100)
    return f"{whole}.{rest:02d}".rstrip("0").rstrip(".")


def json_number(value: float | int | None):
    """JSON numbers as the corpus writes them: 2, not 2.0."""
    if value is None:
        return None
    value = round(float(value), 6)
    return int(value) if value == int(value) else value


def cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[units] if units else "")


def date_text(day: dt.date, style: str) -> str:
    if style == "spaced":
        return f"{day.year}年{day.month}月 {day.day} 日"
    if style == "chinese":
        return "".join(CN_DIGITS[int(d)] for d in str(day.year)) + f"年{cn_number(day.month)}月{cn_number(day.day)}日"
    return f"{day.year}年{day.month}月{day.day}日"


def period_text(start: dt.date, end: dt.date, style: str) -> str:
    if style == "days":
        return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
    if style == "short":
        return f"{start.year}年{start.month}月至{end.month}月"
    return f"{start.year}年{start.month}月至{end.year}年{end.month}月"


def grade_of(score_hundredths: int, bands) -> str:
    for low, grade in bands:
        if score_hundredths >= low * 100:
            return grade
    return "差"
