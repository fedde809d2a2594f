"""samples/__init__.py: files written, and the same arguments give the same reports."""
from __future__ import annotations

import json

import pytest

import samples

SEED = 20240611
COUNT = 30


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    samples.write_samples(out, COUNT, seed=SEED)
    return out


def test_writes_a_docx_and_a_truth_file_per_report(folder):
    docx = sorted(p.name for p in folder.glob("*.docx"))
    truths = sorted(p.name for p in folder.glob("*.truth.json"))
    assert docx == [f"sample-{n:05d}.docx" for n in range(1, COUNT + 1)]
    assert truths == [name.replace(".docx", ".truth.json") for name in docx]
    first = json.loads((folder / truths[0]).read_text(encoding="utf-8"))
    assert list(first) == ["file", "shape", "parse_status", "report", "funding_sources", "budget_lines",
                           "indicators", "anomalies"]
    assert first["file"] == docx[0]


def test_same_seed_same_bytes(folder, tmp_path):
    samples.write_samples(tmp_path, COUNT, seed=SEED)
    for path in sorted(folder.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_same_seed_same_truth_and_other_seed_other_reports():
    once = [json.dumps(s.truth, ensure_ascii=False) for s in samples.generate(COUNT, SEED)]
    again = [json.dumps(s.truth, ensure_ascii=False) for s in samples.generate(COUNT, SEED)]
    assert again == once
    other = [json.dumps(s.truth, ensure_ascii=False) for s in samples.generate(COUNT, SEED + 1)]
    assert not set(other) & set(again)


def test_a_longer_run_starts_with_the_shorter_one():
    longer = [s.truth for s in samples.generate(200, SEED)]
    shorter = [s.truth for s in samples.generate(50, SEED)]
    # The last report of a short run may lose its twin (DUPLICATE_REPORT) at the cut.
    assert shorter[:-1] == longer[:49]


def test_truths_come_without_rendering(monkeypatch):
    # generate() plans and states truths only: a render would fail here. (Its speed is the
    # bench's business, not a test's.)
    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered")

    monkeypatch.setattr(samples.wordxml, "docx", no_rendering)
    monkeypatch.setattr(samples.layout, "text_of", no_rendering)
    monkeypatch.setattr(samples.layout, "blocks_of", no_rendering)
    truths = [s.truth for s in samples.generate(2000, SEED)]
    assert len(truths) == 2000 and len({t["file"] for t in truths}) == 2000
