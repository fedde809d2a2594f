"""导出 Export: the filtered tables as CSV (UTF-8 with BOM), one XLSX workbook and Parquet.

The page itself shows counts and a 50-row preview; the files are built only when asked
for (CSV and Parquet on the click, the slower workbook by its own button)."""
from __future__ import annotations

import datetime as dt
import json

import streamlit as st

from app_pages import data, export_parts
from app_pages.i18n import lang, t
from app_pages.widgets import report_links

PREVIEW_ROWS = 50
XLSX_KEY = "export_xlsx"     # the workbook built in this session, with what it was built from

filters = st.session_state["filters"]
params = filters.params()
st.header(t("export.title"))
colon, semicolon = (": ", "; ") if lang() == "en" else ("：", "；")
described = semicolon.join(f"{label}{colon}{value}" for label, value in filters.describe())
st.caption(t("export.filters", filters=described or t("export.no_filters")))

counts = data.run("export_counts", **params).row(0, named=True)
previews = {table: data.run(f"export_{table}", limit=PREVIEW_ROWS, **params) for table in export_parts.TABLES}
for column, table in zip(st.columns(len(export_parts.TABLES)), export_parts.TABLES):
    column.metric(t(f"export.table.{table}"), f"{counts[table]:,}")
st.caption(t("export.anomaly_note"))
stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")

st.subheader(t("export.csv"))
st.caption(t("export.csv_caption"))
for column, table in zip(st.columns(len(export_parts.TABLES)), export_parts.TABLES):
    column.download_button(t("export.csv_button", table=table, n=f"{counts[table]:,}"),
                           data=export_parts.csv_download(params, table), file_name=f"jixiao-{table}-{stamp}.csv",
                           mime="text/csv", key=f"export_csv_{table}", on_click="ignore", icon=":material/download:")

st.subheader(t("export.xlsx"))
cells = sum(counts[table] * previews[table].width for table in export_parts.TABLES)
st.caption(t("export.xlsx_caption", cells=f"{cells:,}",
             seconds=max(1, round(cells / export_parts.XLSX_CELLS_PER_SECOND))))
if any(counts[table] >= export_parts.EXCEL_MAX_ROWS for table in export_parts.TABLES):
    st.caption(t("export.xlsx_split"))
signature = json.dumps({"params": params, "lang": lang(), "store": data.version()}, sort_keys=True,
                       ensure_ascii=False)
if st.button(t("export.xlsx_prepare"), key="export_xlsx_prepare"):
    bar = st.progress(0.0, text=t("export.xlsx_reading"))
    frames = export_parts.read_tables(params, conn=data.connection())
    data.close()    # the tables are read: let writers in while the workbook is written
    exported_at = dt.datetime.now()
    about = export_parts.about_rows(
        {"title": t("export.sheet_title"), "exported_at": t("export.sheet_time"), "store": t("export.sheet_store"),
         "filters": t("export.sheet_filters"), "no_filters": t("export.sheet_no_filters"),
         "tables": t("export.sheet_tables")},
        filters.describe(), {table: frame.height for table, frame in frames.items()}, exported_at,
        data.store_path())
    workbook = export_parts.xlsx_bytes(frames, about, on_rows=lambda done, total: bar.progress(
        done / max(total, 1), text=t("export.xlsx_progress", done=f"{done:,}", total=f"{total:,}")))
    bar.empty()
    st.session_state[XLSX_KEY] = {"signature": signature, "bytes": workbook, "built": exported_at,
                                  "file_name": f"jixiao-{exported_at:%Y%m%d-%H%M}.xlsx"}
prepared = st.session_state.get(XLSX_KEY)
if prepared and prepared["signature"] == signature:
    st.caption(t("export.xlsx_ready", time=f"{prepared['built']:%Y-%m-%d %H:%M:%S}"))
    st.download_button(t("export.xlsx_download", size=f"{len(prepared['bytes']) / 1e6:.1f} MB"),
                       data=prepared["bytes"], file_name=prepared["file_name"],
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="export_xlsx_download", on_click="ignore", type="primary", icon=":material/download:")

st.subheader(t("export.parquet"))
st.caption(t("export.parquet_caption"))
st.download_button(t("export.parquet_button"), data=export_parts.parquet_download(params),
                   file_name=f"jixiao-parquet-{stamp}.zip", mime="application/zip", key="export_parquet",
                   on_click="ignore", icon=":material/download:")

st.subheader(t("export.preview"))
for tab, table in zip(st.tabs([t(f"export.table.{table}") for table in export_parts.TABLES]), export_parts.TABLES):
    with tab:
        st.caption(t("export.preview_caption", shown=previews[table].height, n=f"{counts[table]:,}"))
        if previews[table].height:
            # Column names as in the files; each row opens its report.
            report_links(previews[table], filters, {name: name for name in previews[table].columns},
                         key=f"export_preview_{table}")
