""".doc, .wps and .rtf through LibreOffice (ingest/convert.py), encrypted Office files, and a
converter that hangs or dies. The whole ../shared/formats/doc folder is in tests/test_formats.py."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
import xlsxwriter
from conftest import CORPUS, SHARED
from msoffcrypto.format.ooxml import OOXMLFile
from truth import line_key, read_truth, same

from ingest import config
from ingest.convert import Converter, _once
from ingest.model import Cell, ParseError
from ingest.parse import parse_bytes, sniff

DOC = SHARED / "formats" / "doc"
LIMITS = config.limits({})


def _check_against_truth(report, truth_name: str) -> None:
    truth = read_truth(CORPUS / f"{truth_name}.truth.json")
    wrong = {f: (want, getattr(report, f)) for f, want in truth["report"].items() if not same(want, getattr(report, f))}
    assert not wrong
    lines = [{"category_raw": line.category_raw, "category_code": line.category_code, "planned": line.planned,
              "actual": line.actual, "category": line.category, "origin": line.origin} for line in report.budget_lines]
    assert sorted(map(line_key, lines)) == sorted(map(line_key, truth["budget_lines"]))


def test_a_doc_reads_as_its_docx_did():
    data = (DOC / "dev-006.doc").read_bytes()
    report, file_format, error, _ = parse_bytes(data, "dev-006.doc")
    assert (file_format, error) == ("doc", None)
    _check_against_truth(report, "dev-006")


def test_a_wps_file_is_a_word_binary_under_another_name():
    data = (DOC / "dev-007.doc").read_bytes()
    assert sniff(data, "自评报告.wps") == "wps"
    report, file_format, error, _ = parse_bytes(data, "自评报告.wps")
    assert (file_format, error) == ("wps", None)
    _check_against_truth(report, "dev-007")


def test_an_rtf_made_by_libreoffice_reads_as_its_docx_did(tmp_path):
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "rtf", "--outdir", str(tmp_path), str(CORPUS / "dev-008.docx")],
                   check=True, capture_output=True, timeout=120)
    data = (tmp_path / "dev-008.rtf").read_bytes()
    assert sniff(data, "dev-008.rtf") == "rtf"
    report, file_format, error, _ = parse_bytes(data, "dev-008.rtf")
    assert (file_format, error) == ("rtf", None)
    _check_against_truth(report, "dev-008")


def _encrypted(plain: bytes) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("1234", out)
    return out.getvalue()


def _workbook() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("自评表").write("A1", "项目名称")
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize("name, plain", [("加密.docx", lambda: (CORPUS / "dev-005.docx").read_bytes()),
                                         ("加密.xlsx", _workbook)])
def test_password_protected_office_files_are_failed_as_encrypted(name, plain):
    data = _encrypted(plain())
    assert sniff(data, name) == "encrypted"
    report, _, error, _ = parse_bytes(data, name)
    assert error.code == "file.encrypted"
    assert str(error).startswith("文件已加密")
    assert report.parse_status == "failed"


def test_an_ole_file_libreoffice_cannot_open_is_failed_with_that_reason():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)     # an OLE header, nothing behind it
    _, file_format, error, _ = parse_bytes(data, "broken.doc")
    assert file_format == "doc"
    assert error.code == "convert.unreadable"


def _office_running(group: int) -> bool:
    """Whether a live (not zombie) process of this process group is left: soffice.bin lives
    under its soffice wrapper; a container's init may be slow to reap the dead."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            return True
    return False


def test_a_conversion_past_its_time_stops_the_converter_and_the_next_file_gets_a_fresh_one(tmp_path):
    """A .doc that hangs LibreOffice: its time runs out (here a thousandth of a second), the
    file is failed with that reason, no soffice is left behind, and the next file converts."""
    converter = Converter()
    source = tmp_path / "dev-005.doc"
    source.write_bytes((DOC / "dev-005.doc").read_bytes())
    try:
        converter.convert(source, tmp_path / "warm.docx", 60)        # the converter starts
        office = converter.bridge.office
        assert _office_running(office)
        with pytest.raises(ParseError) as stopped:
            converter.convert(source, tmp_path / "late.docx", 0.001)
        assert stopped.value.message.code == "convert.timeout"
        assert converter.bridge is None
        assert not _office_running(office)
        converter.convert(source, tmp_path / "after.docx", 60)
        assert (tmp_path / "after.docx").stat().st_size > 0
    finally:
        converter.close()


def test_a_form_field_echoed_in_a_cell_is_one_value_but_a_number_stays_whole():
    echoed = Cell("社区居家养老服务中心运营补助经费\n社区居家养老服务中心运营补助经费社区居家养老服务中心运营补助经费", 1)
    assert _once(echoed).text == "社区居家养老服务中心运营补助经费"
    assert _once(Cell("11111111", 1)).text == "11111111"
    assert _once(Cell("芜湖市镜湖区民政局", 1)).text == "芜湖市镜湖区民政局"
