"""A store of many generated reports, fast: parse a base set of rendered samples for real,
then clone their rows (new ids, file names and MinHash signatures, so clones are not
copies of each other) until the store holds the number asked for. Copies planted by the
generator stay copies within each clone, at the generator's rate."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ingest import PARSER_VERSION, store
from ingest.pipeline import parse_bytes
from ingest.samples import generate

CLONED = ("reports", "report_texts", "funding_sources", "budget_lines", "indicators", "mentions",
          "provenance", "report_signatures")


def _parse(sample_bytes: tuple[str, bytes]) -> dict:
    name, data = sample_bytes
    report, file_format, _, encoding = parse_bytes(data, name)
    sha = hashlib.sha256(data).hexdigest()
    return store.report_rows(report, {
        "report_id": sha[:16], "file_name": name, "sha256": sha, "file_format": file_format,
        "parser_version": PARSER_VERSION, "ingested_at": dt.datetime.now(), "encoding": encoding,
    })


def build(path: Path, reports: int, base: int = 2000, seed: int = 1, workers: int | None = None) -> dict:
    """Fill a new store at `path` with `reports` reports; return timings."""
    path = Path(path)
    if path.exists():
        path.unlink()
    started = time.perf_counter()
    base = min(base, reports)
    samples = [(s.name, s.render()) for s in generate(base, seed)]
    rendered = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        batch = list(pool.map(_parse, samples, chunksize=20))
    parsed = time.perf_counter()
    conn = store.open_store(path)
    try:
        store.write_batch(conn, batch)
        copies = -(-reports // base) - 1
        with store.transaction(conn):
            for k in range(1, copies + 1):
                _clone(conn, k, limit=min(base, reports - k * base))
        conn.execute("checkpoint")
        count = conn.execute("select count(*) from reports").fetchall()[0][0]
    finally:
        conn.close()
    return {"reports": count, "render_s": rendered - started, "parse_s": parsed - rendered,
            "clone_s": time.perf_counter() - parsed}


def _clone(conn, k: int, limit: int) -> None:
    """Copy the first `limit` base reports as clone k: every table, new report ids."""
    conn.execute(f"""
        create or replace temp table clone_ids as
        select report_id as old_id, left(md5(report_id || '-{k}'), 16) as new_id
        from (select report_id from reports where file_name not like '%~%' order by report_id limit {limit})
    """)
    for table in CLONED:
        columns = [r[0] for r in conn.execute(
            "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
            [table]).fetchall()]
        select = []
        for column in columns:
            if column == "report_id":
                select.append("c.new_id")
            elif table == "reports" and column == "file_name":
                select.append(f"replace(t.file_name, '.docx', '~{k}.docx')")
            elif table == "reports" and column == "file_sha256":
                select.append("c.new_id || right(t.file_sha256, 48)")
            elif table == "report_signatures" and column == "signature":
                # A different MinHash per clone: clones are no copies of their originals.
                select.append(f"list_transform(t.signature, lambda x: xor(x, (hash({k}, x) % 4294967296)::uinteger))")
            elif table == "report_signatures" and column == "narrative":
                select.append(f"'{k}' || t.narrative")
            else:
                select.append(f"t.{column}")
        conn.execute(f"insert into {table} ({', '.join(columns)}) select {', '.join(select)} "
                     f"from {table} t join clone_ids c on c.old_id = t.report_id")
