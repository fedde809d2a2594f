"""导出: counts and previews of the filtered tables, and the files the page offers (CSV with
a BOM, one XLSX workbook, Parquet), read back and checked against the store."""
from __future__ import annotations

import io
import re
import shutil
import zipfile

import duckdb
import polars as pl
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

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

    # CSV, one per table: UTF-8 with a BOM, Chinese readable, the filtered rows.
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels[:4] == [f"{t}.csv（{want[t]:,} 行）" for t in export_parts.TABLES]
    for table in export_parts.TABLES:
        data = one(offered, rf"jixiao-{table}-\d{{8}}-\d{{4}}\.csv")
        assert data.startswith(BOM)
        frame = pl.read_csv(data[len(BOM):], infer_schema=False)
        assert frame.height == want[table]
    reports_csv = one(offered, r"jixiao-reports-.*\.csv")
    text = reports_csv.decode("utf-8-sig")
    assert re.search(r"[\u4e00-\u9fff]", text)
    assert text.splitlines()[0].startswith("report_id,file_name,")
    assert set(pl.read_csv(reports_csv[len(BOM):], infer_schema=False)["fiscal_year"]) == {str(year)}

    # Parquet: one file per table in one zip, each read back with its rows.
    archive = zipfile.ZipFile(io.BytesIO(one(offered, r"jixiao-parquet-.*\.zip")))
    assert sorted(archive.namelist()) == sorted(f"{t}.parquet" for t in export_parts.TABLES)
    for table in export_parts.TABLES:
        frame = pl.read_parquet(io.BytesIO(archive.read(f"{table}.parquet")))
        assert frame.height == want[table]
    assert pl.read_parquet(io.BytesIO(archive.read("reports.parquet")))["fiscal_year"].unique().to_list() == [year]

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
        assert sheet.count("<row ") == want[table] + 1


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
