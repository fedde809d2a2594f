"""Worker lives for tests/ingest/test_workers.py: importable by name, as a worker process
started by the fork server needs its target to be."""
from __future__ import annotations

import time

from ingest import heartbeat
from ingest.workers import ALIVE

PAGES = 4
PAGE_SECONDS = 0.4


def _pages(connection, beating: bool) -> None:
    heartbeat.listen((lambda: connection.send(ALIVE)) if beating else None)
    while True:
        task = connection.recv()
        if task is None:
            return
        for _ in range(PAGES):
            time.sleep(PAGE_SECONDS)
            heartbeat.beat()
        connection.send(f"read {task[1]}")


def serve_beating(connection, limits) -> None:
    """A long parse that says after each page that it is getting somewhere."""
    _pages(connection, beating=True)


def serve_silent(connection, limits) -> None:
    """The same parse, saying nothing until it is done."""
    _pages(connection, beating=False)
