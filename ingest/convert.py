""".doc, .wps, .rtf -> .docx through LibreOffice headless, then read as .docx.

Each parsing process keeps one converter alive (lo_bridge.py, under the system Python that
has LibreOffice's `uno`, driving one soffice), so LibreOffice starts once per worker rather
than once per file (about a second each). A conversion past `convert_seconds` stops the
converter: that file is failed with the reason, the next one starts a fresh converter.
Where LibreOffice is there but its Python bridge is not, each file gets one
`soffice --convert-to` of its own, slower but the same result.

Only the original is archived (parse.py keeps it before reading); the converted copy lives
in a temporary folder for the moment it is read.
"""
from __future__ import annotations

import atexit
import dataclasses
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from ingest.model import Document, ParseError, Table
from ingest.read_docx import read_docx

BRIDGE = Path(__file__).with_name("lo_bridge.py")
SYSTEM_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python")
START_SECONDS = 60          # soffice's first start, its profile made, may take this long
SUFFIX_OF = {b"{\\rtf": ".rtf"}
# A legacy form field (FORMTEXT) in a .doc often carries its text twice or more over: as the
# field's result and beside it. Word shows every copy; the value is one of them.
ECHOED = re.compile(r"(?P<value>\S.{2,}?\S)(?:\s*(?P=value))+", re.S)
NUMBER = re.compile(r"[\d.,，%\s-]+")


def read_converted(data: bytes, limits: dict) -> Document:
    """The .docx LibreOffice makes of a Word binary or RTF file, read as any .docx."""
    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as folder:
        suffix = next((s for magic, s in SUFFIX_OF.items() if data.startswith(magic)), ".doc")
        source = Path(folder) / f"original{suffix}"
        source.write_bytes(data)
        target = Path(folder) / "converted.docx"
        _converter().convert(source, target, limits["convert_seconds"])
        return _unechoed(read_docx(target.read_bytes(), limits))


def _unechoed(document: Document) -> Document:
    """Cells whose text is one value written over and over hold that value once."""
    for position, block in enumerate(document.blocks):
        if isinstance(block, Table):
            rows = tuple(tuple(_once(cell) for cell in row) for row in block.rows)
            if rows != block.rows:
                document.blocks[position] = dataclasses.replace(block, rows=rows)
    return document


def _once(cell):
    """A number is never taken for an echo: 11111111 is a number, not 1111 twice."""
    echoed = ECHOED.fullmatch(cell.text.strip())
    if echoed is None or NUMBER.fullmatch(echoed.group("value")):
        return cell
    return dataclasses.replace(cell, text=echoed.group("value"))


@lru_cache(maxsize=1)
def soffice() -> str | None:
    """LibreOffice's command, or None where it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


@lru_cache(maxsize=1)
def uno_python() -> str | None:
    """A Python that can import LibreOffice's `uno` (Debian: python3-uno), or None."""
    for python in SYSTEM_PYTHONS:
        if os.access(python, os.X_OK):
            done = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30)
            if done.returncode == 0:
                return python
    return None


class Bridge:
    """One lo_bridge.py process and its soffice, converting file after file."""

    def __init__(self, python: str, office: str):
        self.profile = tempfile.mkdtemp(prefix="jixiao-lo-")
        pipe = f"jixiao-{os.getpid()}-{os.path.basename(self.profile)}"
        self.process = subprocess.Popen(
            [python, str(BRIDGE), office, self.profile, pipe],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", start_new_session=True)
        self.office = None
        try:
            self.office = self._reply(START_SECONDS).get("office")
        except Exception:
            self.close()
            raise

    def convert(self, source: Path, target: Path, seconds: float) -> None:
        request = json.dumps({"source": str(source), "target": str(target)})
        try:
            self.process.stdin.write(request + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise _Broken(str(exc)) from exc
        reply = self._reply(seconds)
        if reply.get("unreadable"):
            raise ParseError("convert.unreadable")
        if "error" in reply or not target.exists():
            raise ParseError("convert.failed", why=reply["error"]) if reply.get("error") else ParseError("convert.no_output")

    def _reply(self, seconds: float) -> dict:
        """The bridge's next line, waited for at most `seconds`."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=seconds):
                raise _Late(seconds)
        line = self.process.stdout.readline()
        if not line:
            raise _Broken("the converter stopped")
        return json.loads(line)

    def close(self) -> None:
        """Stop the bridge and its soffice (each a process group of its own) and drop the profile."""
        for group in (self.process.pid, self.office):
            if group:
                try:
                    os.killpg(group, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


class _Late(Exception):
    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


class _Broken(Exception):
    pass


class Converter:
    """This process's way to LibreOffice: a long-lived bridge where the system Python has
    `uno`, else one soffice per file."""

    def __init__(self):
        self.bridge: Bridge | None = None
        atexit.register(self.close)

    def convert(self, source: Path, target: Path, seconds: float) -> None:
        office = soffice()
        if office is None:
            raise ParseError("convert.unavailable")
        python = uno_python()
        if python is None:
            return _convert_once(office, source, target, seconds)
        try:
            if self.bridge is None:
                self.bridge = Bridge(python, office)
            self.bridge.convert(source, target, seconds)
        except _Late as late:
            self.close()
            raise ParseError("convert.timeout", seconds=f"{late.seconds:g}") from None
        except (_Broken, OSError, ValueError) as exc:
            self.close()
            raise ParseError("convert.failed", why=str(exc)[:200]) from None

    def close(self) -> None:
        if self.bridge is not None:
            self.bridge.close()
            self.bridge = None


def _convert_once(office: str, source: Path, target: Path, seconds: float) -> None:
    """One soffice for one file, with a profile of its own (two at once must not share one)."""
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        command = [office, "--headless", "--norestore", "--nologo", f"-env:UserInstallation=file://{profile}",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(source.parent), str(source)]
        try:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       start_new_session=True)
            _, errors = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise ParseError("convert.timeout", seconds=f"{seconds:g}") from None
    made = source.with_suffix(".docx")
    if not made.exists():
        said = errors.decode("utf-8", "replace").strip()[:200]
        raise ParseError("convert.failed", why=said) if said else ParseError("convert.no_output")
    made.rename(target)


@lru_cache(maxsize=1)
def _converter() -> Converter:
    return Converter()
