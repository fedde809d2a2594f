"""The export page's files: the filtered tables as CSV, one XLSX workbook and Parquet.

Kept out of the page so that tests build the very bytes the page offers. The frames come
from the export_* queries with no row limit; they are built when the user asks for a
file, never on the page's own render, and never cached (a 100k-report store exports
hundreds of thousands of rows).

A file is written for people by default: headers and coded values (severity, review
status, parse status …) in the page's language, money to two decimals, rates as percent.
On request it holds the store's own column names and codes, every value as stored, for
programs. Either way it says what it holds: the filters, the time and the store (a
筛选条件 file in each zip, the workbook's first sheet, Parquet key-value metadata).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import polars as pl
import pyarrow.parquet as pq
import streamlit as st
import xlsxwriter

import queries
from app_pages import data, login
from app_pages.i18n import TEXTS, t

TABLES = ("reports", "budget_lines", "indicators", "anomalies")
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
                "target_raw": 16, "actual_raw": 16, "rule_name": 22, "missing_fields": 24}

# Money is stored in 万元 (SPEC §2); a person reads it to two decimals (0.01 万元 = 100 元).
MONEY_COLUMNS = frozenset({"budget_planned", "budget_adjusted", "funds_arrived", "spent", "planned", "actual"})
# Rates are stored in percent (94.67, not 0.9467; SPEC §2).
RATE_COLUMNS = frozenset({"arrival_rate_stated", "execution_rate_stated", "arrival_rate", "execution_rate"})
DECIMALS = 2
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
# The rule's name, added beside its id (the id stays: filters and other tools use it).
RULE_NAME = "rule_name"
# Each exported column's header, by i18n key; the dashboard's own column words (col.*) where
# they mean the same.
HEADER_KEYS = {
    "report_id": "export.col.report_id", "file_name": "col.file_name", "file_sha256": "export.col.file_sha256",
    "file_format": "export.col.file_format", "parser_version": "export.col.parser_version",
    "ingested_at": "export.col.ingested_at", "parse_status": "export.col.parse_status", "shape": "export.col.shape",
    "project_name": "col.project_name", "implementing_unit": "col.implementing_unit",
    "supervising_dept": "col.supervising_dept", "province": "col.province", "region": "col.region",
    "fiscal_year": "col.fiscal_year", "eval_type": "export.col.eval_type", "report_date": "export.col.report_date",
    "period_start": "export.col.period_start", "period_end": "export.col.period_end",
    "budget_planned": "export.col.budget_planned", "budget_adjusted": "export.col.budget_adjusted",
    "funds_arrived": "col.funds_arrived", "spent": "col.spent",
    "arrival_rate_stated": "export.col.arrival_rate_stated",
    "execution_rate_stated": "export.col.execution_rate_stated",
    "arrival_rate": "export.col.arrival_rate", "execution_rate": "export.col.execution_rate",
    "self_score": "col.self_score", "grade_raw": "export.col.grade_raw", "grade": "col.grade",
    "missing_fields": "export.col.missing_fields",
    "line_no": "export.col.line_no", "category": "col.category", "category_code": "export.col.category_code",
    "category_raw": "export.col.category_raw", "planned": "col.planned", "actual": "col.actual",
    "origin": "export.col.origin",
    "level1": "export.col.level1", "level2": "export.col.level2", "name": "export.col.name",
    "target_raw": "export.col.target_raw", "actual_raw": "export.col.actual_raw", "weight": "export.col.weight",
    "score": "export.col.score", "note": "export.col.note",
    "rule": "export.col.rule", RULE_NAME: "col.rule", "severity": "col.severity", "subject": "col.subject",
    "message": "col.message", "message_en": "export.col.message_en", "evidence": "export.col.evidence",
    "detected_at": "export.col.detected_at", "status": "col.status", "comment": "export.col.comment",
    "reviewer": "export.col.reviewer", "reviewed_at": "export.col.reviewed_at",
}
# Columns whose values are codes, and the i18n prefix that names each code
# (severity "high" -> severity.high -> 高).
VALUE_KEYS = {"severity": "severity.", "status": "status.", "parse_status": "export.value.parse_status.",
              "shape": "export.value.shape.", "origin": "export.value.origin.",
              "eval_type": "export.value.eval_type."}
# missing_fields holds a JSON list of field names (["spent", "self_score"]); the data-quality
# words name them.
FIELD_KEYS = "ingest.field."
ALL = "all"     # file_name's `what` for every table at once


@dataclass(frozen=True)
class Context:
    """What a file says about itself. `filters` are the sidebar's (label, value) pairs in
    `language`; `params` the same filters as the queries bind them."""
    language: str = "zh"
    codes: bool = False
    filters: tuple[tuple[str, str], ...] = ()
    params: dict = field(default_factory=dict, compare=False, hash=False)
    store: str = ""
    years: tuple[int, ...] = ()


def value_words(prefix: str, language: str) -> dict[str, str]:
    """Every code under an i18n prefix and its words: value_words("severity.", "zh")["high"] == "高"."""
    return {key[len(prefix):]: t(key, language=language) for key in TEXTS if key.startswith(prefix)}


def labelled(frame: pl.DataFrame, language: str) -> pl.DataFrame:
    """Coded values in words and each rule's name beside its id; column names and numbers
    unchanged. A code the dictionary does not know stays as it is."""
    changes = [pl.col(name).replace(value_words(prefix, language)) for name, prefix in VALUE_KEYS.items()
               if name in frame.columns]
    if "missing_fields" in frame.columns:
        names = value_words(FIELD_KEYS, language)
        listed = (pl.col("missing_fields").str.json_decode(pl.List(pl.String))
                  .list.eval(pl.element().replace(names)).list.join("、" if language == "zh" else ", "))
        changes.append(pl.when(listed != "").then(listed).alias("missing_fields"))
    out = frame.with_columns(changes)
    if "rule" in frame.columns:
        order = list(frame.columns)
        order.insert(order.index("rule") + 1, RULE_NAME)
        out = out.with_columns(pl.col("rule").replace(value_words("rule.", language)).alias(RULE_NAME)).select(order)
    return out


def headers(columns: list[str], language: str, percent_in_header: bool = True) -> dict[str, str]:
    """Each column's header in `language`: headers(["budget_planned"], "zh") ==
    {"budget_planned": "年初预算（万元）"}. Rates say "%" in their header where the cell holds
    a percent number (CSV, Parquet), not where the cell shows its own % sign (XLSX)."""
    out = {}
    for name in columns:
        label = t(HEADER_KEYS[name], language=language) if name in HEADER_KEYS else name
        if name in RATE_COLUMNS and percent_in_header:
            label = t("export.percent_header", language=language, label=label)
        out[name] = label
    return out


def rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """Money and rates to two decimals, as a person reads them."""
    return frame.with_columns(pl.col(name).round(DECIMALS)
                              for name in frame.columns if name in MONEY_COLUMNS | RATE_COLUMNS)


def for_people(frame: pl.DataFrame, language: str, round_numbers: bool) -> pl.DataFrame:
    """A table as a person reads it: coded values in words, headers in `language`, money and
    rates (percent numbers, "%" in the header) to two decimals when `round_numbers`."""
    shown = labelled(frame, language)
    if round_numbers:
        shown = rounded(shown)
    return shown.rename(headers(shown.columns, language))


def years_text(years: tuple[int, ...] | list[int], language: str) -> str:
    """The years a file covers, for its name: (2023,) -> "2023", (2022, 2023) -> "2022-2023",
    (2019, 2021, 2022) -> "2019,2021-2022"; none chosen -> "全部年度"."""
    if not years:
        return t("export.file.all_years", language=language)
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ",".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def file_name(what: str, years: tuple[int, ...] | list[int], language: str, when: dt.date, ext: str) -> str:
    """What a file holds, for which years, and when: file_name("anomalies", (2023,), "zh",
    date(2026, 12, 6), "xlsx") == "异常_2023_2026-12-06.xlsx"; `what` is a table or ALL."""
    return f"{t(f'export.file.{what}', language=language)}_{years_text(years, language)}_{when:%Y-%m-%d}.{ext}"


def sheet_title(table: str, context: Context) -> str:
    """A table's sheet, Parquet file and row-count label: its name in words, or in codes."""
    return table if context.codes else t(f"export.table.{table}", language=context.language)


def size_text(size: int) -> str:
    """A file's size for its button: size_text(48_213) == "48 KB", size_text(3_400_000) == "3.4 MB"."""
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"


def about_rows(context: Context, counts: dict[str, int], exported_at: dt.datetime) -> list[tuple[str, str]]:
    """What a file states about itself, as label/value rows: title, time of export, store,
    how columns are written, the filters (or none), the rows of each table it holds."""
    language = context.language
    rows = [(t("export.sheet_title", language=language), ""),
            (t("export.sheet_time", language=language), exported_at.strftime("%Y-%m-%d %H:%M:%S")),
            (t("export.sheet_store", language=language), context.store),
            (t("export.sheet_columns", language=language),
             t("export.sheet_codes" if context.codes else "export.sheet_labels", language=language)),
            ("", ""),
            (t("export.sheet_filters", language=language),
             "" if context.filters else t("export.sheet_no_filters", language=language))]
    rows += [(f"  {label}", value) for label, value in context.filters]
    rows += [("", ""), (t("export.sheet_tables", language=language), "")]
    rows += [(f"  {sheet_title(table, context)}", f"{count:,}") for table, count in counts.items()]
    return rows


def about_text(rows: list[tuple[str, str]], language: str) -> bytes:
    """The 筛选条件 file: one "label：value" line a row, UTF-8 with a BOM as the CSV beside it."""
    colon = ": " if language == "en" else "："
    lines = [f"{label}{colon}{value}" if value else label for label, value in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def read_tables(params: dict, tables: tuple[str, ...], conn) -> dict[str, pl.DataFrame]:
    """Every row of the export queries for these filters."""
    return {table: queries.run(conn, f"export_{table}", limit=None, **params) for table in tables}


def offer(what: str, signature: str, prepare_label: str, file_name: str, mime: str,
          build: Callable[[Callable[[float, str], None]], bytes], download_label: Callable[[str], str],
          where=st, logged: dict | None = None) -> None:
    """A button that builds the file `what` (build(progress) -> its bytes; progress(share,
    text)) and keeps it in the session, and, once it is built for these filters, language
    and store (`signature`), a button that downloads those bytes.

    Bytes are offered, not a callable that builds the file on the click
    (download_button(data=callable)): Streamlit keeps what such a click built only until two
    page runs of any session have ended, and with twenty auditors at work the browser asked
    for it too late (HTTP 404, bench/sessions.py). Bytes stay served while the page shows
    their button. Each file built is an audit-log entry naming the user, `what` and `logged`
    (the filters)."""
    kept = f"export_file_{what}"
    if where.button(prepare_label, key=f"export_{what}_prepare", icon=":material/build:", help=file_name):
        bar = where.progress(0.0, text=t("export.reading"))
        built = build(lambda share, text: bar.progress(min(1.0, share), text=text))
        bar.empty()
        st.session_state[kept] = {"signature": signature, "bytes": built, "built": dt.datetime.now(),
                                  "file_name": file_name}
        data.record(login.user_name(), "export", file_name, {"what": what, **(logged or {})})
    prepared = st.session_state.get(kept)
    if prepared and prepared["signature"] == signature:
        where.download_button(download_label(size_text(len(prepared["bytes"]))), data=prepared["bytes"],
                              file_name=prepared["file_name"], mime=mime, key=f"export_{what}", on_click="ignore",
                              type="primary", icon=":material/download:",
                              help=t("export.ready", time=f"{prepared['built']:%H:%M:%S}", name=prepared["file_name"]))


def xlsx_file(frames: dict[str, pl.DataFrame], context: Context, progress: Callable[[float, str], None]) -> bytes:
    """The workbook of these tables, its rows written reported to `progress`."""
    exported_at = dt.datetime.now()
    about = about_rows(context, {table: frame.height for table, frame in frames.items()}, exported_at)
    return xlsx_bytes(frames, about, context, on_rows=lambda done, total: progress(
        done / max(total, 1), t("export.xlsx_progress", done=f"{done:,}", total=f"{total:,}")))


def csv_zip(frame: pl.DataFrame, table: str, context: Context, name: str, exported_at: dt.datetime) -> bytes:
    """`name` (….zip) holding the table's CSV (the same name, .csv) and the 筛选条件 file."""
    shown = frame if context.codes else for_people(frame, context.language, round_numbers=True)
    about = about_text(about_rows(context, {table: frame.height}, exported_at), context.language)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(str(Path(name).with_suffix(".csv")), csv_bytes(shown))
        archive.writestr(t("export.file.filters", language=context.language), about)
    return buffer.getvalue()


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


def parquet_bytes(frame: pl.DataFrame, metadata: dict[str, str] | None = None) -> bytes:
    """One table as Parquet; `metadata` goes into the file's key-value metadata, which
    polars' writer cannot set (pyarrow.parquet.read_schema(f).metadata reads it back)."""
    table = frame.to_arrow()
    if metadata:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               **{key.encode(): value.encode() for key, value in metadata.items()}})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def parquet_metadata(table: str, frame: pl.DataFrame, context: Context, exported_at: dt.datetime,
                     columns: dict[str, str]) -> dict[str, str]:
    """A Parquet file's account of itself: which table, the filters (as the page states them
    and as the queries bind them), when, from which store, in which language, and each
    column's name in the store."""
    return {"table": table, "rows": str(frame.height),
            "filters": json.dumps(dict(context.filters), ensure_ascii=False),
            "filter_params": json.dumps(context.params, ensure_ascii=False, default=str),
            "exported_at": exported_at.strftime("%Y-%m-%d %H:%M:%S"), "store": context.store,
            "language": context.language, "codes": "true" if context.codes else "false",
            "columns": json.dumps(columns, ensure_ascii=False)}


def parquet_zip(frames: dict[str, pl.DataFrame], context: Context, when: dt.date, exported_at: dt.datetime) -> bytes:
    """One Parquet file per table and the 筛选条件 file, in one zip (stored: Parquet is
    compressed already). Labelled files keep full precision: rounding is for reading."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for table, frame in frames.items():
            if context.codes:
                shown, columns = frame, {name: name for name in frame.columns}
            else:
                named = labelled(frame, context.language)
                columns = {label: name for name, label in headers(named.columns, context.language).items()}
                shown = named.rename({name: label for label, name in columns.items()})
            metadata = parquet_metadata(table, frame, context, exported_at, columns)
            archive.writestr(file_name(table, context.years, context.language, when, "parquet"),
                             parquet_bytes(shown, metadata))
        archive.writestr(t("export.file.filters", language=context.language),
                         about_text(about_rows(context, {table: frame.height for table, frame in frames.items()},
                                               exported_at), context.language))
    return buffer.getvalue()


def text_width(text: str) -> int:
    """Columns of Excel's width the text takes: text_width("预算（万元）") == 12."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def sheet_names(table: str, rows: int) -> list[str]:
    """The sheet(s) a table fills: its name, and numbered continuations past Excel's limit."""
    parts = max(1, -(-rows // (EXCEL_MAX_ROWS - 1)))
    return [table] + [f"{table}_{part}" for part in range(2, parts + 1)]


def xlsx_bytes(frames: dict[str, pl.DataFrame], about: list[tuple[str, str]], context: Context,
               on_rows: Callable[[int, int], None] | None = None) -> bytes:
    """One workbook: a first sheet stating what was exported (`about`: label/value rows:
    the filters, the time, the store), then one sheet per table with a frozen, filterable
    header row. For people (not `context.codes`), headers and codes in words, money shown
    to two decimals and rates as % cells (the full value kept: Excel sums what it holds).
    `on_rows(done, total)` follows the writing of table rows."""
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
    money_format = workbook.add_format({"num_format": MONEY_FORMAT})
    percent_format = workbook.add_format({"num_format": PERCENT_FORMAT})

    info = workbook.add_worksheet("filters" if context.codes else t("export.sheet_name", language=context.language))
    info.set_column(0, 0, 24)
    info.set_column(1, 1, 80)
    for row, (label, value) in enumerate(about):
        info.write_string(row, 0, label, bold)
        info.write_string(row, 1, value)

    total = sum(frame.height for frame in frames.values())
    done = 0
    for table, frame in frames.items():
        if context.codes:
            named, header_row, rates = frame, frame.columns, []
        else:
            named = labelled(frame, context.language)
            header_row = list(headers(named.columns, context.language, percent_in_header=False).values())
            rates = [name for name in named.columns if name in RATE_COLUMNS]
        writers = []
        for position, (name, dtype) in enumerate(named.schema.items()):
            if dtype == pl.Datetime:
                writers.append((position, "datetime", time_format, 19))
            elif dtype == pl.Date:
                writers.append((position, "datetime", date_format, 11))
            elif dtype.is_numeric() and not context.codes and name in MONEY_COLUMNS:
                writers.append((position, "number", money_format, 14))
            elif dtype.is_numeric() and name in rates:
                writers.append((position, "number", percent_format, 12))
            elif dtype.is_numeric():
                writers.append((position, "number", None, 12))
            else:
                writers.append((position, "string", None, WIDE_COLUMNS.get(name, 14)))
        # A column as wide as its header at least (a Chinese character takes two widths).
        writers = [(position, kind, cell_format, max(width, text_width(header_row[position]) + 2))
                   for position, kind, cell_format, width in writers]
        chunk = EXCEL_MAX_ROWS - 1
        for part, name in enumerate(sheet_names(sheet_title(table, context), frame.height)):
            # Excel has no NaN: a blank cell says "no value" as the store's null does. A %
            # cell holds the fraction (97.5 % is 0.975).
            piece = (named.slice(part * chunk, chunk).with_columns(pl.col(pl.Float32, pl.Float64).fill_nan(None))
                     .with_columns(pl.col(rate) / 100 for rate in rates))
            sheet = workbook.add_worksheet(name)
            for position, _, cell_format, width in writers:
                sheet.set_column(position, position, width, cell_format)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(piece.height, 1), max(named.width - 1, 0))
            sheet.write_row(0, 0, header_row, header)
            methods = [(position, getattr(sheet, f"write_{kind}"), cell_format)
                       for position, kind, cell_format, _ in writers]
            # Python values for a batch of rows at a time: a whole table would take gigabytes.
            for start in range(0, piece.height, ROWS_PER_BATCH):
                batch = piece.slice(start, ROWS_PER_BATCH)
                columns = [batch[column].to_list() for column in named.columns]
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
