"""Files per second for each format a bureau's folder holds: the same reports as .docx, as .doc
(LibreOffice), as text PDF, as scanned PDF (OCR; per page too) and as .xlsx 自评表 workbooks,
each folder ingested into a fresh store by `python -m ingest` in a process of its own, on
every core. The .docx figure is the baseline the others are read against.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pypdfium2

from bench.memory import run_ingest

from bench import SHARED
FOLDERS = (
    ("docx", "corpus .docx", SHARED / "corpus", "*.docx"),
    ("doc", ".doc via LibreOffice", SHARED / "formats" / "doc", "*.doc"),
    ("pdf", "text PDF", SHARED / "formats" / "pdf", "*.pdf"),
    ("scan", "scanned PDF (OCR)", SHARED / "formats" / "scan", "*.pdf"),
)


def _pages(files: list[Path]) -> int:
    total = 0
    for path in files:
        document = pypdfium2.PdfDocument(str(path))
        total += len(document)
        document.close()
    return total


def _only(folder: Path, pattern: str, target: Path) -> list[Path]:
    """The folder's files of one format, linked into a folder of their own (the corpus mixes
    .docx with .txt)."""
    target.mkdir(parents=True, exist_ok=True)
    files = sorted(folder.glob(pattern))
    for path in files:
        (target / path.name).symlink_to(path)
    return files


def _workbooks(target: Path, count: int) -> list[Path]:
    from samples.workbook import write_workbooks

    return [p for p in write_workbooks(target, count, seed=7) if p.suffix == ".xlsx"]


def format_rows(folder: Path, workbooks: int = 40) -> list[tuple[str, str, str]]:
    """One row per format: files, seconds, files per second and the ratio to .docx."""
    rows: list[tuple[str, str, str]] = []
    baseline = None
    cases = [(kind, what, source, pattern) for kind, what, source, pattern in FOLDERS]
    cases.append(("xlsx", "generated .xlsx 自评表", None, "*.xlsx"))
    for kind, what, source, pattern in cases:
        inputs = folder / f"in-{kind}"
        files = _only(source, pattern, inputs) if source else _workbooks(inputs, workbooks)
        summary, _ = run_ingest(inputs, folder / f"{kind}.duckdb")
        seconds = summary["seconds"]
        rate = len(files) / seconds
        baseline = baseline or rate
        measured = f"{len(files)} files in {seconds:.1f} s = {rate:.2f} files/s ({rate / baseline:.2f}× docx)"
        if kind in ("pdf", "scan"):
            pages = _pages(files)
            measured += f"; {pages} pages, {seconds / pages * os.cpu_count():.2f} s per page per core"
        failed = summary["failed"]
        rows.append((f"format {kind}", f"{what}, {os.cpu_count()} workers, rules included"
                     + (f" ({failed} failed)" if failed else ""), measured))
        shutil.rmtree(inputs, ignore_errors=True)
    return rows
