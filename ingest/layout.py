"""Words on pages -> the document model: what text PDFs (read_pdf.py) and scans
(read_scan.py) share once their words have positions.

A reader hands over each page's words with their boxes and the ruling lines drawn on it;
this module puts them in reading order, rebuilds tables from the rulings (the grid their
positions make; a table drawn without rulings is read as lines), joins cell text that
wrapped onto several lines
(`22.` + `5` -> 22.5), sets page headers and footers apart, and gives every block and cell
its box (and, for scans, the lowest confidence of its words).

What a reader hands over:
- a `Word` is any run of text on one line: a word, or a whole line as OCR gives it. Words
  on one line are joined with a space where a gap stands between them; a reader that knows
  where real spaces are splits its runs there (a gap is a space) and keeps runs whole
  across the small gaps a renderer leaves between Chinese and Latin text ("2021年").
- a `Ruling` is one drawn border segment, horizontal or vertical (a thin filled rectangle
  is one too); a border drawn as a rectangle is four rulings.
- all in points (1/72 inch) from the page's top-left corner, as the page is shown (a
  rotated page's coordinates already turned).

How it reads them:
- tables: rulings that touch each other are one table; the distinct x of its vertical
  rulings and y of its horizontal ones make a grid; two neighbouring grid cells with no
  ruling between them are one merged cell (listed once, with `span`, and `merged_up`
  continuations below, as read_docx lists them). Rulings standing wholly inside one cell
  are a table nested in it (a block of its own with `parent`, its text also the cell's).
- lines: words whose boxes overlap vertically; paragraphs: a line continues the one
  before when that one ran to the right margin (the next line's first word would not
  have fitted) and it does not start indented; a paragraph may run onto the next page.
- cells: a cell's lines are one text where a line wrapped, "\n" where a line ended short
  (a paragraph break inside the cell).
- furniture: the first and last lines of a page, near its edge, that are page numbers or
  repeat (digits aside) on other pages; running heads are kept once in
  `Document.furniture`, page numbers dropped.
- a table ending a page and one starting the next with the same columns are one table,
  its repeated header row dropped and a row cut by the page break joined.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from ingest.model import BODY, FOOTER, HEADER, Box, Cell, Document, Paragraph, Table


@dataclass(frozen=True)
class Word:
    """A run of text on a page (a word, or a line as OCR gives it), in points from the
    page's top-left corner."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float | None = None     # scans: recognition confidence, 0..1


@dataclass(frozen=True)
class Ruling:
    """A drawn line segment (a table border), in points: horizontal or vertical."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Page:
    number: int                          # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    rulings: list[Ruling] = field(default_factory=list)


# -- tolerances, in points unless said otherwise -------------------------------------------
# Borders this close are one: LibreOffice draws a table's outer border half a point off its
# inner ones, and a grid column narrower than this holds no text.
SNAP = 3.0
# A ruling thicker than this is a filled area, not a line; one shorter is a tick or a dot.
MAX_THICKNESS = 4.0
MIN_LENGTH = 2.0
# Two grid cells are apart when rulings cover this share of the edge between them.
COVERED = 0.5
# Rulings are matched within squares this wide; a grid of more cells than MAX_GRID_CELLS
# is a drawing (a chart, a form printed as lines), not a table.
BUCKET = 50.0
MAX_GRID_CELLS = 20000
# A table of one cell covering this share of the page is a page border, not a table.
FRAME_SHARE = 0.5
# Headers and footers stand within this share of the page height from its top or bottom.
BAND = 0.1
# Shares of a line's height (an em, near enough): a gap wider than SPACE_GAP between two
# words is a space; a line starting INDENT right of the margin starts a paragraph; a line
# ending within its next line's first word plus SLACK of the margin ran full (it wrapped).
SPACE_GAP = 0.1
INDENT = 0.8
SLACK = 0.6
# A cell's text stands at most this far in from its border (more is alignment, not padding).
MAX_PADDING = 8.0
# Lines further apart than this many line heights are never one paragraph, nor lines
# SPACED line heights further apart than the usual gap inside a paragraph.
PARAGRAPH_GAP = 2.5
SPACED = 0.4
# A table's header rows repeated on each page are at most this many.
MAX_HEADER_ROWS = 3
# A running head repeats on at least this share of the pages (and on two at least).
REPEATS = 0.5
# Page numbers as Word and WPS print them: "3", "- 3 -", "第3页", "第 3 页 共 9 页", "3/9".
PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*(?:第\s*)?\d+\s*(?:页)?\s*(?:[/／]\s*\d+|[，,]?\s*共\s*\d+\s*页)?[-—–－\s]*$"
    r"|^(?:page\s*)?\d+\s*(?:of\s*\d+)?$", re.IGNORECASE)
# Where a first word runs on as one unbreakable piece (a number, a Latin word).
LATIN_RUN = re.compile(r"^[0-9A-Za-z０-９Ａ-Ｚａ-ｚ.．%％+\-/]+")
# Punctuation a line may not start with, and punctuation it may not end with (the rule
# Word, WPS and LibreOffice follow when they wrap Chinese text); curly quotes cling to
# both neighbours (Unicode line breaking keeps them from either end of a line).
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’%％.,;:?!)]}·…—\"'“‘")
NO_LINE_END = set("（《「『【〔〈“‘([{”’\"'")


# -- geometry ----------------------------------------------------------------------------------
@dataclass
class _Line:
    """Words that share a line, left to right."""

    words: list[Word]
    x0: float
    top: float
    x1: float
    bottom: float
    page: int = 0
    text: str = ""

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def confidence(self) -> float | None:
        return _lowest(w.confidence for w in self.words)


@dataclass
class _Edge:
    """Rulings on one line merged: a vertical at x = `at` from `start` to `end` (y), or a
    horizontal at y = `at` from `start` to `end` (x)."""

    vertical: bool
    at: float
    start: float
    end: float


@dataclass
class _Region:
    """A cell of a rebuilt table: its grid place and its rectangle."""

    row: int
    col: int
    rows: int
    cols: int
    x0: float
    top: float
    x1: float
    bottom: float
    words: list[Word] = field(default_factory=list)
    page: int = 0                # where it stands, for a table joined across pages
    more: list["_Region"] = field(default_factory=list)   # its parts on later pages (a cut row)
    nested: list["_Grid"] = field(default_factory=list)   # tables standing in this cell


@dataclass
class _Grid:
    """A table rebuilt from rulings, before its text is read."""

    page: int
    xs: list[float]
    ys: list[float]
    regions: list[_Region]
    nested: list["_Grid"] = field(default_factory=list)
    row_count: int = -1          # len(ys) - 1, unless joined across pages
    frame: bool = False          # one cell round some text: its paragraphs, not a table
    _at: dict | None = field(default=None, repr=False)   # (row, col) -> cell, built when first asked

    def __post_init__(self):
        if self.row_count < 0:
            self.row_count = len(self.ys) - 1
        for region in self.regions:
            region.page = region.page or self.page

    @property
    def x0(self) -> float:
        return self.xs[0]

    @property
    def x1(self) -> float:
        return self.xs[-1]

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom

    def regions_at(self, y: float, x0: float, x1: float) -> list[_Region]:
        """The cells at height y from x0 to x1, left to right (found on the grid, not by
        trying every cell: a page may hold a thousand)."""
        if not self.top <= y <= self.bottom:
            return []
        if self._at is None:
            self._at = {(r, c): region for region in self.regions
                        for r in range(region.row, region.row + region.rows)
                        for c in range(region.col, region.col + region.cols)}
        row = min(bisect.bisect_right(self.ys, y) - 1, len(self.ys) - 2)
        first = max(bisect.bisect_right(self.xs, x0) - 1, 0)
        last = max(min(bisect.bisect_left(self.xs, x1), len(self.xs) - 1), first + 1)
        out: list[_Region] = []
        for col in range(first, last):
            region = self._at.get((row, col))
            if region is not None and (not out or out[-1] is not region):
                out.append(region)
        return out


def _lowest(values) -> float | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def _box_of(page: int, items) -> Box:
    items = list(items)
    return Box(page, min(i.x0 for i in items), min(i.top for i in items),
               max(i.x1 for i in items), max(i.bottom for i in items))


# -- words into lines --------------------------------------------------------------------------
def lines_of(words: list[Word], page: int = 0) -> list[_Line]:
    """Words grouped into lines, top to bottom, each line's words left to right. A word
    joins a line when their boxes overlap by half the smaller height: enough to keep a
    superscript or a taller font on its line, not enough to merge two lines."""
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        line = _line_for(lines, word)
        if line is None:
            lines.append(_Line([word], word.x0, word.top, word.x1, word.bottom, page))
            continue
        line.words.append(word)
        line.x0, line.x1 = min(line.x0, word.x0), max(line.x1, word.x1)
        line.top, line.bottom = min(line.top, word.top), max(line.bottom, word.bottom)
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
        line.text = _words_text(line.words, line.height)
    lines.sort(key=lambda l: (l.top, l.x0))
    return lines


def _line_for(lines: list[_Line], word: Word) -> _Line | None:
    """The line (among the last few made) this word's box overlaps enough."""
    height = max(word.bottom - word.top, 1.0)
    for line in reversed(lines[-4:]):
        overlap = min(line.bottom, word.bottom) - max(line.top, word.top)
        if overlap >= 0.5 * min(height, line.height):
            return line
    return None


def _words_text(words: list[Word], height: float) -> str:
    """A line's words joined: a space where a gap stands between two of them."""
    out = ""
    previous = None
    for word in words:
        text = word.text
        if previous is not None and word.x0 - previous.x1 > SPACE_GAP * height \
                and not out.endswith(" ") and not text.startswith(" "):
            out += " "
        out += text
        previous = word
    return out.strip()


def _glue(before: str, after: str) -> str:
    """What joins a wrapped line to the next: nothing (Chinese does not space words, and a
    number wrapped as `22.` + `5` is 22.5), a space between two Latin words."""
    if before and after and _is_latin_letter(before[-1]) and _is_latin_letter(after[0]):
        return " "
    return ""


def _is_latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _first_unit_width(line: _Line) -> float:
    """How wide the line's first unbreakable piece is: a Chinese character with the
    punctuation that may not be parted from it (no line starts with "，" or ends with "“"),
    or a whole number or Latin word (a renderer wraps before it, not inside it)."""
    chars = _leading_chars(line)
    if not chars:
        return line.height
    text = "".join(char for char, _ in chars)
    run = LATIN_RUN.match(text)
    count = len(run.group(0)) if run else 1
    while count < len(text) and (text[count] in NO_LINE_START or text[count - 1] in NO_LINE_END):
        count += 1
    return sum(width for _, width in chars[:count])


def _leading_chars(line: _Line, enough: int = 12) -> list[tuple[str, float]]:
    """The line's first characters with their widths, each word's width shared out among
    its characters by their weight (the punctuation opening a line may be a word of its own
    in another font)."""
    out: list[tuple[str, float]] = []
    for word in line.words:
        text = word.text.replace(" ", "")
        if not text:
            continue
        weights = [_char_weight(char) for char in text]
        em = (word.x1 - word.x0) / sum(weights)
        out.extend((char, em * weight) for char, weight in zip(text, weights))
        if len(out) >= enough:
            break
    return out


def _char_weight(char: str) -> float:
    """A character's width in ems, near enough: Chinese characters and full-width forms
    are square, Latin letters and digits about half as wide."""
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.55


def _wrapped(line: _Line, following: _Line, right: float) -> bool:
    """Did `line` end because it reached `right` (the next line's first piece would not
    have fitted), rather than because its paragraph ended?"""
    free = right - line.x1
    return free < _first_unit_width(following) + SLACK * line.height


# -- rulings into tables -----------------------------------------------------------------------
def _edges(rulings: list[Ruling]) -> list[_Edge]:
    """Rulings as horizontal and vertical edges, collinear ones that touch merged."""
    horizontal: list[_Edge] = []
    vertical: list[_Edge] = []
    for ruling in rulings:
        width, height = ruling.x1 - ruling.x0, ruling.bottom - ruling.top
        if height <= MAX_THICKNESS and width >= MIN_LENGTH and width > height:
            horizontal.append(_Edge(False, (ruling.top + ruling.bottom) / 2, ruling.x0, ruling.x1))
        elif width <= MAX_THICKNESS and height >= MIN_LENGTH:
            vertical.append(_Edge(True, (ruling.x0 + ruling.x1) / 2, ruling.top, ruling.bottom))
    return _merged(horizontal) + _merged(vertical)


def _merged(edges: list[_Edge]) -> list[_Edge]:
    out: list[_Edge] = []
    for edge in sorted(edges, key=lambda e: (round(e.at / SNAP), e.start)):
        last = out[-1] if out else None
        if last is not None and abs(last.at - edge.at) <= SNAP / 2 and edge.start <= last.end + SNAP:
            last.end = max(last.end, edge.end)
            continue
        out.append(_Edge(edge.vertical, edge.at, edge.start, edge.end))
    return out


def _touch(a: _Edge, b: _Edge) -> bool:
    if a.vertical == b.vertical:
        return abs(a.at - b.at) <= SNAP and a.start <= b.end + SNAP and b.start <= a.end + SNAP
    h, v = (b, a) if a.vertical else (a, b)
    return h.start - SNAP <= v.at <= h.end + SNAP and v.start - SNAP <= h.at <= v.end + SNAP


def _groups(edges: list[_Edge]) -> list[list[_Edge]]:
    """Edges that touch, directly or through others: one table each. Edges are compared
    only with those sharing a BUCKET-point square, so a page of many lines stays cheap."""
    parent = list(range(len(edges)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[tuple[int, int], list[int]] = {}
    for i, edge in enumerate(edges):
        for key in _buckets(edge):
            for j in buckets.get(key, ()):
                if root(i) != root(j) and _touch(edge, edges[j]):
                    parent[root(i)] = root(j)
            buckets.setdefault(key, []).append(i)
    groups: dict[int, list[_Edge]] = {}
    for i, edge in enumerate(edges):
        groups.setdefault(root(i), []).append(edge)
    return list(groups.values())


def _buckets(edge: _Edge) -> list[tuple[int, int]]:
    """The squares an edge (widened by SNAP) passes through."""
    along = range(int((edge.start - SNAP) // BUCKET), int((edge.end + SNAP) // BUCKET) + 1)
    across = range(int((edge.at - SNAP) // BUCKET), int((edge.at + SNAP) // BUCKET) + 1)
    if edge.vertical:
        return [(x, y) for x in across for y in along]
    return [(x, y) for x in along for y in across]


def _cluster(values: list[float]) -> list[float]:
    """Positions closer than SNAP taken as one (their mean)."""
    out: list[list[float]] = []
    for value in sorted(values):
        if out and value - out[-1][-1] <= SNAP:
            out[-1].append(value)
        else:
            out.append([value])
    return [sum(group) / len(group) for group in out]


def _covered(edges: list[_Edge], start: float, end: float) -> bool:
    """Do these edges (on one grid line) cover enough of start..end to part the cells
    either side?"""
    length = 0.0
    for edge in edges:
        length += max(0.0, min(edge.end, end) - max(edge.start, start))
    return length >= COVERED * (end - start)


def grids_of(rulings: list[Ruling], page: Page) -> list[_Grid]:
    """The tables the rulings of a page draw, top to bottom (nested ones inside theirs)."""
    built = [grid for grid in (_grid(group, page.number) for group in _groups(_edges(rulings))) if grid]
    grids: list[_Grid] = []
    for grid in _nested_apart(built):
        grids.extend(_unframed(grid, page))
    return sorted(grids, key=lambda g: (g.top, g.x0))


def _nested_apart(grids: list[_Grid]) -> list[_Grid]:
    """The grids that stand in no cell of another; one standing in a cell (its borders
    not touching the cell's) is nested there."""
    top_level = []
    for grid in sorted(grids, key=lambda g: (g.x1 - g.x0) * (g.bottom - g.top), reverse=True):
        holder = next((outer for outer in top_level if _holds(outer, grid)), None)
        if holder is None:
            top_level.append(grid)
    return top_level


def _holds(outer: _Grid, inner: _Grid) -> bool:
    """Nest `inner` in the cell of `outer` (or of a table nested in it) holding it whole."""
    for nested in outer.nested:
        if _holds(nested, inner):
            return True
    for region in outer.regions:
        if region.x0 - SNAP <= inner.x0 and inner.x1 <= region.x1 + SNAP \
                and region.top - SNAP <= inner.top and inner.bottom <= region.bottom + SNAP:
            outer.nested.append(inner)
            region.nested.append(inner)
            return True
    return False


def _unframed(grid: _Grid, page: Page) -> list[_Grid]:
    """A box of one cell is no table: a frame round some text (a text box, a one-cell
    table), read as paragraphs, or round tables (a page border), which stand on their own."""
    if len(grid.regions) > 1:
        return [grid]
    if grid.nested:
        return [inner for nested in grid.nested for inner in _unframed(nested, page)]
    if (grid.x1 - grid.x0) * (grid.bottom - grid.top) > FRAME_SHARE * page.width * page.height:
        return []
    grid.frame = True
    return [grid]


def _grid(edges: list[_Edge], page: int) -> _Grid | None:
    """A table from the edges of one group: grid lines, then merged cells, then any table
    nested inside a cell rebuilt on its own."""
    horizontal = [e for e in edges if not e.vertical]
    vertical = [e for e in edges if e.vertical]
    if not horizontal or not vertical:
        return None
    xs = _cluster([e.at for e in vertical] + [min(e.start for e in horizontal), max(e.end for e in horizontal)])
    ys = _cluster([e.at for e in horizontal] + [min(e.start for e in vertical), max(e.end for e in vertical)])
    if len(xs) < 2 or len(ys) < 2 or (len(xs) - 1) * (len(ys) - 1) > MAX_GRID_CELLS:
        return None
    components = _components(xs, ys, horizontal, vertical)
    for component in components:
        if _rectangular(component):
            continue
        inner = _inside(edges, component, xs, ys)
        if inner:
            outer = _grid([e for e in edges if not any(e is i for i in inner)], page)
            if outer is not None:
                for nested in (_grid(group, page) for group in _groups(inner)):
                    if nested is not None:
                        _nest(nested, outer)
            return outer
    regions = []
    for component in components:
        regions.extend(_regions_of(component, xs, ys))
    return _Grid(page, xs, ys, sorted(regions, key=lambda r: (r.row, r.col)))


def _nest(nested: _Grid, outer: _Grid) -> None:
    """Put a nested table in the outer one and in the cell holding it."""
    outer.nested.append(nested)
    x, y = (nested.x0 + nested.x1) / 2, (nested.top + nested.bottom) / 2
    for region in outer.regions:
        if region.x0 <= x <= region.x1 and region.top <= y <= region.bottom:
            region.nested.append(nested)
            return


def _components(xs, ys, horizontal, vertical) -> list[set[tuple[int, int]]]:
    """Grid cells joined where no ruling parts them."""
    rows, cols = len(ys) - 1, len(xs) - 1
    on_x = _on_lines(vertical, xs)
    on_y = _on_lines(horizontal, ys)
    parent = {(r, c): (r, c) for r in range(rows) for c in range(cols)}

    def root(cell):
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not _covered(on_x[c + 1], ys[r], ys[r + 1]):
                parent[root((r, c))] = root((r, c + 1))
            if r + 1 < rows and not _covered(on_y[r + 1], xs[c], xs[c + 1]):
                parent[root((r, c))] = root((r + 1, c))
    out: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for cell in parent:
        out.setdefault(root(cell), set()).add(cell)
    return list(out.values())


def _on_lines(edges: list[_Edge], positions: list[float]) -> list[list[_Edge]]:
    """For each grid line, the edges lying on it."""
    out: list[list[_Edge]] = [[] for _ in positions]
    for edge in edges:
        for k, position in enumerate(positions):
            if abs(edge.at - position) <= SNAP:
                out[k].append(edge)
    return out


def _rectangular(component: set[tuple[int, int]]) -> bool:
    rows = [r for r, _ in component]
    cols = [c for _, c in component]
    return len(component) == (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)


def _inside(edges, component, xs, ys) -> list[_Edge]:
    """Edges standing wholly inside the rectangle around a cell that is not a rectangle:
    the borders of a table nested in that cell."""
    rows = [r for r, _ in component]
    cols = [c for _, c in component]
    x0, x1 = xs[min(cols)], xs[max(cols) + 1]
    top, bottom = ys[min(rows)], ys[max(rows) + 1]
    out = []
    for edge in edges:
        low, high = (x0, x1) if edge.vertical else (top, bottom)
        start_low, end_high = (top, bottom) if edge.vertical else (x0, x1)
        if low + SNAP < edge.at < high - SNAP and edge.start >= start_low - SNAP and edge.end <= end_high + SNAP:
            out.append(edge)
    return out


def _regions_of(component, xs, ys) -> list[_Region]:
    """The cell(s) of one component: one rectangle, or (a shape no ruling explains) a cell
    per row run, continued down where the run covers the same columns."""
    if _rectangular(component):
        rows = sorted({r for r, _ in component})
        cols = sorted({c for _, c in component})
        return [_Region(rows[0], cols[0], len(rows), len(cols), xs[cols[0]], ys[rows[0]],
                        xs[cols[-1] + 1], ys[rows[-1] + 1])]
    out = []
    for r in sorted({r for r, _ in component}):
        cols = sorted(c for rr, c in component if rr == r)
        start = cols[0]
        for i, c in enumerate(cols):
            if i + 1 == len(cols) or cols[i + 1] != c + 1:
                out.append(_Region(r, start, 1, c - start + 1, xs[start], ys[r], xs[c + 1], ys[r + 1]))
                if i + 1 < len(cols):
                    start = cols[i + 1]
    return out


# -- words into cells --------------------------------------------------------------------------
def _place_words(words: list[Word], grids: list[_Grid]) -> list[Word]:
    """Put each word in the cell holding its middle (the innermost, for nested tables);
    return the words in no table. A word running across cells (an OCR line) is cut at the
    cell borders."""
    loose = []
    for word in words:
        for piece in _pieces(word, grids):
            x, y = (piece.x0 + piece.x1) / 2, (piece.top + piece.bottom) / 2
            grid = next((g for g in grids if g.contains(x, y)), None)
            if grid is None or not _place_in(piece, grid, x, y):
                loose.append(piece)
    return loose


def _place_in(word: Word, grid: _Grid, x: float, y: float) -> bool:
    """Put the word in the innermost cell holding (x, y)."""
    for nested in grid.nested:
        if nested.contains(x, y) and _place_in(word, nested, x, y):
            return True
    for region in grid.regions_at(y, x, x):
        region.words.append(word)
        return True
    return False


def _pieces(word: Word, grids: list[_Grid]) -> list[Word]:
    """The word cut at the borders of the cells it runs across, its characters shared out
    by width (an OCR line box over two cells); a word within one cell is itself."""
    y = (word.top + word.bottom) / 2
    for grid in grids:
        if not grid.contains((word.x0 + word.x1) / 2, y):
            continue
        over = [region for region in grid.regions_at(y, word.x0, word.x1)
                if min(region.x1, word.x1) - max(region.x0, word.x0) > SNAP]
        if len(over) < 2:
            return [word]
        return _cut(word, sorted(over, key=lambda r: r.x0))
    return [word]


def _cut(word: Word, regions: list[_Region]) -> list[Word]:
    per_char = (word.x1 - word.x0) / max(len(word.text), 1)
    out = []
    for region in regions:
        start = max(region.x0, word.x0)
        end = min(region.x1, word.x1)
        i0 = round((start - word.x0) / per_char)
        i1 = round((end - word.x0) / per_char)
        text = word.text[i0:i1].strip()
        if text:
            out.append(Word(text, start, word.top, end, word.bottom, word.confidence))
    return out or [word]


def _cell_text(region: _Region) -> str:
    """A cell's lines as one text: a wrapped line joined to the next (22. + 5 -> 22.5),
    "\n" where a line ended short or the next starts indented (a new paragraph). A cell
    cut by a page break reads on into its part on the next page. A table nested in the
    cell is part of its text, at its place, row by row (as read_docx reads it)."""
    pieces = [((lines[0].page, lines[0].top), _text_of(lines)) for lines in _cell_paragraphs(region)]
    pieces += [((nested.page, nested.top), _nested_text(nested)) for nested in region.nested]
    return "\n".join(text for _, text in sorted(pieces, key=lambda piece: piece[0]) if text)


def _nested_text(grid: _Grid) -> str:
    rows = _rows(grid)
    return "\n".join("\n".join(cell.text for cell in row if not cell.merged_up) for row in rows)


def _cell_paragraphs(region: _Region) -> list[list[_Line]]:
    """A cell's lines grouped into the paragraphs they wrap within."""
    out: list[list[_Line]] = []
    previous = None
    for line, left, right, centred in _cell_lines(region):
        if previous is not None and _runs_on(previous[0], line, previous[1], previous[2], previous[3]):
            out[-1].append(line)
        else:
            out.append([line])
        previous = (line, left, right, centred)
    return out


def _text_of(lines: list[_Line]) -> str:
    text = lines[0].text
    for line in lines[1:]:
        text += _glue(text, line.text) + line.text
    return text


def _cell_lines(region: _Region) -> list[tuple[_Line, float, float, bool]]:
    """The lines of a cell (and of its parts on later pages), each with the left and right
    edges its text runs between (the cell's, less the padding the renderer left) and
    whether the text is centred (every line in the middle, one at least well in)."""
    out = []
    for part in [region, *region.more]:
        lines = lines_of(part.words, part.page)
        if not lines:
            continue
        pad = max(min(min(line.x0 for line in lines) - part.x0, MAX_PADDING), 0.0)
        left, right = part.x0 + pad, part.x1 - pad
        centred = _centred_text(lines, left, right)
        out.extend((line, left, right, centred) for line in lines)
    return out


def _centred_text(lines: list[_Line], left: float, right: float) -> bool:
    """Is a cell's text centred: one line at least well in from the left and centred, and
    the others centred too or full (a line filling the cell is both)?"""
    some_centred = False
    for line in lines:
        if _centred(line, left, right):
            some_centred = True
        elif line.x0 - left >= 0.5 * line.height:
            return False
    return some_centred


def _runs_on(previous: _Line, line: _Line, left: float, right: float, centred: bool = False) -> bool:
    """Does `line` carry on the text of `previous` in a cell (it wrapped there), rather
    than start a paragraph of its own? In centred text the room left is on both sides."""
    indented = line.x0 - left > INDENT * line.height and previous.x0 - left < 0.5 * line.height
    if indented and not centred:
        return False
    free = right - previous.x1
    if centred:
        free += previous.x0 - left
    return free < _first_unit_width(line) + SLACK * previous.height


def _centred(line: _Line, left: float, right: float) -> bool:
    """A line standing in the middle, as much room either side (a title, a centred cell)."""
    free_left, free_right = line.x0 - left, right - line.x1
    return free_left > line.height and abs(free_left - free_right) < line.height


# -- the pieces in order -----------------------------------------------------------------------
@dataclass
class _TableItem:
    grid: _Grid
    page: int
    top: float
    bottom: float


def document_of(pages: list[Page], file_format: str) -> Document:
    """The blocks of these pages in reading order, tables rebuilt, furniture apart."""
    items_by_page: list[list] = []
    for page in pages:
        grids = grids_of(page.rulings, page)
        loose = _place_words(page.words, grids)
        items: list = [_TableItem(g, page.number, g.top, g.bottom) for g in grids]
        items.extend(lines_of(loose, page.number))
        items.sort(key=lambda item: (item.top, 0 if isinstance(item, _TableItem) else 1))
        items_by_page.append(items)
    furniture = _furniture(pages, items_by_page)
    body = [item for items in items_by_page for item in items if id(item) not in furniture]
    body = _tables_joined(body)
    document = Document(file_format=file_format, pages=len(pages))
    margins = _Margins.of(pages, body)
    _blocks(body, margins, document)
    _furniture_blocks(items_by_page, furniture, document)
    return document


# -- furniture ---------------------------------------------------------------------------------
def _furniture(pages: list[Page], items_by_page: list[list]) -> dict[int, str]:
    """id() of each line that is a page header or footer -> HEADER or FOOTER; page numbers
    get "" (dropped)."""
    candidates: list[tuple[_Line, str, str]] = []   # line, part, text with digits as #
    for page, items in zip(pages, items_by_page):
        for part, edge in ((HEADER, items[:2]), (FOOTER, items[-2:][::-1])):
            for item in edge:
                if not isinstance(item, _Line) or not _in_band(item, page, part):
                    break
                candidates.append((item, part, re.sub(r"\d+", "#", re.sub(r"\s+", "", item.text))))
    seen: dict[tuple[str, str], set[int]] = {}
    for line, part, key in candidates:
        seen.setdefault((part, key), set()).add(line.page)
    needed = max(2, REPEATS * len(pages))
    out: dict[int, str] = {}
    for line, part, key in candidates:
        if PAGE_NUMBER.match(line.text.strip()):
            out[id(line)] = ""
        elif len(seen[(part, key)]) >= needed:
            out[id(line)] = part
    return out


def _in_band(line: _Line, page: Page, part: str) -> bool:
    if part == HEADER:
        return line.bottom <= BAND * page.height
    return line.top >= (1 - BAND) * page.height


def _furniture_blocks(items_by_page, furniture: dict[int, str], document: Document) -> None:
    """Each running head once (the first page's), after the body's block indices."""
    index = len(document.blocks) and max(b.index for b in document.blocks) + 1
    kept: set[tuple[str, str]] = set()
    for items in items_by_page:
        for item in items:
            part = furniture.get(id(item))
            if not part:
                continue
            key = (part, re.sub(r"\d+", "#", item.text))
            if key in kept:
                continue
            kept.add(key)
            document.furniture.append(Paragraph(item.text, index, part, box=_box_of(item.page, [item]),
                                                confidence=item.confidence))
            index += 1


# -- paragraphs --------------------------------------------------------------------------------
@dataclass
class _Margins:
    """The body's left and right text edges by page size: where a paragraph's lines start
    and where a full line ends (the most common line start; the right edge that full lines
    reach, at least two of them where there are two)."""

    left: dict[tuple[int, int], float]
    right: dict[tuple[int, int], float]
    size_of: dict[int, tuple[int, int]]
    line_gap: float | None = None    # the usual gap between the lines of one paragraph

    @classmethod
    def of(cls, pages: list[Page], items: list) -> "_Margins":
        size_of = {page.number: (round(page.width), round(page.height)) for page in pages}
        starts: dict[tuple[int, int], list[float]] = {}
        ends: dict[tuple[int, int], list[float]] = {}
        for item in items:
            if isinstance(item, _Line):
                starts.setdefault(size_of[item.page], []).append(item.x0)
                ends.setdefault(size_of[item.page], []).append(item.x1)
        left = {size: _most_common(values) for size, values in starts.items()}
        right = {size: _full_edge(values, left[size], size[0]) for size, values in ends.items()}
        margins = cls(left, right, size_of)
        margins.line_gap = _line_gap(items, margins)
        return margins

    def edges(self, page: int) -> tuple[float, float]:
        size = self.size_of[page]
        return self.left.get(size, 0.0), self.right.get(size, 0.0)


def _line_gap(items: list, margins: _Margins) -> float | None:
    """The gap most often seen below a line that wrapped: the spacing inside a paragraph.
    A wider gap parts two paragraphs, when the document spaces its paragraphs."""
    gaps = []
    for previous, line in zip(items, items[1:]):
        if isinstance(previous, _Line) and isinstance(line, _Line) and line.page == previous.page \
                and _wrapped(previous, line, margins.edges(previous.page)[1]):
            gaps.append(line.top - previous.bottom)
    return _most_common(gaps) if gaps else None


def _most_common(values: list[float]) -> float:
    counts: dict[int, int] = {}
    for value in values:
        counts[round(value)] = counts.get(round(value), 0) + 1
    best = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return min(v for v in values if round(v) == best)


def _full_edge(values: list[float], left: float, width: float) -> float:
    """The right edge full lines reach: the furthest one that two lines share (a single
    line sticking out, a long URL or a right-set date, is not the margin), if it stands
    where a margin can (in the right quarter of the text area, the left margin mirrored
    taken as its end); else that mirrored margin (a short text: nothing ran full)."""
    mirrored = width - left
    ordered = sorted(values, reverse=True)
    for high, low in zip(ordered, ordered[1:]):
        if high - low <= 1.5:
            return high if high >= left + 0.75 * (mirrored - left) else max(mirrored, ordered[0])
    return max(mirrored, ordered[0])


def _continues(previous: _Line, line: _Line, margins: _Margins) -> bool:
    """Is `line` the next line of `previous`'s paragraph (same page or the next)? Only if
    `previous` ran to the right margin, and `line` starts at the left one (a title set in
    the middle goes on in the middle: its last line centred under a full one)."""
    left, right = margins.edges(previous.page)
    if line.page == previous.page:
        gap = line.top - previous.bottom
        if gap > PARAGRAPH_GAP * previous.height:
            return False
        if margins.line_gap is not None and gap > margins.line_gap + SPACED * previous.height:
            return False
    elif line.page != previous.page + 1:
        return False
    if not _wrapped(previous, line, right):
        return False
    line_left, line_right = margins.edges(line.page)
    if line.x0 - line_left <= INDENT * line.height:
        return True
    same_size = abs(line.height - previous.height) <= 0.15 * previous.height
    return same_size and previous.x0 - left <= INDENT * previous.height and _centred(line, line_left, line_right)


def _blocks(items: list, margins: _Margins, document: Document) -> None:
    """Lines into paragraphs and grids into tables, numbered in reading order."""
    paragraph: list[_Line] = []
    previous_item = None

    def flush():
        if paragraph:
            _paragraph_block(list(paragraph), document)
            paragraph.clear()

    for item in items:
        if isinstance(item, _Line):
            if paragraph and isinstance(previous_item, _Line) and _continues(paragraph[-1], item, margins):
                paragraph.append(item)
            else:
                flush()
                paragraph.append(item)
        elif item.grid.frame:
            flush()
            for lines in _cell_paragraphs(item.grid.regions[0]):
                _paragraph_block(lines, document)
        else:
            flush()
            _table_blocks(item.grid, document)
        previous_item = item
    flush()


def _paragraph_block(lines: list[_Line], document: Document) -> None:
    """Lines of one paragraph as a Paragraph, its box the lines' on its first page."""
    first_page = lines[0].page
    box = _box_of(first_page, [line for line in lines if line.page == first_page])
    confidence = _lowest(line.confidence for line in lines)
    text = _text_of(lines)
    document.blocks.append(Paragraph(text, len(document.blocks), box=box, confidence=confidence,
                                     line_confidence=_by_character(lines, len(text))))


def _by_character(lines: list[_Line], length: int) -> tuple[float, ...] | None:
    """Each character's line's confidence (the glue before a line counts as that line's), so
    a value is as sure as the lines it stands on, not as the worst line of its paragraph."""
    if all(line.confidence is None for line in lines):
        return None
    out: list[float] = []
    text = ""
    for number, line in enumerate(lines):
        glue = _glue(text, line.text) if number else ""
        text += glue + line.text
        out.extend([1.0 if line.confidence is None else line.confidence] * (len(glue) + len(line.text)))
    return tuple(out) if len(out) == length else None


def _table_blocks(grid: _Grid, document: Document, parent: int | None = None) -> None:
    """A grid as a Table block (its caption the paragraph just before it), then the tables
    nested in it, as read_docx lists them."""
    caption = ""
    if parent is None and document.blocks and isinstance(document.blocks[-1], Paragraph):
        caption = document.blocks[-1].text.strip()
    index = len(document.blocks)
    document.blocks.append(Table(_rows(grid), index, BODY, parent, caption))
    for nested in grid.nested:
        _table_blocks(nested, document, index)


def _rows(grid: _Grid) -> tuple[tuple[Cell, ...], ...]:
    """Rows of cells: a merged cell once where it starts, merged_up below that."""
    rows: list[list[Cell]] = [[] for _ in range(grid.row_count)]
    for region in grid.regions:
        box = Box(region.page, region.x0, region.top, region.x1, region.bottom)
        confidence = _lowest(w.confidence for w in region.words)
        # Columns by position on the table's grid: parts joined from other pages bring
        # their own, clustered into one grid.
        col = _nearest(grid.xs, region.x0)
        span = max(_nearest(grid.xs, region.x1) - col, 1)
        rows[region.row].append(Cell(_cell_text(region), col, span, False, box, confidence))
        for r in range(region.row + 1, region.row + region.rows):
            rows[r].append(Cell("", col, span, True, box, confidence))
    return tuple(tuple(sorted(row, key=lambda c: c.col)) for row in rows)


# -- tables across pages -----------------------------------------------------------------------
def _tables_joined(items: list) -> list:
    """A table ending a page and one starting the next, nothing between, are one table
    broken by the page when they share their columns: joined, with the header row the
    next page repeats dropped."""
    out: list = []
    for item in items:
        last = out[-1] if out else None
        if isinstance(item, _TableItem) and isinstance(last, _TableItem) and item.page == last.page + 1 \
                and not item.grid.frame and not last.grid.frame and _same_columns(last.grid, item.grid):
            out[-1] = _TableItem(_joined(last.grid, item.grid), item.page, item.top, item.bottom)
            continue
        out.append(item)
    return out


def _same_columns(first: _Grid, second: _Grid) -> bool:
    """The same outer edges, and every column edge of one part an edge of the other (a
    part whose rows merge some columns has fewer)."""
    if abs(first.x0 - second.x0) > 2 * SNAP or abs(first.x1 - second.x1) > 2 * SNAP:
        return False
    fewer, more = sorted((first.xs, second.xs), key=len)
    return all(any(abs(x - y) <= SNAP for y in more) for x in fewer)


def _joined(first: _Grid, second: _Grid) -> _Grid:
    """Two parts of one table as one: the second's repeated header rows dropped, a row the
    page break cut through joined into one, a merged cell running on over the break kept
    one cell."""
    skip = _repeated_header(first, second)
    last = [r for r in first.regions if r.row + r.rows == first.row_count]
    head = [r for r in second.regions if r.row == skip]
    absorbed = _cut_row(last, head)
    cut = bool(absorbed)
    if not cut:
        absorbed = _merged_on(last, head)
    offset = first.row_count - skip - (1 if cut else 0)
    xs = _cluster(first.xs + second.xs)
    regions = list(first.regions)
    for region in second.regions:
        if region.row >= skip and not any(region is a for a in absorbed):
            region.row += offset
            regions.append(region)
    return _Grid(first.page, xs, first.ys, regions, first.nested + second.nested,
                 offset + second.row_count)


def _pairs(last: list[_Region], head: list[_Region]) -> list[tuple[_Region, _Region]] | None:
    """The cells of a part's last row and of the next part's first row, paired by their
    columns; None when the two rows are not cut the same."""
    if len(last) != len(head):
        return None
    pairs = list(zip(sorted(last, key=lambda r: r.x0), sorted(head, key=lambda r: r.x0)))
    for upper, lower in pairs:
        if abs(upper.x0 - lower.x0) > 2 * SNAP or abs(upper.x1 - lower.x1) > 2 * SNAP:
            return None
    return pairs


def _cut_row(last: list[_Region], head: list[_Region]) -> list[_Region]:
    """A row the page break cut through: text runs on from the bottom of one page into the
    same cells at the top of the next. Each pair of cells with text on both sides votes:
    for, when the line above ran full into the one below; against, when it ended short.
    A cell whose text starts only below votes strongly against (cells are read from the
    top: a cut cell's text begins above the break). Cut when the votes are for. The lower
    parts become the upper cells' continuations; returns them (none when not cut)."""
    pairs = _pairs(last, head)
    if not pairs:
        return []
    votes = 0
    for upper, lower in pairs:
        above, below = _cell_lines(upper), _cell_lines(lower)
        if below and not above:
            votes -= 2
        elif above and below:
            votes += 1 if _ran_full(above, below[0][0]) else -1
    if votes <= 0:
        return []
    for upper, lower in pairs:
        upper.more.append(lower)
        upper.rows += lower.rows - 1
    return [lower for _, lower in pairs]


def _ran_full(above: list[tuple[_Line, float, float]], first_below: _Line) -> bool:
    """Did a cell's last line above a page break run full into the first line below? Its
    lines show how far text goes in that cell (a cell typed a character a line is only
    that wide), else its borders do."""
    last, left, right, centred = above[-1]
    if len(above) > 1:
        right = min(right, max(line.x1 for line, *_ in above))
    return _runs_on(last, first_below, left, right, centred)


def _merged_on(last: list[_Region], head: list[_Region]) -> list[_Region]:
    """Leading empty cells of the next part's first row under a vertically merged cell are
    that cell running on over the break (Word prints its text on the first page only):
    they join it. Merged shows as a cell over two rows or more on either side; an empty
    one-row cell under a one-row cell is just empty. Returns the cells joined."""
    pairs = _pairs(last, head)
    if not pairs:
        return []
    out = []
    for upper, lower in pairs:
        if lower.words or lower.nested or (upper.rows < 2 and lower.rows < 2):
            break
        upper.rows += lower.rows
        out.append(lower)
    return out


def _nearest(values: list[float], value: float) -> int:
    """The index of the sorted `values` nearest `value`."""
    i = bisect.bisect_left(values, value)
    if i == len(values) or (i > 0 and value - values[i - 1] < values[i] - value):
        return i - 1
    return i


def _repeated_header(first: _Grid, second: _Grid) -> int:
    """How many rows at the top of `second` repeat the top rows of `first` (Word's
    "repeat as header row"): 0 when the first rows differ."""
    count = 0
    while count < min(first.row_count - 1, second.row_count - 1, MAX_HEADER_ROWS):
        mine = _row_texts(first, count)
        theirs = _row_texts(second, count)
        if not mine or mine != theirs or not any(mine):
            break
        count += 1
    return count


def _row_texts(grid: _Grid, row: int) -> list[str]:
    cells = sorted((r for r in grid.regions if r.row == row), key=lambda r: r.x0)
    return [re.sub(r"\s+", "", _cell_text(r)) for r in cells]
