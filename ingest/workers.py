"""Parsing workers that a bad file cannot take down with it.

Each worker is a process that parses one file at a time. The pool hands out files as
workers come free and watches each one: a parse that runs past the time limit, a worker
whose memory grows past the limit, or a worker that dies (a crash in a C library) costs
that one file, recorded as failed with the reason; the worker is replaced and the run goes
on. concurrent.futures cannot do this: it can neither stop one task nor survive a worker's
death without breaking the whole pool.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
import types
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator

from ingest import heartbeat
from ingest.messages import Message, megabytes
from ingest.parse import parse_path

POLL_SECONDS = 0.2
MEMORY_CHECK_SECONDS = 0.05     # how often a busy worker's memory is read (a /proc read each)
ALIVE = "alive"                 # what a worker sends between pages of a long parse (heartbeat.py)


def _serve(connection: Connection, limits: dict) -> None:
    """A worker's life: parse what it is sent until told to stop."""
    heartbeat.listen(lambda: connection.send(ALIVE))
    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        if task is None:
            return
        connection.send(parse_path(*task, limits=limits))


@contextmanager
def _bare_main():
    """Workers need nothing from __main__, yet multiprocessing re-runs the main script in
    the fork server and in each worker it starts. In the dashboard the main module is the
    page script (app.py): a second of Streamlit and a store access per worker. So the
    workers are started with an empty __main__ in its place."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _resident_bytes(pid: int) -> int:
    """Resident memory of a process (Linux /proc), 0 where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@dataclass
class _Worker:
    process: multiprocessing.Process
    connection: Connection
    task: object = None
    started: float = 0.0
    checked: float = 0.0        # when its memory was last read


class Pool:
    """`count` worker processes parsing tasks with per-file time and memory limits."""

    def __init__(self, count: int, limits: dict, serve: Callable[[Connection, dict], None] | None = None):
        self.serve = serve or _serve            # a worker's life (tests give one of their own)
        self.count = max(1, count)
        self.limits = limits
        self.context = multiprocessing.get_context("forkserver")
        # Workers start from a server that imported the parser once, with none of our
        # threads (the progress bar's) copied into them.
        self.context.set_forkserver_preload(["ingest.parse"])
        self.workers: list[_Worker] = []
        self.peak_bytes = 0                     # the most resident memory seen in a worker

    def _start(self) -> _Worker:
        mine, theirs = self.context.Pipe()
        process = self.context.Process(target=self.serve, args=(theirs, self.limits), daemon=True)
        with _bare_main():
            process.start()
        theirs.close()
        return _Worker(process, mine)

    def _retire(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()

    def run(self, tasks: Iterable, key: Callable[[object], tuple],
            failed: Callable[[object, str], object]) -> Iterator[tuple[object, object]]:
        """Yield (task, result) as parses finish. `key(task)` gives parse_path's arguments;
        `failed(task, reason)` makes the result for a file a worker could not finish."""
        pending: deque = deque()
        source = iter(tasks)
        exhausted = False

        def feed(worker: _Worker) -> None:
            nonlocal exhausted
            if worker.task is None and not exhausted:
                if not pending:
                    try:
                        pending.append(next(source))
                    except StopIteration:
                        exhausted = True
                if pending:
                    self._assign(worker, pending.popleft(), key)

        self.workers = [self._start() for _ in range(self.count)]
        try:
            while True:
                for worker in self.workers:
                    feed(worker)
                busy = [w for w in self.workers if w.task is not None]
                if not busy:
                    if exhausted:
                        return
                    continue
                ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy],
                             timeout=POLL_SECONDS)
                for position, worker in enumerate(self.workers):
                    if worker.task is None:
                        continue
                    outcome = None
                    if worker.connection in ready:
                        try:
                            outcome = worker.connection.recv()
                        except (EOFError, OSError):
                            outcome = None
                    if outcome == ALIVE:        # a page done: the time limit starts again
                        worker.started = time.monotonic()
                        outcome = None
                    elif outcome is not None:
                        self._memory(worker)
                        task, worker.task = worker.task, None
                        # The next file goes out before this one's rows are handed on: the
                        # worker parses while the caller writes, instead of waiting for it.
                        feed(worker)
                        yield task, outcome
                        continue
                    reason = self._trouble(worker, ready)
                    if reason:
                        task = worker.task
                        self._retire(worker)
                        self.workers[position] = self._start()
                        yield task, failed(task, reason)
        finally:
            for worker in self.workers:
                try:
                    worker.connection.send(None)
                except (OSError, ValueError):
                    pass
                worker.process.join(timeout=2)
                if worker.process.is_alive():
                    self._retire(worker)

    def _assign(self, worker: _Worker, task, key) -> None:
        worker.task = task
        worker.started = time.monotonic()
        try:
            worker.connection.send(key(task))
        except (OSError, ValueError):
            # The worker died between files: its successor takes the file.
            position = self.workers.index(worker)
            self._retire(worker)
            fresh = self._start()
            self.workers[position] = fresh
            fresh.task, fresh.started = task, time.monotonic()
            fresh.connection.send(key(task))

    def _trouble(self, worker: _Worker, ready) -> Message | None:
        """Why a busy worker must be stopped, or None while it is fine."""
        if worker.process.sentinel in ready or not worker.process.is_alive():
            return Message("worker.died")
        seconds = self.limits["seconds_per_file"]
        if time.monotonic() - worker.started > seconds:
            return Message("worker.timeout", {"seconds": f"{seconds:g}"})
        memory = self.limits["worker_memory_bytes"]
        if self._memory(worker) > memory:
            return Message("worker.memory", {"limit_mb": megabytes(memory)})
        return None

    def _memory(self, worker: _Worker) -> int:
        """The worker's resident memory, read at most every MEMORY_CHECK_SECONDS (0 between
        reads); the peak is kept for the summary."""
        now = time.monotonic()
        if now - worker.checked < MEMORY_CHECK_SECONDS:
            return 0
        worker.checked = now
        resident = _resident_bytes(worker.process.pid)
        self.peak_bytes = max(self.peak_bytes, resident)
        return resident
