"""报告详情 Report (/report?id=REPORT_ID): one report. First a summary card (budget, funds
arrived, spent, the rates, self-score, grade, parse status, anomalies by severity), then its
anomalies, open, each with its evidence; then the text as read beside the extracted values,
each value's source marked in the text; the provenance in detail, funding, budget lines,
indicators and the plain text in tabs; the original file. Without an id (or with an unknown
one) it offers a search."""
from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import data
from app_pages.anomalies_parts import SEVERITIES, evidence_panel, field_label, method_label, number
from app_pages.filters import TEXT_LIMIT, link_params
from app_pages.i18n import t
from app_pages.markdown import plain
from app_pages.text_marks import KEY_SOURCES, PICKED_COLOUR, WITNESS_COLOUR, locate, marked_markdown, swatch
from app_pages.widgets import report_labels, report_links, rule_set_line
from ingest.store import archive_dir

SEARCH_LIMIT = 50
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "txt": "text/plain", "doc": "application/msword", "wps": "application/msword", "rtf": "application/rtf",
        "pdf": "application/pdf", "scan": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls": "application/vnd.ms-excel", "et": "application/vnd.ms-excel"}
ALL_FIELDS = "*"                # the picker's "all key values"
SEVERITY_BADGES = {"high": "red", "medium": "orange", "low": "blue", "info": "gray"}
PANE_HEIGHT = 640               # the text and the values side by side, each scrolling in its pane
# The only fields whose 'computed' means a rate worked out from the figures; elsewhere it is a sum.
COMPUTED_RATES = ("arrival_rate", "execution_rate")

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
    text = st.text_input(t("report.search"), key="report_search", max_chars=TEXT_LIMIT,
                         help=t("filters.text_help", n=TEXT_LIMIT))
    found = data.run("report_search", **filters.params(), search=(text or "").strip(), limit=SEARCH_LIMIT)
    if not found.height:
        st.info(t("report.no_match"))
        return
    st.caption(t("report.matches", n=f"{found['matches'][0]:,}", shown=found.height))
    labels = report_labels(found)
    picked = st.session_state.get("report_pick")
    if picked not in labels or picked != st.query_params.get("id"):
        st.session_state["report_pick"] = None      # nothing chosen among these matches yet
    st.selectbox(t("report.pick"), list(labels), key="report_pick", format_func=labels.get,
                 placeholder=t("report.pick_placeholder"), on_change=_on_pick)
    report_links(found, filters, columns={
        "file_name": t("col.file_name"), "project_name": t("col.project_name"),
        "implementing_unit": t("col.implementing_unit"), "fiscal_year": t("col.fiscal_year"),
        "self_score": t("col.self_score")})


def rate(value: float | None) -> str:
    """96.0 -> "96%", 95.1905 -> "95.19%"."""
    return "—" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".") + "%"


def summary_card(head: dict) -> None:
    """The figures an auditor looks at first, the parse status and the anomalies by severity."""
    with st.container(border=True, key="report_card"):
        figures = st.columns(5)
        figures[0].metric(t("report.card.budget"), number(head["budget"]),
                          help=t("report.card.budget_help", field=field_label(head["budget_field"])))
        figures[1].metric(t("report.card.arrived"), number(head["funds_arrived"]))
        figures[2].metric(t("report.card.spent"), number(head["spent"]))
        for column, label, computed, stated in (
                (figures[3], "report.card.arrival_rate", head["arrival_rate"], head["arrival_rate_stated"]),
                (figures[4], "report.card.execution_rate", head["execution_rate"], head["execution_rate_stated"])):
            shown = t("report.card.stated", rate=rate(stated)) if computed is None and stated is not None \
                else rate(computed)
            column.metric(t(label), shown, help=t("report.card.rate_help"))
        verdicts = st.columns(5)
        verdicts[0].metric(t("report.card.score"), number(head["self_score"]))
        verdicts[1].metric(t("report.card.grade"), head["grade"] or "—",
                           help=t("report.card.grade_help", raw=head["grade_raw"] or "—"))
        verdicts[2].metric(t("report.card.status"), t(f"report.status_short.{head['parse_status']}"))
        verdicts[3].metric(t("report.card.anomalies"), f"{head['anomalies']:,}",
                           help=t("report.card.open", n=head["open_anomalies"]))
        with verdicts[4]:
            st.caption(t("report.card.by_severity"))
            st.markdown(" ".join(f":{SEVERITY_BADGES[s]}-badge[{t('severity.' + s)} {head['anomalies_' + s]}]"
                                 for s in SEVERITIES))
        stated = [t(key, rate=rate(head[column])) for key, column in (
            ("report.card.stated_arrival", "arrival_rate_stated"),
            ("report.card.stated_execution", "execution_rate_stated")) if head[column] is not None]
        if stated:
            st.caption(t("report.card.stated_line", rates=t("report.reason_separator").join(stated)))
        st.caption(plain(rule_set_line(data.run("report_rule_set", report_id=head["report_id"]))))
        status_lines(head)


def status_lines(head: dict) -> None:
    """What the parser could not find, for the auditor to weigh the figures."""
    status = head["parse_status"]
    if status == "partial":
        st.warning(t("report.status.partial"))
    elif status != "ok":
        st.error(t(f"report.status.{status}"))
    missing = head["missing_fields"] or []
    if missing:
        st.text(t("report.missing", fields=t("common.list_separator").join(field_label(name) for name in missing)))
    notes = head["notes"] or []
    if notes:
        # The parser writes its notes in Chinese, the language of the reports they quote.
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


def anomalies_section(report_id: str, head: dict) -> None:
    """Every anomaly of the report, open: message, evidence, review history."""
    st.subheader(t("report.anomalies_heading", n=head["anomalies"]))
    anomalies = data.run("report_anomalies", report_id=report_id)
    if not anomalies.height:
        st.caption(t("report.anomalies_none"))
        return
    for row in anomalies.iter_rows(named=True):
        evidence_panel({**row, "report_id": report_id, "file_name": head["file_name"]}, expanded=True,
                       show_file=False)
    st.page_link("app_pages/anomalies.py", label=t("report.review_on_page"), icon=":material/fact_check:",
                 query_params=link_params(filters))


# -- the text beside the values -----------------------------------------------------------------
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


def labelled_fields(fields: pl.DataFrame) -> pl.DataFrame:
    """report_fields with the field, its method and its witnesses' verdict in words."""
    rows = fields.to_dicts()
    return fields.with_columns(
        pl.Series("field_label", [field_label(row["field"]) for row in rows], dtype=pl.Utf8),
        pl.Series("method_label", [method_label(row["method"], witness=row["field"] not in COMPUTED_RATES)
                                   for row in rows], dtype=pl.Utf8),
        pl.Series("witness_check", [witness_check(row) for row in rows], dtype=pl.Utf8))


def _on_value_pick() -> None:
    """A row clicked in the values table marks that value's source in the text."""
    event = st.session_state.get("report_values")
    rows = list(event.selection.rows) if event and event.selection else []
    shown = st.session_state.get("_report_value_fields", [])
    if rows and 0 <= rows[0] < len(shown):
        st.session_state["report_source_pick"] = shown[rows[0]]


def values_pane(extracted: pl.DataFrame, witnesses: pl.DataFrame) -> None:
    """The extracted values, the value column wide and the provenance after it (in full in
    the provenance tab); the figures the report contradicts first."""
    flagged = needs_reading(witnesses)
    if flagged:
        # On top: a figure its own report contradicts is read before it is used.
        st.warning("  \n".join([t("report.needs_reading_intro"), *flagged]))
    st.session_state["_report_value_fields"] = extracted["field"].to_list()
    st.dataframe(extracted, hide_index=True, placeholder="—", key="report_values", height=PANE_HEIGHT,
                 on_select=_on_value_pick, selection_mode="single-row",
                 column_order=["field_label", "value", "witness_check", "method_label", "snippet"],
                 column_config={
                     "field_label": st.column_config.TextColumn(t("report.field"), width=140),
                     "value": st.column_config.TextColumn(t("report.value"), width=200),
                     "witness_check": st.column_config.TextColumn(t("report.witness_check"), width=110),
                     "method_label": st.column_config.TextColumn(t("report.method"), width=60),
                     "snippet": st.column_config.TextColumn(t("report.snippet"), width=320)})
    st.caption(t("report.values_hint"))


def marks_for(picked: str, sources: list[dict], spans: list) -> list[tuple[tuple[int, int], str]]:
    """What to mark: the picked field's source and its witnesses, or every key value's source
    in the colour of its kind."""
    if picked != ALL_FIELDS:
        return [(span, PICKED_COLOUR if row["witness_no"] == 0 else WITNESS_COLOUR)
                for row, span in zip(sources, spans) if span and row["field"] == picked]
    colours = {field: colour for colour, fields in KEY_SOURCES.values() for field in fields}
    return [(span, colours[row["field"]]) for row, span in zip(sources, spans)
            if span and row["witness_no"] == 0 and row["field"] in colours]


def legend(picked: str) -> str:
    """What each colour marks, in those colours."""
    if picked != ALL_FIELDS:
        return " ".join((swatch(t("report.legend.picked"), PICKED_COLOUR),
                         swatch(t("report.legend.witness"), WITNESS_COLOUR)))
    return " ".join(swatch(t("report.legend." + kind), colour) for kind, (colour, _) in KEY_SOURCES.items())


def document_pane(report_id: str, text: str, encoding: str | None, options: list[str], sources: list[dict],
                  spans: list) -> None:
    """The text as read, escaped, with the sources marked: all key values', or the picked
    field's (chosen here or by ticking its row in the values table) with its line on top."""
    if st.session_state.get("_report_source_for") != report_id \
            or st.session_state.get("report_source_pick") not in options:
        st.session_state["report_source_pick"] = ALL_FIELDS        # another report: start from all
        st.session_state["_report_source_for"] = report_id
    picked = st.selectbox(t("report.pick_source"), options, key="report_source_pick",
                          format_func=lambda f: t("report.all_sources") if f == ALL_FIELDS else field_label(f))
    marks = marks_for(picked, sources, spans)
    st.markdown(legend(picked))
    if picked != ALL_FIELDS:
        if marks:
            # The stored value's line on top (else the first witness's): no need to scroll the pane to find it.
            start = min((span[0] for span, colour in marks if colour == PICKED_COLOUR),
                        default=min(span[0] for span, _ in marks))
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
            shifted = [((max(a, line_start) - line_start, min(b, line_end) - line_start), colour)
                       for (a, b), colour in marks if a < line_end and b > line_start]
            st.caption(t("report.found_at", line=text.count("\n", 0, start) + 1, n=len(marks)))
            st.markdown(marked_markdown(text[line_start:line_end], shifted))
        else:
            st.caption(t("report.not_found"))
    st.caption(t("report.text_caption", n=f"{len(text):,}", encoding=encoding or "—"))
    with st.container(height=PANE_HEIGHT, border=True, key="report_document"):
        # Escaped markdown: the report's words show as written, the marks as backgrounds; never HTML.
        st.markdown(marked_markdown(text, marks))


def text_and_values(report_id: str, head: dict) -> None:
    """The text as read beside the extracted values, each value's source marked in it."""
    st.subheader(t("report.document"))
    download(head)
    fields = labelled_fields(data.run("report_fields", report_id=report_id))
    witnesses = data.run("report_witnesses", report_id=report_id)
    extracted = fields.filter(pl.col("extracted"))
    found = data.run("report_text", report_id=report_id)
    text = found["text"][0] if found.height else None
    sources = data.run("report_sources", report_id=report_id).to_dicts()
    spans = locate(text or "", sources)
    # Besides the report's fields, its tables' rows (budget_lines.3 …) can be picked.
    rows = dict.fromkeys(row["field"] for row in sources if "." in row["field"])
    options = [ALL_FIELDS, *extracted["field"].to_list(), *rows]
    values_column, text_column = st.columns(2)
    with values_column:
        values_pane(extracted, witnesses)
    with text_column:
        if text is None:
            st.caption(t("report.text_none"))
        else:
            document_pane(report_id, text, found["encoding"][0], options, sources, spans)


# -- details in tabs -------------------------------------------------------------------------------
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
    """The provenance in full: method, snippet, note and where in the file (block, table row
    and column, character span, page and box)."""
    fields = labelled_fields(data.run("report_fields", report_id=report_id))
    witnesses = data.run("report_witnesses", report_id=report_id)
    st.subheader(t("report.extracted"))
    extracted = fields.filter(pl.col("extracted"))
    st.dataframe(extracted, hide_index=True, placeholder="—", column_config={
                     **provenance_config(), "witness_check": t("report.witness_check")},
                 height=35 * (extracted.height + 1) + 3,
                 column_order=placed(extracted, ["field_label", "value", "method_label", "witness_check", "snippet",
                                                 "note", "block", "row_no", "col_no", "char_start", "char_end"]),
                 key="report_fields")
    witnesses_section(witnesses)
    st.subheader(t("report.file_info"))
    st.dataframe(fields.filter(~pl.col("extracted")), hide_index=True, placeholder="—",
                 column_config=provenance_config(), column_order=["field_label", "value"], key="report_file_info")


def lines_tab(report_id: str) -> None:
    technical = ["snippet", "method", "note", "block", "row_no"]
    st.subheader(t("report.funding"))
    funding = data.run("report_funding", report_id=report_id)
    if funding.height:
        st.dataframe(funding, hide_index=True, placeholder="—", key="report_funding", column_config={
            "source": t("report.source"), "planned": t("report.planned"), "arrived": t("report.arrived"),
            **provenance_config(), "method": t("report.method")},
            column_order=["source", "planned", "arrived", *technical])
    else:
        st.caption(t("report.funding_none"))
    st.subheader(t("report.lines"))
    lines = data.run("report_lines", report_id=report_id)
    if lines.height:
        st.dataframe(lines, hide_index=True, placeholder="—", key="report_lines", column_config={
            "line_no": t("report.line_no"), "category": t("col.category"), "category_code": t("report.category_code"),
            "category_raw": t("report.category_raw"), "planned": t("col.planned"), "actual": t("col.actual"),
            "difference": t("report.difference"), "origin": t("report.origin"), **provenance_config(),
            "method": t("report.method")},
            column_order=["line_no", "category", "planned", "actual", "difference", "category_code", "category_raw",
                          "origin", *technical])
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
        deleted = data.run("deleted_reports_current").filter(pl.col("report_id") == report_id)
        if deleted.height:
            gone = deleted.row(0, named=True)
            st.warning(t("report.deleted", name=gone["file_name"], who=gone["user_name"],
                         when=f"{gone['acted_at']:%Y-%m-%d %H:%M}", reason=gone["reason"] or "—"))
        else:
            st.warning(t("report.unknown", id=report_id))
    search()
else:
    st.subheader(plain(head["project_name"] or head["file_name"]))
    st.caption(t("report.file_line", file=plain(head["file_name"]), id=head["report_id"],
                 format=head["file_format"] or "—", version=head["parser_version"] or "—",
                 at=f"{head['ingested_at']:%Y-%m-%d %H:%M}" if head["ingested_at"] else "—"))
    summary_card(head)
    st.page_link("app_pages/rescore.py", label=t("report.rescore"), icon=":material/rate_review:",
                 query_params={"id": report_id})
    if head["implementing_unit"]:
        st.page_link("app_pages/units.py", label=t("units.from_report", unit=plain(head["implementing_unit"])),
                     icon=":material/apartment:", query_params={"unit": head["implementing_unit"]})
    if head["supervising_dept"]:
        st.page_link("app_pages/units.py", label=t("units.from_report_dept", dept=plain(head["supervising_dept"])),
                     icon=":material/account_balance:", query_params={"dept": head["supervising_dept"]})
    for drawn in data.run("report_draws", report_id=report_id).iter_rows(named=True):
        st.caption(t("report.drawn_in", name=drawn["name"], who=drawn["drawn_by"], when=f"{drawn['drawn_at']:%Y-%m-%d}"))
    anomalies_section(report_id, head)
    text_and_values(report_id, head)
    tabs = st.tabs([t("report.tab_fields"), t("report.tab_lines"), t("report.tab_indicators", n=head["indicators"]),
                    t("report.tab_text")])
    with tabs[0]:
        fields_tab(report_id)
    with tabs[1]:
        lines_tab(report_id)
    with tabs[2]:
        indicators_tab(report_id)
    with tabs[3]:
        text_tab(report_id)
    with st.expander(t("report.search_other")):
        search()
