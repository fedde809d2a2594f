"""ingest/read_docx.py: every test document is built here, with python-docx and raw XML
where python-docx has no API for what Word and WPS write."""
from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.shared import Cm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.model import BODY, FOOTER, HEADER, Paragraph, ParseError, Table
from ingest.read_docx import read_docx

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office"'
)


def fragments(xml: str):
    """Elements parsed from a run of WordprocessingML, namespaces declared for them."""
    return list(parse_xml(f"<w:body {NS}>{xml}</w:body>"))


def append_body(document, xml: str) -> None:
    sect_pr = document.element.body.sectPr
    for element in fragments(xml):
        if sect_pr is not None:
            sect_pr.addprevious(element)
        else:
            document.element.body.append(element)


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_bytes(body_xml: str = "", setup=None) -> bytes:
    """A .docx whose body is `body_xml`; `setup(document)` may add more through python-docx."""
    document = docx.Document()
    if setup is not None:
        setup(document)
    append_body(document, body_xml)
    return to_bytes(document)


def read_body(body_xml: str, setup=None):
    return read_docx(docx_bytes(body_xml, setup))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs()]


def r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def p(*inner: str) -> str:
    return "<w:p>" + "".join(inner) + "</w:p>"


# -- paragraph text: what Word shows, once ------------------------------------------------
FIELD = (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> =SUM(ABOVE) \\# "0.00" </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    + r("48.60")
    + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
)

TEXT_BOX = (
    "<w:r><mc:AlternateContent>"
    '<mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:extent cx="100" cy="100"/>'
    '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    "<wps:wsp><wps:txbx><w:txbxContent>" + p(r("框内文字：综合得分95分")) + "</w:txbxContent></wps:txbx>"
    "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
    "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
    + p(r("框内文字：综合得分95分"))
    + "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r>"
)

PARAGRAPH_CASES = [
    pytest.param(p(r("项目"), r("名"), r("称：乡村"), r("道路维护")), "项目名称：乡村道路维护",
                 id="runs-split-mid-word"),
    pytest.param(p(r("预算"), '<w:proofErr w:type="spellStart"/>', r("执行率"),
                   '<w:proofErr w:type="spellEnd"/>', r("94.67%")),
                 "预算执行率94.67%", id="proof-marks-between-runs"),
    pytest.param(p(r("项目名称："), '<w:sdt><w:sdtPr><w:alias w:val="项目名称"/>'
                   '<w:showingPlcHdr/></w:sdtPr><w:sdtContent>', r("乡村道路维护"),
                   "</w:sdtContent></w:sdt>"),
                 "项目名称：乡村道路维护", id="run-level-content-control"),
    pytest.param(p(r("实际支出"), '<w:ins w:id="1" w:author="审核" w:date="2022-03-01T00:00:00Z">',
                   r("45.2"), "</w:ins>",
                   '<w:del w:id="2" w:author="审核" w:date="2022-03-01T00:00:00Z">',
                   '<w:r><w:delText>40.1</w:delText></w:r></w:del>', r("万元")),
                 "实际支出45.2万元", id="tracked-insert-counts-delete-does-not"),
    pytest.param(p(r("得分"), '<w:moveFrom w:id="3" w:author="a">', r("90"), "</w:moveFrom>",
                   '<w:moveTo w:id="4" w:author="a">', r("95"), "</w:moveTo>", r("分")),
                 "得分95分", id="tracked-move"),
    pytest.param(p(r("合计"), FIELD, r("万元")), "合计48.60万元", id="complex-field-result-not-instruction"),
    pytest.param(p(r("总分"), '<w:fldSimple w:instr=" =SUM(B2:B5) ">', r("96"), "</w:fldSimple>", r("分")),
                 "总分96分", id="simple-field-result"),
    pytest.param(p(r("办公费"), '<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" '
                   'w:element="chmetcnv"><w:smartTagPr><w:attr w:name="UnitName" w:val="万元"/>'
                   '</w:smartTagPr>', r("0.1"), "</w:smartTag>", r("万元")),
                 "办公费0.1万元", id="smart-tag-around-figure"),
    pytest.param(p(r("维修费"), '<w:hyperlink w:anchor="明细">', r("9.1"), "</w:hyperlink>", r("万元")),
                 "维修费9.1万元", id="hyperlink-around-figure"),
    pytest.param(p(r("预算"), '<w:r><w:rPr><w:vanish/></w:rPr><w:t>（隐藏批注99）</w:t></w:r>', r("48.6")),
                 "预算48.6", id="hidden-text-not-read"),
    pytest.param(p(r("预算"), '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>数</w:t></w:r>', r("48.6")),
                 "预算数48.6", id="vanish-off-is-visible"),
    pytest.param(p(r("事后评价"), '<w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>',
                   r(" 事前评价"), '<w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r>'),
                 "事后评价☑ 事前评价□", id="wingdings-check-boxes"),
    pytest.param(p(r("事后评价"), '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/>'
                   '<w:enabled/><w:checkBox><w:sizeAuto/><w:default w:val="0"/><w:checked/></w:checkBox>'
                   '</w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r>'
                   '<w:r><w:fldChar w:fldCharType="end"/></w:r>'),
                 "事后评价☑", id="legacy-check-box-field"),
    pytest.param(p(r("A"), "<w:r><w:tab/></w:r>", r("B"), "<w:r><w:br/></w:r>", r("C")),
                 "A\tB\nC", id="tab-and-line-break"),
]


@pytest.mark.parametrize(("body", "want"), PARAGRAPH_CASES)
def test_paragraph_text_is_what_word_shows(body, want):
    document = read_body(body)
    assert texts(document) == [want]


def test_block_level_content_control_paragraphs_are_read_in_order():
    body = (
        p(r("前"))
        + "<w:sdt><w:sdtPr><w:tag w:val=\"x\"/></w:sdtPr><w:sdtContent>"
        + p(r("控件一")) + p(r("控件二"))
        + "</w:sdtContent></w:sdt>"
        + p(r("后"))
    )
    document = read_body(body)
    assert texts(document) == ["前", "控件一", "控件二", "后"]
    assert [b.index for b in document.blocks] == [0, 1, 2, 3]


def test_tracked_inserted_paragraph_counts_deleted_paragraph_does_not():
    body = (
        p(r("保留"))
        + '<w:ins w:id="9" w:author="a">' + p(r("插入段")) + "</w:ins>"
        + p('<w:del w:id="10" w:author="a"><w:r><w:delText>删除段</w:delText></w:r></w:del>')
    )
    document = read_body(body)
    assert "删除段" not in document.text()
    assert texts(document)[:2] == ["保留", "插入段"]


def test_text_box_stored_twice_is_read_once():
    document = read_body(p(r("正文"), TEXT_BOX))
    assert document.text().count("框内文字：综合得分95分") == 1
    assert "正文" in texts(document)


def test_text_box_with_only_vml_fallback_is_read():
    fallback_only = (
        "<w:r><mc:AlternateContent><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
        + p(r("仅VML文本框"))
        + "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    document = read_body(p(r("正文"), fallback_only))
    assert document.text().count("仅VML文本框") == 1


def test_blocks_keep_reading_order_and_unique_indices():
    def setup(document):
        document.add_paragraph("一段")
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "项目名称"
        table.cell(0, 1).text = "乡村道路维护"
        document.add_paragraph("二段")

    document = read_body("", setup)
    kinds = [type(b).__name__ for b in document.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph"]
    indices = [b.index for b in document.blocks]
    assert indices == sorted(indices) and len(set(indices)) == len(indices)
    assert all(b.part == BODY for b in document.blocks)


def test_table_caption_is_the_paragraph_just_before():
    def setup(document):
        document.add_paragraph("表1 项目支出明细")
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "办公费"

    document = read_body("", setup)
    (table,) = document.tables()
    assert table.caption == "表1 项目支出明细"


# -- numbering ---------------------------------------------------------------------------
NUMBERING = """
<w:abstractNum w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>
"""


def add_numbering(document) -> None:
    root = document.part.numbering_part.element
    abstract, num = fragments(NUMBERING)
    first_num = root.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    first_num.addprevious(abstract)
    root.append(num)


def numbered(text: str, level: int = 0, num_id: int = 90) -> str:
    return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
            + r(text) + "</w:p>")


def test_automatic_numbering_labels_are_counted_not_in_text():
    body = (
        numbered("项目基本情况") + numbered("项目概况", 1) + numbered("项目目标", 1)
        + p(r("正文不编号"))
        + numbered("绩效评价工作开展情况") + numbered("评价目的", 1)
        + numbered("综合评价结论") + numbered("得分", 2)
    )
    document = read_body(body, add_numbering)
    got = [(p.numbering, p.text) for p in document.paragraphs()]
    assert got == [
        ("一、", "项目基本情况"),
        ("（一）", "项目概况"),
        ("（二）", "项目目标"),
        ("", "正文不编号"),
        ("二、", "绩效评价工作开展情况"),
        ("（一）", "评价目的"),
        ("三、", "综合评价结论"),
        ("1.", "得分"),
    ]
    assert document.text().splitlines()[0] == "一、项目基本情况"


def test_numbering_beyond_ten_counts_in_chinese():
    body = "".join(numbered(f"第{i}节") for i in range(1, 13))
    labels = [p.numbering for p in read_body(body, add_numbering).paragraphs()]
    assert labels[9:] == ["十、", "十一、", "十二、"]


def test_numbering_through_the_paragraph_style():
    def setup(document):
        add_numbering(document)
        style = document.styles.add_style("一级标题编号", 1)
        style.element.get_or_add_pPr().append(
            fragments('<w:numPr><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>')[0])
        for text in ("项目基本情况", "绩效目标"):
            document.add_paragraph(text, style="一级标题编号")

    document = read_body("", setup)
    assert [(p.numbering, p.text) for p in document.paragraphs()] == [
        ("一、", "项目基本情况"), ("二、", "绩效目标")]


STYLES = ('<?xml version="1.0"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
          '<w:docDefaults>{defaults}</w:docDefaults><w:latentStyles><w:lsdException w:name="Normal"/></w:latentStyles>'
          '<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="H1"><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="7"/>'
          '</w:numPr></w:pPr></w:style>'
          '<w:style w:type="paragraph" w:styleId="Body"><w:rPr><w:b/></w:rPr></w:style></w:styles>')


def test_only_the_styles_that_carry_a_list_are_parsed():
    from ingest.read_docx import W, _list_styles

    cut = _list_styles(STYLES.format(defaults="").encode())
    assert [style.get(W + "styleId") for style in cut.iter(W + "style")] == ["H1"]
    assert cut.find(W + "latentStyles") is None
    # A list named outside any style (here in the defaults) cannot be cut out: the whole part.
    whole = _list_styles(STYLES.format(defaults='<w:pPrDefault><w:pPr><w:numPr/></w:pPr></w:pPrDefault>').encode())
    assert [style.get(W + "styleId") for style in whole.iter(W + "style")] == ["Normal", "H1", "Body"]
    # Another prefix for the same namespace: parsed whole, the numbered style found all the same.
    other = STYLES.format(defaults="").replace("w:", "x:").replace("xmlns:w=", "xmlns:x=").encode()
    assert len(list(_list_styles(other).iter(W + "style"))) == 3


def test_num_id_zero_means_no_numbering():
    document = read_body(numbered("不编号", num_id=0), add_numbering)
    assert [(p.numbering, p.text) for p in document.paragraphs()] == [("", "不编号")]


# -- tables ------------------------------------------------------------------------------
def test_merged_cells_appear_once_in_rows_and_repeat_in_grid():
    def setup(document):
        table = document.add_table(rows=3, cols=3)
        across = table.cell(0, 0).merge(table.cell(0, 1))
        across.text = "产出指标"
        table.cell(0, 2).text = "分值"
        table.cell(1, 0).text = "数量指标"
        table.cell(1, 1).text = "道路里程"
        down = table.cell(1, 2).merge(table.cell(2, 2))
        down.text = "20"
        table.cell(2, 0).text = "质量指标"
        table.cell(2, 1).text = "验收合格率"

    document = read_body("", setup)
    (table,) = document.tables()
    first = table.rows[0]
    assert [(c.text, c.col, c.span) for c in first] == [("产出指标", 0, 2), ("分值", 2, 1)]
    last = table.rows[2]
    assert [(c.col, c.merged_up) for c in last] == [(0, False), (1, False), (2, True)]
    assert table.grid() == [
        ["产出指标", "产出指标", "分值"],
        ["数量指标", "道路里程", "20"],
        ["质量指标", "验收合格率", "20"],
    ]
    assert table.width == 3


def test_nested_table_text_is_in_the_cell_and_the_table_is_its_own_block():
    def setup(document):
        outer = document.add_table(rows=2, cols=2)
        outer.cell(0, 0).text = "项目"
        outer.cell(0, 1).text = "明细"
        outer.cell(1, 0).text = "支出"
        inner = outer.cell(1, 1).add_table(rows=2, cols=2)
        inner.cell(0, 0).text = "办公费"
        inner.cell(0, 1).text = "0.1"
        inner.cell(1, 0).text = "维修费"
        inner.cell(1, 1).text = "9.1"
        document.add_paragraph("表后")

    document = read_body("", setup)
    tables = list(document.tables())
    assert len(tables) == 2
    outer, inner = tables
    assert outer.parent is None
    assert inner.parent == outer.index
    assert inner.index != outer.index
    assert inner in document.blocks
    assert inner.grid() == [["办公费", "0.1"], ["维修费", "9.1"]]
    cell_text = outer.grid()[1][1]
    for word in ("办公费", "0.1", "维修费", "9.1"):
        assert word in cell_text
    assert texts(document) == ["表后"]
    # the nested table's text is shown once, through its parent's cell
    assert document.text().count("维修费") == 1


def test_table_nested_two_deep_points_at_its_own_parent():
    def setup(document):
        outer = document.add_table(rows=1, cols=1)
        middle = outer.cell(0, 0).add_table(rows=1, cols=1)
        inner = middle.cell(0, 0).add_table(rows=1, cols=2)
        inner.cell(0, 0).text = "培训费"
        inner.cell(0, 1).text = "2.5"

    document = read_body("", setup)
    outer, middle, inner = document.tables()
    assert (outer.parent, middle.parent, inner.parent) == (None, outer.index, middle.index)
    assert len({outer.index, middle.index, inner.index}) == 3
    for table in (outer, middle):
        assert "培训费" in table.grid()[0][0] and "2.5" in table.grid()[0][0]
    assert document.text().count("培训费") == 1


def test_content_control_around_a_cell_and_a_row():
    def setup(document):
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "项目名称"
        table.cell(0, 1).text = "乡村道路维护"
        table.cell(1, 0).text = "综合得分"
        table.cell(1, 1).text = "95"
        tr = table.rows[1]._tr
        tc = tr.tc_lst[1]
        sdt = fragments("<w:sdt><w:sdtPr/><w:sdtContent/></w:sdt>")[0]
        tc.addprevious(sdt)
        sdt[1].append(tc)
        row_sdt = fragments("<w:sdt><w:sdtPr/><w:sdtContent/></w:sdt>")[0]
        tr.addprevious(row_sdt)
        row_sdt[1].append(tr)

    document = read_body("", setup)
    (table,) = document.tables()
    assert table.grid() == [["项目名称", "乡村道路维护"], ["综合得分", "95"]]


def test_cell_text_skips_deleted_and_hidden_runs_and_keeps_fields():
    def setup(document):
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "实际支出"
        tc = table.rows[0]._tr.tc_lst[1]
        tc.remove(tc.p_lst[0])
        for element in fragments(p(
            '<w:del w:id="1" w:author="a"><w:r><w:delText>40.1</w:delText></w:r></w:del>',
            '<w:r><w:rPr><w:vanish/></w:rPr><w:t>（隐藏）</w:t></w:r>',
            FIELD,
        )):
            tc.append(element)

    document = read_body("", setup)
    (table,) = document.tables()
    assert table.grid() == [["实际支出", "48.60"]]


def test_cell_paragraphs_are_joined_with_newlines_and_are_not_blocks():
    def setup(document):
        table = document.add_table(rows=1, cols=1)
        cell = table.cell(0, 0)
        cell.text = "第一行"
        cell.add_paragraph("第二行")

    document = read_body("", setup)
    (table,) = document.tables()
    assert table.rows[0][0].text == "第一行\n第二行"
    assert list(document.paragraphs()) == []


# -- headers and footers -----------------------------------------------------------------
def test_header_table_and_footer_are_furniture_not_body():
    def setup(document):
        section = document.sections[0]
        section.header.paragraphs[0].text = "页眉：2022年度项目支出绩效自评报告"
        table = section.header.add_table(rows=1, cols=2, width=Cm(12))
        table.cell(0, 0).text = "自评得分"
        table.cell(0, 1).text = "98"
        section.footer.paragraphs[0].text = "第1页"
        document.add_paragraph("正文")

    document = read_body("", setup)
    assert texts(document) == ["正文"]
    assert all(b.part == BODY for b in document.blocks)
    assert not any(isinstance(b, Table) for b in document.blocks)
    header_tables = [b for b in document.furniture if isinstance(b, Table)]
    assert len(header_tables) == 1
    assert header_tables[0].part == HEADER
    assert header_tables[0].grid() == [["自评得分", "98"]]
    furniture_text = {(b.part, b.text) for b in document.furniture if isinstance(b, Paragraph)}
    assert (HEADER, "页眉：2022年度项目支出绩效自评报告") in furniture_text
    assert (FOOTER, "第1页") in furniture_text
    every_index = [b.index for b in document.all_blocks()]
    assert len(every_index) == len(set(every_index))
    assert document.block(header_tables[0].index) is header_tables[0]


# -- packages ----------------------------------------------------------------------------
def rewrite_zip(data: bytes, change) -> bytes:
    """A copy of the zip at `data`, each (name, bytes) passed through `change` (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            changed = change(info.filename, source.read(info.filename))
            if changed is not None:
                target.writestr(changed[0], changed[1])
    return out.getvalue()


def rename_main_part(data: bytes, new: str = "word/document2.xml") -> bytes:
    new_rels = new.replace("word/", "word/_rels/") + ".rels"

    def change(name, content):
        if name == "word/document.xml":
            return new, content
        if name == "word/_rels/document.xml.rels":
            return new_rels, content
        if name == "[Content_Types].xml":
            return name, content.replace(b'PartName="/word/document.xml"', f'PartName="/{new}"'.encode())
        if name == "_rels/.rels":
            return name, content.replace(b"word/document.xml", new.encode())
        return name, content

    return rewrite_zip(data, change)


def test_main_part_not_named_document_xml():
    def setup(document):
        document.sections[0].header.paragraphs[0].text = "页眉"

    original = docx_bytes(p(r("项目名称：乡村道路维护")) + numbered("项目基本情况"),
                          lambda d: (add_numbering(d), setup(d)))
    renamed = rename_main_part(original)
    with zipfile.ZipFile(io.BytesIO(renamed)) as archive:
        assert "word/document.xml" not in archive.namelist()
        assert "word/document2.xml" in archive.namelist()
    document = read_docx(renamed)
    assert [(p.numbering, p.text) for p in document.paragraphs()] == [
        ("", "项目名称：乡村道路维护"), ("一、", "项目基本情况")]
    assert [b.text for b in document.furniture if isinstance(b, Paragraph)] == ["页眉"]


def test_reads_bytes_with_the_limits_it_is_given():
    data = docx_bytes(p(r("综合得分95分")))
    assert texts(read_docx(data, {"max_expanded_bytes": 10 * 1024 * 1024, "max_parts": 100})) == ["综合得分95分"]
    assert read_docx(data).file_format == "docx"
    with pytest.raises(ParseError) as raised:
        read_docx(data, {"max_expanded_bytes": 10 * 1024 * 1024, "max_parts": 2})
    assert raised.value.message.code == "docx.too_many_parts"


# -- bad input: ParseError and nothing else ------------------------------------------------
def plain_zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


GOOD = docx_bytes(p(r("项目名称：乡村道路维护")) * 50)


def corrupt_member(data: bytes, member: str) -> bytes:
    """Flip bytes in the middle of one member's compressed data, leaving the zip directory intact."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    buffer = bytearray(data)
    header = info.header_offset
    name_len = int.from_bytes(buffer[header + 26:header + 28], "little")
    extra_len = int.from_bytes(buffer[header + 28:header + 30], "little")
    start = header + 30 + name_len + extra_len
    for i in range(start + info.compress_size // 3, start + info.compress_size // 3 + 16):
        buffer[i] ^= 0xA5
    return bytes(buffer)


def drop_member(data: bytes, member: str) -> bytes:
    return rewrite_zip(data, lambda name, content: None if name == member else (name, content))


def replace_member(data: bytes, member: str, new_content: bytes) -> bytes:
    return rewrite_zip(data, lambda name, content: (name, new_content if name == member else content))


CONTENT_TYPES_XLSX = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
RELS_XLSX = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)

BAD_INPUTS = [
    pytest.param(b"", id="empty"),
    pytest.param(bytes(range(256)) * 8, id="random-bytes"),
    pytest.param(b"PK\x03\x04" + b"\x00" * 60, id="zip-magic-only"),
    pytest.param("项目名称：乡村道路维护".encode("utf-8"), id="text-file"),
    pytest.param(plain_zip({"hello.txt": b"hello"}), id="zip-not-word"),
    pytest.param(plain_zip({"[Content_Types].xml": CONTENT_TYPES_XLSX, "_rels/.rels": RELS_XLSX,
                            "xl/workbook.xml": b"<workbook/>"}), id="xlsx-package"),
    pytest.param(GOOD[: len(GOOD) // 2], id="truncated-half"),
    pytest.param(GOOD[:-10], id="truncated-tail"),
    pytest.param(corrupt_member(GOOD, "word/document.xml"), id="corrupt-deflate-data"),
    pytest.param(replace_member(GOOD, "word/document.xml", b"<w:document><w:body>"), id="malformed-xml"),
    pytest.param(drop_member(GOOD, "word/document.xml"), id="main-part-missing"),
    pytest.param(drop_member(GOOD, "[Content_Types].xml"), id="content-types-missing"),
]


@pytest.mark.parametrize("data", BAD_INPUTS)
def test_bad_input_raises_parse_error(data):
    with pytest.raises(ParseError):
        read_docx(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_raise_parse_error(data):
    with pytest.raises(ParseError):
        read_docx(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(GOOD) - 1))
def test_any_truncation_raises_parse_error(cut):
    with pytest.raises(ParseError):
        read_docx(GOOD[:cut])
