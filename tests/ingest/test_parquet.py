"""Past one machine: the store exported as Parquet, partitioned by year and province, and
read back by the same named queries and pages as the DuckDB file."""
from __future__ import annotations

import json
import shutil
import urllib.parse

import duckdb
import polars as pl
import pytest
from conftest import CORPUS
from polars.testing import assert_frame_equal

import queries
from bench.pages import default_params, named_queries
from ingest import parquet, store
from ingest.schema import numbered_tables
from ingest.__main__ import main as cli


@pytest.fixture(scope="module")
def export(corpus_store, tmp_path_factory):
    target = tmp_path_factory.mktemp("parquet") / "export"
    assert cli(["--db", str(corpus_store), "--export-parquet", str(target)]) == 0
    return target


def _truths() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.truth.json"))]


def assert_same_frame(got: pl.DataFrame, want: pl.DataFrame, table: str, **options) -> None:
    try:
        assert_frame_equal(got, want, **options)
    except AssertionError as exc:
        raise AssertionError(f"{table}: {exc}") from exc


def _tables(conn, names) -> dict[str, pl.DataFrame]:
    """Every row of each table, in one order whatever order the files were read in; report_no
    left out, each store numbering its own reports (an export's are numbered when loaded)."""
    return {name: conn.sql(f"select * {'exclude (report_no)' if name in numbered_tables() else ''} "
                           f"from {name} order by all").pl() for name in names}


def _numbered_as_their_reports(conn) -> None:
    """Every row of a loaded export carries its report's report_no, one number a report."""
    assert conn.execute("select count(distinct report_id) = count(distinct report_no) from reports").fetchall() == [(True,)]
    for table in numbered_tables():
        strays = conn.execute(f"select count(*) from {table} t left join reports r on r.report_id = t.report_id "
                              f"where t.report_no is distinct from r.report_no").fetchall()[0][0]
        assert strays == 0, table


def assert_same_tables(export, db) -> None:
    """The export, opened as a store, holds every table of the store at `db` cell for cell,
    with the store's column types."""
    names = sorted(parquet.manifest(export)["tables"])
    original, exported = duckdb.connect(str(db), read_only=True), store.connect(export, read_only=True)
    try:
        want, got = _tables(original, names), _tables(exported, names)
    finally:
        original.close()
        exported.close()
    assert sum(frame.height for frame in want.values()) > 0
    for name in names:
        assert_same_frame(got[name], want[name], name, check_exact=True)


def _partition_of(file_name: str) -> tuple[int | None, str | None]:
    """(fiscal_year, province) from a file's Hive folders: …/fiscal_year=2023/province=%E5…/part-….parquet."""
    values = dict(part.split("=", 1) for part in file_name.split("/") if "=" in part)
    year, province = (urllib.parse.unquote(values[key]) for key in parquet.PARTITION_BY)
    return (None if year == "NULL" else int(year)), (None if province == "NULL" else province)


def test_reports_are_partitioned_by_year_and_province(export):
    folders = {(p.parent.parent.name, urllib.parse.unquote(p.parent.name))
               for p in (export / "reports").rglob("*.parquet")}
    expected = {(f"fiscal_year={t['report']['fiscal_year']}", f"province={t['report']['province']}")
                for t in _truths() if t["report"]["fiscal_year"] and t["report"]["province"]}
    assert expected <= folders
    assert {p.parent.parent.name for p in (export / "budget_lines").rglob("*.parquet")} <= {y for y, _ in folders}


def test_each_row_sits_in_its_reports_partition_and_the_files_hold_the_rest(export, corpus_store):
    """As any Parquet reader sees the files: a report's rows, in every table that follows the
    report, lie under its year and province; the files hold every other column's values."""
    original = duckdb.connect(str(corpus_store), read_only=True)
    reader = duckdb.connect(":memory:")
    try:
        place = {report_id: (year, province) for report_id, year, province in
                 original.execute("select report_id, fiscal_year, province from reports").fetchall()}
        checked = 0
        for table in parquet.BY_REPORT:
            want = original.sql(f"select * exclude ({', '.join(parquet.PARTITION_BY)}) from {table} order by all"
                                if table == "reports" else f"select * from {table} order by all").pl()
            if not want.height:
                continue
            files = reader.sql(f"select * from read_parquet('{export / table}/**/*.parquet', filename = true, "
                               f"hive_partitioning = false)").pl()
            for report_id, file_name in files.select("report_id", "filename").iter_rows():
                assert _partition_of(file_name) == place[report_id], (table, report_id, file_name)
            got = files.select(want.columns).sort(want.columns, nulls_last=True)
            assert_same_frame(got, want.sort(want.columns, nulls_last=True), table, check_dtypes=False)
            checked += 1
        assert checked >= 5
    finally:
        original.close()
        reader.close()


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


def test_every_table_reads_back_cell_for_cell(export, corpus_store):
    assert_same_tables(export, corpus_store)


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
    assert_same_tables(export, corpus_store)        # nothing of the first export twice, nothing lost


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
    # The merged export holds both bureaus' rows, cell for cell, in every table that follows
    # the reports (the other tables, such as the category list, each bureau holds whole).
    conn = store.connect(merged, read_only=True)
    try:
        names = {r[0] for r in conn.execute("select file_name from reports").fetchall()}
        got = _tables(conn, parquet.BY_REPORT)
        _numbered_as_their_reports(conn)        # each bureau numbered from 1: numbered again on loading
        by_number = conn.execute("select r.file_name, a.rule, a.subject from anomalies a "
                                 "join reports r on r.report_no = a.report_no order by all").fetchall()
        by_id = conn.execute("select r.file_name, a.rule, a.subject from anomalies a "
                             "join reports r on r.report_id = a.report_id order by all").fetchall()
    finally:
        conn.close()
    assert by_number == by_id and by_id
    assert names == {p.name for p in halves[0] + halves[1]}
    bureaus = [duckdb.connect(str(tmp_path / f"bureau{i}.duckdb"), read_only=True) for i in range(2)]
    try:
        parts = [_tables(conn, parquet.BY_REPORT) for conn in bureaus]
    finally:
        for conn in bureaus:
            conn.close()
    for table in parquet.BY_REPORT:
        want = pl.concat([parts[0][table], parts[1][table]])
        assert_same_frame(got[table].sort(want.columns, nulls_last=True), want.sort(want.columns, nulls_last=True),
                          table, check_exact=True)
    assert got["reports"].height == len(names) and got["budget_lines"].height > 0


def test_an_export_older_than_report_numbers_is_numbered_and_its_digits_counted(export, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(export, old)
    scratch = duckdb.connect()
    for table in numbered_tables():     # as schema 7 wrote them: no report_no, no first_digits
        dropped = "report_no, first_digits" if table == "reports" else "report_no"
        for file in (old / table).rglob("*.parquet"):
            frame = scratch.sql(f"select * exclude ({dropped}) from read_parquet(?)", params=[str(file)]).pl()
            frame.write_parquet(file)
    scratch.close()
    manifest = json.loads((old / parquet.MANIFEST).read_text(encoding="utf-8"))
    (old / parquet.MANIFEST).write_text(json.dumps({**manifest, "schema_version": 7}), encoding="utf-8")
    conn, new = store.connect(old, read_only=True), store.connect(export, read_only=True)
    try:
        _numbered_as_their_reports(conn)
        digits = "select report_id, first_digits from reports order by report_id"
        got, want = conn.execute(digits).fetchall(), new.execute(digits).fetchall()
    finally:
        conn.close()
        new.close()
    assert got == want and any(counts for _, counts in want)
