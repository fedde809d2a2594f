from __future__ import annotations

import concurrent.futures
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench import shared_folder  # noqa: E402  (the checkout on the path first)

SHARED = shared_folder()
if not any((SHARED / "corpus").glob("*.truth.json")):
    raise RuntimeError("The corpus (../shared/corpus with *.truth.json) was not found beside the checkout; "
                       "set JIXIAO_SHARED to the shared folder.")
CORPUS = SHARED / "corpus"
# Reports as government units published them: cut short, tables as TAB-separated lines.
PUBLISHED = SHARED / "published"


def in_own_thread(action):
    """`action()` on a thread of its own, its result or its exception: the browser tests'
    session-wide playwright (tests/e2e) keeps an event loop running on the main thread, where
    another playwright, sync or async, refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(action).result()


def fetch(db, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of one query on a store, read-only (as a test checks what a page shows)."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(sql, params or []).fetchall()
    finally:
        conn.close()


def _store_of(folder: Path, tmp_path_factory) -> Path:
    """A store built from every report of `folder`, the way an auditor would build it."""
    from ingest.pipeline import ingest

    path = tmp_path_factory.mktemp(folder.name) / f"{folder.name}.duckdb"
    summary = ingest([folder], path, workers=2)
    assert summary.offered == len(list(folder.glob("*.truth.json")))
    return path


def corpus_folder(target: Path, names) -> Path:
    """`target` (made) holding copies of these corpus reports."""
    target.mkdir()
    for name in names:
        shutil.copy(CORPUS / name, target / name)
    return target


def store_of_corpus(tmp_path: Path, names) -> Path:
    """A store of a few corpus reports (copied into tmp_path/in), ingested by one worker."""
    from ingest.pipeline import ingest

    path = tmp_path / "s.duckdb"
    ingest([corpus_folder(tmp_path / "in", names)], path, workers=1)
    return path


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory):
    return _store_of(CORPUS, tmp_path_factory)


@pytest.fixture(scope="session")
def published_store(tmp_path_factory):
    """The reports as government units published them: cut short, tables as TAB lines."""
    return _store_of(PUBLISHED, tmp_path_factory)


def store_of_reports(reports: list) -> duckdb.DuckDBPyConnection:
    """An in-memory store holding these ingest.report.Report values (report ids 0…, file
    names r0.docx …), with the queries' setup run: for queries tested on data made by hand."""
    import datetime as dt

    import queries
    from ingest import PARSER_VERSION, store
    from ingest.rows import report_rows

    conn = store.open_store(":memory:")
    queries.prepare(conn)
    batch = [report_rows(report, {
        "report_id": f"{i:016x}", "file_name": f"r{i}.docx", "sha256": f"{i:064x}", "file_format": "docx",
        "parser_version": PARSER_VERSION, "ingested_at": dt.datetime.now()}) for i, report in enumerate(reports)]
    assert store.write_batch(conn, batch) == []
    return conn


# The longest test files, run first: under pytest-xdist (scripts/test.sh runs two workers,
# each given whole files in collection order) the OCR of the scanned folder, some 2–4
# minutes, then runs beside everything else rather than after it.
LONGEST_FIRST = ("tests/test_formats.py",)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))
