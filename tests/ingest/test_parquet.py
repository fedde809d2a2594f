"""Past one machine: the store exported as Parquet, partitioned by year and province, and
read back by the same named queries and pages as the DuckDB file."""
from __future__ import annotations

import json
import shutil
import urllib.parse

import duckdb
import pytest
from conftest import CORPUS
from polars.testing import assert_frame_equal

import queries
from bench.pages import default_params, named_queries
from ingest import parquet, store
from ingest.__main__ import main as cli


@pytest.fixture(scope="module")
def export(corpus_store, tmp_path_factory):
    target = tmp_path_factory.mktemp("parquet") / "export"
    assert cli(["--db", str(corpus_store), "--export-parquet", str(target)]) == 0
    return target


def _truths() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.truth.json"))]


def test_reports_are_partitioned_by_year_and_province(export):
    folders = {(p.parent.parent.name, urllib.parse.unquote(p.parent.name))
               for p in (export / "reports").rglob("*.parquet")}
    expected = {(f"fiscal_year={t['report']['fiscal_year']}", f"province={t['report']['province']}")
                for t in _truths() if t["report"]["fiscal_year"] and t["report"]["province"]}
    assert expected <= folders
    assert {p.parent.parent.name for p in (export / "budget_lines").rglob("*.parquet")} <= {y for y, _ in folders}


def test_the_manifest_counts_every_table(export, corpus_store):
    found = parquet.manifest(export)
    conn = duckdb.connect(str(corpus_store), read_only=True)
    try:
        for table, info in found["tables"].items():
            assert info["rows"] == conn.execute(f"select count(*) from {table}").fetchall()[0][0], table
    finally:
        conn.close()
    assert found["tables"]["reports"]["rows"] == len(_truths())
    assert found["partition_by"] == ["fiscal_year", "province"]


def test_the_export_reads_back_the_truth(export):
    conn = store.connect(export, read_only=True)
    try:
        rows = {r[0]: r[1:] for r in conn.execute(
            "select file_name, project_name, fiscal_year, province, budget_planned, self_score, grade "
            "from reports").fetchall()}
        lines = dict(conn.execute("select r.file_name, count(*) from budget_lines l join reports r "
                                  "using (report_id) group by 1").fetchall())
    finally:
        conn.close()
    for truth in _truths():
        report = truth["report"]
        got = rows[truth["file"]]
        assert got[:3] == (report["project_name"], report["fiscal_year"], report["province"]), truth["file"]
        assert got[3] == pytest.approx(report["budget_planned"]) if report["budget_planned"] is not None \
            else got[3] is None
        assert got[4] == pytest.approx(report["self_score"]) if report["self_score"] is not None else got[4] is None
        assert got[5] == report["grade"]
        assert lines.get(truth["file"], 0) == len(truth["budget_lines"])


def test_every_named_query_answers_the_same_on_the_export(export, corpus_store):
    original = duckdb.connect(str(corpus_store), read_only=True)
    exported = store.connect(export, read_only=True)
    try:
        for conn in (original, exported):
            queries.prepare(conn)
        params = default_params(original)
        compared = 0
        for name in named_queries():
            wanted = queries.parameters(name)
            bound = {k: v for k, v in params.items() if k in wanted}
            if wanted - bound.keys():
                continue
            left, right = queries.run(original, name, **bound), queries.run(exported, name, **bound)
            assert left.columns == right.columns, name
            # Sums may add the same doubles in another order: equal to the last few bits.
            assert_frame_equal(left.sort(left.columns), right.sort(right.columns), check_exact=False,
                               rel_tol=1e-9, abs_tol=1e-9, check_dtypes=True)
            compared += 1
        assert compared == len(named_queries())
    finally:
        original.close()
        exported.close()


def test_an_export_cannot_be_written(export):
    with pytest.raises(store.StoreError, match="只能读取"):
        store.open_store(export)


def test_exporting_again_replaces_the_export_whole(export, corpus_store):
    before = parquet.manifest(export)["exported_at"]
    assert cli(["--db", str(corpus_store), "--export-parquet", str(export)]) == 0
    assert parquet.manifest(export)["tables"]["reports"]["rows"] == len(_truths())
    assert not [p for p in export.parent.iterdir() if p.name.startswith(".")], "staging left behind"
    assert before <= parquet.manifest(export)["exported_at"]


def test_a_folder_with_other_files_is_not_overwritten(corpus_store, tmp_path, capsys):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    assert cli(["--db", str(corpus_store), "--export-parquet", str(target)]) == 1
    assert "不是空文件夹" in capsys.readouterr().err
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_exports_of_two_bureaus_merge_by_copying_folders(tmp_path):
    halves = sorted(CORPUS.glob("*.docx")), sorted(CORPUS.glob("*.txt"))
    exports = []
    for i, files in enumerate(halves):
        db = tmp_path / f"bureau{i}.duckdb"
        from ingest.pipeline import ingest
        ingest(files, db, workers=0)
        exports.append(tmp_path / f"export{i}")
        store.export_parquet(db, exports[-1])
    merged = exports[0]
    for table_folder in exports[1].iterdir():
        if table_folder.is_dir():
            shutil.copytree(table_folder, merged / table_folder.name, dirs_exist_ok=True)
    conn = store.connect(merged, read_only=True)
    try:
        names = {r[0] for r in conn.execute("select file_name from reports").fetchall()}
    finally:
        conn.close()
    assert names == {p.name for p in halves[0] + halves[1]}
