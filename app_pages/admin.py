"""管理 Admin (/admin): users and roles, and the audit log (filterable, exportable, its
chain of hashes checked). Admins only, once users exist; with none yet, this page adds the
first admin (the shared password, if one is set, guards it as it guards every page).
"""
from __future__ import annotations

import datetime as dt
import json

import polars as pl
import streamlit as st

from app_pages import data, export_parts, login
from app_pages.i18n import lang, t
from ingest import audit, pipeline, users

LOG_LIMIT = 1000

st.header(t("admin.title"))
login.require_role("admin")
everyone = login.all_users()
me = login.user_name()
writable = not data.reviews_read_only()


def add_user_form() -> None:
    first = not any(row["active"] for row in everyone.values())
    st.subheader(t("admin.first_admin") if first else t("admin.add_user"))
    with st.form("admin_add_user", clear_on_submit=True):
        left, middle, right = st.columns(3)
        name = left.text_input(t("auth.name"), max_chars=users.MAX_NAME, key="admin_new_name")
        shown = middle.text_input(t("admin.display_name"), max_chars=100, key="admin_new_display")
        role = right.selectbox(t("admin.role"), users.ROLES, index=len(users.ROLES) - 1 if first else 0,
                               disabled=first, format_func=lambda code: t(f"auth.role.{code}"), key="admin_new_role")
        left, right = st.columns(2)
        password = left.text_input(t("auth.password"), type="password", key="admin_new_password")
        again = right.text_input(t("admin.password_again"), type="password", key="admin_new_again")
        submitted = st.form_submit_button(t("admin.add"), type="primary")
    if not submitted:
        return
    if password != again:
        st.error(t("admin.passwords_differ"))
        return
    save(lambda conn: users.add_user(conn, everyone, name, password, "admin" if first else role, shown, by=me),
         lambda added: t("admin.added", name=added))


def save(change, notice) -> None:
    """A user added or changed (change(conn)), said in plain words when it cannot be."""
    try:
        done = data.write(change)
    except users.UserError as exc:
        st.error(str(exc))
        return
    except data.StoreUnavailable as exc:
        st.error(t("anomalies.write_failed", error=str(exc)))
        return
    st.session_state["_admin_notice"] = notice(done)
    st.rerun()


def users_section() -> None:
    st.subheader(t("admin.users", n=len(everyone)))
    if everyone:
        frame = pl.DataFrame([{key: row[key] for key in ("name", "display_name", "role", "active", "changed_by",
                                                         "changed_at")} for row in everyone.values()])
        frame = frame.with_columns(pl.col("role").replace_strict({r: t(f"auth.role.{r}") for r in users.ROLES},
                                                                 default=pl.col("role")))
        st.dataframe(frame, hide_index=True, placeholder="—", key="admin_users", column_config={
            "name": t("auth.name"), "display_name": t("admin.display_name"), "role": t("admin.role"),
            "active": st.column_config.CheckboxColumn(t("admin.active")), "changed_by": t("rect.changed_by"),
            "changed_at": st.column_config.DatetimeColumn(t("rect.changed_at"), format="YYYY-MM-DD HH:mm")})
    if not writable:
        st.info(data.read_only_notice())
        return
    add_user_form()
    if everyone:
        change_user_form()


def change_user_form() -> None:
    st.subheader(t("admin.change_user"))
    with st.form("admin_change_user", clear_on_submit=True):
        left, middle, right = st.columns(3)
        name = left.selectbox(t("auth.name"), sorted(everyone), key="admin_change_name")
        role = middle.selectbox(t("admin.role"), (None, *users.ROLES), format_func=lambda code: t(
            f"auth.role.{code}") if code else t("admin.unchanged"), key="admin_change_role")
        active = right.selectbox(t("admin.active"), (None, True, False), format_func=lambda flag: t(
            "admin.unchanged") if flag is None else t("admin.active_yes" if flag else "admin.active_no"),
            key="admin_change_active")
        password = st.text_input(t("admin.new_password"), type="password", key="admin_change_password")
        submitted = st.form_submit_button(t("admin.change"))
    if not submitted:
        return
    if name == me and (active is False or (role and role != "admin")):
        st.error(t("admin.not_yourself"))
        return
    save(lambda conn: users.change_user(conn, everyone, name, me, role=role, active=active,
                                        password=password or None),
         lambda _: t("admin.changed", name=name))


def audit_section() -> None:
    st.subheader(t("admin.audit"))
    chain = data.fresh("audit_log_chain")
    broken = audit.verify(chain.iter_rows(named=True))
    if broken is None:
        st.caption(t("admin.chain_ok", n=f"{chain.height:,}"))
    else:
        st.error(t("admin.chain_broken", seq=broken))
    left, middle, right = st.columns([2, 2, 2])
    names = sorted({name for name in chain["user_name"].to_list() if name})
    chosen_users = left.multiselect(t("admin.log_user"), names, key="admin_log_users")
    chosen_actions = middle.multiselect(t("admin.log_action"), audit.ACTIONS, key="admin_log_actions",
                                        format_func=lambda code: t(f"admin.action.{code}"))
    span = right.date_input(t("admin.log_span"), value=(), key="admin_log_span")
    text = st.text_input(t("admin.log_text"), max_chars=200, key="admin_log_text")
    since = dt.datetime.combine(span[0], dt.time()) if span else None
    until = dt.datetime.combine(span[-1], dt.time()) + dt.timedelta(days=1) if span else None
    query = {"users": chosen_users, "actions": list(chosen_actions), "since": since, "until": until,
             "text": text or ""}
    shown = data.fresh("audit_log_page", **query, limit=LOG_LIMIT)
    labelled = shown.with_columns(pl.col("action").replace_strict(
        {code: t(f"admin.action.{code}") for code in audit.ACTIONS}, default=pl.col("action")))
    st.dataframe(labelled, hide_index=True, placeholder="—", key="admin_log", column_config={
        "seq": t("admin.log_seq"), "logged_at": st.column_config.DatetimeColumn(t("rect.changed_at"),
                                                                               format="YYYY-MM-DD HH:mm:ss"),
        "user_name": t("admin.log_user"), "action": t("admin.log_action"), "target": t("admin.log_target"),
        "params": t("admin.log_params")})
    if shown.height == LOG_LIMIT:
        st.caption(t("admin.log_limited", n=LOG_LIMIT))
    signature = json.dumps({"query": query, "store": data.version(), "lang": lang()}, default=str, ensure_ascii=False)

    def build(progress) -> bytes:
        everything = data.fresh("audit_log_page", **query, limit=None)
        return everything.write_csv(include_bom=True).encode("utf-8")

    export_parts.offer("audit_csv", signature, t("admin.log_export"),
                       f"审计日志_{dt.date.today()}.csv", "text/csv", build,
                       lambda size: t("admin.log_download", size=size), logged={"paper": "audit_log", **query})


def deletion_section() -> None:
    """Delete a report (gone from every table and page, its original kept) or restore one."""
    if data.read_only():
        st.info(data.read_only_notice())
        return
    st.subheader(t("admin.delete_heading"))
    st.caption(t("admin.delete_intro"))
    with st.form("admin_delete", clear_on_submit=True):
        left, right = st.columns([1, 2])
        report_id = left.text_input(t("admin.delete_id"), max_chars=16, key="admin_delete_id")
        reason = right.text_input(t("admin.delete_reason"), max_chars=500, key="admin_delete_reason")
        sure = st.checkbox(t("admin.delete_sure"), key="admin_delete_sure")
        submitted = st.form_submit_button(t("admin.delete"), type="primary")
    if submitted:
        found = data.run("report_summary", report_id=report_id.strip().lower())
        if not found.height:
            st.error(t("report.unknown", id=report_id))
        elif not (sure and reason.strip()):
            st.error(t("admin.delete_incomplete"))
        else:
            with st.spinner(t("admin.deleting")):
                gone = _delete(found["report_id"][0], reason.strip())
            st.session_state["_admin_notice"] = t("admin.deleted", name=gone["file_name"])
            st.rerun()
    deleted = data.run("deleted_reports_current")
    st.subheader(t("admin.deleted_heading", n=deleted.height))
    if not deleted.height:
        st.caption(t("admin.deleted_none"))
        return
    event = st.dataframe(deleted.drop("file_sha256", "archive_path"), hide_index=True, key="admin_deleted",
                         on_select="rerun", selection_mode="single-row", placeholder="—", column_config={
                             "report_id": t("admin.delete_id"), "file_name": t("col.file_name"),
                             "reason": t("admin.delete_reason"), "user_name": t("rect.changed_by"),
                             "acted_at": st.column_config.DatetimeColumn(t("rect.changed_at"),
                                                                         format="YYYY-MM-DD HH:mm")})
    rows = event.selection.rows if event is not None else []
    if rows and st.button(t("admin.restore", name=deleted["file_name"][rows[0]]), key="admin_restore"):
        with st.spinner(t("admin.restoring")):
            _restore(deleted["report_id"][rows[0]])
        st.session_state["_admin_notice"] = t("admin.restored", name=deleted["file_name"][rows[0]])
        st.rerun()


def _delete(report_id: str, reason: str) -> dict:
    data.close()
    return pipeline.delete_report(data.store_path(), report_id, me or "", reason)


def _restore(report_id: str) -> None:
    data.close()
    pipeline.restore_report(data.store_path(), report_id, me or "")


notice = st.session_state.pop("_admin_notice", None)
if notice:
    st.success(notice)
users_tab, log_tab, delete_tab = st.tabs([t("admin.tab_users"), t("admin.tab_log"), t("admin.tab_delete")])
with users_tab:
    users_section()
with log_tab:
    audit_section()
with delete_tab:
    deletion_section()
