"""The dashboard served for real (streamlit run app.py) and driven in headless Chromium.

Chromium is Debian's package (/usr/bin/chromium, installed by .ci/run); the playwright
Python package drives it through executable_path, so nothing is downloaded at test time.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from bench.serving import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, free_port, start_streamlit
from ingest.pipeline import ingest
from samples import write_samples


def serve(db: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """The dashboard on `db`, its output in a log beside the store (one per port)."""
    port = port or free_port()
    return start_streamlit(ROOT / "app.py", ROOT, {"JIXIAO_DB": str(db)}, db.parent / f"server-{port}.log", port,
                           wait_seconds=60)


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
