"""A store of many distinct generated reports: every one planned by `samples.generate`,
rendered and parsed on all cores, laid out as the ingest's workers lay out rows
(`ingest/rows.py`) and written with `store.write_batch`, in batches, with no file on disk
and no ingest log. Copies planted by the generator (DUPLICATE_REPORT) are in it at the
generator's rate, as in any generated folder."""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ingest import PARSER_VERSION, store
from ingest.parse import parse_bytes
from ingest.rows import report_columns
from samples import Sample, generate

BATCH = 1000            # reports per write (one transaction each)


def _rows(sample: Sample) -> dict:
    """What one generated report contributes to the store, parsed as the ingest parses it."""
    data = sample.render()
    report, file_format, _, encoding = parse_bytes(data, sample.name)
    sha = hashlib.sha256(data).hexdigest()
    return report_columns(report, {
        "report_id": sha[:16], "file_name": sample.name, "sha256": sha, "file_format": file_format,
        "parser_version": PARSER_VERSION, "ingested_at": dt.datetime.now(), "encoding": encoding,
    })


def _write(conn, batch: list[dict]) -> None:
    failures = store.write_batch(conn, batch)
    if failures:
        raise RuntimeError(f"{len(failures)} generated reports could not be written: {failures[0][1]}")


def build(path: Path, reports: int, seed: int = 1, workers: int | None = None) -> dict:
    """Fill a new store at `path` with `reports` distinct reports; return the count and the time."""
    path = Path(path)
    if path.exists():
        path.unlink()
    return add(path, reports, seed, workers)


def add(path: Path, reports: int, seed: int = 1, workers: int | None = None) -> dict:
    """Add `reports` distinct reports (another seed, other reports) to the store at `path`;
    return the store's count and the time."""
    started = time.perf_counter()
    conn = store.open_store(path)
    try:
        # Workers from a forkserver, not forked from this process and its open store.
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count(), mp_context=context) as pool:
            samples = generate(reports, seed)
            in_flight = None
            while batch := list(itertools.islice(samples, BATCH)):
                # map() hands the whole batch to the workers at once: they parse the next
                # batch while this process writes the last.
                parsed = pool.map(_rows, batch, chunksize=25)
                if in_flight is not None:
                    _write(conn, list(in_flight))
                in_flight = parsed
            if in_flight is not None:
                _write(conn, list(in_flight))
        conn.execute("checkpoint")
        count = conn.execute("select count(*) from reports").fetchall()[0][0]
    finally:
        conn.close()
    return {"reports": count, "seconds": time.perf_counter() - started}
