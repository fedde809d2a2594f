"""总览 Overview: headline figures, the trend by year, what needs attention, ingest health."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from app_pages import data, samples
from app_pages.filters import link_params, request
from app_pages.i18n import t
from app_pages.widgets import clickable, money, money_short, percent, reasons, report_links

filters = st.session_state["filters"]
st.header(t("overview.title"))

if samples.store_is_empty():
    st.info(t("overview.empty", path=data.store_path()))
    samples.offer_button()
    st.stop()

params = filters.params()
totals = data.run("overview_totals", **params).row(0, named=True)
cols = st.columns(6)
cols[0].metric(t("overview.reports"), f"{totals['reports']:,}", help=t("overview.partial", n=totals["partial_reports"]))
# Whole 万元 fit a tile at 1366 px; the exact figure is the tile's help.
for column, name, label in ((cols[1], "budget", "overview.budget"), (cols[2], "funds_arrived", "overview.arrived"),
                            (cols[3], "spent", "overview.spent")):
    column.metric(t(label), money_short(totals[name]), help=t("overview.exact", value=money(totals[name])))
cols[4].metric(t("overview.execution"), percent(totals["execution_rate"]))
cols[5].metric(t("overview.anomalies"), f"{totals['open_anomalies']:,}",
               help=t("overview.anomalies_help", definition=t("common.open_definition"), total=totals["anomalies"], high=totals["high_anomalies"],
                      reports=totals["reports_with_anomalies"]))
st.caption(f"{t('overview.score')}：{totals['self_score_avg'] or 0:.1f} · "
           f"{t('overview.full_scores', n=totals['full_score_reports'])}")

st.subheader(t("overview.trend"))
trend = data.run("trend_by_year", **params)
if trend.height:
    years = [str(y) for y in trend["fiscal_year"].to_list()]
    figure = go.Figure()
    for column, label in (("budget", "overview.budget"), ("funds_arrived", "overview.arrived"),
                          ("spent", "overview.spent")):
        figure.add_bar(x=years, y=trend[column].to_list(), name=t(label), customdata=years)
    figure.add_scatter(x=years, y=trend["self_score_avg"].to_list(), name=t("overview.trend_score"),
                       yaxis="y2", mode="lines+markers", customdata=years)
    figure.update_layout(barmode="group", yaxis_title=t("overview.trend_money"), height=360,
                         yaxis2={"title": t("overview.trend_score"), "overlaying": "y", "side": "right",
                                 "range": [0, 100]},
                         legend={"orientation": "h"}, margin={"t": 10}, xaxis={"type": "category"},
                         clickmode="event+select")
    st.caption(t("overview.trend_click"))
    year = clickable(figure, "trend", t("overview.trend"))
    if year is not None and year.isdigit():
        request("years", [int(year)])      # the year chip above the page undoes it
else:
    st.caption(t("common.no_rows"))

# The reports needing attention take the page's width: at 1366 px a column cut off the counts.
st.subheader(t("overview.attention"))
attention = data.run("attention_reports", limit=20, **params)
if attention.height:
    # Risk counts first, then what the report is: all of it on screen at 1366 px.
    report_links(attention, filters, columns={
        "high": st.column_config.NumberColumn(t("overview.high"), width=50),
        "medium": st.column_config.NumberColumn(t("overview.medium"), width=50),
        "project_name": st.column_config.TextColumn(t("col.project_name"), width="medium"),
        "implementing_unit": st.column_config.TextColumn(t("col.implementing_unit"), width="medium"),
        "fiscal_year": st.column_config.NumberColumn(t("col.fiscal_year"), format="%d", width=50),
        "self_score": st.column_config.NumberColumn(t("col.self_score"), format="%.1f", width=60),
        "file_name": st.column_config.TextColumn(t("col.file_name"), width="small")})
else:
    st.caption(t("overview.attention_none"))
st.subheader(t("overview.health"))
health = dict(data.run("ingest_health").iter_rows())
st.write(t("overview.health_line", ok=health.get("ok", 0), partial=health.get("partial", 0),
           failed=health.get("failed", 0), skipped=health.get("skipped", 0)))
failures = reasons(data.run("recent_failures", limit=10))
if failures.height:
    st.caption(t("overview.failures"))
    st.dataframe(failures.select("file_name", "error"), hide_index=True, placeholder="—",
                 column_config={"file_name": t("col.file_name"), "error": t("overview.error")})
st.page_link("app_pages/ingest.py", label=t("nav.ingest"), icon=":material/upload_file:", query_params=link_params(filters))
