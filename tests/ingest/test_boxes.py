"""Page, box and OCR confidence on each value's evidence (ingest/boxes.py), and the doubts a
scan's unsure values become."""
from __future__ import annotations

from ingest.boxes import place_evidence, unsure_readings
from ingest.model import Box, Cell, Document, Paragraph, Table
from ingest.report import Evidence, Report

LINE_ONE = "实际支出53.5万元，"          # read surely
LINE_TWO = "资金到位率为崆峒区"           # a rare character read unsurely


def _scan() -> Document:
    text = LINE_ONE + LINE_TWO
    by_character = (0.98,) * len(LINE_ONE) + (0.4,) * len(LINE_TWO)
    paragraph = Paragraph(text, 0, box=Box(1, 72, 100, 500, 130), confidence=0.4, line_confidence=by_character)
    table = Table(((Cell("综合得分", 0, box=Box(2, 72, 200, 150, 220), confidence=0.99),
                    Cell("1OO", 1, box=Box(2, 150, 200, 250, 220), confidence=0.55)),), 1)
    return Document(blocks=[paragraph, table], file_format="scan", pages=2)


def test_a_value_is_as_sure_as_the_lines_it_stands_on_and_a_cell_as_its_words():
    report = Report()
    report.provenance["spent"] = Evidence(0, "实际支出53.5万元", "text", start=0, end=len("实际支出53.5万元"))
    report.provenance["arrival_rate_stated"] = Evidence(0, LINE_TWO, "text", start=len(LINE_ONE),
                                                        end=len(LINE_ONE) + len(LINE_TWO))
    report.provenance["self_score"] = Evidence(1, "1OO", "table", row=0, col=1)
    place_evidence(report, _scan())
    spent, rate, score = (report.provenance[f] for f in ("spent", "arrival_rate_stated", "self_score"))
    assert (spent.page, spent.box, spent.confidence) == (1, (72.0, 100.0, 500.0, 130.0), 0.98)
    assert rate.confidence == 0.4
    assert (score.page, score.box, score.confidence) == (2, (150.0, 200.0, 250.0, 220.0), 0.55)

    unsure_readings(report, 0.8)
    assert set(report.doubts) == {"arrival_rate_stated", "self_score"}
    assert "0.55" in report.doubts["self_score"] and "0.80" in report.doubts["self_score"]
    assert report.ocr_confidence == round((0.98 + 0.4 + 0.55) / 3, 4)


def test_a_docx_value_gets_no_page_and_no_doubt():
    report = Report()
    report.provenance["spent"] = Evidence(0, "实际支出53.5万元", "text", start=0, end=10)
    place_evidence(report, Document(blocks=[Paragraph(LINE_ONE, 0)], file_format="docx"))
    unsure_readings(report, 0.8)
    assert report.provenance["spent"].page is None and report.provenance["spent"].confidence is None
    assert report.doubts == {} and report.ocr_confidence is None
