"""python -m bench.child FOLDER DB [--reparse]: one ingest in a process of its own, so that its
peak memory is the ingest's and not the bench's (bench/memory.py reads the processes it
starts). Prints one JSON line: the summary's counts, the seconds the ingest took and this
process's peak resident bytes."""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from ingest.pipeline import ingest, reparse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.child")
    parser.add_argument("folder", type=Path)
    parser.add_argument("db", type=Path)
    parser.add_argument("--reparse", action="store_true", help="re-read the store's archived originals instead")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summary = reparse(args.db) if args.reparse else ingest([args.folder], args.db)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024       # Linux: kilobytes
    print(json.dumps({"seconds": seconds, "ok": summary.ok, "partial": summary.partial, "failed": summary.failed,
                      "skipped": summary.skipped, "peak_bytes": peak}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
