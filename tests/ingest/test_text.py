"""ingest/text.py: width folding, label keys, value tidying, sentence splitting."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.text import clean_value, label_key, sentences, squash


@pytest.mark.parametrize(("text", "want"), [
    ("项　目　名　称", "项目名称"),
    ("项 目 名 称", "项目名称"),
    ("项目\n名称\t", "项目名称"),
    ("ＡＢＣ　１２３", "ABC123"),
    ("计划安排资金（万元）", "计划安排资金(万元)"),
    ("执行率（％）", "执行率(%)"),
    ("", ""),
    ("   ", ""),
])
def test_squash(text, want):
    assert squash(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("其中：中央财政", ("中央财政", None)),
    ("其中:自治区财政", ("自治区财政", None)),
    ("计划安排资金（万元）", ("计划安排资金", "万元")),
    ("计划安排资金(万元)", ("计划安排资金", "万元")),
    ("实际支出（单位：元）", ("实际支出", "元")),
    ("执行率（%）", ("执行率", "%")),
    ("执行率（％）", ("执行率", "%")),
    ("分值（分）", ("分值", "分")),
    ("一、项 目 基 本 概 况", ("项目基本概况", None)),
    ("（一）产出指标", ("产出指标", None)),
    ("(1)数量指标", ("数量指标", None)),
    ("1.办公费", ("办公费", None)),
    ("1、办公费", ("办公费", None)),
    ("１．办公费", ("办公费", None)),
    ("第一、项目概况", ("项目概况", None)),
    ("①数量指标", ("数量指标", None)),
    ("⑫满意度指标", ("满意度指标", None)),
    ("Ⅱ、效益指标", ("效益指标", None)),
    ("项目名称：", ("项目名称", None)),
    ("项 目 名 称 ：", ("项目名称", None)),
    ("其中", ("其中", None)),
    ("2022年预算数", ("2022年预算数", None)),
    ("1.5万元", ("1.5万元", None)),
])
def test_label_key(text, want):
    assert label_key(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("  48.6  ", "48.6"),
    ("乡村\n道路\n维护", "乡村 道路 维护"),
    ("乡村　　道路", "乡村 道路"),
    ("：乡村道路维护：", "乡村道路维护"),
    ("　那坡县交通运输局　", "那坡县交通运输局"),
    ("", ""),
    ("  \n ", ""),
])
def test_clean_value(text, want):
    assert clean_value(text) == want


@pytest.mark.parametrize(("text", "want"), [
    ("第一句。第二句；第三句！", [(0, "第一句。"), (4, "第二句；"), (8, "第三句！")]),
    ("是否完成？是。", [(0, "是否完成？"), (5, "是。")]),
    ("甲\n\n乙", [(0, "甲\n"), (3, "乙")]),
    ("办公费0.1万元，维修费9.1万元", [(0, "办公费0.1万元，维修费9.1万元")]),
    ("", []),
    ("。", [(0, "。")]),
])
def test_sentences(text, want):
    assert sentences(text) == want


@given(st.text())
def test_sentences_are_spans_of_the_text(text):
    pieces = sentences(text)
    for start, piece in pieces:
        assert text[start:start + len(piece)] == piece
        assert piece.strip()
    starts = [start for start, _ in pieces]
    assert starts == sorted(set(starts))
    # nothing but whitespace is dropped
    kept = "".join(piece for _, piece in pieces)
    assert "".join(kept.split()) == "".join(text.split())


# The characters labels are written in. (Not all of Unicode: a spacing mark such as "¸"
# folds to space + combining mark, which then joins the letter before it.)
LABEL_CHARS = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from(list("　（）：％，．、０１２３４５６７８９ＡＢＣ①②Ⅱ\t\n\r")),
)


@given(st.text(LABEL_CHARS))
def test_squash_has_no_whitespace_and_is_idempotent(text):
    once = squash(text)
    assert not any(ch.isspace() for ch in once)
    assert squash(once) == once


@given(st.text())
def test_label_key_never_raises(text):
    key, unit = label_key(text)
    assert isinstance(key, str)
    assert unit in {None, "万元", "元", "千元", "亿元", "%", "分"}
