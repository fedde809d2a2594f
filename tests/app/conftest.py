"""A store of sample and corpus reports for page tests, and a way to open a page on it."""
from __future__ import annotations

import pytest
from conftest import CORPUS, ROOT
from streamlit.testing.v1 import AppTest

from ingest.pipeline import ingest
from samples import write_samples

APP = str(ROOT / "app.py")


@pytest.fixture(scope="session")
def page_store(tmp_path_factory):
    """80 generated reports and the corpus, ingested with rules, as the dashboard reads them."""
    folder = tmp_path_factory.mktemp("pages")
    write_samples(folder / "samples", 80, 11)
    db = folder / "pages.duckdb"
    ingest([folder / "samples", CORPUS], db, workers=2)
    return db


@pytest.fixture
def open_page(page_store, monkeypatch):
    """open_page("budget.py", year=["2023"]) -> a run AppTest on that page, URL set as given."""
    monkeypatch.setenv("JIXIAO_DB", str(page_store))

    def _open(page: str = "overview.py", **query) -> AppTest:
        app = AppTest.from_file(APP, default_timeout=60)
        for key, value in query.items():
            app.query_params[key] = value
        app.run()
        if page != "overview.py":
            app.switch_page(f"app_pages/{page}").run()
        return app

    return _open
