"""One file start to finish (ingest/parse.py): what counts as empty."""
from __future__ import annotations

import pytest

from ingest.parse import blank, parse_bytes, sniff


@pytest.mark.parametrize("data, empty", [
    (b"", True),
    (b" \t\r\n", True),
    ("\ufeff \u3000\n".encode("utf-8"), True),             # a mark and an ideographic space
    (" \u3000\r\n".encode("gb18030"), True),
    (" \u3000\n".encode("utf-16"), True),                   # little-endian, with its mark
    (b"\xfe\xff" + " \u3000\n".encode("utf-16-be"), True),
    (b"\x00" * 64, False),                                  # NUL bytes are no text, not nothing
    (b"  a  ", False),
    ("项目".encode("utf-16"), False),
    (b"PK\x03\x04", False),
])
def test_blank(data, empty):
    assert blank(data) is empty


@pytest.mark.parametrize("name", ["空文件.docx", "空.txt", "空.pdf"])
def test_a_file_of_no_text_is_empty_whatever_its_name(name):
    data = "  \r\n\u3000".encode("utf-8")
    assert sniff(data, name) == "empty"
    report, file_format, reason, _ = parse_bytes(data, name)
    assert (report.parse_status, file_format, reason.code) == ("failed", "empty", "file.empty")


def test_an_archive_folder_removed_between_two_files_is_made_again(tmp_path):
    """keep() makes each archive folder once per process; one removed meanwhile (a cleaned
    archive) is made again rather than failing the next file."""
    import shutil

    from ingest.parse import keep

    keep(tmp_path / "unused", b"first", tmp_path / "ab" / "one.docx")
    shutil.rmtree(tmp_path / "ab")
    keep(tmp_path / "unused", b"second", tmp_path / "ab" / "two.docx")
    assert (tmp_path / "ab" / "two.docx").read_bytes() == b"second"
    assert not list((tmp_path / "ab").glob("*.tmp"))
