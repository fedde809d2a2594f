"""The sidebar's filters: one set for every page, kept in the URL so a view can be shared.

The URL is read once, when a session starts (a pasted link); after that the widgets hold
the filters and every run writes them back to the URL, so page switches keep them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import streamlit as st

from app_pages.i18n import LANGUAGES, TEXTS, lang, t
from app_pages.markdown import plain
from ingest.store import REVIEW_STATUSES

GRADES = ("优", "良", "中", "差")
# filter field -> (URL key, type). The unit and department filters' keys are `units` and
# `depts`: `unit` and `dept` are the profile page's own (/units?unit=NAME, SPEC §4; ?dept=),
# which must not set the filters too.
LISTS = {
    "years": ("year", int), "provinces": ("province", str), "regions": ("region", str),
    "depts": ("depts", str), "units": ("units", str), "grades": ("grade", str),
    "rules": ("rule", str), "statuses": ("status", str),
}
LABELS = {"years": "filters.years", "provinces": "filters.provinces", "regions": "filters.regions",
          "depts": "filters.depts", "units": "filters.units", "grades": "filters.grades",
          "rules": "filters.rules", "statuses": "filters.statuses"}
# Filters whose choices are codes shown by a label in the page's language. Their widget's
# key carries the language: Streamlit keeps a multiselect's value as the label it showed, so
# after a language switch the old labels matched no option and the filter silently became
# "rule=FULL_SCORE_PARTIAL_EXECUTION 满分但预算未执行完". The codes live under f_<name>.
CODED = ("rules", "statuses")
# Free text is split into words, each of which must match (queries/filters/scope.sql); a
# pasted paragraph is cut here, and the box says so.
TEXT_LIMIT = 500
COLONS, SEMICOLONS = {"zh": "：", "en": ": "}, {"zh": "；", "en": "; "}
# Filters whose choices are names the store lists only in part (queries/filter_options.sql
# caps them, most frequent first): a name not listed is typed in full.
TYPED = ("regions", "depts", "units")
PENDING = "_filters_pending"        # set by a page (a chart's click), applied before the widgets
URL_PROBLEMS = "_filters_url_problems"


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
        """(label, value) pairs for what is set, in the page's language, for export sheets
        and captions (codes by their label: a rule by its id and name, a status by its name)."""
        out = [(t(LABELS[name]), "、".join(value_label(name, value) for value in getattr(self, name)))
               for name in LISTS if getattr(self, name)]
        if self.score_min > 0 or self.score_max < 100:
            out.append((t("filters.score"), f"{self.score_min:g}–{self.score_max:g}"))
        if self.text.strip():
            out.append((t("filters.text"), self.text.strip()))
        return out

    def summary(self) -> str:
        """describe() as one line: "年度：2023；异常规则：…" ("Fiscal year: 2023; …" in English)."""
        return SEMICOLONS[lang()].join(f"{label}{COLONS[lang()]}{value}" for label, value in self.describe())

    def active(self) -> bool:
        return bool(self.query())


def value_label(name: str, value) -> str:
    """One chosen value as the page shows it: 2023, 满分但预算未执行完 (a rule), 待审核."""
    if name == "rules":
        return f"{value} {t('rule.' + value)}"
    if name == "statuses":
        return t(f"status.{value}")
    return str(value)


def seed_from_url() -> None:
    """Seed the widgets from the URL, once per session. Only what the URL sets is written:
    a widget given its value through session state costs the browser some 0.15 s on the
    next run when its list is long (the first filter change of a session took 0.45 s
    instead of 0.32 s, bench/browser.py), and an empty filter is the widget's default anyway."""
    if st.session_state.get("_filters_seeded"):
        return
    st.session_state["_filters_seeded"] = True
    params = st.query_params
    problems: list[tuple[str, dict]] = []      # (i18n key, values): shown by url_problems()
    for name, (key, kind) in LISTS.items():
        values = []
        for raw in params.get_all(key) + _legacy(name):
            try:
                value = kind(raw)
            except ValueError:
                problems.append(("filters.url_bad_value", {"name": key, "value": raw}))
                continue
            if name in KNOWN and value not in KNOWN[name]():
                problems.append(("filters.url_bad_value", {"name": key, "value": raw}))
                continue
            values.append(value)
        if values:
            st.session_state[f"f_{name}"] = values
    st.session_state["f_score"] = _score_range(params.get("score"), problems)
    text = params.get("q", "")
    if len(text) > TEXT_LIMIT:
        problems.append(("filters.url_text_cut", {"n": TEXT_LIMIT}))
    if text:
        st.session_state["f_text"] = text[:TEXT_LIMIT]
    language = params.get("lang", "zh")
    if language not in LANGUAGES:
        problems.append(("filters.url_bad_value", {"name": "lang", "value": language}))
    elif language != LANGUAGES[0]:
        st.session_state["lang"] = language
    st.session_state[URL_PROBLEMS] = problems


# Filters whose key was once the profile page's: a link made before wrote them so.
LEGACY_KEYS = {"units": "unit", "depts": "dept"}


def _legacy(name: str) -> list[str]:
    """The filter's values as an older link wrote them (`unit=`, `dept=`): read so on every
    page but the profile page, whose own keys those are."""
    path = urlsplit(st.context.url or "").path.rstrip("/")
    if name not in LEGACY_KEYS or path.endswith("/units"):
        return []
    return st.query_params.get_all(LEGACY_KEYS[name])


def _rule_ids() -> set[str]:
    """The rules the dictionary names (rule.<ID>): every rule a store can hold."""
    return {key.removeprefix("rule.") for key in TEXTS if key.startswith("rule.")}


# Filters with a closed set of values: a value outside it in a pasted URL is named, not kept.
KNOWN = {"grades": lambda: set(GRADES), "statuses": lambda: set(REVIEW_STATUSES), "rules": _rule_ids}


def _score_range(written: str | None, problems: list) -> tuple[float, float]:
    """"60-90" -> (60.0, 90.0); a range that is unreadable, outside 0–100 or crossed (90-60)
    is refused, named in `problems`, and the whole range kept."""
    if not written:
        return 0.0, 100.0
    try:
        low, high = (float(x) for x in written.split("-", 1))
    except ValueError:
        problems.append(("filters.url_bad_value", {"name": "score", "value": written}))
        return 0.0, 100.0
    if not (0 <= low <= 100 and 0 <= high <= 100):
        problems.append(("filters.url_score_outside", {"value": written}))
        return 0.0, 100.0
    if low > high:
        problems.append(("filters.url_score_crossed", {"low": f"{low:g}", "high": f"{high:g}"}))
        return 0.0, 100.0
    return low, high


def url_problems() -> None:
    """Say which parts of a pasted link were not used, in the page's language, until the
    user closes the notice."""
    problems = st.session_state.get(URL_PROBLEMS) or []
    if not problems:
        return
    lines = [t(key, **values) for key, values in problems]
    st.warning("  \n".join([t("filters.url_problems")] + [f"• {line}" for line in lines]))
    st.button(t("filters.url_problems_close"), key="filters_url_problems_close",
              on_click=lambda: st.session_state.pop(URL_PROBLEMS, None))


def request(name: str, values: list) -> None:
    """Set one sidebar filter from a page (a click on a chart's year, region, category) and
    run again: the sidebar's widgets are drawn by then, and a drawn widget's value cannot be
    changed, so the change waits in the session and is applied before they are drawn."""
    st.session_state[PENDING] = {**st.session_state.get(PENDING, {}), name: list(values)}
    st.rerun()


def _apply_pending() -> None:
    for name, values in (st.session_state.pop(PENDING, None) or {}).items():
        st.session_state[f"f_{name}"] = list(values)


def sidebar(options: dict[str, list]) -> Filters:
    """Draw the filters; `options` holds the choices (distinct values in the store)."""
    seed_from_url()
    _apply_pending()
    with st.sidebar:
        st.radio(t("lang.label"), LANGUAGES, key="lang", horizontal=True,
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code])
        st.header(t("filters.header"))
        chosen = {}
        for name, label in (("years", "filters.years"), ("provinces", "filters.provinces"),
                            ("regions", "filters.regions"), ("depts", "filters.depts"), ("units", "filters.units")):
            current = st.session_state.get(f"f_{name}", [])
            choices = list(dict.fromkeys(list(options.get(name, [])) + list(current)))
            typed = name in TYPED
            chosen[name] = st.multiselect(t(label), choices, key=f"f_{name}", placeholder=t("filters.any"),
                                          accept_new_options=typed, help=t("filters.typed_help") if typed else None)
        chosen["score"] = st.slider(t("filters.score"), 0.0, 100.0, key="f_score", step=0.5)
        chosen["grades"] = st.multiselect(t("filters.grades"), list(GRADES), key="f_grades",
                                          placeholder=t("filters.any"))
        rules = list(dict.fromkeys(list(options.get("rules", [])) + st.session_state.get("f_rules", [])))
        chosen["rules"] = coded_multiselect(st, t("filters.rules"), rules, "f_rules",
                                            lambda rule: value_label("rules", rule), help=t("filters.rules_help"))
        chosen["statuses"] = coded_multiselect(st, t("filters.statuses"), list(REVIEW_STATUSES), "f_statuses",
                                               lambda status: value_label("statuses", status),
                                               help=t("filters.statuses_help"))
        chosen["text"] = st.text_input(t("filters.text"), key="f_text", max_chars=TEXT_LIMIT,
                                       help=t("filters.text_help", n=TEXT_LIMIT))
        st.button(t("filters.reset"), on_click=_reset)
    low, high = chosen["score"]
    return Filters(
        years=tuple(chosen["years"]), provinces=tuple(chosen["provinces"]), regions=tuple(chosen["regions"]),
        depts=tuple(chosen["depts"]), units=tuple(chosen["units"]), score_min=float(low), score_max=float(high),
        grades=tuple(chosen["grades"]), rules=tuple(chosen["rules"]), statuses=tuple(chosen["statuses"]),
        text=chosen["text"] or "",
    )


def coded_multiselect(where, label: str, options: list, state: str, format_func, **kwargs) -> list:
    """A multiselect of codes shown by labels in the page's language. The codes are kept
    under `state`; the widget's own key carries the language (see CODED), and is set from
    the codes before it is drawn, so a language switch, a reset or a chart's click keeps
    the same choice."""
    widget = f"{state}.{lang()}"
    for other in LANGUAGES:
        if other != lang():
            st.session_state.pop(f"{state}.{other}", None)
    codes = [code for code in st.session_state.get(state, []) if code in options]
    if st.session_state.get(widget, []) != codes:      # written only when it differs: see seed_from_url
        st.session_state[widget] = codes
    st.session_state[state] = codes

    def keep() -> None:
        # A value that is no option is the label a widget of the other language left behind
        # (a client may send it back once): the codes stand.
        chosen = list(st.session_state[widget])
        if all(value in options for value in chosen):
            st.session_state[state] = chosen

    where.multiselect(label, options, key=widget, format_func=format_func, on_change=keep,
                      placeholder=t("filters.any"), **kwargs)
    return list(st.session_state[state])


def _reset() -> None:
    for name in LISTS:
        st.session_state[f"f_{name}"] = []
    st.session_state["f_score"] = (0.0, 100.0)
    st.session_state["f_text"] = ""


def _drop(name: str, value=None) -> None:
    """A chip's ✕: one value of a filter (or the score range, the text) no longer chosen."""
    if name == "score":
        st.session_state["f_score"] = (0.0, 100.0)
    elif name == "text":
        st.session_state["f_text"] = ""
    else:
        st.session_state[f"f_{name}"] = [v for v in st.session_state.get(f"f_{name}", []) if v != value]


def chips(filters: Filters) -> None:
    """What the filters select, one chip per chosen value above the page: a click on a chip
    drops it, "clear all" drops every one. Nothing is drawn when no filter is set."""
    colon = COLONS[lang()]
    items = [(name, value, f"{t(LABELS[name])}{colon}{value_label(name, value)}")
             for name in LISTS for value in getattr(filters, name)]
    if filters.score_min > 0 or filters.score_max < 100:
        items.append(("score", None, f"{t('filters.score')}{colon}{filters.score_min:g}–{filters.score_max:g}"))
    if filters.text.strip():
        items.append(("text", None, f"{t('filters.text_short')}{colon}{filters.text.strip()[:40]}"))
    if not items:
        return
    with st.container(horizontal=True, gap="small", key="filter_chips"):
        for name, value, label in items:
            st.button(plain(label), key=f"chip_{name}_{value}", on_click=_drop, args=(name, value),
                      help=t("filters.chip_help"), icon=":material/close:", width="content")
        st.button(t("filters.reset_all"), key="chip_reset", on_click=_reset, icon=":material/filter_alt_off:",
                  type="tertiary", width="content")


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
