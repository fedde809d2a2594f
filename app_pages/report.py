"""报告详情 Report (/report?id=REPORT_ID): one report's fields with their provenance, funding,
budget lines, indicators, anomalies with evidence and review status, the text as read, and
the original file. Without an id (or with an unknown one) it offers a search."""
from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import data
from app_pages.anomalies_parts import anomaly_columns, evidence_panel, labelled, plain
from app_pages.filters import link_params
from app_pages.i18n import TEXTS, t
from app_pages.widgets import report_links
from ingest.store import archive_dir

SEARCH_LIMIT = 50
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "txt": "text/plain", "doc": "application/msword", "wps": "application/msword", "rtf": "application/rtf",
        "pdf": "application/pdf", "scan": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls": "application/vnd.ms-excel", "et": "application/vnd.ms-excel"}

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
            "note": t("report.note"), "page": t("report.page"), "box": t("report.box"),
            "confidence": st.column_config.NumberColumn(t("report.confidence"), format="%.2f")}


def placed(frame: pl.DataFrame, columns: list[str]) -> list[str]:
    """`columns` and, for a PDF or a scan, the page and the OCR confidence after the snippet
    and the box on the page at the end (columns no value has are left out: a .docx has no
    pages)."""
    def has(column: str) -> bool:
        return column in frame.columns and frame[column].is_not_null().any()

    at = columns.index("snippet") + 1
    shown = columns[:at] + [c for c in ("page", "confidence") if has(c)] + columns[at:]
    return shown + (["box"] if has("box") else [])


def field_label(name: str) -> str:
    """A field in the page language: a report column, a whole table ('indicators') or one of
    its rows ('budget_lines.3'); a name the dictionary does not know stays as stored."""
    if f"report.field.{name}" in TEXTS:
        return t(f"report.field.{name}")
    table, _, row_no = name.partition(".")
    if row_no and f"report.field.{table}" in TEXTS:
        return t("report.field_row", table=t(f"report.field.{table}"), n=row_no)
    return name


# The only fields whose 'computed' means a rate worked out from the figures; elsewhere it is a sum.
COMPUTED_RATES = ("arrival_rate", "execution_rate")


def method_label(method: str | None, witness: bool = False) -> str | None:
    """The method in the page language. A witness's 'computed' is a sum of lines or sub-rows
    (its snippet says which), not the ÷ budget of the computed rates."""
    for key in ([f"report.witness_method.{method}"] if witness else []) + [f"report.method.{method}"]:
        if key in TEXTS:
            return t(key)
    return method


def number(value: float | None) -> str:
    """48.6 -> "48.6", 1234.5 -> "1,234.5": a witness's figure as a sentence states it."""
    return "—" if value is None else f"{value:,.4f}".rstrip("0").rstrip(".")


def agreement(row: dict) -> str | None:
    """✓/✗ for a witness; for the stored value (row 0), whether all its witnesses agree."""
    if row["agrees"] is None:
        return None
    if row["witness_no"]:
        return t("report.agree.yes") if row["agrees"] else t("report.agree.no")
    return t("report.agree.all", n=row["witnesses"]) if row["agrees"] else t("report.agree.some_not")


def witness_check(row: dict) -> str | None:
    """The fields table's summary of a field's witnesses and doubt."""
    marks = [agreement({**row, "witness_no": 0})] if row["witnesses"] else []
    if row["doubt"]:
        marks.append(t("report.agree.doubt"))
    return " · ".join(mark for mark in marks if mark) or None


def needs_reading(witnesses: pl.DataFrame) -> list[str]:
    """One line per field whose witnesses disagree or that carries a doubt: the parser's
    doubt where it gave one, else which witnesses disagree with the stored value."""
    lines = []
    for field, rows in witnesses.group_by("field", maintain_order=True):
        stored = rows.filter(pl.col("witness_no") == 0).row(0, named=True)
        disagreeing = rows.filter((pl.col("witness_no") > 0) & ~pl.col("agrees"))
        if not stored["doubt"] and stored["agrees"] is not False and not disagreeing.height:
            continue
        reason = stored["doubt"] or t("report.reason_separator").join(
            t("report.disagreeing", witness=t("report.witness.other", n=w["witness_no"]),
              method=method_label(w["method"], witness=True) or "—", value=number(w["value"]),
              stored=number(stored["value"]))
            for w in disagreeing.iter_rows(named=True)) or t("report.agree.some_not")
        # Only the parser's doubt makes a figure need reading (and its findings info); a
        # witness that disagrees is shown as such (a broken total, a narrative's other figure).
        key = "report.needs_reading" if stored["doubt"] else "report.disagrees"
        lines.append(t(key, field=plain(field_label(field[0])), reason=plain(reason)))
    return lines


def witnesses_section(witnesses: pl.DataFrame) -> None:
    """Every other place the report states a key figure, beside the stored value, with a ✓/✗
    for each (fields stated once are left to the fields table above)."""
    st.subheader(t("report.witnesses"))
    if not (witnesses["witness_no"] > 0).any():
        st.caption(t("report.witnesses_none"))
    shown = witnesses.filter((pl.col("witnesses") > 0) | pl.col("doubt").is_not_null())
    if not shown.height:
        return
    st.caption(t("report.witnesses_intro"))
    rows = shown.to_dicts()
    shown = shown.with_columns(
        pl.Series("field_label", [field_label(row["field"]) for row in rows], dtype=pl.Utf8),
        pl.Series("witness_label", [t("report.witness.other", n=row["witness_no"]) if row["witness_no"]
                                    else t("report.witness.stored") for row in rows], dtype=pl.Utf8),
        pl.Series("agreement", [agreement(row) for row in rows], dtype=pl.Utf8),
        pl.Series("method_label", [method_label(row["method"], witness=True) for row in rows], dtype=pl.Utf8))
    # A dataframe shows the report's snippets as text: nothing in them is rendered.
    st.dataframe(shown, hide_index=True, placeholder="—", key="report_witnesses",
                 column_config={**provenance_config(), "witness_label": t("report.witness"),
                                "agreement": t("report.agreement"), "doubt": t("report.doubt")},
                 column_order=placed(shown, ["field_label", "witness_label", "value", "agreement", "method_label",
                                             "snippet", "note", "doubt", "block", "row_no", "col_no", "char_start",
                                             "char_end"]))


def fields_tab(report_id: str) -> None:
    fields = data.run("report_fields", report_id=report_id)
    witnesses = data.run("report_witnesses", report_id=report_id)
    flagged = needs_reading(witnesses)
    if flagged:
        # On top of the tab: a figure its own report contradicts is read before it is used.
        st.warning("  \n".join([t("report.needs_reading_intro"), *flagged]))
    names = fields["field"].to_list()
    shown = fields.with_columns(
        pl.col("field").replace({name: t(f"report.field.{name}") for name in names}).alias("field_label"),
        pl.Series("method_label", [method_label(row["method"], witness=row["field"] not in COMPUTED_RATES)
                                   for row in fields.to_dicts()], dtype=pl.Utf8),
        pl.Series("witness_check", [witness_check(row) for row in fields.to_dicts()], dtype=pl.Utf8))
    st.subheader(t("report.extracted"))
    extracted = shown.filter(pl.col("extracted"))
    st.dataframe(extracted, hide_index=True, placeholder="—", column_config={
                     **provenance_config(), "witness_check": t("report.witness_check")},
                 height=35 * (extracted.height + 1) + 3,
                 column_order=placed(extracted, ["field_label", "value", "method_label", "witness_check", "snippet",
                                                 "note", "block", "row_no", "col_no", "char_start", "char_end"]),
                 key="report_fields")
    witnesses_section(witnesses)
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
