"""A throwaway PostgreSQL server for tests of the shared state (ingest/state.py).

Debian's `postgresql` (scripts/system-packages.sh --postgres) gives the binaries under
/usr/lib/postgresql/VERSION/bin; the cluster here is a fresh initdb in a temporary folder,
on a port and a socket folder of its own, stopped and removed at the end. initdb and
postgres refuse to run as root, and CI runs as root: there they run as the `postgres` user,
in a folder it owns.
"""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from bench.serving import free_port

START_SECONDS = 30


def _binaries() -> Path:
    """The newest installed server's bin folder (initdb, pg_ctl)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parents[1].name))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    pytest.fail("PostgreSQL is missing (no initdb): bash scripts/system-packages.sh --postgres "
                "(apt-get install postgresql; scripts/test.sh does)")


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A running server, for as long as the block lasts: its URL (user postgres, trusted, on
    127.0.0.1 at a free port; database postgres)."""
    binaries = _binaries()
    # Not under pytest's tmp folders: those are root's alone (0700), and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="jixiao-postgres-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    cluster, sockets, log = folder / "cluster", folder / "sockets", folder / "server.log"
    port = free_port()

    def run(*command: str) -> None:
        done = subprocess.run(prefix + list(command), capture_output=True, text=True, timeout=120)
        if done.returncode:
            extra = log.read_text(errors="replace") if log.exists() else ""
            pytest.fail(f"{command[0]} failed ({done.returncode}): {done.stdout}{done.stderr}{extra}")

    started = False
    try:
        run(str(binaries / "initdb"), "-D", str(cluster), "-U", "postgres", "--auth=trust", "--no-sync",
            "-E", "UTF8", "--locale=C")
        run("mkdir", str(sockets))
        # fsync off: the data is thrown away, and the tests should not wait on the disk.
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(str(binaries / "pg_ctl"), "-D", str(cluster), "-l", str(log), "-o", options,
            "-w", "-t", str(START_SECONDS), "start")
        started = True
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            subprocess.run(prefix + [str(binaries / "pg_ctl"), "-D", str(cluster), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
