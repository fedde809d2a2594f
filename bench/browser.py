"""Page load and filter change in Chromium, against a minimal Streamlit page:

    python -m bench pages-browser --store FILE [--loads 5] [--baseline CHECKOUT]

The dashboard (streamlit run app.py, JIXIAO_DB=FILE) and bench/minimal_page.py are served
side by side, each on its own port, and Debian's Chromium, driven by playwright as
tests/e2e drives it, opens every page N times, each time in a fresh tab (a new Streamlit
session; the browser's HTTP cache stays warm, as for a user's second visit). A load is timed
from navigation to the script finished (the app's data-test-script-state back at
"notRunning") to every visible chart drawn (each Plotly chart plotted: layout, calcdata and
its SVG in place). Then, in the same tab, one fiscal year is chosen in the sidebar as a user
chooses it, and the rerun is timed from the press on the option to the same end. Before the
N timed rounds one untimed round warms the server's caches; it is printed as "cold".

The split of the median sample comes from the browser's marks and from the dashboard's
timing hook (app_pages/timings.py, JIXIAO_TIMINGS): before the server's script starts (for a
load: the page, its scripts, the websocket, the session; for a filter change: the click
reaching the server), the script itself (named queries, opening the store, building figures,
st.plotly_chart and st.dataframe, the rest), the gaps between the script's runs when there is
more than one, and what follows the last run (the last messages and the browser drawing).

Wall-clock times grow with whatever else runs on the machine; beside them the table gives the
CPU seconds Chromium's processes and the server used (from /proc), which do not.

--baseline serves another checkout's app.py (git worktree add … HEAD) as well, so that before
and after are measured in one run, round by round, on the same machine load.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.pages import p95
from bench.serving import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, start_streamlit
from ingest import store

ROOT = Path(__file__).resolve().parents[1]
MINIMAL_PAGE = Path(__file__).with_name("minimal_page.py")
PAGES = ("", "budget", "scores", "anomalies", "report", "ingest", "export")   # SPEC §4's paths
TIMEOUT_S = 90
QUIET_S = 0.5           # no new script run this long after the end: the page has settled
PHASES = ("queries", "connect", "figures", "charts", "tables", "other")
YEAR = re.compile(r"^\s*\d{4}\s*$")

# Installed in every document before its own scripts. Script-state changes are stamped by a
# MutationObserver (exact to the DOM change); charts are checked once per animation frame,
# after the frame's work, which is when a user would see them. A fast run can go from
# "running" to "notRunning" within one of React's renders, never showing "running", so any
# message from the server counts as a run too; the page is done at the first frame from which
# it stays ready for SETTLE_MS with no message in between.
WATCH = """
(() => {
  const SETTLE_MS = 100, RUNNING = new Set(["running", "rerunRequested", "stopRequested"]);
  const jx = window.__jx = {};
  let app = null, running = false, candidate = null;
  jx.reset = () => {
    Object.assign(jx, {runStarts: [], runEnds: [], presses: [], doneAt: null, sawRun: false, lastMessage: null});
    candidate = null;
  };
  jx.reset();
  const activity = () => { jx.sawRun = true; jx.doneAt = null; candidate = null; };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => { jx.lastMessage = performance.now(); activity(); });
    }
  };
  const onState = () => {
    const now = performance.now(), state = app.dataset.testScriptState;
    if (RUNNING.has(state) && !running) { running = true; activity(); jx.runStarts.push(now); }
    else if (!RUNNING.has(state) && running) { running = false; jx.runEnds.push(now); }
  };
  const find = new MutationObserver(() => {
    app = document.querySelector('[data-testid="stApp"]');
    if (!app) return;
    find.disconnect();
    new MutationObserver(onState).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
    onState();
  });
  find.observe(document, {childList: true, subtree: true});
  document.addEventListener("pointerdown", () => jx.presses.push(performance.now()), true);
  const plotted = (gd) => !!gd && !!gd._fullLayout && !!gd.querySelector(".main-svg")
    && (!(gd.data && gd.data.length) || !!gd.calcdata);
  const ready = () => {
    if (!app || running || app.dataset.testScriptState !== "notRunning") return false;
    if (app.dataset.testConnectionState !== "CONNECTED") return false;
    if (!document.querySelector('[data-testid="stMain"] [data-testid="stHeading"], [data-testid="stException"]'))
      return false;
    if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]')) return false;
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      if (!chart.getClientRects().length) continue;        // in a tab not shown
      if (!plotted(chart.querySelector(".js-plotly-plot"))) return false;
    }
    return true;
  };
  const tick = () => {
    const now = performance.now();
    if (jx.sawRun && jx.doneAt === null) {
      if (!ready()) candidate = null;
      else if (candidate === null) candidate = now;
      else if (now - candidate >= SETTLE_MS) jx.doneAt = candidate;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  jx.charts = () => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter((chart) => chart.getClientRects().length).length;
  jx.marks = () => ({origin: performance.timeOrigin, runStarts: jx.runStarts, runEnds: jx.runEnds,
                     presses: jx.presses, doneAt: jx.doneAt, lastMessage: jx.lastMessage, charts: jx.charts()});
})();
"""


@dataclass
class Server:
    label: str
    url: str
    process: subprocess.Popen
    timings: Path | None = None
    log: Path | None = None

    def runs(self, since: float, until: float) -> list[dict]:
        """The timing hook's lines for script runs that started in [since, until] (epoch s)."""
        if self.timings is None or not self.timings.exists():
            return []
        lines = [json.loads(line) for line in self.timings.read_text(encoding="utf-8").splitlines() if line]
        return [line for line in lines if since <= line["started"] <= until]


@dataclass
class Sample:
    """One timed load or filter change; times in seconds from its start. The CPU seconds
    Chromium's processes and the server used meanwhile do not grow with the machine's
    load, as the wall-clock times do when others share its cores."""
    total: float
    script_done: float
    runs: int
    charts: int
    split: dict = field(default_factory=dict)
    browser_cpu: float = 0.0
    server_cpu: float = 0.0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command name, CPU seconds used so far), from /proc (Linux)."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue        # gone meanwhile
        fields = tail.split()
        out[int(stat.parent.name)] = (int(fields[1]), head.split("(", 1)[1],
                                      (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return out


def _tree(processes: dict, root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(server: Server) -> dict[str, dict[int, float]]:
    """CPU seconds used so far by each process of this bench's Chromium (its processes
    under this one; not playwright's driver) and of `server`."""
    processes = _processes()
    browser = [pid for pid in _tree(processes, os.getpid()) if processes[pid][1].startswith("chrom")]
    return {"browser": {pid: processes[pid][2] for pid in browser},
            "server": {pid: processes[pid][2] for pid in _tree(processes, server.process.pid) if pid in processes}}


def _with_cpu(sample: Sample, before: dict, after: dict) -> Sample:
    """The CPU used between two readings, by the processes alive at the second (a tab's
    renderer that ended meanwhile belonged to an earlier action)."""
    used = {side: sum(seconds - before[side].get(pid, 0.0) for pid, seconds in after[side].items())
            for side in after}
    sample.browser_cpu, sample.server_cpu = used["browser"], used["server"]
    return sample


def serve(label: str, script: Path, cwd: Path, env: dict, folder: Path) -> Server:
    """streamlit run `script` headless on a free port, its output in a log file."""
    log = folder / f"{label}.log"
    try:
        process, url = start_streamlit(script, cwd, env, log, wait_seconds=60)
    except RuntimeError as exc:
        raise RuntimeError(f"{label}: {exc}") from exc
    timings = Path(env["JIXIAO_TIMINGS"]) if "JIXIAO_TIMINGS" in env else None
    return Server(label, url, process, timings, log)


def real_report_id(path: Path) -> str:
    """A parsed report with budget lines and anomalies, for /report?id=…"""
    conn = store.connect(path, read_only=True)
    try:
        found = conn.execute(
            "select r.report_id from reports r where r.parse_status = 'ok' "
            "and exists (select 1 from anomalies a where a.report_id = r.report_id) "
            "and exists (select 1 from budget_lines l where l.report_id = r.report_id) "
            "order by r.report_id limit 1").fetchall()
        if not found:
            found = conn.execute("select report_id from reports order by report_id limit 1").fetchall()
        return found[0][0]
    finally:
        conn.close()


class NotSettled(Exception):
    """The page did not finish within the timeout; the message says what it showed."""


DIAGNOSIS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map((chart) => {
    const gd = chart.querySelector(".js-plotly-plot");
    return {shown: chart.getClientRects().length > 0, layout: !!(gd && gd._fullLayout), calc: !!(gd && gd.calcdata)};
  });
  return {marks: window.__jx && window.__jx.marks(), sawRun: window.__jx && window.__jx.sawRun,
          script: app && app.dataset.testScriptState, connection: app && app.dataset.testConnectionState,
          heading: !!document.querySelector('[data-testid="stMain"] [data-testid="stHeading"]'),
          busy: document.querySelectorAll('[data-testid="stSkeleton"], [data-testid="stSpinner"]').length, charts};
}"""


def _settle(tab, timeout: float = TIMEOUT_S) -> dict:
    """Wait until the page is drawn and no new run starts for QUIET_S; its marks."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout   # local: as in measure()

    deadline = time.monotonic() + timeout
    while True:
        left = max(1.0, deadline - time.monotonic())
        try:
            tab.wait_for_function("() => window.__jx && window.__jx.doneAt !== null", timeout=left * 1000)
        except PlaywrightTimeout as exc:
            raise NotSettled(json.dumps(tab.evaluate(DIAGNOSIS))) from exc
        time.sleep(QUIET_S)
        marks = tab.evaluate("() => window.__jx.marks()")
        if marks["doneAt"] is not None and len(marks["runEnds"]) >= len(marks["runStarts"]):
            return marks
        if time.monotonic() > deadline:
            raise NotSettled(json.dumps(tab.evaluate(DIAGNOSIS)))


def _sample(marks: dict, start_ms: float, server: Server) -> Sample:
    """A sample from the browser's marks (ms since navigation) measured from `start_ms`,
    split with the server's runs in the window."""
    origin = marks["origin"]
    total = (marks["doneAt"] - start_ms) / 1000
    ends = [end for end in marks["runEnds"] if end >= start_ms]
    # A run too fast to show "running" (see WATCH) ended by its last message at the latest.
    last = ends[-1] if ends else min(marks["lastMessage"] or marks["doneAt"], marks["doneAt"])
    script_done = (last - start_ms) / 1000
    runs = server.runs((origin + start_ms) / 1000 - 0.05, (origin + marks["doneAt"]) / 1000)
    sample = Sample(total=total, script_done=script_done, runs=len(runs) or len(ends), charts=marks["charts"])
    sample.split = split(runs, (origin + start_ms) / 1000, total) if runs else {}
    return sample


def split(runs: list[dict], start: float, total: float) -> dict:
    """Seconds of `total` (measured from epoch `start`) before the first script run, in each
    phase of the runs, between runs, and after the last; they add up to `total`."""
    first = min(run["started"] for run in runs)
    last_end = max(run["started"] + run["script_s"] for run in runs)
    out = {"before": first - start}
    for name in PHASES:
        out[name] = sum(run[f"{name}_s"] for run in runs)
    out["script"] = sum(run["script_s"] for run in runs)
    out["between"] = (last_end - first) - out["script"]
    out["after"] = total - (last_end - start)
    out["query_misses"] = sum(run["query_misses"] for run in runs)
    out["queries_asked"] = sum(run["queries"] for run in runs)
    out["outcomes"] = [run["outcome"] for run in runs]
    return out


def load(context, server: Server, path: str):
    """Open `path` in a fresh tab; the tab (left open for the filter change) and the sample."""
    tab = context.new_page()
    try:
        before = cpu_seconds(server)
        tab.goto(server.url + "/" + path, wait_until="commit", timeout=TIMEOUT_S * 1000)
        marks = _settle(tab)
        after = cpu_seconds(server)
    except BaseException:
        tab.close()
        raise
    return tab, _with_cpu(_sample(marks, 0.0, server), before, after)


def filter_change(tab, server: Server) -> Sample:
    """Choose the first fiscal year in the sidebar's first multiselect (years), as a user
    does: open it, click the option (not the list's "Select all")."""
    years = tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    years.click()
    option = tab.locator('[role="option"]').filter(has_text=YEAR).first
    option.wait_for(state="visible", timeout=10_000)
    tab.evaluate("() => window.__jx.reset()")
    before = cpu_seconds(server)
    option.click()
    marks = _settle(tab)
    after = cpu_seconds(server)
    start = marks["presses"][-1] if marks["presses"] else 0.0
    return _with_cpu(_sample(marks, start, server), before, after)


@dataclass
class Target:
    name: str           # how the table names it: "minimal", "/budget", "/budget (before)"
    server: Server
    path: str
    loads: list[Sample] = field(default_factory=list)
    filters: list[Sample] = field(default_factory=list)
    cold: tuple[Sample, Sample] | None = None


def measure(store_path: Path, loads: int = 5, baseline: Path | None = None, pages: tuple[str, ...] = PAGES,
            out=print) -> list[Target]:
    """Serve, drive, time; the targets with their samples (minimal page first)."""
    from playwright.sync_api import sync_playwright     # local: only this bench needs a browser

    folder = Path(tempfile.mkdtemp(prefix="jixiao-browser-"))
    report_id = real_report_id(store_path)
    servers = [serve("minimal", MINIMAL_PAGE, ROOT, {}, folder)]
    checkouts = [("after" if baseline else "app", ROOT)] + ([("before", baseline)] if baseline else [])
    for label, checkout in checkouts:
        servers.append(serve(label, checkout / "app.py", checkout,
                             {"JIXIAO_DB": str(store_path), "JIXIAO_TIMINGS": str(folder / f"{label}.jsonl")}, folder))
    targets = [Target("minimal", servers[0], "")]
    for path in pages:
        shown = "/" + path + ("?id=…" if path == "report" else "")
        for server in servers[1:]:
            suffix = f" ({server.label})" if baseline else ""
            targets.append(Target(shown + suffix, server, f"{path}?id={report_id}" if path == "report" else path))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            contexts = {server.label: browser.new_context(viewport=VIEWPORT, locale="zh-CN") for server in servers}
            for context in contexts.values():
                context.add_init_script(WATCH)
            for round_number in range(loads + 1):
                out(f"  round {round_number}/{loads}{' (warm-up)' if round_number == 0 else ''} …", flush=True)
                for target in targets:
                    try:
                        loaded, changed = _round(contexts[target.server.label], target)
                    except NotSettled as exc:
                        out(f"    {target.name}: not drawn within {TIMEOUT_S} s, tried again: {exc}", flush=True)
                        loaded, changed = _round(contexts[target.server.label], target)
                    if round_number == 0:
                        target.cold = (loaded, changed)
                    else:
                        target.loads.append(loaded)
                        target.filters.append(changed)
            browser.close()
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.process.kill()
    return targets


def _round(context, target: Target) -> tuple[Sample, Sample]:
    """One load of the target's page and one filter change on it, in a fresh tab."""
    tab, loaded = load(context, target.server, target.path)
    try:
        return loaded, filter_change(tab, target.server)
    finally:
        tab.close()


def median_sample(samples: list[Sample]) -> Sample:
    """The sample whose total is the median (the lower middle of an even count), so that
    its split adds up to the median shown."""
    ordered = sorted(samples, key=lambda sample: sample.total)
    return ordered[(len(ordered) - 1) // 2]


def table(targets: list[Target]) -> list[str]:
    """The printed tables: load and filter change against the minimal page, then the split."""
    minimal = targets[0]
    floor = {"load": p95([s.total for s in minimal.loads]), "filter": p95([s.total for s in minimal.filters])}
    lines = ["wall-clock seconds, and CPU seconds (Chromium's processes + the server's) as medians",
             f"{'page':24} {'load: median':>12} {'p95':>6} {'×min':>5} {'cold':>6} {'cpu':>10}   "
             f"{'filter: median':>14} {'p95':>6} {'×min':>5} {'cold':>6} {'cpu':>10}  runs  charts"]
    for target in targets:
        cells = []
        for kind, samples, cold in (("load", target.loads, target.cold[0]), ("filter", target.filters, target.cold[1])):
            totals = [s.total for s in samples]
            ratio = p95(totals) / floor[kind]
            flag = "!" if ratio > 1.5 else " "
            width = 12 if kind == "load" else 14
            cpu = (f"{statistics.median(s.browser_cpu for s in samples):.2f}+"
                   f"{statistics.median(s.server_cpu for s in samples):.2f}")
            cells.append(f"{statistics.median(totals):>{width}.2f} {p95(totals):>6.2f} {ratio:>4.2f}{flag} "
                         f"{cold.total:>6.2f} {cpu:>10}")
        runs = f"{median_sample(target.loads).runs}/{median_sample(target.filters).runs}"
        lines.append(f"{target.name:24} {cells[0]}   {cells[1]}  {runs:>4}  {median_sample(target.loads).charts:>6}")
    lines.append("")
    lines.append("split of the median sample (seconds): before the script | script: queries connect figures "
                 "charts tables other | between runs | after the script (to every chart drawn)")
    lines.append(f"{'page':24} {'what':6} {'total':>6} {'before':>7} {'script':>7} {'queries':>8} {'connect':>8}"
                 f" {'figures':>8} {'charts':>7} {'tables':>7} {'other':>6} {'between':>8} {'after':>6}  misses/asked")
    for target in targets:
        for kind, samples in (("load", target.loads), ("filter", target.filters)):
            sample = median_sample(samples)
            parts = sample.split
            if not parts:
                lines.append(f"{target.name:24} {kind:6} {sample.total:>6.2f}   (browser only: script done at "
                             f"{sample.script_done:.2f}, drawn {sample.total - sample.script_done:.2f} later)")
                continue
            lines.append(
                f"{target.name:24} {kind:6} {sample.total:>6.2f} {parts['before']:>7.2f} {parts['script']:>7.2f}"
                + "".join(f" {parts[name]:>{max(6, len(name))}.2f}" for name in PHASES)
                + f" {parts['between']:>8.2f} {parts['after']:>6.2f}  {parts['query_misses']}/{parts['queries_asked']}")
    return lines


def main(store_path: Path, loads: int, baseline: Path | None, pages: tuple[str, ...] = PAGES) -> None:
    print(f"pages in Chromium on {store_path}: {loads} loads and filter changes a page after one warm-up; seconds; "
          "p95 by nearest rank; ×min = p95 / the minimal page's p95 (! over 1.5)", flush=True)
    targets = measure(store_path, loads, baseline, pages)
    print("\n".join(table(targets)))
