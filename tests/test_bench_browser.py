"""python -m bench pages-browser: the timing hook's lines, the split, and the browser's marks
on the minimal page."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, in_own_thread
from streamlit.testing.v1 import AppTest

from bench import browser
from ingest.pipeline import ingest

PHASE_KEYS = [f"{name}_s" for name in browser.PHASES]


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("bench-browser") / "corpus.duckdb"
    ingest([CORPUS], db, workers=1)
    return db


def test_timing_lines_parse_and_add_up(corpus_store, tmp_path, monkeypatch):
    lines_file = tmp_path / "timings.jsonl"
    monkeypatch.setenv("JIXIAO_DB", str(corpus_store))
    monkeypatch.setenv("JIXIAO_TIMINGS", str(lines_file))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    app.switch_page("app_pages/budget.py").run()
    assert not app.exception
    lines = [json.loads(line) for line in lines_file.read_text(encoding="utf-8").splitlines()]
    assert [line["page"] for line in lines] == ["", "budget"]
    for line in lines:
        assert line["outcome"] == "done"
        assert sum(line[key] for key in PHASE_KEYS) == pytest.approx(line["script_s"], abs=1e-6)
        assert all(line[key] >= 0 for key in PHASE_KEYS if key != "other_s")
        assert line["queries"] >= line["query_misses"] >= 0 and line["queries"] > 0
    budget = lines[1]
    assert budget["figures_s"] > 0 and budget["charts_s"] > 0


def test_split_adds_up_to_the_total():
    runs = [{"started": 100.30, "script_s": 0.20, "outcome": "rerun", "queries": 3, "query_misses": 1,
             **dict.fromkeys(PHASE_KEYS, 0.0), "queries_s": 0.15, "other_s": 0.05},
            {"started": 100.55, "script_s": 0.10, "outcome": "done", "queries": 3, "query_misses": 0,
             **dict.fromkeys(PHASE_KEYS, 0.0), "charts_s": 0.04, "other_s": 0.06}]
    parts = browser.split(runs, start=100.0, total=1.2)
    assert parts["before"] == pytest.approx(0.30)
    assert parts["script"] == pytest.approx(0.30)
    assert parts["between"] == pytest.approx(0.05)
    assert parts["after"] == pytest.approx(1.2 - 0.65)
    assert parts["before"] + parts["script"] + parts["between"] + parts["after"] == pytest.approx(1.2)
    assert sum(parts[name] for name in browser.PHASES) == pytest.approx(parts["script"])
    assert (parts["query_misses"], parts["queries_asked"]) == (1, 6)


def test_minimal_page_is_timed_in_chromium(tmp_path):
    """The browser's marks: a load and a filter change on the minimal page end with its
    chart drawn, after the script finished."""
    if not Path(browser.CHROMIUM).exists():
        pytest.fail(f"{browser.CHROMIUM} is missing: apt-get install chromium (CI's .ci/run does)")
    from playwright.sync_api import sync_playwright

    server = browser.serve("minimal", browser.MINIMAL_PAGE, ROOT, {}, tmp_path)

    def drive():
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS)
            context = instance.new_context(viewport=browser.VIEWPORT)
            context.add_init_script(browser.WATCH)
            tab, loaded = browser.load(context, server, "")
            changed = browser.filter_change(tab, server)
            instance.close()
            return loaded, changed

    try:
        loaded, changed = in_own_thread(drive)
    finally:
        server.process.terminate()
        server.process.wait(timeout=20)
    for sample in (loaded, changed):
        assert 0 < sample.script_done <= sample.total
        # The minimal page has no timing hook: its runs are counted from the page's script state,
        # and a run too fast to show "running" is not (WATCH); its end is then its last message.
        assert sample.charts == 1 and sample.runs in (0, 1)
        assert sample.browser_cpu > 0 and sample.server_cpu >= 0
