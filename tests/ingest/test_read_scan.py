"""ingest/read_scan.py: scanned pages read by OCR give the values the report was written with.

The real pages are the formats corpus's scans (the corpus .docx printed and scanned at
150 dpi); the values expected are those of the report's truth file. OCR costs seconds a
page, so only three pages are read in all: one scanned PDF page, the same page tilted as a
.png, and a strip of its table with a figure damaged. The rest are built here and read
without OCR, or refused before it.
"""
from __future__ import annotations

import io
import json
import struct
import time
import zlib

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from conftest import SHARED
from ingest import config
from ingest.extract import extract_report
from ingest.model import Document, ParseError, Table
from ingest.read_scan import (
    Glyph, TextLine, check_boxes, cleaned, ink, read_image, read_scan_pdf, ruling_lines,
    skew_angle, straightened, words_of,
)

SCANS = SHARED / "formats" / "scan"
REPORT = "dev-005"                # its first page: the cover lines and the budget table
LIMITS = config.limits({})
SCAN_DPI = 150                    # how the formats corpus was scanned


def truth() -> dict:
    return json.loads((SCANS / f"{REPORT}.truth.json").read_text(encoding="utf-8"))


def pdf_of_pages(indices: list[int]) -> bytes:
    """A scanned PDF of some of the report's pages."""
    source = pdfium.PdfDocument((SCANS / f"{REPORT}.pdf").read_bytes())
    pdf = pdfium.PdfDocument.new()
    pdf.import_pages(source, indices)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def first_page_picture() -> Image.Image:
    """The scan's first page as the scanner saw it, in gray."""
    page = pdfium.PdfDocument((SCANS / f"{REPORT}.pdf").read_bytes())[0]
    return page.render(scale=SCAN_DPI / 72).to_pil().convert("L")


def png_of(picture: Image.Image, dpi: int | None = SCAN_DPI) -> bytes:
    out = io.BytesIO()
    picture.save(out, "PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return out.getvalue()


def budget_lines(document: Document) -> list[tuple]:
    return [(line.category_raw, line.planned, line.actual) for line in extract_report(document).budget_lines]


def truth_lines() -> list[tuple]:
    return [(line["category_raw"], line["planned"], line["actual"]) for line in truth()["budget_lines"]]


def code_of(excinfo) -> str:
    return excinfo.value.message.code


# -- real pages, read by OCR


@pytest.fixture(scope="module")
def scanned_page() -> Document:
    return read_scan_pdf(pdf_of_pages([0]), LIMITS)


@pytest.fixture(scope="module")
def tilted_png_page() -> Document:
    """The same page turned 1.5°, as a hand feeding a scanner does, saved as a .png."""
    tilted = first_page_picture().rotate(1.5, resample=Image.BICUBIC, fillcolor=255)
    return read_image(png_of(tilted), LIMITS)


def test_a_scanned_page_gives_the_values_of_its_table(scanned_page):
    assert scanned_page.file_format == "scan"
    assert scanned_page.pages == 1
    assert budget_lines(scanned_page) == truth_lines()
    report = extract_report(scanned_page)
    assert report.project_name == truth()["report"]["project_name"]
    assert report.implementing_unit == truth()["report"]["implementing_unit"]
    assert report.supervising_dept == truth()["report"]["supervising_dept"]
    assert report.eval_type == truth()["report"]["eval_type"]          # 事后评价√ ticked


def test_every_cell_read_has_its_place_and_confidence(scanned_page):
    """(A cell holding a nested table takes that table's text, not words of its own: it is
    left out here; layout.py gives it no confidence yet.)"""
    nested = [table for table in scanned_page.tables() if table.parent is not None]
    cells = [cell for table in scanned_page.tables() for row in table.rows for cell in row
             if cell.text and not any(_holds(cell, inner) for inner in nested)]
    assert len(cells) > 30
    for cell in cells:
        assert cell.box is not None and cell.box.page == 1
        assert 0 <= cell.box.x0 < cell.box.x1 <= 612 and 0 <= cell.box.top < cell.box.bottom <= 792
        assert 0.0 < cell.confidence <= 1.0


def _holds(cell, table: Table) -> bool:
    boxes = [c.box for row in table.rows for c in row if c.box]
    return bool(boxes) and all(cell.box.x0 - 1 <= b.x0 and b.x1 <= cell.box.x1 + 1 and cell.box.top - 1 <= b.top
                               and b.bottom <= cell.box.bottom + 1 for b in boxes)


def test_a_tilted_png_page_reads_the_same(tilted_png_page):
    assert tilted_png_page.file_format == "image"
    assert tilted_png_page.pages == 1
    assert budget_lines(tilted_png_page) == truth_lines()
    assert extract_report(tilted_png_page).project_name == truth()["report"]["project_name"]


def test_a_png_page_is_measured_in_points_by_its_dpi(tilted_png_page):
    """1275 × 1650 pixels at 150 dpi is a 612 × 792 point page."""
    boxes = [cell.box for table in tilted_png_page.tables() for row in table.rows for cell in row if cell.box]
    assert boxes and max(box.x1 for box in boxes) <= 612 and max(box.bottom for box in boxes) <= 792
    assert min(box.x0 for box in boxes) > 60            # the table stands inside the margins


def test_a_damaged_figure_is_read_right_or_flagged_as_doubtful():
    """A white bar through the middle of 13.58 (委托业务费, 实际): OCR may misread it, but then
    with a confidence below the threshold a person is asked to check (jixiao.toml)."""
    picture = first_page_picture().crop((150, 1150, 1100, 1440))      # the budget table
    draw = ImageDraw.Draw(picture)
    draw.rectangle((861 - 150 + 18, 1377 - 1150 + 8, 861 - 150 + 30, 1377 - 1150 + 20), fill=255)
    document = read_image(png_of(picture), LIMITS)
    table = next(document.tables())
    rows = {row[0].text: row for row in table.rows if row and row[0].text}
    damaged = rows["委托业务费"][-1]
    assert damaged.text == "13.58" or damaged.confidence < LIMITS["ocr_min_confidence"]
    untouched = rows["办公费"][-1]
    assert untouched.text == "2.31" and untouched.confidence >= LIMITS["ocr_min_confidence"]


# -- refused before or without OCR


def test_a_blank_page_is_refused_as_blank():
    with pytest.raises(ParseError) as excinfo:
        read_image(png_of(Image.new("L", (1240, 1754), 255)), LIMITS)
    assert code_of(excinfo) == "scan.blank"


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is width × height, with one byte of picture: as a crafted file
    announcing a huge picture looks."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def test_a_huge_picture_is_refused_from_its_header():
    started = time.perf_counter()
    with pytest.raises(ParseError) as excinfo:
        read_image(png_header(20_000, 20_000), LIMITS)
    assert code_of(excinfo) == "image.too_large"
    assert excinfo.value.message.params == {"pixels": 40_000, "limit": round(LIMITS["max_image_pixels"] / 10_000)}
    assert time.perf_counter() - started < 2          # 400 megapixels were never decoded


@pytest.mark.parametrize("data", [
    pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20, id="png-garbage"),
    pytest.param(None, id="jpeg-cut-short"),
])
def test_a_damaged_picture_is_refused_as_corrupt(data):
    if data is None:
        whole = io.BytesIO()
        first_page_picture().save(whole, "JPEG", quality=80)
        data = whole.getvalue()[:4000]
    with pytest.raises(ParseError) as excinfo:
        read_image(data, LIMITS)
    assert code_of(excinfo) == "image.corrupt"


def test_too_many_pages_are_refused_before_any_is_read():
    started = time.perf_counter()
    with pytest.raises(ParseError) as excinfo:
        read_scan_pdf(pdf_of_pages([0, 1, 2]), {**LIMITS, "max_pages": 2})
    assert code_of(excinfo) == "pdf.too_many_pages"
    assert excinfo.value.message.params == {"pages": 3, "limit": 2}
    assert time.perf_counter() - started < 2


# -- the cleaning steps, on pages drawn here


def test_red_seal_ink_reads_as_paper_and_black_text_under_it_stays():
    page = np.full((200, 200, 3), 255, np.uint8)
    cv2.circle(page, (100, 100), 70, (90, 90, 225), 6)             # a seal's ring, BGR red
    cv2.line(page, (20, 100), (180, 100), (30, 30, 30), 3)          # a black stroke across it
    gray = ink(page)
    assert gray[100 - 70, 100] > 240                                # ring alone: paper
    assert gray[100, 100 - 70] < 100                                # stroke over the ring: ink


def test_a_tilt_is_measured_and_straightened():
    page = np.full((1100, 850), 255, np.uint8)
    for y in range(100, 1000, 40):
        cv2.line(page, (100, y), (750, y), 0, 2)
        cv2.putText(page, "2021 budget 48.6", (110, y + 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    matrix = cv2.getRotationMatrix2D((425, 550), -1.5, 1.0)
    tilted = cv2.warpAffine(page, matrix, (850, 1100), borderValue=255)
    angle = skew_angle(tilted)
    assert abs(angle - 1.5) <= 0.1
    assert abs(skew_angle(straightened(tilted, angle))) <= 0.1


def test_ruling_lines_are_a_tables_borders_not_its_text():
    page = np.full((400, 600), 255, np.uint8)
    for y in (50, 100, 150):
        cv2.line(page, (50, y), (550, y), 0, 1)
    for x in (50, 300, 550):
        cv2.line(page, (x, 50), (x, 150), 0, 1)
    cv2.putText(page, "IIII ---", (60, 90), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    lines = ruling_lines(page, text_height=30)
    horizontal = sorted(line.y0 for line in lines if line.y0 == line.y1)
    vertical = sorted(line.x0 for line in lines if line.x0 == line.x1)
    assert horizontal == [50, 100, 150]
    assert vertical == [50, 300, 550]


def line_of(text: str, confidences: list[float], x0: float = 10, pitch: float = 20) -> TextLine:
    glyphs = tuple(Glyph(char, x0 + (i + 0.5) * pitch, pitch / 2, confidence)
                   for i, (char, confidence) in enumerate(zip(text, confidences)))
    return TextLine(x0, 10, x0 + pitch * len(text), 40, glyphs)


def test_a_speck_read_as_a_decimal_point_is_dropped_and_a_printed_one_kept():
    page = np.full((50, 200), 255, np.uint8)
    cv2.putText(page, "6", (12, 35), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
    page[33, 40] = 225                                            # a pale speck: no dot
    speck = cleaned(line_of("6.", [1.0, 0.66]), page)
    assert speck.text == "6"
    cv2.putText(page, "0", (72, 35), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
    cv2.circle(page, (100, 33), 2, 0, -1)                          # a printed point
    cv2.putText(page, "6", (112, 35), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
    printed = cleaned(line_of("0.6", [1.0, 0.7, 1.0], x0=70), page)
    assert printed.text == "0.6"


def test_a_word_carries_its_least_sure_character():
    """One doubtful digit makes the figure doubtful; a blurred 。 does not."""
    page = np.full((50, 400), 255, np.uint8)
    confidences = [1.0, 1.0, 1.0, 1.0, 0.99, 0.42, 1.0, 0.98, 0.97, 1.0, 1.0, 0.3]     # 3 unsure, 。 worse
    words = words_of(line_of("实际支出13.58万元。", confidences), page)
    assert [(word.text, confidence) for word, confidence in words] == [("实际支出13.58万元。", 0.42)]


def test_a_ticked_box_is_told_from_an_empty_one_and_from_a_character():
    page = np.full((60, 200), 255, np.uint8)
    cv2.rectangle(page, (20, 20), (40, 40), 0, 2)                   # □
    cv2.rectangle(page, (80, 20), (100, 40), 0, 2)                  # ☑
    cv2.line(page, (84, 30), (89, 36), 0, 2)
    cv2.line(page, (89, 36), (97, 23), 0, 2)
    cv2.rectangle(page, (140, 18), (156, 42), 0, 2)                 # 日: a frame crossed by a stroke
    cv2.line(page, (140, 30), (156, 30), 0, 2)
    boxes = sorted(check_boxes(page, height=30), key=lambda box: box.x0)
    assert [box.ticked for box in boxes] == [False, True]
    assert [abs(box.x0 - x) <= 2 for box, x in zip(boxes, (20, 80))] == [True, True]


def test_tables_come_back_as_tables(scanned_page):
    """The cover's table is a Table block whose rows hold the budget lines side by side."""
    table = next(block for block in scanned_page.blocks if isinstance(block, Table) and block.parent is None)
    grid = table.grid()
    assert any(row[0] == "办公费" and row[-2:] == ["2.5", "2.31"] for row in grid)
