"""python -m bench sessions: many auditors at once while a command-line ingest runs (issue 14).

The dashboard is served for real (streamlit run app.py) on a store of its own, and
`python -m ingest` of the corpus variants writes into that store while N browser sessions
(one Chromium, a context each, driven by playwright) work through an auditor's round: the
overview, a year chosen in the sidebar, the anomalies a page at a time, one anomaly
confirmed or dismissed with a comment unique to the session and round, a report, an export
downloaded. Every interaction is timed from the action to the page settled (Streamlit's
script run over, no spinner or skeleton, every chart on screen drawn) and every page is read
for what went wrong. At the end: no page showed an error, every review made is in the store
(by its comment), the ingest ended with status 0.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from app_pages.i18n import TEXTS
from bench.pages import nearest_rank
from bench.serving import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, start_streamlit
from bench.variants import SHARED, TOOL
from ingest import config, store
from ingest.rules import run_rules

ROOT = Path(__file__).resolve().parents[1]
# Twenty sessions, a server and an ingest on two shared cores: a page may take long, but a
# page that has not settled in this time is counted as a failure, not waited for.
SETTLE_SECONDS = 180.0
POLL_MS = 50
# Streamlit draws a table on a canvas: rows are clicked where they are drawn, below a header
# row of the same height, the selection box in the first 40 px.
ROW_PIXELS, TICK_BOX_PIXELS = 35, 40
PICKED_ROWS = 8                 # the rows on screen in the anomaly table, at 1366 × 900
INTERACTIONS = ("arrive", "overview", "filter", "anomalies", "page", "select", "reviewer", "comment", "triage",
                "report", "export", "build", "download")
NAVIGATION = '[data-testid="stSidebarNav"]'
STATUS_WORDS = {TEXTS[f"status.{status}"]["zh"] for status in store.REVIEW_STATUSES}
NEW_DOCUMENT = ("arrive", "overview", "report")     # interactions that load a page afresh
# What a page says when it cannot read the store (app.py draws it as a warning): every
# other warning is the data's (a partial report, a missing original), not a failure.
STORE_MESSAGES = tuple(TEXTS[key]["zh"].split("{")[0] for key in ("store.busy", "store.error", "store.missing"))

# Counts every script run the page finished and every connection state it went through, from
# its first byte: an interaction is over when a run it started has ended, not when the page
# was idle before the run began. A redrawn app root comes with its state set, not changed: a
# run it shows over counts too (a filter's run was missed so, once in 240 interactions). A
# fast run can go from "running" back to "notRunning" within one of React's renders and
# change no attribute at all (the export page on a small store): every message from the
# server is counted too, with the time of the last.
WATCH = """
window.__jixiao = {done: 0, lost: [], app: null, messages: 0, lastMessage: 0};
{
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener("message", () => {
                window.__jixiao.messages++;
                window.__jixiao.lastMessage = performance.now();
            });
        }
    };
}
new MutationObserver(records => {
    const seen = window.__jixiao;
    for (const record of records) {
        if (record.type !== "attributes") continue;
        const value = record.target.getAttribute(record.attributeName);
        if (record.attributeName === "data-test-script-state" && value === "notRunning"
                && record.oldValue !== "notRunning") seen.done++;
        if (record.attributeName === "data-test-connection-state" && value !== "CONNECTED"
                && record.oldValue === "CONNECTED") seen.lost.push(value);
    }
    const app = document.querySelector('[data-testid="stApp"]');
    if (app && app !== seen.app) {
        if (seen.app && app.dataset.testScriptState === "notRunning") seen.done++;
        seen.app = app;
    }
}).observe(document, {attributes: true, attributeOldValue: true, childList: true, subtree: true,
                      attributeFilter: ["data-test-script-state", "data-test-connection-state"]});
"""
SETTLED = """
arg => {
    // arg: the runs counted before the action, or [that count, the document's timeOrigin then,
    // the server's messages counted then]: a click that loaded a new document (Streamlit
    // reloads a page now and then instead of navigating in it) starts the count again, so any
    // run over there counts; a run seen by no state change is over once the server has sent
    // something since the action and nothing for QUIET ms.
    const QUIET = 300;
    const [counted, origin, messages] = Array.isArray(arg) ? arg : [arg, null, null];
    const seen = window.__jixiao, app = document.querySelector('[data-testid="stApp"]');
    if (!seen || !app) return false;
    const newDocument = origin !== null && origin !== performance.timeOrigin;
    const before = newDocument ? -1 : counted;        // before -1: a new document
    const unseenRun = !newDocument && messages !== null && seen.messages > messages
                      && performance.now() - seen.lastMessage >= QUIET;
    if (seen.done <= before && !unseenRun) return false;
    if (app.dataset.testConnectionState !== "CONNECTED" || app.dataset.testScriptState !== "notRunning") return false;
    if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]')) return false;
    // Drawn: its heading, or instead what went wrong (a page that cannot read the store has no heading).
    if (!document.querySelector('[data-testid="stMain"] [data-testid="stHeading"], [data-testid="stException"], '
                                + '[data-testid="stMain"] [data-testid="stAlertContainer"]')) return false;
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
        if (chart.checkVisibility() && !chart.querySelector(".main-svg")) return false;
    return true;
}
"""
STATE = """
() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app ? `connection ${app.dataset.testConnectionState}, script ${app.dataset.testScriptState}, `
        + `runs over ${window.__jixiao ? window.__jixiao.done : "?"}, `
        + `${document.querySelectorAll('[data-testid="stSkeleton"], [data-testid="stSpinner"]').length} spinners, `
        + `heading ${!!document.querySelector('[data-testid="stMain"] [data-testid="stHeading"]')}, `
        + `at ${location.pathname}${location.search}` : "no app drawn";
}
"""
SHOWN_PROBLEMS = """
() => {
    const found = [];
    const text = element => (element.innerText || "").trim().slice(0, 3000);
    for (const element of document.querySelectorAll('[data-testid="stException"]')) found.push(["exception", text(element)]);
    for (const element of document.querySelectorAll('[data-testid="stAlertContentError"]')) found.push(["error", text(element)]);
    for (const element of document.querySelectorAll('[data-testid="stAlertContentWarning"]')) found.push(["warning", text(element)]);
    for (const element of document.querySelectorAll('[data-testid="stDownloadButtonError"]')) found.push(["download", text(element)]);
    for (const element of document.querySelectorAll('[data-testid="stConnectionStatus"]')) found.push(["connection", text(element)]);
    for (const element of document.querySelectorAll('[role="dialog"]')) found.push(["dialog", text(element)]);
    for (const state of window.__jixiao ? window.__jixiao.lost.splice(0) : []) found.push(["connection", state]);
    return found;
}
"""


@dataclass
class Interaction:
    session: int
    kind: str
    seconds: float
    started: float          # time.monotonic()


@dataclass
class Problem:
    session: int
    # exception, error (an error notice), store (the page cannot read the store), connection,
    # dialog, download, moved (the triage form changed anomaly), timeout, step (a step the
    # page did not offer)
    kind: str
    detail: str             # what the page said (a traceback's whole text)
    during: str             # the interaction

    @property
    def message(self) -> str:
        return self.detail.strip().split("\n")[0][:200]


@dataclass
class Driven:
    interactions: list[Interaction] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)       # comments of the reviews made
    rounds: int = 0


@dataclass(frozen=True)
class Targets:
    """What the auditors pick: reports that exist before the ingest and stay after it."""
    report_ids: tuple[str, ...]


class Timeout(Exception):
    """A page did not settle in time (SETTLE_SECONDS, or what the caller allows)."""

    def __init__(self, during: str, message: str):
        super().__init__(f"{during}: {message}")
        self.during = during


# -- the store, the files, the server, the ingest ---------------------------------------------
def prepare_store(target: Path, source: Path | None, reports: int) -> Path:
    """A store at `target`: a copy of `source`, or `reports` generated reports with their
    anomalies (bench/fill.py, then the rules, as the ingest would have run them)."""
    from bench.fill import build     # local: a copied store needs no generator and its workers

    target.parent.mkdir(parents=True, exist_ok=True)
    if source is not None:
        shutil.copy(source, target)
        return target
    build(target, reports)
    conn = store.open_store(target)
    try:
        run_rules(conn, config.load())
        conn.execute("checkpoint")
    finally:
        conn.close()
    return target


def prepare_files(folder: Path, count: int) -> Path:
    """`count` distinct corpus variants (shared/tools/variants.py), as bench/variants.py makes them."""
    subprocess.run([sys.executable, str(TOOL), str(SHARED / "corpus"), str(folder), str(count)],
                   check=True, capture_output=True)
    return folder


def targets(db: Path, count: int = 200) -> Targets:
    conn = store.connect(db, read_only=True)
    try:
        rows = conn.execute("select report_id from reports where parse_status = 'ok' "
                            "and report_id in (select report_id from anomalies) order by report_id limit ?",
                            [count]).fetchall()
    finally:
        conn.close()
    return Targets(tuple(row[0] for row in rows))


def serve(db: Path, log: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """streamlit run app.py on `db`, headless, on a port of its own; returns once it answers."""
    return start_streamlit(ROOT / "app.py", ROOT, {"JIXIAO_DB": str(db)}, log, port)


def start_ingest(folder: Path, db: Path, log: Path) -> subprocess.Popen:
    with open(log, "wb") as output:
        return subprocess.Popen([sys.executable, "-m", "ingest", str(folder), "--db", str(db), "--quiet"],
                                cwd=ROOT, env={**os.environ}, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    """End a process this bench started, and its children (the ingest's workers)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def ingest_counts(db: Path) -> dict[str, int]:
    """Files by outcome (ok, partial, failed, skipped) in the store's latest ingest run."""
    conn = store.connect(db, read_only=True, wait_seconds=60)
    try:
        rows = conn.execute("""
            with latest as (select run_id from ingest_log order by logged_at desc limit 1)
            select status, count(*) from ingest_log where run_id in (select run_id from latest) group by status
        """).fetchall()
    finally:
        conn.close()
    return dict(rows)


def reviews_found(db: Path, tag: str) -> set[str]:
    """The comments of this run's reviews that are in the store."""
    conn = store.connect(db, read_only=True, wait_seconds=60)
    try:
        rows = conn.execute("select distinct comment from reviews where starts_with(comment, ?)", [tag]).fetchall()
    finally:
        conn.close()
    return {row[0] for row in rows}


# -- one auditor ------------------------------------------------------------------------------
class Auditor:
    """One browser session working through rounds; what it measures and sees goes to `driven`."""

    def __init__(self, page, number: int, url: str, tag: str, targets: Targets, driven: Driven,
                 patience: float = SETTLE_SECONDS):
        self.page, self.number, self.url, self.tag = page, number, url, tag
        self.targets, self.driven, self.patience = targets, driven, patience

    async def _settled(self, before: int | list, kind: str) -> None:
        try:
            await self.page.wait_for_function(SETTLED, arg=before, polling=POLL_MS, timeout=self.patience * 1000)
        except Exception as exc:            # playwright's TimeoutError, or the page gone
            try:
                state = await self.page.evaluate(STATE)
            except Exception:
                state = "the page is gone"
            raise Timeout(kind, f"not settled within {self.patience:.0f} s ({state})") from exc

    async def act(self, kind: str, action) -> None:
        """Do `action` (an awaitable factory), wait until the run it started has settled, time
        it and read the page for problems."""
        # A new document's first run ends in "notRunning" ("initial" before it): no count to wait on.
        before = -1 if kind in NEW_DOCUMENT else await self.page.evaluate(
            "() => [window.__jixiao ? window.__jixiao.done : 0, performance.timeOrigin, "
            "window.__jixiao ? window.__jixiao.messages : 0]")
        started = time.monotonic()
        try:
            await action()
        except Exception as exc:            # the click or the navigation itself timed out
            raise Timeout(kind, str(exc).splitlines()[0]) from exc
        await self._settled(before, kind)
        self.driven.interactions.append(Interaction(self.number, kind, time.monotonic() - started, started))
        await self.look(kind)

    async def look(self, during: str) -> None:
        for kind, message in await self.page.evaluate(SHOWN_PROBLEMS):
            if kind == "warning":
                if not message.startswith(STORE_MESSAGES):
                    continue                # the data's own notice (a partial report …)
                kind = "store"
            self.driven.problems.append(Problem(self.number, kind, message, during))

    async def round(self, number: int) -> None:
        """One auditor's work: overview, a year, the anomalies a page at a time, a verdict,
        a report, an export."""
        if number:                          # the first round begins where the auditor arrived
            await self.act("overview", lambda: self.page.goto(self.url + "/"))
        year = await self.choose_year(number)
        await self.act("anomalies", lambda: self.page.locator(f'{NAVIGATION} a[href$="/anomalies"]').click())
        step_up = self.page.locator('.st-key-anomaly_page [data-testid="stNumberInputStepUp"]')
        for _ in range(2):
            if await step_up.is_disabled():
                break
            await self.act("page", lambda: step_up.click())
        await self.triage(number)
        report_id = self.targets.report_ids[(self.number * 7 + number) % len(self.targets.report_ids)]
        await self.act("report", lambda: self.page.goto(f"{self.url}/report?id={report_id}&year={year}"))
        await self.act("export", lambda: self.page.locator(f'{NAVIGATION} a[href$="/export"]').click())
        # The button is in the page twice, one copy hidden (as the download's).
        await self.act("build", lambda: self.page.locator(".st-key-export_csv_reports_prepare button")
                       .filter(visible=True).first.click())
        await self.download()

    async def choose_year(self, number: int) -> str:
        """A year in the sidebar, typed and chosen with Enter: the options are the store's
        years ("Select all" first). A click on an option in the list as it is drawn was,
        on a loaded machine, now and then lost."""
        await self.page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
        options = self.page.locator('[role="option"]').filter(has_text=r"20")
        await options.first.wait_for()
        year = (await options.nth((self.number + number) % await options.count()).inner_text()).strip()
        await self.page.keyboard.type(year)
        await self.page.locator('[role="option"]').filter(has_text=year).first.wait_for()
        await self.act("filter", lambda: self.page.keyboard.press("Enter"))
        await self.page.keyboard.press("Escape")
        if f"year={year}" not in self.page.url:     # the sidebar writes its filters into the URL
            self.driven.problems.append(Problem(self.number, "step", f"year {year} not chosen: {self.page.url}",
                                                "filter"))
        return year

    async def triage(self, number: int) -> None:
        """Tick a row, name the reviewer, write the comment, confirm or dismiss."""
        page = self.page
        table = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first
        await table.scroll_into_view_if_needed()
        box = await table.bounding_box()
        row = (self.number + number) % PICKED_ROWS
        await self.act("select", lambda: page.mouse.click(box["x"] + TICK_BOX_PIXELS / 2,
                                                          box["y"] + ROW_PIXELS * (row + 1.5)))
        ticked = await self._ticked()
        reviewer, name = page.locator(".st-key-anomaly_reviewer input"), f"审计员{self.number:02d}"
        if await reviewer.input_value() != name:    # a session the server kept remembers the name
            await reviewer.fill(name)
            await self.act("reviewer", lambda: reviewer.press("Enter"))
        comment = f"{self.tag} 会话{self.number:02d} 第{number:03d}轮"
        area = page.locator(".st-key-anomaly_comment textarea")
        await area.fill(comment)
        await self.act("comment", lambda: area.press("Control+Enter"))
        # The verdict goes to the anomaly the form shows: the one ticked, though batches landed since.
        shown = await self._ticked()
        if shown != ticked:
            self.driven.problems.append(Problem(self.number, "moved", f"ticked {ticked!r}, the form then showed "
                                                f"{shown!r}", "triage"))
        verdict = "anomaly_confirm" if (self.number + number) % 2 else "anomaly_dismiss"
        self.driven.reviews.append(comment)         # made once clicked, whatever the page says next
        await self.act("triage", lambda: page.locator(f".st-key-{verdict} button").click())
        if not await page.locator('[data-testid="stAlertContentSuccess"]').count():
            self.driven.problems.append(Problem(self.number, "step", f"no notice of the review {comment!r}", "triage"))

    async def _ticked(self) -> str:
        """The anomaly the triage form is about: its evidence panel's title, without its review
        status (another auditor may have reviewed it meanwhile)."""
        title = await self.page.locator('[data-testid="stExpander"] summary').first.inner_text()
        return " · ".join(part for part in title.split(" · ") if part.strip() not in STATUS_WORDS)

    async def download(self) -> None:
        """The reports' CSV, built by the step before: timed from the click to the file saved
        (no script run: the bytes are served). The file must be the zip with the CSV in it."""
        started = time.monotonic()
        async with self.page.expect_download() as info:
            # The button is in the page twice, one copy hidden.
            await self.page.locator(".st-key-export_csv_reports button").filter(visible=True).first.click()
        download = await info.value
        failure = await download.failure()          # waits for the end of the download
        self.driven.interactions.append(Interaction(self.number, "download", time.monotonic() - started, started))
        if failure is None:
            saved = Path(await download.path())
            if not zipfile.is_zipfile(saved) or not any(name.endswith(".csv") for name in
                                                         zipfile.ZipFile(saved).namelist()):
                failure = f"not the zip of a CSV: {saved.read_bytes()[:80]!r}"
        else:
            # Asked again: whether the server still has the file (Streamlit drops a file no
            # session's page shows; a file built on the click went after two runs of any session).
            answer = await self.page.request.get(download.url)
            failure = f"{failure}; {download.url.split('/')[-1]} asked again: HTTP {answer.status}"
        if failure:
            self.driven.problems.append(Problem(self.number, "download", failure, "download"))
        await self.look("download")

    async def work(self, until, rounds: int) -> None:
        """Rounds until `until()` says stop and at least `rounds` are done, whole or broken off."""
        done = 0
        while done < rounds or not until():
            done += 1
            try:
                await self.round(done - 1)
                self.driven.rounds += 1
                continue
            except Timeout as exc:
                problem = Problem(self.number, "timeout", str(exc), exc.during)
            except Exception as exc:        # a step the page did not offer: told, the next round goes on
                problem = Problem(self.number, "step", f"{type(exc).__name__}: {exc}", "round")
            self.driven.problems.append(problem)
            with contextlib.suppress(Exception):    # the page may be gone: the next round opens a new one
                await self.look("round")


async def drive(url: str, sessions: int, tag: str, targets: Targets, until=lambda: True, rounds: int = 1,
                on_arrived=lambda: None, stagger: float = 0.5, patience: float = SETTLE_SECONDS) -> Driven:
    """`sessions` auditors in one Chromium, a context each. They arrive (the overview,
    `stagger` seconds apart); once all are there `on_arrived()` is called and every one
    works through rounds at once, until `until()` and at least `rounds` each."""
    from playwright.async_api import async_playwright     # local: the rest of the bench runs without it

    driven = Driven()
    here: list[int] = []
    everyone = asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            async def one(number: int) -> None:
                await asyncio.sleep(number * stagger)
                context = await browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
                context.set_default_timeout(patience * 1000)
                try:
                    await context.add_init_script(WATCH)
                    auditor = Auditor(await context.new_page(), number, url, tag, targets, driven, patience)
                    try:
                        await auditor.act("arrive", lambda: auditor.page.goto(url + "/"))
                    except Timeout as exc:
                        driven.problems.append(Problem(number, "timeout", str(exc), "arrive"))
                    here.append(number)
                    if len(here) == sessions:
                        on_arrived()
                        everyone.set()
                    await everyone.wait()
                    await auditor.work(until, rounds)
                finally:
                    await context.close()

            await asyncio.gather(*(one(number) for number in range(sessions)))
        finally:
            await browser.close()
    return driven


async def warm(url: str, targets: Targets) -> None:
    """Every page of a round opened once, untimed: the server imports its modules and fills
    its caches on the first visit, as a server auditors use has long done."""
    from playwright.async_api import async_playwright     # local: as in drive()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport=VIEWPORT, locale="zh-CN")
            context.set_default_timeout(SETTLE_SECONDS * 1000)
            await context.add_init_script(WATCH)
            page = await context.new_page()
            for path in ("/", "/anomalies", f"/report?id={targets.report_ids[0]}", "/export"):
                await page.goto(url + path)
                await page.wait_for_function(SETTLED, arg=-1, polling=POLL_MS, timeout=SETTLE_SECONDS * 1000)
        finally:
            await browser.close()


# -- the whole bench --------------------------------------------------------------------------
@dataclass
class Outcome:
    sessions: int
    files: int
    driven: Driven
    reviews_found: set[str]
    ingest_status: int
    ingest_seconds: float
    ingest_counts: dict[str, int]
    ingest_began: float                 # time.monotonic() when it started
    ingest_end: float                   # and when it ended
    tag: str = ""                       # every review's comment starts with it
    alone_seconds: float | None = None
    db: Path | None = None

    def lost(self) -> list[str]:
        return [comment for comment in self.driven.reviews if comment not in self.reviews_found]

    def failures(self) -> list[str]:
        """What fails the issue's checks, one line each; empty when all hold."""
        out = [f"{n} × {kind} ({during}): {message}" for (kind, during, message), n in
               Counter((p.kind, p.during, p.message) for p in self.driven.problems).most_common()]
        out += [f"review lost: {comment}" for comment in self.lost()]
        if self.ingest_status != 0:
            out.append(f"ingest exit status {self.ingest_status}")
        return out


def run(folder: Path, sessions: int, files: int, source: Path | None = None, reports: int = 3000,
        rounds: int = 1, alone: bool = True, warm_up: bool = True, patience: float = SETTLE_SECONDS,
        say=print) -> Outcome:
    """Prepare, serve, ingest and drive; check. Everything lives under `folder`."""
    shared_db = folder / "shared" / "store.duckdb"
    say(f"preparing a store ({'copy of ' + str(source) if source else f'{reports:,} generated reports'}) "
        f"and {files:,} corpus variants …")
    prepare_store(shared_db, source, reports)
    if alone:
        (folder / "alone").mkdir(exist_ok=True)
        shutil.copy(shared_db, folder / "alone" / "store.duckdb")
    variants = prepare_files(folder / "variants", files)
    picked = targets(shared_db)
    tag = f"bench-{uuid.uuid4().hex[:8]}"
    server, url = serve(shared_db, folder / "server.log")
    writer: list[subprocess.Popen] = []
    began: list[float] = []
    ended: list[float] = []

    def start() -> None:
        began.append(time.monotonic())
        writer.append(start_ingest(variants, shared_db, folder / "ingest.log"))
        # Its end, to the moment: the sessions only ask between rounds.
        threading.Thread(target=lambda: (writer[0].wait(), ended.append(time.monotonic())), daemon=True).start()

    try:
        if warm_up:
            asyncio.run(warm(url, picked))
        say(f"dashboard at {url}; {sessions} sessions arrive, then the ingest starts …")
        driven = asyncio.run(drive(url, sessions, tag, picked, until=lambda: bool(ended), rounds=rounds,
                                   on_arrived=start, patience=patience))
        writer[0].wait()
        while not ended:
            time.sleep(0.05)
    finally:
        if writer:
            stop(writer[0])
        stop(server)
    outcome = Outcome(sessions=sessions, files=files, driven=driven, reviews_found=reviews_found(shared_db, tag),
                      ingest_status=writer[0].returncode, ingest_seconds=ended[0] - began[0],
                      ingest_counts=ingest_counts(shared_db), ingest_began=began[0], ingest_end=ended[0],
                      tag=tag, db=shared_db)
    if alone:
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "ingest", str(variants), "--db", str(folder / "alone" / "store.duckdb"),
                        "--quiet"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        outcome.alone_seconds = time.monotonic() - started
    return outcome


def report(outcome: Outcome) -> list[str]:
    driven = outcome.driven
    lines = [f"sessions {outcome.sessions}, rounds {driven.rounds}, interactions {len(driven.interactions)} "
             f"({sum(outcome.ingest_began <= i.started < outcome.ingest_end for i in driven.interactions)}"
             " begun while the ingest ran)",
             "interaction time (seconds; p95 by nearest rank)",
             f"  {'kind':10} {'n':>5} {'p50':>7} {'p95':>7} {'max':>7}"]
    for kind in INTERACTIONS + ("all",):
        times = [i.seconds for i in driven.interactions if kind in (i.kind, "all")]
        if times:
            lines.append(f"  {kind:10} {len(times):>5} {nearest_rank(times, 0.5):>7.2f} "
                         f"{nearest_rank(times, 0.95):>7.2f} {max(times):>7.2f}")
    kinds = Counter(p.kind for p in driven.problems)
    lines.append(f"errors seen: {len(driven.problems)}" + (" (" + ", ".join(f"{k} {n}" for k, n in kinds.items()) + ")"
                                                          if kinds else ""))
    for (kind, during, message), n in Counter((p.kind, p.during, p.message) for p in driven.problems).most_common(20):
        lines.append(f"  {n:>4} × {kind} during {during}: {message}")
    lines.append(f"reviews made {len(driven.reviews)}, found in the store {len(set(driven.reviews) & outcome.reviews_found)}"
                 f", lost {len(outcome.lost())}")
    counts = ", ".join(f"{status} {n:,}" for status, n in sorted(outcome.ingest_counts.items()))
    lines.append(f"ingest: exit {outcome.ingest_status}; {counts}; {outcome.ingest_seconds:.1f} s, "
                 f"{outcome.files / outcome.ingest_seconds:.1f} files/s with the sessions")
    if outcome.alone_seconds:
        lines.append(f"        the same ingest alone {outcome.alone_seconds:.1f} s, "
                     f"{outcome.files / outcome.alone_seconds:.1f} files/s "
                     f"({outcome.ingest_seconds / outcome.alone_seconds:.1f}× slower with the sessions)")
    return lines


def bench_rows(folder: Path, sessions: int = 20, files: int = 2000) -> list[tuple[str, ...]]:
    """The benchmark table's rows (step, what, measured, target): python -m bench."""
    outcome = run(folder, sessions, files)
    for line in report(outcome):                # by kind of interaction, and every problem seen
        print(line, flush=True)
    driven = outcome.driven
    times = [i.seconds for i in driven.interactions if i.kind != "arrive"]
    kinds = Counter(p.kind for p in driven.problems)
    found = len(set(driven.reviews) & outcome.reviews_found)
    rows = [
        ("sessions", f"{sessions} auditors in Chromium while python -m ingest writes {files:,} files: "
                     "interactions after arriving, p50 / p95 (nearest rank)",
         f"{len(times)}: {nearest_rank(times, 0.5):.2f} s / {nearest_rank(times, 0.95):.2f} s" if times else "none"),
        ("sessions, errors", "errors any page showed (exceptions, error notices, store busy, connection, "
                             "downloads, timeouts)",
         f"{len(driven.problems)}" + (" (" + ", ".join(f"{k} {n}" for k, n in kinds.items()) + ")" if kinds else ""),
         "0"),
        ("sessions, reviews", "reviews made, found in the store by their comment",
         f"{len(driven.reviews)} made, {found} found", "none lost"),
        ("sessions, ingest", f"python -m ingest of {files:,} files with the sessions / alone",
         f"exit {outcome.ingest_status}; {outcome.ingest_seconds:.1f} s / {outcome.alone_seconds or 0:.1f} s", "exit 0"),
    ]
    return rows


def main(store_file: Path | None, sessions: int, files: int, reports: int, rounds: int, alone: bool,
         keep: Path | None) -> int:
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium")
        return 2
    folder = keep or Path(tempfile.mkdtemp(prefix="jixiao-sessions-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now()
    outcome = run(folder, sessions, files, store_file, reports, rounds, alone)
    print(f"\n{sessions} auditors at once while python -m ingest writes {files:,} files "
          f"({started:%Y-%m-%d %H:%M}, {os.cpu_count()} cores, load average {os.getloadavg()[1]:.1f} "
          "over the last 5 minutes: other work on the machine slows every figure)")
    for line in report(outcome):
        print(line)
    (folder / "problems.txt").write_text("".join(f"session {p.session}, {p.kind} during {p.during}:\n{p.detail}\n\n"
                                                 for p in outcome.driven.problems), encoding="utf-8")
    if keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    failures = outcome.failures()
    print("OK: no error shown, no review lost, the ingest ended with 0" if not failures
          else f"FAILED: {len(failures)} kinds of failure (above)")
    return 0 if not failures else 1
