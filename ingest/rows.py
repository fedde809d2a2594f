"""A parsed report as the rows it contributes to each table of the store (SPEC §2), laid
out as columns: what a parsing worker sends back, and what the writer joins into a batch.
"""
from __future__ import annotations

import json

from ingest.report import Evidence, Report, as_row
from ingest.schema import Columns, as_columns

REPORT_TABLES = ("reports", "report_texts", "funding_sources", "budget_lines", "indicators",
                 "mentions", "provenance", "report_signatures")


def _provenance_row(report_id: str, field: str, evidence: Evidence | None, witness_no: int = 0,
                    value: float | None = None, agrees: bool | None = None, doubt: str | None = None) -> dict:
    evidence = evidence or Evidence(None, "", "derived")
    return {
        "report_id": report_id, "field": field, "block": evidence.block, "row_no": evidence.row,
        "col_no": evidence.col, "char_start": evidence.start, "char_end": evidence.end,
        "snippet": evidence.snippet, "method": evidence.method, "note": evidence.note,
        "witness_no": witness_no, "value": value, "agrees": agrees, "doubt": doubt,
        "page": evidence.page, "box": None if evidence.box is None else json.dumps(evidence.box),
        "confidence": evidence.confidence,
    }


def report_rows(report: Report, meta: dict) -> dict[str, list[dict]]:
    """All rows one parsed file contributes, by table."""
    rid = meta["report_id"]
    head = {
        "report_id": rid, "file_name": meta["file_name"], "file_sha256": meta["sha256"],
        "file_format": meta["file_format"], "parser_version": meta["parser_version"],
        "ingested_at": meta["ingested_at"], "parse_status": report.parse_status, "shape": report.shape,
    }
    head.update(report.values())
    head["archive_path"] = meta.get("archive_path")
    head["ocr_confidence"] = report.ocr_confidence
    head["sheet"] = meta.get("sheet")
    head["missing_fields"] = json.dumps(report.missing, ensure_ascii=False)
    head["notes"] = json.dumps(report.notes, ensure_ascii=False)
    rows: dict[str, list[dict]] = {name: [] for name in REPORT_TABLES}
    rows["reports"].append(head)
    rows["report_texts"].append({"report_id": rid, "text": report.text, "encoding": meta.get("encoding")})
    for i, source in enumerate(report.funding_sources, 1):
        rows["funding_sources"].append({"report_id": rid, "source_no": i, **as_row(source)})
        rows["provenance"].append(_provenance_row(rid, f"funding_sources.{i}", source.evidence))
    for line in report.budget_lines:
        rows["budget_lines"].append({"report_id": rid, **as_row(line)})
        rows["provenance"].append(_provenance_row(rid, f"budget_lines.{line.line_no}", line.evidence))
    for indicator in report.indicators:
        rows["indicators"].append({"report_id": rid, **as_row(indicator)})
        rows["provenance"].append(_provenance_row(rid, f"indicators.{indicator.line_no}", indicator.evidence))
    for i, mention in enumerate(report.mentions, 1):
        evidence = mention.evidence
        rows["mentions"].append({
            "report_id": rid, "mention_no": i, "kind": mention.kind, "subject": mention.subject,
            "role": mention.role, "value": mention.value, "written": mention.written, "unit": mention.unit,
            "text": mention.text, "date_start": mention.date_start, "date_end": mention.date_end,
            "block": evidence.block, "char_start": evidence.start, "char_end": evidence.end,
            "snippet": evidence.snippet,
        })
    for field, evidence in report.provenance.items():
        witnesses = report.witnesses.get(field, [])
        value = getattr(report, field, None)
        agrees = all(w.agrees for w in witnesses) if witnesses else None
        rows["provenance"].append(_provenance_row(
            rid, field, evidence, value=value if isinstance(value, (int, float)) else None, agrees=agrees,
            doubt=report.doubts.get(field)))
        for number, witness in enumerate(witnesses, 1):
            rows["provenance"].append(_provenance_row(rid, field, witness.evidence, number, witness.value,
                                                      witness.agrees))
    for field in report.doubts.keys() - report.provenance.keys():
        # A doubt about a whole table (indicators read in part) has no single value.
        rows["provenance"].append(_provenance_row(rid, field, None, doubt=report.doubts[field]))
    if report.signature is not None:
        rows["report_signatures"].append({"report_id": rid, "narrative_chars": len(report.narrative),
                                          "signature": report.signature, "narrative": report.narrative})
    return rows




def report_columns(report: Report, meta: dict) -> dict[str, Columns]:
    """What one parsed file contributes, table by table, as columns: cheap to send from a
    worker process and to join into a batch."""
    return {table: as_columns(table, rows) for table, rows in report_rows(report, meta).items()}
