"""Named-query latency and page render time on a large store."""
from __future__ import annotations

import datetime as dt

import math
import os
import statistics
import time
from pathlib import Path

import queries
from ingest import config, store

QUERY_DIR = Path(queries.__file__).parent
PAGES = ("overview.py", "budget.py", "scores.py", "anomalies.py", "report.py", "ingest.py", "export.py")


def nearest_rank(values: list[float], share: float) -> float:
    """The value at or above `share` of them, by nearest rank: of 20, p95 is the 19th, p50 the 10th."""
    return sorted(values)[max(1, math.ceil(share * len(values))) - 1]


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank (of 15 runs, the slowest; of 20, the 19th)."""
    return nearest_rank(values, 0.95)


def named_queries() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql") if p.stem != "setup")


def default_params(conn) -> dict:
    """Values for every parameter a page query may bind: no filter, plus a real report."""
    report_id, unit, category = conn.execute(
        "select r.report_id, r.implementing_unit, l.category from reports r join budget_lines l using (report_id) "
        "where r.parse_status = 'ok' order by r.report_id limit 1").fetchall()[0]
    rule, subject = conn.execute("select rule, coalesce(subject, '') from anomalies order by report_id limit 1").fetchall()[0]
    settings = config.load()
    return {
        "years": [], "provinces": [], "regions": [], "depts": [], "units": [], "score_min": 0.0, "score_max": 100.0,
        "grades": [], "rules": [], "statuses": [], "text": "",
        **config.signal_params(settings),
        "limit": 20, "offset": 0, "page_size": 200, "unit": None, "report_id": report_id, "rule": rule,
        "subject": subject, "category": category, "severities": [], "lang": "zh", "run_id": "none",
        "query": "", "search": "", "selected_unit": unit, "anomaly_rules": [], "review_statuses": [],
        "area": "province", "bin_width": 2.0, "max_points": 20_000, "group": "unit",
        "report_ids": [report_id], "subjects": [subject],
        # 复核 and what follows it (migration 010): re-scores, sign-in, rectification, the log.
        "user_name": "zhang", "since": dt.datetime(2026, 1, 1), "until": None,
        "today": dt.date(2026, 12, 6), "rect_id": "none", "users": [], "actions": [], "draw_id": "none", "peer": "dept",
        "level": "unit",
    }


def time_queries(path: Path, runs: int = 20, filtered_year: bool = True) -> list[dict]:
    """Median and p95 (nearest rank) of every named query on a store file or a Parquet export."""
    conn = store.connect(path, read_only=True)
    queries.prepare(conn)
    params = default_params(conn)
    year = conn.execute("select max(fiscal_year) from reports").fetchall()[0][0]
    results = []
    for name in named_queries():
        wanted = queries.parameters(name)
        missing = wanted - params.keys()
        if missing:
            results.append({"query": name, "error": f"no bench value for {sorted(missing)}"})
            continue
        for label, extra in (("all", {}), ("one year", {"years": [year]} if filtered_year else None)):
            if extra is None or (extra and "years" not in wanted):
                continue
            bound = {**params, **extra}
            queries.run(conn, name, **bound)                     # warm the file cache
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                frame = queries.run(conn, name, **bound)
                times.append((time.perf_counter() - started) * 1000)
            results.append({"query": name, "filter": label, "rows": frame.height, "runs": runs,
                            "median_ms": statistics.median(times), "p95_ms": p95(times)})
    conn.close()
    return results


def time_pages(path: Path, runs: int = 3) -> list[dict]:
    """Server-side render of each page with streamlit's AppTest: the first run (cold) and
    the best warm run (cached queries)."""
    from streamlit.testing.v1 import AppTest

    os.environ["JIXIAO_DB"] = str(path)
    app_file = str(Path(__file__).resolve().parents[1] / "app.py")
    out = []
    for page in PAGES:
        times = []
        app = AppTest.from_file(app_file, default_timeout=120)
        for _ in range(runs + 1):
            started = time.perf_counter()
            if page == "overview.py":
                app.run()
            else:
                app.switch_page(f"app_pages/{page}").run()
            times.append(time.perf_counter() - started)
        out.append({"page": page, "cold_s": times[0], "warm_s": min(times[1:]),
                    "exception": bool(app.exception)})
    return out
