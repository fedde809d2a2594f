"""The wording of ../shared/corpus and ../shared/published, for tests that keep the generator's
own wording apart from it: a run of BORROWED_RUN characters shared with a corpus report is
wording taken from it."""
from __future__ import annotations

import functools
import re

from conftest import CORPUS, PUBLISHED
from truth import norm_text

from ingest.read_docx import read_docx
from ingest.read_txt import read_txt

BORROWED_RUN = 10
FOLDERS = (CORPUS, PUBLISHED)


@functools.cache
def corpus_text() -> str:
    """Every corpus report's text, NFKC without whitespace, a line each."""
    texts = []
    for folder in FOLDERS:
        for path in sorted(folder.iterdir()):
            if path.suffix == ".docx":
                texts.append(read_docx(path.read_bytes()).text())
            elif path.suffix == ".txt":
                texts.append(read_txt(path.read_bytes()).text())
    return "\n".join(norm_text(line) for text in texts for line in text.splitlines())


def borrowed(text: str) -> list[str]:
    """The runs of `text` found in the corpus, "|" and sentence ends cutting it into parts."""
    corpus = corpus_text()
    found = []
    for line in text.splitlines():
        for part in re.split(r"[|。;]", norm_text(line)):
            runs = {part[i:i + BORROWED_RUN] for i in range(len(part) - BORROWED_RUN + 1)}
            found += sorted(run for run in runs if run in corpus)
    return found
