"""The dashboard on a Parquet export (python -m ingest --export-parquet): every page reads it
as it reads the DuckDB file; uploads and reviews are refused in plain words."""
from __future__ import annotations

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from ingest import store

APP = str(ROOT / "app.py")
PAGES = ("overview.py", "budget.py", "scores.py", "anomalies.py", "report.py", "ingest.py", "export.py")


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


@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_the_export(page, parquet_store, page_store, monkeypatch):
    monkeypatch.setenv("JIXIAO_DB", str(page_store))
    original = _open(page)
    monkeypatch.setenv("JIXIAO_DB", str(parquet_store))
    exported = _open(page)
    assert not original.exception and not exported.exception
    assert [m.value for m in exported.metric] == [m.value for m in original.metric]
    assert [h.value for h in exported.subheader] == [h.value for h in original.subheader]
    assert len(exported.dataframe) == len(original.dataframe)


def test_uploads_are_refused_on_an_export(parquet_store, monkeypatch):
    monkeypatch.setenv("JIXIAO_DB", str(parquet_store))
    app = _open("ingest.py")
    assert not app.exception
    assert any("Parquet 导出" in info.value and "只能查看" in info.value for info in app.info)
    assert not app.get("file_uploader")
