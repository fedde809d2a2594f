"""The rules after an ingest into a large store: only the reports they have not checked
(ingest/rules.py run_rules with changed_only)."""
from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

from ingest import config, store
from ingest.rules import run_rules


def incremental_rules(path: Path, rows: int, new: int, repeats: int = 3) -> float:
    """Seconds of the rules after `new` reports are written into the store at `path` (as an
    ingest writes them, by the bench's filler), each time into a fresh copy of the store."""
    from bench.fill import add

    times = []
    for repeat in range(repeats):
        copy = path.with_name(f"{path.stem}-incremental{path.suffix}")
        shutil.copyfile(path, copy)
        try:
            add(copy, new, seed=1000 + repeat)
            conn = store.open_store(copy)
            try:
                started = time.perf_counter()
                run_rules(conn, config.load(), changed_only=True)
                times.append(time.perf_counter() - started)
                checked = conn.execute("select count(*) from rules_checked").fetchall()[0][0]
            finally:
                conn.close()
        finally:
            copy.unlink(missing_ok=True)
        if checked != rows + new:
            raise RuntimeError(f"the partial run left {checked:,} reports checked, not {rows + new:,}")
    return statistics.median(times)
