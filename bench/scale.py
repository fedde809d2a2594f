"""A store many times larger than one the bench can parse in reasonable time: every report of
a filled store (bench/fill.py) copied `times` - 1 more times, each copy under a new report id
and file name, with its rows in every table and its anomalies: each unit then has `times`
times the reports (the generator gives most reports a unit of their own). The numbers
and texts of a copy are its original's, so the rules are not run on it (each narrative would
be a copy of nine others): the anomalies are the originals', copied. For timing queries and
pages at a million reports, not for judging what the rules find."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from ingest import store
from ingest.rows import REPORT_TABLES
from ingest.schema import numbered_tables

COPIED = (*REPORT_TABLES, "anomalies", "rules_checked")


def scale(source: Path, target: Path, times: int) -> dict:
    """Write at `target` the store at `source` with every report `times` times over."""
    started = time.perf_counter()
    if target.exists():
        target.unlink()
    shutil.copyfile(source, target)
    conn = store.open_store(target)
    try:
        conn.execute("create temp table copies as select range as copy from range(2, ?)", [times + 1])
        numbers = conn.execute("select coalesce(max(report_no), 0) from reports").fetchall()[0][0]
        for table in COPIED:
            replaced = ["left(md5(report_id || '/' || copy), 16) as report_id"]
            if table in numbered_tables():  # copy k of report n is report n + (k - 1) × the originals' largest
                replaced += [f"report_no + (copy - 1) * {int(numbers)} as report_no"]
            if table == "reports":
                replaced += ["copy || '-' || file_name as file_name",
                             "md5(file_sha256 || '/' || copy) || md5(file_sha256) as file_sha256"]
            # Table and column names from the schema, not from anyone's input.
            conn.execute(f"insert into {table} select t.* replace ({', '.join(replaced)}) "
                         f"from {table} t cross join copies")
            conn.execute("checkpoint")
        count = conn.execute("select count(*) from reports").fetchall()[0][0]
    finally:
        conn.close()
    return {"reports": count, "seconds": time.perf_counter() - started}
