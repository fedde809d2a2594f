"""One file, start to finish: what a parsing worker runs (the driver, pipeline.py, and the
worker processes, workers.py, both import this; neither imports the other's way round).

The format is sniffed from the bytes, never taken from the name: a .doc named .docx is a
.doc. Each format has one reader in READERS, `(data: bytes, limits) -> Document`; the rest
of the parse knows no format by name.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import os
import re
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import msoffcrypto
import olefile

from ingest import PARSER_VERSION, config
from ingest.boxes import unsure_readings
from ingest.extract import extract_report
from ingest.messages import Message, megabytes
from ingest.model import Document, ParseError
from ingest.read_docx import read_docx
from ingest.read_txt import read_txt
from ingest.report import Report
from ingest.rows import report_rows
from ingest.schema import Columns, as_columns
from ingest.validate import validate

STATUS_ORDER = ("ok", "partial", "failed")      # a workbook's status is its best report's
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DEFAULT_LIMITS = config.limits({})

Reader = Callable[[bytes, dict], Document]


def _refuse(code: str) -> Reader:
    """A reader for a format that is recognised but not read: it says why."""
    def reader(data: bytes, limits: dict) -> Document:
        raise ParseError(code)
    return reader


def _later(module: str, name: str) -> Reader:
    """A reader imported on first use: PDF, OCR and spreadsheet libraries cost a worker
    nothing until a file of theirs arrives."""
    def reader(data: bytes, limits: dict) -> Document:
        return getattr(importlib.import_module(module), name)(data, limits)
    reader.__name__ = name
    return reader


# Sniffed format -> reader. Word's binary formats go through LibreOffice (convert.py).
READERS: dict[str, Reader] = {
    "docx": read_docx,
    "txt": read_txt,
    "doc": _later("ingest.convert", "read_converted"),
    "wps": _later("ingest.convert", "read_converted"),
    "rtf": _later("ingest.convert", "read_converted"),
    "pdf": _later("ingest.read_pdf", "read_pdf"),
    "image": _later("ingest.read_scan", "read_image"),
    "xlsx": _later("ingest.read_xlsx", "read_xlsx"),
    "xls": _later("ingest.read_xlsx", "read_xlsx"),
    "et": _later("ingest.read_xlsx", "read_xlsx"),
    "empty": _refuse("file.empty"),
    "encrypted": _refuse("file.encrypted"),
    "unknown": _refuse("file.unknown_type"),
}
WORD_PART = b"word/document.xml"
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")
# Nothing but blank space in any encoding a .txt comes in: ASCII white space and the
# ideographic space U+3000 in UTF-8 (after its optional mark) or GB18030 (A1 A1), or the same
# in UTF-16 after its byte-order mark. Matched, not stripped: a real file fails at its first
# letter, uncopied. A file of NUL bytes is no text file, not an empty one.
BLANK = re.compile(rb"(?:\xef\xbb\xbf)?(?:[ \t\r\n\x0b\x0c]|\xe3\x80\x80|\xa1\xa1)*"
                   rb"|\xff\xfe(?:[ \t\r\n\x0b\x0c]\x00|\x00\x30)*"
                   rb"|\xfe\xff(?:\x00[ \t\r\n\x0b\x0c]|\x30\x00)*")


def blank(data: bytes) -> bool:
    """Whether the bytes hold no text at all: b"" and b"\\xef\\xbb\\xbf \\r\\n" -> True."""
    return BLANK.fullmatch(data) is not None


def sniff(data: bytes, name: str = "") -> str:
    """The format by the bytes: a zip is a .docx or a workbook by the parts it holds, an OLE
    file a .doc, a workbook or an encrypted Office file by its streams, and so on; the name
    only tells apart what the bytes cannot (.wps from .doc, .et from .xls). Text has no
    signature: a file without the bytes of a binary format is text when it is named so or
    holds no NUL byte in its first 4 KB. A file of nothing but blank space is empty."""
    suffix = Path(name).suffix.lower()
    if blank(data):
        return "empty"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, suffix)
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data, suffix)
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(IMAGE_MAGIC):
        return "image"
    if suffix == ".txt" or b"\x00" not in data[:4096] or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "txt"
    return "unknown"


def _zip_kind(data: bytes, suffix: str) -> str:
    """A workbook keeps its parts under xl/; anything else zipped is read as Word (its reader
    says what is wrong with a zip that is not). A zip naming word/document.xml and no xl/
    part is Word without listing its parts (a zip's part names are stored as written)."""
    if WORD_PART in data and b"xl/" not in data:
        return "docx"
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except Exception:       # a zip too broken to list: the Word reader says what is wrong with it
        return "docx"
    if any(n[:3].lower() == "xl/" for n in names):
        return "et" if suffix == ".et" else "xlsx"
    return "docx"


def _ole_kind(data: bytes, suffix: str) -> str:
    """An OLE compound file: encrypted (an encrypted .docx/.xlsx is one, with an
    EncryptedPackage stream; a .doc or .xls says so in its own header), a workbook (a
    Workbook stream), else a Word binary document."""
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        if office.is_encrypted():
            return "encrypted"
    except Exception:       # msoffcrypto knows only what it knows; the streams still tell
        pass
    try:
        streams = {"/".join(entry).lower() for entry in olefile.OleFileIO(io.BytesIO(data)).listdir()}
    except Exception:
        streams = set()
    if "encryptedpackage" in streams or "EncryptedPackage".encode("utf-16-le") in data[:1 << 16]:
        return "encrypted"
    if streams & {"workbook", "book"}:
        return "et" if suffix == ".et" else "xls"
    if suffix == ".wps":
        return "wps"
    return "doc"


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
    """(report, format, reason, encoding) for one file's bytes: its first report where a
    workbook holds several (parse_all gives them all). Never raises for bad input."""
    reports, file_format, reason, encoding = parse_all(data, name, limits)
    return reports[0][0], file_format, reason, encoding


def parse_all(data: bytes, name: str, limits: dict | None = None
              ) -> tuple[list[tuple[Report, str | None]], str, Message | None, str | None]:
    """([(report, sheet)], format, reason, encoding) for one file's bytes. Never raises for
    bad input. A file is one report, but for a workbook with one 自评表 per sheet: one per
    sheet, each with its sheet's name.

    The reason is None for a report read (a partial one too: its missing fields say what
    it lacks). A crash of the parser itself is `parse.bug`, a code apart from every reason a bad file
    gets, so tests can tell a parser bug from a refused file."""
    limits = limits or DEFAULT_LIMITS
    file_format = sniff(data, name)
    encoding = None
    try:
        if len(data) > limits["max_file_bytes"]:
            raise ParseError("file.too_large", mb=megabytes(len(data)), limit_mb=megabytes(limits["max_file_bytes"]))
        read = READERS[file_format](data, limits)
        documents = read if isinstance(read, list) else [read]
        if documents[0].file_format == "scan":     # a PDF of page images only: the reader tells
            file_format = "scan"
        encoding = documents[0].encoding
        reports = [(_report_of(document, limits), document.sheet) for document in documents]
        failed = all(report.parse_status == "failed" for report, _ in reports)
        return reports, file_format, Message("parse.not_a_report") if failed else None, encoding
    except ParseError as exc:
        return _failed_with(exc.message, file_format, encoding)
    except RecursionError:
        return _failed_with(Message("parse.too_deep"), file_format, encoding)
    except MemoryError:
        return _failed_with(Message("parse.out_of_memory"), file_format, encoding)
    except Exception as exc:  # a parser bug must not take the run down; the reason is kept
        return _failed_with(Message("parse.bug", {"error": f"{type(exc).__name__}: {exc}"[:200]}),
                            file_format, encoding)


def _report_of(document: Document, limits: dict) -> Report:
    report = extract_report(document)
    unsure_readings(report, limits["ocr_min_confidence"])
    report.notes.extend(validate(report))
    return report


def _failed_with(reason: Message, file_format: str, encoding: str | None):
    return [(failed_report(reason), None)], file_format, reason, encoding


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
    if error is None and data is None:
        error = Message("file.too_large", {"mb": megabytes(size), "limit_mb": megabytes(limits["max_file_bytes"])})
    if error:
        reports = [(failed_report(error), None)]
    else:
        reports, file_format, error, encoding = parse_all(data, file_name, limits)
    return result_of(path, file_name, sha256, archive_path, reports, file_format, error,
                     time.perf_counter() - started, encoding)


def result_of(path: str, file_name: str, sha256: str, archive_path: str | None,
              reports: list[tuple[Report, str | None]], file_format: str, error: Message | None,
              seconds: float, encoding: str | None) -> Parsed:
    """One file's outcome and rows. Its first report's id is the file's (SPEC: the first 16 hex
    of its sha256); a workbook's further sheets are told apart by their names."""
    rows: dict[str, list[dict]] = {}
    for number, (report, sheet) in enumerate(reports):
        report_id = sha256[:16] if number == 0 else hashlib.sha256(f"{sha256}#{sheet}".encode()).hexdigest()[:16]
        meta = {
            "report_id": report_id, "file_name": file_name, "sha256": sha256, "file_format": file_format,
            "parser_version": PARSER_VERSION, "ingested_at": dt.datetime.now(), "archive_path": archive_path,
            "encoding": encoding, "sheet": sheet,
        }
        for table, table_rows in report_rows(report, meta).items():
            rows.setdefault(table, []).extend(table_rows)
    tables = {table: as_columns(table, table_rows) for table, table_rows in rows.items()}
    first = min((report for report, _ in reports), key=lambda r: STATUS_ORDER.index(r.parse_status))
    return Parsed(path, file_name, sha256, file_format, first.parse_status, error, seconds,
                  list(first.missing), tables, encoding)


_FOLDERS_MADE: set[Path] = set()      # archive folders this process has made: one mkdir each


def keep(source: Path, data: bytes | None, target: Path) -> None:
    """Keep an original at `target` unless it is there: its bytes when read already, else
    copied in blocks; renamed into place when whole, so a half-copied file is never kept."""
    if target.exists():
        return
    temporary = target.with_name(target.name + f".{os.getpid()}.tmp")
    for attempt in range(2):
        if target.parent not in _FOLDERS_MADE or attempt:
            target.parent.mkdir(parents=True, exist_ok=True)
            _FOLDERS_MADE.add(target.parent)
        try:
            if data is None:
                shutil.copyfile(source, temporary)
            else:
                temporary.write_bytes(data)
            break
        except FileNotFoundError:
            if attempt:                 # the folder was made and is gone again: say so
                raise
    os.replace(temporary, target)
