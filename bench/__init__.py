"""Benchmarks: repeatable, printing numbers, never asserted in unit tests."""
from __future__ import annotations

import os
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]


def shared_folder() -> Path:
    """../shared beside the checkout (where the team works), wherever CI's clone sits:
    $JIXIAO_SHARED, then the checkout's ancestors, then /work/shared; the first holding the
    corpus with its truth. None found: ../shared, for the error that names it."""
    candidates = [Path(os.environ["JIXIAO_SHARED"])] if os.environ.get("JIXIAO_SHARED") else []
    candidates += [parent / "shared" for parent in CHECKOUT.parents] + [Path("/work/shared")]
    for candidate in candidates:
        if (candidate / "corpus").is_dir() and any((candidate / "corpus").glob("*.truth.json")):
            return candidate
    return CHECKOUT.parent / "shared"


SHARED = shared_folder()
