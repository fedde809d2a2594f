"""ingest/read_pdf.py: a PDF with a text layer reads as the .docx it was printed from.

Real reports come from the formats corpus (the corpus .docx re-rendered as PDF): their
tables and paragraphs must equal what read_docx reads from the .docx. Small cases are PDFs
built here with pypdfium2 (Latin text in a standard font, so no font file is needed).
"""
from __future__ import annotations

import ctypes
import hashlib
import io
import json
import re
import struct
import sys
import types
import unicodedata

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from conftest import CORPUS, SHARED
from ingest.extract import extract_report
from ingest.model import FOOTER, HEADER, Document, Paragraph, ParseError, Table
from ingest.read_docx import read_docx
from ingest.read_pdf import read_pdf

PDFS = SHARED / "formats" / "pdf"
LIMITS = {"max_pages": 100}
PAGE_WIDTH, PAGE_HEIGHT = 612, 792


def squash(text: str) -> str:
    """How the truth files compare text: NFKC, whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_of(name: str) -> Document:
    return read_pdf((PDFS / f"{name}.pdf").read_bytes(), LIMITS)


def docx_of(name: str) -> Document:
    return read_docx((CORPUS / f"{name}.docx").read_bytes())


# -- building small PDFs -----------------------------------------------------------------------
def build_pdf(pages: list[dict], rotation: int = 0) -> bytes:
    """A PDF of pages given as {"texts": [(text, x, top, size)], "lines": [(x0, top, x1,
    bottom)]}, positions in points from the top-left corner; Helvetica text."""
    pdf = pdfium.PdfDocument.new()
    for spec in pages:
        page = pdf.new_page(PAGE_WIDTH, PAGE_HEIGHT)
        for text, x, top, size in spec.get("texts", []):
            _add_text(pdf, page, text, x, PAGE_HEIGHT - top - 0.8 * size, size)
        for x0, top, x1, bottom in spec.get("lines", []):
            _add_line(page, x0, PAGE_HEIGHT - top, x1, PAGE_HEIGHT - bottom)
        if rotation:
            page.set_rotation(rotation)
        pdfium_c.FPDFPage_GenerateContent(page)
        page.close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def _add_text(pdf, page, text: str, x: float, y: float, size: float, matrix=(1, 0, 0, 1)) -> None:
    obj = pdfium_c.FPDFPageObj_NewTextObj(pdf, b"Helvetica", ctypes.c_float(size))
    encoded = (text + "\0").encode("utf-16-le")
    pdfium_c.FPDFText_SetText(obj, (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded))
    pdfium_c.FPDFPageObj_Transform(obj, *matrix, x, y)
    pdfium_c.FPDFPage_InsertObject(page, obj)


def _add_line(page, x0: float, y0: float, x1: float, y1: float) -> None:
    path = pdfium_c.FPDFPageObj_CreateNewPath(x0, y0)
    pdfium_c.FPDFPath_LineTo(path, x1, y1)
    pdfium_c.FPDFPageObj_SetStrokeColor(path, 0, 0, 0, 255)
    pdfium_c.FPDFPageObj_SetStrokeWidth(path, ctypes.c_float(0.5))
    pdfium_c.FPDFPath_SetDrawMode(path, pdfium_c.FPDF_FILLMODE_NONE, True)
    pdfium_c.FPDFPage_InsertObject(page, path)


def grid_lines(xs: list[float], ys: list[float]) -> list[tuple[float, float, float, float]]:
    """The ruling lines of a plain table with these column and row edges."""
    return [(xs[0], y, xs[-1], y) for y in ys] + [(x, ys[0], x, ys[-1]) for x in xs]


# The standard security handler (PDF 1.4, revision 2, RC4 40-bit), written out by hand:
# none of the installed libraries writes encrypted PDFs.
PASSWORD_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes, owner_password: bytes = b"owner") -> bytes:
    """A one-page PDF that opens only with `user_password` (PDF 1.7 spec, algorithms 2-4)."""
    user = (user_password + PASSWORD_PAD)[:32]
    owner_key = hashlib.md5((owner_password + PASSWORD_PAD)[:32]).digest()[:5]
    owner_entry = _rc4(owner_key, user)
    permissions = -4
    file_id = b"jixiao-test-0001"
    key = hashlib.md5(user + owner_entry + struct.pack("<i", permissions) + file_id).digest()[:5]
    user_entry = _rc4(key, PASSWORD_PAD)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] >>",
        f"<< /Filter /Standard /V 1 /R 2 /O <{owner_entry.hex()}> /U <{user_entry.hex()}> /P {permissions} >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, text in enumerate(objects, 1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{text}\nendobj\n".encode()
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Encrypt 4 0 R "
             f"/ID [<{file_id.hex()}> <{file_id.hex()}>] >>\nstartxref\n{xref}\n%%EOF\n").encode()
    return body


# -- real reports: the PDF reads as its .docx --------------------------------------------------
@pytest.mark.parametrize("name", [
    "seed-000",    # merged cells, a table running onto the next page
    "seed-004",    # a table over three pages, a row cut by a page break
    "dev-005",     # a table nested in a cell
    "dev-010",     # 一级指标 merged down across the page break, a cut row
    "dev-027",     # a nested table in a table that runs onto the next page
])
def test_tables_equal_the_docx(name):
    """Every table, cell by grid position, as read_docx reads the .docx it was printed from."""
    want = [table for table in docx_of(name).all_blocks() if isinstance(table, Table)]
    got = [table for table in pdf_of(name).all_blocks() if isinstance(table, Table)]
    assert len(got) == len(want)
    for mine, theirs in zip(got, want):
        assert [[squash(text) for text in row] for row in mine.grid()] == \
               [[squash(text) for text in row] for row in theirs.grid()]
        assert mine.parent is not None if theirs.parent is not None else mine.parent is None


@pytest.mark.parametrize("name", ["seed-000", "seed-001", "dev-019"])
def test_paragraphs_equal_the_docx(name):
    """Paragraphs joined across wrapped lines and page breaks, a two-line title one paragraph."""
    want = [squash(p.numbering + p.text) for p in docx_of(name).paragraphs() if squash(p.text)]
    got = [squash(p.text) for p in pdf_of(name).paragraphs() if squash(p.text)]
    assert got == want


def test_report_from_a_pdf_matches_its_truth():
    """Indicators read from a table running over two pages with a cut row equal the truth."""
    truth = json.loads((PDFS / "dev-010.truth.json").read_text(encoding="utf-8"))
    report = extract_report(pdf_of("dev-010"))
    got = {(squash(i.name), i.weight, i.score) for i in report.indicators}
    want = {(squash(i["name"]), i["weight"], i["score"]) for i in truth["indicators"]}
    assert got == want
    assert report.self_score == truth["report"]["self_score"]
    assert report.spent == truth["report"]["spent"]


def test_every_block_and_cell_has_its_box():
    document = pdf_of("dev-010")
    assert document.file_format == "pdf" and document.pages == len(pdfium.PdfDocument(PDFS / "dev-010.pdf"))
    for block in document.blocks:
        if isinstance(block, Paragraph):
            assert block.box is not None and 1 <= block.box.page <= document.pages
        else:
            for row in block.rows:
                for cell in row:
                    assert cell.box is not None and cell.box.x0 < cell.box.x1 and cell.box.top < cell.box.bottom
    table = next(document.tables())
    total = next(c for row in table.rows for c in row if squash(c.text) == "总分")
    assert total.box.page == 2          # the table's last rows stand on the second page
    title = next(p for p in document.paragraphs() if squash(p.text) == "项目支出绩效自评表")
    assert title.box.page == 1 and title.box.top < total.box.top + 792


# -- built PDFs --------------------------------------------------------------------------------
def test_a_number_wrapped_in_a_narrow_cell_is_one_number():
    """A cell too narrow for 22.5 shows `22.` over `5`: one value, 22.5."""
    xs, ys = [100, 200, 224], [100, 130, 150]
    pdf = build_pdf([{"texts": [("Budget", 104, 103, 10), ("22.", 204, 103, 10), ("5", 204, 115, 10),
                                ("Spent", 104, 133, 10), ("21", 204, 133, 10)],
                      "lines": grid_lines(xs, ys)}])
    table = next(read_pdf(pdf, LIMITS).tables())
    assert table.grid() == [["Budget", "22.5"], ["Spent", "21"]]
    assert table.rows[0][1].box.page == 1
    assert table.rows[0][1].box.x0 == pytest.approx(200, abs=1)


def test_short_lines_in_a_wide_cell_stay_apart():
    """Two figures on two lines of a wide cell are two paragraphs, not 1020."""
    pdf = build_pdf([{"texts": [("Planned", 104, 103, 10), ("10", 204, 103, 10), ("20", 204, 115, 10)],
                      "lines": grid_lines([100, 200, 400], [100, 130])}])
    table = next(read_pdf(pdf, LIMITS).tables())
    assert table.rows[0][1].text == "10\n20"


def test_page_numbers_and_running_heads_are_not_body():
    pages = [{"texts": [("Annual performance report", 220, 30, 9), (f"Body text of page {n}", 100, 200, 11),
                        (f"- {n} -", 295, 760, 9)]} for n in (1, 2, 3)]
    document = read_pdf(build_pdf(pages), LIMITS)
    body = [p.text for p in document.paragraphs()]
    assert body == ["Body text of page 1", "Body text of page 2", "Body text of page 3"]
    assert [(p.part, p.text) for p in document.furniture] == [(HEADER, "Annual performance report")]
    assert all(p.part in (HEADER, FOOTER) and p.box.page == 1 for p in document.furniture)


def test_a_rotated_page_reads_upright():
    """A landscape page stored upright and turned by /Rotate 90: text left to right, boxes
    on the page as shown (792 wide)."""
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(PAGE_WIDTH, PAGE_HEIGHT)
    quarter_turn = (0, 1, -1, 0)
    _add_text(pdf, page, "Landscape first line", 300, 100, 10, quarter_turn)
    _add_text(pdf, page, "and the second", 316, 100, 10, quarter_turn)
    page.set_rotation(90)
    pdfium_c.FPDFPage_GenerateContent(page)
    page.close()
    out = io.BytesIO()
    pdf.save(out)
    document = read_pdf(out.getvalue(), LIMITS)
    assert [p.text for p in document.paragraphs()] == ["Landscape first line", "and the second"]
    box = document.blocks[0].box
    assert box.x0 == pytest.approx(100, abs=2) and box.x1 < 792


def test_a_pdf_without_text_goes_to_the_scan_reader(monkeypatch):
    """No page with a character: read_scan's read_scan_pdf reads it (a stand-in here)."""
    calls = []
    scan = types.ModuleType("ingest.read_scan")
    scan.read_scan_pdf = lambda data, limits: calls.append(len(data)) or Document(file_format="scan")
    monkeypatch.setitem(sys.modules, "ingest.read_scan", scan)
    document = read_pdf(build_pdf([{"lines": grid_lines([100, 200], [100, 200])}]), LIMITS)
    assert document.file_format == "scan" and len(calls) == 1


# -- refused -----------------------------------------------------------------------------------
def test_a_corrupt_pdf_is_refused():
    with pytest.raises(ParseError) as caught:
        read_pdf(b"%PDF-1.7\n" + bytes(range(256)) * 8, LIMITS)
    assert caught.value.message.code == "pdf.corrupt"
    assert caught.value.message.params["why"]


def test_an_encrypted_pdf_is_refused():
    data = encrypted_pdf(b"secret")
    assert len(pdfium.PdfDocument(data, password="secret")) == 1     # a real encrypted PDF
    with pytest.raises(ParseError) as caught:
        read_pdf(data, LIMITS)
    assert caught.value.message.code == "pdf.encrypted"


def test_more_pages_than_the_limit_are_refused():
    pdf = build_pdf([{"texts": [("page", 100, 100, 10)]}] * 3)
    with pytest.raises(ParseError) as caught:
        read_pdf(pdf, {"max_pages": 2})
    assert caught.value.message.code == "pdf.too_many_pages"
    assert caught.value.message.params == {"pages": 3, "limit": 2}
    assert read_pdf(pdf, {"max_pages": 3}).pages == 3
