"""ingest/layout.py: words and rulings on pages -> paragraphs, tables and furniture.

Pages are built here from words with positions, as a reader (read_pdf, read_scan) hands
them over: a Chinese character 11 points wide, lines 15 points apart, the text area from
x=90 to x=519 of a 612 x 792 page.
"""
from __future__ import annotations

import pytest

from ingest.layout import Page, Ruling, Word, document_of
from ingest.model import HEADER, Paragraph, Table

EM = 11.0
LEFT, RIGHT = 90.0, 519.0          # 39 characters a full line


def word(text: str, x: float, top: float, confidence: float | None = None) -> Word:
    """A run of Chinese text (each character one em wide) starting at x."""
    return Word(text, x, top, x + EM * len(text), top + EM, confidence)


def page(number: int, words: list[Word], rulings: list[Ruling] | None = None) -> Page:
    return Page(number, 612.0, 792.0, words, rulings or [])


def box_rulings(xs: list[float], ys: list[float], skip: set = frozenset()) -> list[Ruling]:
    """Rulings of a grid with these edges, except the segments in `skip`: ("v", column
    edge index, row) or ("h", row edge index, column)."""
    out = []
    for i, y in enumerate(ys):
        for c in range(len(xs) - 1):
            if ("h", i, c) not in skip:
                out.append(Ruling(xs[c], y, xs[c + 1], y))
    for i, x in enumerate(xs):
        for r in range(len(ys) - 1):
            if ("v", i, r) not in skip:
                out.append(Ruling(x, ys[r], x, ys[r + 1]))
    return out


def test_wrapped_lines_are_one_paragraph_and_an_indent_starts_the_next():
    first = "一" * 37
    second = "二" * 39
    words = [word(first, LEFT + 2 * EM, 100), word(second, LEFT, 115), word("完。", LEFT, 130),
             word("新段落" * 5, LEFT + 2 * EM, 145), word("又一行", LEFT, 160)]
    document = document_of([page(1, words)], "pdf")
    texts = [p.text for p in document.paragraphs()]
    assert texts == [first + second + "完。", "新段落" * 5, "又一行"]
    assert document.blocks[0].box.page == 1
    assert document.blocks[0].box.top == 100 and document.blocks[0].box.bottom == 141


def test_a_paragraph_runs_on_across_a_page_break():
    words_one = [word("甲" * 37, LEFT + 2 * EM, 100), word("乙" * 39, LEFT, 700)]
    words_two = [word("丙丙。", LEFT, 72), word("丁" * 10, LEFT + 2 * EM, 87)]
    document = document_of([page(1, words_one), page(2, words_two)], "pdf")
    texts = [p.text for p in document.paragraphs()]
    assert texts == ["甲" * 37, "乙" * 39 + "丙丙。", "丁" * 10]
    assert document.blocks[1].box.page == 1


def test_punctuation_that_cannot_start_a_line_counts_with_the_word_before():
    """A line ending two characters short still wrapped when the next line starts "字，"."""
    words = [word("一" * 37, LEFT, 100), word("字，后文", LEFT, 115), word("另起一段" * 3, LEFT, 145)]
    texts = [p.text for p in document_of([page(1, words)], "pdf").paragraphs()]
    assert texts[0] == "一" * 37 + "字，后文"


def test_wrapped_latin_words_keep_their_space():
    words = [Word("Performance", LEFT, 100, RIGHT - 5, 111), Word("report", LEFT, 115, 130, 126),
             Word("Other", LEFT, 200, 120, 211)]
    texts = [p.text for p in document_of([page(1, words)], "pdf").paragraphs()]
    assert texts == ["Performance report", "Other"]


def test_table_from_rulings_with_merged_cells_and_wrapped_cell_text():
    """A header across two columns (span), a label merged down two rows (merged_up), a
    cell whose text wrapped (joined without a space), the caption the paragraph above."""
    xs = [90.0, 190.0, 256.0, 356.0]      # the middle column holds five characters a line
    ys = [200.0, 220.0, 250.0, 270.0]
    skip = {("v", 2, 0), ("h", 2, 0)}      # no border inside the header; label merged down
    words = [word("支出明细表", LEFT, 180),
             word("科目", 95, 204), word("金额", 195, 204),
             word("办公费", 95, 224), word("河池市委编", 195, 224), word("办（河池）", 195, 237),
             word("3.4", 261, 224),
             word("2.1", 261, 254)]
    document = document_of([page(1, words, box_rulings(xs, ys, skip))], "pdf")
    table = next(document.tables())
    assert table.caption == "支出明细表"
    header = [(c.text, c.col, c.span, c.merged_up) for c in table.rows[0]]
    assert header == [("科目", 0, 1, False), ("金额", 1, 2, False)]
    assert table.grid() == [["科目", "金额", "金额"],
                            ["办公费", "河池市委编办（河池）", "3.4"],
                            ["办公费", "", "2.1"]]
    assert table.rows[2][0].merged_up
    assert all(cell.box is not None and cell.box.page == 1 for row in table.rows for cell in row)


def test_a_wrapped_number_joins():
    xs, ys = [90.0, 190.0, 214.0], [200.0, 232.0]
    words = [Word("支出", 95, 204, 117, 215), Word("22.", 193, 204, 209, 215), Word("5", 193, 218, 199, 229)]
    table = next(document_of([page(1, words, box_rulings(xs, ys))], "pdf").tables())
    assert table.grid() == [["支出", "22.5"]]


def test_an_ocr_line_over_two_cells_is_cut_at_the_border_and_keeps_its_confidence():
    xs, ys = [90.0, 190.0, 290.0], [200.0, 220.0]
    line = Word("产出指标数量指标", 95, 204, 285, 215, confidence=0.62)
    table = next(document_of([page(1, [line], box_rulings(xs, ys))], "scan").tables())
    assert table.grid() == [["产出指标", "数量指标"]]
    assert table.rows[0][0].confidence == pytest.approx(0.62)


def test_a_table_nested_in_a_cell():
    """Borders standing wholly inside one cell are a table of their own, its text also
    the cell's."""
    outer = box_rulings([90.0, 190.0, 400.0], [200.0, 260.0])
    inner = box_rulings([200.0, 300.0, 390.0], [210.0, 230.0])
    words = [word("实际支出", 95, 204), word("科目", 205, 214), word("27.36", 305, 214)]
    document = document_of([page(1, words, outer + inner)], "pdf")
    tables = list(document.tables())
    assert [t.parent for t in tables] == [None, tables[0].index]
    assert tables[1].grid() == [["科目", "27.36"]]
    assert tables[0].grid() == [["实际支出", "科目\n27.36"]]


def test_a_table_broken_by_a_page_joins_without_its_repeated_header():
    xs = [90.0, 250.0, 400.0]
    first = box_rulings(xs, [600.0, 620.0, 640.0])
    second = box_rulings(xs, [72.0, 92.0, 112.0])
    page_one = [word("科目", 95, 604), word("金额", 255, 604), word("办公费", 95, 624), word("1", 255, 624)]
    page_two = [word("科目", 95, 76), word("金额", 255, 76), word("差旅费", 95, 96), word("2", 255, 96)]
    document = document_of([page(1, page_one, first), page(2, page_two, second)], "pdf")
    tables = list(document.tables())
    assert len(tables) == 1
    assert tables[0].grid() == [["科目", "金额"], ["办公费", "1"], ["差旅费", "2"]]
    assert tables[0].rows[2][0].box.page == 2


def test_page_numbers_are_dropped_and_a_running_head_kept_once():
    pages = []
    for number in (1, 2, 3):
        pages.append(page(number, [word("某某局项目支出绩效自评报告", 200, 30),
                                   word(f"正文第{number}页", LEFT, 100),
                                   Word(f"第 {number} 页 共 3 页", 280, 760, 340, 771)]))
    document = document_of(pages, "pdf")
    assert [p.text for p in document.paragraphs()] == ["正文第1页", "正文第2页", "正文第3页"]
    kept = [(p.part, p.text, p.box.page) for p in document.furniture]
    assert kept == [(HEADER, "某某局项目支出绩效自评报告", 1)]


def test_a_one_page_heading_is_body():
    """A title near the top of a one-page report repeats nowhere: it is body text."""
    words = [word("项目支出绩效自评报告", 200, 30), word("正文", LEFT, 100)]
    document = document_of([page(1, words)], "pdf")
    assert [p.text for p in document.paragraphs()] == ["项目支出绩效自评报告", "正文"]
    assert document.furniture == []


def test_a_box_round_text_is_paragraphs_not_a_table():
    rulings = box_rulings([150.0, 450.0], [300.0, 340.0])
    words = [word("自评得分：86分", 160, 305), word("评价等级：良好", 160, 322)]
    document = document_of([page(1, words, rulings)], "pdf")
    assert all(isinstance(block, Paragraph) for block in document.blocks)
    assert [p.text for p in document.paragraphs()] == ["自评得分：86分", "评价等级：良好"]


def test_the_lowest_word_confidence_is_the_paragraphs():
    words = [word("识别", LEFT, 100, 0.95), word("文字", LEFT + 3 * EM, 100, 0.71)]
    paragraph = next(document_of([page(1, words)], "scan").paragraphs())
    assert paragraph.text == "识别 文字" and paragraph.confidence == pytest.approx(0.71)
    assert document_of([page(1, words)], "scan").file_format == "scan"


def test_no_words_no_blocks():
    document = document_of([page(1, []), page(2, [])], "pdf")
    assert document.blocks == [] and document.pages == 2
    assert not any(isinstance(b, Table) for b in document.blocks)


def test_a_merged_cell_running_over_the_page_break_stays_one_cell():
    """Word prints a merged cell's text on its first page; on the next, the rest of it is
    an empty cell over several rows: the same cell (merged_up), not an empty label."""
    xs = [90.0, 250.0, 400.0]
    first = box_rulings(xs, [600.0, 620.0, 640.0])
    second = box_rulings(xs, [72.0, 92.0, 112.0], skip={("h", 1, 0)})   # col 0 merged over two rows
    page_one = [word("指标", 95, 604), word("得分", 255, 604), word("满意度", 95, 624), word("9", 255, 624)]
    page_two = [word("8", 255, 76), word("7", 255, 96)]
    table = next(document_of([page(1, page_one, first), page(2, page_two, second)], "pdf").tables())
    assert table.grid() == [["指标", "得分"], ["满意度", "9"], ["满意度", "8"], ["满意度", "7"]]
    assert [row[0].merged_up for row in table.rows] == [False, False, True, True]
