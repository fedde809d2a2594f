"""Blocks -> a .docx: WordprocessingML written as text (a few milliseconds a report; not
through python-docx), zipped into a minimal but complete package Word and WPS open.

Word's own habits come with it, drawn by a seeded RNG: runs split mid-word, check boxes as
Wingdings symbols, and the QUIRKS below. None of them changes the text a reader sees.
"""
from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from xml.sax.saxutils import escape

from samples.blocks import FieldResult, Paragraph, Table

W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
RUN_PROPERTIES = ('', '<w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>',
                  '<w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312"/><w:sz w:val="28"/></w:rPr>',
                  '<w:rPr><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>')


# What Word and WPS files carry besides plain runs (SPEC §1 hard cases), each in some documents:
# tracked changes (a figure corrected in review: the deleted one must not count), content
# controls, the "chmetcnv" smart tag Chinese Word puts on figures with units, totals stored
# as field results (=SUM(ABOVE)), automatic list numbers for 一、二、三、 headings, and a
# main part that is not called word/document.xml.
QUIRKS = ("tracked", "smart_tag", "content_control", "field", "numbering", "part_name")
NUMBER = re.compile(r"\d+(?:[.,，]\d+)*")
HEADING = re.compile(r"^([一二三四五六七八九十])、(.{1,24})$")
CN_ORDINALS = "一二三四五六七八九十"


class _Writer:
    """Blocks -> document.xml text; Word's habits (split runs, check-box symbols, QUIRKS)
    chosen by a seeded RNG. The text a reader sees is exactly the blocks' text."""

    def __init__(self, rng: random.Random, quirks: set[str] | None = None):
        self.rng = rng
        self.split_share = rng.choice((0.0, 0.15, 0.4))
        self.symbol_boxes = rng.random() < 0.3
        drawn = {quirk for quirk in QUIRKS if rng.random() < 0.12}
        self.quirks = drawn if quirks is None else set(quirks)
        self.next_id = 1
        self.sequences = 0          # w:num definitions, one per 一、二、三、 run of headings
        self.expected = 0           # the next heading number in the current run

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def plain(self, text: str, bold: bool = False) -> str:
        if not text:
            return ""
        pieces = [text]
        if len(text) > 1 and self.rng.random() < self.split_share:
            cuts = sorted(self.rng.sample(range(1, len(text)), min(len(text) - 1, self.rng.randint(1, 3))))
            pieces = [text[a:b] for a, b in zip([0] + cuts, cuts + [len(text)])]
        out = []
        for piece in pieces:
            props = self.rng.choice(RUN_PROPERTIES) if len(pieces) > 1 else ""
            if bold:
                props = "<w:rPr><w:b/></w:rPr>"
            lines = piece.split("\n")
            body = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
            out.append(f"<w:r>{props}{body}</w:r>")
        return "".join(out)

    def runs(self, text: str, bold: bool = False) -> str:
        """Runs for `text`; one figure in it may come as a tracked correction or a smart tag."""
        marked = [q for q in ("tracked", "smart_tag") if q in self.quirks]
        if not marked or "\n" in text or self.rng.random() > 0.3:
            return self.plain(text, bold)
        figures = list(NUMBER.finditer(text))
        if not figures:
            return self.plain(text, bold)
        figure = self.rng.choice(figures)
        value = figure.group(0)
        before, after = text[:figure.start()], text[figure.end():]
        if self.rng.choice(marked) == "tracked":
            old = value[:-1] + str((int(value[-1]) + self.rng.randint(1, 8)) % 10)
            when = 'w:author="审核人" w:date="2024-01-15T09:30:00Z"'
            middle = (f'<w:del w:id="{self._id()}" {when}><w:r><w:delText xml:space="preserve">{escape(old)}'
                      f'</w:delText></w:r></w:del><w:ins w:id="{self._id()}" {when}>{self.plain(value)}</w:ins>')
        else:
            unit = re.match(r"万元|元|%|人次|个|户", after)
            if unit:
                value, after = value + unit.group(0), after[unit.end():]
            middle = ('<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="chmetcnv">'
                      '<w:smartTagPr><w:attr w:name="HasSpace" w:val="False"/>'
                      '<w:attr w:name="Negative" w:val="False"/></w:smartTagPr>'
                      f"{self.plain(value)}</w:smartTag>")
        return self.plain(before, bold) + middle + self.plain(after, bold)

    def box(self, checked: bool, ticked: str) -> str:
        if self.symbol_boxes:
            char = "F052" if checked else "F0A3"
            return f'<w:r><w:sym w:font="Wingdings 2" w:char="{char}"/></w:r>'
        return self.plain(ticked if checked else "□")

    def paragraph(self, block: Paragraph, top_level: bool = False) -> str:
        props = '<w:jc w:val="center"/>' if block.center else ""
        text = block.text
        if top_level and isinstance(text, str) and "numbering" in self.quirks:
            heading = HEADING.match(text)
            if heading:
                number = CN_ORDINALS.index(heading.group(1)) + 1
                if number == 1:
                    self.sequences += 1
                    self.expected = 1
                if number == self.expected:
                    # Word draws "一、" from numbering.xml; the paragraph holds only the words.
                    props = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{self.sequences}"/></w:numPr>' + props
                    text = heading.group(2)
                    self.expected += 1
        if isinstance(text, str):
            body = self.runs(text, block.bold)
        else:
            body = "".join(self.runs(s) if isinstance(s, str) else self.box(s[1], s[2]) for s in text)
        if "content_control" in self.quirks and self.rng.random() < 0.25:
            body = (f'<w:sdt><w:sdtPr><w:id w:val="{self._id()}"/><w:showingPlcHdr w:val="0"/></w:sdtPr>'
                    f"<w:sdtContent>{body}</w:sdtContent></w:sdt>")
        xml = f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{body}</w:p>"
        if top_level and "content_control" in self.quirks and self.rng.random() < 0.1:
            xml = f'<w:sdt><w:sdtPr><w:id w:val="{self._id()}"/></w:sdtPr><w:sdtContent>{xml}</w:sdtContent></w:sdt>'
        return xml

    def field(self, value: FieldResult) -> str:
        if "field" not in self.quirks:
            return self.paragraph(Paragraph(value.text))
        if self.rng.random() < 0.5:
            return f'<w:p><w:fldSimple w:instr=" =SUM(ABOVE) ">{self.plain(value.text)}</w:fldSimple></w:p>'
        return ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                '<w:r><w:instrText xml:space="preserve"> =SUM(ABOVE) \\# "0.00" </w:instrText></w:r>'
                f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{self.plain(value.text)}'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')

    def table(self, block: Table) -> str:
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in block.widths)
        out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
               '<w:tblLook w:val="04A0"/></w:tblPr>', f"<w:tblGrid>{grid}</w:tblGrid>"]
        for row in block.rows:
            out.append("<w:tr>")
            col = 0
            for cell in row:
                width = sum(block.widths[col:col + cell.span])
                props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
                if cell.span > 1:
                    props += f'<w:gridSpan w:val="{cell.span}"/>'
                if cell.merge == "restart":
                    props += '<w:vMerge w:val="restart"/>'
                elif cell.merge == "continue":
                    props += "<w:vMerge/>"
                out.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{self.cell(cell.content)}</w:tc>")
                col += cell.span
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def cell(self, content) -> str:
        if isinstance(content, Table):
            return self.table(content) + "<w:p/>"
        if isinstance(content, FieldResult):
            return self.field(content)
        if isinstance(content, list):
            return self.paragraph(Paragraph(content))
        return "".join(self.paragraph(Paragraph(line)) for line in content.split("\n")) if content else "<w:p/>"

    def document(self, blocks: list, header: bool = False) -> str:
        body = "".join(self.paragraph(b, top_level=True) if isinstance(b, Paragraph) else self.table(b) for b in blocks)
        reference = '<w:headerReference w:type="default" r:id="rId4"/>' if header else ""
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W_NS}><w:body>{body}'
                f'<w:sectPr>{reference}<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" '
                'w:bottom="1440" w:left="1800" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>'
                '</w:body></w:document>')

    def header(self, blocks: list) -> str:
        body = "".join(self.paragraph(b) if isinstance(b, Paragraph) else self.table(b) for b in blocks)
        return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {W_NS}>{body}<w:p/></w:hdr>'


    def numbering(self) -> str | None:
        if not self.sequences:
            return None
        nums = "".join(f'<w:num w:numId="{n}"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0">'
                       '<w:startOverride w:val="1"/></w:lvlOverride></w:num>' for n in range(1, self.sequences + 1))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:numbering {W_NS}><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/>'
                '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
                '<w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>'
                f"{nums}</w:numbering>")


WORD_TYPES = "application/vnd.openxmlformats-officedocument.wordprocessingml"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _content_types(main: str, numbering: bool, header: bool) -> str:
    extra = (f'<Override PartName="/word/numbering.xml" ContentType="{WORD_TYPES}.numbering+xml"/>'
             if numbering else "")
    if header:
        extra += f'<Override PartName="/word/header1.xml" ContentType="{WORD_TYPES}.header+xml"/>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main}" ContentType="{WORD_TYPES}.document.main+xml"/>'
            f'<Override PartName="/word/styles.xml" ContentType="{WORD_TYPES}.styles+xml"/>'
            f'<Override PartName="/word/settings.xml" ContentType="{WORD_TYPES}.settings+xml"/>{extra}'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')


def _package_rels(main: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument" Target="{main}"/>'
            '<Relationship Id="rId2" Target="docProps/core.xml" '
            'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"/>'
            f'<Relationship Id="rId3" Type="{OFFICE_RELS}/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>')


def _document_rels(numbering: bool, header: bool) -> str:
    extra = f'<Relationship Id="rId3" Type="{OFFICE_RELS}/numbering" Target="numbering.xml"/>' if numbering else ""
    if header:
        extra += f'<Relationship Id="rId4" Type="{OFFICE_RELS}/header" Target="header1.xml"/>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{OFFICE_RELS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId2" Type="{OFFICE_RELS}/settings" Target="settings.xml"/>{extra}'
            '</Relationships>')


STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:styles {W_NS}><w:docDefaults><w:rPrDefault><w:rPr>'
    '<w:rFonts w:ascii="Times New Roman" w:eastAsia="宋体" w:hAnsi="Times New Roman"/><w:sz w:val="24"/>'
    '<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault/></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/></w:style>'
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:left w:w="108" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
    '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style>'
    '</w:styles>'
)
SETTINGS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:settings {W_NS}><w:defaultTabStop w:val="420"/><w:compat/></w:settings>')
APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       '<Application>Microsoft Office Word</Application></Properties>')


def _core(title: str, creator: str, created: dt.datetime) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{escape(title)}</dc:title><dc:creator>{escape(creator)}</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{created.isoformat()}Z</dcterms:created></cp:coreProperties>')


def docx(blocks: list, header: list, seed: int, quirks: set[str] | None, title: str, creator: str,
         created: dt.datetime) -> bytes:
    """The .docx bytes of `blocks` (and `header` blocks in the page header, if any), the same
    for the same arguments. `quirks` (a subset of QUIRKS) overrides the ones `seed` draws."""
    writer = _Writer(random.Random(seed), quirks)
    document = writer.document(blocks, header=bool(header))
    numbering = writer.numbering()
    main = "word/document2.xml" if "part_name" in writer.quirks else "word/document.xml"
    parts = [("[Content_Types].xml", _content_types(main, numbering is not None, bool(header))),
             ("_rels/.rels", _package_rels(main)), (main, document),
             (main.replace("word/", "word/_rels/") + ".rels", _document_rels(numbering is not None, bool(header))),
             ("word/styles.xml", STYLES), ("word/settings.xml", SETTINGS),
             ("docProps/core.xml", _core(title, creator, created)), ("docProps/app.xml", APP)]
    if numbering is not None:
        parts.append(("word/numbering.xml", numbering))
    if header:
        parts.append(("word/header1.xml", writer.header(header)))
    stamp = (created.year, created.month, created.day, created.hour, created.minute, created.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
