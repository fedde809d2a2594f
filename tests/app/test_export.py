"""导出: counts and previews of the filtered tables, and the files the page offers (CSV with
a BOM in a zip beside a 筛选条件 file, one XLSX workbook, Parquet), read back and checked
against the store: for people (headers and codes in words, money and rates rounded or
formatted) and, with the codes switch, cell by cell as stored."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import zipfile
from xml.etree import ElementTree

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
from conftest import CORPUS
from polars.testing import assert_frame_equal
from python_calamine import CalamineWorkbook
from streamlit.runtime.media_file_manager import MediaFileManager
from truth import load_truths, read_truth, same

import queries
from app_pages import export_parts
from app_pages.filters import Filters
from app_pages.i18n import TEXTS
from ingest import store
from tests.app.conftest import open_tab

BOM = b"\xef\xbb\xbf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def offered(monkeypatch):
    """What the page hands to its download buttons, by file name: their bytes."""
    files: dict[str, bytes] = {}
    add = MediaFileManager.add

    def spy_add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            files[file_name] = path_or_data
        return add(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", spy_add)
    return files


FILES = [f"csv_{table}" for table in export_parts.TABLES] + ["xlsx", "parquet"]


def preview_frames(app) -> list:
    """Each table's preview, its tab opened in turn (only the open one is drawn), then the
    first tab opened again."""
    frames = []
    for table in export_parts.TABLES:
        open_tab(app, "export_preview_tab", TEXTS[f"export.table.{table}"][lang_of(app)])
        (frame,) = app.dataframe
        frames.append(frame.value)
    open_tab(app, "export_preview_tab", TEXTS[f"export.table.{export_parts.TABLES[0]}"][lang_of(app)])
    return frames


def lang_of(app) -> str:
    return app.session_state["lang"] if "lang" in app.session_state else "zh"


def build(app, *files: str):
    """Press each file's build button (every file's when none is named), as a user does."""
    for what in files or FILES:
        app.button(key=f"export_{what}_prepare").click().run()
        assert not app.exception, what
    return app


def expected_counts(db, year: int | None = None, rule: str | None = None) -> dict[str, int]:
    """The filtered tables' sizes, by our own SQL over the store."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        conn.execute("""create temp table chosen as select report_id from reports
                        where parse_status <> 'failed' and ($1::integer is null or fiscal_year = $1)
                          and ($2::varchar is null or report_id in (select report_id from anomalies where rule = $2))""",
                     [year, rule])
        counts = {table: conn.execute(f"select count(*) from {table} where report_id in (select * from chosen)")
                  .fetchall()[0][0] for table in ("reports", "budget_lines", "indicators")}
        counts["anomalies"] = conn.execute("select count(*) from anomalies where report_id in (select * from chosen) "
                                           "and ($1::varchar is null or rule = $1)", [rule]).fetchall()[0][0]
        return counts
    finally:
        conn.close()


# The columns an export takes from the report itself (file_name) and from the latest review;
# every other column is the table's own, under its own name.
REVIEW_COLUMNS = ("status", "comment", "reviewer", "reviewed_at")
SHEET_NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
EXCEL_EPOCH = dt.datetime(1899, 12, 30)     # serial 1.0 is 1900-01-01 (with Excel's leap-day bug)


def store_rows(db, table: str, columns: list[str], year: int) -> pl.DataFrame:
    """The rows a file of `table` should hold for one year's readable reports, read by our
    own SQL from the store's tables, in the columns the file has."""
    def source(column: str) -> str:
        if column == "file_name" or table == "reports":
            return f"r.{column}"
        if table == "anomalies" and column in REVIEW_COLUMNS:
            return "coalesce(l.status, 'open')" if column == "status" else f"l.{column}"
        return f"t.{column}"

    joined = "reports r" if table == "reports" else f"{table} t join reports r on r.report_id = t.report_id"
    if table == "anomalies":
        joined += """ left join (select report_id, rule, subject, arg_max(status, reviewed_at) as status,
                                        arg_max(comment, reviewed_at) as comment,
                                        arg_max(reviewer, reviewed_at) as reviewer, max(reviewed_at) as reviewed_at
                                 from reviews group by all) l
                      on l.report_id = t.report_id and l.rule = t.rule and l.subject = coalesce(t.subject, '')"""
    select = ", ".join(f"{source(column)} as {column}" for column in columns)
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.sql(f"select {select} from {joined} where r.parse_status <> 'failed' and r.fiscal_year = $year",
                        params={"year": year}).pl()
    finally:
        conn.close()


def assert_same_rows(got: pl.DataFrame, want: pl.DataFrame, what: str, **options) -> None:
    """The same rows in any order (the files keep the query's order; the store has none)."""
    try:
        assert_frame_equal(got.sort(got.columns, nulls_last=True), want.sort(want.columns, nulls_last=True), **options)
    except AssertionError as exc:
        raise AssertionError(f"{what}: {exc}") from exc


def as_csv_writes_it(frame: pl.DataFrame) -> pl.DataFrame:
    """The store's values as the CSV holds them: times to the second, and text that Excel
    would run as a formula behind an apostrophe."""
    return frame.with_columns(
        [pl.col(pl.Datetime).dt.truncate("1s")]
        + [pl.when(pl.col(name).str.contains(export_parts.FORMULA_START)).then("'" + pl.col(name))
           .otherwise(pl.col(name)).alias(name) for name, dtype in frame.schema.items() if dtype == pl.String])


def as_excel_holds_it(frame: pl.DataFrame) -> pl.DataFrame:
    """The store's values as Excel holds them: numbers, dates and times as numbers (days
    since Excel's epoch), text as text."""
    def serial(name: str, dtype) -> pl.Expr:
        days = (pl.col(name).cast(pl.Datetime("us")) - pl.lit(EXCEL_EPOCH)).dt.total_microseconds() / 86_400e6
        return days.alias(name) if dtype in (pl.Date, pl.Datetime) else pl.col(name).cast(pl.Float64)
    return frame.with_columns(serial(name, dtype) for name, dtype in frame.schema.items()
                              if dtype != pl.String)


def sheet_frame(workbook: zipfile.ZipFile, position: int, like: pl.DataFrame) -> pl.DataFrame:
    """A worksheet's cells as a frame shaped like `like` (as_excel_holds_it's): the header
    row must name its columns; inline text cells are text, every other value a number."""
    root = ElementTree.fromstring(workbook.read(f"xl/worksheets/sheet{position}.xml"))
    rows = []
    for row in root.iterfind("x:sheetData/x:row", SHEET_NS):
        cells = {}
        for cell in row.iterfind("x:c", SHEET_NS):
            column = re.match(r"[A-Z]+", cell.get("r")).group()
            index = sum((ord(letter) - 64) * 26 ** power for power, letter in enumerate(reversed(column))) - 1
            if cell.get("t") == "inlineStr":
                cells[index] = "".join(cell.find("x:is", SHEET_NS).itertext())
            else:
                cells[index] = float(cell.find("x:v", SHEET_NS).text)
        rows.append([cells.get(index) for index in range(max(cells, default=-1) + 1)])
    header, body = rows[0], rows[1:]
    assert header == like.columns
    width = len(header)
    return pl.DataFrame([row + [None] * (width - len(row)) for row in body], schema=like.schema, orient="row")


def busiest_year(db) -> int:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute("select fiscal_year from reports where parse_status <> 'failed' "
                            "group by 1 order by count(*) desc, 1 limit 1").fetchall()[0][0]
    finally:
        conn.close()


def fetch_dicts(db, sql: str, params: list) -> list[dict]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.sql(sql, params=params).pl().to_dicts()
    finally:
        conn.close()


def unzip(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def about_lines(data: bytes) -> list[str]:
    """The 筛选条件 file's lines (UTF-8 with a BOM, as the CSV beside it)."""
    assert data.startswith(BOM)
    return data.decode("utf-8-sig").splitlines()


def csv_cells(data: bytes) -> pl.DataFrame:
    """A CSV as written: every cell the text in the file."""
    assert data.startswith(BOM)
    return pl.read_csv(data[len(BOM):], infer_schema=False)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_formats(workbook: zipfile.ZipFile, position: int) -> dict[str, str]:
    """Each written cell's number format ("B2" -> "#,##0.00"), through the styles' cellXfs."""
    styles = ElementTree.fromstring(workbook.read("xl/styles.xml"))
    codes = {fmt.get("numFmtId"): fmt.get("formatCode") for fmt in styles.iterfind("x:numFmts/x:numFmt", SHEET_NS)}
    xfs = [codes.get(xf.get("numFmtId"), "General") for xf in styles.iterfind("x:cellXfs/x:xf", SHEET_NS)]
    sheet = ElementTree.fromstring(workbook.read(f"xl/worksheets/sheet{position}.xml"))
    return {cell.get("r"): xfs[int(cell.get("s", "0"))] for cell in sheet.iterfind("x:sheetData/x:row/x:c", SHEET_NS)}


def two_decimals(cell: str | None, stored: float | None) -> bool:
    """A CSV cell holds the stored number rounded to two decimals (or both are empty)."""
    if stored is None:
        return cell is None
    return (cell is not None and re.fullmatch(r"-?\d+(\.\d{1,2})?", cell) is not None
            and abs(float(cell) - stored) <= 0.005 + 1e-9)


# Coded values and the words the files use for them (common.py's severity.* and status.*).
SEVERITY_WORDS = {"zh": {"high": "高", "medium": "中", "low": "低", "info": "提示"},
                  "en": {"high": "High", "medium": "Medium", "low": "Low", "info": "Info"}}
STATUS_WORDS = {"open": "待审核", "confirmed": "已确认", "dismissed": "已排除"}
PARSE_WORDS = {"ok": "完整", "partial": "部分缺失"}
ORIGIN_WORDS = {"table": "表格", "text": "正文"}
TABLE_WORDS = {"zh": ("报告", "支出明细", "绩效指标", "异常"), "en": ("reports", "budget_lines", "indicators", "anomalies")}
BUTTON_WORDS = {"zh": ("报告", "支出明细", "绩效指标", "异常"), "en": ("Reports", "Budget lines", "Indicators", "Anomalies")}
# Each table's headers for people, as the CSV and Parquet files write them.
HEADERS = {
    "reports": {
        "zh": ["报告编号", "文件", "文件 SHA-256", "文件格式", "解析程序版本", "导入时间", "解析状态", "报告形式",
               "项目名称", "项目单位", "主管部门", "省份", "地区", "年度", "评价类型", "报告日期", "实施期开始",
               "实施期结束", "年初预算（万元）", "调整后预算（万元）", "到位（万元）", "支出（万元）", "所报到位率（%）",
               "所报执行率（%）", "到位率（%）", "执行率（%）", "自评得分", "等级（原文）", "等级", "缺失字段"],
        "en": ["Report id", "File", "File SHA-256", "File format", "Parser version", "Ingested at", "Parse status",
               "Report form", "Project", "Unit", "Supervising department", "Province", "Region", "Year",
               "Evaluation type", "Report date", "Period start", "Period end", "Budget planned (10k yuan)",
               "Budget adjusted (10k yuan)", "Arrived (10k yuan)", "Spent (10k yuan)", "Arrival rate stated (%)",
               "Execution rate stated (%)", "Arrival rate (%)", "Execution rate (%)", "Self-score", "Grade as written",
               "Grade", "Missing fields"]},
    "budget_lines": {
        "zh": ["报告编号", "文件", "序号", "经济科目", "科目代码", "科目（原文）", "计划（万元）", "实际（万元）", "出处"],
        "en": ["Report id", "File", "No.", "Economic category", "Category code", "Category as written",
               "Planned (10k yuan)", "Actual (10k yuan)", "From"]},
    "indicators": {
        "zh": ["报告编号", "文件", "序号", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
               "偏差原因及说明"],
        "en": ["Report id", "File", "No.", "Level 1", "Level 2", "Indicator", "Target", "Actual", "Weight", "Score",
               "Deviation note"]},
    "anomalies": {
        "zh": ["报告编号", "文件", "规则代码", "规则", "严重程度", "对象", "说明", "说明（英文）", "证据（JSON）", "发现时间",
               "审核状态", "审核意见", "审核人", "审核时间"],
        "en": ["Report id", "File", "Rule id", "Rule", "Severity", "Subject", "Message", "Message (English)",
               "Evidence (JSON)", "Detected at", "Status", "Review comment", "Reviewer", "Reviewed at"]},
}


def test_files_for_people_follow_the_filters(open_page, page_store, offered):
    year, today = busiest_year(page_store), dt.date.today()
    want = expected_counts(page_store, year=year)
    assert want["reports"] and want["budget_lines"] > 50           # a preview shorter than its table
    app = open_page("export.py", year=str(year))
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {"报告": f"{want['reports']:,}", "支出明细": f"{want['budget_lines']:,}",
                       "绩效指标": f"{want['indicators']:,}", "异常及审核": f"{want['anomalies']:,}"}
    assert "年度：" + str(year) in app.caption[0].value
    assert app.toggle(key="export_codes").value is False
    assert len(app.dataframe) == 1                  # only the open tab's preview is drawn
    labels = json.loads(app.dataframe[0].proto.columns)
    previews = preview_frames(app)
    assert [len(p) for p in previews] == [min(want[t], 50) for t in export_parts.TABLES]
    assert set(previews[0]["fiscal_year"]) == {year} and set(previews[0]["parse_status"]) <= set(PARSE_WORDS.values())
    assert set(previews[3]["severity"]) <= set(SEVERITY_WORDS["zh"].values())
    assert labels["budget_planned"]["label"] == "年初预算（万元）" and labels["execution_rate"]["label"] == "执行率（%）"

    # Nothing is built, or offered, until asked for.
    assert [app.button(key=f"export_{what}_prepare").label for what in FILES] == [
        f"生成 {word}（{want[t]:,} 行）" for word, t in zip(BUTTON_WORDS["zh"], export_parts.TABLES)] + [
        "生成 Excel 工作簿", "生成 Parquet（zip，4 个表）"]
    assert not app.get("download_button") and not offered

    # One zip per table and one for Parquet, named by what, which year and when.
    build(app, *[f"csv_{table}" for table in export_parts.TABLES], "parquet")
    names = [f"{word}_{year}_{today}" for word in TABLE_WORDS["zh"]]
    assert sorted(offered) == sorted([f"{name}.zip" for name in names] + [f"绩效自评_{year}_{today}.parquet.zip"])
    buttons = [button.proto.label for button in app.get("download_button")]
    assert buttons == [f"下载 {word}（{export_parts.size_text(len(offered[name + '.zip']))}）"
                       for word, name in zip(BUTTON_WORDS["zh"], names)] + [
        f"下载 Parquet（{export_parts.size_text(len(offered[f'绩效自评_{year}_{today}.parquet.zip']))}）"]

    # CSV in its zip, beside the 筛选条件 file that states the filters, time, store and rows.
    csv = {}
    for table, name in zip(export_parts.TABLES, names):
        files = unzip(offered[f"{name}.zip"])
        assert sorted(files) == sorted([f"{name}.csv", "筛选条件.txt"])
        lines = about_lines(files["筛选条件.txt"])
        assert lines[0] == "项目支出绩效自评报告 导出"
        assert re.fullmatch(r"导出时间：\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", lines[1])
        assert f"数据库：{page_store}" in lines and "筛选条件" in lines and f"  年度：{year}" in lines
        word = {"anomalies": "异常及审核"}.get(table, TABLE_WORDS["zh"][export_parts.TABLES.index(table)])
        assert lines[-1] == f"  {word}：{want[table]:,}"
        csv[table] = csv_cells(files[f"{name}.csv"])
        assert csv[table].columns == HEADERS[table]["zh"] and csv[table].height == want[table], table

    # Money and rates to two decimals, codes in words: each report as the store holds it.
    stored = fetch_dicts(page_store, "select report_id, budget_planned, spent, execution_rate, arrival_rate, "
                         "parse_status from reports where parse_status <> 'failed' and fiscal_year = $1", [year])
    shown = {row["报告编号"]: row for row in csv["reports"].iter_rows(named=True)}
    assert shown.keys() == {row["report_id"] for row in stored}
    for row in stored:
        cells = shown[row["report_id"]]
        for column, field in (("年初预算（万元）", "budget_planned"), ("支出（万元）", "spent"),
                              ("执行率（%）", "execution_rate"), ("到位率（%）", "arrival_rate")):
            assert two_decimals(cells[column], row[field]), (row["report_id"], column, cells[column], row[field])
        assert cells["解析状态"] == PARSE_WORDS[row["parse_status"]]
    # Rounding did something: some rate of that year has more than two decimals in the store.
    assert any(row["execution_rate"] is not None and float(shown[row["report_id"]]["执行率（%）"]) != row["execution_rate"]
               for row in stored)
    lines = fetch_dicts(page_store, "select b.report_id, b.line_no, b.planned, b.actual, b.origin "
                        "from budget_lines b join reports r using (report_id) "
                        "where r.parse_status <> 'failed' and r.fiscal_year = $1", [year])
    written = {(row["报告编号"], int(row["序号"])): row for row in csv["budget_lines"].iter_rows(named=True)}
    for row in lines:
        cells = written[(row["report_id"], row["line_no"])]
        assert two_decimals(cells["计划（万元）"], row["planned"]) and two_decimals(cells["实际（万元）"], row["actual"])
        assert cells["出处"] == ORIGIN_WORDS[row["origin"]]
    anomalies = fetch_dicts(page_store, "select a.report_id, a.rule, a.subject, a.severity from anomalies a "
                            "join reports r using (report_id) where r.parse_status <> 'failed' and r.fiscal_year = $1",
                            [year])
    found = {(row["报告编号"], row["规则代码"], row["对象"]): row for row in csv["anomalies"].iter_rows(named=True)}
    assert len(found) == len(anomalies)
    for row in anomalies:
        cells = found[(row["report_id"], row["rule"], row["subject"] or None)]
        assert cells["严重程度"] == SEVERITY_WORDS["zh"][row["severity"]]
        assert cells["规则"] == TEXTS[f"rule.{row['rule']}"]["zh"] and cells["规则"] != row["rule"]
        assert cells["审核状态"] in STATUS_WORDS.values()

    # Parquet: the same headers, full precision, and the filters in each file's metadata.
    files = unzip(offered[f"绩效自评_{year}_{today}.parquet.zip"])
    assert sorted(files) == sorted([f"{name}.parquet" for name in names] + ["筛选条件.txt"])
    assert f"  年度：{year}" in about_lines(files["筛选条件.txt"])
    for table, name in zip(export_parts.TABLES, names):
        metadata = pq.read_schema(io.BytesIO(files[f"{name}.parquet"])).metadata
        assert json.loads(metadata[b"filters"]) == {"年度": str(year)}
        assert json.loads(metadata[b"filter_params"])["years"] == [year]
        assert (metadata[b"table"].decode(), metadata[b"store"].decode(), metadata[b"language"], metadata[b"codes"],
                int(metadata[b"rows"])) == (table, str(page_store), b"zh", b"false", want[table])
        assert re.fullmatch(rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", metadata[b"exported_at"])
        frame = pl.read_parquet(io.BytesIO(files[f"{name}.parquet"]))
        assert frame.columns == HEADERS[table]["zh"] and frame.height == want[table]
    reports = pl.read_parquet(io.BytesIO(files[f"{names[0]}.parquet"]))
    assert dict(zip(reports["报告编号"], reports["执行率（%）"])) == {row["report_id"]: row["execution_rate"] for row in stored}

    # XLSX: Chinese sheets and headers, money shown to two decimals, rates as % cells.
    build(app, "xlsx")
    data = offered[f"绩效自评_{year}_{today}.xlsx"]
    workbook_button = app.get("download_button")[4]
    assert workbook_button.proto.label == f"下载 Excel 工作簿（{round(len(data) / 1e3)} KB）"
    assert re.fullmatch(rf"\d\d:\d\d:\d\d 生成：绩效自评_{year}_{today}\.xlsx", workbook_button.proto.help)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["筛选条件", "报告", "支出明细", "绩效指标", "异常及审核"]
    about = {row[0]: row[1] for row in book.get_sheet_by_name("筛选条件").to_python()}
    assert about["  年度"] == str(year) and about["数据库"] == str(page_store)
    assert about["  报告"] == f"{want['reports']:,}" and about["  异常及审核"] == f"{want['anomalies']:,}"
    sheet = book.get_sheet_by_name("报告").to_python()
    header = [name.replace("（%）", "") for name in HEADERS["reports"]["zh"]]
    assert sheet[0] == header
    formats = cell_formats(zipfile.ZipFile(io.BytesIO(data)), 2)
    money, rate, ids = header.index("年初预算（万元）"), header.index("执行率"), header.index("报告编号")
    by_id = {row["report_id"]: row for row in stored}
    for number, cells in enumerate(sheet[1:], start=2):
        row = by_id[cells[ids]]
        if row["budget_planned"] is None:
            assert cells[money] == ""
        else:
            assert cells[money] == row["budget_planned"] and formats[f"{column_letter(money)}{number}"] == "#,##0.00"
        if row["execution_rate"] is not None:
            assert cells[rate] == pytest.approx(row["execution_rate"] / 100, rel=1e-12)
            assert formats[f"{column_letter(rate)}{number}"] == "0.00%"
    assert [row[4] for row in book.get_sheet_by_name("异常及审核").to_python()[1:]] == \
        [SEVERITY_WORDS["zh"][code] for code in csv["anomalies"]["严重程度"].replace(
            {word: code for code, word in SEVERITY_WORDS["zh"].items()})]


def test_codes_keep_the_store_columns_and_values(open_page, page_store, offered):
    """With the codes switch on, every file holds the store's column names and values, cell
    by cell (the files for programs)."""
    year, today = busiest_year(page_store), dt.date.today()
    want = expected_counts(page_store, year=year)
    app = open_page("export.py", year=str(year))
    app.toggle(key="export_codes").set_value(True).run()
    build(app)
    previews = preview_frames(app)
    assert "rule_name" not in previews[3].columns and set(previews[3]["severity"]) <= set(SEVERITY_WORDS["zh"])
    names = [f"{word}_{year}_{today}" for word in TABLE_WORDS["zh"]]

    # CSV, one per table: UTF-8 with a BOM, Chinese readable, each cell the store's value.
    wanted = {}
    for table, name in zip(export_parts.TABLES, names):
        files = unzip(offered[f"{name}.zip"])
        assert "  年度：" + str(year) in about_lines(files["筛选条件.txt"])
        data = files[f"{name}.csv"]
        assert data.startswith(BOM)
        columns = data[len(BOM):].decode("utf-8").splitlines()[0].split(",")
        assert columns[:2] == ["report_id", "file_name"], table
        wanted[table] = store_rows(page_store, table, columns, year)
        assert wanted[table].height == want[table]
        frame = pl.read_csv(data[len(BOM):], schema=wanted[table].schema)
        assert_same_rows(frame, as_csv_writes_it(wanted[table]), f"{table}.csv")
    reports_csv = unzip(offered[f"{names[0]}.zip"])[f"{names[0]}.csv"]
    assert re.search(r"[\u4e00-\u9fff]", reports_csv.decode("utf-8-sig"))
    # The corpus reports of that year, as their truth files read them.
    reports = {row["file_name"]: row for row in
               pl.read_csv(reports_csv[len(BOM):], schema=wanted["reports"].schema).iter_rows(named=True)}
    known = [truth for truth in map(read_truth, load_truths(CORPUS)) if truth["report"]["fiscal_year"] == year]
    assert known
    for truth in known:
        for field in ("project_name", "implementing_unit", "budget_planned", "spent", "self_score", "grade"):
            assert same(truth["report"][field], reports[truth["file"]][field]), (truth["file"], field)

    # Parquet: one file per table in one zip, each holding the store's rows and types.
    files = unzip(offered[f"绩效自评_{year}_{today}.parquet.zip"])
    assert sorted(files) == sorted([f"{name}.parquet" for name in names] + ["筛选条件.txt"])
    for table, name in zip(export_parts.TABLES, names):
        frame = pl.read_parquet(io.BytesIO(files[f"{name}.parquet"]))
        assert_same_rows(frame, wanted[table], f"{table}.parquet")
        metadata = pq.read_schema(io.BytesIO(files[f"{name}.parquet"])).metadata
        assert metadata[b"codes"] == b"true" and json.loads(metadata[b"columns"]) == {c: c for c in frame.columns}

    # XLSX: one workbook.
    workbook = zipfile.ZipFile(io.BytesIO(offered[f"绩效自评_{year}_{today}.xlsx"]))
    names = re.findall(r'<sheet name="([^"]+)"', workbook.read("xl/workbook.xml").decode())
    assert names == ["filters", "reports", "budget_lines", "indicators", "anomalies"]
    first = workbook.read("xl/worksheets/sheet1.xml").decode()
    cells = [cell.strip() for cell in re.findall(r"<t[^>]*>([^<]*)</t>", first)]
    pairs = dict(zip(cells[0::2], cells[1::2]))
    assert pairs["年度"] == str(year) and pairs["数据库"] == str(page_store)
    assert pairs["列名与取值"].startswith("代码")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", pairs["导出时间"])
    assert "筛选条件" in pairs and pairs["reports"] == f"{want['reports']:,}"
    for position, table in enumerate(export_parts.TABLES, start=2):
        sheet = workbook.read(f"xl/worksheets/sheet{position}.xml").decode()
        assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in sheet
        (ref,) = re.findall(r'<autoFilter ref="A1:([A-Z]+)(\d+)"/>', sheet)
        assert int(ref[1]) == max(want[table], 1) + 1       # header + the filtered rows
        # Every cell the store's value: text as written (never a formula), numbers and times
        # to Excel's 15 digits.
        excel = as_excel_holds_it(wanted[table])
        assert_same_rows(sheet_frame(workbook, position, excel), excel, f"sheet {table}",
                         check_exact=False, rel_tol=1e-12, abs_tol=1e-9)


def test_a_rule_filter_narrows_the_anomalies_themselves(open_page, page_store):
    conn = duckdb.connect(str(page_store), read_only=True)
    rule = conn.execute("select rule from anomalies where rule <> 'MISSING_FIELDS' "
                        "group by 1 order by count(*) desc, 1 limit 1").fetchall()[0][0]
    conn.close()
    want = expected_counts(page_store, rule=rule)
    app = open_page("export.py", rule=rule)
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["报告"] == f"{want['reports']:,}" and metrics["异常及审核"] == f"{want['anomalies']:,}"
    anomalies = preview_frames(app)[3]
    assert len(anomalies) == min(want["anomalies"], 50) and set(anomalies["rule"]) == {rule}
    assert set(anomalies["rule_name"]) == {TEXTS[f"rule.{rule}"]["zh"]}
    assert f"全部年度_{dt.date.today()}" in app.button(key="export_csv_reports_prepare").help


def test_anomalies_carry_their_latest_review(page_store, tmp_path):
    db = tmp_path / "reviewed.duckdb"
    shutil.copy(page_store, db)
    conn = store.open_store(db)
    report_id, rule, subject = conn.execute("select report_id, rule, subject from anomalies "
                                            "order by report_id, rule limit 1").fetchall()[0]
    store.add_reviews(conn, [{"report_id": report_id, "rule": rule, "subject": subject, "status": "open",
                              "comment": "先看看"}], "甲")
    store.add_reviews(conn, [{"report_id": report_id, "rule": rule, "subject": subject, "status": "confirmed",
                              "comment": "已核实，超支属实"}], "乙")
    conn.close()
    conn = duckdb.connect(str(db), read_only=True)
    queries.prepare(conn)
    params = Filters(statuses=("confirmed",)).params()
    rows = queries.run(conn, "export_anomalies", limit=None, **params)
    counts = queries.run(conn, "export_counts", **params).row(0, named=True)
    everything = queries.run(conn, "export_anomalies", limit=None, **Filters().params())
    conn.close()
    assert rows.select("report_id", "rule", "status", "comment", "reviewer").rows() == [
        (report_id, rule, "confirmed", "已核实，超支属实", "乙")]
    assert rows["reviewed_at"][0] is not None and counts["anomalies"] == 1 and counts["reports"] == 1
    assert everything.height == expected_counts(page_store)["anomalies"]
    assert set(everything.filter(pl.col("reviewer").is_null())["status"]) == {"open"}
    # For people, the verdict in words.
    shown = export_parts.for_people(rows, "zh", round_numbers=True)
    assert shown.select("审核状态", "审核意见", "审核人").rows() == [("已确认", "已核实，超支属实", "乙")]


def test_english(open_page, page_store, offered):
    app = open_page("export.py", lang="en")
    assert not app.exception
    want, today = expected_counts(page_store), dt.date.today()
    assert app.header[0].value == "Export"
    assert {m.label: m.value for m in app.metric} == {
        "Reports": f"{want['reports']:,}", "Budget lines": f"{want['budget_lines']:,}",
        "Indicators": f"{want['indicators']:,}", "Anomalies and reviews": f"{want['anomalies']:,}"}
    assert [app.button(key=f"export_{what}_prepare").label for what in FILES] == [
        f"Build {word} ({want[t]:,} rows)" for word, t in zip(BUTTON_WORDS["en"], export_parts.TABLES)] + [
        "Build the Excel workbook", "Build Parquet (zip, 4 tables)"]
    build(app, "csv_anomalies", "parquet")
    assert [button.proto.label for button in app.get("download_button")] == [
        f"Download Anomalies ({export_parts.size_text(len(offered[f'anomalies_all-years_{today}.zip']))})",
        f"Download Parquet ({export_parts.size_text(len(offered[f'self-evaluation_all-years_{today}.parquet.zip']))})"]
    assert app.toggle(key="export_codes").label == "Export codes (store column names and values)"
    assert "No filters set" in app.caption[0].value
    assert sorted(offered) == [f"anomalies_all-years_{today}.zip", f"self-evaluation_all-years_{today}.parquet.zip"]
    files = unzip(offered[f"anomalies_all-years_{today}.zip"])
    assert sorted(files) == sorted([f"anomalies_all-years_{today}.csv", "filters.txt"])
    lines = about_lines(files["filters.txt"])
    assert lines[0] == "Performance self-evaluation reports: export"
    assert "Filters: None (all reports)" in lines and f"  Anomalies and reviews: {want['anomalies']:,}" in lines
    frame = csv_cells(files[f"anomalies_all-years_{today}.csv"])
    assert frame.columns == HEADERS["anomalies"]["en"] and frame.height == want["anomalies"]
    assert set(frame["Severity"]) <= set(SEVERITY_WORDS["en"].values()) and frame["Severity"].null_count() == 0
    assert set(frame["Status"]) <= {"Open", "Confirmed", "Dismissed"}
    assert all(name == TEXTS[f"rule.{rule}"]["en"] for rule, name in zip(frame["Rule id"], frame["Rule"]))
    files = unzip(offered[f"self-evaluation_all-years_{today}.parquet.zip"])
    metadata = pq.read_schema(io.BytesIO(files[f"reports_all-years_{today}.parquet"])).metadata
    assert json.loads(metadata[b"filters"]) == {} and metadata[b"language"] == b"en"


@pytest.mark.parametrize("table", export_parts.TABLES)
def test_headers_in_both_languages(page_store, table):
    conn = duckdb.connect(str(page_store), read_only=True)
    queries.prepare(conn)
    frame = queries.run(conn, f"export_{table}", limit=5, **Filters().params())
    conn.close()
    assert frame.height
    for language in ("zh", "en"):
        assert export_parts.for_people(frame, language, round_numbers=True).columns == HEADERS[table][language]
        workbook_headers = export_parts.headers(export_parts.labelled(frame, language).columns, language,
                                                percent_in_header=False)
        assert list(workbook_headers.values()) == [re.sub(r"（%）| \(%\)", "", name) for name in HEADERS[table][language]]


@pytest.mark.parametrize(("what", "years", "language", "ext", "want"), [
    ("anomalies", (2023,), "zh", "xlsx", "异常_2023_2026-12-06.xlsx"),
    ("reports", (2023, 2022), "zh", "zip", "报告_2022-2023_2026-12-06.zip"),
    ("all", (2023,), "zh", "xlsx", "绩效自评_2023_2026-12-06.xlsx"),
    ("budget_lines", (), "zh", "zip", "支出明细_全部年度_2026-12-06.zip"),
    ("indicators", (2019, 2021, 2022, 2023), "zh", "zip", "绩效指标_2019,2021-2023_2026-12-06.zip"),
    ("anomalies", (2023,), "en", "xlsx", "anomalies_2023_2026-12-06.xlsx"),
    ("all", (), "en", "parquet.zip", "self-evaluation_all-years_2026-12-06.parquet.zip"),
])
def test_file_names(what, years, language, ext, want):
    assert export_parts.file_name(what, years, language, dt.date(2026, 12, 6), ext) == want


def test_codes_in_words_and_numbers_rounded():
    frame = pl.DataFrame({
        "report_id": ["a", "b", "c"], "rule": ["OVERSPEND_LINE", "SOME_NEW_RULE", None],
        "severity": ["high", "info", "unheard-of"], "status": ["open", "dismissed", "confirmed"],
        "parse_status": ["ok", "partial", "ok"], "eval_type": ["事后", "事中", None],
        "missing_fields": ["[]", '["spent", "self_score"]', None],
        "budget_planned": [12.3456, 0.004, None], "execution_rate": [97.456, 100.0, 33.3333],
        "self_score": [92.125, 80.0, None]})
    zh = export_parts.for_people(frame, "zh", round_numbers=True)
    assert zh.columns == ["报告编号", "规则代码", "规则", "严重程度", "审核状态", "解析状态", "评价类型", "缺失字段",
                          "年初预算（万元）", "执行率（%）", "自评得分"]
    assert zh.rows() == [
        ("a", "OVERSPEND_LINE", "科目超计划支出", "高", "待审核", "完整", "事后", None, 12.35, 97.46, 92.125),
        ("b", "SOME_NEW_RULE", "SOME_NEW_RULE", "提示", "已排除", "部分缺失", "事中", "实际支出、自评得分", 0.0, 100.0, 80.0),
        ("c", None, None, "unheard-of", "已确认", "完整", None, None, None, 33.33, None)]
    en = export_parts.for_people(frame, "en", round_numbers=False)
    assert en.row(1) == ("b", "SOME_NEW_RULE", "SOME_NEW_RULE", "Info", "Dismissed", "Partial", "Mid-term",
                         "Amount spent, Self-score", 0.004, 100.0, 80.0)
    # Codes: the frame as stored, in the CSV too.
    context = export_parts.Context(codes=True, filters=(("年度", "2023"),), store="/x.duckdb", years=(2023,))
    files = unzip(export_parts.csv_zip(frame, "reports", context, "报告_2023_2026-12-06.zip",
                                       dt.datetime(2026, 12, 6, 9, 30)))
    assert about_lines(files["筛选条件.txt"]) == [
        "项目支出绩效自评报告 导出", "导出时间：2026-12-06 09:30:00", "数据库：/x.duckdb", "列名与取值：代码（与数据库一致，数值未舍入）",
        "", "筛选条件", "  年度：2023", "", "各表行数", "  reports：3"]
    back = pl.read_csv(files["报告_2023_2026-12-06.csv"][len(BOM):], schema=frame.schema)
    assert_frame_equal(back, frame)


def test_a_labelled_workbook_formats_money_and_rates():
    frame = pl.DataFrame({"report_id": ["a", "b"], "budget_planned": [12.3456, None], "execution_rate": [97.5, 33.3333],
                          "severity": ["medium", "low"]})
    context = export_parts.Context(language="zh", filters=(("省份", "浙江省"),), store="/x.duckdb")
    about = export_parts.about_rows(context, {"reports": 2}, dt.datetime(2026, 12, 6, 9, 30))
    data = export_parts.xlsx_bytes({"reports": frame}, about, context)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["筛选条件", "报告"]
    assert ["  省份", "浙江省"] in book.get_sheet_by_name("筛选条件").to_python()
    assert book.get_sheet_by_name("报告").to_python() == [
        ["报告编号", "年初预算（万元）", "执行率", "严重程度"], ["a", 12.3456, 0.975, "中"], ["b", "", 0.333333, "低"]]
    formats = cell_formats(zipfile.ZipFile(io.BytesIO(data)), 2)
    assert (formats["B2"], formats["C2"], formats["C3"]) == ("#,##0.00", "0.00%", "0.00%")


def test_workbook_parts(monkeypatch):
    frame = pl.DataFrame({"name": ["=HYPERLINK(\"x\")", "-3.5", "-", "- 无", "办公费", None],
                          "amount": [1.0, None, 2.5, 3.0, float("nan"), 4.0]})
    data = export_parts.csv_bytes(frame)
    assert data.startswith(BOM)
    back = pl.read_csv(data[len(BOM):], infer_schema=False)
    assert back["name"].to_list() == ["'=HYPERLINK(\"x\")", "-3.5", "-", "'- 无", "办公费", None]
    assert export_parts.sheet_names("budget_lines", 10) == ["budget_lines"]
    assert export_parts.sheet_names("budget_lines", 2_100_000) == ["budget_lines", "budget_lines_2", "budget_lines_3"]
    for codes in (True, False):
        workbook = zipfile.ZipFile(io.BytesIO(export_parts.xlsx_bytes(
            {"reports": frame}, [("a", "b")], export_parts.Context(codes=codes))))
        sheet = workbook.read("xl/worksheets/sheet2.xml").decode()
        assert "HYPERLINK" in sheet and "<f>" not in sheet          # written as text, never as a formula
    # People's CSV keeps the guard: labelled text that looks like a formula is still text.
    files = unzip(export_parts.csv_zip(pl.DataFrame({"note": ["=1+1"]}), "indicators", export_parts.Context(),
                                       "x.zip", dt.datetime(2026, 12, 6)))
    assert csv_cells(files["x.csv"]).rows() == [("'=1+1",)]


def test_a_table_longer_than_a_sheet_continues_on_the_next(monkeypatch):
    monkeypatch.setattr(export_parts, "EXCEL_MAX_ROWS", 4)        # header + 3 rows a sheet
    frame = pl.DataFrame({"report_id": [f"r{i}" for i in range(7)], "planned": [float(i) for i in range(7)]})
    for context, first in ((export_parts.Context(codes=True), "budget_lines"), (export_parts.Context(), "支出明细")):
        seen = []
        workbook = zipfile.ZipFile(io.BytesIO(export_parts.xlsx_bytes({"budget_lines": frame}, [("a", "b")], context,
                                                                      on_rows=lambda done, total: seen.append(done))))
        names = re.findall(r'<sheet name="([^"]+)"', workbook.read("xl/workbook.xml").decode())
        assert names[1:] == [first, f"{first}_2", f"{first}_3"]
        rows = [workbook.read(f"xl/worksheets/sheet{n}.xml").decode().count("<row ") for n in (2, 3, 4)]
        assert rows == [4, 4, 2] and seen[-1] == 7
        assert ">r6<" in workbook.read("xl/worksheets/sheet4.xml").decode()
