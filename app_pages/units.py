"""单位画像 Units (/units?unit=NAME, /units?dept=NAME): one implementing unit, or one
supervising department, across the years. Its years side by side (budget, execution, scores,
grades, anomalies, reviews), the self-score beside the execution rate by year, its narrative
reuse, its rank among its peers (a unit: same supervising department, same region; a
department: same region, same province; each in the same year) and its reports. The name is
as the reports give it, matched exactly. Without a name (or with one no report gives) it
offers a search among the filtered reports' units."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from app_pages import data
from app_pages.anomalies_parts import rule_label
from app_pages.filters import TEXT_LIMIT
from app_pages.i18n import lang, t
from app_pages.markdown import plain
from app_pages.widgets import chart, report_links, unit_links, unit_url
from ingest.rules import PAIR_RULES

SEARCH_LIMIT = 50
TOP_RULES = 3                   # the rules named per year in the years table; the count covers all
# unit_peers.sql's $peer for each level ($level): a unit among its department's or region's
# units, a department among its region's or province's departments.
PEER_KINDS = {"unit": ("dept", "region"), "dept": ("region", "province")}
PEER_FIELDS = {"dept": "col.supervising_dept", "region": "col.region", "province": "col.province"}

filters = st.session_state["filters"]
st.header(t("units.title"))
# ?dept= opens a department's profile; otherwise ?unit=, a unit's.
level = "dept" if st.query_params.get("dept") else "unit"


def _on_pick() -> None:
    picked = st.session_state.get("units_pick")
    if picked:
        st.query_params.pop("dept", None)           # a unit picked from a department's page
        st.query_params["unit"] = picked


def search() -> None:
    """Find a unit among the filtered reports' units; choosing one puts it in the URL."""
    st.caption(t("units.search_intro"))
    text = st.text_input(t("units.search"), key="units_search", max_chars=TEXT_LIMIT,
                         help=t("filters.text_help", n=TEXT_LIMIT))
    found = data.run("unit_search", **filters.params(), search=(text or "").strip(), limit=SEARCH_LIMIT)
    if not found.height:
        st.info(t("units.no_match"))
        return
    st.caption(t("units.matches", n=f"{found['matches'][0]:,}", shown=found.height))
    units = found["implementing_unit"].to_list()
    if st.session_state.get("units_pick") not in units:
        st.session_state["units_pick"] = None       # nothing chosen among these matches yet
    st.selectbox(t("units.pick"), units, key="units_pick", placeholder=t("units.pick_placeholder"),
                 on_change=_on_pick)
    shown = found.with_columns(
        pl.Series("link", [unit_url(unit, filters) for unit in units], dtype=pl.Utf8),
        pl.Series("years", [years_span(row["first_year"], row["last_year"])
                            for row in found.iter_rows(named=True)], dtype=pl.Utf8))
    st.dataframe(shown, hide_index=True, placeholder="—", key="units_found",
                 column_order=["link", "implementing_unit", "supervising_dept", "reports", "years"],
                 column_config={"link": st.column_config.LinkColumn(t("units.open"), display_text=t("units.open"),
                                                                    width=60),
                                "implementing_unit": t("col.implementing_unit"),
                                "supervising_dept": t("col.supervising_dept"), "reports": t("col.reports"),
                                "years": t("units.years_span")})


def years_span(first: int | None, last: int | None) -> str:
    """2019, 2023 -> "2019–2023"; one year stands alone."""
    if first is None:
        return "—"
    return str(first) if first == last else f"{first}–{last}"


def top_rules(rules: list[dict] | None) -> str | None:
    """[{rule, anomalies}, …] most first -> "FULL_SCORE_PARTIAL_EXECUTION 满分但未足额执行 ×2 …"."""
    if not rules:
        return None
    return t("common.list_separator").join(f"{rule_label(item['rule'])} ×{item['anomalies']}"
                                           for item in rules[:TOP_RULES])


def money_column(key: str):
    return st.column_config.NumberColumn(t(key), format="%.2f")


def years_table(years: pl.DataFrame) -> None:
    st.subheader(t("units.years"))
    shown = years.with_columns(pl.Series("top_rules", [top_rules(rules) for rules in years["top_rules"].to_list()],
                                         dtype=pl.Utf8))
    st.dataframe(shown, hide_index=True, placeholder="—", key="units_years", column_config={
        "fiscal_year": st.column_config.NumberColumn(t("col.fiscal_year"), format="%d"),
        "reports": t("col.reports"), "budget": money_column("col.budget"),
        "funds_arrived": money_column("col.funds_arrived"), "spent": money_column("col.spent"),
        "execution_rate": st.column_config.NumberColumn(t("col.execution_rate"), format="%.2f"),
        "self_score_avg": st.column_config.NumberColumn(t("units.col.self_score_avg"), format="%.2f"),
        "full_score_share": st.column_config.NumberColumn(t("units.col.full_score_share"), format="percent"),
        "rescored_total_avg": st.column_config.NumberColumn(t("units.col.rescored_total_avg"), format="%.2f"),
        "rescored_reports": t("units.col.rescored_reports"), "grades": t("units.col.grades"),
        "anomalies": t("col.anomalies"), "top_rules": t("units.col.top_rules"),
        "confirmed": t("units.col.confirmed"), "open": t("units.col.open")},
        column_order=["fiscal_year", "reports", "budget", "funds_arrived", "spent", "execution_rate",
                      "self_score_avg", "full_score_share", "rescored_total_avg", "rescored_reports", "grades",
                      "anomalies", "top_rules", "confirmed", "open"])


def trend_chart(years: pl.DataFrame) -> None:
    """The self-score beside the execution rate, year by year: a unit scoring itself 100 while
    its execution falls shows as two lines parting."""
    dated = years.filter(pl.col("fiscal_year").is_not_null())
    if not dated.height:
        return
    labels = [str(year) for year in dated["fiscal_year"].to_list()]
    figure = go.Figure()
    figure.add_scatter(x=labels, y=dated["self_score_avg"].to_list(), name=t("units.trend_score"),
                       mode="lines+markers")
    figure.add_scatter(x=labels, y=dated["execution_rate"].to_list(), name=t("units.trend_execution"),
                       mode="lines+markers")
    figure.update_layout(height=300, margin={"t": 10}, legend={"orientation": "h"},
                         xaxis={"type": "category", "title": t("col.fiscal_year")},
                         yaxis={"title": t("units.trend_axis"), "rangemode": "tozero"})
    st.subheader(t("units.trend"))
    chart(figure, "units_trend", t("units.trend"))


def reuse_section(unit: str) -> None:
    st.subheader(t("units.reuse"))
    reuse = data.run("unit_reuse", unit=unit, rules=list(PAIR_RULES), level=level)
    if not reuse.height:
        st.caption(t("units.reuse_none"))
        return
    st.caption(t("units.reuse_intro"))
    message = "message_en" if lang() == "en" else "message"
    shown = reuse.with_columns(
        pl.Series("rule", [rule_label(rule) for rule in reuse["rule"].to_list()], dtype=pl.Utf8),
        pl.Series("status", [t(f"status.{status}") for status in reuse["status"].to_list()], dtype=pl.Utf8),
        pl.coalesce(message, "message").alias("shown_message"))
    report_links(shown, filters, key="units_reuse", columns={
        "fiscal_year": st.column_config.NumberColumn(t("col.fiscal_year"), format="%d"),
        "rule": t("col.rule"), "file_name": t("col.file_name"), "subject": t("units.col.other_file"),
        "shown_message": t("col.message"), "status": t("col.status")})


def rank(value: int | None, peers: int) -> str:
    """2 of 5 peers -> "2/5"; a measure the unit lacks, no rank: "—"."""
    return "—" if value is None else f"{value}/{peers}"


def peers_section(unit: str) -> None:
    st.subheader(t("units.peers"))
    st.caption(t(f"units.peers_intro.{level}"))
    for kind in PEER_KINDS[level]:
        st.markdown(f"**{t('units.peers_' + kind)}**")
        peers = data.run("unit_peers", unit=unit, peer=kind, level=level)
        if not peers.height:
            st.caption(t("units.peers_none", group=t(PEER_FIELDS[kind])))
            continue
        own = peers.filter(pl.col("is_self"))
        st.text("\n".join(t(f"units.rank_line.{level}", year=row["fiscal_year"], group=row["peer_group"],
                            peers=row["peers"],
                            execution=rank(row["execution_rank"], row["peers"]),
                            full=rank(row["full_score_rank"], row["peers"]),
                            anomaly=rank(row["anomaly_rank"], row["peers"]),
                            gap=rank(row["rescore_gap_rank"], row["peers"]))
                          for row in own.iter_rows(named=True)))
        member = "col.supervising_dept" if level == "dept" else "col.implementing_unit"
        linked, member_column = unit_links(peers, filters, t(member), column="member", level=level)
        st.dataframe(linked, hide_index=True, placeholder="—", key=f"units_peers_{kind}", column_config={
            "fiscal_year": st.column_config.NumberColumn(t("col.fiscal_year"), format="%d"),
            "peer_group": t("units.col.peer_group"), "member": member_column,
            "is_self": st.column_config.CheckboxColumn(t(f"units.col.is_self.{level}")), "peers": t("units.col.peers"),
            "reports": t("col.reports"),
            "execution_rate": st.column_config.NumberColumn(t("col.execution_rate"), format="%.2f"),
            "execution_rank": t("units.col.execution_rank"),
            "full_score_share": st.column_config.NumberColumn(t("units.col.full_score_share"), format="percent"),
            "full_score_rank": t("units.col.full_score_rank"),
            "anomaly_rate": st.column_config.NumberColumn(t("units.col.anomaly_rate"), format="%.2f"),
            "anomaly_rank": t("units.col.anomaly_rank"),
            "rescore_gap": st.column_config.NumberColumn(t("units.col.rescore_gap"), format="%.2f"),
            "rescore_gap_rank": t("units.col.rescore_gap_rank")},
            column_order=["fiscal_year", "peer_group", "member", "is_self", "peers", "reports",
                          "execution_rate", "execution_rank", "full_score_share", "full_score_rank", "anomaly_rate",
                          "anomaly_rank", "rescore_gap", "rescore_gap_rank"])


def reports_section(unit: str) -> None:
    reports = data.run("unit_reports", unit=unit, level=level)
    st.subheader(t(f"units.reports.{level}", n=reports.height))
    report_links(reports, filters, key="units_reports", columns={
        "fiscal_year": st.column_config.NumberColumn(t("col.fiscal_year"), format="%d"),
        "file_name": t("col.file_name"), "project_name": t("col.project_name"),
        **({"implementing_unit": t("col.implementing_unit")} if level == "dept" else {}),
        "budget": money_column("col.budget"), "spent": money_column("col.spent"),
        "execution_rate": st.column_config.NumberColumn(t("col.execution_rate"), format="%.2f"),
        "self_score": t("col.self_score"), "grade": t("col.grade"), "anomalies": t("col.anomalies")})


unit = (st.query_params.get(level) or "").strip()
years = data.run("unit_years", unit=unit, level=level) if unit else None
if years is None or not years.height:
    if unit:
        st.warning(t(f"units.unknown.{level}", unit=plain(unit)))
    search()
else:
    st.subheader(t(f"units.heading.{level}", name=plain(unit)))
    st.caption(t(f"units.scope_note.{level}"))
    years_table(years)
    trend_chart(years)
    reuse_section(unit)
    peers_section(unit)
    reports_section(unit)
    with st.expander(t("units.search_other")):
        search()
