"""ingest/read_txt.py: the encoding comes from the bytes, never from the file's name."""
from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.model import ParseError
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


@pytest.mark.parametrize(("data", "text"), ENCODED)
def test_read_txt_gives_one_paragraph_per_line(data, text):
    document = read_txt(data)
    assert [p.text for p in document.blocks] == text.split("\n")
    assert [p.index for p in document.blocks] == list(range(len(text.split("\n"))))
    assert document.file_format == "txt"
    assert document.encoding == detect_encoding(data)


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
    lines = [p.text for p in read_txt(data).blocks]
    assert lines == REPORT.split("\n")
    assert not any("\r" in line for line in lines)


def test_crlf_in_utf16_and_gb18030():
    for encoding in ("utf-16", "gb18030"):
        data = REPORT.replace("\n", "\r\n").encode(encoding)
        assert [p.text for p in read_txt(data).blocks] == REPORT.split("\n"), encoding


def test_bom_is_not_part_of_the_first_line():
    document = read_txt(codecs.BOM_UTF8 + "项目名称：乡村道路维护".encode("utf-8"))
    assert document.blocks[0].text == "项目名称：乡村道路维护"


def test_encoding_comes_from_the_bytes_not_the_name(tmp_path):
    misleading = tmp_path / "report-utf8.txt"
    misleading.write_bytes(REPORT.encode("gb18030"))
    document = read_txt(misleading)
    assert [p.text for p in document.blocks] == REPORT.split("\n")
    other = tmp_path / "报告（GBK）.txt"
    other.write_bytes(REPORT.encode("utf-8"))
    assert [p.text for p in read_txt(other).blocks] == REPORT.split("\n")


def test_empty_file_is_one_empty_line():
    assert [p.text for p in read_txt(b"").blocks] == [""]


def test_binary_file_is_refused():
    binary = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4
    with pytest.raises(ParseError):
        read_txt(binary)


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\ufeff")),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"]))
def test_any_text_reads_back_line_by_line(text, encoding):
    """UTF-8 with or without BOM and UTF-16 with BOM are unambiguous: every text reads back."""
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    document = read_txt(bom + text.encode(encoding))
    want = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert [p.text for p in document.blocks] == want
