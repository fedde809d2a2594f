"""Jixiao dashboard: the router and frame. Pages live in app_pages/, one file each.

    streamlit run app.py            (the store: $JIXIAO_DB or data/jixiao.duckdb)
"""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

from app_pages import data, timings
from app_pages.filters import chips, seed_from_url, sidebar, url_problems, write_url
from app_pages.i18n import t
from app_pages import login
from ingest import store

HERE = Path(__file__).parent
PAGES = (  # url path, file, title key
    ("", "overview.py", "nav.overview"),
    ("budget", "budget.py", "nav.budget"),
    ("scores", "scores.py", "nav.scores"),
    ("anomalies", "anomalies.py", "nav.anomalies"),
    ("report", "report.py", "nav.report"),
    ("ingest", "ingest.py", "nav.ingest"),
    ("export", "export.py", "nav.export"),
    ("rescore", "rescore.py", "nav.rescore"),
    ("units", "units.py", "nav.units"),
    ("sampling", "sampling.py", "nav.sampling"),
    ("rectification", "rectification.py", "nav.rectification"),
    ("admin", "admin.py", "nav.admin"),
)
PAGE_KEYS = {"report": ("id",), "rescore": ("id",), "units": ("unit", "dept")}
UNFILTERED = ("ingest", "admin")        # pages the filters do not apply to

st.set_page_config(page_title="绩效自评报告审核 Jixiao", page_icon="📊", layout="wide")


@st.cache_resource
def _migrated(path: str) -> bool:
    """Bring an older store's schema up to date, once per server; a current store is only
    read (the pages never write, but for reviews and uploads)."""
    if store.needs_migration(path):
        store.open_store(path, wait_seconds=20).close()
    return True


def options() -> dict[str, list]:
    if not data.has_store():
        return {}
    try:
        frame = data.run("filter_options")
    except data.StoreUnavailable:
        return {}
    return {name: values or [] for name, values in frame.row(0, named=True).items()} if frame.height else {}


timings.begin()
seed_from_url()
if data.has_store():
    try:
        _migrated(str(data.store_path()))
    except store.StoreError:
        pass        # busy: the pages say so when they read
admitted = login.admitted()

pages = [st.Page(str(HERE / "app_pages" / file), title=t(key), url_path=path, default=path == "")
         for path, file, key in PAGES]
# Navigation comes before the sign-in form, hidden, so the page a link asked for is the one
# shown once signed in.
current = st.navigation(pages, position="sidebar" if admitted else "hidden")
if not admitted:
    login.gate()
login.sidebar_badge()
filters = st.session_state["filters"] = sidebar(options())
write_url(filters, PAGE_KEYS.get(current.url_path, ()))
try:
    url_problems()
    if current.url_path not in UNFILTERED:
        chips(filters)
        if filters.active() and data.has_store() and not data.run("scope_count", **filters.params())["reports"][0]:
            st.info(t("filters.empty", filters=filters.summary()))
    current.run()
except data.StoreUnavailable as exc:
    st.warning(str(exc))
finally:
    data.close()
    timings.end(current.url_path, sys.exc_info()[1])
