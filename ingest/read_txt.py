""".txt -> Document: the encoding detected from the bytes, never guessed from the name.

Units send plain text saved by Notepad (UTF-8, with or without BOM, or UTF-16) and by
older Chinese Windows (GB18030/GBK). A table typed with tabs or full-width bars stays a
paragraph: extractors read plain text the way they read narrative.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from ingest.model import Document, Paragraph, ParseError

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def detect_encoding(data: bytes) -> str:
    """The encoding of `data`: BOM first, then strict decodes in order of likelihood."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    sample = data[:4096]
    if sample:
        # UTF-16 without BOM: every other byte is zero for ASCII-heavy text.
        even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
        odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
        if odd_zero > 0.3 and even_zero < 0.05:
            return "utf-16-le"
        if even_zero > 0.3 and odd_zero < 0.05:
            return "utf-16-be"
    for name in ("utf-8", "gb18030"):
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    best = from_bytes(data).best()
    if best is None:
        raise ParseError("无法识别文本文件的编码")
    return best.encoding


def read_txt(source: Path | bytes) -> Document:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = detect_encoding(data)
        if not encoding.startswith("utf-16") and not encoding.startswith("utf-32"):
            raise ParseError("文件含二进制内容，不是文本文件")
    else:
        encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseError(f"文本无法按 {encoding} 解码") from exc
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    document = Document(file_format="txt", encoding=encoding)
    for index, line in enumerate(text.split("\n")):
        document.blocks.append(Paragraph(line, index))
    return document
