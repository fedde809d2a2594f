"""导出 Export: the filtered tables as CSV (UTF-8 with BOM, one zip a table with its
筛选条件 file), one XLSX workbook and Parquet, named by what, which years and when.

The page itself shows counts and a 50-row preview as the files write them (headers and
codes in words, or the store's codes when asked for); the files are built only when asked
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
st.caption(t("export.filters", filters=filters.summary() or t("export.no_filters")))

codes = st.toggle(t("export.codes"), key="export_codes", help=t("export.codes_help"))
language = lang()
today = dt.date.today()
context = export_parts.Context(language=language, codes=codes, filters=tuple(filters.describe()), params=params,
                               store=str(data.store_path()), years=tuple(filters.years))

counts = data.run("export_counts", **params).row(0, named=True)
previews = {table: data.run(f"export_{table}", limit=PREVIEW_ROWS, **params) for table in export_parts.TABLES}
for column, table in zip(st.columns(len(export_parts.TABLES)), export_parts.TABLES):
    column.metric(t(f"export.table.{table}"), f"{counts[table]:,}")
st.caption(t("export.anomaly_note"))

st.subheader(t("export.csv"))
st.caption(t("export.csv_caption"))
for column, table in zip(st.columns(len(export_parts.TABLES)), export_parts.TABLES):
    name = export_parts.file_name(table, filters.years, language, today, "zip")
    column.download_button(t("export.csv_button", table=t(f"export.button.{table}"), n=f"{counts[table]:,}"),
                           data=export_parts.csv_download(context, table, name), file_name=name,
                           mime="application/zip", key=f"export_csv_{table}", on_click="ignore",
                           icon=":material/download:", help=name)

st.subheader(t("export.xlsx"))
cells = sum(counts[table] * previews[table].width for table in export_parts.TABLES)
st.caption(t("export.xlsx_caption", cells=f"{cells:,}",
             seconds=max(1, round(cells / export_parts.XLSX_CELLS_PER_SECOND))))
if any(counts[table] >= export_parts.EXCEL_MAX_ROWS for table in export_parts.TABLES):
    st.caption(t("export.xlsx_split"))
signature = json.dumps({"params": params, "lang": language, "codes": codes, "store": data.version()},
                       sort_keys=True, ensure_ascii=False)
if st.button(t("export.xlsx_prepare"), key="export_xlsx_prepare"):
    bar = st.progress(0.0, text=t("export.xlsx_reading"))
    frames = export_parts.read_tables(params, conn=data.connection())
    data.close()    # the tables are read: let writers in while the workbook is written
    exported_at = dt.datetime.now()
    about = export_parts.about_rows(context, {table: frame.height for table, frame in frames.items()}, exported_at)
    workbook = export_parts.xlsx_bytes(frames, about, context, on_rows=lambda done, total: bar.progress(
        done / max(total, 1), text=t("export.xlsx_progress", done=f"{done:,}", total=f"{total:,}")))
    bar.empty()
    st.session_state[XLSX_KEY] = {
        "signature": signature, "bytes": workbook, "built": exported_at,
        "file_name": export_parts.file_name(export_parts.ALL, filters.years, language, exported_at.date(), "xlsx")}
prepared = st.session_state.get(XLSX_KEY)
if prepared and prepared["signature"] == signature:
    st.caption(t("export.xlsx_ready", time=f"{prepared['built']:%Y-%m-%d %H:%M:%S}", name=prepared["file_name"]))
    st.download_button(t("export.xlsx_download", size=export_parts.size_text(len(prepared["bytes"]))),
                       data=prepared["bytes"], file_name=prepared["file_name"],
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="export_xlsx_download", on_click="ignore", type="primary", icon=":material/download:",
                       help=prepared["file_name"])

st.subheader(t("export.parquet"))
st.caption(t("export.parquet_caption"))
parquet_name = export_parts.file_name(export_parts.ALL, filters.years, language, today, "parquet.zip")
st.download_button(t("export.parquet_button"), data=export_parts.parquet_download(context, today),
                   file_name=parquet_name, mime="application/zip", key="export_parquet",
                   on_click="ignore", icon=":material/download:", help=parquet_name)

st.subheader(t("export.preview"))
for tab, table in zip(st.tabs([t(f"export.table.{table}") for table in export_parts.TABLES]), export_parts.TABLES):
    with tab:
        st.caption(t("export.preview_caption", shown=previews[table].height, n=f"{counts[table]:,}"))
        if not previews[table].height:
            continue
        # The columns and values as the files write them; each row opens its report.
        if codes:
            report_links(previews[table], filters, {name: name for name in previews[table].columns},
                         key=f"export_preview_{table}")
        else:
            shown = export_parts.labelled(previews[table], language)
            columns = {name: (st.column_config.NumberColumn(label, format="%.2f")
                              if name in export_parts.MONEY_COLUMNS | export_parts.RATE_COLUMNS else label)
                       for name, label in export_parts.headers(shown.columns, language).items()}
            report_links(shown, filters, columns, key=f"export_preview_{table}")
