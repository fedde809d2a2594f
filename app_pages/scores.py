"""自评得分 Scores: how self-scores are distributed, how they sit against execution and arrival
rates (one point per report), and the corpus-level signals: full-score share by unit (by
supervising department where no unit has enough reports), Benford first digits of line
amounts, score inflation likewise.

The sections are tabs, and only the open one runs and reaches the browser: drawing all of
them (two scatters of 5,000 points among them) kept the browser busy three seconds at
100,000 reports, on every filter change as well as on load."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from app_pages import data
from app_pages.filters import GRADES, request
from app_pages.i18n import t
from app_pages.widgets import chart, clickable, keep, kept, open_tab, percent, report_links, unit_links
from ingest import config

SELECTED_LIMIT = 500    # reports listed for a selection of points
# Points per scatter: each carries its names for the hover, and both scatters go to the
# browser on every run (20,000 points were 4.7 MB a run and seconds of drawing at 100,000
# reports). The query keeps every high-score/low-rate report and a fixed sample of the others.
MAX_POINTS = 5_000
GRADE_COLOURS = {"优": "#1f77b4", "良": "#2ca02c", "中": "#ff7f0e", "差": "#d62728", None: "#7f7f7f"}
LEGEND = {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0}   # above the plot, clear of the axis labels
LEVEL_ORDER = {"alarm": 0, "warn": 1, "ok": 2}
# Who full-score share and score inflation are counted by ($group of their queries), first
# choice first, and the column the page names the group by.
GROUPINGS = {"unit": {"column": "implementing_unit"}, "dept": {"column": "supervising_dept"}}
SECTIONS = ("distribution", "scatter", "groups", "benford", "rescore")     # the page's tabs, in order
TAB_KEY = "scores_tab"
RANK_BARS = 20          # groups the believability chart draws (the table lists them all)

filters = st.session_state["filters"]
signals = config.signal_params(config.load())
params = {**filters.params(), **signals}
st.header(t("scores.title"))

summary = data.run("scores_summary", **params).row(0, named=True)
if not summary["scored_reports"]:
    st.info(t("common.no_rows"))
    st.stop()
cols = st.columns(4)
cols[0].metric(t("scores.reports"), f"{summary['scored_reports']:,}")
cols[1].metric(t("scores.mean"), f"{summary['self_score_avg']:.2f}")
cols[2].metric(t("scores.median"), f"{summary['self_score_median']:.2f}")
cols[3].metric(t("scores.full"), percent(100 * summary["full_score_share"]),
               help=t("scores.full_help", n=summary["full_score_reports"], points=signals["full_points"]))


def grade_label(grade: str | None) -> str:
    return grade if grade else t("scores.grade_none")


def distribution() -> None:
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("scores.histogram"))
        bin_width = keep("scores_bin_width", st.segmented_control(
            t("scores.bin_width"), [1, 2, 5], key="scores_bin_width", default=kept("scores_bin_width", 2)) or 2)
        histogram = data.run("scores_histogram", bin_width=float(bin_width), **params)
        hover = [t("scores.bin_hover", low=f"{low:g}", high=f"{high:g}") if high > low else f"{low:g}"
                 for low, high in zip(histogram["bin_start"].to_list(), histogram["bin_end"].to_list())]
        figure = go.Figure(go.Bar(x=histogram["bin_start"].to_list(), y=histogram["reports"].to_list(),
                                  width=[bin_width * 0.95] * histogram.height, offset=0, customdata=hover,
                                  hovertemplate="%{customdata}: %{y:,}<extra></extra>"))
        figure.update_layout(xaxis_title=t("scores.score_axis"), yaxis_title=t("scores.count_axis"), height=340,
                             margin={"t": 30}, bargap=0)
        chart(figure, "scores_histogram_chart", t("scores.histogram"))
    with right:
        st.subheader(t("scores.grades"))
        grades = data.run("scores_grades", **params)
        names = [grade_label(grade) for grade in grades["grade"].to_list()]
        figure = go.Figure(go.Bar(x=names, y=grades["reports"].to_list(), text=grades["reports"].to_list(),
                                  marker_color=[GRADE_COLOURS.get(grade, "#7f7f7f") for grade in grades["grade"].to_list()],
                                  customdata=grades["grade"].to_list(), hovertemplate="%{x}: %{y:,}<extra></extra>"))
        figure.update_layout(yaxis_title=t("scores.count_axis"), height=340, margin={"t": 30},
                             xaxis={"type": "category"}, clickmode="event+select")
        st.caption(t("scores.grades_click"))
        picked = clickable(figure, "scores_grades_chart", t("scores.grades"))
        if picked in GRADES:
            request("grades", [picked])         # the grade's chip above the page undoes it


def scatter(points: pl.DataFrame, rate: str, axis_key: str, chart_key: str) -> list[str]:
    """One WebGL trace per grade; the ids of the reports selected on it (each trace's report
    ids are kept in point order, so a selection's curve number and point index map back)."""
    shown = points.filter(pl.col(rate).is_not_null())
    figure = go.Figure()
    trace_ids: list[list[str]] = []
    for grade in (*GRADES, None):
        part = shown.filter(pl.col("grade").is_null() if grade is None else pl.col("grade") == grade)
        if part.is_empty():
            continue
        trace_ids.append(part["report_id"].to_list())
        figure.add_trace(go.Scattergl(
            x=part[rate].to_numpy(), y=part["self_score"].to_numpy(), mode="markers", name=grade_label(grade),
            marker={"color": GRADE_COLOURS[grade], "size": 5, "opacity": 0.6},
            customdata=part["hover"].to_numpy(),
            hovertemplate="%{customdata}<br>" + t("scores.hover_score") + " %{y:.2f} · " + t(axis_key)
                          + " %{x:.2f}<extra></extra>"))
    figure.update_layout(xaxis_title=t(axis_key), yaxis_title=t("scores.score_axis"), height=420, margin={"t": 30},
                         legend=LEGEND, dragmode="select")
    if not trace_ids:
        st.caption(t("scores.no_rate"))
        return []
    event = chart(figure, chart_key, f"{t('scores.scatter')}_{t(axis_key)}", on_select="rerun", selection_mode=("box", "lasso", "points"))
    chosen = []
    for point in (event.selection.points if event and event.selection else []):
        curve, index = point.get("curve_number"), point.get("point_index")
        if isinstance(curve, int) and isinstance(index, int) and 0 <= curve < len(trace_ids) \
                and 0 <= index < len(trace_ids[curve]):
            chosen.append(trace_ids[curve][index])
    return chosen


def rates() -> None:
    st.subheader(t("scores.scatter"))
    st.caption(t("scores.scatter_hint"))
    points = data.run("scores_scatter", max_points=MAX_POINTS, **params)
    if points.height and points["reports"][0] > points.height:
        st.caption(t("scores.sampled", shown=points.height, total=points["reports"][0]))
    # Names go into Plotly's hover, which reads a little HTML: escape them so they stay text.
    escaped = points.select(
        pl.col(name).fill_null("—").str.replace_all("&", "&amp;", literal=True).str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True) for name in ("file_name", "project_name", "implementing_unit"))
    points = points.with_columns(
        pl.concat_str([escaped["file_name"], escaped["project_name"], escaped["implementing_unit"]],
                      separator="<br>").alias("hover"))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('scores.vs_execution')}**")
        selected = scatter(points, "execution_rate", "scores.execution_axis", "scores_execution_chart")
    with right:
        st.markdown(f"**{t('scores.vs_arrival')}**")
        selected += scatter(points, "arrival_rate", "scores.arrival_axis", "scores_arrival_chart")
    selected = list(dict.fromkeys(selected))
    if selected:
        chosen = points.filter(pl.col("report_id").is_in(selected[:SELECTED_LIMIT]))
        st.caption(t("scores.selected", n=len(selected)) if len(selected) <= SELECTED_LIMIT
                   else t("scores.selected_cut", n=len(selected), shown=SELECTED_LIMIT))
        report_links(chosen.sort("self_score", "file_name", descending=[True, False]), filters, key="scores_selected_table",
                     columns={"file_name": t("col.file_name"), "project_name": t("col.project_name"),
                              "implementing_unit": t("col.implementing_unit"), "grade": t("col.grade"),
                              "self_score": st.column_config.NumberColumn(t("col.self_score"), format="%.2f"),
                              "execution_rate": st.column_config.NumberColumn(t("col.execution_rate"), format="%.2f"),
                              "arrival_rate": st.column_config.NumberColumn(t("col.arrival_rate"), format="%.2f")})


def grouping_note(sizes: dict, counted_by: str | None) -> bool:
    """Say by what the panel counts when it is not by unit; False when nothing qualifies."""
    if counted_by == "dept":
        st.info(t("scores.by_dept_instead", min=signals["min_reports"]))
    elif counted_by is None:
        st.info(t("scores.no_groups", min=signals["min_reports"], units=sizes["unit"]["groups"],
                  unit_max=sizes["unit"]["largest"], depts=sizes["dept"]["groups"], dept_max=sizes["dept"]["largest"]))
        return False
    return True


def groups() -> None:
    # Full-score share and score inflation judge a group from min_reports reports up. A unit
    # writes one or two a year, so where no unit has that many its supervising department,
    # which gathers many units' reports, is judged instead; the panels say so.
    sizes = {row["counted_by"]: row for row in data.run("scores_group_sizes", **params).iter_rows(named=True)}
    counted_by = next((name for name in GROUPINGS if sizes[name]["qualifying"]), None)
    grouping = GROUPINGS[counted_by or "unit"]
    whom = t(f"scores.whom.{counted_by or 'unit'}")
    group_column = {grouping["column"]: t(f"col.{grouping['column']}")}

    def linked(frame: pl.DataFrame) -> pl.DataFrame:
        """Units' and departments' names as links to their profiles."""
        column = grouping["column"]
        frame, group_column[column] = unit_links(frame, filters, t(f"col.{column}"), column)
        return frame

    st.subheader(t(f"scores.full_share.{counted_by or 'unit'}"))
    st.caption(t("scores.full_share_help", points=signals["full_points"], min=signals["min_reports"], whom=whom,
                 warn=signals["warn"], alarm=signals["alarm"]))
    if grouping_note(sizes, counted_by):
        shares = data.run("full_score_share_by_group", group=counted_by, **params).rename(
            {"group_name": grouping["column"]})
        levels = dict(shares.group_by("level").len().iter_rows())
        st.write(t("scores.full_share_counts", alarm=levels.get("alarm", 0), warn=levels.get("warn", 0), whom=whom))
        shown = shares.with_columns(
            (pl.col("full_score_share") * 100).alias("share_percent"),
            pl.col("level").replace({key: t(f"scores.level.{key}") for key in LEVEL_ORDER}).alias("level_label"))
        # Lazy: a row reaches the browser when it is scrolled to (5,000 units at 100,000 reports).
        st.dataframe(linked(shown), hide_index=True, placeholder="—", key="scores_full_share_table", lazy=True,
                     column_order=[grouping["column"], "reports", "full_score_reports", "share_percent", "level_label"],
                     column_config={
                         **group_column, "reports": t("col.reports"),
                         "full_score_reports": t("scores.full_reports"),
                         "share_percent": st.column_config.ProgressColumn(t("scores.share"), format="%.0f%%",
                                                                          min_value=0, max_value=100),
                         "level_label": t("scores.level")})

    st.subheader(t(f"scores.inflation.{counted_by or 'unit'}"))
    st.caption(t("scores.inflation_help", score=signals["inflation_score"], execution=signals["inflation_execution"]))
    if grouping_note(sizes, counted_by):
        inflation = data.run("score_inflation_by_group", group=counted_by, **params).rename(
            {"group_name": grouping["column"]})
        st.dataframe(linked(inflation), hide_index=True, placeholder="—", key="scores_inflation_table", lazy=True,
                     column_config={
                         **group_column, "reports": t("col.reports"),
                         "self_score_avg": st.column_config.NumberColumn(t("scores.mean"), format="%.2f"),
                         "execution_rate_avg": st.column_config.NumberColumn(t("scores.mean_execution"),
                                                                             format="%.2f"),
                         "score_minus_execution": st.column_config.NumberColumn(t("scores.score_minus_execution"),
                                                                                format="%.2f"),
                         "inflated_reports": t("scores.inflated"),
                         "score_execution_corr": st.column_config.NumberColumn(t("scores.corr"), format="%.2f")})
    believability()


def believability() -> None:
    """Departments or regions ranked by how little their self-scores can be believed, with
    the count behind each figure: the full-score share's 95 % Wilson interval (the ranking is
    by its lower bound, so a small group at 100 % is not over-read), score against execution,
    the re-score gap."""
    st.subheader(t("scores.rank.title"))
    by = keep("scores_rank_by", st.segmented_control(
        t("scores.rank.by"), ["dept", "region"], key="scores_rank_by", default=kept("scores_rank_by", "dept"),
        format_func=lambda code: t(f"scores.rank.{code}")) or "dept")
    ranked = data.run("believability_ranking", group=by, **params)
    if not ranked.height:
        st.caption(t("scores.rank.none", min=signals["min_reports"]))
        return
    st.caption(t("scores.rank.help", min=signals["min_reports"], points=f"{signals['full_points']:g}",
                 unranked=ranked["unranked"][0]))
    top = ranked.head(RANK_BARS).reverse()
    figure = go.Figure(go.Bar(
        x=(top["full_score_share"] * 100).to_list(), y=top["group_name"].to_list(), orientation="h",
        error_x={"type": "data", "symmetric": False,
                 "array": ((top["share_high"] - top["full_score_share"]) * 100).to_list(),
                 "arrayminus": ((top["full_score_share"] - top["share_low"]) * 100).to_list()},
        customdata=top.select("reports", "full_score_reports").rows(),
        hovertemplate=t("scores.rank.hover") + "<extra></extra>"))
    figure.update_layout(xaxis_title=t("scores.rank.axis"), xaxis_range=[0, 100], height=120 + 24 * top.height,
                         title=t("scores.rank.chart", n=top.height, min=signals["min_reports"]))
    chart(figure, "scores_rank_chart", t("scores.rank.title"))
    st.dataframe(ranked.drop("unranked"), hide_index=True, placeholder="—", key="scores_rank_table", column_config={
        "group_name": t(f"scores.rank.{by}"), "reports": t("col.reports"), "full_score_reports": t("scores.full_reports"),
        "full_score_share": st.column_config.NumberColumn(t("scores.share"), format="percent"),
        "share_low": st.column_config.NumberColumn(t("scores.rank.low"), format="percent"),
        "share_high": st.column_config.NumberColumn(t("scores.rank.high"), format="percent"),
        "self_score_avg": st.column_config.NumberColumn(t("scores.mean"), format="%.2f"),
        "execution_rate_avg": st.column_config.NumberColumn(t("scores.mean_execution"), format="%.2f"),
        "score_minus_execution": st.column_config.NumberColumn(t("scores.score_minus_execution"), format="%.2f"),
        "rescored_reports": t("scores.rescore_reports"),
        "rescore_gap_avg": st.column_config.NumberColumn(t("scores.rescore_mean_gap"), format="%+.2f")})


def benford_test() -> None:
    st.subheader(t("scores.benford"))
    benford = data.run("benford_digits", **params)
    digits = benford["digit"].to_list()
    figure = go.Figure()
    figure.add_bar(x=digits, y=benford["observed_share"].fill_null(0).to_list(), name=t("scores.benford_observed"),
                   customdata=benford["amounts"].to_list(),
                   hovertemplate="%{x}: %{y:.1%} (%{customdata:,})<extra></extra>")
    figure.add_scatter(x=digits, y=benford["expected_share"].to_list(), name=t("scores.benford_expected"),
                       mode="lines+markers", line={"color": "#d62728"},
                       hovertemplate="%{x}: %{y:.1%}<extra></extra>")
    figure.update_layout(xaxis={"title": t("scores.benford_digit"), "tickmode": "linear", "dtick": 1},
                         yaxis={"title": t("scores.benford_share"), "tickformat": ".0%"}, height=340,
                         margin={"t": 30}, legend=LEGEND)
    chart(figure, "scores_benford_chart", t("scores.benford"))
    first = benford.row(0, named=True)
    conformity = (t(f"scores.conformity.{first['conformity']}") if first["conformity"]
                  else t("scores.conformity.few", min=signals["min_amounts"]))
    st.caption(t("scores.benford_caption", n=f"{first['amounts_total']:,}", mad=first["mad"] or 0,
                 conformity=conformity))


def rescore_gaps() -> None:
    """Self-scores against the re-scored totals (复核): how far the units' own scores stand
    from the reviewers', report by report."""
    gaps = data.run("rescore_gaps", **params)
    if not gaps.height:
        st.info(t("scores.rescore_none"))
        return
    tiles = st.columns(4)
    tiles[0].metric(t("scores.rescore_reports"), f"{gaps.height:,}")
    tiles[1].metric(t("scores.rescore_mean_gap"), f"{gaps['gap'].mean():+.2f}")
    tiles[2].metric(t("scores.rescore_lowered"), f"{(gaps['gap'] < 0).sum():,}")
    tiles[3].metric(t("scores.rescore_grade_changed"), f"{(gaps['grade'] != gaps['rescore_grade']).sum():,}")
    report_links(gaps, filters, key="scores_rescore_gaps", columns={
        "file_name": t("col.file_name"), "implementing_unit": t("col.implementing_unit"),
        "fiscal_year": t("col.fiscal_year"), "self_score": t("col.self_score"), "grade": t("scores.rescore_self_grade"),
        "rescore_total": t("scores.rescore_total"), "rescore_grade": t("scores.rescore_grade"),
        "gap": st.column_config.NumberColumn(t("scores.rescore_gap"), format="%+.2f"),
        "rows_rescored": t("scores.rescore_rows"), "last_reviewer": t("scores.rescore_reviewer")})


section, tab = open_tab(SECTIONS, "scores.tab", TAB_KEY)
with tab:
    {"distribution": distribution, "scatter": rates, "groups": groups, "benford": benford_test,
     "rescore": rescore_gaps}[section]()
