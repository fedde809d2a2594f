"""Display helpers shared by the Anomalies and Report pages: labels for rules, severities and
review statuses in the current language, markdown-safe text, and one anomaly's evidence with
its review history."""
from __future__ import annotations

import re

import polars as pl
import streamlit as st

from app_pages import data
from app_pages.i18n import lang, t
from ingest.store import REVIEW_STATUSES

SEVERITIES = ("high", "medium", "low", "info")
# Characters that would turn a report's own words into markdown (emphasis, links, headings,
# tables, html, maths) in labels that Streamlit renders as markdown.
MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$])")


def plain(text) -> str:
    """A report's words for a markdown-rendered label (expander, subheader), shown as written."""
    return MARKDOWN.sub(r"\\\1", "" if text is None else str(text))


def rule_label(rule: str) -> str:
    return f"{rule} {t('rule.' + rule)}"


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


def evidence_panel(row: dict, expanded: bool, show_file: bool = True) -> None:
    """One anomaly: its message, evidence (the JSON the rule recorded) and review history."""
    title = " · ".join(part for part in (
        t("severity." + row["severity"]), rule_label(row["rule"]), plain(row.get("subject")),
        plain(row.get("file_name")) if show_file else None) if part)
    with st.expander(title, expanded=expanded):
        message = row.get("message_en") if lang() == "en" and row.get("message_en") else row.get("message")
        st.text(message or "")
        st.caption(t("anomalies.evidence"))
        st.json(row.get("evidence") or "{}", expanded=2)
        st.caption(t("anomalies.history"))
        history = data.run("review_history", report_id=row["report_id"], rule=row["rule"], subject=row.get("subject"))
        if history.height:
            shown = history.with_columns(pl.col("status").replace({s: t("status." + s) for s in REVIEW_STATUSES}))
            st.dataframe(shown, hide_index=True, placeholder="—", column_config={
                "status": t("col.status"), "comment": t("anomalies.comment_col"),
                "reviewer": t("anomalies.reviewer_col"), "reviewed_at": t("anomalies.reviewed_at")})
        else:
            st.text(t("anomalies.history_none"))
