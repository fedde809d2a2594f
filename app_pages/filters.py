"""The sidebar's filters: one set for every page, kept in the URL so a view can be shared.

The URL is read once, when a session starts (a pasted link); after that the widgets hold
the filters and every run writes them back to the URL, so page switches keep them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from app_pages.i18n import LANGUAGES, t
from ingest.store import REVIEW_STATUSES

GRADES = ("优", "良", "中", "差")
# filter field -> (URL key, type)
LISTS = {
    "years": ("year", int), "provinces": ("province", str), "regions": ("region", str),
    "depts": ("dept", str), "units": ("unit", str), "grades": ("grade", str),
    "rules": ("rule", str), "statuses": ("status", str),
}


@dataclass(frozen=True)
class Filters:
    years: tuple[int, ...] = ()
    provinces: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    depts: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    score_min: float = 0.0
    score_max: float = 100.0
    grades: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def params(self) -> dict:
        """Named parameters of every page query (queries/filters/scope.sql builds the scope)."""
        return {
            "years": list(self.years), "provinces": list(self.provinces), "regions": list(self.regions),
            "depts": list(self.depts), "units": list(self.units), "score_min": float(self.score_min),
            "score_max": float(self.score_max), "grades": list(self.grades), "rules": list(self.rules),
            "statuses": list(self.statuses), "text": self.text.strip(),
        }

    def query(self) -> dict[str, str | list[str]]:
        """The filters as URL query parameters (only those set)."""
        out: dict[str, str | list[str]] = {}
        for name, (key, _) in LISTS.items():
            values = getattr(self, name)
            if values:
                out[key] = [str(v) for v in values]
        if self.score_min > 0 or self.score_max < 100:
            out["score"] = f"{self.score_min:g}-{self.score_max:g}"
        if self.text.strip():
            out["q"] = self.text.strip()
        return out

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) pairs for what is set, for export sheets and captions."""
        labels = {"years": "filters.years", "provinces": "filters.provinces", "regions": "filters.regions",
                  "depts": "filters.depts", "units": "filters.units", "grades": "filters.grades",
                  "rules": "filters.rules", "statuses": "filters.statuses"}
        out = [(t(labels[name]), "、".join(map(str, getattr(self, name)))) for name in LISTS if getattr(self, name)]
        if self.score_min > 0 or self.score_max < 100:
            out.append((t("filters.score"), f"{self.score_min:g}–{self.score_max:g}"))
        if self.text.strip():
            out.append((t("filters.text"), self.text.strip()))
        return out


def seed_from_url() -> None:
    """Seed the widgets from the URL, once per session."""
    if st.session_state.get("_filters_seeded"):
        return
    st.session_state["_filters_seeded"] = True
    params = st.query_params
    for name, (key, kind) in LISTS.items():
        values = []
        for raw in params.get_all(key):
            try:
                values.append(kind(raw))
            except ValueError:
                continue
        st.session_state[f"f_{name}"] = values
    low, high = 0.0, 100.0
    score = params.get("score")
    if score and "-" in score:
        try:
            low, high = (float(x) for x in score.split("-", 1))
        except ValueError:
            low, high = 0.0, 100.0
    st.session_state["f_score"] = (max(0.0, min(low, 100.0)), max(0.0, min(high, 100.0)))
    st.session_state["f_text"] = params.get("q", "")
    language = params.get("lang", "zh")
    st.session_state["lang"] = language if language in LANGUAGES else "zh"


def sidebar(options: dict[str, list]) -> Filters:
    """Draw the filters; `options` holds the choices (distinct values in the store)."""
    seed_from_url()
    with st.sidebar:
        st.radio(t("lang.label"), LANGUAGES, key="lang", horizontal=True,
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code])
        st.header(t("filters.header"))
        chosen = {}
        for name, label, formatter in (
            ("years", "filters.years", str), ("provinces", "filters.provinces", str),
            ("regions", "filters.regions", str), ("depts", "filters.depts", str), ("units", "filters.units", str),
        ):
            current = st.session_state.get(f"f_{name}", [])
            choices = list(dict.fromkeys(list(options.get(name, [])) + list(current)))
            chosen[name] = st.multiselect(t(label), choices, key=f"f_{name}", format_func=formatter,
                                          placeholder=t("filters.any"))
        chosen["score"] = st.slider(t("filters.score"), 0.0, 100.0, key="f_score", step=0.5)
        chosen["grades"] = st.multiselect(t("filters.grades"), list(GRADES), key="f_grades",
                                          placeholder=t("filters.any"))
        rules = list(dict.fromkeys(list(options.get("rules", [])) + st.session_state.get("f_rules", [])))
        chosen["rules"] = st.multiselect(t("filters.rules"), rules, key="f_rules",
                                         format_func=lambda rule: f"{rule} {t('rule.' + rule)}",
                                         placeholder=t("filters.any"))
        chosen["statuses"] = st.multiselect(t("filters.statuses"), list(REVIEW_STATUSES), key="f_statuses",
                                            format_func=lambda status: t(f"status.{status}"),
                                            placeholder=t("filters.any"))
        chosen["text"] = st.text_input(t("filters.text"), key="f_text", max_chars=100)
        st.button(t("filters.reset"), on_click=_reset)
    low, high = chosen["score"]
    return Filters(
        years=tuple(chosen["years"]), provinces=tuple(chosen["provinces"]), regions=tuple(chosen["regions"]),
        depts=tuple(chosen["depts"]), units=tuple(chosen["units"]), score_min=float(low), score_max=float(high),
        grades=tuple(chosen["grades"]), rules=tuple(chosen["rules"]), statuses=tuple(chosen["statuses"]),
        text=chosen["text"] or "",
    )


def _reset() -> None:
    for name in LISTS:
        st.session_state[f"f_{name}"] = []
    st.session_state["f_score"] = (0.0, 100.0)
    st.session_state["f_text"] = ""


def write_url(filters: Filters, keep: tuple[str, ...] = ()) -> None:
    """Put the filters (and the language) in the URL, keeping the page's own keys (the
    report page's id)."""
    wanted: dict[str, str | list[str]] = {key: st.query_params[key] for key in keep if key in st.query_params}
    wanted.update(filters.query())
    if st.session_state.get("lang", "zh") != "zh":
        wanted["lang"] = st.session_state["lang"]
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    normal = {key: value if isinstance(value, list) else [value] for key, value in wanted.items()}
    if current != normal:
        st.query_params.from_dict(wanted)


def link_params(filters: Filters, **page_keys: str) -> dict[str, str | list[str]]:
    """The filters (and language) as query parameters for st.page_link / st.switch_page."""
    params: dict[str, str | list[str]] = dict(page_keys)
    params.update(filters.query())
    if st.session_state.get("lang", "zh") != "zh":
        params["lang"] = st.session_state["lang"]
    return params


def link_query(filters: Filters, **page_keys: str) -> str:
    """A query string for links to other pages that carries the filters along."""
    from urllib.parse import urlencode

    pairs: list[tuple[str, str]] = [(k, v) for k, v in page_keys.items()]
    for key, value in filters.query().items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item))
    if st.session_state.get("lang", "zh") != "zh":
        pairs.append(("lang", st.session_state["lang"]))
    return urlencode(pairs)
