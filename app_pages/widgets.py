"""Small display helpers shared by pages: number formats, charts, and tables that link to
reports."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Sequence

import polars as pl
import streamlit as st

from app_pages.anomalies_parts import number
from app_pages.filters import Filters, link_query
from app_pages.i18n import lang, t
from ingest.messages import render


def money(value) -> str:
    return "—" if value is None else f"{value:,.2f}"


def percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def money_short(value) -> str:
    """A headline figure that fits its tile at 1366 px: 27,931.45 -> "27,931" (the exact
    figure goes in the tile's help)."""
    return "—" if value is None else f"{value:,.0f}"


def rule_set_line(rule_set: pl.DataFrame) -> str:
    """The rule set a report is judged by, in a line (queries/report_rule_set.sql's rows): its
    name and where it applies, the grade bands, whether a grade is required, the execution
    rate's weight, the 一级指标 weights beside the report's own, the qualitative tiers."""
    if not rule_set.height:
        return ""
    head = rule_set.row(0, named=True)
    where = (t("rules.set_national") if head["set_no"] == 0 else
             t("rules.set_province", province=head["set_province"], first=head["first_year"], last=head["last_year"]))
    weights = t("common.list_separator").join(
        t("rules.set_weight" if row["report_weight"] is not None else "rules.set_weight_only", level=row["level"],
          weight=number(row["set_weight"]), given=number(row["report_weight"]))
        for row in rule_set.iter_rows(named=True) if row["level"] is not None)
    return t("rules.set_line", name=head["rule_set"], where=where, you=number(head["you"]),
             liang=number(head["liang"]), zhong=number(head["zhong"]),
             grade=t("rules.grade_required" if head["grade_required"] else "rules.grade_optional"),
             execution=number(head["execution_weight"]), weights=weights,
             high=number(head["tier_high"]), low=number(head["tier_low"]))


def chart(figure, key: str, title: str, **kwargs):
    """st.plotly_chart whose tool bar (shown on hover: always on, it lay over the legends)
    has a camera saving a PNG named after the chart and the day (年度趋势_2026-12-06.png), at
    twice the screen's resolution for a working paper. Other arguments (on_select …) pass
    through."""
    name = re.sub(r"[\\/:*?\"<>|\s]+", "_", title).strip("_") or "chart"
    config = {"displaylogo": False, "modeBarButtonsToRemove": ["sendDataToCloud"],
              "toImageButtonOptions": {"format": "png", "filename": f"{name}_{dt.date.today():%Y-%m-%d}", "scale": 2}}
    return st.plotly_chart(figure, key=key, config=config, **kwargs)


def open_tab(sections: Sequence[str], prefix: str, key: str) -> tuple[str, Any]:
    """Tabs of which only the open one is drawn (st.tabs with on_change="rerun"): each
    section's label is t(f"{prefix}.{section}"); returns the open section and its tab to draw
    in. The open section is kept by name as well (keep), so that a change of language (new
    labels) leaves it open."""
    labels = {t(f"{prefix}.{name}"): name for name in sections}
    if st.session_state.get(key) not in labels and kept(key, None) in sections:
        st.session_state[key] = t(f"{prefix}.{kept(key, None)}")
    tabs = st.tabs(list(labels), key=key, on_change="rerun")
    name, tab = next(((name, tab) for tab, name in zip(tabs, labels.values()) if tab.open), (sections[0], tabs[0]))
    return keep(key, name), tab


def kept(key: str, default: Any) -> Any:
    """The value the widget under `key` last had (see keep), as the default to draw it with:
    Streamlit forgets the state of a widget a run does not draw, one in a closed tab."""
    return st.session_state.get(f"_kept_{key}", default)


def keep(key: str, value: Any) -> Any:
    """Keep a widget's value past the runs that do not draw it (kept); returns it."""
    st.session_state[f"_kept_{key}"] = value
    return value


def clicked(event, chart_key: str) -> Any:
    """The customdata of a point newly clicked on a chart drawn with on_select="rerun", else
    None. A selection stays on the chart across runs; each one counts once, so a click that
    set a filter does not set it again after the filter is dropped."""
    points = list(event.selection.points) if event and event.selection else []
    picked = None
    for point in points:
        custom = point.get("customdata")
        custom = custom[0] if isinstance(custom, list) and custom else custom
        if custom is not None:
            picked = custom
            break
    seen_key = f"_seen_{chart_key}"
    if picked == st.session_state.get(seen_key):
        return None
    st.session_state[seen_key] = picked
    return picked


def clickable(figure, name: str, title: str) -> Any:
    """chart() answering clicks: the newly clicked point's customdata, else None. After a
    click the chart is drawn under a new key (name_1, name_2 …), without the selection: a
    highlighted bar would outlast the filter or category it chose, and a second click on it
    would only clear it."""
    drawn = f"_{name}_drawn"
    key = f"{name}_{st.session_state.get(drawn, 0)}"
    picked = clicked(chart(figure, key, title, on_select="rerun", selection_mode="points"), key)
    if picked is not None:
        st.session_state[drawn] = st.session_state.get(drawn, 0) + 1
    return picked


def report_labels(found: pl.DataFrame) -> dict[str, str]:
    """report_id -> "file · project · unit · year" (what is known), for a picker of reports
    (queries/report_search.sql's rows)."""
    return {row["report_id"]: " · ".join(str(value) for value in (
        row["file_name"], row["project_name"], row["implementing_unit"], row["fiscal_year"]) if value is not None)
        for row in found.iter_rows(named=True)}


def report_url(report_id: str, filters: Filters) -> str:
    return f"/report?{link_query(filters, id=report_id)}"


def unit_url(unit: str, filters: Filters, level: str = "unit") -> str:
    """The unit's profile, carrying the filters along: /units?unit=NAME&…; with level "dept",
    the supervising department's: /units?dept=NAME&…"""
    return f"/units?{link_query(filters, **{level: unit})}"


# A LinkColumn of unit_url links that reads as the unit's name: Streamlit shows the first
# group of display_text matched against the link, URL-decoded (the name is link_query's first key).
UNIT_NAME_IN_URL = r"/units\?unit=([^&]*)"
# The profile key of each column that holds a unit's or a department's name, and the
# pattern that shows its link as the name.
PROFILE_COLUMNS = {"implementing_unit": ("unit", UNIT_NAME_IN_URL),
                   "supervising_dept": ("dept", r"/units\?dept=([^&]*)")}


def unit_links(frame: pl.DataFrame, filters: Filters, label: Any, column: str = "implementing_unit",
               level: str | None = None):
    """`frame` with each name of `column` made its profile's link (unit_url: a unit's, or a
    department's for supervising_dept or level "dept"), and the LinkColumn that shows it as
    the name; `label` is the column's label or its column config (whose label and width are
    kept). Every unit and department name on a page leads to /units (issue 16)."""
    level = level or PROFILE_COLUMNS.get(column, ("unit",))[0]
    pattern = next(shown for key, shown in PROFILE_COLUMNS.values() if key == level)
    links = pl.Series(column, [None if name is None else unit_url(name, filters, level)
                               for name in frame[column].to_list()], dtype=pl.Utf8)
    given = label if isinstance(label, dict) else {"label": label}
    return frame.with_columns(links), st.column_config.LinkColumn(
        given.get("label"), display_text=pattern, width=given.get("width"), help=given.get("help"))


def report_links(frame: pl.DataFrame, filters: Filters, columns: dict[str, Any], key: str | None = None,
                 on_select: str = "ignore", selection_mode: str = "multi-row"):
    """A table of reports whose first column opens each one's report page (first, so that it
    is on screen however wide the rest). The columns named (labels or st.column_config
    objects) are shown in the order given; callers pass only the columns the page may send
    to the browser."""
    carried = link_query(filters)
    link = pl.lit("/report?id=") + pl.col("report_id") + (pl.lit("&" + carried) if carried else pl.lit(""))
    shown = frame.with_columns(link.alias("link"))
    config = {name: label for name, label in columns.items()}
    config["link"] = st.column_config.LinkColumn(t("col.link"), display_text=t("common.open_report"), width=60)
    for column in PROFILE_COLUMNS:
        if column in columns:
            shown, config[column] = unit_links(shown, filters, columns[column], column)
    return st.dataframe(shown, hide_index=True, placeholder="—", column_order=["link", *columns], column_config=config,
                        key=key, on_select=on_select, selection_mode=selection_mode)


def uploader_words(button: str, instructions: str) -> None:
    """The file uploader's own words ("Upload", "50MB per file • DOCX …") in the page's
    language: Streamlit draws them in English whatever the page, so they are covered with
    ours. Only our dictionary's words go into this style sheet, never a report's text."""
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'

    st.markdown(
        "<style>"
        '[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p {font-size: 0}'
        '[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p::after'
        f" {{content: {quoted(button)}; font-size: 0.875rem}}"
        '[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0}'
        '[data-testid="stFileUploaderDropzoneInstructions"] span::after'
        f" {{content: {quoted(instructions)}; font-size: 0.875rem}}"
        "</style>", unsafe_allow_html=True)


def reasons(frame: pl.DataFrame) -> pl.DataFrame:
    """ingest_log rows with their reason in the page's language (from error_code and
    error_params; the stored Chinese text where a row predates the codes)."""
    language = lang()
    texts = [render(row["error_code"], row["error_params"], language, row["error"])
             for row in frame.select("error", "error_code", "error_params").iter_rows(named=True)]
    return frame.with_columns(pl.Series("error", texts, dtype=pl.Utf8)).drop("error_code", "error_params")
