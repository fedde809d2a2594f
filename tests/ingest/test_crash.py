"""kill -9 at any moment, and two ingests at once: the store opens, holds only whole reports,
loses nothing, and a re-run finishes the job."""
from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import ROOT

from ingest.pipeline import ingest
from samples import write_samples

PER_REPORT = ("budget_lines", "indicators", "mentions", "provenance", "funding_sources", "report_texts",
              "report_signatures")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """300 generated reports, ingested without interruption: what every store must become."""
    folder = tmp_path_factory.mktemp("crash")
    write_samples(folder / "in", 300, 77)
    db = folder / "reference.duckdb"
    ingest([folder / "in"], db, workers=2)
    return folder, db


def shape(db) -> dict:
    """Per report, how many rows each table holds for it; and the anomalies."""
    conn = duckdb.connect(str(db))       # read-write, as the next ingest opens it
    try:
        tables = {name for (name,) in conn.execute("select table_name from information_schema.tables").fetchall()}
        if "reports" not in tables:     # killed before the first migration committed: an empty store
            assert tables <= {"schema_version"}, tables
            return {"reports": {}, "anomalies": [], "logged": {}}
        reports = {rid: {"file": name} for rid, name in conn.execute("select report_id, file_name from reports").fetchall()}
        for table in PER_REPORT:
            for rid, count in conn.execute(f"select report_id, count(*) from {table} group by report_id").fetchall():
                reports.setdefault(rid, {})[table] = count
        anomalies = sorted(conn.execute("select report_id, rule, coalesce(subject, '') from anomalies").fetchall())
        logged = dict(conn.execute("select status, count(*) from ingest_log group by status").fetchall())
    finally:
        conn.close()
    return {"reports": reports, "anomalies": anomalies, "logged": logged}


# Batches of 50 files: 300 reports land in several, so a kill can fall between two of them
# (jixiao.toml writes 1,000 at a time, or every 2 s, which 300 small reports never reach).
SMALL_BATCHES = re.compile(r"(?m)^batch_files = \d+$")


def start_ingest(folder, db) -> subprocess.Popen:
    config = Path(db).with_name("small-batches.toml")
    if not config.exists():
        written = SMALL_BATCHES.sub("batch_files = 50", (ROOT / "jixiao.toml").read_text(encoding="utf-8"))
        assert "batch_files = 50" in written
        config.write_text(written, encoding="utf-8")
    return subprocess.Popen([sys.executable, "-m", "ingest", str(folder), "--db", str(db), "--quiet"], cwd=ROOT,
                            env={**os.environ, "JIXIAO_CONFIG": str(config)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def open_between_batches(db) -> tuple[duckdb.DuckDBPyConnection, int] | None:
    """A read-only connection on the store and how many reports it holds, or None while the
    ingest writes a batch (or has no store yet). While the connection is open no batch can
    begin: the ingest waits for the store, as it waits for a dashboard."""
    try:
        conn = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        return conn, conn.execute("select count(*) from reports").fetchall()[0][0]
    except duckdb.Error:                                # not migrated yet
        conn.close()
        return None


def kill(process) -> None:
    os.killpg(process.pid, signal.SIGKILL)              # the ingest and its workers, mid-flight
    process.wait()


def kill_when(process, db, held: int, total: int, pause: float | None) -> None:
    """kill -9 the ingest once a batch has landed (more than the `held` reports the store had,
    fewer than all). With `pause` None it is killed at that moment, between two batches, the
    store held open so that none can begin: a run cut short for certain, however fast or slow
    this machine parses. Otherwise `pause` seconds later, wherever the run then is (writing a
    batch, perhaps; or finished)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        opened = open_between_batches(db)
        if opened is not None:
            conn, count = opened
            try:
                if held < count < total:
                    if pause is None:
                        kill(process)
                        return
                    break
            finally:
                conn.close()
        time.sleep(0.05)
    time.sleep(pause or 0)
    kill(process)


def test_kill_minus_nine_at_random_moments_loses_nothing(reference, tmp_path):
    folder, reference_db = reference
    want = shape(reference_db)
    total = len(want["reports"])
    db = tmp_path / "crashed.duckdb"
    chance = random.Random(20261123)
    sizes = []
    for attempt in range(10):
        process = start_ingest(folder / "in", db)
        if attempt < 2:                                 # early: while it migrates, parses its first
            deadline = time.monotonic() + 300           # (once it has created the store, however slowly it starts)
            while not db.exists() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(chance.uniform(0.0, 1.0))
            kill(process)
        else:       # later: between two batches, or anywhere in a batch after one has landed, by turns
            kill_when(process, db, sizes[-1] % total, total, None if attempt % 2 == 0 else chance.uniform(0.0, 1.0))
        got = shape(db) if db.exists() else {"reports": {}}     # it opens
        for rid, counts in got["reports"].items():      # and holds only whole reports
            assert counts == want["reports"][rid], (attempt, counts["file"])
        sizes.append(len(got["reports"]))
        if sizes[-1] == total:                          # it finished before the kill: start over
            for leftover in tmp_path.glob("crashed.duckdb*"):
                leftover.unlink()
        if sum(0 < size < total for size in sizes) >= 3:
            break
    assert any(0 < size < total for size in sizes), sizes        # killed mid-run at least once
    finished = start_ingest(folder / "in", db)
    output = finished.communicate(timeout=300)[0].decode(errors="replace")
    assert finished.returncode == 0, output
    got = shape(db)
    assert got["reports"] == want["reports"]
    assert got["anomalies"] == want["anomalies"]
    assert got["logged"].get("failed", 0) == 0


def test_two_ingests_at_once_on_one_store(reference, tmp_path):
    folder, reference_db = reference
    names = sorted(p.name for p in (folder / "in").glob("*.docx"))
    halves = [tmp_path / "a", tmp_path / "b"]
    for half in halves:
        half.mkdir()
    for i, name in enumerate(names):        # two folders overlapping by a third
        data = (folder / "in" / name).read_bytes()
        if i % 3 != 1:
            (halves[0] / name).write_bytes(data)
        if i % 3 != 0:
            (halves[1] / name).write_bytes(data)
    db = tmp_path / "shared.duckdb"
    first, second = start_ingest(halves[0], db), start_ingest(halves[1], db)
    outputs = [p.communicate(timeout=300)[0].decode(errors="replace") for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), outputs
    got, want = shape(db), shape(reference_db)
    assert got["reports"] == want["reports"]            # every report once, whole
    assert got["anomalies"] == want["anomalies"]
    assert got["logged"].get("failed", 0) == 0
