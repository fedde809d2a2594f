"""整改 Rectification (/rectification): what confirmed findings require of the units.

A confirmed finding (its latest review says so) can open a rectification: what the unit
must do, who answers for it, by when. Its status then moves open → in progress → done;
only a lead (or admin) marks it done. Overdue ones (not done, past the deadline) come first.
Every step is a new row of `rectifications` (the history is kept) and an audit-log entry.
"""
from __future__ import annotations

import datetime as dt
import uuid

import streamlit as st

from app_pages import data, login
from app_pages.i18n import lang, t
from app_pages.markdown import plain
from app_pages.widgets import report_links
from ingest import audit, config
from ingest.store import append_rows

CANDIDATE_LIMIT = 500
STATUSES = ("open", "in progress", "done")
TEXT_LIMIT = 1000

filters = st.session_state["filters"]
params = filters.params()
today = dt.date.today()
default_days = int(config.load().get("rectification", {}).get("default_days", 30))
st.header(t("rect.title"))
st.caption(t("rect.intro"))


def write_step(row: dict, user: str, what: str) -> None:
    stamped = {**row, "changed_by": user, "changed_at": dt.datetime.now()}

    def work(conn) -> None:
        append_rows(conn, "rectifications", [stamped])
        audit.record(conn, user, "rectification", row["rect_id"], {
            "change": what, "report_id": row["report_id"], "rule": row["rule"], "subject": row["subject"],
            "status": row["status"], "owner": row["owner"], "deadline": row["deadline"]})

    data.write(work)


def open_form(user: str) -> None:
    candidates = data.run("rectification_candidates", **params, limit=CANDIDATE_LIMIT)
    st.subheader(t("rect.open_heading", n=candidates.height))
    if not candidates.height:
        st.caption(t("rect.no_candidates"))
        return
    labels = {}
    for index, row in enumerate(candidates.iter_rows(named=True)):
        message = row["message"] if lang() == "zh" else (row["message_en"] or row["message"])
        labels[index] = f"{row['file_name']} · {t('rule.' + row['rule'])} · {message}"[:200]
    with st.form("rect_open", clear_on_submit=True):
        picked = st.selectbox(t("rect.finding"), list(labels), format_func=labels.get, index=None,
                              placeholder=t("rect.finding_pick"), key="rect_finding")
        requirement = st.text_area(t("rect.requirement"), max_chars=TEXT_LIMIT, key="rect_requirement", height=80)
        left, right = st.columns(2)
        owner = left.text_input(t("rect.owner"), max_chars=200, key="rect_owner")
        deadline = right.date_input(t("rect.deadline"), value=today + dt.timedelta(days=default_days),
                                    min_value=today, key="rect_deadline")
        submitted = st.form_submit_button(t("rect.open"), type="primary")
    if not submitted:
        return
    if picked is None or not requirement.strip() or not owner.strip():
        st.error(t("rect.open_incomplete"))
        return
    finding = candidates.row(picked, named=True)
    row = {"rect_id": uuid.uuid4().hex[:12], "report_id": finding["report_id"], "rule": finding["rule"],
           "subject": finding["subject"], "requirement": requirement.strip(), "owner": owner.strip(),
           "deadline": deadline, "status": "open", "note": None}
    try:
        write_step(row, user, "opened")
    except data.StoreUnavailable as exc:
        st.error(t("anomalies.write_failed", error=str(exc)))
        return
    st.session_state["_rect_notice"] = t("rect.opened", file=finding["file_name"])
    st.rerun()


def current_list():
    current = data.run("rectifications_current", **params, today=today)
    st.subheader(t("rect.list_heading", n=current.height))
    if not current.height:
        st.caption(t("rect.none"))
        return current, None
    overdue = current.filter(current["status"] == "overdue").height
    if overdue:
        st.warning(t("rect.overdue", n=overdue))
    shown = current.with_columns(current["status"].replace_strict(
        {status: t(f"rect.status.{status}") for status in (*STATUSES, "overdue")}, default=current["status"]))
    event = report_links(shown, filters, key="rect_table", on_select="rerun", selection_mode="single-row", columns={
        "status": t("rect.status"), "deadline": st.column_config.DateColumn(t("rect.deadline"), format="YYYY-MM-DD"),
        "file_name": t("col.file_name"), "implementing_unit": t("col.implementing_unit"),
        "rule": t("rect.rule"), "subject": t("rect.subject"), "requirement": t("rect.requirement"),
        "owner": t("rect.owner"), "changed_by": t("rect.changed_by"),
        "changed_at": st.column_config.DatetimeColumn(t("rect.changed_at"), format="YYYY-MM-DD HH:mm")})
    rows = event.selection.rows if event is not None else []
    return current, (current.row(rows[0], named=True) if rows else None)


def step_form(chosen: dict, user: str) -> None:
    st.subheader(t("rect.step_heading", file=plain(chosen["file_name"])))
    st.text(chosen["requirement"] or "")
    history = data.run("rectification_history", rect_id=chosen["rect_id"])
    st.dataframe(history, hide_index=True, placeholder="—", key="rect_history", column_config={
        "changed_at": st.column_config.DatetimeColumn(t("rect.changed_at"), format="YYYY-MM-DD HH:mm"),
        "changed_by": t("rect.changed_by"), "status": t("rect.status"), "owner": t("rect.owner"),
        "deadline": st.column_config.DateColumn(t("rect.deadline"), format="YYYY-MM-DD"),
        "requirement": t("rect.requirement"), "note": t("rect.note")})
    allowed = [status for status in STATUSES if status != "done" or login.may("lead")]
    recorded = chosen["status_recorded"]
    with st.form(f"rect_step_{chosen['rect_id']}", clear_on_submit=True):
        left, middle, right = st.columns(3)
        status = left.selectbox(t("rect.status"), allowed, index=allowed.index(recorded) if recorded in allowed else 0,
                                format_func=lambda code: t(f"rect.status.{code}"), key="rect_status")
        owner = middle.text_input(t("rect.owner"), value=chosen["owner"] or "", max_chars=200, key="rect_step_owner")
        deadline = right.date_input(t("rect.deadline"), value=chosen["deadline"], key="rect_step_deadline")
        note = st.text_input(t("rect.note"), max_chars=TEXT_LIMIT, key="rect_note")
        submitted = st.form_submit_button(t("rect.record"), type="primary")
    if not login.may("lead"):
        st.caption(t("rect.lead_closes"))
    if not submitted:
        return
    if not note.strip():
        st.error(t("rect.note_needed"))
        return
    row = {"rect_id": chosen["rect_id"], "report_id": chosen["report_id"], "rule": chosen["rule"],
           "subject": chosen["subject"], "requirement": chosen["requirement"], "owner": owner.strip() or chosen["owner"],
           "deadline": deadline, "status": status, "note": note.strip()}
    try:
        write_step(row, user, "closed" if status == "done" else "changed")
    except data.StoreUnavailable as exc:
        st.error(t("anomalies.write_failed", error=str(exc)))
        return
    st.session_state["_rect_notice"] = t("rect.recorded", status=t(f"rect.status.{status}"))
    st.rerun()


notice = st.session_state.pop("_rect_notice", None)
if notice:
    st.success(notice)
writable = not data.reviews_read_only()
if not writable:
    st.info(data.read_only_notice())
user = login.acting_name("rect_reviewer") if writable else None
_, chosen = current_list()
if chosen is not None and user:
    step_form(chosen, user)
if writable and user:
    open_form(user)
elif writable:
    st.info(t("anomalies.need_reviewer"))
