"""导入: uploads run the command line's pipeline into the store; the page shows this run's
files with their statuses and reasons, earlier runs and failures, and data quality."""
from __future__ import annotations

import io
import json
import re

import docx
import duckdb
import pytest
from conftest import CORPUS
from streamlit.testing.v1 import AppTest

from app_pages.i18n import TEXTS
from app_pages.ingest_parts import safe_name, save_uploads
from tests.app.conftest import APP

OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
BROKEN_DOCX = b"PK\x03\x04 this zip was cut short"


def narrative_report(score_line: str | None) -> bytes:
    """A small real-shaped report: one budget line whose label maps to no economic code;
    without `score_line` the self-score is missing, so the report is partial."""
    document = docx.Document()
    for text in ("2023年度项目支出绩效自评报告", "项目名称：乡村图书室运行补助", "项目单位：池州市贵池区文化馆",
                 "一、项目基本情况", "项目年初预算数10万元，实际到位资金10万元，实际支出9.5万元。"):
        document.add_paragraph(text)
    table = document.add_table(rows=4, cols=3)
    for r, row in enumerate((("支出科目", "计划支出数", "实际支出数"), ("办公费", "4", "4"),
                             ("图书角布置杂项", "6", "5.5"), ("合计", "10", "9.5"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    if score_line:
        document.add_paragraph(score_line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def store_rows(db, sql: str, *params) -> list[tuple]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(sql, list(params)).fetchall()
    finally:
        conn.close()


# st.dataframe keeps no key in AppTest unless it is selectable: find a table by its columns.
TABLES = {"run": ("status", "error", "seconds"), "runs": ("started_at", "finished_at"),
          "failures": ("run_id", "error"), "partial": ("missing_fields", "project_name"),
          "unmapped": ("category_raw",), "missing": ("field", "partial_reports")}


def table(app: AppTest, name: str):
    """The page's table `name` as a pandas frame, or None when the page shows none."""
    for frame in app.dataframe:
        if all(column in frame.value.columns for column in TABLES[name]):
            return frame.value
    return None


@pytest.fixture
def upload_store(tmp_path, monkeypatch):
    db = tmp_path / "store" / "uploads.duckdb"
    monkeypatch.setenv("JIXIAO_DB", str(db))
    return db


def test_uploads_are_ingested_with_statuses_and_reasons(upload_store):
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.switch_page("app_pages/ingest.py").run()
    assert not app.exception
    assert not upload_store.exists()                   # a first upload creates the store
    uploader = app.file_uploader[0]
    assert uploader.accept_multiple_files
    # Every format a bureau's folder holds (SPEC §1), as the folder search takes them.
    from ingest.pipeline import SUFFIXES
    assert set(uploader.allowed_type) == SUFFIXES
    assert app.button(key="ingest_start").disabled

    good = (CORPUS / "dev-005.docx").read_bytes()
    uploader.set_value([
        ("C:\\报告\\2019\\dev-005.docx", good, "application/octet-stream"),   # folder parts are dropped
        ("图书室.docx", narrative_report("自评得分：95分，自评等级：优。"), "application/octet-stream"),
        ("缺得分.docx", narrative_report(None), "application/octet-stream"),
        ("broken.docx", BROKEN_DOCX, "application/octet-stream"),
        ("old.doc", OLE_DOC, "application/msword"),
    ])
    app.run()
    assert app.button(key="ingest_start").label == "开始导入（5 个文件）"
    app.button(key="ingest_start").click().run()
    assert not app.exception

    # The store holds what the pipeline logged for this run, and the page shows it.
    (run_id,) = store_rows(upload_store, "select distinct run_id from ingest_log")[0]
    logged = {name: (status, error) for name, status, error in
              store_rows(upload_store, "select file_name, status, error from ingest_log")}
    assert {name: status for name, (status, _) in logged.items()} == {
        "dev-005.docx": "ok", "图书室.docx": "ok", "缺得分.docx": "partial", "broken.docx": "failed",
        "old.doc": "failed"}
    assert "LibreOffice 无法打开该文件" in logged["old.doc"][1]     # an OLE header with nothing behind it
    assert logged["broken.docx"][1]
    assert store_rows(upload_store, "select file_name from reports where file_name like '%dev-005%'") == [
        ("dev-005.docx",)]

    assert app.caption[1].value.startswith(f"批次 {run_id}")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {"文件": "5", "已导入": "2", "部分字段缺失": "1", "已跳过": "0", "失败": "2"}
    shown = table(app, "run")
    rows = dict(zip(shown["file_name"], zip(shown["status"], shown["error"])))
    assert rows["old.doc"] == ("失败", logged["old.doc"][1])
    assert rows["broken.docx"] == ("失败", logged["broken.docx"][1])
    assert rows["缺得分.docx"][0] == "部分字段缺失" and "自评得分" in rows["缺得分.docx"][1]
    assert rows["dev-005.docx"][0] == "已导入"
    assert list(shown["file_name"][:2]) == ["broken.docx", "old.doc"]          # failures first
    links = dict(zip(shown["file_name"], shown["link"]))
    assert not isinstance(links["old.doc"], str) and links["dev-005.docx"].startswith("/report?id=")
    assert app.file_uploader[0].value == []          # the uploader starts empty for the next batch

    # Earlier runs and failures.
    runs = table(app, "runs")
    assert list(runs["run_id"]) == [run_id] and runs["failed"][0] == 2 and runs["partial"][0] == 1
    assert set(table(app, "failures")["file_name"]) == {"broken.docx", "old.doc"}

    # Data quality: the partial report and its missing fields, the label without a code.
    partial = table(app, "partial")
    assert list(partial["file_name"]) == ["缺得分.docx"] and "自评得分" in partial["missing_fields"][0]
    missing = json.loads(store_rows(upload_store, "select missing_fields from reports where file_name = ?",
                                    "缺得分.docx")[0][0])
    assert len(partial["missing_fields"][0].split("、")) == len(missing)
    unmapped = table(app, "unmapped")
    assert list(unmapped["category_raw"]) == ["图书角布置杂项"]
    assert (unmapped["lines"][0], unmapped["reports"][0]) == store_rows(
        upload_store, "select count(*), count(distinct report_id) from budget_lines "
                      "where category_code is null and category_raw = '图书角布置杂项'")[0] == (2, 2)

    # The same file again is skipped, with the reason, in a run of its own.
    app.file_uploader[0].set_value(("dev-005.docx", good, "application/octet-stream"))
    app.run()
    app.button(key="ingest_start").click().run()
    assert not app.exception
    shown = table(app, "run")
    assert list(shown["status"]) == ["已跳过"] and "已跳过" in shown["error"][0]
    assert len(table(app, "runs")) == 2

    # Data quality follows the sidebar's filters: the 2019 report has no such label.
    app.multiselect(key="f_years").set_value([2019]).run()
    assert not app.exception
    assert table(app, "unmapped") is None and table(app, "partial") is None
    assert "年度：2019" in " ".join(c.value for c in app.caption)


def test_the_page_in_english(upload_store):
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["lang"] = "en"
    app.run()
    app.switch_page("app_pages/ingest.py").run()
    assert not app.exception
    assert app.header[0].value == "Ingest reports"
    assert app.file_uploader[0].label == "Choose report files"
    app.file_uploader[0].set_value(("old.doc", OLE_DOC, "application/msword"))
    app.run()
    app.button(key="ingest_start").click().run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Failed"] == "1"
    assert list(table(app, "run")["status"]) == ["Failed"]
    # The reason is stored as a code; the English page says it in English, the Chinese one
    # in Chinese, from the same row.
    english = "LibreOffice cannot open the file: it is not a Word document, or it is damaged"
    assert list(table(app, "run")["error"]) == [english]
    assert list(table(app, "failures")["error"]) == [english]
    assert store_rows(upload_store, "select error_code, error from ingest_log") == [
        ("convert.unreadable", "LibreOffice 无法打开该文件：不是 Word 文档，或已损坏")]
    assert [s.value for s in app.subheader] == ["This run", "What was ingested before", "Data quality"]


def test_data_quality_on_the_shared_store(open_page, page_store):
    """The partial reports of the filtered year, counted independently."""
    (year, partial), = store_rows(page_store, "select fiscal_year, count(*) from reports "
                                              "where parse_status = 'partial' group by 1 order by 2 desc limit 1")
    app = open_page("ingest.py", year=str(year))
    assert not app.exception
    assert len(table(app, "partial")) == partial
    field_counts = dict(store_rows(page_store, """
        select f, count(*) from (select unnest(from_json(missing_fields, '["VARCHAR"]')) as f from reports
                                 where parse_status <> 'failed' and fiscal_year = ?) group by f""", year))
    shown = table(app, "missing")
    assert sorted(shown["reports"]) == sorted(field_counts.values())


@pytest.mark.parametrize("language, empty, status", [("zh", "空文件：文件中没有任何文字", "失败"),
                                                     ("en", "Empty file: it holds no text", "Failed")],
                         ids=["zh", "en"])
def test_empty_uploads_are_failed_as_empty_in_the_pages_language(upload_store, language, empty, status):
    """Every empty file has the same hash; none is "the same content as" another."""
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["lang"] = language
    app.run()
    app.switch_page("app_pages/ingest.py").run()
    app.file_uploader[0].set_value([("空文件.docx", b"", "application/octet-stream"),
                                    ("空.txt", b"", "text/plain"),
                                    ("空白.txt", "\ufeff  \r\n\u3000\n".encode("utf-8"), "text/plain")])
    app.run()
    app.button(key="ingest_start").click().run()
    assert not app.exception
    assert store_rows(upload_store, "select file_name, status, error_code, error from ingest_log order by 1") == [
        (name, "failed", "file.empty", "空文件：文件中没有任何文字")
        for name in sorted(("空文件.docx", "空.txt", "空白.txt"))]
    for name in ("run", "failures"):
        shown = table(app, name)
        assert sorted(shown["file_name"]) == sorted(("空文件.docx", "空.txt", "空白.txt"))
        assert set(shown["error"]) == {empty}
    assert set(table(app, "run")["status"]) == {status}


def test_english_lists_missing_fields_with_commas(upload_store):
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params["lang"] = "en"
    app.run()
    app.switch_page("app_pages/ingest.py").run()
    app.file_uploader[0].set_value(("缺得分.docx", narrative_report(None), "application/octet-stream"))
    app.run()
    app.button(key="ingest_start").click().run()
    assert not app.exception
    (missing,), = store_rows(upload_store, "select missing_fields from reports")
    assert list(table(app, "partial")["missing_fields"]) == [
        ", ".join(TEXTS[f"ingest.field.{name}"]["en"] for name in json.loads(missing))]


def test_a_store_that_cannot_be_written_is_said_in_the_pages_language(tmp_path, monkeypatch):
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"this is no database" * 100)
    monkeypatch.setenv("JIXIAO_DB", str(garbage))
    said = {}
    for language in ("zh", "en"):
        app = AppTest.from_file(APP, default_timeout=120)
        app.query_params["lang"] = language
        app.run()
        app.switch_page("app_pages/ingest.py").run()
        app.file_uploader[0].set_value(("a.txt", b"hello", "text/plain"))
        app.run()
        app.button(key="ingest_start").click().run()
        assert not app.exception
        said[language] = [e.value for e in app.error]
    assert said["zh"][0].startswith("导入未能完成：无法打开数据库")
    english = said["en"][0]
    assert english.startswith(f"The ingest could not finish: the store {garbage} cannot be used")
    assert not re.search(r"[\u4e00-\u9fff]", english)


@pytest.mark.parametrize("offered, saved", [
    ("report.docx", "report.docx"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\审计\\自评报告.docx", "自评报告.docx"),
    ("folder/sub/报告.txt", "报告.txt"),
    ("..", "upload-1"),
    ("", "upload-1"),
    ("a\x00b\x07.docx", "ab.docx"),
    ('what?"now".docx', "what__now_.docx"),
    ("长" * 200 + ".docx", "长" * 78 + ".docx"),
])
def test_safe_names_have_no_folder_parts(offered, saved):
    assert safe_name(offered, "upload-1") == saved


def test_uploads_with_the_same_name_keep_it(tmp_path):
    paths = save_uploads([("a/报告.docx", b"1"), ("b/报告.docx", b"2"), ("../报告.docx", b"3")], tmp_path)
    assert [p.name for p in paths] == ["报告.docx"] * 3
    assert [p.read_bytes() for p in paths] == [b"1", b"2", b"3"]
    assert all(tmp_path in p.parents for p in paths)
