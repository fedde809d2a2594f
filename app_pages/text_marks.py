"""A report's text with passages marked: where each extracted value was read (its
provenance), or what two reports share (DUPLICATE_REPORT).

Pure functions, no Streamlit: text and provenance rows in, character spans or markdown out.
The report's own words are escaped in that markdown, so they show as written and never as
markup or HTML (SPEC §4: the original text is read, never rendered).
"""
from __future__ import annotations

import difflib
import re
from collections import Counter

from ingest.normalise import fold

Span = tuple[int, int]

ELLIPSIS = "…"
# ingest.text.snippet's context either side of a match: where a prose value starts in its snippet.
MARGIN = 24
# A cell snippet shorter than this ("10", "95分") is found by its table row and column, not by
# searching the text, where it occurs many times.
DISTINCT = 4
# Methods whose snippet is no one place in the text ("支出明细各行之和：46").
NOWHERE = ("computed",)
CELL_SEPARATOR = " | "      # Document.text() joins a table row's cells with it
# Passages two reports share: runs shorter than this are common phrases, not copying.
SHARED_MIN = 12
# difflib's matcher is quadratic in the worst case: texts beyond this are compared by their start.
SHARED_LIMIT = 40_000

# The report page marks, when no one field is picked, the key values' sources, a colour per
# kind (its legend's). Colours are translucent, to read on a light and a dark theme alike.
KEY_SOURCES = {
    "money": ("rgba(28, 131, 225, 0.28)", ("budget_planned", "budget_adjusted", "funds_arrived", "spent")),
    "rates": ("rgba(33, 195, 84, 0.32)", ("arrival_rate_stated", "execution_rate_stated")),
    "score": ("rgba(160, 80, 245, 0.28)", ("self_score", "grade_raw")),
    "project": ("rgba(128, 128, 128, 0.25)", ("project_name", "implementing_unit", "supervising_dept", "fiscal_year",
                                              "report_date")),
}
PICKED_COLOUR = "rgba(255, 140, 0, 0.45)"       # the picked field's stored value
WITNESS_COLOUR = "rgba(0, 170, 230, 0.30)"      # the other places the report states it
SHARED_COLOUR = "rgba(255, 140, 0, 0.35)"       # passages both reports of a DUPLICATE_REPORT pair hold

# Markdown that a report's words would otherwise turn into markup: emphasis, code, links,
# headings, tables, HTML, maths, entities and emoji or icon codes (":smile:").
ESCAPED = re.compile(r"([\\`*_\[\]<>#|~$&:])")
# Pairs Streamlit turns into symbols even when escaped ("->" "→", ">=" "≥", "--" "—"): a word
# joiner (U+2060, invisible) between the two keeps them as written.
TYPOGRAPHY = re.compile(r"(?<=[-<>~])(?=[->=])")
# Links the renderer would make of a bare address: a joiner after the scheme's colon or "www".
AUTOLINK = re.compile(r"(?<=://)|(?<=\bwww)(?=\.)|(?<=@)", re.IGNORECASE)
# Icon and emoji codes (":material/home:", ":streamlit:") are drawn even when escaped: a joiner
# after the colon.
SHORTCODE = re.compile(r"(?<=:)(?=[A-Za-z])")
# At the start of a line: a list item ("1. ", "- ", "+ "), a heading underline ("===").
LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])")
JOINER = "\u2060"
NBSP = "\u00a0"


def core(snippet: str | None) -> tuple[str, bool]:
    """The snippet's own words without the ellipses that cut it, and whether it was cut on the
    left: "…预算执行率96%。" -> ("预算执行率96%。", True)."""
    text = (snippet or "").strip()
    cut_left = text.startswith(ELLIPSIS)
    return text.strip(ELLIPSIS).strip(), cut_left


def find(folded: str, needle: str, start: int = 0, end: int | None = None) -> Span | None:
    """Where `needle` first occurs in `folded` (both width-folded), else where it occurs
    with any spacing between its characters (a cell spaced for layout, "项　目　名　称")."""
    end = len(folded) if end is None else end
    needle = fold(needle)
    if not needle.strip():
        return None
    at = folded.find(needle, start, end)
    if at >= 0:
        return at, at + len(needle)
    # A table row's cells ("a | b") may sit in one cell of the text, spaced ("a b").
    pattern = r"[\s|]*".join(re.escape(c) for c in needle if not c.isspace() and c != "|")
    match = re.compile(pattern).search(folded, start, end)
    if match:
        return match.start(), match.end()
    cells = needle.split(CELL_SEPARATOR.strip())
    if len(cells) > 2:
        # The row's first cell merged from the row above is not on its line: without it.
        return find(folded, CELL_SEPARATOR.join(cells[1:]), start, end)
    return None


def _lines(text: str) -> list[Span]:
    spans, at = [], 0
    for line in text.split("\n"):
        spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


def _line_of(lines: list[Span], position: int) -> int:
    low, high = 0, len(lines) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if lines[middle][0] <= position:
            low = middle
        else:
            high = middle - 1
    return low


def _cell(folded: str, line: Span, col_no: int | None, value: str) -> Span | None:
    """The value in a table row's line: in cell `col_no` when that cell holds it (merged
    cells can shift the count), else its first occurrence in the line."""
    start, end = line
    cells, at = [], start
    for cell in folded[start:end].split(CELL_SEPARATOR):
        cells.append((at, at + len(cell)))
        at += len(cell) + len(CELL_SEPARATOR)
    if col_no is not None and 0 <= col_no < len(cells):
        cell_start, cell_end = cells[col_no]
        if not value.strip():
            return (cell_start, cell_end) if folded[cell_start:cell_end].strip() else None
        found = find(folded, value, cell_start, cell_end)
        if found:
            return found
    return find(folded, value, start, end) if value.strip() else None


def _labelled(folded: str, lines: list[Span], words: str, row: dict) -> Span | None:
    """A table cell's snippet "label：value" ("实际支出（万元）：27.36", "资金总额 · 年初预算数：30"):
    the row is the line holding a part of the label, the value a cell after it."""
    label, _, value = words.partition("：")
    if not value:
        return None
    for part in (p.strip() for p in label.split("·")):
        start = 0
        while part and (place := find(folded, part, start)):
            line = lines[_line_of(lines, place[0])]
            found = _cell(folded, line, row.get("col_no"), value)
            if found and found[0] < place[1]:
                found = _cell(folded, (place[1], line[1]), None, value)    # the value is after its label
            if found:
                return found
            start = place[1]
    return None


def locate(text: str, rows: list[dict]) -> list[Span | None]:
    """Where in `text` (the report as read, report_texts) each provenance row's value was
    read, as a character span, or None when it cannot be placed. A row has the columns of
    provenance: snippet, method, block, row_no, col_no, char_start, char_end.

    Prose values carry their span in their paragraph (char_start/char_end), whose snippet is
    found in the text; table cells carry a block and row/column, and their snippet
    ("label：value" or the row's cells) names the line; a short cell ("10") is placed by its
    row and column from the lines of the same table found by the others."""
    folded = fold(text)
    lines = _lines(text)
    found: list[Span | None] = [None] * len(rows)
    for i, row in enumerate(rows):
        words, cut_left = core(row.get("snippet"))
        if not words or row.get("method") in NOWHERE:
            continue
        cell = row.get("row_no") is not None
        if cell and len(words.partition("：")[2] or words) < DISTINCT and "：" not in words:
            continue                                    # placed by its table below
        place = _labelled(folded, lines, words, row) if cell and "：" in words else None
        place = place or find(folded, words)
        start, end = row.get("char_start"), row.get("char_end")
        if place and start is not None and end is not None and folded[place[0]:place[1]] == fold(words):
            # The value's span inside its snippet: the snippet starts MARGIN characters before
            # the value when cut on the left, at its paragraph's start otherwise.
            at = place[0] + (min(start, MARGIN) if cut_left else start)
            if place[0] <= at and at + (end - start) <= place[1] and end > start:
                place = (at, at + end - start)
        found[i] = place
    # Each table's first line, from the rows of it already placed: block -> line of row 0.
    votes: dict[int, Counter] = {}
    for row, place in zip(rows, found):
        if place and row.get("row_no") is not None and row.get("block") is not None:
            votes.setdefault(row["block"], Counter())[_line_of(lines, place[0]) - row["row_no"]] += 1
    first_line = {block: counter.most_common(1)[0][0] for block, counter in votes.items()}
    for i, row in enumerate(rows):
        if found[i] or row.get("row_no") is None or row.get("method") in NOWHERE:
            continue
        words, _ = core(row.get("snippet"))
        value = words.partition("：")[2] if "：" in words else words
        base = first_line.get(row.get("block"))
        if base is not None and 0 <= base + row["row_no"] < len(lines):
            found[i] = _cell(folded, lines[base + row["row_no"]], row.get("col_no"), value)
        if not found[i] and value:
            found[i] = find(folded, value)
        cells = words.split(CELL_SEPARATOR.strip())
        if not found[i] and len(cells) > 1 and len(cells[0].strip()) >= 2:
            # A table laid out across (categories as columns): its row is no line; its name is.
            found[i] = find(folded, cells[0].strip())
    return found


def shared_passages(first: str, second: str, min_chars: int = SHARED_MIN) -> tuple[list[Span], list[Span]]:
    """The passages two texts share (runs of at least `min_chars` characters, in order), as
    spans in each: difflib's matching blocks, with no character treated as junk (in Chinese
    the common characters are the text)."""
    matcher = difflib.SequenceMatcher(None, first[:SHARED_LIMIT], second[:SHARED_LIMIT], autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size >= min_chars]
    return ([(b.a, b.a + b.size) for b in blocks], [(b.b, b.b + b.size) for b in blocks])


def _escaped(words: str) -> str:
    words = SHORTCODE.sub(JOINER, AUTOLINK.sub(JOINER, TYPOGRAPHY.sub(JOINER, words)))
    return ESCAPED.sub(r"\\\1", words.replace("\t", "    ").replace("\r", ""))


def escape_line(line: str) -> str:
    """One line of a report as markdown that shows it as written: "1. 立项 -> 实施" keeps its
    "1." and its "->" (not a list, not an arrow); runs of spaces keep their width."""
    line = LINE_START.sub(lambda m: (m.group(1) or m.group(4) or "") + (
        f"{m.group(2)}\\{m.group(3)}" if m.group(2) else f"\\{m.group(5)}"), _escaped(line))
    return re.sub(r"(?<= ) |^ ", NBSP, line)


def _escape_inner(piece: str) -> str:
    """A piece inside a line: escaped like a line, without the line-start rules."""
    return re.sub(r"(?<= ) ", NBSP, _escaped(piece))


def swatch(words: str, colour: str) -> str:
    """`words` (escaped) on a background of `colour`, any CSS colour written with commas
    ("rgba(255, 140, 0, 0.4)"): Streamlit's `:color[…]{background="…"}`."""
    return f':color[{words}]{{background="{colour}"}}'


def marked_markdown(text: str, marks: list[tuple[Span, str]]) -> str:
    """`text` as markdown, line by line, each marked span on a coloured background (see
    swatch); marks are (span, colour), an earlier mark winning where two overlap. Hard line
    breaks keep the report's lines."""
    colour_at: list[str | None] = [None] * len(text)
    for (start, end), colour in marks:
        for position in range(max(0, start), min(end, len(text))):
            if colour_at[position] is None:
                colour_at[position] = colour
    out_lines = []
    at = 0
    for line in text.split("\n"):
        pieces, run_start = [], 0
        for position in range(1, len(line) + 1):
            if position == len(line) or colour_at[at + position] != colour_at[at + run_start]:
                piece = escape_line(line[run_start:position]) if run_start == 0 else _escape_inner(
                    line[run_start:position])
                colour = colour_at[at + run_start]
                pieces.append(swatch(piece, colour) if colour and piece.strip() else piece)
                run_start = position
        out_lines.append("".join(pieces) or NBSP)
        at += len(line) + 1
    return "  \n".join(out_lines)

