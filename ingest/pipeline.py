"""read -> document model -> extract -> validate -> store, for many files at once.

The main process hashes each file and skips what the store already holds; worker processes
on every core keep each original in the archive, parse it and lay out its rows; the main
process is the only writer, on a thread of its own, and opens the store only to write a
batch, so a dashboard reading the same file is locked out for moments, not for the run.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import uuid
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ingest import PARSER_VERSION, config, store
from ingest.extract import extract_report
from ingest.model import ParseError
from ingest.read_docx import read_docx
from ingest.read_txt import read_txt
from ingest.report import Report
from ingest.validate import validate
from ingest.workers import Pool

SUFFIXES = {".docx", ".docm", ".txt", ".doc", ".wps", ".dotx", ".rtf", ".pdf"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DEFAULT_LIMITS = config.limits({})
BATCH_SIZE = 200
BATCH_SECONDS = 2.0


@dataclass
class Parsed:
    """What a worker sends back for one file: its status and its rows, laid out as columns
    ready to join into a batch, so the one writer does no per-row work."""

    path: str
    file_name: str
    sha256: str
    file_format: str
    status: str                         # ok | partial | failed
    error: str | None
    seconds: float
    missing: list[str]
    tables: dict[str, store.Columns]
    encoding: str | None = None


@dataclass
class Summary:
    run_id: str
    offered: int = 0
    ok: int = 0
    partial: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
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


def sniff(data: bytes, name: str) -> str:
    """The format by the bytes, not the name: a .docx that is not a zip is not a .docx."""
    if not data:
        return "empty"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "docx"
    if data.startswith(OLE_MAGIC):
        head = data[:1 << 16]
        if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in head:
            return "encrypted"
        return "doc"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"%PDF"):
        return "pdf"
    if name.lower().endswith(".txt"):
        return "txt"
    if name.lower().endswith((".docx", ".docm", ".dotx")):
        return "docx"      # not a zip: the reader says so
    return "unknown"


FORMAT_ERRORS = {
    "empty": "文件为空（0 字节）",
    "encrypted": "文件已加密（设置了打开密码），请在 Word/WPS 中取消密码后再导入",
    "doc": "旧版 Word 格式（.doc/.wps），请用 Word 或 WPS 另存为 .docx 后再导入",
    "rtf": "RTF 格式，请用 Word 或 WPS 另存为 .docx 后再导入",
    "pdf": "PDF 文件暂不支持，请提供 .docx 或 .txt 原件",
    "unknown": "不支持的文件类型（仅支持 .docx 和 .txt）",
}


def parse_bytes(data: bytes, name: str, limits: dict | None = None) -> tuple[Report, str, str | None, str | None]:
    """(report, format, error, encoding) for one file's bytes. Never raises for bad input."""
    limits = limits or DEFAULT_LIMITS
    file_format = sniff(data, name)
    encoding = None
    try:
        if file_format in FORMAT_ERRORS:
            raise ParseError(FORMAT_ERRORS[file_format])
        if len(data) > limits["max_file_bytes"]:
            raise ParseError(f"文件过大（{len(data) / 1024 / 1024:.0f} MB，上限 "
                             f"{limits['max_file_bytes'] / 1024 / 1024:.0f} MB）")
        if file_format == "docx":
            document = read_docx(data, limits["max_expanded_bytes"], limits["max_parts"])
        else:
            document = read_txt(data)
        encoding = document.encoding
        report = extract_report(document)
        report.notes.extend(validate(report))
        error = report.notes[0] if report.parse_status == "failed" else None
        return report, file_format, error, encoding
    except ParseError as exc:
        return _failed(str(exc)), file_format, str(exc), encoding
    except RecursionError:
        message = "文件结构嵌套过深，无法读取"
        return _failed(message), file_format, message, encoding
    except MemoryError:
        message = "文件过大，读取时内存不足"
        return _failed(message), file_format, message, encoding
    except Exception as exc:  # a parser bug must not take the run down; the reason is kept
        message = f"解析程序出错（{type(exc).__name__}: {exc}），请联系维护人员"
        return _failed(message), file_format, message, encoding


def _failed(reason: str) -> Report:
    report = Report(parse_status="failed")
    report.notes.append(reason)
    return report


def parse_path(path: str, file_name: str, sha256: str, archive_path: str | None = None,
               archive_folder: str | None = None, limits: dict | None = None) -> Parsed:
    """Keep the original under `archive_folder` (when given), parse it and lay out its rows:
    a worker process's whole job for one file."""
    started = time.perf_counter()
    limits = limits or DEFAULT_LIMITS
    file_format, encoding, data = "unknown", None, None
    try:
        size = Path(path).stat().st_size
        if size <= limits["max_file_bytes"]:
            data = Path(path).read_bytes()
    except OSError as exc:
        error = f"无法读取文件：{exc.strerror or exc}"
    else:
        error = None
        if archive_folder and archive_path:
            try:
                keep(Path(path), data, Path(archive_folder) / archive_path)
            except OSError as exc:
                error = f"无法保存原件：{exc.strerror or exc}"
    if error:
        report = _failed(error)
    elif data is None:
        error = f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {limits['max_file_bytes'] / 1024 / 1024:.0f} MB）"
        report = _failed(error)
    else:
        report, file_format, error, encoding = parse_bytes(data, file_name, limits)
    return _parsed(path, file_name, sha256, archive_path, report, file_format, error,
                   time.perf_counter() - started, encoding)


def _parsed(path: str, file_name: str, sha256: str, archive_path: str | None, report: Report,
            file_format: str, error: str | None, seconds: float, encoding: str | None) -> Parsed:
    meta = {
        "report_id": sha256[:16], "file_name": file_name, "sha256": sha256, "file_format": file_format,
        "parser_version": PARSER_VERSION, "ingested_at": dt.datetime.now(), "archive_path": archive_path,
        "encoding": encoding,
    }
    return Parsed(path, file_name, sha256, file_format, report.parse_status, error, seconds,
                  list(report.missing), store.report_columns(report, meta), encoding)


class Writer:
    """Buffers parsed files and writes them in batches, holding the store only while writing.
    A batch is written on a thread of its own while the workers go on parsing; one batch at
    a time, in order."""

    def __init__(self, path: Path, on_wait: Callable[[str], None] | None,
                 on_write_failure: Callable[[str, str], None]):
        self.path = path
        self.on_wait = on_wait
        self.on_write_failure = on_write_failure    # (status it had, file name), called here
        self.rows: list[dict[str, store.Columns]] = []
        self.log: list[dict] = []
        self.last_flush = time.monotonic()
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-writer")
        self.pending: Future | None = None

    def add(self, rows: dict[str, store.Columns] | None, log_entry: dict) -> None:
        if rows is not None:
            self.rows.append(rows)
        self.log.append(log_entry)
        if len(self.log) >= BATCH_SIZE or time.monotonic() - self.last_flush >= BATCH_SECONDS:
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

    def _write(self, rows: list[dict[str, store.Columns]], log: list[dict]) -> list[tuple[str, str]]:
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
                            entry["status"], entry["error"] = "failed", f"写入数据库失败：{error}"
                store.write_log(conn, log)
        finally:
            conn.close()
        return unwritten


def _hash(path: Path) -> str:
    """sha256 of a file, read in blocks: a huge file never sits in memory."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def archive_name(path: Path, sha256: str) -> str:
    """Where an original is kept, relative to the archive folder: by content."""
    return f"{sha256[:2]}/{sha256}{path.suffix.lower()[:10] or '.bin'}"


def keep(source: Path, data: bytes | None, target: Path) -> None:
    """Keep an original at `target` unless it is there: its bytes when read already, else
    copied in blocks; renamed into place when whole, so a half-copied file is never kept."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + f".{os.getpid()}.tmp")
    if data is None:
        shutil.copyfile(source, temporary)
    else:
        temporary.write_bytes(data)
    os.replace(temporary, target)


def _log_entry(run_id: str, path: str, file_name: str, sha256: str | None, status: str,
               error: str | None, seconds: float) -> dict:
    return {
        "run_id": run_id, "path": path, "file_name": file_name, "sha256": sha256,
        "report_id": sha256[:16] if sha256 else None, "status": status, "error": error,
        "seconds": round(seconds, 4), "logged_at": dt.datetime.now(), "parser_version": PARSER_VERSION,
    }


@dataclass
class Task:
    path: str               # where to read the file now
    file_name: str
    sha256: str
    archive_path: str       # where to keep it, relative to archive_folder
    archive_folder: str = ""
    logged: str = ""        # the path ingest_log keeps (uploads: where they came from)


def apply_rules(db: Path, settings: dict | None = None,
                on_wait: Callable[[str], None] | None = None) -> dict[str, int]:
    """Re-run every anomaly rule over the store, in one transaction."""
    from ingest.rules import run_rules

    conn = store.open_store(db, on_wait=on_wait)
    try:
        return run_rules(conn, settings or config.load())
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
                sha = _hash(path)
            except OSError as exc:
                run.unreadable(logged, name, f"无法读取文件：{exc.strerror or exc}")
                continue
            duplicate = seen.get(sha)
            if duplicate or (sha in known and not reparse):
                reason = (f"与本次导入的 {duplicate} 内容相同，只保存一份" if duplicate
                          else "内容与已导入的文件相同，已跳过")
                run.skipped(logged, name, sha, reason)
                continue
            seen[sha] = name
            yield Task(str(path), name, sha, archive_name(path, sha), str(folder), logged)

    run.process(tasks(), workers)
    if rules and summary.offered:
        summary.anomalies = apply_rules(db, settings, on_wait)
    summary.seconds = time.perf_counter() - started
    return summary


def reparse(db: Path, *, workers: int | None = None,
            on_progress: Callable[[int, int, Parsed | None], None] | None = None,
            on_wait: Callable[[str], None] | None = None,
            on_total: Callable[[int], None] | None = None,
            settings: dict | None = None, rules: bool = True) -> Summary:
    """Re-parse every archived original with the current parser, replacing its rows."""
    started = time.perf_counter()
    summary = Summary(run_id=uuid.uuid4().hex[:12])
    conn = store.open_store(db, on_wait=on_wait)
    try:
        rows = store.archived(conn)
    finally:
        conn.close()
    summary.offered = len(rows)
    if on_total:
        on_total(len(rows))
    folder = store.archive_dir(db)
    run = _Run(db, summary, len(rows), on_progress, on_wait, config.limits(settings or config.load()))

    def tasks() -> Iterator[Task]:
        for report_id, file_name, sha, archive_path in rows:
            path = folder / archive_path if archive_path else None
            if path is None or not path.exists():
                run.unreadable(file_name, file_name, f"归档原件缺失（{archive_path}），无法重新解析", sha)
                continue
            yield Task(str(path), file_name, sha, archive_path, str(folder), f"archive/{archive_path}")

    run.process(tasks(), workers)
    if rules:
        summary.anomalies = apply_rules(db, settings, on_wait)
    summary.seconds = time.perf_counter() - started
    return summary


class _Run:
    """One pass over tasks: parse (in workers), count, write in batches, report progress."""

    def __init__(self, db: Path, summary: Summary, total: int, on_progress, on_wait, limits: dict):
        self.limits = limits
        self.summary = summary
        self.total = total
        self.on_progress = on_progress
        self.writer = Writer(db, on_wait, self.write_failed)
        self.done = 0

    def write_failed(self, status: str, file_name: str) -> None:
        if status in ("ok", "partial"):
            setattr(self.summary, status, getattr(self.summary, status) - 1)
            self.summary.failed += 1
            self.summary.failures.append((file_name, "写入数据库失败"))

    def _step(self, parsed: Parsed | None) -> None:
        self.done += 1
        if self.on_progress:
            self.on_progress(self.done, self.total, parsed)

    def unreadable(self, logged: str, name: str, reason: str, sha: str | None = None) -> None:
        self.summary.failed += 1
        self.summary.failures.append((name, reason))
        self.writer.add(None, _log_entry(self.summary.run_id, logged, name, sha, "failed", reason, 0.0))
        self._step(None)

    def skipped(self, logged: str, name: str, sha: str, reason: str) -> None:
        self.summary.skipped += 1
        self.writer.add(None, _log_entry(self.summary.run_id, logged, name, sha, "skipped", reason, 0.0))
        self._step(None)

    def record(self, task: Task, parsed: Parsed) -> None:
        status = parsed.status
        summary = self.summary
        if status == "failed":
            summary.failed += 1
            summary.failures.append((task.file_name, parsed.error or "无法解析"))
        elif status == "partial":
            summary.partial += 1
        else:
            summary.ok += 1
        summary.report_ids.append(task.sha256[:16])
        error = parsed.error
        if status == "partial":
            error = "未能提取：" + "、".join(MISSING_WORDS[m] for m in parsed.missing if m in MISSING_WORDS)
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


def gave_up(task: Task, reason: str) -> Parsed:
    """The outcome of a file whose worker was stopped (time, memory) or died: recorded as
    failed, its original kept all the same."""
    if task.archive_folder and task.archive_path:
        try:
            keep(Path(task.path), None, Path(task.archive_folder) / task.archive_path)
        except OSError as exc:
            reason += f"；原件也未能保存：{exc.strerror or exc}"
    return _parsed(task.path, task.file_name, task.sha256, task.archive_path, _failed(reason),
                   "unknown", reason, 0.0, None)


MISSING_WORDS = {"budget": "预算", "spent": "实际支出", "self_score": "自评得分"}


