""".docx -> Document.

The package is opened by its relationships (the main part is whatever _rels/.rels names,
not necessarily word/document.xml), and we walk the WordprocessingML ourselves, because
python-docx's `.text` skips what real submissions contain: content controls (w:sdt),
tracked insertions (deleted text must not count), field results, text boxes (stored twice,
as DrawingML and as a VML fallback: read once), smart tags, hyperlinks and automatic list
numbers. The common case reads the parts straight from the zip with a hardened lxml
parser: building python-docx's object model cost a fifth of a file's parse time. A package
the direct reader does not understand is opened by python-docx instead.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

import posixpath

from ingest.messages import megabytes
from ingest.model import BODY, FOOTER, HEADER, Block, Cell, Document, Paragraph, ParseError, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
OFFICE_DOCUMENT = ("/officeDocument",)
WORD_MAIN = ("wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml",
             "ms-word.document.macroEnabled.main+xml", "ms-word.template.macroEnabledTemplate.main+xml")
# No entities expanded, nothing fetched, no huge trees: a file is data, not instructions.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)

# Tags whose whole subtree is not visible text: deleted runs, field instructions,
# properties. Deleted text must not count; instructions are not what Word shows.
SKIPPED = {
    "del", "moveFrom", "delText", "instrText", "delInstrText", "rPr", "pPr", "tblPr",
    "trPr", "tcPr", "sectPr", "fldData", "proofErr", "bookmarkStart", "bookmarkEnd",
    "commentRangeStart", "commentRangeEnd", "commentReference", "footnoteReference",
    "endnoteReference", "lastRenderedPageBreak", "sdtPr", "sdtEndPr", "tblGrid",
}

SKIPPED_TAGS = frozenset(W + name for name in SKIPPED)
T, R, P, TBL, TR, TC = W + "t", W + "r", W + "p", W + "tbl", W + "tr", W + "tc"
TAB, PTAB, BR, CR, HYPHEN, SYM, FLDCHAR = W + "tab", W + "ptab", W + "br", W + "cr", W + "noBreakHyphen", \
    W + "sym", W + "fldChar"
TXBX, ALTERNATE, RPR, VANISH = W + "txbxContent", MC + "AlternateContent", W + "rPr", W + "vanish"
CONTAINERS = frozenset(W + name for name in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"))

# Wingdings glyphs Word uses for check boxes, by the w:sym character code.
SYMBOLS = {
    "F0FE": "☑", "F0FD": "☒", "F0FB": "☒", "F0FC": "√", "F0A8": "□", "F06F": "□",
    "F052": "☑", "F053": "☒", "F0A3": "□", "F0A2": "□", "F050": "√", "F0D6": "√",
}

# Defaults of jixiao.toml [limits]; the pipeline passes the configured values.
# A paragraph or style in a list names it in a w:numPr element, a paragraph its style in
# w:pStyle: their bytes in a part.
NUMBERING_MARK = b":numPr"
STYLE_MARK = b":pStyle"
MAX_EXPANDED_BYTES = 200 * 1024 * 1024  # a zip whose parts expand past this is refused
MAX_PARTS = 2000


@dataclass
class _Numbering:
    """Automatic list labels ("一、", "（1）") from numbering.xml, counted in reading order."""

    levels: dict[str, dict[int, tuple[int, str, str]]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    style_num: dict[str, tuple[str, int]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document) -> "_Numbering":
        """From a python-docx document (the fallback path)."""
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        try:
            styles = document.styles.element
        except (KeyError, AttributeError):
            styles = None
        return cls.from_roots(root, styles)

    @classmethod
    def from_roots(cls, root, styles) -> "_Numbering":
        numbering = cls()
        if root is None:
            return numbering
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for absnum in root.findall(W + "abstractNum"):
            lvls = {}
            for lvl in absnum.findall(W + "lvl"):
                ilvl = int(lvl.get(W + "ilvl", "0"))
                start = _val(lvl.find(W + "start"), "1")
                fmt = _val(lvl.find(W + "numFmt"), "decimal")
                text = _val(lvl.find(W + "lvlText"), "")
                lvls[ilvl] = (int(start) if start.isdigit() else 1, fmt, text)
            abstract[absnum.get(W + "abstractNumId")] = lvls
        for num in root.findall(W + "num"):
            abs_id = _val(num.find(W + "abstractNumId"), "")
            lvls = dict(abstract.get(abs_id, {}))
            for override in num.findall(W + "lvlOverride"):
                ilvl = int(override.get(W + "ilvl", "0"))
                start = _val(override.find(W + "startOverride"), "")
                if start.isdigit() and ilvl in lvls:
                    lvls[ilvl] = (int(start),) + lvls[ilvl][1:]
            numbering.levels[num.get(W + "numId")] = lvls
        if styles is not None:
            for style in styles.findall(W + "style"):
                num_pr = style.find(f"{W}pPr/{W}numPr")
                if num_pr is not None:
                    num_id = _val(num_pr.find(W + "numId"), "")
                    ilvl = _val(num_pr.find(W + "ilvl"), "0")
                    numbering.style_num[style.get(W + "styleId")] = (num_id, int(ilvl) if ilvl.isdigit() else 0)
        return numbering

    def label(self, p_el) -> str:
        if not self.levels:
            return ""
        ppr = _child(p_el, W + "pPr")
        if ppr is None:
            return ""
        num_pr = _child(ppr, W + "numPr")
        if num_pr is not None:
            num_id = _val(_child(num_pr, W + "numId"), "")
            ilvl_text = _val(_child(num_pr, W + "ilvl"), "0")
            ilvl = int(ilvl_text) if ilvl_text.isdigit() else 0
        else:
            style = _val(_child(ppr, W + "pStyle"), "")
            if style not in self.style_num:
                return ""
            num_id, ilvl = self.style_num[style]
        lvls = self.levels.get(num_id)
        if not lvls or ilvl not in lvls or num_id == "0":
            return ""
        counts = self.counters.setdefault(num_id, {})
        counts[ilvl] = counts.get(ilvl, lvls[ilvl][0] - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        text = lvls[ilvl][2]
        for level in range(ilvl + 1):
            if level in lvls:
                value = counts.get(level, lvls[level][0])
                text = text.replace(f"%{level + 1}", _format_number(value, lvls[level][1]))
        return "" if lvls[ilvl][1] == "bullet" else text


def _child(el, tag: str):
    """The first child with this tag: lxml's find() compiles a path on every call, and this
    runs for every paragraph and cell."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _val(el, default: str) -> str:
    if el is None:
        return default
    return el.get(W + "val", default)


_CN_DIGITS = "〇一二三四五六七八九"


def _chinese_counting(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _roman(n: int) -> str:
    pairs = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in pairs:
        while n >= value:
            out += letters
            n -= value
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese_counting(n)
    if fmt == "ideographDigital":
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("lowerLetter", "upperLetter") and n >= 1:
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    return str(n)


class _Walker:
    def __init__(self, numbering: _Numbering):
        self.numbering = numbering
        self.next_index = 0

    # -- blocks -----------------------------------------------------------------
    def container(self, el, part: str, out: list[Block], parent: int | None = None) -> None:
        """Blocks of a body, header, cell or text box. Paragraphs inside a table cell get
        index -1: they are read as the cell's text, not as blocks of their own."""
        for child in el:
            tag = child.tag
            if tag == P:
                self.paragraph(child, part, out, in_cell=parent is not None)
            elif tag == TBL:
                caption = ""
                for block in reversed(out):
                    if isinstance(block, Paragraph) and block.text.strip():
                        caption = block.text.strip()
                    break
                self.table(child, part, out, parent, caption)
            elif tag in CONTAINERS:
                self.container(child, part, out, parent)
            elif tag == ALTERNATE:
                self.container(_chosen(child), part, out, parent)

    def paragraph(self, p_el, part: str, out: list[Block], in_cell: bool = False) -> None:
        pieces: list[str] = []
        boxes: list = []
        self.runs(p_el, pieces, boxes)
        index = -1
        if not in_cell:
            index = self.next_index
            self.next_index += 1
        out.append(Paragraph("".join(pieces), index, part, self.numbering.label(p_el)))
        for box in boxes:
            self.container(box, part, out, parent=-1 if in_cell else None)

    def runs(self, el, pieces: list[str], boxes: list) -> None:
        for child in el:
            tag = child.tag
            if tag == T:
                pieces.append(child.text or "")
            elif tag == R:
                if not _hidden(child):
                    self.runs(child, pieces, boxes)
            elif tag in SKIPPED_TAGS or tag == P:
                continue
            elif tag == TAB or tag == PTAB:
                pieces.append("\t")
            elif tag == BR or tag == CR:
                pieces.append("\n")
            elif tag == HYPHEN:
                pieces.append("-")
            elif tag == SYM:
                pieces.append(SYMBOLS.get((child.get(W + "char") or "").upper(), ""))
            elif tag == FLDCHAR:
                box = child.find(f"{W}ffData/{W}checkBox")
                if box is not None:
                    checked = box.find(W + "checked")
                    if checked is None:
                        checked = box.find(W + "default")
                    on = checked is not None and checked.get(W + "val", "1") not in ("0", "false")
                    pieces.append("☑" if on else "□")
            elif tag == TXBX:
                boxes.append(child)
            elif tag == ALTERNATE:
                self.runs(_chosen(child), pieces, boxes)
            elif len(child):
                self.runs(child, pieces, boxes)

    def table(self, tbl_el, part: str, out: list[Block], parent: int | None, caption: str) -> None:
        index = self.next_index
        self.next_index += 1
        nested: list[Block] = []
        rows: list[tuple[Cell, ...]] = []
        for tr in _rows(tbl_el):
            cells: list[Cell] = []
            col = 0
            trpr = _child(tr, W + "trPr")
            if trpr is not None:
                before = _val(_child(trpr, W + "gridBefore"), "0")
                col = int(before) if before.isdigit() else 0
            for tc in _cells(tr):
                tcpr = _child(tc, W + "tcPr")
                span, merged_up = 1, False
                if tcpr is not None:
                    span_text = _val(_child(tcpr, W + "gridSpan"), "1")
                    span = int(span_text) if span_text.isdigit() and int(span_text) > 0 else 1
                    vmerge = _child(tcpr, W + "vMerge")
                    merged_up = vmerge is not None and vmerge.get(W + "val", "continue") == "continue"
                texts: list[str] = []
                self.cell_text(tc, part, index, texts, nested)
                cells.append(Cell("\n".join(texts).strip(), col, span, merged_up))
                col += span
            rows.append(tuple(cells))
        out.append(Table(tuple(rows), index, part, parent, caption))
        out.extend(nested)

    def cell_text(self, el, part: str, index: int, texts: list[str], nested: list[Block]) -> None:
        """A cell's paragraphs as lines of text (no Paragraph blocks: a cell is read as one
        value); tables nested in it become blocks of their own, their text part of the cell's."""
        for child in el:
            tag = child.tag
            if tag == P:
                pieces: list[str] = []
                boxes: list = []
                self.runs(child, pieces, boxes)
                texts.append(self.numbering.label(child) + "".join(pieces))
                for box in boxes:
                    self.cell_text(box, part, index, texts, nested)
            elif tag == TBL:
                inner: list[Block] = []
                self.table(child, part, inner, index, "")
                texts.append(_table_text(inner[0]))
                nested.extend(inner)
            elif tag in CONTAINERS:
                self.cell_text(child, part, index, texts, nested)
            elif tag == ALTERNATE:
                self.cell_text(_chosen(child), part, index, texts, nested)


def _table_text(table: Table) -> str:
    return "\n".join("\n".join(c.text for c in row if not c.merged_up) for row in table.rows)


WRAPPERS = frozenset((W + "sdt", W + "customXml", W + "ins"))


def _rows(tbl_el):
    for child in tbl_el:
        tag = child.tag
        if tag == TR:
            yield child
        elif tag in WRAPPERS:
            inner = child.find(W + "sdtContent") if tag == W + "sdt" else child
            if inner is not None:
                yield from _rows(inner)


def _cells(tr_el):
    for child in tr_el:
        tag = child.tag
        if tag == TC:
            yield child
        elif tag in WRAPPERS:
            inner = child.find(W + "sdtContent") if tag == W + "sdt" else child
            if inner is not None:
                yield from _cells(inner)


def _chosen(alternate):
    """mc:AlternateContent holds the same content twice: read the first choice only."""
    choice = alternate.find(MC + "Choice")
    if choice is not None:
        return choice
    fallback = alternate.find(MC + "Fallback")
    return fallback if fallback is not None else []


def _hidden(run) -> bool:
    first = run[0] if len(run) else None          # w:rPr, when there is one, comes first
    if first is None or first.tag != RPR:
        return False
    vanish = _child(first, VANISH)
    return vanish is not None and vanish.get(W + "val", "true") not in ("0", "false", "off")


def open_checked(data: bytes, max_expanded: int = MAX_EXPANDED_BYTES,
                 max_parts: int = MAX_PARTS) -> zipfile.ZipFile:
    """The package opened, or refused when it would expand past the limits before anything
    is inflated. The sizes checked are the ones the zip declares; zipfile never inflates a
    part past its declared size (and a part that lies about it fails its CRC), so the check
    holds. The caller closes the archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ParseError("docx.not_zip") from exc
    except (NotImplementedError, ValueError, EOFError, OSError) as exc:
        # A directory that names a zip version or a feature zipfile does not know.
        raise ParseError("docx.damaged", why=f"{type(exc).__name__}: {str(exc)[:60]}") from exc
    infos = archive.infolist()
    if len(infos) > max_parts:
        archive.close()
        raise ParseError("docx.too_many_parts", parts=len(infos), limit=max_parts)
    expanded = sum(info.file_size for info in infos)
    if expanded > max_expanded:
        archive.close()
        raise ParseError("docx.zip_bomb", mb=megabytes(expanded), limit_mb=megabytes(max_expanded))
    return archive


class _Unsupported(Exception):
    """A package the direct reader does not understand: python-docx opens it instead."""


def _rels(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(type, target part name, target mode) of a part's relationships ('' = the package's)."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", f"{name}.rels") if part else "_rels/.rels"
    try:
        root = etree.fromstring(archive.read(rels_name), PARSER)
    except KeyError:
        return []
    out = []
    for rel in root.iter(PR + "Relationship"):
        target = rel.get("Target", "")
        mode = rel.get("TargetMode", "Internal")
        if mode == "External":
            continue
        resolved = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))
        out.append((rel.get("Type", ""), resolved, mode))
    return out


def _list_styles(styles_xml: bytes):
    """The styles part reduced to its styles that carry a list (a w:numPr), the only ones
    _Numbering reads. Word writes hundreds of KB of styles, latent ones mostly: parsing the
    whole part was a third of reading a typical report. The styles holding "<w:numPr" are cut
    out of the bytes and parsed under the part's own root element (its namespaces); a part
    written with another prefix, or that the cut cannot make sense of, is parsed whole."""
    start = styles_xml.find(b"<w:styles")
    opened = styles_xml.find(b">", start)
    if start < 0 or opened < 0 or styles_xml[opened - 1:opened] == b"/":
        return etree.fromstring(styles_xml, PARSER)
    pieces, at = [], 0
    while (mark := styles_xml.find(b"<w:numPr", at)) >= 0:
        begin = max(styles_xml.rfind(b"<w:style ", 0, mark), styles_xml.rfind(b"<w:style>", 0, mark))
        end = styles_xml.find(b"</w:style>", mark)
        if begin < 0 or end < 0 or styles_xml.rfind(b"</w:style>", begin, mark) >= 0:
            return etree.fromstring(styles_xml, PARSER)         # a numPr outside any style
        pieces.append(styles_xml[begin:end + len(b"</w:style>")])
        at = end
    try:
        return etree.fromstring(styles_xml[start:opened + 1] + b"".join(pieces) + b"</w:styles>", PARSER)
    except etree.XMLSyntaxError:
        return etree.fromstring(styles_xml, PARSER)


def _read_direct(archive: zipfile.ZipFile) -> Document:
    """The common case: parts read from the zip, parsed with the hardened parser."""
    mains = [target for kind, target, _ in _rels(archive, "") if kind.endswith(OFFICE_DOCUMENT)]
    if len(mains) != 1:
        raise _Unsupported("no single main part")
    main = mains[0]
    types = etree.fromstring(archive.read("[Content_Types].xml"), PARSER)
    declared = {o.get("PartName", "").lstrip("/"): o.get("ContentType", "") for o in types.iter(CT + "Override")}
    if not any(declared.get(main, "").endswith(kind) for kind in WORD_MAIN):
        raise _Unsupported("main part is not declared as Word")
    main_xml = archive.read(main)
    root = etree.fromstring(main_xml, PARSER)
    related = _rels(archive, main)

    def first(kind: str) -> bytes | None:
        for rel_type, target, _ in related:
            if rel_type.endswith("/" + kind) and target in archive.NameToInfo:
                return archive.read(target)
        return None

    # List labels need numbering.xml, and of styles.xml only the styles that carry a
    # list (see _list_styles). Where no paragraph names a list or a style, no label can
    # come out, and neither part is read.
    numbering = styles = None
    if NUMBERING_MARK in main_xml or STYLE_MARK in main_xml:
        numbering_xml = first("numbering")
        if numbering_xml is not None:
            numbering = etree.fromstring(numbering_xml, PARSER)
            styles_xml = first("styles")
            styles = None if styles_xml is None else _list_styles(styles_xml)
    walker = _Walker(_Numbering.from_roots(numbering, styles))
    result = Document(file_format="docx")
    body = root.find(W + "body")
    if body is None:
        raise _Unsupported("no body")
    walker.container(body, BODY, result.blocks)
    seen: set[str] = set()
    for rel_type, target, _ in sorted(related, key=lambda item: item[1]):
        kind = HEADER if rel_type.endswith("/header") else FOOTER if rel_type.endswith("/footer") else None
        if kind is None or target in seen or target not in archive.NameToInfo:
            continue
        seen.add(target)
        walker.container(etree.fromstring(archive.read(target), PARSER), kind, result.furniture)
    return result


def _read_with_python_docx(data: bytes) -> Document:
    document = docx.Document(io.BytesIO(data))
    walker = _Walker(_Numbering.from_document(document))
    result = Document(file_format="docx")
    walker.container(document.element.body, BODY, result.blocks)
    seen: set[str] = set()
    for rel in sorted(document.part.rels.values(), key=lambda r: str(r.target_ref)):
        if rel.is_external or rel.reltype not in (RT.HEADER, RT.FOOTER):
            continue
        target = rel.target_part
        if str(target.partname) in seen:
            continue
        seen.add(str(target.partname))
        part = HEADER if rel.reltype == RT.HEADER else FOOTER
        walker.container(target.element, part, result.furniture)
    return result


CORRUPTION = {   # what a reader's exception means, as a message an auditor can read
    zlib.error: "docx.deflate",
    EOFError: "docx.truncated",
    zipfile.BadZipFile: "docx.directory",
}


def read_docx(data: bytes, limits: dict | None = None) -> Document:
    """A .docx's blocks in reading order (the reader contract of parse.READERS), refused
    before anything is inflated when the zip would expand past `limits`."""
    limits = limits or {}
    archive = open_checked(data, limits.get("max_expanded_bytes", MAX_EXPANDED_BYTES),
                           limits.get("max_parts", MAX_PARTS))
    try:
        try:
            with archive:
                return _read_direct(archive)
        except (_Unsupported, KeyError):
            return _read_with_python_docx(data)
    except PackageNotFoundError as exc:
        raise ParseError("docx.no_document") from exc
    except ValueError as exc:
        raise ParseError("docx.not_word", why=str(exc)[:120]) from exc
    except etree.XMLSyntaxError as exc:
        if "entit" in str(exc).lower():
            raise ParseError("docx.xml_entities") from exc
        raise ParseError("docx.xml_broken", why=str(exc)[:80]) from exc
    except (KeyError, zipfile.BadZipFile, EOFError, zlib.error, OSError,
            NotImplementedError, AttributeError, TypeError) as exc:
        code = CORRUPTION.get(type(exc))
        if code:
            raise ParseError(code) from exc
        raise ParseError("docx.damaged", why=type(exc).__name__) from exc
