"""An ingest checks only the reports the rules have not checked (rules_checked), and what it
leaves in `anomalies` is what a full run over the same store finds: the per-report rules for
the new reports, DUPLICATE_REPORT for every pair that holds one."""
from __future__ import annotations

import shutil

import pytest
from conftest import CORPUS

from ingest import config, rules, store
from ingest.pipeline import apply_rules, ingest
from ingest.rules import fingerprint
from samples import write_samples

COLUMNS = "report_id, rule, severity, coalesce(subject, ''), message, message_en, evidence"


def findings(db) -> list[tuple]:
    conn = store.connect(db, read_only=True)
    try:
        return conn.execute(f"select {COLUMNS} from anomalies order by all").fetchall()
    finally:
        conn.close()


def checked(db) -> dict[str, str]:
    conn = store.connect(db, read_only=True)
    try:
        return dict(conn.execute("select report_id, fingerprint from rules_checked").fetchall())
    finally:
        conn.close()


@pytest.mark.parametrize("seek", [True, False], ids=["rows-by-runs", "rows-by-scan"])
def test_an_ingest_in_two_parts_finds_what_one_full_run_finds(tmp_path, monkeypatch, seek):
    if not seek:                # more runs of row ids than are worth seeking: one filtered scan
        monkeypatch.setattr(rules, "MAX_RUNS", 0)
    # The generator plants copies (DUPLICATE_REPORT) in neighbouring reports: every other
    # file in each part puts copies on both sides, and their pairs must be found.
    files = write_samples(tmp_path / "samples", 80, 11, rates={"DUPLICATE_REPORT": 0.25})
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for number, path in enumerate(sorted(files)):
        shutil.copy(path, (first if number % 2 == 0 else second) / path.name)
    for path in sorted(CORPUS.glob("*.docx"))[:6]:
        shutil.copy(path, second / path.name)

    parts = tmp_path / "parts.duckdb"
    ingest([first], parts, workers=0)
    before = checked(parts)
    ingest([second], parts, workers=0)
    after = checked(parts)

    whole = tmp_path / "whole.duckdb"
    ingest([first, second], whole, workers=0)

    expected = findings(whole)
    assert findings(parts) == expected
    fired = {row[1] for row in expected}
    assert "DUPLICATE_REPORT" in fired and len(fired) >= 6
    # Pairs across the two parts: a first-part report's copy finding names a second-part file.
    second_names = {path.name for path in second.iterdir()}
    assert any(row[1] == "DUPLICATE_REPORT" and row[0] in before and row[3] in second_names for row in expected)
    # The second ingest checked its own reports only, and the first part's marks stand.
    assert len(before) == 40 and len(after) == 40 + 40 + 6
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after.values()) == {fingerprint(config.load())}


def test_reports_a_crash_left_unchecked_are_checked_by_the_next_ingest(tmp_path):
    files = write_samples(tmp_path / "samples", 12, 5)
    db = tmp_path / "store.duckdb"
    ingest(files[:8], db, workers=0, rules=False)      # as if the run died before its rules
    assert checked(db) == {}
    ingest(files[8:], db, workers=0)
    assert len(checked(db)) == 12

    whole = tmp_path / "whole.duckdb"
    ingest(files, whole, workers=0)
    assert findings(db) == findings(whole)


def test_a_threshold_change_makes_every_report_unchecked(tmp_path):
    files = write_samples(tmp_path / "samples", 10, 7)
    db = tmp_path / "store.duckdb"
    ingest(files[:9], db, workers=0)
    settings = config.load()
    changed = {**settings, "tolerances": {**settings["tolerances"], "money": 5.0}}
    assert fingerprint(changed) != fingerprint(settings)
    ingest(files[9:], db, workers=0, settings=changed)
    assert set(checked(db).values()) == {fingerprint(changed)} and len(checked(db)) == 10

    whole = tmp_path / "whole.duckdb"
    ingest(files, whole, workers=0, settings=changed)
    assert findings(db) == findings(whole)
    # --rules-only (a full run) under the old thresholds gives back the old findings.
    apply_rules(db, settings)
    reference = tmp_path / "reference.duckdb"
    ingest(files, reference, workers=0, settings=settings)
    assert findings(db) == findings(reference)
