"""预算执行 Budget vs actual: planned against actual on the lines that have a plan, money spent
without one shown apart, over and under plan by category, year and area, and the budget
lines behind a category; year over year, the same category and unit across years, a move past
a configured share marked. A click on a year or an area filters every page; a click on a
category opens its lines."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st
import streamlit.components.v1 as components

from app_pages import data
from app_pages.filters import request
from app_pages.i18n import lang, t
from app_pages.markdown import plain
from app_pages.widgets import UNIT_NAME_IN_URL, chart, clickable, keep, kept, money, open_tab, report_links, unit_url
from ingest import config

DRILL_LIMIT = 500       # lines listed for one category; the rest are counted
AREA_BARS = 25          # areas drawn on the chart; the table below lists all
YOY_CATEGORIES = 40     # categories year over year: those that spent the most; the rest are counted
YOY_UNITS = 100         # units year over year: the largest marked moves first (budget_years_by_unit)
YOY_MEASURE_KEY = "budget_yoy_measure"
YOY_ONLY_MOVED_KEY = "budget_yoy_only_moved"
# Only marked moves are coloured, down blue and up red; ±100 % and beyond alike.
MOVE_SCALE = [[0, "#2166ac"], [0.5, "#f7f7f7"], [1, "#b2182b"]]
CATEGORY_KEY = "budget_category"
WITH_UNPLANNED_KEY = "budget_with_unplanned"
TAB_KEY = "budget_tab"
DRILL_KEY = "budget_drill"          # the drill-down's container, scrolled to after a click on a category
SCROLL_PENDING = "_budget_scroll"   # set by a click, consumed by the run that draws the drill-down
CLICKS = "_budget_category_clicks"  # counts them, so that each scroll script differs
LEGEND = {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0}   # above the plot, clear of the axis labels
# Half-width charts: a legend above the plot wraps under the tool bar (always shown, for the
# PNG button); at the figure's foot it keeps clear of both.
LEGEND_BELOW = {"orientation": "h", "xref": "container", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0,
                "traceorder": "normal"}
PLANNED, ACTUAL = "#1f77b4", "#9ecae1"
OVER, UNDER, UNPLANNED, UNPLANNED_TEXT, NET = "#d62728", "#2ca02c", "#ff7f0e", "#fdd0a2", "#333333"
HATCH = {"shape": "/", "fgcolor": UNPLANNED, "solidity": 0.3}   # narrative-only amounts: hatched, never solid
# Our own script, no report text in it: Streamlit has no scroll call, so a zero-height
# component scrolls the page's drill-down container into view. {click} makes each click's
# script differ, so that the component is drawn afresh and runs again.
SCROLL_SCRIPT = """<script>
/* click {click} */
setTimeout(function () {{
  var target = window.parent.document.querySelector(".st-key-{key}");
  if (target) {{ target.scrollIntoView({{behavior: "smooth", block: "start"}}); }}
}}, 150);
</script>"""

filters = st.session_state["filters"]
params = filters.params()
st.header(t("budget.title"))
st.caption(t("budget.intro"))

headline = data.run("budget_headline", **params).row(0, named=True)
if not headline["lines"]:
    st.info(t("budget.no_lines"))
    st.stop()
categories = data.run("budget_by_category", **params).filter(~pl.col("is_total"))

# English names come from economic_categories; an unmapped label stands for itself.
label_column = "category_en" if lang() == "en" else "category"
labels = dict(zip(categories["category"].to_list(), categories[label_column].to_list()))


def plotly_text(text: str) -> str:
    """A label from a report as Plotly text: Plotly reads a little HTML in tick labels and hovers."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def variance_figure(frame: pl.DataFrame, axis: list, keys: list, horizontal: bool, with_unplanned: bool) -> go.Figure:
    """Over plan up, under plan down and the net against plan as a marker, one bar per row,
    over lines with a plan; with_unplanned stacks money spent without a plan on top (table
    lines solid, narrative-only amounts hatched). `keys` (a year, an area, a category) ride
    on every trace as customdata, for clicks."""
    figure = go.Figure()
    series = [("overspent", "budget.overspent", {"color": OVER}), ("underspent", "budget.underspent", {"color": UNDER})]
    if with_unplanned:
        series += [("unplanned_table", "budget.unplanned_table", {"color": UNPLANNED}),
                   ("unplanned_text", "budget.unplanned_text", {"color": UNPLANNED_TEXT, "pattern": HATCH})]
    value_axis, name_axis = ("x", "y") if horizontal else ("y", "x")
    hover = f"%{{{name_axis}}}: %{{{value_axis}:,.2f}}<extra>"     # + the series' name + </extra>
    for column, label, marker in series:
        values = frame[column].fill_null(0).to_list()
        bar = {"y": axis, "x": values, "orientation": "h"} if horizontal else {"x": axis, "y": values}
        figure.add_bar(name=t(label), marker=marker, customdata=keys, hovertemplate=hover + t(label) + "</extra>",
                       **bar)
    net = frame["over_under"].to_list()
    point = {"y": axis, "x": net} if horizontal else {"x": axis, "y": net}
    figure.add_scatter(name=t("budget.net"), mode="markers", marker={"symbol": "diamond", "color": NET, "size": 9},
                       customdata=keys, hovertemplate=hover + t("budget.net") + "</extra>", **point)
    layout = {"barmode": "relative", "legend": LEGEND_BELOW, "margin": {"t": 40}, "clickmode": "event+select",
              "height": max(320, 26 * frame.height + 100) if horizontal else 380}
    if horizontal:
        layout.update(xaxis_title=t("budget.money_axis"), yaxis={"autorange": "reversed", "type": "category"})
    else:
        layout.update(yaxis_title=t("budget.money_axis"), xaxis={"type": "category"})
    figure.update_layout(**layout)
    return figure


def clear_category() -> None:
    st.session_state[CATEGORY_KEY] = None


def choose_category(picked) -> None:
    """A category bar clicked: its lines are listed, and brought into view on this run."""
    if picked in labels:
        st.session_state[CATEGORY_KEY] = picked
        st.session_state[CLICKS] = st.session_state.get(CLICKS, 0) + 1
        st.session_state[SCROLL_PENDING] = True


def unplanned_figure(frame: pl.DataFrame) -> go.Figure:
    """Money spent without a plan by category: table lines solid, narrative-only amounts hatched."""
    keys = frame["category"].to_list()
    names = [plotly_text(labels[key]) for key in keys]
    figure = go.Figure()
    series = (("unplanned_table", "budget.unplanned_table", {"color": UNPLANNED}),
              ("unplanned_text", "budget.unplanned_text", {"color": UNPLANNED_TEXT, "pattern": HATCH}))
    for column, label, marker in series:
        figure.add_bar(y=names, x=frame[column].to_list(), orientation="h", name=t(label), marker=marker,
                       customdata=keys, hovertemplate="%{y}: %{x:,.2f}<extra>" + t(label) + "</extra>")
    figure.update_layout(barmode="stack", legend=LEGEND_BELOW, margin={"t": 40}, clickmode="event+select",
                         height=max(320, 26 * frame.height + 100), xaxis_title=t("budget.money_axis"),
                         yaxis={"autorange": "reversed", "type": "category"})
    return figure


# Headline: lines with a plan | spent without one | in all, each figure from budget_headline,
# whose parts add up as the caption below says.
planned_box, unplanned_box, total_box = st.columns([3, 1.3, 1.2])
with planned_box.container(border=True):
    st.markdown(t("budget.planned_group", lines=f"{headline['planned_lines']:,}"))
    cols = st.columns(3)
    cols[0].metric(t("budget.planned"), money(headline["planned"]))
    cols[1].metric(t("budget.actual"), money(headline["planned_lines_actual"]))
    cols[2].metric(t("budget.over_under"), money(headline["over_under"]), help=t("budget.over_under_help"))
with unplanned_box.container(border=True):
    st.markdown(t("budget.unplanned_group", lines=f"{headline['unplanned_lines']:,}"))
    st.metric(t("budget.unplanned"), money(headline["unplanned"]), help=t("budget.unplanned_help"))
    st.caption(t("budget.unplanned_split", table=money(headline["unplanned_table"]),
                 text=money(headline["unplanned_text"])),
               help=t("budget.unplanned_split_help", lines=f"{headline['unplanned_text_lines']:,}"))
with total_box.container(border=True):
    st.markdown(t("budget.total_group"))
    st.metric(t("budget.actual_total"), money(headline["actual_total"]), help=t("budget.actual_total_help"))
st.caption(t("budget.reconcile", total=money(headline["actual_total"]), actual=money(headline["planned_lines_actual"]),
             unplanned=money(headline["unplanned"]), table=money(headline["unplanned_table"]),
             text=money(headline["unplanned_text"]), over_under=money(headline["over_under"]),
             planned=money(headline["planned"])))
if headline["not_counted"]:
    st.caption(t("budget.not_counted", amount=money(headline["not_counted"])))

def by_category() -> None:
    # Planned against actual: only lines with a plan, so the two bars compare like with like.
    title = t("budget.by_category")
    st.subheader(title)
    st.caption(f"{t('budget.click_hint')} {t('budget.by_category_note')}")
    planned_categories = categories.filter(pl.col("planned_lines") > 0)
    keys = planned_categories["category"].to_list()
    names = [plotly_text(labels[key]) for key in keys]
    figure = go.Figure()
    for column, label, colour in (("planned_lines_planned", "budget.planned", PLANNED),
                                  ("planned_lines_actual", "budget.actual", ACTUAL)):
        figure.add_bar(x=names, y=planned_categories[column].to_list(), name=t(label), marker_color=colour,
                       customdata=keys, hovertemplate="%{x}: %{y:,.2f}<extra>" + t(label) + "</extra>")
    figure.update_layout(barmode="group", yaxis_title=t("budget.money_axis"), height=420, legend=LEGEND,
                         margin={"t": 30}, xaxis={"type": "category"}, clickmode="event+select")
    choose_category(clickable(figure, "budget_by_category_chart", title))

    variance_sort = pl.col("over_under").fill_null(0) + (pl.col("unplanned") if with_unplanned else 0)
    left, right = st.columns(2)
    with left:
        title = t("budget.variance_by_category")
        st.subheader(title)
        variance = (categories if with_unplanned else planned_categories).sort(variance_sort, descending=True)
        variance_keys = variance["category"].to_list()
        figure = variance_figure(variance, [plotly_text(labels[key]) for key in variance_keys], variance_keys,
                                 horizontal=True, with_unplanned=with_unplanned)
        choose_category(clickable(figure, "budget_variance_chart", title))
    with right:
        title = t("budget.unplanned_by_category")
        st.subheader(title)
        st.caption(t("budget.unplanned_note"))
        unplanned = categories.filter(pl.col("unplanned") > 0).sort("unplanned", descending=True)
        if unplanned.height:
            choose_category(clickable(unplanned_figure(unplanned), "budget_unplanned_chart", title))
        else:
            st.caption(t("budget.unplanned_none"))


def by_year_and_area() -> None:
    left, right = st.columns(2)
    with left:
        title = t("budget.by_year")
        st.subheader(title)
        st.caption(t("budget.filter_hint", what=t("budget.hint_year")))
        by_year = data.run("budget_by_year", **params)
        years = by_year["fiscal_year"].to_list()
        axis = [t("budget.unknown") if year is None else str(year) for year in years]
        year = clickable(variance_figure(by_year, axis, years, horizontal=False, with_unplanned=with_unplanned),
                         "budget_by_year_chart", title)
        if year is not None and [int(year)] != list(filters.years):
            request("years", [int(year)])
    with right:
        title = t("budget.by_area")
        st.subheader(title)
        st.caption(t("budget.filter_hint", what=t("budget.hint_area")))
        level = keep("budget_area_level", st.segmented_control(
            t("budget.area_level"), ["province", "region"], key="budget_area_level",
            default=kept("budget_area_level", "province"), format_func=lambda key: t(f"budget.area_{key}"))
            or "province")
        by_area = data.run("budget_by_area", area=level, **params)
        if with_unplanned:      # the query puts the largest deviation from plan first
            deviation = pl.col("overspent").fill_null(0) - pl.col("underspent").fill_null(0) + pl.col("unplanned")
            charted = by_area.sort(deviation, descending=True, maintain_order=True)
        else:                   # areas with no plan at all would be empty rows
            charted = by_area.filter(pl.col("planned_lines") > 0)
        shown = charted.head(AREA_BARS)
        areas = shown["area"].to_list()
        axis = [t("budget.unknown") if area is None else plotly_text(area) for area in areas]
        area = clickable(variance_figure(shown, axis, areas, horizontal=True, with_unplanned=with_unplanned),
                         "budget_by_area_chart", title)
        if area is not None:
            request("regions" if level == "region" else "provinces", [area])
        if charted.height > AREA_BARS:
            st.caption(t("budget.area_top", shown=AREA_BARS, total=charted.height))
        with st.expander(t("budget.area")):
            amounts = ("planned_lines_planned", "planned_lines_actual", "over_under", "unplanned_table", "unplanned_text")
            table = by_area.with_columns(pl.col("area").fill_null(t("budget.unknown"))).select("area", "lines", *amounts)
            st.dataframe(table, hide_index=True, placeholder="—",
                         column_config={"area": t(f"budget.area_{level}"), "lines": t("budget.lines")}
                         | {name: st.column_config.NumberColumn(t(f"budget.{name}"), format="%.2f") for name in amounts})


def move_marks(frame: pl.DataFrame, measures: tuple[str, ...]) -> pl.Series:
    """Which of a row's amounts moved past the configured share: "⚠ 计划、实际", else empty."""
    marks = []
    for flags in frame.select([f"{measure}_moved" for measure in measures]).iter_rows():
        moved = [t(f"budget.yoy.mark_{measure}") for measure, flag in zip(measures, flags) if flag]
        marks.append("⚠ " + t("common.list_separator").join(moved) if moved else "")
    return pl.Series("mark", marks, dtype=pl.Utf8)


def heat_cell(row: dict | None, measure: str, name: str) -> tuple[float | None, str, str]:
    """One cell of the change heat map: its colour (the share where the move is marked, else 0),
    its text (+52% ⚠) and its hover; blank where the category has no earlier year."""
    if row is None or row["prev_year"] is None:
        return None, "", ""
    share, moved = row[f"{measure}_change_share"], row[f"{measure}_moved"]
    written = "—" if share is None else f"{share:+.0%}"
    hover = t("budget.yoy.hover", category=plotly_text(name), year=row["fiscal_year"], prev=row["prev_year"],
              before=money(row[f"{measure}_prev"]), after=money(row[measure]), share=written)
    return (share, f"{written} ⚠", hover) if moved else (0, written, hover)


def change_heatmap(frame: pl.DataFrame, measure: str, names: dict[str, str]) -> go.Figure:
    """Category by year, the change of `measure` (planned or actual) on the previous year with
    figures: its share written in every cell, colour only where the move is marked."""
    keys = frame["category"].unique(maintain_order=True).to_list()
    years = sorted(frame.filter(pl.col("prev_year").is_not_null())["fiscal_year"].unique().to_list())
    rows = {(row["category"], row["fiscal_year"]): row for row in frame.iter_rows(named=True)}
    grid = [[heat_cell(rows.get((key, year)), measure, names[key]) for year in years] for key in keys]
    colours, texts, hovers = ([[cell[part] for cell in line] for line in grid] for part in range(3))
    figure = go.Figure(go.Heatmap(
        z=colours, x=[str(year) for year in years], y=[plotly_text(names[key]) for key in keys], text=texts,
        texttemplate="%{text}", hovertext=hovers, hovertemplate="%{hovertext}<extra></extra>", colorscale=MOVE_SCALE,
        zmin=-1, zmid=0, zmax=1, xgap=2, ygap=2,
        colorbar={"title": {"text": t("budget.yoy.colorbar")}, "tickformat": "+.0%", "thickness": 12}))
    figure.update_layout(height=max(260, 26 * len(keys) + 110), margin={"t": 10},
                         xaxis={"type": "category", "title": t("budget.yoy.year_axis"), "side": "top"},
                         yaxis={"type": "category", "autorange": "reversed"})
    return figure


def share_column(key: str):
    return st.column_config.NumberColumn(t(key), format="%+.1f%%", help=t("budget.yoy.share_help"))


def money_column(key: str, help_key: str | None = None):
    return st.column_config.NumberColumn(t(key), format="%.2f", help=t(help_key) if help_key else None)


def year_over_year() -> None:
    """The same category and the same unit across years, each year against the previous one
    with figures; a move past jixiao.toml's [year_over_year] share is marked."""
    moves = config.year_over_year_params(config.load())
    share = f"{moves['move_share']:.0%}"
    st.caption(t("budget.yoy.intro", share=share, amount=f"{moves['move_min_amount']:g}"))
    by_category = data.run("budget_years_by_category", limit=YOY_CATEGORIES, **params)
    if by_category["fiscal_year"].n_unique() < 2:
        st.info(t("budget.yoy.one_year"))
        return
    only_moved = keep(YOY_ONLY_MOVED_KEY, st.toggle(t("budget.yoy.only_moved"), key=YOY_ONLY_MOVED_KEY,
                                                    value=kept(YOY_ONLY_MOVED_KEY, False)))
    moved_label = t("budget.yoy.col_moved", share=share)
    shares = ("planned_change_share", "actual_change_share", "budget_change_share", "spent_change_share")

    def percent_points(frame: pl.DataFrame) -> pl.DataFrame:
        """Shares (0.52) as the percentages the tables show (+52.0%)."""
        return frame.with_columns([pl.col(name) * 100 for name in shares if name in frame.columns])

    measure = keep(YOY_MEASURE_KEY, st.segmented_control(
        t("budget.yoy.measure"), ("actual", "planned"), key=YOY_MEASURE_KEY, default=kept(YOY_MEASURE_KEY, "actual"),
        format_func=lambda key: t(f"budget.yoy.measure_{key}")) or "actual")
    names = dict(zip(by_category["category"].to_list(), by_category[label_column].to_list()))
    title = t("budget.yoy.heatmap", measure=t(f"budget.yoy.measure_{measure}"))
    st.subheader(title)
    st.caption(t("budget.yoy.heatmap_note"))
    chart(change_heatmap(by_category, measure, names), "budget_yoy_chart", title)
    total = by_category["category_total"][0]
    if total > YOY_CATEGORIES:
        st.caption(t("budget.yoy.categories_top", shown=YOY_CATEGORIES, total=total))

    st.subheader(t("budget.yoy.by_category"))
    table = percent_points(by_category.with_columns(move_marks(by_category, ("planned", "actual")),
                                                    pl.col(label_column).alias("category_name")))
    # The mark beside the years, where it shows at 1366 px; only these columns go to the browser.
    columns = ["category_name", "category_code", "fiscal_year", "prev_year", "mark", "planned", "planned_change",
               "planned_change_share", "actual", "actual_change", "actual_change_share"]
    table = (table.filter(pl.col("moved")) if only_moved else table).select(columns)
    st.dataframe(table, hide_index=True, placeholder="—", key="budget_yoy_categories", column_config={
        # The name pinned: the columns run past 1366 px, and a scrolled row still says whose it is.
        "category_name": st.column_config.TextColumn(t("col.category"), pinned=True),
        "category_code": st.column_config.TextColumn(t("budget.yoy.code"), width="small"),
        "fiscal_year": st.column_config.NumberColumn(t("col.fiscal_year"), format="%d"),
        "prev_year": st.column_config.NumberColumn(t("budget.yoy.prev_year"), format="%d"),
        "planned": money_column("col.planned"), "planned_change": money_column("budget.yoy.planned_change", "budget.yoy.change_help"),
        "planned_change_share": share_column("budget.yoy.planned_change_share"),
        "actual": money_column("col.actual"), "actual_change": money_column("budget.yoy.actual_change", "budget.yoy.change_help"),
        "actual_change_share": share_column("budget.yoy.actual_change_share"), "mark": moved_label})

    st.subheader(t("budget.yoy.by_unit"))
    by_unit = data.run("budget_years_by_unit", limit=YOY_UNITS, **params)
    if not by_unit.height:
        st.caption(t("budget.yoy.units_none"))
        return
    st.caption(t("budget.yoy.units_shown", total=f"{by_unit['unit_total'][0]:,}",
                 moved=f"{by_unit['moved_units'][0]:,}", shown=by_unit["unit_rank"].max()))
    links = [unit_url(unit, filters) for unit in by_unit["implementing_unit"].to_list()]
    table = percent_points(by_unit.with_columns(move_marks(by_unit, ("budget", "spent")),
                                                pl.Series("unit_link", links, dtype=pl.Utf8)))
    columns = ["unit_link", "fiscal_year", "prev_year", "mark", "reports", "budget", "budget_change",
               "budget_change_share", "spent", "spent_change", "spent_change_share", "execution_rate"]
    table = (table.filter(pl.col("moved")) if only_moved else table).select(columns)
    st.dataframe(table, hide_index=True, placeholder="—", key="budget_yoy_units", column_config={
        "unit_link": st.column_config.LinkColumn(t("col.implementing_unit"), display_text=UNIT_NAME_IN_URL,
                                                 pinned=True),
        "fiscal_year": st.column_config.NumberColumn(t("col.fiscal_year"), format="%d"),
        "prev_year": st.column_config.NumberColumn(t("budget.yoy.prev_year"), format="%d"),
        "reports": t("col.reports"), "budget": money_column("col.budget"),
        "budget_change": money_column("budget.yoy.budget_change", "budget.yoy.change_help"),
        "budget_change_share": share_column("budget.yoy.budget_change_share"),
        "spent": money_column("col.spent"), "spent_change": money_column("budget.yoy.spent_change", "budget.yoy.change_help"),
        "spent_change_share": share_column("budget.yoy.spent_change_share"),
        "execution_rate": st.column_config.NumberColumn(t("col.execution_rate"), format="%.2f"), "mark": moved_label})


# Money spent without a plan beside the deviations from plan, on the charts of both tabs.
with_unplanned = st.toggle(t("budget.with_unplanned"), key=WITH_UNPLANNED_KEY, help=t("budget.with_unplanned_help"))
# Tabs, only the open one drawn: five charts at once kept the browser busy for seconds.
section, tab = open_tab(("categories", "years_areas", "year_over_year"), "budget.tab", TAB_KEY)
with tab:
    {"categories": by_category, "years_areas": by_year_and_area, "year_over_year": year_over_year}[section]()

# A bar clicked on any category chart chose the category (choose_category); the selectbox is
# the way without a mouse, the chip the way back.
if st.session_state.get(CATEGORY_KEY) not in labels:
    st.session_state[CATEGORY_KEY] = None
with st.container(key=DRILL_KEY):
    st.subheader(t("budget.drill"))
    chooser, chip = st.columns([2, 3], vertical_alignment="bottom")
    category = chooser.selectbox(t("budget.choose"), list(labels), index=None, key=CATEGORY_KEY,
                                 format_func=lambda key: labels.get(key, key),
                                 placeholder=t("budget.choose_placeholder"))
    if category is not None:
        chip.button(t("budget.category_chip", name=plain(labels[category])), key="budget_category_chip",
                    on_click=clear_category, help=t("budget.category_chip_help"), icon=":material/close:")
        lines = data.run("budget_category_lines", category=category, limit=DRILL_LIMIT, **params)
        if lines.height:
            st.caption(t("budget.drill_count", total=f"{lines['line_total'][0]:,}", shown=lines.height))
            origins = {"table": t("budget.origin_table"), "text": t("budget.origin_text")}
            lines = lines.with_columns(pl.col("origin").replace_strict(origins, default=pl.col("origin")))
            report_links(lines, filters, key="budget_lines_table", columns={
                "file_name": t("col.file_name"),
                "fiscal_year": st.column_config.NumberColumn(t("col.fiscal_year"), format="%d"),
                "category_raw": t("budget.label_raw"), "origin": t("budget.origin"),
                "has_plan": st.column_config.CheckboxColumn(t("budget.has_plan")),
                "planned": st.column_config.NumberColumn(t("col.planned"), format="%.2f"),
                "actual": st.column_config.NumberColumn(t("col.actual"), format="%.2f"),
                "difference": st.column_config.NumberColumn(t("budget.difference"), format="%.2f"),
                "implementing_unit": t("col.implementing_unit")})
        else:
            st.caption(t("common.no_rows"))
if st.session_state.pop(SCROLL_PENDING, False) and category is not None:
    components.html(SCROLL_SCRIPT.format(click=st.session_state[CLICKS], key=DRILL_KEY), height=0)

st.subheader(t("budget.unmapped"))
unmapped = data.run("unmapped_categories", limit=50, **params)
if unmapped.height:
    st.caption(t("budget.unmapped_help"))
    st.dataframe(unmapped, hide_index=True, placeholder="—", column_config={
        "category_raw": t("budget.label_raw"), "lines": t("budget.lines"), "reports": t("col.reports"),
        "planned": st.column_config.NumberColumn(t("col.planned"), format="%.2f"),
        "actual": st.column_config.NumberColumn(t("col.actual"), format="%.2f"),
        "example_file": t("budget.example_file")})
else:
    st.caption(t("budget.unmapped_none"))
