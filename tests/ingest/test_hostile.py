"""Hostile, broken and odd files: each recorded with a reason an auditor can read, none able
to take the run, the store or the machine's memory down with it."""
from __future__ import annotations

import io
import json
import threading
import zipfile

import duckdb
import pytest
from conftest import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import hostile
from ingest import config
from ingest.model import ParseError
from ingest.pipeline import Task, gave_up, ingest, parse_bytes, task_key
from ingest.read_docx import read_docx
from ingest.read_txt import read_txt
from ingest.workers import Pool

EXPECTED = {   # file -> (status, words its reason must contain)
    "empty.docx": ("failed", "文件为空"),
    "truncated.docx": ("failed", "不是有效的 .docx"),
    "not-a-zip.docx": ("failed", "不是有效的 .docx"),
    "corrupt-deflate.docx": ("failed", "文件已损坏，无法读取（压缩数据损坏）"),
    "legacy.doc": ("failed", "旧版 Word 格式"),
    "legacy-named.docx": ("failed", "另存为 .docx"),
    "encrypted.docx": ("failed", "已加密"),
    "zip-bomb.docx": ("failed", "压缩炸弹"),
    "lying-zip.docx": ("failed", "文件已损坏，无法读取（压缩包内容与其目录不符）"),
    "billion-laughs.docx": ("failed", "实体定义"),
    "external-entity.docx": ("failed", "不是项目支出绩效自评报告"),
    "poem.docx": ("failed", "不是项目支出绩效自评报告"),
    "no-tables.docx": ("ok", None),
    "copy-a.docx": ("ok", None),
    "copy-b.docx": ("skipped", "内容相同"),
    "utf16be.txt": ("ok", None),
    "utf32.txt": ("ok", None),
    "gb18030.txt": ("ok", None),
    "big5.txt": ("failed", "不是项目支出绩效自评报告"),
    "binary.txt": ("failed", "编码"),
    "report.pdf": ("failed", "PDF"),
    "huge.docx": ("failed", "文件过大"),
}


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
    logged = {name: (status, error) for name, status, error in
              conn.execute("select file_name, status, error from ingest_log").fetchall()}
    conn.close()
    for name, (status, words) in EXPECTED.items():
        got_status, error = logged[name]
        assert got_status == status, (name, got_status, error)
        if words:
            assert words in error, (name, error)
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
    with pytest.raises(ParseError, match="压缩炸弹"):
        read_docx(bomb)


def limits(**changes) -> dict:
    settings_ = config.load()
    return {**settings_, "limits": {**settings_["limits"], **changes}}


def test_a_file_that_takes_too_long_is_stopped_and_the_next_one_read(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a-slow.docx").write_bytes(hostile.slow_report(200_000))
    (tmp_path / "in" / "b-good.docx").write_bytes((CORPUS / "dev-006.docx").read_bytes())
    summary = ingest([tmp_path / "in"], tmp_path / "s.duckdb", workers=1, settings=limits(seconds_per_file=1))
    assert (summary.ok, summary.failed) == (1, 1), summary.failures
    assert summary.failures[0][0] == "a-slow.docx" and "解析超时" in summary.failures[0][1]
    # The stopped file's original is kept all the same, for --reparse with a later parser.
    conn = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    rows = conn.execute("select file_name, parse_status, archive_path from reports order by file_name").fetchall()
    conn.close()
    assert [(name, status) for name, status, _ in rows] == [("a-slow.docx", "failed"), ("b-good.docx", "ok")]
    for name, _, archive_path in rows:
        assert (tmp_path / "archive" / archive_path).read_bytes() == (tmp_path / "in" / name).read_bytes()


def test_a_worker_that_grows_past_the_memory_limit_is_stopped(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a-slow.docx").write_bytes(hostile.slow_report(200_000))
    (tmp_path / "in" / "b-good.docx").write_bytes((CORPUS / "dev-006.docx").read_bytes())
    summary = ingest([tmp_path / "in"], tmp_path / "s.duckdb", workers=1,
                     settings=limits(worker_memory_mb=40, seconds_per_file=120))
    failures = dict(summary.failures)
    assert "内存超过上限" in failures["a-slow.docx"]


def test_a_worker_that_dies_costs_one_file(tmp_path):
    truth = json.loads((CORPUS / "dev-006.truth.json").read_text(encoding="utf-8"))
    slow, good = tmp_path / "slow.docx", tmp_path / "good.docx"
    slow.write_bytes(hostile.slow_report(200_000))
    good.write_bytes((CORPUS / "dev-006.docx").read_bytes())
    pool = Pool(1, config.limits(config.load()))
    tasks = [Task(str(slow), "slow.docx", "a" * 64, ""), Task(str(good), "good.docx", "b" * 64, "")]
    killer = threading.Timer(1.0, lambda: pool.workers[0].process.kill())
    killer.start()
    results = {task.file_name: parsed for task, parsed in
               pool.run(tasks, key=task_key, failed=gave_up)}
    killer.cancel()
    assert "异常退出" in results["slow.docx"].error
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
    assert report.parse_status in ("ok", "partial", "failed")
    assert report.parse_status != "failed" or error


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
    parse_bytes(data, "fuzz.docx")


@settings(max_examples=100, deadline=None)
@given(edits=EDITS, cut=st.one_of(st.none(), st.integers(1, len(BASE_TEXT))), raw=st.binary(max_size=400))
def test_mutated_and_random_text_bytes_raise_only_parse_errors(edits, cut, raw):
    for data in (_mutate(BASE_TEXT, edits, cut), raw):
        try:
            read_txt(data)
        except ParseError:
            pass
        report, _, error, _ = parse_bytes(data, "fuzz.txt")
        assert report.parse_status != "failed" or error
