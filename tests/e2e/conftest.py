"""The dashboard served for real (streamlit run app.py) and driven in headless Chromium.

Chromium is Debian's package (/usr/bin/chromium, installed by .ci/run); the playwright
Python package drives it through executable_path, so nothing is downloaded at test time.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from ingest.pipeline import ingest
from samples import write_samples

CHROMIUM = os.environ.get("JIXIAO_CHROMIUM", "/usr/bin/chromium")
# A laptop's screen, the narrowest an auditor works at: what matters must show at this width.
VIEWPORT = {"width": 1366, "height": 900}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(db: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    port = port or _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, "JIXIAO_DB": str(db)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, url
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read().decode(errors="replace"))
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not start within 60 s")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (CI's .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh tab at VIEWPORT, in a Chinese locale."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """The dashboard on a store of generated samples and the corpus."""
    folder = tmp_path_factory.mktemp("served")
    write_samples(folder / "samples", 60, 3)
    db = folder / "served.duckdb"
    ingest([folder / "samples", CORPUS], db, workers=2)
    process, url = serve(db)
    yield url, db
    process.terminate()
    process.wait(timeout=20)


def settle(page, timeout: float = 60.0) -> None:
    """Wait until the app has finished its run: connected, the script run over (Streamlit
    marks its root with data-test-script-state, "initial" before the first run), the page's
    heading or an exception drawn, no spinner or skeleton left. Fails past `timeout`."""
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return !!app && app.dataset.testConnectionState === "CONNECTED"
                && app.dataset.testScriptState === "notRunning"
                && !!document.querySelector('[data-testid="stMain"] [data-testid="stHeading"], '
                                            + '[data-testid="stException"]')
                && !document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]');
        }""",
        timeout=timeout * 1000,
    )


def click_bar(page, bar) -> None:
    """Click a Plotly bar (a locator of its path) as a user does: at its centre. Plotly's drag
    layer lies over the bars and takes the click, so the bar itself cannot be clicked."""
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
