"""The one document model every reader emits: blocks in body order.

A reader turns a file into a `Document`; extractors only ever see this model, never a
file format. Paragraph and table text is kept as written (no normalisation), so that
provenance snippets show the auditor exactly what the unit typed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union

from ingest.messages import Message

BODY = "body"
HEADER = "header"
FOOTER = "footer"


@dataclass(frozen=True)
class Box:
    """Where on a page a block or cell stands (PDFs and scans): the page (1-based) and the
    rectangle in points (1/72 inch) from the page's top-left corner."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    def joined(self, other: "Box | None") -> "Box":
        """The smallest box holding both (same page; the first page where they differ)."""
        if other is None or other.page != self.page:
            return self
        return Box(self.page, min(self.x0, other.x0), min(self.top, other.top),
                   max(self.x1, other.x1), max(self.bottom, other.bottom))


@dataclass(frozen=True)
class Paragraph:
    text: str
    index: int                 # block index in reading order (unique per document)
    part: str = BODY           # body | header | footer
    numbering: str = ""        # automatic list label Word draws ("一、"), not in the text
    box: Box | None = None     # PDFs and scans: where it stands on the page
    confidence: float | None = None   # scans: the lowest recognition confidence of its words
    line_confidence: tuple[float, ...] | None = None   # scans: per character, its line's lowest


@dataclass(frozen=True)
class Cell:
    text: str                  # paragraphs joined by "\n"; nested tables' text included
    col: int                   # first grid column
    span: int = 1              # grid columns covered (w:gridSpan)
    merged_up: bool = False    # continuation of a vertical merge: the text lives above
    box: Box | None = None     # PDFs and scans: where it stands on the page
    confidence: float | None = None   # scans: the lowest recognition confidence of its words


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]   # each merged cell once (de-duplicated)
    index: int
    part: str = BODY
    parent: int | None = None            # block index of the table this one is nested in
    caption: str = ""                    # text of the paragraph just before the table

    @property
    def width(self) -> int:
        return max((c.col + c.span for row in self.rows for c in row), default=0)

    def grid(self) -> list[list[str]]:
        """Text by grid position, merged cells repeated into every position they cover.

        Extractors read labels against this grid: a label spanning four columns is found
        whichever column one looks in, and a vertically merged 一级指标 is seen on every
        row it covers.
        """
        width = self.width
        out: list[list[str]] = []
        for r, row in enumerate(self.rows):
            line = [""] * width
            for cell in row:
                text = cell.text
                if cell.merged_up and r > 0:
                    text = out[r - 1][cell.col]
                for c in range(cell.col, min(cell.col + cell.span, width)):
                    line[c] = text
            out.append(line)
        return out

    def owner(self) -> list[list[int]]:
        """For each grid position, an id of the merged cell covering it (same id = same cell)."""
        width = self.width
        out: list[list[int]] = []
        next_id = 0
        for r, row in enumerate(self.rows):
            line = [-1] * width
            for cell in row:
                if cell.merged_up and r > 0 and out[r - 1][cell.col] >= 0:
                    ident = out[r - 1][cell.col]
                else:
                    ident = next_id
                    next_id += 1
                for c in range(cell.col, min(cell.col + cell.span, width)):
                    line[c] = ident
            out.append(line)
        return out


Block = Union[Paragraph, Table]


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)       # body, in reading order
    furniture: list[Block] = field(default_factory=list)    # headers and footers
    file_format: str = ""
    encoding: str | None = None                            # text files: the detected one
    pages: int = 0                                          # PDFs and scans: pages read
    sheet: str | None = None                                # workbooks: the sheet it came from

    def paragraphs(self, include_furniture: bool = False) -> Iterator[Paragraph]:
        for block in self.all_blocks(include_furniture):
            if isinstance(block, Paragraph):
                yield block

    def tables(self, include_furniture: bool = True) -> Iterator[Table]:
        for block in self.all_blocks(include_furniture):
            if isinstance(block, Table):
                yield block

    def all_blocks(self, include_furniture: bool = True) -> Iterator[Block]:
        yield from self.blocks
        if include_furniture:
            yield from self.furniture

    def block(self, index: int) -> Block | None:
        for block in self.all_blocks():
            if block.index == index:
                return block
        return None

    def text(self) -> str:
        """The whole document as plain text, for display and for duplicate detection."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.numbering + block.text)
            elif block.parent is None:
                for row in block.rows:
                    lines.append(" | ".join(c.text.replace("\n", " ") for c in row if not c.merged_up))
        return "\n".join(lines)


class ParseError(Exception):
    """A file that cannot be read as a report, with the reason auditors are shown (a code of
    messages.MESSAGES and its parameters): `ParseError("txt.binary")`."""

    def __init__(self, code: str, **params):
        self.message = Message(code, params)
        super().__init__(str(self.message))
