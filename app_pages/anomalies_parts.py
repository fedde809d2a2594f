"""Display helpers shared by the Anomalies and Report pages: labels for rules, severities,
review statuses and report fields in the current language, markdown-safe text, one
anomaly's evidence as a table of labelled items (for DUPLICATE_REPORT with both texts side by
side) and its review history, and the pairs of DUPLICATE_REPORT that are reviewed together."""
from __future__ import annotations

import json

import polars as pl
import streamlit as st

from app_pages import data
from app_pages.filters import link_params
from app_pages.i18n import TEXTS, lang, t
from app_pages.markdown import plain
from app_pages.text_marks import SHARED_COLOUR, SHARED_MIN, escape_line, marked_markdown, shared_passages
from ingest.store import REVIEW_STATUSES

SEVERITIES = ("high", "medium", "low", "info")
DUPLICATE_RULE = "DUPLICATE_REPORT"
# Evidence keys whose numbers are percentages.
PERCENT_KEYS = ("arrival_rate", "execution_rate", "arrival_rate_stated", "execution_rate_stated", "over_percent")
# Evidence keys whose numbers are years: 2024, not 2,024.
YEAR_KEYS = ("fiscal_year", "year")
# Evidence keys whose values are codes with a label of their own (evidence.role.signed …).
CODED_KEYS = ("role", "problem", "subject")
# How DUPLICATE_REPORT says it measured (ingest/rules.py writes it in English), by label.
KNOWN_METHODS = {"Jaccard of 5-character shingles; candidates by MinHash LSH": "evidence.method.duplicate"}
COMPARATORS = {">=": "≥", "<=": "≤"}
# Texts of a DUPLICATE_REPORT pair, side by side: tall enough to read, short enough to scroll past.
PAIR_HEIGHT = 380


def rule_label(rule: str) -> str:
    return f"{rule} {t('rule.' + rule)}"


def field_label(name: str) -> str:
    """A field in the page language: a report column, a whole table ('indicators') or one of
    its rows ('budget_lines.3'); a name the dictionary does not know stays as stored."""
    if f"report.field.{name}" in TEXTS:
        return t(f"report.field.{name}")
    table, _, row_no = name.partition(".")
    if row_no and f"report.field.{table}" in TEXTS:
        return t("report.field_row", table=t(f"report.field.{table}"), n=row_no)
    return name


def method_label(method: str | None, witness: bool = False) -> str | None:
    """The method in the page language. A witness's 'computed' is a sum of lines or sub-rows
    (its snippet says which), not the ÷ budget of the computed rates."""
    for key in ([f"report.witness_method.{method}"] if witness else []) + [f"report.method.{method}"]:
        if key in TEXTS:
            return t(key)
    return method


def number(value: float | None) -> str:
    """48.6 -> "48.6", 1234.5 -> "1,234.5": a figure as a sentence states it."""
    return "—" if value is None else f"{value:,.4f}".rstrip("0").rstrip(".")


def labelled(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds, for the columns a frame of anomalies has, rule_name, severity_label, status_label
    and message_shown (the message in the current language)."""
    columns = frame.columns
    added = []
    if "rule" in columns:
        rules = frame["rule"].drop_nulls().unique().to_list()
        added.append(pl.col("rule").replace({r: t("rule." + r) for r in rules}).alias("rule_name"))
    if "severity" in columns:
        added.append(pl.col("severity").replace({s: t("severity." + s) for s in SEVERITIES}).alias("severity_label"))
    if "status" in columns:
        added.append(pl.col("status").replace({s: t("status." + s) for s in REVIEW_STATUSES}).alias("status_label"))
    if "message" in columns:
        shown = pl.col("message")
        if lang() == "en" and "message_en" in columns:
            shown = pl.coalesce(pl.col("message_en"), pl.col("message"))
        added.append(shown.alias("message_shown"))
    return frame.with_columns(added) if added else frame


def anomaly_columns() -> dict[str, str]:
    """Column labels of an anomaly table (severity, rule, subject, message, review)."""
    return {
        "severity_label": t("col.severity"), "rule": t("anomalies.rule_id"), "rule_name": t("anomalies.rule_name"),
        "subject": t("col.subject"), "message_shown": t("col.message"), "status_label": t("col.status"),
        "comment": t("anomalies.comment_col"), "reviewer": t("anomalies.reviewer_col"),
        "reviewed_at": t("anomalies.reviewed_at"),
    }


# -- evidence as a table ------------------------------------------------------------------------
def key_label(key: str, parent: str | None = None) -> str:
    """The label of an evidence key ('spent' -> 实际支出（万元）), the parent's own first
    ('admitted.value'); a key no rule was known to write is shown humanised, not dropped:
    'new_key' -> 'New key'."""
    for name in ([f"evidence.key.{parent}.{key}"] if parent else []) + [f"evidence.key.{key}"]:
        if name in TEXTS:
            return t(name)
    return key.replace("_", " ").strip().capitalize() or key


def _is_source(value) -> bool:
    return isinstance(value, dict) and "snippet" in value and "method" in value


def source_text(source: dict | None) -> str:
    """Where a rule's figure was read: “snippet”（method；note）."""
    if not source:
        return t("evidence.source_none")
    details = [method_label(source.get("method"), witness=True) or ""]
    if source.get("note"):
        details.append(t("evidence.source_note", note=source["note"]))
    inside = t("report.reason_separator").join(detail for detail in details if detail)
    snippet = " ".join(str(source.get("snippet") or "").split())
    return t("evidence.source", snippet=snippet, details=inside) if inside else f"“{snippet}”"


def value_text(key: str, value) -> str:
    """One evidence value as read: numbers formatted (a percentage with %), booleans as
    是/否, codes and field names labelled, an object as its labelled items."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("evidence.yes") if value else t("evidence.no")
    if isinstance(value, (int, float)) and key in YEAR_KEYS:
        return f"{value:.0f}"
    if isinstance(value, (int, float)):
        return number(value) + ("%" if key in PERCENT_KEYS else "")
    if isinstance(value, str):
        if key in CODED_KEYS and f"evidence.{key}.{value}" in TEXTS:
            return t(f"evidence.{key}.{value}")
        if key == "field":
            return field_label(value)
        if key == "method":
            return t(KNOWN_METHODS[value]) if value in KNOWN_METHODS else method_label(value) or value
        return " ".join(value.split())
    if isinstance(value, list):
        if key == "missing":
            return t("common.list_separator").join(field_label(str(name)) for name in value)
        return t("common.list_separator").join(value_text(key, item) for item in value)
    if isinstance(value, dict):
        if _is_source(value):
            return source_text(value)
        if key == "target" and "comparator" in value:
            comparator = COMPARATORS.get(value["comparator"], value["comparator"])
            return f"{comparator} {number(value.get('value'))} {value.get('unit') or ''}".strip()
        return t("report.reason_separator").join(f"{key_label(k, key)}：{value_text(k, v)}"
                                                 for k, v in value.items() if v is not None)
    return str(value)


def _rows(key: str, label: str, value) -> list[tuple[str, str]]:
    if key == "sources" and isinstance(value, dict):
        return [(t("evidence.source_of", field=field_label(name)), source_text(source))
                for name, source in value.items()]
    if key == "source" or _is_source(value):
        return [(label, source_text(value))]
    if key == "bands" and isinstance(value, dict):
        bands = (t("evidence.band", grade=grade, score=number(score)) for grade, score in value.items())
        return [(label, t("common.list_separator").join(bands))]
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        if len(value) == 1:
            return [(label, value_text(key, value[0]))]
        return [(t("evidence.item_no", label=label, n=i), value_text(key, item)) for i, item in enumerate(value, 1)]
    if isinstance(value, dict) and key != "target":
        return [row for k, v in value.items() for row in _rows(k, f"{label} · {key_label(k, key)}", v)]
    return [(label, value_text(key, value))]


def evidence_rows(evidence) -> list[tuple[str, str]]:
    """An anomaly's evidence (the JSON object its rule recorded) as (item, value) pairs in the
    page language, in the rule's order; nested objects and lists flattened one row each."""
    if isinstance(evidence, str):
        try:
            evidence = json.loads(evidence) if evidence.strip() else {}
        except json.JSONDecodeError:
            return [(t("evidence.value"), evidence)]
    if not isinstance(evidence, dict):
        return [] if evidence is None else [(t("evidence.value"), value_text("value", evidence))]
    return [row for key, value in evidence.items() for row in _rows(key, key_label(key), value)]


def evidence_table(evidence) -> None:
    """The evidence as a two-column table. st.table renders its cells as markdown: every
    cell is escaped, so a report's snippet shows as written."""
    rows = evidence_rows(evidence)
    if not rows:
        st.caption(t("evidence.none"))
        return
    st.table(pl.DataFrame({t("evidence.item"): [escape_line(item) for item, _ in rows],
                           t("evidence.value"): [escape_line(value.replace("\n", " ")) for _, value in rows]}),
             hide_index=True)


# -- DUPLICATE_REPORT: the pair -------------------------------------------------------------------
@st.cache_data(max_entries=256, show_spinner=False)
def _shared(first: str, second: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    return shared_passages(first, second)


def _text_of(report_id: str) -> str | None:
    found = data.run("report_text", report_id=report_id)
    return found["text"][0] if found.height else None


def duplicate_pair(row: dict, evidence: dict) -> None:
    """A link to the other report of the pair and both texts side by side, the passages they
    share marked (as text: escaped markdown on a coloured background, never HTML)."""
    other_file = evidence.get("other_file") or row.get("subject") or ""
    other_id = evidence.get("other_report_id")
    other = data.run("report_summary", report_id=other_id) if other_id else None
    if other is None or not other.height:
        st.info(t("evidence.duplicate.gone", file=plain(other_file)))
        return
    st.page_link("app_pages/report.py", label=t("evidence.duplicate.open", file=plain(other_file)),
                 icon=":material/compare_arrows:",
                 query_params=link_params(st.session_state["filters"], id=other_id))
    this_text, other_text = _text_of(row["report_id"]), _text_of(other_id)
    if this_text and other_text:
        this_spans, other_spans = _shared(this_text, other_text)
        chars = sum(end - start for start, end in this_spans)
        st.caption(t("evidence.duplicate.shared", min=SHARED_MIN, passages=len(this_spans), chars=f"{chars:,}",
                     share=f"{chars / max(len(this_text), 1):.0%}"))
    else:
        this_spans, other_spans = [], []
    this_name = row.get("file_name") or row["report_id"]
    for column, heading, text, spans in zip(
            st.columns(2),
            (t("evidence.duplicate.this", file=plain(this_name)), t("evidence.duplicate.other", file=plain(other_file))),
            (this_text, other_text), (this_spans, other_spans)):
        with column:
            st.markdown(f"**{heading}**")
            if not text:
                st.caption(t("evidence.duplicate.no_text"))
                continue
            with st.container(height=PAIR_HEIGHT, border=True):
                st.markdown(marked_markdown(text, [(span, SHARED_COLOUR) for span in spans]))


def with_counterparts(items: list[dict]) -> list[dict]:
    """The anomalies a verdict on `items` applies to: the items, and for each DUPLICATE_REPORT
    item (report A, subject B's file) the anomaly of the other report (B, subject A's file),
    so that a copied pair is triaged once. Items are {"report_id", "rule", "subject", …}; a
    counterpart carries the item's other keys; none is added twice."""
    pairs = [item for item in items if item.get("rule") == DUPLICATE_RULE and item.get("subject")]
    if not pairs:
        return list(items)
    found = data.run("duplicate_counterpart", rule=DUPLICATE_RULE, report_ids=[item["report_id"] for item in pairs],
                     subjects=[item["subject"] for item in pairs])
    counterparts: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for match in found.iter_rows(named=True):
        counterparts.setdefault((match["report_id"], match["subject"]), []).append(
            (match["counterpart_report_id"], match["counterpart_subject"]))
    result = list(items)
    seen = {(item["report_id"], item["rule"], item.get("subject")) for item in items}
    for item in pairs:
        for report_id, subject in counterparts.get((item["report_id"], item["subject"]), []):
            if (report_id, DUPLICATE_RULE, subject) not in seen:
                seen.add((report_id, DUPLICATE_RULE, subject))
                result.append({**item, "report_id": report_id, "subject": subject})
    return result


# -- one anomaly --------------------------------------------------------------------------------
def evidence_panel(row: dict, expanded: bool, show_file: bool = True) -> None:
    """One anomaly: its message, evidence as a table of labelled items (for DUPLICATE_REPORT
    the other report and both texts) and review history."""
    status = row.get("status")
    title = " · ".join(part for part in (
        t("severity." + row["severity"]), rule_label(row["rule"]), plain(row.get("subject")),
        plain(row.get("file_name")) if show_file else None,
        t(f"status.{status}") if status in REVIEW_STATUSES else None) if part)
    with st.expander(title, expanded=expanded):
        message = row.get("message_en") if lang() == "en" and row.get("message_en") else row.get("message")
        st.text(message or "")
        if row.get("implementing_unit"):
            st.page_link("app_pages/units.py", label=t("units.from_report", unit=plain(row["implementing_unit"])),
                         icon=":material/apartment:", query_params={"unit": row["implementing_unit"]})
        st.caption(t("anomalies.evidence"))
        evidence_table(row.get("evidence"))
        if row["rule"] == DUPLICATE_RULE:
            try:
                evidence = json.loads(row.get("evidence") or "{}")
            except json.JSONDecodeError:
                evidence = {}
            duplicate_pair(row, evidence if isinstance(evidence, dict) else {})
        st.caption(t("anomalies.history"))
        history = data.run("review_history", report_id=row["report_id"], rule=row["rule"], subject=row.get("subject"))
        if history.height:
            shown = history.with_columns(pl.col("status").replace({s: t("status." + s) for s in REVIEW_STATUSES}))
            st.dataframe(shown, hide_index=True, placeholder="—", column_config={
                "status": t("col.status"), "comment": t("anomalies.comment_col"),
                "reviewer": t("anomalies.reviewer_col"), "reviewed_at": t("anomalies.reviewed_at")})
        else:
            st.text(t("anomalies.history_none"))
