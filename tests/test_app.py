"""The first page: an empty store offers the bundled samples, and loading them fills it."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from conftest import ROOT


def test_empty_store_offers_samples_and_loads_them(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_DB", str(tmp_path / "s.duckdb"))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not app.exception
    assert [b.label for b in app.button] == ["载入示例报告（60 份）"]
    app.button[0].click().run()
    assert not app.exception
    assert [m.value for m in app.metric] == ["60"]
    assert len(list((tmp_path / "samples").glob("*.docx"))) == 60
