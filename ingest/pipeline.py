"""read -> document model -> extract -> validate -> store, for many files at once.

The main process hashes each file, fails an empty one and skips what the store already
holds; worker processes on every core keep each original in the archive, parse it and lay
out its rows; the main process is the only writer, on a thread of its own, and opens the
store only to write a batch, so a dashboard reading the same file is locked out for
moments, not for the run.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ingest import PARSER_VERSION, audit, config, store
from ingest.messages import Message, partial
from ingest.parse import Parsed, blank, failed_report, keep, parse_path, result_of
from ingest.rules import run_rules
from ingest.schema import Columns
from ingest.workers import Pool

# What a folder search offers the readers; the format itself is sniffed from the bytes.
SUFFIXES = {".docx", ".docm", ".dotx", ".txt", ".doc", ".wps", ".rtf", ".pdf", ".jpg", ".jpeg", ".png",
            ".tif", ".tiff", ".bmp", ".xlsx", ".xlsm", ".xls", ".et"}
HASH_BLOCK = 1 << 20    # bytes read at a time to hash a file: a huge one never sits in memory


@dataclass
class Summary:
    run_id: str
    offered: int = 0
    ok: int = 0
    partial: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, Message]] = field(default_factory=list)
    report_ids: list[str] = field(default_factory=list)
    anomalies: dict[str, int] = field(default_factory=dict)
    worker_peak_bytes: int = 0

    @property
    def ingested(self) -> int:
        return self.ok + self.partial

    @property
    def files_per_second(self) -> float:
        parsed = self.ok + self.partial + self.failed
        return parsed / self.seconds if self.seconds else 0.0


def discover(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files named directly, and report-like files found recursively in folders."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUFFIXES and not child.name.startswith(("~$", ".")):
                    found.append(child)
        else:
            found.append(path)
    return found


class Writer:
    """Buffers parsed files and writes them in batches, holding the store only while writing.
    A batch is written on a thread of its own while the workers go on parsing; one batch at
    a time, in order."""

    def __init__(self, path: Path, on_wait: Callable[[str], None] | None,
                 on_write_failure: Callable[[str, str], None], batch_files: int = 1000, batch_seconds: float = 2.0):
        self.path = path
        self.batch_files = batch_files          # jixiao.toml [limits]: a batch is written at
        self.batch_seconds = batch_seconds      # so many files or after so many seconds
        self.on_wait = on_wait
        self.on_write_failure = on_write_failure    # (status it had, file name), called here
        self.rows: list[dict[str, Columns]] = []
        self.log: list[dict] = []
        self.last_flush = time.monotonic()
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-writer")
        self.pending: Future | None = None

    def add(self, rows: dict[str, Columns] | None, log_entry: dict) -> None:
        if rows is not None:
            self.rows.append(rows)
        self.log.append(log_entry)
        if len(self.log) >= self.batch_files or time.monotonic() - self.last_flush >= self.batch_seconds:
            self.flush()

    def flush(self) -> None:
        """Start writing what is buffered, once the batch before it is written."""
        self.settle()
        if not self.log:
            return
        rows, log = self.rows, self.log
        self.rows, self.log = [], []
        self.last_flush = time.monotonic()
        self.pending = self.thread.submit(self._write, rows, log)

    def settle(self) -> None:
        """Wait for the batch being written (its errors are raised here) and count the files
        of it that could not be written."""
        if self.pending is None:
            return
        pending, self.pending = self.pending, None
        for status, file_name in pending.result():
            self.on_write_failure(status, file_name)

    def close(self) -> None:
        """Write everything buffered and wait for it."""
        try:
            self.flush()
            self.settle()
        finally:
            self.thread.shutdown(wait=True)

    def _write(self, rows: list[dict[str, Columns]], log: list[dict]) -> list[tuple[str, str]]:
        conn = store.open_store(self.path, on_wait=self.on_wait)
        unwritten = []
        try:
            failures = store.write_batch(conn, rows, log)
            if failures:
                # The batch went in file by file: log it now, the failed ones as failed.
                for position, error in failures:
                    report_id = rows[position]["reports"]["report_id"][0]
                    for entry in log:
                        if entry["report_id"] == report_id and entry["status"] != "skipped":
                            unwritten.append((entry["status"], entry["file_name"]))
                            entry.update(_reason(Message("store.write_failed", {"why": str(error)[:200]})),
                                         status="failed")
                store.write_log(conn, log)
        finally:
            conn.close()
        return unwritten


def _fingerprint(path: Path) -> tuple[str, bool]:
    """sha256 of a file, read in blocks, and whether it holds no text at all (parse.blank):
    every empty file has the same hash, and the second is empty too, not a copy of the first."""
    digest = hashlib.sha256()
    empty = True
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
            empty = empty and blank(block)
    return digest.hexdigest(), empty


def archive_name(path: Path, sha256: str) -> str:
    """Where an original is kept, relative to the archive folder: by content."""
    return f"{sha256[:2]}/{sha256}{path.suffix.lower()[:10] or '.bin'}"


def _log_entry(run_id: str, path: str, file_name: str, sha256: str | None, status: str,
               error: Message | None, seconds: float) -> dict:
    return {
        "run_id": run_id, "path": path, "file_name": file_name, "sha256": sha256,
        "report_id": sha256[:16] if sha256 else None, "status": status, **_reason(error),
        "seconds": round(seconds, 4), "logged_at": dt.datetime.now(), "parser_version": PARSER_VERSION,
    }


def _reason(error: Message | None) -> dict:
    """ingest_log's reason columns: the Chinese text, and the code with its parameters that
    the dashboard shows in the page's language."""
    if error is None:
        return {"error": None, "error_code": None, "error_params": None}
    return {"error": str(error), "error_code": error.code, "error_params": error.as_json()}


@dataclass
class Task:
    path: str               # where to read the file now
    file_name: str
    sha256: str
    archive_path: str       # where to keep it, relative to archive_folder
    archive_folder: str = ""
    logged: str = ""        # the path ingest_log keeps (uploads: where they came from)


def apply_rules(db: Path, settings: dict | None = None,
                on_wait: Callable[[str], None] | None = None, changed_only: bool = False) -> dict[str, int]:
    """Re-run the anomaly rules over the store (changed_only: over the reports they have not
    checked yet, rules.run_rules), in one transaction."""
    conn = store.open_store(db, on_wait=on_wait)
    try:
        return run_rules(conn, settings or config.load(), changed_only)
    finally:
        conn.close()


def ingest(paths: Iterable[str | os.PathLike], db: Path, *, reparse: bool = False, workers: int | None = None,
           on_progress: Callable[[int, int, Parsed | None], None] | None = None,
           on_wait: Callable[[str], None] | None = None,
           on_total: Callable[[int], None] | None = None,
           settings: dict | None = None, rules: bool = True,
           origin: Callable[[Path], str] | None = None) -> Summary:
    """Ingest files and folders into the store at `db`, then re-run the rules.
    Never raises for a bad file. `origin` names each file in ingest_log when the path read
    is a temporary copy (uploads)."""
    started = time.perf_counter()
    summary = Summary(run_id=uuid.uuid4().hex[:12])
    files = discover(paths)
    summary.offered = len(files)
    if on_total:
        on_total(len(files))
    conn = store.open_store(db, on_wait=on_wait)
    try:
        known = store.known_files(conn)
        deleted = store.deleted_files(conn)
    finally:
        conn.close()
    folder = store.archive_dir(db)
    run = _Run(db, summary, len(files), on_progress, on_wait, config.limits(settings or config.load()))

    def tasks() -> Iterator[Task]:
        seen: dict[str, str] = {}
        for path in files:
            name = path.name
            logged = origin(path) if origin else str(path)
            try:
                sha, empty = _fingerprint(path)
            except OSError as exc:
                run.not_parsed(logged, name, Message("file.unreadable", {"why": str(exc.strerror or exc)}))
                continue
            if empty:
                run.not_parsed(logged, name, Message("file.empty"), sha)
                continue
            if sha in deleted:
                gone = deleted[sha]
                run.skipped(logged, name, sha, Message("skip.deleted", {
                    "who": gone["user_name"], "when": f"{gone['acted_at']:%Y-%m-%d %H:%M}"}))
                continue
            duplicate = seen.get(sha)
            if duplicate or (sha in known and not reparse):
                reason = (Message("skip.duplicate_in_run", {"other": duplicate}) if duplicate
                          else Message("skip.already_ingested"))
                run.skipped(logged, name, sha, reason)
                continue
            seen[sha] = name
            yield Task(str(path), name, sha, archive_name(path, sha), str(folder), logged)

    run.process(tasks(), workers)
    if rules and summary.offered:
        summary.anomalies = apply_rules(db, settings, on_wait, changed_only=True)
    summary.seconds = time.perf_counter() - started
    return summary


def reparse(db: Path, *, workers: int | None = None,
            on_progress: Callable[[int, int, Parsed | None], None] | None = None,
            on_wait: Callable[[str], None] | None = None,
            on_total: Callable[[int], None] | None = None,
            settings: dict | None = None, rules: bool = True,
            only: list[tuple[str, str, str, str]] | None = None) -> Summary:
    """Re-parse every archived original with the current parser, replacing its rows; or only
    these (report_id, file_name, sha256, archive_path): a deleted report restored."""
    started = time.perf_counter()
    summary = Summary(run_id=uuid.uuid4().hex[:12])
    if only is None:
        conn = store.open_store(db, on_wait=on_wait)
        try:
            rows = store.archived(conn)
        finally:
            conn.close()
    else:
        rows = only
    summary.offered = len(rows)
    if on_total:
        on_total(len(rows))
    folder = store.archive_dir(db)
    run = _Run(db, summary, len(rows), on_progress, on_wait, config.limits(settings or config.load()))

    def tasks() -> Iterator[Task]:
        for report_id, file_name, sha, archive_path in rows:
            path = folder / archive_path if archive_path else None
            if path is None or not path.exists():
                run.not_parsed(file_name, file_name, Message("file.archive_missing", {"path": archive_path}), sha)
                continue
            yield Task(str(path), file_name, sha, archive_path, str(folder), f"archive/{archive_path}")

    run.process(tasks(), workers)
    if rules:
        summary.anomalies = apply_rules(db, settings, on_wait, changed_only=only is not None)
    summary.seconds = time.perf_counter() - started
    return summary


class _Run:
    """One pass over tasks: parse (in workers), count, write in batches, report progress."""

    def __init__(self, db: Path, summary: Summary, total: int, on_progress, on_wait, limits: dict):
        self.limits = limits
        self.summary = summary
        self.total = total
        self.on_progress = on_progress
        self.writer = Writer(db, on_wait, self.write_failed, int(limits["batch_files"]), limits["batch_seconds"])
        self.done = 0

    def write_failed(self, status: str, file_name: str) -> None:
        if status in ("ok", "partial"):
            setattr(self.summary, status, getattr(self.summary, status) - 1)
            self.summary.failed += 1
            self.summary.failures.append((file_name, Message("store.not_written")))

    def _step(self, parsed: Parsed | None) -> None:
        self.done += 1
        if self.on_progress:
            self.on_progress(self.done, self.total, parsed)

    def not_parsed(self, logged: str, name: str, reason: Message, sha: str | None = None) -> None:
        """A file failed before any worker saw it (unreadable, empty, its original gone):
        logged, with no report row."""
        self.summary.failed += 1
        self.summary.failures.append((name, reason))
        self.writer.add(None, _log_entry(self.summary.run_id, logged, name, sha, "failed", reason, 0.0))
        self._step(None)

    def skipped(self, logged: str, name: str, sha: str, reason: Message) -> None:
        self.summary.skipped += 1
        self.writer.add(None, _log_entry(self.summary.run_id, logged, name, sha, "skipped", reason, 0.0))
        self._step(None)

    def record(self, task: Task, parsed: Parsed) -> None:
        status = parsed.status
        summary = self.summary
        if status == "failed":
            summary.failed += 1
            summary.failures.append((task.file_name, parsed.error or Message("parse.not_a_report")))
        elif status == "partial":
            summary.partial += 1
        else:
            summary.ok += 1
        summary.report_ids.extend(parsed.tables["reports"]["report_id"] if parsed.tables else [task.sha256[:16]])
        error = partial(parsed.missing) if status == "partial" else parsed.error
        self.writer.add(parsed.tables,
                        _log_entry(summary.run_id, task.logged or task.path, task.file_name, task.sha256, status,
                                   error, parsed.seconds))
        self._step(parsed)

    def process(self, tasks: Iterator[Task], workers: int | None) -> None:
        """Parse in worker processes (workers=0: in this process, without time or memory
        limits, for tests and tiny jobs)."""
        try:
            if workers == 0:
                for task in tasks:
                    self.record(task, parse_path(*task_key(task), limits=self.limits))
            else:
                count = min(workers or os.cpu_count() or 1, max(1, self.total))
                pool = Pool(count, self.limits)
                for task, parsed in pool.run(tasks, key=task_key, failed=gave_up):
                    self.record(task, parsed)
                self.summary.worker_peak_bytes = pool.peak_bytes
        except BaseException:
            self.writer.thread.shutdown(wait=True)   # the batch in flight ends whole
            raise
        self.writer.close()


def task_key(task: Task) -> tuple[str, str, str, str, str]:
    """What a worker needs for a task: parse_path's arguments."""
    return task.path, task.file_name, task.sha256, task.archive_path, task.archive_folder


def gave_up(task: Task, reason: Message) -> Parsed:
    """The outcome of a file whose worker was stopped (time, memory) or died: recorded as
    failed, its original kept all the same."""
    if task.archive_folder and task.archive_path:
        try:
            keep(Path(task.path), None, Path(task.archive_folder) / task.archive_path)
        except OSError as exc:
            reason = Message("worker.archive_also_failed", {"reason": reason, "why": str(exc.strerror or exc)})
    return result_of(task.path, task.file_name, task.sha256, task.archive_path, [(failed_report(reason), None)],
                     "unknown", reason, 0.0, None)


def delete_report(db: Path, report_id: str, user: str, reason: str | None,
                  settings: dict | None = None) -> dict:
    """An admin's deletion: the report out of every table, a tombstone, an audit-log entry,
    and the rules run again (a duplicate pair loses its other half)."""
    conn = store.open_store(db)
    try:
        row = store.delete_report(conn, report_id, user, reason)
        audit.record(conn, user, "delete", report_id, {"file_name": row["file_name"], "reason": reason,
                                                       "sha256": row["file_sha256"]})
    finally:
        conn.close()
    apply_rules(db, settings)
    return row


def restore_report(db: Path, report_id: str, user: str, settings: dict | None = None) -> Summary:
    """A deleted report back: its archived original parsed again, under its own name."""
    conn = store.open_store(db)
    try:
        deletion = next((row for row in store.deleted_files(conn).values() if row["report_id"] == report_id), None)
        if deletion is None:
            raise store.StoreError(f"编号为 {report_id} 的报告没有被删除")
        store.mark_restored(conn, deletion, user)
        audit.record(conn, user, "restore", report_id, {"file_name": deletion["file_name"]})
    finally:
        conn.close()
    return reparse(db, workers=1, settings=settings, only=[
        (report_id, deletion["file_name"], deletion["file_sha256"], deletion["archive_path"])])
