""".txt -> Document: the encoding detected from the bytes, never guessed from the name.

Units send plain text saved by Notepad (UTF-8, with or without BOM, or UTF-16) and by
older Chinese Windows (GB18030/GBK), often with tables pasted from Word, which arrive as
lines of tab-separated (or |-separated) cells. Two or more such lines in a row become a
Table block, so the same label-and-structure extraction reads them.
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from ingest.model import Cell, Document, Paragraph, ParseError, Table

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def detect_encoding(data: bytes) -> str:
    """The encoding of `data`: BOM first, then strict decodes in order of likelihood."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    sample = data[:4096]
    if sample:
        # UTF-16 without BOM: every other byte is zero for ASCII-heavy text.
        even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
        odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
        if odd_zero > 0.3 and even_zero < 0.05:
            return "utf-16-le"
        if even_zero > 0.3 and odd_zero < 0.05:
            return "utf-16-be"
    for name in ("utf-8", "gb18030"):
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    best = from_bytes(data).best()
    if best is None:
        raise ParseError("txt.unknown_encoding")
    return codecs.lookup(best.encoding).name


def read_txt(data: bytes, limits: dict | None = None) -> Document:
    """A plain-text report's blocks (the reader contract of parse.READERS; a text file has
    no limits of its own beyond the file size the pipeline checks)."""
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = detect_encoding(data)
        if not encoding.startswith(("utf-16", "utf-32")):
            raise ParseError("txt.binary")
    else:
        encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseError("txt.undecodable", encoding=encoding) from exc
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    document = Document(file_format="txt", encoding=encoding)
    lines = text.split("\n")
    index = 0
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _cells(lines[j]):
            j += 1
        if j > i:
            caption = lines[i - 1].strip() if i else ""
            document.blocks.append(Table(_rows(lines[i:j]), index, caption=caption))
            index += 1
            i = j
            continue
        document.blocks.append(Paragraph(lines[i], index))
        index += 1
        i += 1
    return document


def _rows(lines: list[str]) -> tuple[tuple[Cell, ...], ...]:
    """Rows of Cells. Word's plain-text export and a browser copy write a merged cell once and
    leave the rows it spans empty at its place: an empty LEADING cell under a cell above is
    that merged cell (merged_up), as a vertically merged 一级指标 is in a .docx. Cells keep
    their positions: trailing empty cells are blanks, not missing columns."""
    rows: list[tuple[Cell, ...]] = []
    for r, line in enumerate(lines):
        texts = _cells(line)
        row = []
        leading = True
        for col, text in enumerate(texts):
            leading = leading and not text
            row.append(Cell(text, col, merged_up=leading and r > 0))
        rows.append(tuple(row))
    return tuple(rows)


BARS = re.compile(r"\s*[|｜]\s*")


def _cells(line: str) -> list[str]:
    """The cells of a pasted table row: tab-separated (leading and trailing empty cells kept,
    they are positions), or between | bars."""
    stripped = line.strip()
    if "\t" in line and stripped:
        return [cell.strip() for cell in line.rstrip("\r\n").split("\t")]
    if stripped.count("|") + stripped.count("｜") >= 2:
        return [cell for cell in BARS.split(stripped.strip("|｜ "))]
    return []
