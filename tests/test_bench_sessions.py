"""bench/sessions.py, small: two auditors in Chromium while the ingest writes 20 files. The
run passes its checks, and the checks fail when a review is missing from the store or a page
shows that it cannot read the store."""
from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import duckdb
import pytest
from conftest import in_own_thread

from bench import sessions

PATIENCE = 60.0         # seconds a page may take here before the run is failed, not waited for


@pytest.fixture(scope="module")
def chromium():
    if not Path(sessions.CHROMIUM).exists():
        pytest.fail(f"{sessions.CHROMIUM} is missing: apt-get install chromium (CI's .ci/run does)")


def test_two_auditors_during_an_ingest_lose_nothing_and_a_lost_review_is_caught(chromium, tmp_path):
    outcome = in_own_thread(lambda: sessions.run(tmp_path, sessions=2, files=20, reports=40, alone=False,
                                                 warm_up=False, patience=PATIENCE, say=lambda _: None))
    assert outcome.failures() == []
    assert len(outcome.driven.reviews) == 2 and outcome.lost() == []
    assert outcome.ingest_status == 0 and outcome.ingest_counts.get("ok", 0) + outcome.ingest_counts.get("partial", 0) == 20
    assert {i.kind for i in outcome.driven.interactions} >= {"arrive", "filter", "anomalies", "select", "triage",
                                                              "report", "export", "build", "download"}

    gone = outcome.driven.reviews[0]
    conn = duckdb.connect(str(outcome.db))
    conn.execute("delete from reviews where comment = ?", [gone])
    conn.close()
    checked = dataclasses.replace(outcome, reviews_found=sessions.reviews_found(outcome.db, outcome.tag))
    assert checked.lost() == [gone]
    assert f"review lost: {gone}" in checked.failures()


def test_a_page_that_cannot_read_the_store_is_an_error_seen(chromium, tmp_path):
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"this is no database" * 100)
    server, url = sessions.serve(garbage, tmp_path / "server.log")
    try:
        driven = in_own_thread(lambda: asyncio.run(sessions.drive(url, 1, "bench-test", sessions.Targets(("none",)),
                                                                  rounds=0, patience=PATIENCE)))
    finally:
        sessions.stop(server)
    assert [(p.kind, p.during) for p in driven.problems] == [("store", "arrive")]
    assert driven.problems[0].message.startswith(sessions.STORE_MESSAGES)
