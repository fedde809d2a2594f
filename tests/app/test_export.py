"""导出: counts and previews of the filtered tables, and the files the page offers (CSV with
a BOM, one XLSX workbook, Parquet), read back and checked cell by cell against the store."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from xml.etree import ElementTree

import duckdb
import polars as pl
import pytest
from conftest import CORPUS
from polars.testing import assert_frame_equal
from streamlit.runtime.media_file_manager import MediaFileManager
from truth import load_truths, read_truth, same

import queries
from app_pages import export_parts
from app_pages.filters import Filters
from ingest import store

BOM = b"\xef\xbb\xbf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def offered(monkeypatch):
    """What the page hands to its download buttons, by file name: the callables of the
    click-built downloads and the bytes of the others."""
    files: dict[str, object] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def spy_add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            files[file_name] = path_or_data
        return add(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    def spy_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        files[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", spy_add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spy_deferred)
    return files


def one(files: dict, pattern: str):
    (name,) = [name for name in files if re.fullmatch(pattern, name)]
    value = files[name]
    return value() if callable(value) else value


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


def test_counts_preview_and_files_follow_the_filters(open_page, page_store, offered):
    year = busiest_year(page_store)
    want = expected_counts(page_store, year=year)
    assert want["reports"] and want["budget_lines"] > 50           # a preview shorter than its table
    app = open_page("export.py", year=str(year))
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {"报告": f"{want['reports']:,}", "支出明细": f"{want['budget_lines']:,}",
                       "绩效指标": f"{want['indicators']:,}", "异常及审核": f"{want['anomalies']:,}"}
    assert "年度：" + str(year) in app.caption[0].value
    previews = [frame.value for frame in app.dataframe]
    assert [len(p) for p in previews] == [min(want[t], 50) for t in export_parts.TABLES]
    assert set(previews[0]["fiscal_year"]) == {year}

    # CSV, one per table: UTF-8 with a BOM, Chinese readable, each cell the store's value.
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels[:4] == [f"{t}.csv（{want[t]:,} 行）" for t in export_parts.TABLES]
    wanted = {}
    for table in export_parts.TABLES:
        data = one(offered, rf"jixiao-{table}-\d{{8}}-\d{{4}}\.csv")
        assert data.startswith(BOM)
        columns = data[len(BOM):].decode("utf-8").splitlines()[0].split(",")
        assert columns[:2] == ["report_id", "file_name"], table
        wanted[table] = store_rows(page_store, table, columns, year)
        assert wanted[table].height == want[table]
        frame = pl.read_csv(data[len(BOM):], schema=wanted[table].schema)
        assert_same_rows(frame, as_csv_writes_it(wanted[table]), f"{table}.csv")
    reports_csv = one(offered, r"jixiao-reports-.*\.csv")
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
    archive = zipfile.ZipFile(io.BytesIO(one(offered, r"jixiao-parquet-.*\.zip")))
    assert sorted(archive.namelist()) == sorted(f"{t}.parquet" for t in export_parts.TABLES)
    for table in export_parts.TABLES:
        frame = pl.read_parquet(io.BytesIO(archive.read(f"{table}.parquet")))
        assert_same_rows(frame, wanted[table], f"{table}.parquet")

    # XLSX: built by its button, then offered as one workbook.
    assert not [name for name in offered if name.endswith(".xlsx")]
    app.button(key="export_xlsx_prepare").click().run()
    assert not app.exception
    workbook = zipfile.ZipFile(io.BytesIO(one(offered, r"jixiao-\d{8}-\d{4}\.xlsx")))
    names = re.findall(r'<sheet name="([^"]+)"', workbook.read("xl/workbook.xml").decode())
    assert names == ["filters", "reports", "budget_lines", "indicators", "anomalies"]
    first = workbook.read("xl/worksheets/sheet1.xml").decode()
    cells = [cell.strip() for cell in re.findall(r"<t[^>]*>([^<]*)</t>", first)]
    pairs = dict(zip(cells[0::2], cells[1::2]))
    assert pairs["年度"] == str(year) and pairs["数据库"] == str(page_store)
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
    (anomalies,) = [frame.value for frame in app.dataframe if "severity" in frame.value.columns]
    assert len(anomalies) == min(want["anomalies"], 50) and set(anomalies["rule"]) == {rule}


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


def test_english(open_page, page_store):
    app = open_page("export.py", lang="en")
    assert not app.exception
    want = expected_counts(page_store)
    assert app.header[0].value == "Export"
    assert {m.label: m.value for m in app.metric} == {
        "Reports": f"{want['reports']:,}", "Budget lines": f"{want['budget_lines']:,}",
        "Indicators": f"{want['indicators']:,}", "Anomalies and reviews": f"{want['anomalies']:,}"}
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == [f"{t}.csv ({want[t]:,} rows)" for t in export_parts.TABLES] + ["Download Parquet (zip, 4 tables)"]
    assert app.button(key="export_xlsx_prepare").label == "Build the Excel workbook"
    assert "No filters set" in app.caption[0].value


def test_workbook_parts(monkeypatch):
    frame = pl.DataFrame({"name": ["=HYPERLINK(\"x\")", "-3.5", "-", "- 无", "办公费", None],
                          "amount": [1.0, None, 2.5, 3.0, float("nan"), 4.0]})
    data = export_parts.csv_bytes(frame)
    assert data.startswith(BOM)
    back = pl.read_csv(data[len(BOM):], infer_schema=False)
    assert back["name"].to_list() == ["'=HYPERLINK(\"x\")", "-3.5", "-", "'- 无", "办公费", None]
    assert export_parts.sheet_names("budget_lines", 10) == ["budget_lines"]
    assert export_parts.sheet_names("budget_lines", 2_100_000) == ["budget_lines", "budget_lines_2", "budget_lines_3"]
    workbook = zipfile.ZipFile(io.BytesIO(export_parts.xlsx_bytes({"reports": frame}, [("a", "b")])))
    sheet = workbook.read("xl/worksheets/sheet2.xml").decode()
    assert "HYPERLINK" in sheet and "<f>" not in sheet          # written as text, never as a formula


def test_a_table_longer_than_a_sheet_continues_on_the_next(monkeypatch):
    monkeypatch.setattr(export_parts, "EXCEL_MAX_ROWS", 4)        # header + 3 rows a sheet
    frame = pl.DataFrame({"report_id": [f"r{i}" for i in range(7)], "planned": [float(i) for i in range(7)]})
    seen = []
    workbook = zipfile.ZipFile(io.BytesIO(export_parts.xlsx_bytes({"budget_lines": frame}, [("a", "b")],
                                                                  on_rows=lambda done, total: seen.append(done))))
    names = re.findall(r'<sheet name="([^"]+)"', workbook.read("xl/workbook.xml").decode())
    assert names == ["filters", "budget_lines", "budget_lines_2", "budget_lines_3"]
    rows = [workbook.read(f"xl/worksheets/sheet{n}.xml").decode().count("<row ") for n in (2, 3, 4)]
    assert rows == [4, 4, 2] and seen[-1] == 7
    assert ">r6<" in workbook.read("xl/worksheets/sheet4.xml").decode()
