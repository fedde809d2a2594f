"""samples/wordxml.py: the .docx holds exactly the planned text, whatever Word habits it
carries, and writing it is fast.
"""
from __future__ import annotations

import re
import unicodedata

import pytest
from truth import indicator_key, line_key, same

from ingest.parse import parse_bytes
from ingest.read_docx import read_docx
from ingest.report import as_row
from samples import generate
from samples.layout import text_of
from samples.wordxml import QUIRKS

SEED = 20240611
PARSED_SAMPLES = list(generate(30, SEED))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _visible(text: str) -> str:
    """Text as compared for the writer: NFKC, no whitespace, no check boxes (☑ or √ by font)."""
    return re.sub(r"[\s☑√□]", "", nfkc(text))


def test_rendered_text_is_exactly_the_planned_text():
    for sample in PARSED_SAMPLES:
        document = read_docx(sample.render())
        assert _visible(document.text()) == _visible(text_of(sample.plan)), sample.name


@pytest.mark.parametrize("sample", PARSED_SAMPLES[:8], ids=lambda s: f"{s.stem}-{s.truth['shape']}")
def test_word_habits_change_nothing_a_reader_sees(sample):
    """Tracked changes, content controls, smart tags, field results, list numbering and a
    renamed main part, all at once: same text, same parse."""
    data = sample.render(quirks=set(QUIRKS))
    assert data != sample.render(quirks=set())
    assert _visible(read_docx(data).text()) == _visible(text_of(sample.plan))
    report, _, error, _ = parse_bytes(data, sample.name)
    assert error is None
    wrong = {name: (want, getattr(report, name)) for name, want in sample.truth["report"].items()
             if not same(want, getattr(report, name))}
    assert not wrong, wrong
    assert sorted(map(line_key, sample.truth["budget_lines"])) == sorted(
        line_key(as_row(line)) for line in report.budget_lines)
    assert sorted(map(indicator_key, sample.truth["indicators"])) == sorted(
        indicator_key(as_row(i)) for i in report.indicators)


