"""What the benches and the browser tests share to serve and drive a page on this machine:
a free port, a Streamlit server started and waited for, and the Chromium they drive
(Debian's, via playwright) with its arguments and window."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("JIXIAO_CHROMIUM", "/usr/bin/chromium")
# A laptop's screen, the narrowest an auditor works at: what matters must show at this width.
VIEWPORT = {"width": 1366, "height": 900}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    """A port no one listens on now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_streamlit(script: Path, cwd: Path, env: dict, log: Path, port: int | None = None,
                    wait_seconds: float = 90.0) -> tuple[subprocess.Popen, str]:
    """`streamlit run script` headless on 127.0.0.1 (a free port unless given), in a process
    group of its own, its output in `log`, the environment this one's plus `env`; returns the
    process and its URL once Streamlit's health check answers. A server that exits or does not
    answer in time is an error with the end of its log."""
    port = port or free_port()
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=cwd, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return process, url
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited: {log.read_text(errors='replace')[-2000:]}") from None
            time.sleep(0.3)
    process.kill()
    process.wait()
    raise RuntimeError(f"streamlit did not answer within {wait_seconds:.0f} s: {log.read_text(errors='replace')[-2000:]}")
