"""The export page's files: the filtered tables as CSV, one XLSX workbook and Parquet.

Kept out of the page so that tests build the very bytes the page offers. The frames come
from the export_* queries with no row limit; they are built when the user asks for a
file, never on the page's own render, and never cached (a 100k-report store exports
hundreds of thousands of rows).
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Callable

import polars as pl
import xlsxwriter

import queries
from ingest import store

TABLES = ("reports", "budget_lines", "indicators", "anomalies")
FILTER_SHEET = "filters"
# Excel's sheet holds 1,048,576 rows; a longer table continues on reports_2, reports_3 …
EXCEL_MAX_ROWS = 1_048_576
# A CSV cell that starts like a formula is run by Excel when the file is opened (CSV
# injection); report text comes from outside, so such cells get a leading apostrophe.
# A plain negative number ("-3.5") or a dash meaning "none" stays as it is.
FORMULA_START = r"^[=+@\t\r]|^-.*[^0-9.,%\s-]"
# Measured with xlsxwriter 3.3.1 on the 100k-report benchmark: 75k–90k cells a second.
XLSX_CELLS_PER_SECOND = 80_000
ROWS_PER_BATCH = 20_000
WIDE_COLUMNS = {"message": 48, "message_en": 48, "evidence": 60, "project_name": 36, "implementing_unit": 30,
                "supervising_dept": 26, "name": 30, "note": 30, "file_name": 26, "comment": 30,
                "target_raw": 16, "actual_raw": 16}


def read_tables(params: dict, tables: tuple[str, ...] = TABLES, conn=None) -> dict[str, pl.DataFrame]:
    """Every row of the export queries for these filters. Without `conn` (a deferred
    download runs on a thread of its own, after the page run closed its connection) the
    store is opened read-only for just this read."""
    if conn is not None:
        return {table: queries.run(conn, f"export_{table}", limit=None, **params) for table in tables}
    own = store.connect(store.store_path(), read_only=True, wait_seconds=20)
    try:
        queries.prepare(own)
        return {table: queries.run(own, f"export_{table}", limit=None, **params) for table in tables}
    finally:
        own.close()


def csv_download(params: dict, table: str) -> Callable[[], bytes]:
    """A deferred download's data: one table as CSV, read when the user clicks."""
    return lambda: csv_bytes(read_tables(params, (table,))[table])


def parquet_download(params: dict) -> Callable[[], bytes]:
    """A deferred download's data: every table as Parquet in one zip, read when the user clicks."""
    return lambda: parquet_zip(read_tables(params))


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text as such."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    guarded = frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name)).alias(name)
        for name in text_columns
    )
    return guarded.write_csv(include_bom=True, date_format="%Y-%m-%d",
                             datetime_format="%Y-%m-%d %H:%M:%S").encode("utf-8")


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def parquet_zip(frames: dict[str, pl.DataFrame]) -> bytes:
    """One Parquet file per table, in one zip (stored: Parquet is compressed already)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for table, frame in frames.items():
            archive.writestr(f"{table}.parquet", parquet_bytes(frame))
    return buffer.getvalue()


def sheet_names(table: str, rows: int) -> list[str]:
    """The sheet(s) a table fills: its name, and numbered continuations past Excel's limit."""
    parts = max(1, -(-rows // (EXCEL_MAX_ROWS - 1)))
    return [table] + [f"{table}_{part}" for part in range(2, parts + 1)]


def xlsx_bytes(frames: dict[str, pl.DataFrame], about: list[tuple[str, str]],
               on_rows: Callable[[int, int], None] | None = None) -> bytes:
    """One workbook: a first sheet stating what was exported (`about`: label/value rows:
    the filters, the time, the store), then one sheet per table with a frozen, filterable
    header row. `on_rows(done, total)` follows the writing of table rows."""
    buffer = io.BytesIO()
    # Cells are written as what they are: text that looks like a formula, a number or a
    # link stays text.
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False,
                                            "nan_inf_to_errors": True})
    bold = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})

    info = workbook.add_worksheet(FILTER_SHEET)
    info.set_column(0, 0, 24)
    info.set_column(1, 1, 80)
    for row, (label, value) in enumerate(about):
        info.write_string(row, 0, label, bold)
        info.write_string(row, 1, value)

    total = sum(frame.height for frame in frames.values())
    done = 0
    for table, frame in frames.items():
        writers = []
        for position, (name, dtype) in enumerate(frame.schema.items()):
            if dtype == pl.Datetime:
                writers.append((position, "datetime", time_format, 19))
            elif dtype == pl.Date:
                writers.append((position, "datetime", date_format, 11))
            elif dtype.is_numeric():
                writers.append((position, "number", None, 12))
            else:
                writers.append((position, "string", None, WIDE_COLUMNS.get(name, 14)))
        chunk = EXCEL_MAX_ROWS - 1
        for part, name in enumerate(sheet_names(table, frame.height)):
            # Excel has no NaN: a blank cell says "no value" as the store's null does.
            piece = frame.slice(part * chunk, chunk).with_columns(pl.col(pl.Float32, pl.Float64).fill_nan(None))
            sheet = workbook.add_worksheet(name)
            for position, _, cell_format, width in writers:
                sheet.set_column(position, position, width, cell_format)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(piece.height, 1), max(frame.width - 1, 0))
            sheet.write_row(0, 0, frame.columns, header)
            methods = [(position, getattr(sheet, f"write_{kind}"), cell_format)
                       for position, kind, cell_format, _ in writers]
            # Python values for a batch of rows at a time: a whole table would take gigabytes.
            for start in range(0, piece.height, ROWS_PER_BATCH):
                batch = piece.slice(start, ROWS_PER_BATCH)
                columns = [batch[column].to_list() for column in frame.columns]
                for index in range(batch.height):
                    row = start + index + 1
                    for (position, write, cell_format), values in zip(methods, columns):
                        value = values[index]
                        if value is not None:
                            write(row, position, value, cell_format)
                done += batch.height
                if on_rows:
                    on_rows(done, total)
    workbook.close()
    return buffer.getvalue()


def about_rows(labels: dict[str, str], filters: list[tuple[str, str]], counts: dict[str, int],
               exported_at: dt.datetime, store_path: Path | str) -> list[tuple[str, str]]:
    """The first sheet's rows: title, time of export, store, filters (or none), row counts.
    `labels` holds the page's words in the current language."""
    rows = [(labels["title"], ""), (labels["exported_at"], exported_at.strftime("%Y-%m-%d %H:%M:%S")),
            (labels["store"], str(store_path)), ("", ""), (labels["filters"], "" if filters else labels["no_filters"])]
    rows += [(f"  {label}", value) for label, value in filters]
    rows += [("", ""), (labels["tables"], "")]
    rows += [(f"  {table}", f"{counts.get(table, 0):,}") for table in TABLES]
    return rows
