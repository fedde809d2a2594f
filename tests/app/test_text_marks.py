"""A report's text with passages marked: each value's source placed in the text as read, the
passages two texts share, and the markdown that shows the report's words as written."""
from __future__ import annotations

import pytest
from conftest import fetch

from app_pages.text_marks import JOINER, NBSP, escape_line, locate, marked_markdown, shared_passages, swatch
from ingest.text import snippet

PARAGRAPH = "2019年项目预算资金28.5万元，实际到位28.5万元，资金到位率100%；实际支出27.36万元，预算执行率96%。"
TEXT = "\n".join(["某项目支出绩效自评报告",
                  "一、项目基本概况",
                  "计划安排资金（万元） | 28.5 | 实际到位资金（万元） | 28.5",
                  "其中：中央财政 |  | 其中：中央财政 | ",
                  "自治区财政 | 10 | 自治区财政 | 10",
                  "实际支出（万元） | 27.36",
                  "三、绩效分析",
                  PARAGRAPH])


def spanned(text: str, span) -> str | None:
    return None if span is None else text[span[0]:span[1]]


def test_a_prose_value_is_placed_by_its_span_in_its_snippet():
    # As the parser records it: the span in the paragraph, the snippet cut around it.
    start = PARAGRAPH.index("资金到位率")
    end = PARAGRAPH.index("；")
    row = {"snippet": snippet(PARAGRAPH, start, end), "method": "text", "block": 7, "char_start": start,
           "char_end": end}
    assert row["snippet"].startswith("…")
    assert [spanned(TEXT, span) for span in locate(TEXT, [row])] == ["资金到位率100%"]


def test_table_cells_are_placed_by_label_and_value_or_by_their_row():
    rows = [
        # "label：value": the cell after the label on its line (the first 28.5 is the plan's).
        {"snippet": "实际到位资金（万元）：28.5", "method": "table", "block": 3, "row_no": 1, "col_no": 3},
        {"snippet": "实际支出（万元）：27.36", "method": "table", "block": 3, "row_no": 4, "col_no": 1},
        # Too short to search for ("10" is everywhere): its table's row 3, column 1.
        {"snippet": "10", "method": "table", "block": 3, "row_no": 3, "col_no": 1},
        # A sum of lines is in no one place.
        {"snippet": "其中各行之和：10 = 10", "method": "computed", "block": 3},
    ]
    spans = locate(TEXT, rows)
    lines = TEXT.split("\n")
    assert [spanned(TEXT, span) for span in spans] == ["28.5", "27.36", "10", None]
    assert TEXT[:spans[0][0]].count("\n") == 2 and spans[0][0] > TEXT.index("实际到位")
    assert TEXT[:spans[2][0]].count("\n") == 4 and lines[4].startswith("自治区财政")


def test_full_width_and_spaced_cells_are_found():
    text = "项　目　名　称 | 某某经费\n资金总额 | ２８．５ | ２７．３６"
    rows = [{"snippet": "项目名称：某某经费", "method": "table", "block": 1, "row_no": 0, "col_no": 1},
            {"snippet": "资金总额 · 实际支出数：２７．３６", "method": "table", "block": 1, "row_no": 1, "col_no": 2}]
    assert [spanned(text, span) for span in locate(text, rows)] == ["某某经费", "２７．３６"]


def test_every_key_value_of_the_corpus_and_samples_is_placed(page_store):
    """The sources of the key figures are marked in nearly every report; those left out are
    read from tables the text does not hold (listed when this fails)."""
    import collections

    columns = ["report_id", "field", "method", "snippet", "block", "row_no", "col_no", "char_start", "char_end"]
    rows = fetch(page_store, f"select {', '.join(columns)} from provenance where witness_no = 0 and "
                             "field in ('budget_planned', 'funds_arrived', 'spent', 'self_score', 'project_name') "
                             "and method <> 'computed' and snippet <> ''")
    texts = dict(fetch(page_store, "select report_id, text from report_texts"))
    by_report = collections.defaultdict(list)
    for row in rows:
        by_report[row[0]].append(dict(zip(columns, row)))
    missed = [(report_id, row["field"], row["snippet"]) for report_id, sources in by_report.items()
              for row, span in zip(sources, locate(texts[report_id] or "", sources)) if span is None]
    assert len(missed) <= 0.02 * len(rows), missed


def test_shared_passages_are_the_runs_both_texts_hold():
    common = "项目实施过程中严格执行财务管理制度，资金使用规范。"
    first = "甲县农业农村局：" + common + "完成培训120人次。"
    second = "乙县农业农村局：" + common + "完成培训80人次。"
    first_spans, second_spans = shared_passages(first, second)
    assert [first[a:b] for a, b in first_spans] == [second[a:b] for a, b in second_spans]
    assert common in [first[a:b] for a, b in first_spans][0]
    assert "甲" not in "".join(first[a:b] for a, b in first_spans)


@pytest.mark.parametrize("line, shown", [
    ("1. 立项背景", "1\\. 立项背景"),                                    # not a list
    ("- 项目", "\\- 项目"),
    ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),    # never HTML
    ("**粗** [链接](x) `码` $x$ #", "\\*\\*粗\\*\\* \\[链接\\](x) \\`码\\` \\$x\\$ \\#"),
    ("a -> b >= c", f"a -{JOINER}\\> b \\>{JOINER}= c"),                 # not → ≥
    ("&lt; :smile:", f"\\&lt; \\:{JOINER}smile\\:"),                     # not an entity, not an emoji
    ("  两格", f"{NBSP}{NBSP}两格"),
])
def test_a_line_is_escaped_to_show_as_written(line, shown):
    assert escape_line(line) == shown


def test_marks_are_backgrounds_on_escaped_text_line_by_line():
    text = "实际支出 *27.36* 万元\n第二行"
    start = text.index("*27")
    marked = marked_markdown(text, [((start, start + 7), "red"), ((start, start + 3), "blue")])
    assert marked == "实际支出 " + swatch("\\*27.36\\*", "red") + " 万元  \n第二行"
