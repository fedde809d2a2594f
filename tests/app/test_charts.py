"""Every chart on every page can be saved as a PNG named after it and the day, with the tool
bar shown on hover (widgets.chart)."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.app.conftest import open_tab

PAGES = ["overview.py", "budget.py", "scores.py", "anomalies.py"]
CHART_TABS = {"anomalies.py": ("anomalies_tab", "按规则与单位统计")}       # its charts are not in its first tab


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_saves_a_png_named_after_it(open_page, page):
    app = open_page(page)
    if page in CHART_TABS:
        open_tab(app, *CHART_TABS[page])
    assert not app.exception
    charts = app.get("plotly_chart")
    assert charts, page
    today = f"{dt.date.today():%Y-%m-%d}"
    for element in charts:
        config = json.loads(element.proto.config)
        image = config["toImageButtonOptions"]
        assert image["format"] == "png"
        assert image["filename"].endswith(f"_{today}") and len(image["filename"]) > len(today) + 1
        assert config.get("displayModeBar") is not False and "toImage" not in config["modeBarButtonsToRemove"]
    names = [json.loads(e.proto.config)["toImageButtonOptions"]["filename"] for e in charts]
    assert len(set(names)) == len(names), names          # one file name per chart
