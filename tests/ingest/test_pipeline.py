"""The ingest run: hashing, skipping, archiving, failures logged, re-parsing, the CLI."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal

import duckdb
import pytest
from conftest import CORPUS, ROOT, corpus_folder, store_of_corpus
from truth import read_truth, rows, same

from ingest import PARSER_VERSION, store
from ingest.messages import render
from ingest.pipeline import ingest, reparse
from ingest.rows import report_rows

SOME = ["seed-000.docx", "dev-006.docx", "dev-021.txt", "dev-022.txt"]


@pytest.fixture
def folder(tmp_path):
    return corpus_folder(tmp_path / "in", SOME)


def query(db, sql, params=()):
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return rows(conn, sql, list(params))
    finally:
        conn.close()


def test_ingest_then_rerun_skips_every_unchanged_file(folder, tmp_path):
    db = tmp_path / "s.duckdb"
    first = ingest([folder], db, workers=1)
    assert (first.ok, first.failed, first.skipped) == (4, 0, 0)
    second = ingest([folder], db, workers=1)
    assert (second.ok, second.partial, second.failed, second.skipped) == (0, 0, 0, 4)
    log = query(db, "select status, count(*) as n from ingest_log group by status order by status")
    assert {r["status"]: r["n"] for r in log} == {"ok": 4, "skipped": 4}
    assert query(db, "select count(*) as n from reports")[0]["n"] == 4


def test_same_content_under_two_names_is_stored_once(folder, tmp_path):
    shutil.copy(folder / "seed-000.docx", folder / "copy-of-seed.docx")
    db = tmp_path / "s.duckdb"
    summary = ingest([folder], db, workers=1)
    assert summary.skipped == 1
    assert query(db, "select count(*) as n from reports")[0]["n"] == 4
    skipped = query(db, "select file_name, error from ingest_log where status = 'skipped'")
    assert len(skipped) == 1 and "内容相同" in skipped[0]["error"]


def test_original_archived_by_content_beside_the_store(folder, tmp_path):
    db = tmp_path / "store" / "s.duckdb"
    ingest([folder], db, workers=1)
    for report in query(db, "select file_sha256, archive_path, file_name from reports"):
        archived = store.archive_dir(db) / report["archive_path"]
        assert archived.read_bytes() == (folder / report["file_name"]).read_bytes()
        assert report["file_sha256"] in archived.name


def test_report_row_carries_file_facts(folder, tmp_path):
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1)
    report = query(db, "select * from reports where file_name = 'dev-022.txt'")[0]
    assert report["report_id"] == report["file_sha256"][:16]
    assert report["file_format"] == "txt"
    assert report["parser_version"] == PARSER_VERSION
    assert query(db, "select encoding from report_texts where report_id = ?", [report["report_id"]])[0]["encoding"] == "gb18030"


def _poem_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("床前明月光，疑是地上霜。")
    document.add_paragraph("举头望明月，低头思故乡。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_bad_files_are_logged_with_reasons_and_the_run_goes_on(folder, tmp_path):
    (folder / "empty.docx").write_bytes(b"")
    (folder / "not-a-zip.docx").write_bytes(b"this is plain text, not a zip")
    (folder / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (folder / "poem.docx").write_bytes(_poem_docx())
    truncated = (CORPUS / "dev-006.docx").read_bytes()
    (folder / "truncated.docx").write_bytes(truncated[: len(truncated) // 2])
    db = tmp_path / "s.duckdb"
    summary = ingest([folder], db, workers=2)
    assert summary.ok == 4
    assert summary.failed == 5
    reasons = {r["file_name"]: (r["error_code"], r["error"]) for r in query(
        db, "select file_name, error_code, error from ingest_log where status = 'failed'")}
    assert reasons["empty.docx"] == ("file.empty", "空文件：文件中没有任何文字")
    # Plain text named .docx is read as text (the bytes decide), and is no report.
    assert reasons["not-a-zip.docx"][0] == "parse.not_a_report"
    # An OLE header with nothing behind it: LibreOffice is asked, and cannot open it.
    assert reasons["legacy.doc"] == ("convert.unreadable", "LibreOffice 无法打开该文件：不是 Word 文档，或已损坏")
    assert reasons["poem.docx"][0] == "parse.not_a_report"
    assert reasons["truncated.docx"][0] == "docx.not_zip"
    # Every file a worker parsed keeps a failed report row; an empty one never reaches a worker.
    failed = query(db, "select file_name, parse_status from reports where parse_status = 'failed'")
    assert {r["file_name"] for r in failed} == set(reasons) - {"empty.docx"}


def test_empty_files_are_failed_as_empty_not_as_copies_of_each_other(tmp_path):
    """Two files of no text share a hash (an empty file's sha256): each is failed as empty,
    before the hash could call the second "the same content as" the first."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "空文件.docx").write_bytes(b"")
    (folder / "空.txt").write_bytes(b"")
    (folder / "空白.txt").write_bytes("\ufeff \r\n\t\u3000\n".encode("utf-8"))    # blank space only
    shutil.copy(CORPUS / "dev-021.txt", folder / "dev-021.txt")
    db = tmp_path / "s.duckdb"
    summary = ingest([folder], db, workers=1)
    assert (summary.ok, summary.failed, summary.skipped) == (1, 3, 0)
    logged = query(db, "select file_name, status, error_code, error, error_params from ingest_log order by file_name")
    empties = [r for r in logged if r["file_name"] != "dev-021.txt"]
    assert [(r["file_name"], r["status"], r["error_code"]) for r in empties] == [
        (name, "failed", "file.empty") for name in sorted(("空文件.docx", "空.txt", "空白.txt"))]
    for row in empties:
        said = {language: render(row["error_code"], row["error_params"], language) for language in ("zh", "en")}
        assert said["zh"] == row["error"] and said["zh"].startswith("空文件") and said["en"].startswith("Empty file")
        for words in ("相同", "same", "duplicate"):
            assert words not in said["zh"] + said["en"]
    # Offered again (a corrected file may come under the same name): empty again, not "already imported".
    again = ingest([folder], db, workers=1)
    assert (again.failed, again.skipped) == (3, 1)
    failed = query(db, "select error_code from ingest_log where run_id = ? and status = 'failed'", [again.run_id])
    assert {r["error_code"] for r in failed} == {"file.empty"}


def test_an_rtf_is_converted_by_libreoffice_and_ingested(tmp_path):
    """README: .rtf is read through LibreOffice into the one document model, like .doc."""
    folder = tmp_path / "in"
    folder.mkdir()
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "rtf", "--outdir", str(folder), str(CORPUS / "dev-006.docx")],
                   check=True, capture_output=True, timeout=120)
    db = tmp_path / "s.duckdb"
    summary = ingest([folder], db, workers=1)
    assert (summary.offered, summary.ok, summary.failed) == (1, 1, 0), summary.failures
    report = query(db, "select * from reports")[0]
    assert (report["file_name"], report["file_format"]) == ("dev-006.rtf", "rtf")
    truth = read_truth(CORPUS / "dev-006.truth.json")
    for field in ("project_name", "implementing_unit", "self_score", "budget_planned", "spent"):
        assert same(truth["report"][field], report[field]), field
    assert (store.archive_dir(db) / report["archive_path"]).read_bytes() == (folder / "dev-006.rtf").read_bytes()


def test_reparse_rereads_every_archived_original(folder, tmp_path):
    db = tmp_path / "s.duckdb"
    ingest([folder], db, workers=1)
    conn = duckdb.connect(str(db))
    conn.execute("update reports set parser_version = '0.0.1', project_name = 'stale'")
    conn.close()
    shutil.rmtree(folder)          # the originals are gone from the auditor's folder: the archive has them
    summary = reparse(db, workers=1)
    assert summary.ok == 4
    stored = query(db, "select file_name, project_name, parser_version from reports order by file_name")
    assert {r["parser_version"] for r in stored} == {PARSER_VERSION}
    truth = read_truth(CORPUS / "dev-021.truth.json")
    got = next(r for r in stored if r["file_name"] == "dev-021.txt")
    assert same(truth["report"]["project_name"], got["project_name"])
    assert query(db, "select count(*) as n from budget_lines")[0]["n"] == sum(
        len(read_truth(CORPUS / (name.rsplit(".", 1)[0] + ".truth.json"))["budget_lines"]) for name in SOME)


def run_cli(*args, env=None, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "ingest", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd, timeout=120)


def test_cli_exit_status_and_summary(folder, tmp_path):
    (folder / "broken.docx").write_bytes(b"garbage")
    db = tmp_path / "cli.duckdb"
    result = run_cli(str(folder), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "已导入（完整）" in result.stderr and "失败的文件及原因" in result.stderr
    assert "broken.docx" in result.stderr


def test_cli_usage_errors_exit_2(tmp_path):
    assert run_cli().returncode == 2
    result = run_cli(str(tmp_path / "no-such-folder"))
    assert result.returncode == 2 and "找不到" in result.stderr


def test_cli_unusable_store_exits_1(folder, tmp_path):
    not_a_store = tmp_path / "notes.duckdb"
    not_a_store.write_text("this is not a database")
    result = run_cli(str(folder), "--db", str(not_a_store), "--quiet")
    assert result.returncode == 1
    assert "无法打开数据库" in result.stderr


def test_jixiao_db_names_the_store_and_db_flag_wins(folder, tmp_path):
    env_store = tmp_path / "env.duckdb"
    flag_store = tmp_path / "flag.duckdb"
    assert run_cli(str(folder), "--quiet", env={"JIXIAO_DB": str(env_store)}).returncode == 0
    assert query(env_store, "select count(*) as n from reports")[0]["n"] == 4
    assert run_cli(str(folder), "--quiet", "--db", str(flag_store), env={"JIXIAO_DB": str(env_store)}).returncode == 0
    assert query(flag_store, "select count(*) as n from reports")[0]["n"] == 4


def test_a_file_whose_rows_cannot_be_written_does_not_take_the_batch_down(tmp_path):
    db = tmp_path / "s.duckdb"
    conn = store.open_store(db)
    from ingest.report import Report

    good = report_rows(Report(project_name="好"), {
        "report_id": "a" * 16, "file_name": "a.docx", "sha256": "a" * 64, "file_format": "docx",
        "parser_version": PARSER_VERSION, "ingested_at": None})
    bad = report_rows(Report(project_name="坏"), {
        "report_id": "b" * 16, "file_name": "b.docx", "sha256": "b" * 64, "file_format": "docx",
        "parser_version": PARSER_VERSION, "ingested_at": None})
    bad["budget_lines"].append({"report_id": "b" * 16, "line_no": "not a number"})
    failures = store.write_batch(conn, [good, bad])
    assert [position for position, _ in failures] == [1]
    names = [r[0] for r in conn.execute("select project_name from reports").fetchall()]
    conn.close()
    assert names == ["好"]


def test_migrations_are_idempotent(tmp_path):
    db = tmp_path / "s.duckdb"
    conn = store.open_store(db)
    version = store.migrate(conn)
    assert store.migrate(conn) == version
    tables = {r[0] for r in conn.execute("select table_name from information_schema.tables").fetchall()}
    conn.close()
    assert {"reports", "funding_sources", "budget_lines", "indicators", "mentions", "provenance",
            "anomalies", "reviews", "ingest_log"} <= tables


def test_a_docx_that_is_an_xlsx_fails_clearly(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "sheet.docx").write_bytes(buffer.getvalue())
    db = tmp_path / "s.duckdb"
    summary = ingest([tmp_path / "in"], db, workers=1)
    assert summary.failed == 1
    assert summary.failures[0][1]


def test_cli_rules_only_reruns_the_rules_with_another_config(folder, tmp_path):
    db = tmp_path / "s.duckdb"
    assert run_cli(str(folder), "--db", str(db), "--quiet").returncode == 0
    strict = query(db, "select count(*) as n from anomalies where rule = 'STATED_RATE_MISMATCH'")[0]["n"]
    assert strict == 1                                   # dev-021: 98.5 % stated, 95.19 % computed
    loose = tmp_path / "loose.toml"
    loose.write_text((ROOT / "jixiao.toml").read_text(encoding="utf-8").replace("rate = 0.1", "rate = 5.0"),
                     encoding="utf-8")
    result = run_cli("--rules-only", "--db", str(db), "--config", str(loose))
    assert result.returncode == 0, result.stderr
    assert "STATED_RATE_MISMATCH" in result.stderr
    assert query(db, "select count(*) as n from anomalies where rule = 'STATED_RATE_MISMATCH'")[0]["n"] == 0


def test_cli_rules_only_needs_an_existing_store(tmp_path):
    result = run_cli("--rules-only", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 1 and "不存在" in result.stderr
    assert run_cli("--rules-only", str(tmp_path)).returncode == 2


def _store_at_version(db, version: int):
    """A store as the migrations up to `version` left it (an older Jixiao's), open."""
    conn = duckdb.connect(str(db))
    conn.execute("create table schema_version (version integer primary key, applied_at timestamp)")
    for script in sorted(store.MIGRATIONS.glob("*.sql")):
        if int(script.name[:3]) <= version:
            conn.execute(script.read_text(encoding="utf-8"))
            conn.execute("insert into schema_version values (?, now())", [int(script.name[:3])])
    return conn


def test_an_older_store_is_upgraded_with_funding_sources_numbered_as_written(tmp_path):
    db = tmp_path / "old.duckdb"
    conn = _store_at_version(db, 2)
    conn.executemany("insert into funding_sources (report_id, source, planned) values (?, ?, ?)",
                     [("r1", "中央", 1.0), ("r2", "市县", 2.0), ("r1", "省级", 3.0), ("r1", "市县", 4.0)])
    conn.close()
    conn = store.open_store(db)
    rows = conn.execute("select report_id, source, source_no from funding_sources order by report_id, source_no").fetchall()
    assert store.current_version(conn) == store.latest_version()
    conn.close()
    assert rows == [("r1", "中央", 1), ("r1", "省级", 2), ("r1", "市县", 3), ("r2", "市县", 1)]


def test_a_store_held_by_another_process_is_busy_not_broken(tmp_path):
    # The holder is another process: DuckDB locks a file between processes, not within one.
    db = tmp_path / "held.duckdb"
    store.open_store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; conn = duckdb.connect(sys.argv[1]); print('held', flush=True); "
        "sys.stdin.read()"), str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(store.StoreBusy):
            store.connect(db, read_only=True, wait_seconds=0.5)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    with pytest.raises(store.StoreError) as raised:
        store.connect(_garbage(tmp_path), read_only=True)
    assert not isinstance(raised.value, store.StoreBusy)


def _garbage(folder):
    path = folder / "garbage.duckdb"
    path.write_bytes(b"this is no database" * 100)
    return path


def test_a_workbook_with_a_report_per_sheet_stores_each_and_reparses_them(tmp_path):
    """Through the whole pipeline: one report per sheet, each with its own id and sheet name,
    its fields as its truth says, one ingest_log entry for the file; --reparse replaces them
    without doubling any."""
    from samples.workbook import generate_workbooks, write_workbooks

    folder = tmp_path / "books"
    write_workbooks(folder, 12, seed=5)
    sample = next(s for s in generate_workbooks(12, seed=5) if s.per_sheet)
    db = tmp_path / "books.duckdb"
    summary = ingest([folder / sample.name], db, workers=1)
    assert summary.offered == 1 and summary.ok == 1
    stored = {r["sheet"]: r for r in query(db, "select * from reports")}
    assert list(stored) == [sheet for sheet, _ in sample.sheets]
    assert len({r["report_id"] for r in stored.values()}) == len(stored)
    for name, truth in sample.truths():
        got = stored[truth["sheet"]]
        assert got["file_name"] == sample.name and got["file_format"] == "xlsx"
        wrong = {f: (want, got[f]) for f, want in truth["report"].items() if not same(want, got[f])}
        assert not wrong, (truth["sheet"], wrong)
    assert query(db, "select count(*) as n from ingest_log")[0]["n"] == 1
    again = reparse(db, workers=1)
    assert again.ok == 1
    assert sorted(r["report_id"] for r in query(db, "select report_id from reports")) == sorted(
        r["report_id"] for r in stored.values())


NUMBERED_COUNTS = """
    select r.file_name, r.report_no, r.first_digits,
           (select count(*) from budget_lines l where l.report_no = r.report_no) as budget_lines,
           (select count(*) from indicators i where i.report_no = r.report_no) as indicators,
           (select count(*) from anomalies a where a.report_no = r.report_no) as anomalies,
           (select count(*) from anomalies a where a.report_id = r.report_id) as anomalies_by_id,
           (select count(*) from budget_lines l where l.report_id = r.report_id and l.report_no is distinct from r.report_no)
         + (select count(*) from indicators i where i.report_id = r.report_id and i.report_no is distinct from r.report_no)
         + (select count(*) from anomalies a where a.report_id = r.report_id and a.report_no is distinct from r.report_no)
           as strays
    from reports r order by r.file_name"""


def _first_digits(lines: list[dict]) -> list[int] | None:
    """Counts of the first digits 1–9 of the lines' positive amounts, planned and actual (None: none)."""
    digits = [str(Decimal(str(amount)).normalize()).lstrip("0.")[0] for line in lines
              for amount in (line["planned"], line["actual"]) if amount and amount > 0]
    return [digits.count(str(d)) for d in range(1, 10)] if digits else None


def _numbered_as_truth(db) -> dict[str, int]:
    """Each report's lines and indicators found by its report_no are the truth's, its anomalies
    those found by its report_id (a few files alone raise other corpus-level signals than the
    corpus does), and no row has another report's number."""
    numbers = {}
    for row in query(db, NUMBERED_COUNTS):
        truth = read_truth(CORPUS / (row["file_name"].rsplit(".", 1)[0] + ".truth.json"))
        assert (row["budget_lines"], row["indicators"], row["anomalies"], row["strays"]) == (
            len(truth["budget_lines"]), len(truth["indicators"]), row["anomalies_by_id"], 0), row["file_name"]
        assert row["first_digits"] == _first_digits(truth["budget_lines"]), row["file_name"]
        numbers[row["file_name"]] = row["report_no"]
    assert len(set(numbers.values())) == len(numbers) and None not in numbers.values()
    return numbers


def test_a_report_and_its_rows_share_one_report_no_when_written_and_written_again(tmp_path):
    db = store_of_corpus(tmp_path, ("dev-009.docx", "dev-011.docx", "dev-021.txt"))   # lines, indicators, anomalies
    assert sorted(_numbered_as_truth(db).values()) == [1, 2, 3]
    assert sum(row["anomalies"] for row in query(db, NUMBERED_COUNTS)) > 0
    reparse(db, workers=1)                      # every report written again, its rows with it
    assert sorted(_numbered_as_truth(db).values()) == [1, 2, 3]


def test_an_older_store_gets_report_numbers_for_its_rows_and_first_digits(tmp_path):
    db = tmp_path / "old.duckdb"
    conn = _store_at_version(db, 7)
    conn.executemany("insert into reports (report_id, file_name, file_sha256, ingested_at, parse_status) "
                     "values (?, ?, '', ?, 'ok')",
                     [("b", "b.docx", "2024-01-02"), ("a", "a.docx", "2024-01-02"), ("c", "c.docx", "2024-01-01")])
    conn.executemany("insert into budget_lines (report_id, line_no, planned, actual) values (?, ?, ?, ?)",
                     [("a", 1, 0.3, 12.5), ("a", 2, 30.0, None), ("c", 1, None, None)])
    conn.executemany("insert into anomalies (report_id, rule, severity) values (?, 'R', 'high')", [("b",), ("a",)])
    conn.close()
    conn = store.open_store(db)
    numbered = {table: conn.execute(f"select report_id, report_no from {table} order by all").fetchall()
                for table in ("reports", "budget_lines", "anomalies")}
    digits = conn.execute("select report_id, first_digits from reports order by report_id").fetchall()
    conn.close()
    # Numbered in the order they were ingested, report_id breaking the tie.
    assert numbered == {"reports": [("a", 2), ("b", 3), ("c", 1)],
                        "budget_lines": [("a", 2), ("a", 2), ("c", 1)],
                        "anomalies": [("a", 2), ("b", 3)]}
    # And the first digits of their amounts counted (0.3 is a 3, not the 2 of 0.3 / 0.1 = 2.999…).
    assert digits == [("a", [1, 0, 2, 0, 0, 0, 0, 0, 0]), ("b", None), ("c", None)]
