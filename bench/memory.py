"""Peak resident memory per process, for an ingest run in a process of its own.

The ingest's main process reports its own peak (getrusage in that process, exact). The
processes it starts (the forkserver, the parsing workers forked from it) are read from
/proc while it runs: VmHWM is the kernel's high-water mark of each, so polling misses only
what a process adds in its last POLL_SECONDS.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

POLL_SECONDS = 0.05
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Peaks:
    """Peak resident bytes: the ingest's main process, each parsing worker, the rest by name."""

    main: int = 0
    workers: dict[int, int] = field(default_factory=dict)        # pid -> bytes
    others: dict[str, int] = field(default_factory=dict)         # forkserver, resource_tracker …

    def describe(self) -> str:
        """"main 270 MB; 2 workers 88 / 91 MB; forkserver 40 MB" """
        parts = [f"main {_mb(self.main)}"]
        if self.workers:
            sizes = " / ".join(f"{peak / 1024 / 1024:.0f}" for peak in sorted(self.workers.values()))
            parts.append(f"{len(self.workers)} parsing worker{'s' if len(self.workers) > 1 else ''} {sizes} MB")
        parts += [f"{name} {_mb(peak)}" for name, peak in sorted(self.others.items())]
        return "; ".join(parts)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def _status(pid: int) -> tuple[int, int] | None:
    """(parent pid, VmHWM in bytes) of a live process, None once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
        hwm = fields.get("VmHWM", "0 kB").split()[0]
        return int(fields["PPid"]), int(hwm) * 1024
    except (OSError, KeyError, ValueError):
        return None


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _descendants(root: int, seen: dict[int, tuple[int, str]]) -> None:
    """Add every live descendant of `root` to `seen` (pid -> (parent, command line))."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            status = _status(int(entry))
            if status is not None:
                parents[int(entry)] = status[0]
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    for pid in tree - {root}:
        if pid not in seen:
            seen[pid] = (parents[pid], _cmdline(pid))


def run_ingest(folder: Path, db: Path, reparse: bool = False) -> tuple[dict, Peaks]:
    """Run `bench.child` on `folder` into `db`; (its summary, the peaks of every process)."""
    command = [sys.executable, "-m", "bench.child", str(folder), str(db)] + (["--reparse"] if reparse else [])
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    seen: dict[int, tuple[int, str]] = {}
    peaks: dict[int, int] = {}
    while child.poll() is None:
        _descendants(child.pid, seen)
        for pid in seen:
            status = _status(pid)
            if status is not None:
                peaks[pid] = max(peaks.get(pid, 0), status[1])
        time.sleep(POLL_SECONDS)
    output, _ = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {child.returncode}")
    summary = json.loads(output.strip().splitlines()[-1])
    result = Peaks(main=summary["peak_bytes"])
    forkservers = {pid for pid, (_, command_line) in seen.items() if "forkserver" in command_line}
    for pid, peak in peaks.items():
        parent, command_line = seen[pid]
        if parent in forkservers:
            result.workers[pid] = peak
        else:
            name = "forkserver" if pid in forkservers else (
                "resource tracker" if "resource_tracker" in command_line else f"pid {pid}")
            result.others[name] = max(result.others.get(name, 0), peak)
    return summary, result
