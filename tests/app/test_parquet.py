"""The dashboard on a Parquet export (python -m ingest --export-parquet): every page reads it
as it reads the DuckDB file, showing the same figures, tables and charts; uploads and reviews
are refused in plain words."""
from __future__ import annotations

import base64
import json
import math

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from ingest import store

APP = str(ROOT / "app.py")
PAGES = ("overview.py", "budget.py", "scores.py", "anomalies.py", "report.py", "ingest.py", "export.py")
# Sums over the export may add the same doubles in another order: equal to the last few bits.
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def parquet_store(page_store, tmp_path_factory):
    target = tmp_path_factory.mktemp("parquet-pages") / "export"
    store.export_parquet(page_store, target)
    return target


def _open(page: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    if page != "overview.py":
        app.switch_page(f"app_pages/{page}").run()
    return app


def plain(value):
    """A shown value as plain Python: numpy scalars and arrays, plotly's typed arrays
    ({"dtype", "bdata"}) and NaN, NaT and NA become numbers, lists and None."""
    if isinstance(value, dict) and set(value) >= {"dtype", "bdata"}:
        value = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return plain(value.reshape(value["shape"]) if "shape" in value else value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    return None if pd.isna(value) else value


def sort_key(value) -> str:
    """Orders rows whatever the order of equal sums' last bits."""
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(sort_key(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{key}:{sort_key(item)}" for key, item in sorted(value.items())) + "}"
    return repr(value)


def assert_close(got, want, where: str = "") -> None:
    """Equal, numbers to within TOLERANCE (relative or absolute)."""
    if isinstance(want, float) or isinstance(got, float):
        assert isinstance(got, (int, float)) and isinstance(want, (int, float)), (where, got, want)
        assert math.isclose(got, want, rel_tol=TOLERANCE, abs_tol=TOLERANCE), (where, got, want)
    elif isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), (where, got, want)
        for key in want:
            assert_close(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), (where, got, want)
        for position, (left, right) in enumerate(zip(got, want)):
            assert_close(left, right, f"{where}[{position}]")
    else:
        assert got == want, (where, got, want)


def table_rows(frame) -> list:
    """A shown table as its columns and its rows in an order of their own: the rows the
    page shows, whichever order the store handed equal keys in."""
    split = frame.to_dict("split")
    return [[str(column) for column in split["columns"]], sorted(plain(split["data"]), key=sort_key)]


def trace_points(trace: dict) -> dict:
    """A chart trace as its settings and its points, the points (every array as long as the
    trace's x, y, labels or values) in an order of their own."""
    trace = plain(trace)
    flat: dict[str, object] = {}

    def walk(node, path):
        if isinstance(node, dict):
            for key, item in node.items():
                walk(item, path + (key,))
        else:
            flat[".".join(path)] = node
    walk(trace, ())
    count = next((len(flat[key]) for key in ("x", "y", "labels", "values") if isinstance(flat.get(key), list)), None)
    arrays = sorted(key for key, item in flat.items() if isinstance(item, list) and len(item) == count)
    settings = {key: item for key, item in flat.items() if key not in arrays}
    points = sorted((list(point) for point in zip(*(flat[key] for key in arrays))), key=sort_key) if arrays else []
    return {"settings": settings, "arrays": arrays, "points": points}


def shown(app: AppTest, store_path) -> dict:
    """What a page shows a person: figures, headings and text (the store's own path left out),
    every table's rows and every chart's traces and layout."""
    def text(elements) -> list[str]:     # a <style> block is no text (the uploader's, on the DuckDB store)
        return [element.value.replace(str(store_path), "<store>") for element in elements
                if not element.value.startswith("<style>")]

    return {
        "metrics": [(metric.label, metric.value) for metric in app.metric],
        "headings": text(app.header) + text(app.subheader),
        "text": text(app.markdown) + text(app.caption),
        "tables": [table_rows(frame.value) for frame in app.dataframe],
        "charts": [{"data": [trace_points(trace) for trace in spec["data"]], "layout": plain(spec["layout"])}
                   for spec in (json.loads(chart.proto.spec) for chart in app.get("plotly_chart"))],
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_the_export(page, parquet_store, page_store, monkeypatch):
    monkeypatch.setenv("JIXIAO_DB", str(page_store))
    original = _open(page)
    monkeypatch.setenv("JIXIAO_DB", str(parquet_store))
    exported = _open(page)
    assert not original.exception and not exported.exception
    want, got = shown(original, page_store), shown(exported, parquet_store)
    assert want["metrics"] or want["tables"] or want["charts"]        # a page with figures to compare
    assert_close(got, want, page)


def test_uploads_are_refused_on_an_export(parquet_store, monkeypatch):
    monkeypatch.setenv("JIXIAO_DB", str(parquet_store))
    app = _open("ingest.py")
    assert not app.exception
    assert any("Parquet 导出" in info.value and "只能查看" in info.value for info in app.info)
    assert not app.get("file_uploader")
