"""Where on the page each value stands, and how surely a scan's words were read.

Readers of PDFs and scans give every paragraph and cell its box (and, for scans, the lowest
recognition confidence of its words). Extraction names a block, row and column for each
value; this puts that block's or cell's page, box and confidence on the value's evidence,
so the report page can point at the spot, and marks for reading the values a scan
recognised too unsurely to build a finding on (SPEC §2 provenance; reports.ocr_confidence).
"""
from __future__ import annotations

import dataclasses
from statistics import fmean

from ingest.model import Block, Cell, Document, Paragraph, Table
from ingest.report import Evidence, Report, Witness


def place_evidence(report: Report, document: Document) -> None:
    """Page, box and confidence on every piece of evidence that names a placed block."""
    blocks = {block.index: block for block in document.all_blocks()}
    if not any(_has_place(block) for block in blocks.values()):
        return

    def placed(evidence: Evidence | None) -> Evidence | None:
        if evidence is None or evidence.block is None or evidence.block not in blocks:
            return evidence
        spot = _spot(blocks[evidence.block], evidence.row, evidence.col)
        if spot is None or (spot.box is None and spot.confidence is None):
            return evidence
        box = spot.box
        confidence = _span_confidence(spot, evidence)
        return dataclasses.replace(
            evidence, page=box.page if box else None,
            box=(round(box.x0, 1), round(box.top, 1), round(box.x1, 1), round(box.bottom, 1)) if box else None,
            confidence=None if confidence is None else round(confidence, 4))

    report.provenance = {field: placed(evidence) for field, evidence in report.provenance.items()}
    report.witnesses = {field: [Witness(w.value, placed(w.evidence), w.agrees) for w in witnesses]
                        for field, witnesses in report.witnesses.items()}
    for item in (*report.budget_lines, *report.indicators, *report.funding_sources, *report.mentions):
        item.evidence = placed(item.evidence)


def _span_confidence(spot: Paragraph | Cell | Table, evidence: Evidence) -> float | None:
    """A value's confidence: in a paragraph, the lowest over the lines its characters stand
    on (a blurred word elsewhere in the paragraph is no doubt about it); else the cell's."""
    by_character = getattr(spot, "line_confidence", None)
    if by_character and evidence.start is not None and evidence.end is not None \
            and 0 <= evidence.start < evidence.end <= len(by_character):
        return min(by_character[evidence.start:evidence.end])
    return spot.confidence


def _has_place(block: Block) -> bool:
    if isinstance(block, Paragraph):
        return block.box is not None or block.confidence is not None
    return any(cell.box is not None or cell.confidence is not None for row in block.rows[:2] for cell in row)


def _spot(block: Block, row: int | None, col: int | None) -> Paragraph | Cell | Table | None:
    """The paragraph, or the cell at (row, grid column) of a table (a merged cell's
    continuation read from the row where its text stands)."""
    if isinstance(block, Paragraph):
        return block
    if row is None or col is None or not 0 <= row < len(block.rows):
        return None
    while row >= 0:
        cell = next((c for c in block.rows[row] if c.col <= col < c.col + c.span), None)
        if cell is None or not cell.merged_up:
            return cell
        row -= 1
    return None


def unsure_readings(report: Report, threshold: float) -> None:
    """For scans: reports.ocr_confidence is the mean over the values used; a value read with
    less than `threshold` needs reading (a doubt, so rules resting on it fire as info)."""
    confidences: list[float] = []
    for field, evidence in report.provenance.items():
        if evidence is None or evidence.confidence is None:
            continue
        confidences.append(evidence.confidence)
        if evidence.confidence < threshold:
            report.doubts.setdefault(field, _doubt(evidence.confidence, threshold))
    for table, items in (("budget_lines", report.budget_lines), ("indicators", report.indicators)):
        for item in items:
            evidence = item.evidence
            if evidence is None or evidence.confidence is None:
                continue
            confidences.append(evidence.confidence)
            if evidence.confidence < threshold:
                report.doubts.setdefault(table, f"第 {item.line_no} 行" + _doubt(evidence.confidence, threshold))
    if confidences:
        report.ocr_confidence = round(fmean(confidences), 4)


def _doubt(confidence: float, threshold: float) -> str:
    return f"扫描识别置信度 {confidence:.2f}，低于 {threshold:.2f}"
