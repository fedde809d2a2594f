"""Uploads for the ingest page: save the offered files under their own names in a fresh
temporary folder and run the same pipeline as the command line over them.

Kept out of the page so that a test can hand it (name, bytes) pairs without a browser.
"""
from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Callable, Iterable

from ingest.parse import Parsed
from ingest.pipeline import Summary, ingest

# What the uploader accepts: every format a bureau's folder holds (SPEC §1). The bytes decide
# how a file is read; a file no reader takes is recorded as failed with the reason.
UPLOAD_TYPES = ("docx", "docm", "dotx", "doc", "wps", "rtf", "txt", "pdf", "jpg", "jpeg", "png", "tif", "tiff", "bmp",
                "xlsx", "xlsm", "xls", "et")
MAX_UPLOAD_MB = 50
# Most file systems cap a name at 255 bytes; Chinese takes 3 bytes a character in UTF-8.
MAX_NAME_BYTES = 240
# Characters that are not allowed in names on Windows; an archive copied there keeps working.
UNSAFE = re.compile(r'[<>:"|?*]')


def safe_name(name: str, fallback: str) -> str:
    """The base name of an offered file, with no folder parts, control characters or
    reserved characters: "../../etc/passwd" -> "passwd", "C:\\报告\\a.docx" -> "a.docx"."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if ch.isprintable())
    base = UNSAFE.sub("_", base).strip().rstrip(".")
    if base in ("", ".", ".."):
        return fallback
    if len(base.encode("utf-8")) > MAX_NAME_BYTES:
        suffix = Path(base).suffix if len(Path(base).suffix) <= 10 else ""
        stem = base[: len(base) - len(suffix)]
        while len((stem + suffix).encode("utf-8")) > MAX_NAME_BYTES:
            stem = stem[:-1]
        base = stem + suffix
    return base


def save_uploads(files: Iterable[tuple[str, bytes]], folder: Path) -> list[Path]:
    """Write each (name, bytes) under `folder` by its safe name. Two uploads with the same
    name both keep it, the later ones in numbered subfolders (the log shows the name)."""
    paths: list[Path] = []
    used: set[str] = set()
    for position, (name, content) in enumerate(files, start=1):
        base = safe_name(name, f"upload-{position}")
        target = folder / base
        copy = 1
        while target.as_posix() in used:
            copy += 1
            target = folder / str(copy) / base
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        used.add(target.as_posix())
        paths.append(target)
    return paths


def ingest_uploads(files: Iterable[tuple[str, bytes]], db: Path,
                   on_progress: Callable[[int, int, Parsed | None], None] | None = None,
                   on_wait: Callable[[str], None] | None = None) -> Summary:
    """Ingest uploaded files into the store at `db`, as `python -m ingest` would. The
    temporary copies go when the run ends; the pipeline archives the originals by content."""
    with tempfile.TemporaryDirectory(prefix="jixiao-upload-") as folder:
        paths = save_uploads(files, Path(folder))
        # The log names an upload by what the auditor chose, not by the temporary copy,
        # so a corrected file uploaded again replaces its earlier failure.
        return ingest(paths, db, workers=1, on_progress=on_progress, on_wait=on_wait,
                      origin=lambda path: "上传/" + path.relative_to(folder).as_posix())
