"""ingest/read_xlsx.py: 自评表 workbooks read into the document model, then extracted like any
table-form report. Generated workbooks (samples/workbook.py) are checked against their truth
files; hand-made ones pin how a cell reads (numbers, formulas, percents, dates, merges)."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import olefile
import pytest
import xlsxwriter
from conftest import ROOT
from truth import indicator_key, line_key, same, source_key

from ingest.extract import extract_report
from ingest.model import Document, Paragraph, ParseError, Table
from ingest.read_xlsx import MAX_COLS, MAX_ROWS, read_xlsx
from samples.workbook import generate_workbooks, write_workbooks

COUNT = 40
SEED = 20260314


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("workbooks")
    write_workbooks(out, COUNT, SEED)
    return out


def truths_of(folder: Path, workbook: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob(f"{workbook.stem}.*truth.json"))]


def documents(data: bytes) -> list[Document]:
    read = read_xlsx(data, {})
    return read if isinstance(read, list) else [read]


def wrong_values(document: Document, truth: dict) -> list[tuple]:
    """What the extraction of `document` gets wrong against `truth` (empty when nothing)."""
    report = extract_report(document)
    name = (truth["file"], truth.get("sheet"))
    wrong = [(*name, field, want, getattr(report, field))
             for field, want in {**truth["report"], "parse_status": truth["parse_status"]}.items()
             if not same(want, getattr(report, field))]
    for kind, key in (("budget_lines", line_key), ("indicators", indicator_key), ("funding_sources", source_key)):
        got = sorted(key(vars(item)) for item in getattr(report, kind))
        if sorted(map(key, truth[kind])) != got:
            wrong.append((*name, kind, sorted(map(key, truth[kind])), got))
    return wrong


def read_against_truth(folder: Path, workbook: Path) -> list[tuple]:
    truths = truths_of(folder, workbook)
    docs = documents(workbook.read_bytes())
    if len(docs) != len(truths):
        return [(workbook.name, "documents", len(docs), len(truths))]
    by_sheet = {doc.sheet: doc for doc in docs}
    wrong = []
    for truth in truths:
        wrong += wrong_values(by_sheet[truth["sheet"]] if "sheet" in truth else docs[0], truth)
    return wrong


# -- generated workbooks against their truth ---------------------------------------------------
def test_the_generated_workbooks_cover_every_kind(folder):
    samples = list(generate_workbooks(COUNT, SEED))
    assert any(s.per_sheet for s in samples) and any(s.split for s in samples)
    assert any(s.narrative for s in samples) and any(not s.per_sheet and not s.narrative for s in samples)
    sheets = b"".join(zipfile.ZipFile(path).read(name) for path in folder.glob("*.xlsx")
                      for name in zipfile.ZipFile(path).namelist() if name.startswith("xl/worksheets/"))
    styles = b"".join(zipfile.ZipFile(path).read("xl/styles.xml") for path in folder.glob("*.xlsx"))
    assert re.search(rb"<f>SUM\([A-Z]+\d+:[A-Z]+\d+\)</f><v>\d", sheets)      # formulas, values cached
    assert b'formatCode="0.00%"' in styles and "年".encode() in styles      # percents, dates
    assert re.search(rb'<c r="[A-I]\d+" s="\d+"><v>\d+(\.\d+)?</v>', sheets)     # figures typed as numbers


def test_every_generated_workbook_reads_as_its_truth(folder):
    wrong = []
    for workbook in sorted(folder.glob("*.xlsx")):
        wrong += read_against_truth(folder, workbook)
    assert wrong == []


def test_a_workbook_of_one_report_per_sheet_gives_a_document_per_sheet(folder):
    sample = next(s for s in generate_workbooks(COUNT, SEED) if s.per_sheet)
    docs = read_xlsx((folder / sample.name).read_bytes(), {})
    assert isinstance(docs, list)
    assert [d.sheet for d in docs] == [sheet for sheet, _ in sample.sheets]
    assert [t["sheet"] for _, t in sample.truths()] == [sheet for sheet, _ in sample.sheets]
    for doc, (_, plan) in zip(docs, sample.sheets):
        assert extract_report(doc).project_name == plan.project


@pytest.mark.parametrize("kind", ["split", "narrative"])
def test_a_report_over_two_sheets_is_one_document(folder, kind):
    sample = next(s for s in generate_workbooks(COUNT, SEED) if getattr(s, kind) and not s.per_sheet)
    document = read_xlsx((folder / sample.name).read_bytes(), {})
    assert isinstance(document, Document) and document.sheet is None
    assert [b.index for b in document.blocks] == list(range(len(document.blocks)))
    if kind == "split":
        assert len(list(document.tables())) == 2
    else:
        assert len(list(document.paragraphs())) > 10           # the 自评报告 sheet, a paragraph a row


def small_form(book, sheet: str, project: str, score: float, year: int = 2023) -> None:
    out = book.add_worksheet(sheet)
    out.merge_range(0, 0, 0, 3, f"{year}年度项目支出绩效自评表")
    out.write_row(1, 0, ["项目名称", project, "实施单位", "某县农业农村局"])
    out.write_row(2, 0, ["年初预算数（万元）", 48.6, "全年执行数（万元）", 45.2])
    out.write_row(3, 0, ["自评得分", score, "自评等级", "优"])


def sheets_read(build) -> list[tuple[str | None, str | None]]:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    build(book)
    book.close()
    return [(doc.sheet, extract_report(doc).project_name) for doc in documents(out.getvalue())]


def test_sheets_are_reports_of_their_own_by_what_they_state_not_by_their_names():
    def two_projects(book):
        book.add_worksheet("填表说明").write_string(0, 0, "请按要求填写本表，金额单位为万元。")
        small_form(book, "Sheet1", "乡村道路维护项目", 95)
        small_form(book, "Sheet2", "农村饮水安全巩固提升项目", 88)
    assert sheets_read(two_projects) == [("Sheet1", "乡村道路维护项目"), ("Sheet2", "农村饮水安全巩固提升项目")]

    def two_years(book):
        small_form(book, "A", "乡村道路维护项目", 95, 2022)
        small_form(book, "B", "乡村道路维护项目", 97, 2023)
    assert sheets_read(two_years) == [("A", "乡村道路维护项目"), ("B", "乡村道路维护项目")]

    def one_project_twice(book):         # the form, then its indicators under the same name
        small_form(book, "基本信息", "乡村道路维护项目", 95)
        small_form(book, "绩效指标", "乡村道路维护项目", 95)
    assert sheets_read(one_project_twice) == [(None, "乡村道路维护项目")]


# -- how cells read ----------------------------------------------------------------------------
def workbook(build) -> bytes:
    """An .xlsx made by `build(book, sheet)`."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    build(book, book.add_worksheet("Sheet1"))
    book.close()
    return out.getvalue()


def with_part(data: bytes, part: str, change) -> bytes:
    """The workbook again, one part's bytes changed by `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


def only_table(document: Document) -> Table:
    (table,) = document.tables()
    return table


CHILD = """
import json, sys
from ingest.read_xlsx import read_xlsx
document = read_xlsx(sys.stdin.buffer.read(), {})
print(json.dumps([[[c.text for c in row] for row in t.rows] for t in document.tables()], ensure_ascii=False))
"""


def rows_read_in_a_child(data: bytes) -> list:
    """The tables' rows as read by another process: where calamine would reserve what a file
    declares, a mistake here aborts that process (Rust aborts on a failed allocation), not
    the test run."""
    done = subprocess.run([sys.executable, "-c", CHILD], input=data, capture_output=True, timeout=120,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-600:]
    return json.loads(done.stdout)


def test_numbers_read_as_written():
    def build(book, sheet):
        percent, date = book.add_format({"num_format": "0.00%"}), book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, ["预算数", "执行数", "整数", "执行率", "日期", "文本数字"])
        sheet.write_number(1, 0, 28.1)
        sheet.write_number(1, 1, 0.0)            # replaced below by 28.099999999999998
        sheet.write_number(1, 2, 3.0)
        sheet.write_number(1, 3, 0.9467, percent)
        sheet.write_datetime(1, 4, dt.datetime(2023, 1, 5), date)
        sheet.write_string(1, 5, "0012")
    data = with_part(workbook(build), "xl/worksheets/sheet1.xml",
                     lambda xml: xml.replace(b'<c r="B2"><v>0</v></c>', b'<c r="B2"><v>28.099999999999998</v></c>'))
    table = only_table(read_xlsx(data, {}))
    assert [c.text for c in table.rows[1]] == ["28.1", "28.1", "3", "94.67%", "2023-01-05", "0012"]


def test_a_formula_reads_as_its_cached_value():
    def build(book, sheet):
        sheet.write_row(0, 0, ["项目", "金额"])
        sheet.write_row(1, 0, ["办公费", 14.05])
        sheet.write_row(2, 0, ["印刷费", 14.05])
        sheet.write_string(3, 0, "合计")
        # The value cached with the formula is what the unit saw; it is read, never recomputed.
        sheet.write_formula(3, 1, "=SUM(B2:B3)", None, 28.1)
        sheet.write_string(4, 0, "核对")
        sheet.write_formula(4, 1, "=B4*0", None, 7)
    table = only_table(read_xlsx(workbook(build), {}))
    assert [c.text for c in table.rows[3]] == ["合计", "28.1"]
    assert table.rows[4][1].text == "7"


def test_merged_ranges_are_one_cell_and_titles_paragraphs():
    def build(book, sheet):
        sheet.write_string(0, 0, "附件3")
        sheet.merge_range(1, 0, 1, 3, "项目支出绩效自评表")
        sheet.merge_range(2, 0, 2, 3, "（2023年度）")
        sheet.write_string(3, 0, "项目名称")
        sheet.merge_range(3, 1, 3, 3, "乡村道路维护项目")
        sheet.merge_range(4, 0, 6, 0, "资金投入")
        for row, (label, amount) in enumerate((("年初预算数", 48.6), ("全年执行数", 45.2), ("执行率", "93%")), 4):
            sheet.write(row, 1, label)
            sheet.merge_range(row, 2, row, 3, "")
            sheet.write(row, 2, amount)
        sheet.write_string(8, 3, "2024年1月27日")
        sheet.write_string(30, 0, "")              # empty trailing rows and columns are no part of it
        sheet.write_blank(40, 20, None, book.add_format({"border": 1}))
    document = read_xlsx(workbook(build), {})
    blocks = document.blocks
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == [
        "附件3", "项目支出绩效自评表", "（2023年度）", "2024年1月27日"]
    table = blocks[3]
    assert isinstance(table, Table) and table.caption == "（2023年度）" and table.width == 4
    assert [(c.text, c.col, c.span, c.merged_up) for c in table.rows[0]] == [
        ("项目名称", 0, 1, False), ("乡村道路维护项目", 1, 3, False)]
    assert [(c.text, c.col, c.span, c.merged_up) for c in table.rows[2]] == [
        ("", 0, 1, True), ("全年执行数", 1, 1, False), ("45.2", 2, 2, False)]
    assert table.grid()[3] == ["资金投入", "执行率", "93%", "93%"]
    assert document.text().count("资金投入") == 1 and document.text().count("乡村道路维护项目") == 1


def test_hidden_sheets_are_not_read():
    def build(book, sheet):
        sheet.write_row(0, 0, ["项目名称", "乡村道路维护项目"])
        hidden = book.add_worksheet("下拉选项")
        hidden.write_row(0, 0, ["产出指标", "效益指标"])
        hidden.hide()
    assert "产出指标" not in read_xlsx(workbook(build), {}).text()


# -- limits and damage -------------------------------------------------------------------------
def test_a_value_far_away_costs_nothing():
    """One value in XFD1048576 would make calamine lay out 17 billion cells: it is dropped."""
    def build(book, sheet):
        sheet.write_row(0, 0, ["项目名称", "乡村道路维护项目"])
        sheet.write_row(1, 0, ["自评得分", 95])
        sheet.write_string(1048575, 16383, "远处")
        sheet.write_string(MAX_ROWS + 5, 0, "第2005行")
        sheet.write_string(5, MAX_COLS + 5, "第105列")
    assert rows_read_in_a_child(workbook(build)) == [[["项目名称", "乡村道路维护项目"], ["自评得分", "95"]]]


def test_a_string_table_that_declares_billions_of_strings():
    def build(book, sheet):
        sheet.write_row(0, 0, ["项目名称", "乡村道路维护项目"])
    data = with_part(workbook(build), "xl/sharedStrings.xml",
                     lambda xml: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4000000000"', xml))
    assert rows_read_in_a_child(data) == [[["项目名称", "乡村道路维护项目"]]]


def corrupt_cases() -> dict[str, bytes]:
    def build(book, sheet):
        sheet.write_row(0, 0, ["项目名称", "乡村道路维护项目"])
    good = workbook(build)
    only_xl = io.BytesIO()
    with zipfile.ZipFile(only_xl, "w") as target:
        target.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return {
        "truncated": good[: len(good) // 2],
        "no workbook part": only_xl.getvalue(),
        "broken sheet xml": with_part(good, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2]),
        "ole noise": olefile.MAGIC + bytes(5000),
    }


@pytest.mark.parametrize("case", list(corrupt_cases()))
def test_a_corrupt_workbook_says_so(case):
    with pytest.raises(ParseError) as caught:
        read_xlsx(corrupt_cases()[case], {})
    assert caught.value.message.code == "xlsx.corrupt"


def test_a_zip_that_expands_past_the_limit_is_refused_unread():
    def build(book, sheet):
        sheet.write_string(0, 0, "x" * 30000)
    with pytest.raises(ParseError) as caught:
        read_xlsx(workbook(build), {"max_expanded_bytes": 10_000})
    assert caught.value.message.code == "docx.zip_bomb"


# -- .xls, written by LibreOffice --------------------------------------------------------------
def to_xls(sources: list[Path], out: Path) -> list[Path]:
    """The workbooks saved as Excel 97–2003 by LibreOffice (scripts/test.sh installs it with
    Calc); without it the test fails saying why, never passes unseen."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.fail("LibreOffice (soffice) is not installed: no .xls to read")
    try:
        subprocess.run([office, "--headless", "--norestore", f"-env:UserInstallation=file://{out / 'profile'}",
                        "--convert-to", "xls", "--outdir", str(out), *map(str, sources)],
                       capture_output=True, timeout=180, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("LibreOffice took over 180 s to write .xls")
    made = [out / f"{source.stem}.xls" for source in sources]
    if not all(path.exists() for path in made):
        pytest.fail("LibreOffice cannot write .xls here (Calc, libreoffice-calc-nogui, is not installed)")
    return made


def test_xls_workbooks_read_as_their_truth(folder, tmp_path):
    samples = list(generate_workbooks(COUNT, SEED))
    chosen = [s for s in samples if s.per_sheet][:2] + [s for s in samples if s.split][:1]
    chosen += [s for s in samples if not s.per_sheet and not s.split][:3]
    made = to_xls([folder / s.name for s in chosen], tmp_path)
    wrong = []
    for xls, sample in zip(made, chosen):
        data = xls.read_bytes()
        assert data.startswith(olefile.MAGIC)
        truths = [t for _, t in sample.truths()]
        docs = documents(data)
        assert len(docs) == len(truths)
        by_sheet = {doc.sheet: doc for doc in docs}
        for truth in truths:
            wrong += wrong_values(by_sheet[truth["sheet"]] if "sheet" in truth else docs[0], truth)
    assert wrong == []


def test_an_xls_with_a_value_far_away_and_a_lying_dimensions_record(tmp_path):
    """calamine reserves what an .xls's DIMENSIONS record declares and lays out every sheet
    when it opens the file: both are mended before it sees them."""
    def build(book, sheet):
        sheet.write_row(0, 0, ["项目名称", "乡村道路维护项目"])
        sheet.write_string(65535, 255, "远处")
    source = tmp_path / "far.xlsx"
    source.write_bytes(workbook(build))
    (xls,) = to_xls([source], tmp_path)
    data = bytearray(xls.read_bytes())
    at = data.find(struct.pack("<HH", 0x0200, 14))       # DIMENSIONS: rows as 32-bit numbers
    assert at > 0
    struct.pack_into("<I", data, at + 8, 0xDD000000)     # 3.7 billion rows declared
    assert rows_read_in_a_child(bytes(data)) == [[["项目名称", "乡村道路维护项目"]]]
