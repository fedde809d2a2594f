"""ingest/read_txt.py: the encoding comes from the bytes, never from the file's name."""
from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.model import Paragraph, ParseError
from ingest.read_txt import detect_encoding, read_txt

# A short report as units type it: mostly Chinese, a few figures.
REPORT = (
    "2022年度项目支出绩效自评报告\n"
    "一、项目基本情况\n"
    "项目名称：乡村道路维护项目\n"
    "项目单位：那坡县交通运输局\n"
    "二、项目资金使用情况\n"
    "计划安排资金48.6万元，实际到位资金48.6万元，资金到位率100%。\n"
    "办公费0.1万元，维修费9.1万元，预算执行率94.67%。\n"
    "三、综合评价结论\n"
    "综合得分95分，自评等级为优秀。"
)
# Words alone, no figures: no ASCII bytes to lean on.
WORDS_ONLY = "项目单位认真组织开展绩效自评工作，对照年初设定的绩效目标逐项进行了核查。" * 3
# A tab-separated table typed in Notepad: mostly ASCII.
FIGURES = "科目\t计划\t实际\n办公费\t0.10\t0.10\n维修费\t9.10\t9.05\n合计\t48.60\t45.20"

ENCODED = [
    pytest.param(REPORT.encode("utf-8"), REPORT, id="utf-8"),
    pytest.param(codecs.BOM_UTF8 + REPORT.encode("utf-8"), REPORT, id="utf-8-bom"),
    pytest.param(REPORT.encode("gb18030"), REPORT, id="gb18030"),
    pytest.param(WORDS_ONLY.encode("gb18030"), WORDS_ONLY, id="gb18030-words-only"),
    pytest.param(REPORT.encode("gbk"), REPORT, id="gbk"),
    pytest.param(codecs.BOM_UTF16_LE + REPORT.encode("utf-16-le"), REPORT, id="utf-16-le-bom"),
    pytest.param(codecs.BOM_UTF16_BE + REPORT.encode("utf-16-be"), REPORT, id="utf-16-be-bom"),
    pytest.param(REPORT.encode("utf-16"), REPORT, id="utf-16-native-bom"),
    pytest.param(FIGURES.encode("utf-16-le"), FIGURES, id="utf-16-le-no-bom-figures"),
    pytest.param(REPORT.encode("utf-16-le"), REPORT, id="utf-16-le-no-bom-report"),
    pytest.param(WORDS_ONLY.encode("utf-16-le"), WORDS_ONLY, id="utf-16-le-no-bom-words-only"),
    pytest.param(b"total\t48.60\nspent\t45.20", "total\t48.60\nspent\t45.20", id="ascii"),
]


@pytest.mark.parametrize(("data", "text"), ENCODED)
def test_detect_encoding_decodes_the_text(data, text):
    encoding = detect_encoding(data)
    assert data.decode(encoding).lstrip("\ufeff") == text


def lines(document) -> list[str]:
    """The document's lines as written: a paragraph is a line, a pasted table a line per row."""
    out = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out.extend("\t".join(cell.text for cell in row) for row in block.rows)
    return out


@pytest.mark.parametrize(("data", "text"), ENCODED)
def test_read_txt_reads_every_line(data, text):
    document = read_txt(data)
    assert lines(document) == text.split("\n")
    assert [b.index for b in document.blocks] == list(range(len(document.blocks)))
    assert document.file_format == "txt"
    assert document.encoding == detect_encoding(data)


def test_plain_lines_are_paragraphs():
    document = read_txt(REPORT.encode("utf-8"))
    assert all(isinstance(b, Paragraph) for b in document.blocks)
    assert [b.text for b in document.blocks] == REPORT.split("\n")


@pytest.mark.parametrize("table_text", [
    FIGURES,
    "科目|计划|实际\n办公费|0.10|0.10\n维修费|9.10|9.05\n合计|48.60|45.20",
    "| 科目 | 计划 | 实际 |\n| 办公费 | 0.10 | 0.10 |\n| 维修费 | 9.10 | 9.05 |\n| 合计 | 48.60 | 45.20 |",
    "科目｜计划｜实际\n办公费｜0.10｜0.10\n维修费｜9.10｜9.05\n合计｜48.60｜45.20",
], ids=["tabs", "bars", "outer-bars", "full-width-bars"])
def test_pasted_table_lines_become_a_table(table_text):
    text = "表1 项目支出明细\n" + table_text + "\n以上为支出明细。"
    document = read_txt(text.encode("utf-8"))
    kinds = [type(b).__name__ for b in document.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph"]
    table = document.blocks[1]
    assert table.grid() == [["科目", "计划", "实际"], ["办公费", "0.10", "0.10"],
                            ["维修费", "9.10", "9.05"], ["合计", "48.60", "45.20"]]
    assert table.caption == "表1 项目支出明细"
    assert table.parent is None
    assert [b.index for b in document.blocks] == [0, 1, 2]


def test_one_tabbed_line_is_a_table_row():
    # SPEC §1: a line of TAB-separated cells is a table row, alone or not.
    document = read_txt("项目名称\t乡村道路维护\n综合得分95分".encode("utf-8"))
    assert [type(b).__name__ for b in document.blocks] == ["Table", "Paragraph"]
    assert document.blocks[0].grid() == [["项目名称", "乡村道路维护"]]
    assert document.blocks[1].text == "综合得分95分"


def test_empty_leading_cells_are_the_merged_cell_above_and_positions_are_kept():
    text = "绩效指标\t一级指标\t三级指标\t分值\t得分\n\t产出指标\t开工率\t10\t9\n\t\t完工率\t10\t\n备注：无"
    document = read_txt(text.encode("utf-8"))
    table = document.blocks[0]
    assert table.grid() == [["绩效指标", "一级指标", "三级指标", "分值", "得分"],
                            ["绩效指标", "产出指标", "开工率", "10", "9"],
                            ["绩效指标", "产出指标", "完工率", "10", ""]]
    assert [type(b).__name__ for b in document.blocks] == ["Table", "Paragraph"]


@pytest.mark.parametrize(("data", "name"), [
    pytest.param(codecs.BOM_UTF8 + b"abc", "utf-8-sig", id="utf-8"),
    pytest.param(codecs.BOM_UTF16_LE + "abc".encode("utf-16-le"), "utf-16-le", id="utf-16-le"),
    pytest.param(codecs.BOM_UTF16_BE + "abc".encode("utf-16-be"), "utf-16-be", id="utf-16-be"),
    pytest.param(codecs.BOM_UTF32_LE + "abc".encode("utf-32-le"), "utf-32-le", id="utf-32-le"),
])
def test_byte_order_mark_names_the_encoding(data, name):
    assert codecs.lookup(detect_encoding(data)).name == codecs.lookup(name).name


def test_gb18030_is_named_as_a_chinese_encoding():
    encoding = detect_encoding(REPORT.encode("gb18030"))
    assert codecs.lookup(encoding).name in {"gb18030", "gbk", "gb2312"}


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
def test_line_endings(newline):
    data = REPORT.replace("\n", newline).encode("utf-8")
    got = lines(read_txt(data))
    assert got == REPORT.split("\n")
    assert not any("\r" in line for line in got)


def test_crlf_in_utf16_and_gb18030():
    for encoding in ("utf-16", "gb18030"):
        data = REPORT.replace("\n", "\r\n").encode(encoding)
        assert lines(read_txt(data)) == REPORT.split("\n"), encoding


def test_bom_is_not_part_of_the_first_line():
    document = read_txt(codecs.BOM_UTF8 + "项目名称：乡村道路维护".encode("utf-8"))
    assert document.blocks[0].text == "项目名称：乡村道路维护"


def test_encoding_comes_from_the_bytes_not_the_name():
    # A reader sees bytes only (parse.READERS): whatever the file was called, the bytes decide.
    assert lines(read_txt(REPORT.encode("gb18030"))) == REPORT.split("\n")
    assert lines(read_txt(REPORT.encode("utf-8"))) == REPORT.split("\n")


def test_empty_file_is_one_empty_line():
    assert lines(read_txt(b"")) == [""]


def test_binary_file_is_refused():
    binary = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4
    with pytest.raises(ParseError):
        read_txt(binary)


# No tabs or bars: lines with them may be read as a pasted table, cells trimmed.
@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\ufeff\t|｜")),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"]))
def test_any_text_reads_back_line_by_line(text, encoding):
    """UTF-8 with or without BOM and UTF-16 with BOM are unambiguous: every text reads back."""
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    document = read_txt(bom + text.encode(encoding))
    want = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert lines(document) == want
