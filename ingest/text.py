"""Text helpers shared by every stage: width folding, label keys, sentence splitting."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Leading outline numbers units type by hand: 一、 （一） (1) 1. 1、 ① 第一、
# "1.2023年…" is a list number before a year, not the number 1.2023.
OUTLINE = re.compile(
    r"^(?:第?[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)][、.．]?|"
    r"\d+(?:\.\d+)*[、.．](?!\d)|\d{1,2}[.．](?=(?:19|20)\d{2}\s*年)|[①-⑳]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+[、.．])\s*"
)
# Signs Chinese input methods type for ≥, ≤ and = (NFKC leaves them as they are).
SIGNS = str.maketrans({"≧": "≥", "≦": "≤", "═": "=", "＝": "="})
UNIT_IN_LABEL = re.compile(r"[（(]\s*(?:单位[：:])?\s*(万元|元|千元|亿元|%|％|分)\s*[）)]")
WHITESPACE = re.compile(r"\s+")
# "实施单位（盖章）", "填报人（签字）": where to sign is no part of the label.
SIGN_HERE = re.compile(r"[（(](?:盖章|签字|签章|公章|签名|签字盖章|盖公章)[）)]")
SENTENCE_END = re.compile(r"(?<=[。；;！!？?\n])")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=65536)
def squash(text: str) -> str:
    """NFKC with every whitespace removed: how labels are compared (项　目　名　称 = 项目名称)."""
    return WHITESPACE.sub("", nfkc(text)).translate(SIGNS)


def clean_value(text: str) -> str:
    """A value as written, tidied: outer whitespace and stray separators removed, inner runs
    of whitespace folded to one space (a cell's line breaks are layout, not content)."""
    text = text.replace("\u3000", " ").translate(SIGNS).strip()
    text = WHITESPACE.sub(" ", text)
    return text.strip(" ：:　_＿|｜")


def strip_outline(text: str) -> str:
    return OUTLINE.sub("", text, count=1)


@lru_cache(maxsize=65536)
def label_key(text: str) -> tuple[str, str | None]:
    """A cell or line label reduced for lookup, and the unit it names, if any.

    "其中：中央财政" -> ("中央财政", None); "计划安排资金（万元）" -> ("计划安排资金", "万元");
    "一、项 目 基 本 概 况" -> ("项目基本概况", None).
    """
    # Outline numbers first: NFKC would turn ① into 1 and Ⅱ into II.
    key = squash(strip_outline(WHITESPACE.sub("", text)))
    unit = None
    match = UNIT_IN_LABEL.search(key)
    if match:
        unit = match.group(1).replace("％", "%")
        key = key[: match.start()] + key[match.end():]
    key = strip_outline(key)
    for prefix in ("其中:", "其中", "含:"):
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix):]
            break
    key = SIGN_HERE.sub("", key).rstrip(":：。")
    return key, unit


def sentences(text: str) -> list[tuple[int, str]]:
    """Sentences with their start offsets, split after 。；！？ and line breaks."""
    out = []
    start = 0
    for piece in SENTENCE_END.split(text):
        if piece.strip():
            out.append((start, piece))
        start += len(piece)
    return out


def snippet(text: str, start: int, end: int, margin: int = 24) -> str:
    """The evidence an auditor reads: the match with a little context either side."""
    left = max(0, start - margin)
    right = min(len(text), end + margin)
    return ("…" if left else "") + text[left:right].strip() + ("…" if right < len(text) else "")
