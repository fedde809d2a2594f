from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory):
    """A store built from the whole corpus, the way an auditor would build it."""
    from ingest.pipeline import ingest

    path = tmp_path_factory.mktemp("corpus") / "corpus.duckdb"
    summary = ingest([CORPUS], path, workers=2)
    assert summary.offered == len(list(CORPUS.glob("*.truth.json")))
    return path
