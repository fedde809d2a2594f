"""导出 Export: the filtered tables as CSV (UTF-8 with BOM, one zip a table with its
筛选条件 file), one XLSX workbook and Parquet, named by what, which years and when.

The page itself shows counts and a 50-row preview as the files write them (headers and
codes in words, or the store's codes when asked for); each file is built by its own button,
then offered for download."""
from __future__ import annotations

import datetime as dt
import json

import streamlit as st

from app_pages import data, export_parts, login, papers
from app_pages.i18n import lang, t
from app_pages.widgets import open_tab, report_links

PREVIEW_ROWS = 50
BULLETIN_GROUPS = 30         # departments and units the 通报 tables list
BULLETIN_WORST = 10          # its typical cases

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

signature = json.dumps({"params": params, "lang": language, "codes": codes, "store": data.version()},
                       sort_keys=True, ensure_ascii=False)


def read(tables: tuple[str, ...] = export_parts.TABLES) -> dict:
    """Every row of these tables for the filters; the store is let go of before a file is written."""
    frames = export_parts.read_tables(params, tables, data.connection())
    data.close()
    return frames


st.subheader(t("export.csv"))
st.caption(t("export.csv_caption"))
for column, table in zip(st.columns(len(export_parts.TABLES)), export_parts.TABLES):
    name = export_parts.file_name(table, filters.years, language, today, "zip")
    word = t(f"export.button.{table}")
    export_parts.offer(
        f"csv_{table}", signature, t("export.csv_button", table=word, n=f"{counts[table]:,}"), name, "application/zip",
        lambda progress, table=table, name=name: export_parts.csv_zip(read((table,))[table], table, context, name,
                                                                      dt.datetime.now()),
        lambda size, word=word: t("export.csv_download", table=word, size=size), where=column, logged=params)

st.subheader(t("export.xlsx"))
cells = sum(counts[table] * previews[table].width for table in export_parts.TABLES)
st.caption(t("export.xlsx_caption", cells=f"{cells:,}",
             seconds=max(1, round(cells / export_parts.XLSX_CELLS_PER_SECOND))))
if any(counts[table] >= export_parts.EXCEL_MAX_ROWS for table in export_parts.TABLES):
    st.caption(t("export.xlsx_split"))
export_parts.offer(
    "xlsx", signature, t("export.xlsx_prepare"), export_parts.file_name(export_parts.ALL, filters.years, language, today,
                                                                        "xlsx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    lambda progress: export_parts.xlsx_file(read(), context, progress),
    lambda size: t("export.xlsx_download", size=size), logged=params)

st.subheader(t("export.parquet"))
st.caption(t("export.parquet_caption"))
export_parts.offer(
    "parquet", signature, t("export.parquet_button"),
    export_parts.file_name(export_parts.ALL, filters.years, language, today, "parquet.zip"), "application/zip",
    lambda progress: export_parts.parquet_zip(read(), context, today, dt.datetime.now()),
    lambda size: t("export.parquet_download", size=size), logged=params)

st.subheader(t("export.papers"))
st.caption(t("export.papers_caption"))
author = login.current_user().shown if login.current_user() else (st.session_state.get("reviewer_name") or "")
described = "；".join(f"{label}：{value}" for label, value in filters.describe()) or t("export.no_filters")
paper_left, paper_right = st.columns(2)
export_parts.offer(
    "worksheet", signature, t("export.worksheet_button"), f"复核工作底稿_{today}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    lambda progress: papers.worksheet_xlsx(data.run("rescore_items", **papers.item_params(filters=params)),
                                           described, author, dt.datetime.now(), language),
    lambda size: t("export.worksheet_download", size=size), where=paper_left, logged=params)


def bulletin(progress) -> bytes:
    shared = papers.bulletin_params(params)
    summary = data.run("bulletin_by_group", **shared, group="all", limit=1)
    return papers.bulletin_docx(
        summary.row(0, named=True) if summary.height else {},
        data.run("bulletin_by_group", **shared, group="dept", limit=BULLETIN_GROUPS),
        data.run("bulletin_by_group", **shared, group="unit", limit=BULLETIN_GROUPS),
        data.run("bulletin_by_rule", **shared), data.run("bulletin_worst", **shared, limit=BULLETIN_WORST),
        described, author, dt.datetime.now())


export_parts.offer(
    "bulletin", signature, t("export.bulletin_button"), f"复核情况通报_{today}.docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", bulletin,
    lambda size: t("export.bulletin_download", size=size), where=paper_right, logged=params)

st.subheader(t("export.preview"))
# Only the open table's preview is drawn (widgets.open_tab): four tables of 50 rows were
# redrawn by the browser on every change of a filter.
table, tab = open_tab(export_parts.TABLES, "export.table", "export_preview_tab")
with tab:
    st.caption(t("export.preview_caption", shown=previews[table].height, n=f"{counts[table]:,}"))
    # The columns and values as the files write them; each row opens its report.
    if previews[table].height and codes:
        report_links(previews[table], filters, {name: name for name in previews[table].columns},
                     key=f"export_preview_{table}")
    elif previews[table].height:
        shown = export_parts.labelled(previews[table], language)
        columns = {name: (st.column_config.NumberColumn(label, format="%.2f")
                          if name in export_parts.MONEY_COLUMNS | export_parts.RATE_COLUMNS else label)
                   for name, label in export_parts.headers(shown.columns, language).items()}
        report_links(shown, filters, columns, key=f"export_preview_{table}")
