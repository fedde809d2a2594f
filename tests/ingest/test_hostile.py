"""Hostile, broken and odd files: each recorded with a reason an auditor can read, none able
to take the run, the store or the machine's memory down with it."""
from __future__ import annotations

import io
import json
import threading
import time
import zipfile

import duckdb
import pytest
from conftest import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import hostile
from ingest import config
from ingest.model import ParseError
from ingest.messages import MESSAGES, Message, render
from ingest.parse import parse_bytes
from ingest.pipeline import Task, gave_up, ingest, task_key
from ingest.read_docx import read_docx
from ingest.read_txt import read_txt
from ingest.workers import Pool, _resident_bytes

EXPECTED = {   # file -> (status, the reason's code: ingest/messages.py)
    "empty.docx": ("failed", "file.empty"),
    "truncated.docx": ("failed", "docx.not_zip"),
    # A plain text file named .docx is text: the bytes decide, not the name.
    "not-a-zip.docx": ("failed", "parse.not_a_report"),
    "corrupt-deflate.docx": ("failed", "docx.deflate"),
    # OLE headers with nothing behind them: LibreOffice is asked, and cannot open them.
    "legacy.doc": ("failed", "convert.unreadable"),
    "legacy-named.docx": ("failed", "convert.unreadable"),
    "encrypted.docx": ("failed", "file.encrypted"),
    "zip-bomb.docx": ("failed", "docx.zip_bomb"),
    "lying-zip.docx": ("failed", "docx.directory"),
    "billion-laughs.docx": ("failed", "docx.xml_entities"),
    "external-entity.docx": ("failed", "parse.not_a_report"),
    "poem.docx": ("failed", "parse.not_a_report"),
    "no-tables.docx": ("ok", None),
    "copy-a.docx": ("ok", None),
    "copy-b.docx": ("skipped", "skip.duplicate_in_run"),
    "utf16be.txt": ("ok", None),
    "utf32.txt": ("ok", None),
    "gb18030.txt": ("ok", None),
    "big5.txt": ("failed", "parse.not_a_report"),
    "binary.txt": ("failed", "txt.unknown_encoding"),
    "report.pdf": ("failed", "pdf.corrupt"),
    "encrypted.pdf": ("failed", "pdf.encrypted"),
    "blank-scan.pdf": ("failed", "scan.blank"),
    "500-pages.pdf": ("failed", "pdf.too_many_pages"),
    "huge.png": ("failed", "image.too_large"),
    "broken.png": ("failed", "image.corrupt"),
    "broken.xlsx": ("failed", "xlsx.corrupt"),
    "huge.docx": ("failed", "file.too_large"),
}
# What a bad file may be told; `parse.bug` (the parser itself crashed) is never among them.
REFUSALS = {code for code in MESSAGES
            if code.split(".")[0] in ("file", "docx", "txt", "convert", "pdf", "scan", "image", "xlsx")} | {
    "parse.not_a_report", "parse.too_deep"}
MB = 1024 * 1024


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    described = hostile.build(folder / "in", CORPUS)
    db = folder / "hostile.duckdb"
    summary = ingest([folder / "in"], db, workers=2)
    return described, db, summary


def test_every_bad_input_is_recorded_with_its_reason_and_the_run_goes_on(hostile_run):
    described, db, summary = hostile_run
    assert set(described) == set(EXPECTED)
    conn = duckdb.connect(str(db), read_only=True)
    logged = {name: (status, code, error, params) for name, status, code, error, params in conn.execute(
        "select file_name, status, error_code, error, error_params from ingest_log").fetchall()}
    conn.close()
    for name, (status, code) in EXPECTED.items():
        got_status, got_code, error, params = logged[name]
        assert (got_status, got_code) == (status, code), (name, got_status, got_code, error)
        if code:
            # The Chinese text stored beside the code is the code's own message.
            assert error == render(code, params, "zh") and render(code, params, "en"), name
    assert summary.offered == len(EXPECTED)


def test_an_external_entity_is_never_read(hostile_run):
    _, db, _ = hostile_run
    conn = duckdb.connect(str(db), read_only=True)
    texts = " ".join(t or "" for (t,) in conn.execute("select text from report_texts").fetchall())
    conn.close()
    assert "root:" not in texts


def test_a_report_without_its_tables_is_read_from_its_narrative(hostile_run):
    _, db, _ = hostile_run
    conn = duckdb.connect(str(db), read_only=True)
    budget, spent, score, arrival = conn.execute(
        "select budget_planned, spent, self_score, arrival_rate_stated from reports where file_name = 'no-tables.docx'"
    ).fetchall()[0]
    conn.close()
    assert (budget, spent, score, arrival) == (9.0, 8.52, 100.0, 94.67)


def test_the_zip_bomb_is_refused_before_anything_is_inflated():
    bomb = hostile.zip_bomb(400)
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(ParseError, match="压缩炸弹") as raised:
        read_docx(bomb)
    assert raised.value.message.code == "docx.zip_bomb"


def limits(**changes) -> dict:
    settings_ = config.load()
    return {**settings_, "limits": {**settings_["limits"], **changes}}


def test_a_file_that_takes_too_long_is_stopped_and_the_next_one_read(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a-slow.docx").write_bytes(hostile.slow_report(200_000))
    (tmp_path / "in" / "b-good.docx").write_bytes((CORPUS / "dev-006.docx").read_bytes())
    summary = ingest([tmp_path / "in"], tmp_path / "s.duckdb", workers=1, settings=limits(seconds_per_file=1))
    assert (summary.ok, summary.failed) == (1, 1), summary.failures
    assert summary.failures[0][0] == "a-slow.docx" and summary.failures[0][1].code == "worker.timeout"
    # The stopped file's original is kept all the same, for --reparse with a later parser.
    conn = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    rows = conn.execute("select file_name, parse_status, archive_path from reports order by file_name").fetchall()
    conn.close()
    assert [(name, status) for name, status, _ in rows] == [("a-slow.docx", "failed"), ("b-good.docx", "ok")]
    for name, _, archive_path in rows:
        assert (tmp_path / "archive" / archive_path).read_bytes() == (tmp_path / "in" / name).read_bytes()


def _idle_worker_bytes() -> int:
    """Resident memory of a parsing worker that has parsed one small report."""
    good = CORPUS / "dev-006.docx"
    pool = Pool(1, config.limits(config.load()))
    worker = pool._start()
    try:
        worker.connection.send(task_key(Task(str(good), "good.docx", "c" * 64, "")))
        worker.connection.recv()
        return _resident_bytes(worker.process.pid)
    finally:
        pool._retire(worker)


def test_a_worker_that_grows_past_the_memory_limit_is_stopped(tmp_path):
    # The limit stands well above what an idle worker holds; the big file (45 MB of short
    # lines, under the 50 MB file limit) needs far more than that to become paragraphs.
    idle = _idle_worker_bytes()
    limit_mb = idle // MB + 150
    (tmp_path / "in").mkdir()
    line = "本项目年度预算资金按计划执行。\n".encode("utf-8")
    (tmp_path / "in" / "a-big.txt").write_bytes(line * (45 * MB // len(line)))
    (tmp_path / "in" / "b-good.docx").write_bytes((CORPUS / "dev-006.docx").read_bytes())
    summary = ingest([tmp_path / "in"], tmp_path / "s.duckdb", workers=1,
                     settings=limits(worker_memory_mb=limit_mb, seconds_per_file=300))
    failures = dict(summary.failures)
    assert list(failures) == ["a-big.txt"]
    assert failures["a-big.txt"] == Message("worker.memory", {"limit_mb": str(limit_mb)})
    assert summary.worker_peak_bytes > limit_mb * MB
    conn = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    rows = conn.execute("select file_name, parse_status from reports order by file_name").fetchall()
    conn.close()
    assert rows == [("a-big.txt", "failed"), ("b-good.docx", "ok")]


def test_a_worker_that_dies_costs_one_file(tmp_path):
    truth = json.loads((CORPUS / "dev-006.truth.json").read_text(encoding="utf-8"))
    slow, good = tmp_path / "slow.docx", tmp_path / "good.docx"
    slow.write_bytes(hostile.slow_report(200_000))
    good.write_bytes((CORPUS / "dev-006.docx").read_bytes())
    pool = Pool(1, config.limits(config.load()))
    tasks = [Task(str(slow), "slow.docx", "a" * 64, ""), Task(str(good), "good.docx", "b" * 64, "")]
    def kill_once_busy_with_the_slow_file() -> None:
        # The event, not a delay: the worker is killed while it holds the slow file.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            workers = list(pool.workers)
            if workers and workers[0].task is not None and workers[0].task.file_name == "slow.docx":
                workers[0].process.kill()
                return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_once_busy_with_the_slow_file, daemon=True)
    killer.start()
    results = {task.file_name: parsed for task, parsed in
               pool.run(tasks, key=task_key, failed=gave_up)}
    killer.join(timeout=5)
    assert results["slow.docx"].error == Message("worker.died")
    assert results["good.docx"].error is None and results["good.docx"].status == "ok"
    assert results["good.docx"].tables["reports"]["project_name"] == [truth["report"]["project_name"]]
    assert results["slow.docx"].tables["reports"]["parse_status"] == ["failed"]


# -- fuzzing: mutated bytes never raise anything but the project's own parse error ------------
BASE_DOCX = (CORPUS / "dev-006.docx").read_bytes()
BASE_TEXT = (CORPUS / "dev-022.txt").read_bytes()


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    buffer = bytearray(data)
    for position, value in edits:
        buffer[position % len(buffer)] = value
    return bytes(buffer[:cut] if cut else buffer)


EDITS = st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=EDITS, cut=st.one_of(st.none(), st.integers(1, len(BASE_DOCX))))
def test_mutated_docx_bytes_raise_only_parse_errors(edits, cut):
    data = _mutate(BASE_DOCX, edits, cut)
    try:
        read_docx(data)
    except ParseError:
        pass
    report, file_format, error, _ = parse_bytes(data, "fuzz.docx")
    _refused_or_read(report, error)


def _with_document(xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(BASE_DOCX))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, xml if info.filename == "word/document.xml" else source.read(info))
    return buffer.getvalue()


DOCUMENT_XML = zipfile.ZipFile(io.BytesIO(BASE_DOCX)).read("word/document.xml")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=EDITS, cut=st.one_of(st.none(), st.integers(1, len(DOCUMENT_XML))))
def test_mutated_document_xml_raises_only_parse_errors(edits, cut):
    data = _with_document(_mutate(DOCUMENT_XML, edits, cut))
    try:
        read_docx(data)
    except ParseError:
        pass
    report, _, error, _ = parse_bytes(data, "fuzz.docx")
    _refused_or_read(report, error)


@settings(max_examples=100, deadline=None)
@given(edits=EDITS, cut=st.one_of(st.none(), st.integers(1, len(BASE_TEXT))), raw=st.binary(max_size=400))
def test_mutated_and_random_text_bytes_raise_only_parse_errors(edits, cut, raw):
    for data in (_mutate(BASE_TEXT, edits, cut), raw):
        try:
            read_txt(data)
        except ParseError:
            pass
        report, _, error, _ = parse_bytes(data, "fuzz.txt")
        _refused_or_read(report, error)


def _refused_or_read(report, error) -> None:
    """A read report has no reason; a refused file has one of the reasons a bad file gets,
    never a parser crash (parse.bug)."""
    if report.parse_status == "failed":
        assert error is not None and error.code in REFUSALS, error
    else:
        assert report.parse_status in ("ok", "partial") and error is None
