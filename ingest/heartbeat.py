"""A long parse tells the worker pool it is still getting somewhere.

OCR costs seconds a page: a 40-page scan may rightly take longer than the per-file time limit
that stops a parse gone wrong. A reader calls `beat()` after each page; in a worker process
that tells the pool, which then counts the limit from the last beat (so the limit holds per
page, and a stuck page is still stopped). Outside a worker it does nothing.
"""
from __future__ import annotations

from typing import Callable

_listener: Callable[[], None] | None = None


def listen(listener: Callable[[], None] | None) -> None:
    """Who hears the beats in this process (workers.py sets the pool's connection)."""
    global _listener
    _listener = listener


def beat() -> None:
    if _listener is not None:
        _listener()
