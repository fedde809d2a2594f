"""Hostile and broken inputs, built on the spot (nothing big is committed), and a run over
all of them that reports what happened and the peak memory of each process.

    python -m bench hostile [--folder DIR]
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from bench.memory import run_ingest

CORPUS_REPORT = "seed-003.docx"     # a cover + 基本概况 table report of the corpus
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


CONTENT_TYPES = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '</Types>')
RELS = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>')


def _docx_with(document_xml: str | bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Word package around the given main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def paragraphs_xml(texts: list[str]) -> str:
    body = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in texts)
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'


def zip_bomb(expanded_mb: int) -> bytes:
    """A few hundred kilobytes whose document.xml expands to `expanded_mb` MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b" " * (1024 * 1024)
            for _ in range(expanded_mb):
                part.write(block)
    return buffer.getvalue()


def lying_zip(real_mb: int = 30, declared: int = 1000) -> bytes:
    """A zip whose document.xml claims `declared` bytes but inflates to `real_mb` MB."""
    data = bytearray(zip_bomb(real_mb))
    real = real_mb * 1024 * 1024
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_len = struct.unpack_from("<H", data, start + (26 if signature == b"PK\x03\x04" else 28))[0]
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if bytes(data[name_at:name_at + name_len]) == b"word/document.xml":
                size = struct.unpack_from("<I", data, start + offset)[0]
                if size in (real, 0xFFFFFFFF):
                    struct.pack_into("<I", data, start + offset, declared)
            start += 4
    return bytes(data)


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
           f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    return _docx_with(xml)


def external_entity() -> bytes:
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
           f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>项目支出绩效自评报告&secret;</w:t></w:r></w:p>'
           '</w:body></w:document>')
    return _docx_with(xml)


def encrypted_docx() -> bytes:
    """What Word writes for a password-protected .docx: an OLE container holding
    EncryptionInfo and EncryptedPackage streams."""
    directory = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50 + "EncryptedPackage".encode("utf-16-le")
    return OLE_MAGIC + b"\x00" * 504 + directory + b"\x00" * 2048


def legacy_doc(variant: int = 0) -> bytes:
    return OLE_MAGIC + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + bytes([variant]) * 2048


def encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose user password is not empty:
    what a PDF with an opening password is."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
               b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -44 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<" % (len(objects) + 1) + b"01" * 16
            + b"><" + b"01" * 16 + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return bytes(out)


def _saved(pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def blank_scan_pdf() -> bytes:
    """A scanned page of nothing: a white A4 image at 150 dpi, no text layer."""
    import pypdfium2
    from PIL import Image

    pdf = pypdfium2.PdfDocument.new()
    page = pdf.new_page(595, 842)
    image = pypdfium2.PdfImage.new(pdf)
    image.set_bitmap(pypdfium2.PdfBitmap.from_pil(Image.new("RGB", (1240, 1754), "white")))
    image.set_matrix(pypdfium2.PdfMatrix().scale(595, 842))
    page.insert_obj(image)
    page.gen_content()
    return _saved(pdf)


def many_pages_pdf(pages: int) -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    return _saved(pdf)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(side: int = 20_000) -> bytes:
    """A 20,000 × 20,000 picture in 119 bytes: a header that asks for 400 million pixels."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * (side // 8 + 2) * 16)) + _png_chunk(b"IEND", b""))


def broken_png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 800, 600, 8, 2, 0, 0, 0)) + b"garbage" * 50


def broken_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    return buffer.getvalue()


def poem() -> bytes:
    return _docx_with(paragraphs_xml(["静夜思", "床前明月光，疑是地上霜。", "举头望明月，低头思故乡。"]))


def slow_report(paragraphs: int = 60_000) -> bytes:
    """A real-looking report with tens of thousands of narrative paragraphs: valid, under the
    size limits, but slow to read (for the time limit)."""
    line = "本项目年初预算12万元，实际支出11.5万元，资金到位率100%，办公费1.2万元，差旅费0.8万元。"
    return _docx_with(paragraphs_xml(["某项目支出绩效自评报告"] + [line] * paragraphs))


def without_tables(corpus: Path) -> bytes:
    """A corpus report with every table removed: its narrative must still be read."""
    from lxml import etree

    source = zipfile.ZipFile(corpus / CORPUS_REPORT)
    root = etree.fromstring(source.read("word/document.xml"))
    for table in root.iter(f"{{{W_NS}}}tbl"):
        table.getparent().remove(table)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if info.filename == "word/document.xml" else source.read(info.filename)
            target.writestr(info, data)
    return buffer.getvalue()


def truncated(corpus: Path) -> bytes:
    data = (corpus / CORPUS_REPORT).read_bytes()
    return data[: len(data) // 2]


def corrupt_deflate(corpus: Path) -> bytes:
    data = bytearray((corpus / CORPUS_REPORT).read_bytes())
    start = data.find(b"word/document.xml") + 40
    for i in range(start, start + 64):
        data[i] ^= 0x5A
    return bytes(data)


TEXT = "测试项目绩效自评报告\n项目年初预算20万元，实际支出19.5万元。本项目自评得分92分，评价等级为优秀。\n"


def build(folder: Path, corpus: Path) -> dict[str, str]:
    """Write every kind of bad input into `folder`; return file name -> what it is."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds = {
        "empty.docx": (b"", "empty file"),
        "truncated.docx": (truncated(corpus), "truncated .docx"),
        "not-a-zip.docx": (b"This is a plain text file named .docx\n" * 10, ".docx that is not a zip"),
        "corrupt-deflate.docx": (corrupt_deflate(corpus), ".docx with corrupt compressed data"),
        "legacy.doc": (legacy_doc(), "legacy binary .doc"),
        "legacy-named.docx": (legacy_doc(1), "legacy .doc saved under a .docx name"),
        "encrypted.docx": (encrypted_docx(), "password-protected .docx"),
        "zip-bomb.docx": (zip_bomb(400), "zip bomb: 400 MB of spaces in ~400 KB"),
        "lying-zip.docx": (lying_zip(), "zip whose part lies about its size"),
        "billion-laughs.docx": (billion_laughs(), "XML entity expansion (billion laughs)"),
        "external-entity.docx": (external_entity(), "XML external entity (file:///etc/passwd)"),
        "poem.docx": (poem(), "a valid .docx that is not a report"),
        "no-tables.docx": (without_tables(corpus), "a report with every table removed"),
        "copy-a.docx": ((corpus / "dev-005.docx").read_bytes(), "the same file under two names (1)"),
        "copy-b.docx": ((corpus / "dev-005.docx").read_bytes(), "the same file under two names (2)"),
        "utf16be.txt": (("\ufeff" + TEXT).encode("utf-16-be"), "UTF-16 BE text"),
        "utf32.txt": (TEXT.encode("utf-32"), "UTF-32 text"),
        "gb18030.txt": (TEXT.encode("gb18030"), "GB18030 text"),
        "big5.txt": (TEXT.encode("big5", errors="replace"), "Big5 (Traditional Chinese) text"),
        "binary.txt": (bytes(range(256)) * 64, "binary bytes named .txt"),
        "report.pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 1000, "a PDF header and nothing of a PDF"),
        "encrypted.pdf": (encrypted_pdf(), "a PDF with an opening password"),
        "blank-scan.pdf": (blank_scan_pdf(), "a scan of a blank page"),
        "500-pages.pdf": (many_pages_pdf(500), "a 500-page PDF (over the 100-page limit)"),
        "huge.png": (huge_png(), "a 20,000 × 20,000 image header (400 megapixels)"),
        "broken.png": (broken_png(), "a PNG cut off after its header"),
        "broken.xlsx": (broken_workbook(), "a workbook whose XML is cut off"),
    }
    for name, (data, _) in kinds.items():
        (folder / name).write_bytes(data)
    with (folder / "huge.docx").open("wb") as handle:      # sparse: 60 MB on paper, nothing on disk
        handle.truncate(60 * 1024 * 1024)
    described = {name: what for name, (_, what) in kinds.items()}
    described["huge.docx"] = "a 60 MB file (over the 50 MB limit)"
    return described


def run(folder: Path, corpus: Path) -> None:
    """Ingest every bad input into a fresh store and print what each became."""
    import duckdb       # here, not on import: building the inputs needs no database

    described = build(folder / "in", corpus)
    db = folder / "hostile.duckdb"
    summary, peaks = run_ingest(folder / "in", db)
    conn = duckdb.connect(str(db), read_only=True)
    rows = conn.execute("select file_name, status, error from ingest_log order by file_name").fetchall()
    conn.close()
    print(f"{len(described)} inputs, {summary['seconds']:.1f} s; ok {summary['ok']}, partial {summary['partial']}, "
          f"failed {summary['failed']}, skipped {summary['skipped']}")
    for name, status, error in rows:
        print(f"  {name:24} {status:8} {described.get(name, ''):44} {error or ''}")
    print(f"peak resident memory per process: {peaks.describe()}")
