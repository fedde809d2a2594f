"""python -m bench                 the benchmark table (README's Performance section)
python -m bench --quick          the same without the 10,000-file ingest, the 100,000 and 1,000,000-report
                                 stores, Chromium and the sessions
python -m bench rules [--reports N] | queries --store FILE | pages --store FILE | hostile | formats | variants
                 | sessions [--store FILE] [--sessions 20] [--files 2000]
python -m bench pages-browser --store FILE [--loads 5] [--baseline CHECKOUT]
python -m bench scale --store FILE --out FILE [--times 10]

Prints one table of measured numbers. Figures vary with the machine's load: read them as
ratios within one run, not as absolutes.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench import SHARED
from ingest import config, store
from ingest.rules import RULES, run_rules

NEW_REPORTS = 100           # an ingest's worth of new reports into a large store


def bench_rules(reports: int, keep: Path | None) -> None:
    from bench.fill import build
    from bench.incremental import incremental_rules

    folder = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    path = keep or folder / "bench.duckdb"
    print(f"filling a store of {reports:,} distinct generated reports, rendered and parsed …", flush=True)
    filled = build(path, reports)
    print(f"  {filled['seconds']:.1f} s")
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
    seconds = incremental_rules(path, rows, NEW_REPORTS)
    print(f"\n{NEW_REPORTS} new reports into the {rows:,}, rules for what changed only: {seconds:.2f} s "
          f"(median of 3; the full run above: {min(timings):.1f} s)")


def bench_queries(path: Path, runs: int) -> None:
    from bench.pages import time_queries

    print(f"named queries on {path} ({runs} runs each; milliseconds; p95 by nearest rank)")
    print(f"{'query':34} {'filter':9} {'rows':>7} {'median':>8} {'p95':>8}")
    for row in time_queries(path, runs):
        if "error" in row:
            print(f"{row['query']:34} {row['error']}")
            continue
        flag = "" if row["p95_ms"] < 200 else "  > 200 ms"
        print(f"{row['query']:34} {row['filter']:9} {row['rows']:>7,} {row['median_ms']:>8.1f} {row['p95_ms']:>8.1f}{flag}")


def bench_pages(path: Path, runs: int) -> None:
    from bench.pages import time_pages

    print(f"page renders on {path} (AppTest, server side; seconds)")
    for row in time_pages(path, runs):
        flag = "" if row["warm_s"] < 1 else "  > 1 s"
        print(f"{row['page']:16} cold {row['cold_s']:6.2f}  warm {row['warm_s']:6.2f}"
              f"{'  EXCEPTION' if row['exception'] else ''}{flag}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--files", type=int, default=1000, help="reports for the ingest figures (default 1000)")
    parser.add_argument("--rerun-files", type=int, default=10_000,
                        help="files for the larger ingest and its unchanged re-run (default 10000)")
    parser.add_argument("--stores", type=int, nargs="+", default=[10_000, 100_000], metavar="N",
                        help="reports in each store the rules and queries are timed on (default 10000 100000)")
    parser.add_argument("--quick", action="store_true",
                        help="skip the --rerun-files ingest, the million-report store, the browser and the "
                             "sessions, and keep only the first of --stores")
    for part, told in (("million", "the 100,000-report store copied to 1,000,000: queries and pages"),
                       ("browser", "page loads and filter changes in Chromium at 100,000 reports"),
                       ("sessions", "20 auditors in Chromium while an ingest of 2,000 files runs")):
        parser.add_argument(f"--{part}", action=argparse.BooleanOptionalAction, default=True, help=told)
    parser.add_argument("--keep", type=Path, help="keep the generated files and stores in this folder")
    sub = parser.add_subparsers(dest="command")
    rules = sub.add_parser("rules", help="time every anomaly rule on a generated store")
    rules.add_argument("--reports", type=int, default=100_000)
    rules.add_argument("--keep", type=Path, help="keep the generated store at this path")
    timed = sub.add_parser("queries", help="median and p95 (nearest rank) of every named query on a store")
    timed.add_argument("--store", type=Path, required=True)
    timed.add_argument("--runs", type=int, default=20)
    pages = sub.add_parser("pages", help="cold and warm render time of every page on a store")
    pages.add_argument("--store", type=Path, required=True)
    pages.add_argument("--runs", type=int, default=3)
    browser = sub.add_parser("pages-browser",
                             help="page load and filter change in Chromium against a minimal Streamlit page")
    browser.add_argument("--store", type=Path, required=True)
    browser.add_argument("--loads", type=int, default=5, help="timed loads (and filter changes) a page")
    browser.add_argument("--baseline", type=Path,
                         help="another checkout (git worktree) whose app.py is measured alongside, as 'before'")
    browser.add_argument("--pages", nargs="+", metavar="PATH", help="only these URL paths (overview: /)")
    scaled = sub.add_parser("scale", help="a store with every report of another copied N times (bench/scale.py)")
    scaled.add_argument("--store", type=Path, required=True)
    scaled.add_argument("--out", type=Path, required=True)
    scaled.add_argument("--times", type=int, default=10)
    hostile = sub.add_parser("hostile",
                             help="ingest every kind of bad input; print outcomes and peak memory per process")
    hostile.add_argument("--folder", type=Path, help="where to build the inputs (default: a temporary folder)")
    sub.add_parser("formats", help="files per second for each format: docx, doc, text PDF, scanned PDF, xlsx")
    variants = sub.add_parser("variants", help="corpus variants end to end against the variants floor")
    variants.add_argument("--copies", type=int, default=2000)
    sessions = sub.add_parser("sessions", help="auditors in Chromium at once while python -m ingest writes "
                                               "to the same store: interaction times, errors shown, reviews kept")
    sessions.add_argument("--store", type=Path, help="a store to copy (default: a fresh one of --reports reports)")
    sessions.add_argument("--sessions", type=int, default=20)
    sessions.add_argument("--files", type=int, default=2000, help="corpus variants the ingest writes")
    sessions.add_argument("--reports", type=int, default=3000, help="generated reports in the fresh store")
    sessions.add_argument("--rounds", type=int, default=1, help="rounds each session makes at least")
    sessions.add_argument("--alone", action=argparse.BooleanOptionalAction, default=True,
                          help="also time the same ingest without the sessions")
    sessions.add_argument("--keep", type=Path, help="keep the store, files and logs in this folder")
    args = parser.parse_args(argv)
    if args.command == "scale":
        from bench.scale import scale

        made = scale(args.store, args.out, args.times)
        print(f"{made['reports']:,} reports at {args.out} in {made['seconds']:.0f} s")
        return 0
    if args.command == "sessions":
        from bench.sessions import main as sessions_main

        return sessions_main(args.store, args.sessions, args.files, args.reports, args.rounds, args.alone, args.keep)
    if args.command == "variants":
        from bench.variants import variant_rows

        with tempfile.TemporaryDirectory(prefix="jixiao-variants-") as folder:
            for step, what, measured, *target in variant_rows(Path(folder), args.copies):
                print(f"| {step} | {what} | {measured} | {target[0] if target else ''} |")
        return 0
    if args.command == "formats":
        from bench.formats import format_rows

        with tempfile.TemporaryDirectory(prefix="jixiao-formats-") as folder:
            for step, what, measured in format_rows(Path(folder)):
                print(f"| {step} | {what} | {measured} |")
        return 0
    if args.command is None:
        from bench.run import main as table

        stores = tuple(args.stores[:1] if args.quick else args.stores)
        parts = {part: getattr(args, part) and not args.quick for part in ("million", "browser", "sessions")}
        table(args.files, 0 if args.quick else args.rerun_files, stores, args.keep, **parts)
        return 0
    if args.command == "pages-browser":
        from bench.browser import PAGES, main as browser_main

        chosen = tuple(path.strip("/") for path in args.pages) if args.pages else PAGES
        browser_main(args.store, args.loads, args.baseline, chosen)
        return 0
    if args.command == "hostile":
        from bench.hostile import run

        corpus = SHARED / "corpus"
        run(args.folder or Path(tempfile.mkdtemp(prefix="jixiao-hostile-")), corpus)
        return 0
    if args.command == "rules":
        bench_rules(args.reports, args.keep)
    elif args.command == "queries":
        bench_queries(args.store, args.runs)
    else:
        bench_pages(args.store, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
