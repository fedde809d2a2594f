"""One file, start to finish: what a parsing worker runs (the driver, pipeline.py, and the
worker processes, workers.py, both import this; neither imports the other's way round).

The format is sniffed from the bytes, never taken from the name: a .doc named .docx is a
.doc. Each format has one reader in READERS, `(data: bytes, limits) -> Document`; the rest
of the parse knows no format by name.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ingest import PARSER_VERSION, config
from ingest.extract import extract_report
from ingest.messages import Message, megabytes
from ingest.model import Document, ParseError
from ingest.read_docx import read_docx
from ingest.read_txt import read_txt
from ingest.report import Report
from ingest.rows import report_columns
from ingest.schema import Columns
from ingest.validate import validate

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DEFAULT_LIMITS = config.limits({})

Reader = Callable[[bytes, dict], Document]


def _refuse(code: str) -> Reader:
    """A reader for a format that is recognised but not read (yet): it says why."""
    def reader(data: bytes, limits: dict) -> Document:
        raise ParseError(code)
    return reader


# Sniffed format -> reader. A format the ingest will read one day gets its reader here.
READERS: dict[str, Reader] = {
    "docx": read_docx,
    "txt": read_txt,
    "empty": _refuse("file.empty"),
    "encrypted": _refuse("file.encrypted"),
    "doc": _refuse("file.legacy_word"),
    "rtf": _refuse("file.rtf"),
    "pdf": _refuse("file.pdf"),
    "unknown": _refuse("file.unknown_type"),
}


def sniff(data: bytes, name: str = "") -> str:
    """The format by the bytes: a zip is a .docx whatever its name, an OLE file a .doc (or an
    encrypted Office file), and so on. Text has no signature: a file without the bytes of
    a binary format is text when it is named so or holds no NUL byte in its first 4 KB."""
    if not data:
        return "empty"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
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
    if name.lower().endswith(".txt") or b"\x00" not in data[:4096] \
            or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "txt"
    return "unknown"


@dataclass
class Parsed:
    """What a worker sends back for one file: its status and its rows, laid out as columns
    ready to join into a batch, so the one writer does no per-row work."""

    path: str
    file_name: str
    sha256: str
    file_format: str
    status: str                         # ok | partial | failed
    error: Message | None               # why it failed, or what a partial report misses
    seconds: float
    missing: list[str]
    tables: dict[str, Columns]
    encoding: str | None = None


def parse_bytes(data: bytes, name: str, limits: dict | None = None) -> tuple[Report, str, Message | None, str | None]:
    """(report, format, reason, encoding) for one file's bytes. Never raises for bad input.

    The reason is None for a report read (a partial one too: its missing fields say what
    it lacks). A crash of the parser itself is `parse.bug`, a code apart from every reason a bad file
    gets, so tests can tell a parser bug from a refused file."""
    limits = limits or DEFAULT_LIMITS
    file_format = sniff(data, name)
    encoding = None
    try:
        if len(data) > limits["max_file_bytes"]:
            raise ParseError("file.too_large", mb=megabytes(len(data)), limit_mb=megabytes(limits["max_file_bytes"]))
        document = READERS[file_format](data, limits)
        encoding = document.encoding
        report = extract_report(document)
        report.notes.extend(validate(report))
        reason = Message("parse.not_a_report") if report.parse_status == "failed" else None
        return report, file_format, reason, encoding
    except ParseError as exc:
        return failed_report(exc.message), file_format, exc.message, encoding
    except RecursionError:
        return _failed_with(Message("parse.too_deep"), file_format, encoding)
    except MemoryError:
        return _failed_with(Message("parse.out_of_memory"), file_format, encoding)
    except Exception as exc:  # a parser bug must not take the run down; the reason is kept
        return _failed_with(Message("parse.bug", {"error": f"{type(exc).__name__}: {exc}"[:200]}),
                            file_format, encoding)


def _failed_with(reason: Message, file_format: str, encoding: str | None):
    return failed_report(reason), file_format, reason, encoding


def failed_report(reason: Message) -> Report:
    report = Report(parse_status="failed")
    report.notes.append(str(reason))
    return report


def parse_path(path: str, file_name: str, sha256: str, archive_path: str | None = None,
               archive_folder: str | None = None, limits: dict | None = None) -> Parsed:
    """Keep the original under `archive_folder` (when given), parse it and lay out its rows:
    a worker process's whole job for one file."""
    started = time.perf_counter()
    limits = limits or DEFAULT_LIMITS
    file_format, encoding, data = "unknown", None, None
    error: Message | None = None
    try:
        size = Path(path).stat().st_size
        if size <= limits["max_file_bytes"]:
            data = Path(path).read_bytes()
    except OSError as exc:
        error = Message("file.unreadable", {"why": str(exc.strerror or exc)})
    else:
        if archive_folder and archive_path:
            try:
                keep(Path(path), data, Path(archive_folder) / archive_path)
            except OSError as exc:
                error = Message("file.archive_failed", {"why": str(exc.strerror or exc)})
    if error:
        report = failed_report(error)
    elif data is None:
        error = Message("file.too_large", {"mb": megabytes(size), "limit_mb": megabytes(limits["max_file_bytes"])})
        report = failed_report(error)
    else:
        report, file_format, error, encoding = parse_bytes(data, file_name, limits)
    return result_of(path, file_name, sha256, archive_path, report, file_format, error,
                  time.perf_counter() - started, encoding)


def result_of(path: str, file_name: str, sha256: str, archive_path: str | None, report: Report,
           file_format: str, error: Message | None, seconds: float, encoding: str | None) -> Parsed:
    meta = {
        "report_id": sha256[:16], "file_name": file_name, "sha256": sha256, "file_format": file_format,
        "parser_version": PARSER_VERSION, "ingested_at": dt.datetime.now(), "archive_path": archive_path,
        "encoding": encoding,
    }
    return Parsed(path, file_name, sha256, file_format, report.parse_status, error, seconds,
                  list(report.missing), report_columns(report, meta), encoding)


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
