"""报告详情 Report (/report?id=REPORT_ID): one report's fields with their provenance, funding,
budget lines, indicators, anomalies with evidence and review status, the text as read, and
the original file. Without an id (or with an unknown one) it offers a search."""
from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import data
from app_pages.anomalies_parts import anomaly_columns, evidence_panel, labelled, plain
from app_pages.filters import link_params
from app_pages.i18n import t
from app_pages.widgets import report_links
from ingest.store import archive_dir

SEARCH_LIMIT = 50
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "txt": "text/plain"}

filters = st.session_state["filters"]
st.header(t("report.title"))


def _open(report_id: str) -> None:
    st.query_params["id"] = report_id


def _on_pick() -> None:
    picked = st.session_state.get("report_pick")
    if picked:
        _open(picked)


def search() -> None:
    """Find a report among the filtered ones; choosing one puts its id in the URL."""
    st.caption(t("report.search_intro"))
    text = st.text_input(t("report.search"), key="report_search", max_chars=100)
    found = data.run("report_search", **filters.params(), search=(text or "").strip(), limit=SEARCH_LIMIT)
    if not found.height:
        st.info(t("report.no_match"))
        return
    st.caption(t("report.matches", n=f"{found['matches'][0]:,}", shown=found.height))
    labels = {row["report_id"]: " · ".join(str(v) for v in (
        row["file_name"], row["project_name"], row["implementing_unit"], row["fiscal_year"]) if v is not None)
        for row in found.iter_rows(named=True)}
    picked = st.session_state.get("report_pick")
    if picked not in labels or picked != st.query_params.get("id"):
        st.session_state["report_pick"] = None      # nothing chosen among these matches yet
    st.selectbox(t("report.pick"), list(labels), key="report_pick", format_func=labels.get,
                 placeholder=t("report.pick_placeholder"), on_change=_on_pick)
    report_links(found, filters, columns={
        "file_name": t("col.file_name"), "project_name": t("col.project_name"),
        "implementing_unit": t("col.implementing_unit"), "fiscal_year": t("col.fiscal_year"),
        "self_score": t("col.self_score")})


def status_panel(head: dict) -> None:
    """What the parser could and could not find, for the auditor to weigh the figures."""
    status = head["parse_status"]
    message = t(f"report.status.{status}")
    if status == "ok":
        st.success(message)
    elif status == "partial":
        st.warning(message)
    else:
        st.error(message)
    missing = head["missing_fields"] or []
    if missing:
        st.text(t("report.missing", fields="、".join(t(f"report.field.{name}") for name in missing)))
    else:
        st.text(t("report.missing_none"))
    notes = head["notes"] or []
    if notes:
        st.caption(t("report.notes"))
        st.text("\n".join(f"• {note}" for note in notes))


def download(head: dict) -> None:
    """The original as it was submitted, from the archive beside the store."""
    if not head["archive_path"]:
        st.info(t("report.archive_none"))
        return
    path = archive_dir(data.store_path()) / head["archive_path"]
    if not path.is_file():
        st.warning(t("report.archive_missing", path=str(path)))
        return
    st.download_button(t("report.download", name=head["file_name"]), data=path.read_bytes(),
                       file_name=head["file_name"], mime=MIME.get(head["file_format"], "application/octet-stream"),
                       key="report_download", on_click="ignore", icon=":material/download:")


def provenance_config() -> dict:
    return {"field_label": t("report.field"), "value": t("report.value"), "method_label": t("report.method"),
            "snippet": t("report.snippet"), "block": t("report.block"), "row_no": t("report.row"),
            "col_no": t("report.col"), "char_start": t("report.char_start"), "char_end": t("report.char_end"),
            "note": t("report.note")}


def fields_tab(report_id: str) -> None:
    fields = data.run("report_fields", report_id=report_id)
    names = fields["field"].to_list()
    methods = [m for m in fields["method"].unique().to_list() if m]
    shown = fields.with_columns(
        pl.col("field").replace({name: t(f"report.field.{name}") for name in names}).alias("field_label"),
        pl.col("method").replace({m: t(f"report.method.{m}") for m in methods}).alias("method_label"))
    st.subheader(t("report.extracted"))
    extracted = shown.filter(pl.col("extracted"))
    st.dataframe(extracted, hide_index=True, placeholder="—", column_config=provenance_config(), height=35 * (extracted.height + 1) + 3,
                 column_order=["field_label", "value", "method_label", "snippet", "note", "block", "row_no", "col_no",
                               "char_start", "char_end"], key="report_fields")
    st.subheader(t("report.file_info"))
    st.dataframe(shown.filter(~pl.col("extracted")), hide_index=True, placeholder="—", column_config=provenance_config(),
                 column_order=["field_label", "value"], key="report_file_info")


def lines_tab(report_id: str) -> None:
    st.subheader(t("report.funding"))
    funding = data.run("report_funding", report_id=report_id)
    if funding.height:
        st.dataframe(funding, hide_index=True, placeholder="—", key="report_funding", column_config={
            "source": t("report.source"), "planned": t("report.planned"), "arrived": t("report.arrived"),
            **provenance_config(), "method": t("report.method")})
    else:
        st.caption(t("report.funding_none"))
    st.subheader(t("report.lines"))
    lines = data.run("report_lines", report_id=report_id)
    if lines.height:
        st.dataframe(lines, hide_index=True, placeholder="—", key="report_lines", column_config={
            "line_no": t("report.line_no"), "category": t("col.category"), "category_code": t("report.category_code"),
            "category_raw": t("report.category_raw"), "planned": t("col.planned"), "actual": t("col.actual"),
            "difference": t("report.difference"), "origin": t("report.origin"), **provenance_config(),
            "method": t("report.method")})
    else:
        st.caption(t("report.lines_none"))


def indicators_tab(report_id: str) -> None:
    indicators = data.run("report_indicators", report_id=report_id)
    if indicators.height:
        st.dataframe(indicators, hide_index=True, placeholder="—", key="report_indicators", column_config={
            "line_no": t("report.line_no"), "level1": t("report.level1"), "level2": t("report.level2"),
            "name": t("report.indicator"), "target_raw": t("report.target"), "actual_raw": t("report.actual"),
            "weight": t("report.weight"), "score": t("report.score"), "note": t("report.deviation"),
            **provenance_config()})
    else:
        st.caption(t("report.indicators_none"))


def anomalies_tab(report_id: str, file_name: str) -> None:
    anomalies = labelled(data.run("report_anomalies", report_id=report_id))
    if not anomalies.height:
        st.caption(t("report.anomalies_none"))
        return
    columns = anomaly_columns()
    st.dataframe(anomalies, hide_index=True, placeholder="—", column_order=list(columns), column_config=columns,
                 key="report_anomalies")
    for row in anomalies.iter_rows(named=True):
        evidence_panel({**row, "report_id": report_id, "file_name": file_name}, expanded=False, show_file=False)
    st.page_link("app_pages/anomalies.py", label=t("report.review_on_page"), icon=":material/fact_check:",
                 query_params=link_params(filters))


def text_tab(report_id: str) -> None:
    text = data.run("report_text", report_id=report_id)
    if not text.height or text["text"][0] is None:
        st.caption(t("report.text_none"))
        return
    row = text.row(0, named=True)
    st.caption(t("report.text_caption", n=f"{row['characters']:,}", encoding=row["encoding"] or "—"))
    # Plain text in a code block: whatever the report contains (HTML, markdown) is shown, never rendered.
    st.code(row["text"], language=None, wrap_lines=True, height=600)


report_id = (st.query_params.get("id") or "").strip()
found = data.run("report_summary", report_id=report_id) if report_id else None
head = found.row(0, named=True) if found is not None and found.height else None
if head is None:
    if report_id:
        st.warning(t("report.unknown", id=report_id))
    search()
else:
    st.subheader(plain(head["project_name"] or head["file_name"]))
    st.text(t("report.file_line", file=head["file_name"], id=head["report_id"], format=head["file_format"] or "—",
              version=head["parser_version"] or "—", at=f"{head['ingested_at']:%Y-%m-%d %H:%M}"
              if head["ingested_at"] else "—"))
    status_panel(head)
    download(head)
    tabs = st.tabs([t("report.tab_fields"), t("report.tab_lines"), t("report.tab_indicators", n=head["indicators"]),
                    t("report.tab_anomalies", n=head["anomalies"]), t("report.tab_text")])
    with tabs[0]:
        fields_tab(report_id)
    with tabs[1]:
        lines_tab(report_id)
    with tabs[2]:
        indicators_tab(report_id)
    with tabs[3]:
        anomalies_tab(report_id, head["file_name"])
    with tabs[4]:
        text_tab(report_id)
    with st.expander(t("report.search_other")):
        search()
