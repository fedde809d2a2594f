"""导入 Ingest: upload reports (many at once) with progress, this run's results, earlier
runs and failures, and data quality: partial reports and labels that map to no code."""
from __future__ import annotations

import polars as pl
import streamlit as st

from app_pages import data, ingest_parts, login
from app_pages.i18n import TEXTS, lang, t
from app_pages.widgets import reasons, report_links, uploader_words
from ingest import store

STATUSES = ("ok", "partial", "skipped", "failed")
RUN_KEY = "ingest_run_id"          # the run whose results this session shows
UPLOADER_KEY = "ingest_uploader"   # bumped after a run, so the uploader starts empty

filters = st.session_state["filters"]
st.header(t("ingest.title"))
st.caption(t("ingest.intro", mb=ingest_parts.MAX_UPLOAD_MB, path=data.store_path()))


def status_label(status: str) -> str:
    return t(f"ingest.status.{status}")


def field_label(field: str) -> str:
    return t(f"ingest.field.{field}") if f"ingest.field.{field}" in TEXTS else field


def run_upload(files) -> None:
    """Save the uploads, run the pipeline into the store with a progress bar, remember the run."""
    data.close()    # DuckDB: one writer or many readers; let go of this run's reader first
    bar = st.progress(0.0, text=t("ingest.progress", done=0, total=len(files)))
    notice = st.empty()

    def progress(done: int, total: int, _parsed) -> None:
        text = t("ingest.rules", total=total) if done >= total else t("ingest.progress", done=done, total=total)
        bar.progress(done / max(total, 1), text=text)

    try:
        summary = ingest_parts.ingest_uploads([(f.name, f.getvalue()) for f in files], data.store_path(),
                                              on_progress=progress,
                                              on_wait=lambda _: notice.info(t("store.waiting")))
    except store.StoreError as exc:
        bar.empty()
        notice.error(t("ingest.failed_run", error=data.store_problem(exc)))
        return
    data.record(login.user_name(), "upload", summary.run_id, {
        "files": [f.name for f in files][:200], "offered": summary.offered, "ok": summary.ok,
        "partial": summary.partial, "failed": summary.failed, "skipped": summary.skipped})
    st.session_state[RUN_KEY] = summary.run_id
    st.session_state[UPLOADER_KEY] = st.session_state.get(UPLOADER_KEY, 0) + 1
    st.rerun()


if data.read_only():
    st.info(data.read_only_notice())
else:
    uploader_words(t("ingest.uploader_button"), t("ingest.uploader_limit", mb=ingest_parts.MAX_UPLOAD_MB,
                                                  types=" ".join(f".{kind}" for kind in ingest_parts.UPLOAD_TYPES)))
    uploads = st.file_uploader(t("ingest.upload"), type=list(ingest_parts.UPLOAD_TYPES),
                               accept_multiple_files=True, max_upload_size=ingest_parts.MAX_UPLOAD_MB,
                               help=t("ingest.upload_help"),
                               key=f"ingest_files_{st.session_state.get(UPLOADER_KEY, 0)}")
    label = t("ingest.start", n=len(uploads)) if uploads else t("ingest.start_none")
    if st.button(label, type="primary", disabled=not uploads, key="ingest_start") and uploads:
        run_upload(uploads)

if not data.has_store():
    st.stop()

# -- this run ------------------------------------------------------------------------------
run_id = st.session_state.get(RUN_KEY)
if run_id:
    st.subheader(t("ingest.this_run"))
    run = data.run("ingest_runs", run_id=run_id, limit=1)
    files = reasons(data.run("ingest_run_files", run_id=run_id))
    if run.height:
        counts = run.row(0, named=True)
        st.caption(t("ingest.run_caption", run_id=run_id, time=f"{counts['finished_at']:%Y-%m-%d %H:%M:%S}"))
        columns = st.columns(5)
        columns[0].metric(t("ingest.files"), f"{counts['files']:,}")
        for column, status in zip(columns[1:], STATUSES):
            column.metric(status_label(status), f"{counts[status]:,}")
    if files.height:
        shown = files.with_columns(pl.col("status").replace_strict({s: status_label(s) for s in STATUSES},
                                                                     default=pl.col("status")))
        report_links(shown, filters, key="ingest_run_table", columns={
            "file_name": t("col.file_name"), "status": t("ingest.status"), "error": t("ingest.reason"),
            "seconds": st.column_config.NumberColumn(t("ingest.seconds"), format="%.2f")})

# -- before --------------------------------------------------------------------------------
# One above the other: side by side, the runs' counts and the failures' reasons were cut off.
st.subheader(t("ingest.history"))
st.markdown(f"**{t('ingest.runs')}**")
runs = data.run("ingest_runs", run_id=None, limit=20)
if runs.height:
    st.dataframe(runs, hide_index=True, placeholder="—", key="ingest_runs_table", column_config={
        "run_id": t("ingest.run_id"),
        "started_at": st.column_config.DatetimeColumn(t("ingest.started_at"), format="YYYY-MM-DD HH:mm:ss"),
        "finished_at": st.column_config.DatetimeColumn(t("ingest.finished_at"), format="YYYY-MM-DD HH:mm:ss"),
        "files": t("ingest.files"), **{status: status_label(status) for status in STATUSES}})
else:
    st.caption(t("ingest.no_runs"))
st.markdown(f"**{t('ingest.failures')}**")
failures = reasons(data.run("ingest_failures", limit=50))
if failures.height:
    st.dataframe(failures, hide_index=True, placeholder="—", key="ingest_failures_table",
                 column_order=["logged_at", "file_name", "error", "run_id"], column_config={
                     "logged_at": st.column_config.DatetimeColumn(t("ingest.logged_at"), format="YYYY-MM-DD HH:mm"),
                     "run_id": t("ingest.run_id"), "file_name": t("col.file_name"), "error": t("ingest.reason")})
else:
    st.caption(t("ingest.no_failures"))

# -- data quality, over the filtered reports -----------------------------------------------
st.subheader(t("ingest.quality"))
colon, semicolon = (": ", "; ") if lang() == "en" else ("：", "；")
described = semicolon.join(f"{label}{colon}{value}" for label, value in filters.describe())
st.caption(t("ingest.quality_caption", filters=described or t("ingest.no_filters")))
params = filters.params()

st.markdown(f"**{t('ingest.missing_fields')}**")
missing = data.run("ingest_missing_fields", **params)
if missing.height:
    st.dataframe(missing.with_columns(pl.Series("field", [field_label(name) for name in missing["field"]])),
                 hide_index=True, placeholder="—", key="ingest_missing_table", column_config={
                     "field": t("ingest.field"), "reports": t("ingest.field_reports"),
                     "partial_reports": t("ingest.field_partial")})
else:
    st.caption(t("common.none"))

st.markdown(f"**{t('ingest.partial_reports')}**")
partial = data.run("ingest_partial_reports", limit=200, **params)
if partial.height:
    if partial["total_reports"][0] > partial.height:
        st.caption(t("ingest.partial_shown", total=f"{partial['total_reports'][0]:,}", shown=partial.height))
    shown = partial.with_columns(pl.Series("missing_fields", [
        t("common.list_separator").join(field_label(name) for name in names)
        for names in partial["missing_fields"].to_list()]))
    report_links(shown, filters, key="ingest_partial_table", columns={
        "file_name": t("col.file_name"), "project_name": t("col.project_name"),
        "implementing_unit": t("col.implementing_unit"), "fiscal_year": t("col.fiscal_year"),
        "missing_fields": t("ingest.missing_fields")})
else:
    st.caption(t("ingest.no_partial"))

st.markdown(f"**{t('ingest.unmapped')}**")
unmapped = data.run("unmapped_categories", limit=200, **params)
if unmapped.height:
    st.caption(t("ingest.unmapped_caption"))
    st.dataframe(unmapped, hide_index=True, placeholder="—", key="ingest_unmapped_table", column_config={
        "category_raw": t("ingest.category_raw"), "lines": t("ingest.lines"), "reports": t("col.reports"),
        "planned": st.column_config.NumberColumn(t("col.planned"), format="%.2f"),
        "actual": st.column_config.NumberColumn(t("col.actual"), format="%.2f"),
        "example_file": t("ingest.example_file")})
else:
    st.caption(t("ingest.no_unmapped"))
