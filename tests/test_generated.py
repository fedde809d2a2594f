"""Reports the corpus does not contain: generated samples, ingested like any folder, against
the generator's own truth — fields, lines, indicators and anomalies."""
from __future__ import annotations

import duckdb
import pytest
from truth import indicator_key, line_key, load_truths, read_truth, rows, same, source_key

from ingest.pipeline import ingest
from samples import write_samples

COUNT = 150
SEED = 20261123


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    write_samples(folder, COUNT, SEED)
    db = folder / "store.duckdb"
    summary = ingest([folder], db, workers=2)
    assert (summary.ok + summary.partial, summary.failed) == (COUNT, 0)
    conn = duckdb.connect(str(db), read_only=True)
    yield folder, conn
    conn.close()


def test_every_generated_report_matches_its_truth(generated):
    folder, conn = generated
    wrong = []
    for path in load_truths(folder):
        truth = read_truth(path)
        got = rows(conn, "select * from reports where file_name = ?", [truth["file"]])[0]
        rid = got["report_id"]
        for field, want in {**truth["report"], "parse_status": truth["parse_status"]}.items():
            if not same(want, got[field]):
                wrong.append((truth["file"], field, want, got[field]))
        checks = (
            ("budget_lines", line_key, "select * from budget_lines where report_id = ?"),
            ("indicators", indicator_key, "select * from indicators where report_id = ?"),
            ("funding_sources", source_key, "select * from funding_sources where report_id = ?"),
        )
        for name, key, sql in checks:
            if sorted(map(key, truth[name])) != sorted(map(key, rows(conn, sql, [rid]))):
                wrong.append((truth["file"], name))
    assert wrong == []


def test_every_generated_anomaly_and_no_other(generated):
    folder, conn = generated
    missed, false = [], []
    for path in load_truths(folder):
        truth = read_truth(path)
        rid = rows(conn, "select report_id from reports where file_name = ?", [truth["file"]])[0]["report_id"]
        got = {(a["rule"], a["subject"]) for a in rows(conn, "select rule, subject from anomalies where report_id = ?",
                                                       [rid]) if a["rule"] != "MISSING_FIELDS"}
        want = {(a["rule"], a["subject"]) for a in truth["anomalies"] if a["rule"] != "MISSING_FIELDS"}
        missed += [(truth["file"], *a) for a in want - got]
        false += [(truth["file"], *a) for a in got - want]
    assert (missed, false) == ([], [])
    planted = conn.execute("select count(distinct rule) from anomalies where rule <> 'MISSING_FIELDS'").fetchone()[0]
    assert planted >= 15
