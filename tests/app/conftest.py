"""A store of sample and corpus reports for page tests, and a way to open a page on it."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import CORPUS, ROOT
from streamlit.proto.WidgetStates_pb2 import WidgetState
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


@pytest.fixture
def own_store(page_store, tmp_path, monkeypatch):
    """A copy of the page store of the test's own, served: for pages that write (reviews,
    re-scores, users, draws), so no other test sees what one wrote."""
    db = tmp_path / "own.duckdb"
    shutil.copy(page_store, db)
    monkeypatch.setenv("JIXIAO_DB", str(db))
    return db


def open_tab(app: AppTest, key: str, label: str) -> AppTest:
    """Open a tab of a page's tabs (widgets.open_tab: only the open one runs) as a click does."""
    app.session_state[key] = label
    app.run()
    assert not app.exception
    return app


def click_chart(app: AppTest, element, trace: int, index: int) -> None:
    """What the browser sends when a point or bar of a chart drawn with on_select="rerun" is
    clicked: its point, customdata included (AppTest has no way to click a chart)."""
    data = json.loads(element.proto.spec)["data"][trace]
    states = app._tree.get_widget_states()
    states.widgets.append(WidgetState(id=element.proto.id, string_value=json.dumps({"selection": {
        "points": [{"curve_number": trace, "point_index": index, "point_number": index,
                    "customdata": data["customdata"][index]}],
        "point_indices": [index], "box": [], "lasso": []}})))
    app._run(widget_state=states)


def chart_named(app: AppTest, name: str):
    """The plotly chart a page draws under `name` (widgets.clickable adds _0, _1 … after
    each click), or under `name` itself."""
    return next(c for c in app.get("plotly_chart") if re.search(rf"{name}(_\d+)?$", c.proto.id))
