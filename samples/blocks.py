"""What a generated document is made of, before it is Word XML: paragraphs and tables of
cells, in reading order. `layout.py` builds them, `wordxml.py` writes them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Paragraph:
    text: str | list            # a string, or segments: str and ("box", checked, ticked mark)
    bold: bool = False
    center: bool = False


@dataclass
class FieldResult:
    """A cell value Word stores as a field's result (a 合计 computed by =SUM(ABOVE))."""

    text: str


@dataclass
class Cell:
    content: str | list | FieldResult | Table   # text (lines separated by "\n"), or a nested table
    span: int = 1
    merge: str | None = None    # restart | continue


@dataclass
class Table:
    rows: list[list[Cell]]
    widths: list[int]


def plain_text(blocks: list) -> str:
    """The text a reader sees (cells joined by " | ", a row a line), for checks without Word."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(_content_text(block.text) if isinstance(block.text, list) else block.text)
        else:
            for row in block.rows:
                lines.append(" | ".join(_content_text(c.content) for c in row if c.merge != "continue"))
    return "\n".join(lines)


def _content_text(content) -> str:
    if isinstance(content, Table):
        return " ".join(_content_text(c.content) for row in content.rows for c in row)
    if isinstance(content, FieldResult):
        return content.text
    if isinstance(content, list):
        return "".join(s if isinstance(s, str) else (s[2] if s[1] else "□") for s in content)
    return content.replace("\n", " ")
