"""异常 Anomalies: every anomaly of the filtered reports, a page at a time, most severe first;
triage (confirm, dismiss, reopen) of the selected rows; counts by rule and by unit; reviews
the data has since resolved."""
from __future__ import annotations

import json
import math

import plotly.express as px
import streamlit as st

from app_pages import data, login
from app_pages.anomalies_parts import (SEVERITIES, anomaly_columns, evidence_panel, labelled,
                                       rule_label, with_counterparts)
from app_pages.filters import coded_multiselect, request
from app_pages.i18n import t
from app_pages.widgets import clickable, keep, kept, open_tab, report_links, unit_links
from ingest.store import REVIEW_STATUSES

PAGE_SIZE = 200          # rows per page: a 100k-report store holds ~170k anomalies
EXPANDED_LIMIT = 10      # selected anomalies whose evidence is drawn
UNIT_LIMIT = 20
RESOLVED_LIMIT = 200
TABLE_KEY = "anomaly_table"
DRAWN_KEY = "_anomaly_drawn"     # the identities of the rows the table last showed, in order

filters = st.session_state["filters"]
params = filters.params()
st.header(t("anomalies.title"))
st.caption(t("anomalies.scope_note"))


def _record(items: list[dict], status: str) -> None:
    """Button callback: runs before the next script run, so the table's selection can still
    be set and the new status shows in that run."""
    # Signed in, the verdict is the user's; with no users yet, the name typed beside it.
    reviewer = login.user_name() or (st.session_state.get("anomaly_reviewer") or "").strip()
    comment = (st.session_state.get("anomaly_comment") or "").strip()
    if not reviewer:
        st.session_state["_anomaly_notice"] = ("error", t("anomalies.need_reviewer"))
        return
    if status == "dismissed" and not comment:
        st.session_state["_anomaly_notice"] = ("error", t("anomalies.need_comment"))
        return
    try:
        # A duplicate pair is one finding: its two halves get the same verdict.
        written = data.write_reviews([{**item, "status": status, "comment": comment}
                                      for item in with_counterparts(items)], reviewer)
    except data.StoreUnavailable as exc:
        st.session_state["_anomaly_notice"] = ("error", t("anomalies.write_failed", error=str(exc)))
        # If the page cannot draw its form this run (the store or the shared reviews out of
        # reach), the typed words would go with it: kept until the form is drawn again.
        st.session_state["reviewer_name"] = reviewer
        st.session_state["_anomaly_unsaved_comment"] = comment
        return
    st.session_state["reviewer_name"] = reviewer
    st.session_state["anomaly_comment"] = ""
    st.session_state["_anomaly_keep"] = [_identity(item) for item in items]
    st.session_state["_anomaly_notice"] = ("success", t("anomalies.recorded", n=written, status=t(f"status.{status}")))


def _identity(row: dict) -> str:
    return json.dumps([row["report_id"], row["rule"], row.get("subject")], ensure_ascii=False)


def _selected_positions() -> list[int]:
    """The table's selection as the browser last sent it: positions in the rows last drawn."""
    try:
        return list(st.session_state[TABLE_KEY]["selection"]["rows"])
    except (KeyError, TypeError):
        return []


left, middle, right = st.columns(3)
severities = coded_multiselect(left, t("anomalies.severity"), list(SEVERITIES), "anomaly_severities",
                               lambda s: t(f"severity.{s}"))
# The sidebar's rule and status filters select reports elsewhere; here they also select the
# anomalies listed, and the page's own choice narrows within them.
status_choices = list(filters.statuses or REVIEW_STATUSES)
statuses = coded_multiselect(middle, t("anomalies.status"), status_choices, "anomaly_statuses",
                             lambda s: t(f"status.{s}"))
stored_rules = data.run("filter_options")["rules"].to_list()
rule_choices = list(filters.rules) or sorted(set((stored_rules[0] if stored_rules else None) or [])
                                             | set(st.session_state.get("anomaly_rules", [])))
chosen_rules = coded_multiselect(right, t("anomalies.rule"), rule_choices, "anomaly_rules", rule_label)
page_filters = {"severities": list(severities), "review_statuses": list(statuses or filters.statuses),
                "anomaly_rules": list(chosen_rules or filters.rules)}
if filters.rules or filters.statuses:
    st.caption(t("anomalies.sidebar_narrows", filters=filters.summary()))

totals = data.run("anomalies_total", **params, **page_filters).row(0, named=True)
cols = st.columns(6)
cols[0].metric(t("anomalies.total"), f"{totals['anomalies']:,}")
cols[1].metric(t("anomalies.reports"), f"{totals['reports']:,}")
cols[2].metric(t("anomalies.high"), f"{totals['high']:,}")
cols[3].metric(t("anomalies.open"), f"{totals['open']:,}", help=t("common.open_definition"))
cols[4].metric(t("anomalies.confirmed"), f"{totals['confirmed']:,}")
cols[5].metric(t("anomalies.dismissed"), f"{totals['dismissed']:,}")

notice = st.session_state.pop("_anomaly_notice", None)
if notice:
    (st.success if notice[0] == "success" else st.error)(notice[1])

# Only the open tab runs and reaches the browser (widgets.open_tab): the counts' two charts
# and tables are not drawn while an auditor pages through the list.
section, tab = open_tab(("tab_list", "tab_counts", "tab_resolved"), "anomalies", "anomalies_tab")
if section == "tab_list":
    with tab:
        # The list's page number outlives a visit to another tab (widgets.kept); new filters
        # start again at the first page. The widget's state is written only when it must
        # change (see filters.seed_from_url).
        if "anomaly_page" not in st.session_state and kept("anomaly_page", 1) != 1:
            st.session_state["anomaly_page"] = kept("anomaly_page", 1)
        chosen_filters = json.dumps([params, page_filters], ensure_ascii=False, sort_keys=True)
        if st.session_state.get("_anomaly_filters") != chosen_filters:
            st.session_state["_anomaly_filters"] = chosen_filters
            if st.session_state.get("anomaly_page", 1) != 1:
                st.session_state["anomaly_page"] = 1
        pages = max(1, math.ceil(totals["anomalies"] / PAGE_SIZE))
        if st.session_state.get("anomaly_page", 1) > pages:
            st.session_state["anomaly_page"] = pages
        page = keep("anomaly_page", st.number_input(t("anomalies.page"), min_value=1, max_value=pages, step=1,
                                                    key="anomaly_page", width=160))
        st.caption(t("anomalies.page_of", page=page, pages=pages, size=PAGE_SIZE, total=f"{totals['anomalies']:,}"))
        rows = labelled(data.run("anomalies_page", **params, **page_filters, page_size=PAGE_SIZE,
                                 offset=(int(page) - 1) * PAGE_SIZE))

        # A selection is positions in the rows last drawn, and the anomalies ticked are what it
        # means: when the rows move under it (an ingest landed, its anomalies sorted in among them)
        # the selection follows them, so a verdict never goes to a row nobody ticked
        # (bench/sessions.py saw one do so). A new listing starts unselected; rows just reviewed
        # stay selected wherever the new status puts them.
        shown = [_identity(row) for row in rows.iter_rows(named=True)]
        listing = f"{chosen_filters}|{int(page)}"
        if st.session_state.get("_anomaly_listing") != listing:
            st.session_state["_anomaly_listing"] = listing
            st.session_state.pop(TABLE_KEY, None)
            ticked = set()
        else:
            drawn = st.session_state.get(DRAWN_KEY, [])
            ticked = {drawn[i] for i in _selected_positions() if 0 <= i < len(drawn)}
        reviewed = st.session_state.pop("_anomaly_keep", None)
        if reviewed is not None:
            ticked = set(reviewed)
        positions = [i for i, identity in enumerate(shown) if identity in ticked]
        if positions != _selected_positions():
            st.session_state[TABLE_KEY] = {"selection": {"rows": positions, "columns": [], "cells": []}}
        st.session_state[DRAWN_KEY] = shown

        if rows.height == 0:
            st.info(t("anomalies.none"))
            selected = []
        else:
            # In the order an auditor reads a finding: how bad, what, whose, then the review;
            # the codes and the file last. Unit and project stay on screen at 1366 px.
            labels = anomaly_columns()
            columns = {
                "severity_label": st.column_config.TextColumn(labels["severity_label"], width=60),
                "rule_name": st.column_config.TextColumn(labels["rule_name"], width=110),
                "implementing_unit": st.column_config.TextColumn(t("col.implementing_unit"), width=150),
                "project_name": st.column_config.TextColumn(t("col.project_name"), width=150),
                "fiscal_year": st.column_config.NumberColumn(t("col.fiscal_year"), format="%d", width=50),
                "message_shown": st.column_config.TextColumn(labels["message_shown"], width=200),
                "status_label": st.column_config.TextColumn(labels["status_label"], width=70),
                "subject": labels["subject"], "reviewer": labels["reviewer"], "reviewed_at": labels["reviewed_at"],
                "comment": labels["comment"], "rule": labels["rule"], "file_name": t("col.file_name")}
            # Only the shown columns go to the browser; the evidence stays here for the selected rows.
            event = report_links(rows.select("report_id", *columns), filters, columns=columns, key=TABLE_KEY,
                                 on_select="rerun", selection_mode="multi-row")
            chosen = [i for i in event.selection.rows if 0 <= i < rows.height]
            selected = [rows.row(i, named=True) for i in chosen]

        if not selected:
            if rows.height:
                st.caption(t("anomalies.select_hint"))
        elif data.reviews_read_only():
            st.info(t("store.read_only", path=data.store_path()))
            for position, row in enumerate(selected[:EXPANDED_LIMIT]):
                evidence_panel(row, expanded=position == 0)
        else:
            st.subheader(t("anomalies.triage", n=len(selected)))
            items = [{"report_id": row["report_id"], "rule": row["rule"], "subject": row["subject"]} for row in selected]
            if "anomaly_reviewer" not in st.session_state:
                st.session_state["anomaly_reviewer"] = st.session_state.get("reviewer_name", "")
            unsaved = st.session_state.pop("_anomaly_unsaved_comment", None)
            if unsaved and not st.session_state.get("anomaly_comment"):
                st.session_state["anomaly_comment"] = unsaved
            form_left, form_right = st.columns([3, 1])
            form_left.text_area(t("anomalies.comment"), key="anomaly_comment", height=80, max_chars=2000)
            signed_in = login.current_user()
            if signed_in is None:
                form_right.text_input(t("anomalies.reviewer"), key="anomaly_reviewer", max_chars=100)
            else:
                form_right.text_input(t("anomalies.reviewer"), value=signed_in.shown, disabled=True,
                                      key="anomaly_reviewer_signed_in")
            buttons = st.columns([1, 1, 1, 4])
            buttons[0].button(t("anomalies.confirm"), key="anomaly_confirm", type="primary", on_click=_record,
                              args=(items, "confirmed"))
            buttons[1].button(t("anomalies.dismiss"), key="anomaly_dismiss", on_click=_record, args=(items, "dismissed"))
            buttons[2].button(t("anomalies.reopen"), key="anomaly_reopen", on_click=_record, args=(items, "open"))
            for position, row in enumerate(selected[:EXPANDED_LIMIT]):
                evidence_panel(row, expanded=position == 0)
            if len(selected) > EXPANDED_LIMIT:
                st.caption(t("anomalies.more_selected", n=len(selected) - EXPANDED_LIMIT))

elif section == "tab_counts":
    with tab:
        by_rule = labelled(data.run("anomalies_by_rule", **params, **page_filters))
        st.subheader(t("anomalies.by_rule"))
        if by_rule.height:
            figure = px.bar(by_rule.to_pandas(), x="anomalies", y="rule_name", color="severity_label", orientation="h",
                            hover_data={"rule": True, "open": True, "reports": True}, custom_data=["rule"],
                            labels={"anomalies": t("anomalies.count"), "rule_name": t("anomalies.rule_name"),
                                    "severity_label": t("col.severity"), "rule": t("anomalies.rule_id"),
                                    "open": t("anomalies.open"), "reports": t("col.reports")},
                            category_orders={"severity_label": [t(f"severity.{s}") for s in SEVERITIES]})
            figure.update_layout(yaxis={"categoryorder": "total ascending"}, height=max(260, 28 * by_rule.height),
                                 margin={"t": 10}, legend={"orientation": "h"})
            st.caption(t("anomalies.by_rule_click"))
            picked = clickable(figure, "anomalies_by_rule_chart", t("anomalies.by_rule"))
            if picked in rule_choices:
                st.session_state["anomaly_rules"] = [picked]        # the page's rule filter; its ✕ undoes it
                st.rerun()
            st.dataframe(by_rule, hide_index=True, placeholder="—", column_order=[
                "rule", "rule_name", "severity_label", "anomalies", "open", "confirmed", "dismissed", "reports"],
                column_config={"rule": t("anomalies.rule_id"), "rule_name": t("anomalies.rule_name"),
                               "severity_label": t("col.severity"), "anomalies": t("anomalies.count"),
                               "open": t("anomalies.open"), "confirmed": t("anomalies.confirmed"),
                               "dismissed": t("anomalies.dismissed"), "reports": t("col.reports")})
        else:
            st.caption(t("anomalies.none"))

        st.subheader(t("anomalies.by_unit", n=UNIT_LIMIT))
        by_unit = data.run("anomalies_by_unit", **params, **page_filters, limit=UNIT_LIMIT)
        if by_unit.height:
            shown = by_unit.fill_null(t("anomalies.unit_unknown"))
            figure = px.bar(shown.with_columns(unit_key=by_unit["implementing_unit"]).to_pandas(), x="anomalies",
                            y="implementing_unit", orientation="h", custom_data=["unit_key"],
                            hover_data={"high": True, "open": True, "reports": True},
                            labels={"anomalies": t("anomalies.count"), "implementing_unit": t("col.implementing_unit"),
                                    "high": t("anomalies.high"), "open": t("anomalies.open"),
                                    "reports": t("col.reports")})
            figure.update_layout(yaxis={"categoryorder": "total ascending"}, height=max(260, 26 * shown.height),
                                 margin={"t": 10})
            st.caption(t("anomalies.by_unit_click"))
            picked = clickable(figure, "anomalies_by_unit_chart", t("anomalies.by_unit", n=UNIT_LIMIT))
            if isinstance(picked, str):
                request("units", [picked])                          # the unit's chip above the page undoes it
            linked, unit_column = unit_links(by_unit, filters, t("col.implementing_unit"))
            st.dataframe(linked, hide_index=True, placeholder="—", column_config={
                "implementing_unit": unit_column, "anomalies": t("anomalies.count"),
                "high": t("anomalies.high"), "open": t("anomalies.open"), "reports": t("col.reports")})
        else:
            st.caption(t("anomalies.none"))

else:
    with tab:
        resolved = data.run("anomalies_resolved", **params, limit=RESOLVED_LIMIT)
        if resolved.height:
            st.caption(t("anomalies.resolved_caption", n=f"{resolved['total'][0]:,}"))
            shown = labelled(resolved.rename({"last_status": "status"}))
            report_links(shown, filters, columns={
                "file_name": t("col.file_name"), "rule": t("anomalies.rule_id"), "rule_name": t("anomalies.rule_name"),
                "subject": t("col.subject"), "status_label": t("anomalies.last_status"),
                "comment": t("anomalies.comment_col"), "reviewer": t("anomalies.reviewer_col"),
                "reviewed_at": t("anomalies.reviewed_at")})
        else:
            st.caption(t("anomalies.resolved_none"))
