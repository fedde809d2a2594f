"""预算执行 Budget vs actual: planned against actual by economic category, over and under plan
by category, year and area, and the budget lines behind a category."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from app_pages import data
from app_pages.i18n import lang, t
from app_pages.widgets import money, report_links

DRILL_LIMIT = 500       # lines listed for one category; the rest are counted
AREA_BARS = 25          # areas drawn on the chart; the table below lists all
CATEGORY_KEY = "budget_category"
LEGEND = {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0}   # above the plot, clear of the axis labels
OVER, UNDER, UNPLANNED, UNPLANNED_TEXT, NET = "#d62728", "#2ca02c", "#ff7f0e", "#fdd0a2", "#333333"

filters = st.session_state["filters"]
params = filters.params()
st.header(t("budget.title"))
st.caption(t("budget.intro"))

by_category = data.run("budget_by_category", **params)
categories = by_category.filter(~pl.col("is_total"))
if categories.is_empty():
    st.info(t("budget.no_lines"))
    st.stop()

# English names come from economic_categories; an unmapped label stands for itself.
label_column = "category_en" if lang() == "en" else "category"
labels = dict(zip(categories["category"].to_list(), categories[label_column].to_list()))
totals = by_category.filter(pl.col("is_total")).row(0, named=True)


def plain(text: str) -> str:
    """A label from a report as Plotly text: Plotly reads a little HTML in tick labels and hovers."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def variance_figure(frame: pl.DataFrame, axis: list, horizontal: bool, keys: list | None = None) -> go.Figure:
    """Over plan up, under plan down, unplanned (table lines, then narrative-only amounts) on
    top, the net against plan as a marker: one bar per row."""
    figure = go.Figure()
    series = (
        ("overspent", "budget.overspent", OVER),
        ("underspent", "budget.underspent", UNDER),
        ("unplanned_table", "budget.unplanned_table", UNPLANNED),
        ("unplanned_text", "budget.unplanned_text", UNPLANNED_TEXT),
    )
    value_axis, name_axis = ("x", "y") if horizontal else ("y", "x")
    hover = f"%{{{name_axis}}}: %{{{value_axis}:,.2f}}<extra>"     # + the series' name + </extra>
    for column, label, colour in series:
        values = frame[column].fill_null(0).to_list()
        bar = {"y": axis, "x": values, "orientation": "h"} if horizontal else {"x": axis, "y": values}
        figure.add_bar(name=t(label), marker_color=colour, customdata=keys, hovertemplate=hover + t(label) + "</extra>", **bar)
    net = frame["over_under"].fill_null(0).to_list()
    point = {"y": axis, "x": net} if horizontal else {"x": axis, "y": net}
    figure.add_scatter(name=t("budget.net"), mode="markers", marker={"symbol": "diamond", "color": NET, "size": 9},
                       customdata=keys, hovertemplate=hover + t("budget.net") + "</extra>",
                       **point)
    layout = {"barmode": "relative", "legend": LEGEND, "margin": {"t": 30},
              "height": max(320, 26 * frame.height + 80) if horizontal else 360}
    if horizontal:
        layout.update(xaxis_title=t("budget.money_axis"), yaxis={"autorange": "reversed", "type": "category"})
    else:
        layout.update(yaxis_title=t("budget.money_axis"), xaxis={"type": "category"})
    figure.update_layout(**layout)
    return figure


def clicked_category(event, chart_key: str) -> str | None:
    """The category of a newly clicked bar (each chart's click counts once, so the selectbox
    below can still change the choice afterwards)."""
    points = list(event.selection.points) if event and event.selection else []
    picked = None
    for point in points:
        custom = point.get("customdata")
        custom = custom[0] if isinstance(custom, list) and custom else custom
        if isinstance(custom, str) and custom in labels:
            picked = custom
            break
    seen_key = f"_seen_{chart_key}"
    if picked == st.session_state.get(seen_key):
        return None
    st.session_state[seen_key] = picked
    return picked


cols = st.columns(4)
cols[0].metric(t("budget.planned"), money(totals["planned"]))
cols[1].metric(t("budget.actual"), money(totals["actual"]))
cols[2].metric(t("budget.over_under"), money(totals["over_under"]), help=t("budget.over_under_help"))
cols[3].metric(t("budget.unplanned"), money(totals["unplanned"]),
               help=t("budget.unplanned_help", text=money(totals["unplanned_text"])))

st.subheader(t("budget.by_category"))
st.caption(t("budget.click_hint"))
keys = categories["category"].to_list()
names = [plain(labels[key]) for key in keys]
figure = go.Figure()
for column, label in (("planned", "budget.planned"), ("actual", "budget.actual")):
    figure.add_bar(x=names, y=categories[column].to_list(), name=t(label), customdata=keys,
                   hovertemplate="%{x}: %{y:,.2f}<extra>" + t(label) + "</extra>")
figure.update_layout(barmode="group", yaxis_title=t("budget.money_axis"), height=400, legend=LEGEND,
                     margin={"t": 30}, xaxis={"type": "category"}, clickmode="event+select")
planned_event = st.plotly_chart(figure, key="budget_by_category_chart", on_select="rerun", selection_mode="points")

st.subheader(t("budget.variance_by_category"))
variance = categories.sort(pl.col("over_under").fill_null(0) + pl.col("unplanned"), descending=True)
variance_keys = variance["category"].to_list()
figure = variance_figure(variance, [plain(labels[key]) for key in variance_keys], horizontal=True, keys=variance_keys)
figure.update_layout(clickmode="event+select")
variance_event = st.plotly_chart(figure, key="budget_variance_chart", on_select="rerun", selection_mode="points")

left, right = st.columns(2)
with left:
    st.subheader(t("budget.by_year"))
    by_year = data.run("budget_by_year", **params)
    years = [t("budget.unknown") if year is None else str(year) for year in by_year["fiscal_year"].to_list()]
    st.plotly_chart(variance_figure(by_year, years, horizontal=False), key="budget_by_year_chart")
with right:
    st.subheader(t("budget.by_area"))
    level = st.segmented_control(t("budget.area_level"), ["province", "region"], key="budget_area_level",
                                 default="province", format_func=lambda key: t(f"budget.area_{key}"))
    by_area = data.run("budget_by_area", area=level or "province", **params)
    areas = by_area.with_columns(pl.col("area").fill_null(t("budget.unknown")))
    shown = areas.head(AREA_BARS)
    st.plotly_chart(variance_figure(shown, shown["area"].to_list(), horizontal=True), key="budget_by_area_chart")
    if areas.height > AREA_BARS:
        st.caption(t("budget.area_top", shown=AREA_BARS, total=areas.height))
    with st.expander(t("budget.area")):
        st.dataframe(areas.select("area", "lines", "planned", "actual", "over_under", "unplanned"), hide_index=True, placeholder="—",
                     column_config={"area": t(f"budget.area_{level or 'province'}"), "lines": t("budget.lines"),
                                    "planned": st.column_config.NumberColumn(t("col.planned"), format="%.2f"),
                                    "actual": st.column_config.NumberColumn(t("col.actual"), format="%.2f"),
                                    "over_under": st.column_config.NumberColumn(t("budget.over_under"), format="%.2f"),
                                    "unplanned": st.column_config.NumberColumn(t("budget.unplanned"), format="%.2f")})

st.subheader(t("budget.drill"))
# A bar clicked on either category chart chooses the category; the selectbox is the way
# without a mouse (and the one tests drive).
for event, chart_key in ((planned_event, "budget_by_category_chart"), (variance_event, "budget_variance_chart")):
    picked = clicked_category(event, chart_key)
    if picked is not None:
        st.session_state[CATEGORY_KEY] = picked
if st.session_state.get(CATEGORY_KEY) not in labels:
    st.session_state[CATEGORY_KEY] = None
category = st.selectbox(t("budget.choose"), keys, index=None, key=CATEGORY_KEY,
                        format_func=lambda key: labels.get(key, key), placeholder=t("budget.choose_placeholder"))
if category is not None:
    lines = data.run("budget_category_lines", category=category, limit=DRILL_LIMIT, **params)
    if lines.height:
        st.caption(t("budget.drill_count", total=f"{lines['line_total'][0]:,}", shown=lines.height))
        origins = {"table": t("budget.origin_table"), "text": t("budget.origin_text")}
        lines = lines.with_columns(pl.col("origin").replace(origins))
        report_links(lines, filters, key="budget_lines_table", columns={
            "file_name": t("col.file_name"), "implementing_unit": t("col.implementing_unit"),
            "fiscal_year": t("col.fiscal_year"), "category_raw": t("budget.label_raw"),
            "planned": st.column_config.NumberColumn(t("col.planned"), format="%.2f"),
            "actual": st.column_config.NumberColumn(t("col.actual"), format="%.2f"),
            "difference": st.column_config.NumberColumn(t("budget.difference"), format="%.2f"),
            "origin": t("budget.origin")})
    else:
        st.caption(t("common.no_rows"))

st.subheader(t("budget.unmapped"))
unmapped = data.run("unmapped_categories", limit=50, **params)
if unmapped.height:
    st.caption(t("budget.unmapped_help"))
    st.dataframe(unmapped, hide_index=True, placeholder="—", column_config={
        "category_raw": t("budget.label_raw"), "lines": t("budget.lines"), "reports": t("col.reports"),
        "planned": st.column_config.NumberColumn(t("col.planned"), format="%.2f"),
        "actual": st.column_config.NumberColumn(t("col.actual"), format="%.2f")})
else:
    st.caption(t("budget.unmapped_none"))
