"""python -m bench rules [--reports N]   (more in the benchmark issue)

Prints one table of measured numbers. Figures vary with the machine's load: read them as
ratios within one run, not as absolutes.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from ingest import config, store
from ingest.rules import RULES, run_rules


def bench_rules(reports: int, base: int, keep: Path | None) -> None:
    from bench.fill import build

    folder = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    path = keep or folder / "bench.duckdb"
    print(f"filling a store of {reports:,} reports ({base:,} parsed, the rest cloned) …", flush=True)
    filled = build(path, reports, base=base)
    print(f"  rendered {filled['render_s']:.1f} s, parsed {filled['parse_s']:.1f} s, cloned {filled['clone_s']:.1f} s")
    conn = store.open_store(path)
    try:
        settings = config.load()
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            counts = run_rules(conn, settings)
            timings.append(time.perf_counter() - started)
        rows = conn.execute("select count(*) from reports").fetchall()[0][0]
    finally:
        conn.close()
    print(f"\nall {len(RULES)} rules over {rows:,} reports, one transaction:")
    print(f"  run 1 {timings[0]:.1f} s, run 2 {timings[1]:.1f} s")
    print(f"  anomalies: {sum(counts.values()):,}  " + ", ".join(f"{r} {n:,}" for r, n in counts.items() if n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="command", required=True)
    rules = sub.add_parser("rules", help="time every anomaly rule on a generated store")
    rules.add_argument("--reports", type=int, default=100_000)
    rules.add_argument("--base", type=int, default=2000, help="reports parsed for real before cloning")
    rules.add_argument("--keep", type=Path, help="keep the generated store at this path")
    args = parser.parse_args(argv)
    if args.command == "rules":
        bench_rules(args.reports, args.base, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
