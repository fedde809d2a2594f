"""Workbooks (.xlsx, .xls, .et) -> Document: every sheet a table, read with python-calamine.

A sheet is laid out as Word lays out a form: its leading rows that hold one value each (附件3,
"2023年度项目支出绩效自评表", 单位：万元) are paragraphs before the table, its trailing ones
(填报单位, the date) paragraphs after it, the rest one Table on the sheet's grid. A merged
range is one cell: across columns a Cell with `span`, down rows `merged_up` continuations
with empty text, as read_docx builds Word's merged cells. Values read as the cell shows them:
numbers by their shortest form (28.1, never 28.099999999999998; 3, never 3.0), formulas by
the value cached with them, dates as YYYY-MM-DD, percent-formatted cells as "95%" (calamine
gives 0.95 and does not expose number formats: they are read here from the styles part of an
.xlsx and the FORMAT/XF records of an .xls).

A workbook holding one 自评表 per sheet (two or more sheets each naming a project of its own
and stating a budget, spending or score) gives one Document per sheet, `sheet` set; any
other workbook is one Document, its sheets' blocks in sheet order (a sheet 基本信息 and a
sheet 绩效指标 make one report).

Limits: at most MAX_ROWS × MAX_COLS cells of a sheet are read and MAX_CELLS grid positions
in all. calamine trusts what a file declares, so the file is mended before it is handed over:
cells beyond the limits are dropped (calamine lays a sheet out as one dense grid from A1 to
its last value: one value in XFD1048576 would cost gigabytes), declared sizes it reserves
memory for (an .xls sheet's DIMENSIONS, a string table's count) are cleared where they are
more than the file holds, and an .xls whose compound-file sector chains loop is refused (its
reader would follow one until memory ran out). Hidden sheets (where a sheet is visible) and
chart sheets are not read.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, replace
from decimal import Decimal

import olefile
import python_calamine
from lxml import etree

from ingest.extract import extract_report
from ingest.messages import megabytes
from ingest.model import BODY, Block, Cell, Document, Paragraph, ParseError, Table

MAX_ROWS = 2000           # rows of a sheet read
MAX_COLS = 100            # columns of a sheet read
MAX_CELLS = 2_000_000     # grid positions laid out over the whole workbook
# Defaults of jixiao.toml [limits] (the pipeline passes the configured values).
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_PARTS = 2000

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
OFFICE_DOCUMENT = "/officeDocument"
PERCENT_FORMATS = {9, 10}            # built-in "0%" and "0.00%"
# A cell or row start tag of a worksheet part (any namespace prefix): <c r="B7" s="3" t="s">.
TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)((?:[\s/][^>]*)?)>")
ATTR_R = re.compile(rb"""(?<![\w:.-])r\s*=\s*(["'])(.*?)\1""")
ATTR_S = re.compile(rb"""(?<![\w:.-])s\s*=\s*["']\s*(\d+)""")
ATTR_T = re.compile(rb"""(?<![\w:.-])t\s*=\s*["']\s*(\w+)""")
QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
# What reading a damaged zip or its XML raises (an encrypted member: RuntimeError).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError,
              KeyError, etree.XMLSyntaxError)


@dataclass
class _Sheet:
    name: str
    blocks: list[Block]                  # indices from 0, in the sheet's own order


def read_xlsx(data: bytes, limits: dict | None = None) -> Document | list[Document]:
    """The workbook's sheets as one Document, or one Document per sheet when each sheet is a
    report of its own (the reader contract of parse.READERS). A workbook calamine cannot open
    is `xlsx.corrupt`."""
    limits = limits or {}
    file_format = "xlsx" if data[:2] == b"PK" else "xls"
    percent: dict[str, set[tuple[int, int]]] = {}
    xls_percent: list[set[tuple[int, int]]] = []
    if file_format == "xlsx":
        data, percent = _prepared_xlsx(data, limits)
    else:
        data, xls_percent = _prepared_xls(data)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = list(workbook.sheets_metadata)
        if len(xls_percent) == len(metadata):       # BOUNDSHEET records, in workbook order
            percent = {meta.name: cells for meta, cells in zip(metadata, xls_percent)}
    except BaseException as exc:
        if not _failure(exc):
            raise
        raise _corrupt(exc) from exc

    sheets: list[_Sheet] = []
    budget = MAX_CELLS
    failures: list[BaseException] = []
    for position, meta in enumerate(metadata):
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        if meta.visible != python_calamine.SheetVisibleEnum.Visible and any(
                m.visible == python_calamine.SheetVisibleEnum.Visible for m in metadata):
            continue
        try:
            sheet = workbook.get_sheet_by_index(position)
            values = sheet.to_python(skip_empty_area=False, nrows=MAX_ROWS)
            merges = sheet.merged_cell_ranges or []
        except BaseException as exc:
            if not _failure(exc):
                raise
            failures.append(exc)
            continue
        blocks, used = _sheet_blocks(values, merges, percent.get(meta.name, set()), budget)
        budget -= used
        if blocks:
            sheets.append(_Sheet(meta.name, blocks))
        if budget <= 0:
            break
    if not sheets and failures:
        raise _corrupt(failures[0])
    return _documents(sheets, file_format)


def _failure(exc: BaseException) -> bool:
    """Whether an exception is calamine failing on the file: any Exception, and a panic of its
    Rust code, which pyo3 raises as a BaseException (PanicException)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _corrupt(exc: BaseException) -> ParseError:
    why = str(exc).strip().splitlines()[0][:100] if str(exc).strip() else type(exc).__name__
    return ParseError("xlsx.corrupt", why=why)


# -- one report or one per sheet -------------------------------------------------------------
Key = tuple[str, "int | None", "str | None"]


def _documents(sheets: list[_Sheet], file_format: str) -> Document | list[Document]:
    if len(sheets) >= 2:
        reports = _per_sheet_reports(sheets)
        if reports is not None:
            return [Document(blocks=_joined(group), file_format=file_format, sheet=group[0].name)
                    for group in reports]
    return Document(blocks=_joined(sheets), file_format=file_format)


def _joined(sheets: list[_Sheet]) -> list[Block]:
    """The sheets' blocks in sheet order, numbered anew."""
    blocks: list[Block] = []
    for sheet in sheets:
        blocks.extend(replace(block, index=len(blocks)) for block in sheet.blocks)
    return blocks


def _per_sheet_reports(sheets: list[_Sheet]) -> list[list[_Sheet]] | None:
    """The workbook's reports, each the sheets it spans, or None when the workbook is one.

    Each sheet is read alone (by the extraction parse runs). A sheet is a report of its own
    when it names a project and states a budget, an amount spent or a self-score; its key is
    the project with the year and unit it names. Two or more such sheets with different keys
    (another project, or the same project in another year or by another unit; a year or unit
    one of them does not state does not tell them apart) make a workbook of reports: each
    such sheet opens one, a later sheet with the same key continues it, a sheet stating
    figures, lines or indicators without naming a project is a report of its own (the
    auditor sees it by its sheet's name), and a sheet stating none (填表说明, a cover) is
    left out."""
    found: list[tuple[_Sheet, Key | None, bool]] = []
    for sheet in sheets:
        report = extract_report(Document(blocks=sheet.blocks))
        figures = any(v is not None for v in (report.budget_planned, report.budget_adjusted, report.spent,
                                               report.self_score))
        key = None
        if report.project_name and figures:
            unit = "".join(report.implementing_unit.split()) if report.implementing_unit else None
            key = ("".join(report.project_name.split()).removesuffix("项目"), report.fiscal_year, unit)
        found.append((sheet, key, figures or bool(report.budget_lines or report.indicators)))
    keys = [key for _, key, _ in found if key is not None]
    if not any(_different(a, b) for i, a in enumerate(keys) for b in keys[i + 1:]):
        return None
    groups: list[tuple[Key | None, list[_Sheet]]] = []
    for sheet, key, anything in found:
        same = next((group for group_key, group in groups
                     if key is not None and group_key is not None and not _different(group_key, key)), None)
        if same is not None:
            same.append(sheet)
        elif key is not None or anything:
            groups.append((key, [sheet]))
    return [group for _, group in groups]


def _different(a: Key, b: Key) -> bool:
    """Two keys name two reports: another project, or a year or unit both state and differ in.
    A name inside the other is the same name, as a narrative words it (某县XX项目 beside the
    form's XX项目, 某县教育局 beside 教育局)."""
    def apart(x: str | None, y: str | None) -> bool:
        return x is not None and y is not None and x not in y and y not in x

    return apart(a[0], b[0]) or apart(a[2], b[2]) or (a[1] is not None and b[1] is not None and a[1] != b[1])


# -- a sheet ---------------------------------------------------------------------------------
def _sheet_blocks(values: list[list], merges: list, percent: set[tuple[int, int]],
                  budget: int) -> tuple[list[Block], int]:
    """A sheet's paragraphs and table, and the grid positions it cost."""
    texts = [[_text(v, (r, c) in percent) for c, v in enumerate(row[:MAX_COLS])]
             for r, row in enumerate(values[:MAX_ROWS])]
    height = len(texts)
    width = max((len(row) for row in texts), default=0)
    if not height or not width:
        return [], 0
    for row in texts:
        row.extend([""] * (width - len(row)))

    # Merged ranges, clipped to what was read; one that overlaps an earlier one is dropped.
    ranges: list[tuple[int, int, int, int]] = []
    covered: dict[tuple[int, int], int] = {}
    for merge in merges:
        try:
            (r0, c0), (r1, c1) = merge
        except (TypeError, ValueError):
            continue
        r1, c1 = min(r1, height - 1), min(c1, width - 1)
        if r0 > r1 or c0 > c1 or (r0 == r1 and c0 == c1) or r0 < 0 or c0 < 0:
            continue
        positions = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
        if any(p in covered for p in positions):
            continue
        for p in positions:
            covered[p] = len(ranges)
        ranges.append((r0, c0, r1, c1))
    for r0, c0, r1, c1 in ranges:             # only the top-left value of a merged range shows
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    texts[r][c] = ""

    filled = [r for r in range(height) if any(texts[r])]
    if not filled:
        return [], 0
    vertical = {r for r0, _, r1, _ in ranges if r1 > r0 for r in range(r0, r1 + 1)}
    top, bottom = filled[0], filled[-1]

    def single(r: int) -> bool:
        return r not in vertical and sum(1 for t in texts[r] if t) <= 1

    head: list[int] = []
    while top <= bottom and single(top):
        head.append(top)
        top += 1
    tail: list[int] = []
    while bottom >= top and single(bottom):
        tail.append(bottom)
        bottom -= 1
    tail.reverse()

    blocks: list[Block] = []
    for r in head:
        _paragraph(texts[r], blocks)
    used = 0
    if top <= bottom:
        table, used = _table(texts, ranges, covered, top, bottom, len(blocks), budget, blocks)
        if table is not None:
            blocks.append(table)
    for r in tail:
        _paragraph(texts[r], blocks)
    return blocks, used


def _paragraph(row: list[str], blocks: list[Block]) -> None:
    text = next((t for t in row if t), "")
    if text:
        blocks.append(Paragraph(text, len(blocks), BODY))


def _table(texts: list[list[str]], ranges: list[tuple[int, int, int, int]], covered: dict[tuple[int, int], int],
           top: int, bottom: int, index: int, budget: int, blocks: list[Block]) -> tuple[Table | None, int]:
    """Rows top..bottom as a Table over the columns that hold something."""
    first, last = None, None
    for r in range(top, bottom + 1):
        for c, text in enumerate(texts[r]):
            if not text:
                continue
            end = c
            at = covered.get((r, c))
            if at is not None and ranges[at][:2] == (r, c):
                end = ranges[at][3]
            first = c if first is None else min(first, c)
            last = end if last is None else max(last, end)
    if first is None:
        return None, 0
    rows_count = bottom - top + 1
    width = last - first + 1
    if rows_count * width > budget:
        rows_count = max(0, budget // width)
        bottom = top + rows_count - 1
        if rows_count == 0:
            return None, 0
    rows: list[tuple[Cell, ...]] = []
    for r in range(top, bottom + 1):
        cells: list[Cell] = []
        c = first
        while c <= last:
            at = covered.get((r, c))
            if at is None:
                cells.append(Cell(texts[r][c], c - first))
                c += 1
                continue
            r0, c0, r1, c1 = ranges[at]
            left = max(c0, first)
            span = min(c1, last) - left + 1
            if c != left:            # inside a range whose first column is left of the table
                c += 1
                continue
            if r == r0 or r == top:
                cells.append(Cell(texts[r0][c0] if r == r0 else "", c - first, span))
            else:
                cells.append(Cell("", c - first, span, merged_up=True))
            c += span
        rows.append(tuple(cells))
    caption = ""
    if blocks and isinstance(blocks[-1], Paragraph):
        caption = blocks[-1].text.strip()
    return Table(tuple(rows), index, BODY, None, caption), rows_count * width


# -- values as the cell shows them -----------------------------------------------------------
def _text(value, percent: bool = False) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if percent:
            return _number(float(Decimal(repr(value)) * 100)) + "%"
        return str(value) if isinstance(value, int) else _number(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M" if value.second == 0 else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")
    if isinstance(value, dt.timedelta):
        return str(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def _number(value: float) -> str:
    """The shortest text of a number as a spreadsheet shows it: at most 15 significant
    digits (what Excel keeps), no exponent, no trailing ".0"."""
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text


# -- .xlsx: limits, trimming and percent formats ---------------------------------------------
def _prepared_xlsx(data: bytes, limits: dict) -> tuple[bytes, dict[str, set[tuple[int, int]]]]:
    """The workbook's bytes made safe for calamine, and each sheet's percent-formatted cells.

    A zip that would expand past the limits is refused before anything is inflated, one that
    cannot be read is corrupt. calamine lays a sheet out as a dense grid from A1 to its last
    value and reserves the string table the file declares, so a sheet reaching past
    MAX_ROWS × MAX_COLS is trimmed and a declared string count the part cannot hold is
    dropped (the zip is written again with those parts mended)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS as exc:
        raise ParseError("xlsx.corrupt", why=f"{type(exc).__name__}: {str(exc)[:60]}") from exc
    max_parts = limits.get("max_parts", MAX_PARTS)
    if len(infos) > max_parts:
        raise ParseError("docx.too_many_parts", parts=len(infos), limit=max_parts)
    max_expanded = limits.get("max_expanded_bytes", MAX_EXPANDED_BYTES)
    expanded = sum(info.file_size for info in infos)
    if expanded > max_expanded:
        raise ParseError("docx.zip_bomb", mb=megabytes(expanded), limit_mb=megabytes(max_expanded))
    try:
        parts, related = _workbook_parts(archive)
    except ZIP_ERRORS:
        parts, related = [], {}    # calamine may find its sheets all the same: each is checked below
    listed = {part for _, part in parts}
    parts += [("", name) for name in archive.NameToInfo
              if name.lower().startswith("xl/worksheets/") and name.lower().endswith(".xml") and name not in listed]
    related.setdefault("sharedStrings", "xl/sharedStrings.xml")
    try:
        percent_styles = _percent_styles(archive, related.get("styles"))
    except ZIP_ERRORS:
        percent_styles = set()  # numbers then read as they are stored (0.95)
    percent: dict[str, set[tuple[int, int]]] = {}
    mended: dict[str, bytes] = {}
    try:
        for name, part in parts:
            cells, beyond = _scan_sheet(archive, part, percent_styles)
            if cells and name:
                percent[name] = cells
            if beyond:
                mended[part] = _trimmed_sheet(archive, part)
        strings = related.get("sharedStrings")
        if strings in archive.NameToInfo:
            table = _mended_strings(archive.read(strings))
            if table is not None:
                mended[strings] = table
        if mended:
            data = _rebuilt(archive, mended)
    except ZIP_ERRORS as exc:
        raise ParseError("xlsx.corrupt", why=f"{type(exc).__name__}: {str(exc)[:60]}") from exc
    return data, percent


SST_TAG = re.compile(rb"<(?:[\w.-]+:)?sst\b[^>]*>")
UNIQUE_COUNT = re.compile(rb"""\s+uniqueCount\s*=\s*(["'])\s*(\d+)\s*\1""")


def _mended_strings(part: bytes) -> bytes | None:
    """The shared strings part without its uniqueCount where the part cannot hold that many
    strings (an <si/> is five bytes); None when it can."""
    tag = SST_TAG.search(part)
    count = UNIQUE_COUNT.search(tag.group(0)) if tag else None
    if count is None or int(count.group(2)) <= len(part) // 5:
        return None
    fixed = UNIQUE_COUNT.sub(b"", tag.group(0))
    return part[:tag.start()] + fixed + part[tag.end():]


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, target part) of a part's relationships."""
    folder, _, name = part.rpartition("/")
    rels_name = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    if not part:
        rels_name = "_rels/.rels"
    try:
        root = etree.fromstring(archive.read(rels_name), PARSER)
    except KeyError:
        return {}
    out = {}
    for rel in root:
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = "/".join(filter(None, (folder, target)))
        pieces: list[str] = []
        for piece in resolved.split("/"):
            if piece == "..":
                if pieces:
                    pieces.pop()
            elif piece not in ("", "."):
                pieces.append(piece)
        out[rel.get("Id", "")] = (rel.get("Type", ""), "/".join(pieces))
    return out


def _workbook_parts(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(sheet name, worksheet part) in workbook order, and the workbook's other parts by kind
    (styles, sharedStrings)."""
    mains = [target for kind, target in _rels(archive, "").values() if kind.endswith(OFFICE_DOCUMENT)]
    main = mains[0] if mains else "xl/workbook.xml"
    root = etree.fromstring(archive.read(main), PARSER)
    rels = _rels(archive, main)
    sheets = []
    for el in root.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((value for key, value in el.attrib.items() if _local(key) == "id"), None)
        kind, target = rels.get(rid or "", ("", ""))
        if target in archive.NameToInfo and kind.endswith("/worksheet"):
            sheets.append((el.get("name", ""), target))
    related = {kind.rsplit("/", 1)[-1]: target for kind, target in rels.values()}
    return sheets, related


def _percent_styles(archive: zipfile.ZipFile, part: str | None) -> set[int]:
    """Indices of the cell formats (cellXfs) whose number format shows a percent."""
    if not part or part not in archive.NameToInfo:
        return set()
    root = etree.fromstring(archive.read(part), PARSER)
    custom: dict[int, str] = {}
    out: set[int] = set()
    for el in root:
        if _local(el.tag) == "numFmts":
            for fmt in el:
                code = fmt.get("formatCode", "")
                if fmt.get("numFmtId", "").isdigit():
                    custom[int(fmt.get("numFmtId"))] = code
        elif _local(el.tag) == "cellXfs":
            for n, xf in enumerate(x for x in el if _local(x.tag) == "xf"):
                number = xf.get("numFmtId", "0")
                number = int(number) if number.isdigit() else 0
                if number in PERCENT_FORMATS or (number in custom and _is_percent(custom[number])):
                    out.add(n)
    return out


def _is_percent(code: str) -> bool:
    """A format code that shows a percent: a % outside quotes, escapes and [colour] brackets,
    in its first (positive numbers') section."""
    return "%" in QUOTED.sub("", code).split(";")[0]


def _scan_sheet(archive: zipfile.ZipFile, part: str, percent_styles: set[int]) -> tuple[set[tuple[int, int]], bool]:
    """One pass over a worksheet part's start tags: its percent-formatted value cells within
    the limits, and whether any cell lies beyond them (placed as calamine places it: by its
    own reference, else after the one before)."""
    cells: set[tuple[int, int]] = set()
    beyond = False
    row, col = -1, -1
    tail = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(1 << 20)
            buffer = tail + chunk
            cut = buffer.rfind(b">") + 1 if chunk else len(buffer)
            for match in TAG.finditer(buffer, 0, cut):
                kind, attrs = match.group(1), match.group(2)
                ref = ATTR_R.search(attrs)
                if kind == b"row":
                    _, at_row = _cell_ref(ref.group(2).decode("latin-1") if ref else "")
                    row, col = (row + 1 if at_row is None else at_row), -1
                    continue
                at_row, col = _placed(ref.group(2).decode("latin-1") if ref else "", row, col)
                if attrs.endswith(b"/"):
                    continue                   # a cell without a value: calamine lays out none
                if at_row >= MAX_ROWS or col >= MAX_COLS:
                    beyond = True
                    continue
                style = ATTR_S.search(attrs)
                if style and int(style.group(1)) in percent_styles:
                    kind_t = ATTR_T.search(attrs)
                    if kind_t is None or kind_t.group(1) == b"n":
                        cells.add((at_row, col))
            tail = buffer[cut:]
            if not chunk:
                break
    return cells, beyond


REF = re.compile(r"\s*([A-Za-z]*)(\d*)")


def _cell_ref(value: str) -> tuple[int | None, int | None]:
    """(column, row) of a reference like "B7", from 0; None for a part it does not give."""
    letters, digits = REF.match(value).groups()
    column = None
    if letters:
        column = 0
        for ch in letters.upper():
            column = column * 26 + ord(ch) - 64
        column -= 1
    return column, (int(digits) - 1 if digits else None)


def _placed(value: str, row: int, col: int) -> tuple[int, int]:
    """(row, column) of a cell: its reference's, else its row's and the one after the cell
    before it."""
    at_col, at_row = _cell_ref(value)
    return (row if at_row is None else at_row), (col + 1 if at_col is None else at_col)


def _rebuilt(archive: zipfile.ZipFile, mended: dict[str, bytes]) -> bytes:
    """The workbook again, the given parts replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            if info.filename in mended:
                target.writestr(info.filename, mended[info.filename])
            else:
                target.writestr(info, archive.read(info.filename))
    return out.getvalue()


def _trimmed_sheet(archive: zipfile.ZipFile, part: str) -> bytes:
    """A worksheet part without the rows and cells past MAX_ROWS × MAX_COLS (placed as
    _scan_sheet places them)."""
    row, col = -1, -1
    with archive.open(part) as stream:
        context = etree.iterparse(stream, events=("start", "end"), resolve_entities=False, no_network=True,
                                  load_dtd=False, huge_tree=False)
        root = None
        for event, el in context:
            if root is None:
                root = el
            local = _local(el.tag)
            if event == "start":
                if local == "row":
                    _, at_row = _cell_ref(el.get("r", ""))
                    row, col = (row + 1 if at_row is None else at_row), -1
                continue
            if local == "c":
                at_row, col = _placed(el.get("r", ""), row, col)
                if (at_row >= MAX_ROWS or col >= MAX_COLS) and el.getparent() is not None:
                    el.getparent().remove(el)
            elif local == "row" and row >= MAX_ROWS and el.getparent() is not None:
                el.getparent().remove(el)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# -- .xls: limits, percent formats and what calamine must not be handed ----------------------
BOF, EOF, BOUNDSHEET, FORMAT, XF, SST, CONTINUE = 0x0809, 0x000A, 0x0085, 0x041E, 0x00E0, 0x00FC, 0x003C
NUMBER, RK, FORMULA, STRING, MULRK, DIMENSIONS, BLANK = 0x0203, 0x027E, 0x0006, 0x0207, 0x00BD, 0x0200, 0x0201
CELL_RECORDS = {FORMULA, 0x00FD, NUMBER, RK, 0x0205, 0x0204, 0x00D6, MULRK}     # a cell with a value
BIFF8 = 0x0600


def _prepared_xls(data: bytes) -> tuple[bytes, list[set[tuple[int, int]]]]:
    """The workbook's bytes made safe for calamine, and each sheet's percent-formatted number
    cells (in workbook order; empty when the stream is not what this expects).

    calamine reads every sheet of an .xls when it opens it, takes the sizes a file declares
    on trust and lays each sheet out as a dense grid, so the Workbook stream is mended in
    place first (same size, so the compound file stays as it is): a cell past MAX_ROWS ×
    MAX_COLS becomes a BLANK record (which calamine skips), a sheet's DIMENSIONS record
    declaring more than that (calamine reserves rows × columns for it) is zeroed, and a
    string table's count is cut to the strings its bytes can hold. A compound file whose sector chains loop is corrupt:
    calamine would follow one until the memory is gone."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        chains_end = _chains_end(ole)
        name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
        stream = bytearray(ole.openstream(name).read()) if name else None
    except Exception as exc:
        raise ParseError("xlsx.corrupt", why=f"{type(exc).__name__}: {str(exc)[:60]}") from exc
    if not chains_end:
        raise ParseError("xlsx.broken_chains")
    if stream is None:
        return data, []
    try:
        percent, changed = _mend_biff(stream)
    except (struct.error, IndexError, ValueError):
        return data, []
    if changed:
        buffer = io.BytesIO(bytearray(data))
        try:
            olefile.OleFileIO(buffer, write_mode=True).write_stream(name, bytes(stream))
        except Exception as exc:
            raise ParseError("xlsx.corrupt", why=f"{type(exc).__name__}: {str(exc)[:60]}") from exc
        data = buffer.getvalue()
    return data, percent


def _chains_end(ole: olefile.OleFileIO) -> bool:
    """Whether every sector chain of the compound file (its directory, mini FAT and streams)
    ends within as many steps as there are sectors."""
    fat = ole.fat

    def ends(table, start: int) -> bool:
        sector, steps = start, 0
        while sector != olefile.ENDOFCHAIN:
            if sector >= len(table) or steps > len(table):
                return False
            sector, steps = table[sector], steps + 1
        return True

    if not ends(fat, ole.first_dir_sector):
        return False
    if ole.num_mini_fat_sectors and not ends(fat, ole.first_mini_fat_sector):
        return False
    ole.loadminifat()
    for entry in ole.direntries:
        if entry is None or entry.entry_type not in (olefile.STGTY_STREAM, olefile.STGTY_ROOT):
            continue
        if entry.entry_type == olefile.STGTY_ROOT or entry.size >= ole.minisectorcutoff:
            if entry.size and not ends(fat, entry.isectStart):
                return False
        elif entry.size and not ends(ole.minifat, entry.isectStart):
            return False
    return True


def _records(stream: bytearray, start: int = 0):
    """(offset, type, body start, body size) of the BIFF records from `start`."""
    pos = start
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        yield pos, kind, pos + 4, min(size, len(stream) - pos - 4)
        pos += 4 + size


def _mend_biff(stream: bytearray) -> tuple[list[set[tuple[int, int]]], bool]:
    """Each sheet's percent cells, the stream mended in place; and whether it was changed."""
    sheets: list[int] = []
    formats: dict[int, str] = {}
    xf_formats: list[int] = []
    biff8, changed = True, False
    records = list(_records(stream))
    for n, (pos, kind, body, size) in enumerate(records):      # the workbook globals
        if kind == BOF and pos == 0 and size >= 2:
            biff8 = struct.unpack_from("<H", stream, body)[0] in (BIFF8, 0)
        elif kind == BOUNDSHEET and size >= 4:
            sheets.append(struct.unpack_from("<I", stream, body)[0])
        elif kind == FORMAT and size >= 3:
            formats[struct.unpack_from("<H", stream, body)[0]] = _biff_string(bytes(stream[body + 2:body + size]),
                                                                           biff8)
        elif kind == XF and size >= 4:
            xf_formats.append(struct.unpack_from("<H", stream, body + 2)[0])
        elif kind == SST and size >= 8:
            room = size - 8
            for _, more, _, more_size in records[n + 1:]:
                if more != CONTINUE:
                    break
                room += more_size
            if struct.unpack_from("<I", stream, body + 4)[0] > room // 3:
                struct.pack_into("<I", stream, body + 4, room // 3)
                changed = True
        elif kind == EOF:
            break
    percent_xf = {n for n, fmt in enumerate(xf_formats)
                  if fmt in PERCENT_FORMATS or (fmt in formats and _is_percent(formats[fmt]))}
    out = []
    for offset in sheets:
        percent, mended = _mend_sheet(stream, offset, percent_xf)
        out.append(percent)
        changed |= mended
    return out, changed


def _mend_sheet(stream: bytearray, offset: int, percent_xf: set[int]) -> tuple[set[tuple[int, int]], bool]:
    percent: set[tuple[int, int]] = set()
    changed = dropped_formula = False
    depth = 0
    for pos, kind, body, size in _records(stream, offset):
        if kind == BOF:
            depth += 1
            continue
        if kind == EOF:
            depth -= 1
            if depth <= 0:
                break
            continue
        if depth != 1:
            continue
        if kind == DIMENSIONS:                       # calamine reserves rows × columns for it
            if _declared_cells(stream, body, size) > MAX_ROWS * MAX_COLS:
                stream[body:body + size] = bytes(size)
                changed = True
            continue
        if kind == STRING and dropped_formula:       # the text result of a formula dropped
            struct.pack_into("<H", stream, pos, BLANK)
            changed = True
            continue
        if kind not in CELL_RECORDS or size < 6:
            continue
        row, col = struct.unpack_from("<HH", stream, body)
        last = struct.unpack_from("<H", stream, body + size - 2)[0] if kind == MULRK else col
        dropped_formula = False
        if row >= MAX_ROWS or last >= MAX_COLS:
            struct.pack_into("<H", stream, pos, BLANK)
            changed = True
            dropped_formula = kind == FORMULA
            continue
        if kind == MULRK:                            # row, first column, (xf, rk) pairs, last column
            for n, c in enumerate(range(col, last + 1)):
                if 4 + 6 * n + 2 <= size and struct.unpack_from("<H", stream, body + 4 + 6 * n)[0] in percent_xf:
                    percent.add((row, c))
        elif kind in (NUMBER, RK, FORMULA):
            if struct.unpack_from("<H", stream, body + 4)[0] in percent_xf:
                percent.add((row, col))
    return percent, changed


def _declared_cells(stream: bytearray, body: int, size: int) -> int:
    """Rows × columns a DIMENSIONS record declares (32-bit rows in BIFF8, 16-bit before), as
    calamine counts them: in unsigned 32-bit arithmetic, so a last row before the first wraps
    round to four billion."""
    if size >= 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", stream, body)
    elif size >= 8:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", stream, body)
    else:
        return 0
    if last_row < 1 or last_col < 1:
        return 1
    return ((last_row - first_row) % 2 ** 32) * ((last_col - first_col) % 2 ** 32)


def _biff_string(raw: bytes, biff8: bool) -> str:
    """A BIFF string: in BIFF8 a 16-bit count, flags, then 8- or 16-bit characters; before,
    an 8-bit count and bytes."""
    if not biff8:
        return raw[1:1 + raw[0]].decode("latin-1") if raw else ""
    count, flags = struct.unpack_from("<HB", raw)
    at = 3 + (2 if flags & 8 else 0) + (4 if flags & 4 else 0)
    if flags & 1:
        return raw[at:at + 2 * count].decode("utf-16-le", "replace")
    return raw[at:at + count].decode("latin-1")
