"""Every user-visible string, Chinese first, English by the sidebar's switch.

One dictionary, keyed "page.element"; each page's entries sit in a module of their own
(i18n/budget.py …) and are merged here, so that TEXTS is the single place to look.
"""
from __future__ import annotations

import streamlit as st

from app_pages.i18n import (anomalies, budget, casework, common, evidence, export, ingest, overview, papers, report,
                            scores, units)

LANGUAGES = ("zh", "en")
TEXTS: dict[str, dict[str, str]] = {}
for _module in (common, overview, budget, scores, anomalies, evidence, report, ingest, export, casework, papers, units):
    for _key, _value in _module.TEXTS.items():
        if _key in TEXTS:
            raise KeyError(f"duplicate i18n key {_key}")
        TEXTS[_key] = _value


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(key: str, language: str | None = None, **values) -> str:
    """The text for `key` in the current language (or `language`: files built off the page's
    run, where there is no session to ask), Chinese where English is missing, with
    {placeholders} filled."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(language or lang()) or entry["zh"]
    return text.format(**values) if values else text
