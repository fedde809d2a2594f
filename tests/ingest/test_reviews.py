"""Reviews outlive re-ingest, --reparse and --rules-only; a rule that stops firing keeps its
history and shows as resolved by the data."""
from __future__ import annotations


import duckdb
import pytest
from conftest import store_of_corpus

import queries
from ingest import config, store
from ingest.pipeline import apply_rules, ingest, reparse


@pytest.fixture
def reviewed(tmp_path):
    db = store_of_corpus(tmp_path, ("seed-000.docx", "dev-021.txt", "dev-012.docx"))
    conn = store.open_store(db)
    target = conn.execute(
        "select a.report_id, a.rule, a.subject from anomalies a join reports r using (report_id) "
        "where r.file_name = 'seed-000.docx' and a.rule = 'OVERSPEND_LINE' and a.subject = '差旅费'").fetchone()
    stated = conn.execute(
        "select a.report_id, a.rule, a.subject from anomalies a join reports r using (report_id) "
        "where r.file_name = 'dev-012.docx' and a.rule = 'STATED_RATE_MISMATCH'").fetchone()
    store.add_reviews(conn, [
        {"report_id": target[0], "rule": target[1], "subject": target[2], "status": "confirmed",
         "comment": "差旅费超支，已约谈"},
        {"report_id": stated[0], "rule": stated[1], "subject": stated[2], "status": "dismissed",
         "comment": "四舍五入"},
    ], reviewer="审计员甲")
    conn.close()
    return tmp_path / "in", db, target, stated


def review_of(db, key) -> dict:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        frame = queries.run(conn, "anomaly_reviews", report_id=key[0])
    finally:
        conn.close()
    rows = frame.filter((frame["report_id"] == key[0]) & (frame["rule"] == key[1])).to_dicts()
    return next(r for r in rows if r["subject"] == key[2])


def test_review_is_shown_with_its_anomaly(reviewed):
    _, db, target, _ = reviewed
    row = review_of(db, target)
    assert (row["status"], row["comment"], row["reviewer"], row["reviews"]) == ("confirmed", "差旅费超支，已约谈", "审计员甲", 1)


def test_reviews_survive_reingest_reparse_and_rules_only(reviewed):
    folder, db, target, stated = reviewed
    ingest([folder], db, workers=1)                # unchanged files: skipped, rules re-run
    reparse(db, workers=1)                         # every original parsed again
    apply_rules(db)                                # --rules-only
    assert review_of(db, target)["status"] == "confirmed"
    assert review_of(db, stated)["status"] == "dismissed"


def test_history_is_kept_and_the_latest_verdict_counts(reviewed):
    _, db, target, _ = reviewed
    conn = store.open_store(db)
    store.add_reviews(conn, [{"report_id": target[0], "rule": target[1], "subject": target[2],
                              "status": "dismissed", "comment": "计划已调整"}], reviewer="审计员乙")
    history = queries.run(conn, "review_history", report_id=target[0], rule=target[1], subject=target[2])
    conn.close()
    assert history["status"].to_list() == ["dismissed", "confirmed"]
    assert review_of(db, target)["reviews"] == 2


def test_a_rule_that_stops_firing_keeps_its_history_resolved_by_the_data(reviewed, tmp_path):
    _, db, _, stated = reviewed
    settings = config.load()
    loose = {**settings, "tolerances": {**settings["tolerances"], "rate": 5.0}}
    counts = apply_rules(db, loose)
    assert counts["STATED_RATE_MISMATCH"] == 0
    conn = duckdb.connect(str(db), read_only=True)
    resolved = queries.run(conn, "reviews_resolved_by_data").to_dicts()
    kept = conn.execute("select count(*) from reviews where report_id = ?", [stated[0]]).fetchone()[0]
    conn.close()
    assert [(r["file_name"], r["rule"], r["last_status"], r["resolution"]) for r in resolved] == [
        ("dev-012.docx", "STATED_RATE_MISMATCH", "dismissed", "resolved_by_data")]
    assert kept == 1


def test_unknown_review_status_is_refused(reviewed):
    _, db, target, _ = reviewed
    conn = store.open_store(db)
    with pytest.raises(ValueError):
        store.add_reviews(conn, [{"report_id": target[0], "rule": target[1], "subject": target[2],
                                  "status": "maybe"}], reviewer="x")
    conn.close()
