"""The 复核 working papers: the 复核工作底稿 (XLSX), a report's 复核意见 and the 通报 on the
filtered set (Word). Pure functions, frames in, bytes out: the /rescore page offers the
bytes, and tests read them back. Nothing here reads the store: the frames come from the
named queries rescore_items, report_summary, report_anomalies, bulletin_by_group,
bulletin_by_rule and bulletin_worst.

The Word documents take the form of Chinese government documents (党政机关公文格式,
GB/T 9704-2012): A4, margins 3.7 / 3.5 / 2.8 / 2.6 cm (top, bottom, left, right), the
title in 方正小标宋简体 二号 centred, the body in 仿宋_GB2312 三号 at a fixed 28 pt line with
a first-line indent of two characters, headings 一、 in 黑体 and （一） in 楷体_GB2312, the
signature and date right-aligned, the page number "— 1 —" in the footer. Chinese fonts are
named on each run's w:eastAsia (Word and LibreOffice choose the font of a Chinese character
there, not by w:ascii), and the font table names the font to use where a machine lacks the
GB2312 one (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体).

Report text (names, reasons, anomaly messages) is data: written as text runs, never markup.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from typing import Any, Iterable

import docx
import polars as pl
import xlsxwriter
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

from app_pages.export_parts import EXCEL_MAX_ROWS, text_width
from app_pages.filters import Filters
from app_pages.i18n import TEXTS, t

# -- the page form (GB/T 9704-2012) --------------------------------------------------------
PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7                       # A4
MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
TEXT_WIDTH_CM = PAGE_WIDTH_CM - MARGINS_CM["left"] - MARGINS_CM["right"]   # 15.6 cm, 28 characters of 三号
FOOTER_DISTANCE_CM = 2.5          # the page number sits some 7 mm below the last line of text
# Chinese type sizes (字号) in points.
SIZE_2, SIZE_3, SIZE_4, SIZE_5 = 22.0, 16.0, 14.0, 10.5
LINE_PITCH_PT = 28.0              # 22 lines of 三号 to the page
TABLE_LINE_PT = 15.0              # table cells in 五号: single spacing, a little air
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"             # 一、
SUBHEADING_FONT = "楷体_GB2312"    # （一）
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"    # digits and Latin letters beside the Chinese
# Where a machine lacks the first font, the second (w:altName in the font table): the
# GB2312 editions and 方正 fonts ship with few systems; 仿宋, 楷体 and 宋体 with Windows.
FALLBACK_FONTS = {BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体", TITLE_FONT: "宋体"}
CHINESE_CHARSET = "86"            # GB2312, as Word writes it in the font table
INDENT_CHARS = 2                  # first-line indent: two characters
SIGNATURE_RIGHT_CHARS = 4         # the signature and date stand four characters in from the right
CHINESE_NUMERALS = "一二三四五六七八九十"
# Where a title may break (the i18n titles mark it), and how many 二号 characters a line holds
# (15.6 cm of 22 pt characters is 20; one to spare).
TITLE_BREAK = "\n"
TITLE_LINE_CHARS = 19
SENTENCE_ENDS = "。！？.!?”」』"

# -- the worksheet ------------------------------------------------------------------------
SCORE_FORMAT = "0.00"
GAP_FORMAT = "+0.00;[Red]-0.00;0.00"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
# (column, kind): the worksheet's columns in order. Kinds: text, year, score, gap, time.
SHEET_COLUMNS = (
    ("file_name", "text"), ("project_name", "text"), ("implementing_unit", "text"), ("supervising_dept", "text"),
    ("fiscal_year", "year"), ("level1", "text"), ("level2", "text"), ("name", "text"), ("target_raw", "text"),
    ("actual_raw", "text"), ("weight", "score"), ("self_score", "score"), ("rescore", "score"), ("gap", "gap"),
    ("criterion", "text"), ("reason", "text"), ("reviewer", "text"), ("rescored_at", "time"),
    ("self_grade", "text"), ("rescored_grade", "text"),
)
# Widths in Excel's units (a Chinese character takes two): at least the header's, at most
# these, longer text wrapping in its cell.
WIDTH_MAX = {"reason": 50, "name": 36, "project_name": 36, "implementing_unit": 30, "supervising_dept": 26,
             "criterion": 24, "target_raw": 18, "actual_raw": 18}
WIDTH_MAX_DEFAULT = 30
WIDTH_OF_KIND = {"year": 8, "score": 10, "gap": 10, "time": 17}
# Widths are measured on the first lines: a column's longest text is seldom further down,
# and a whole province's worksheet holds hundreds of thousands of lines.
WIDTH_SAMPLE = 5_000
XLSX_PAPER_A4 = 9                 # xlsxwriter's paper sizes: 9 is A4
# Bulletin tables list this many units at most when the caller did not cut them already.
DOCX_TABLE_ROWS_MAX = 200

# XML 1.0 has no place for most control characters; report text may carry them (a \x0b
# line break from Word, a \x07 cell mark from WPS).
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# == the queries' parameters ==================================================================

def item_params(report_id: str | None = None, filters: dict | None = None) -> dict:
    """The parameters of queries/rescore_items.sql: the one report `report_id` (None: the
    filtered reports) and the sidebar's filters (`filters`, as Filters.params() gives them;
    None: no filter, which is what one report's papers need: the report is chosen by its id).
    Grades follow each report's rule set (queries/setup.sql report_rule_sets)."""
    return {**bulletin_params(filters), "report_id": report_id}


def bulletin_params(filters: dict | None = None) -> dict:
    """The parameters the bulletin_* queries share: the filters. Each query adds its own:
    bulletin_by_group $group ('all' | 'dept' | 'unit') and $limit, bulletin_worst $limit
    (None: all)."""
    return dict(Filters().params() if filters is None else filters)


# == values as a person reads them ============================================================

def clean(value: Any) -> str:
    """A value as text for a document: None -> "", control characters out."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return NOT_IN_XML.sub("", str(value)).strip()


def number(value: Any) -> float | None:
    """A number, or None for null, NaN and text that is none: number("9.8") == 9.8."""
    if value is None or isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def score_text(value: Any) -> str:
    """A score as written in a document, to two decimals without trailing zeros:
    score_text(97.80) == "97.8", score_text(15.0) == "15", score_text(None) == ""."""
    out = number(value)
    if out is None:
        return ""
    text = f"{round(out, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def money_text(value: Any) -> str:
    """万元 to two decimals, digits ungrouped as 公文 write them: money_text(1321.856) == "1321.86"."""
    out = number(value)
    return "" if out is None else f"{out:.2f}"


def rate_text(value: Any) -> str:
    """A percent number to two decimals: rate_text(96.4329) == "96.43"."""
    out = number(value)
    return "" if out is None else f"{out:.2f}"


def date_text(when: dt.date | dt.datetime, language: str = "zh") -> str:
    """date_text(date(2026, 12, 6)) == "2026年12月6日" (Arabic numerals, no leading zeros)."""
    return t("papers.date", language=language, year=when.year, month=when.month, day=when.day)


def sentence(text: str, language: str = "zh") -> str:
    """A sentence ended: sentence("超出计划 0.7 万元") == "超出计划 0.7 万元。"; one that ends in its
    own stop keeps it."""
    text = text.rstrip("；;，, ")
    return text if not text or text[-1] in SENTENCE_ENDS else text + t("papers.stop", language=language)


def title_lines(text: str, line_chars: int = TITLE_LINE_CHARS) -> list[str]:
    """A title's lines: its pieces (TITLE_BREAK marks where it may break) packed into lines of
    at most `line_chars` characters of 二号; a piece longer than a line wraps by itself.
    title_lines("关于“冰雪运动进校园推广经费”\n绩效自评的\n复核意见") ==
    ["关于“冰雪运动进校园推广经费”", "绩效自评的复核意见"]."""
    lines: list[str] = []
    for piece in text.split(TITLE_BREAK):
        if lines and title_width(lines[-1] + piece) <= 2 * line_chars:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines


def title_width(text: str) -> int:
    """Half-widths a title line takes: a Chinese character or a Chinese quotation mark two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1 for char in text)


def chinese_number(n: int) -> str:
    """The 一、二、… of headings: chinese_number(3) == "三", chinese_number(12) == "十二"."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def rule_name(rule: Any, language: str = "zh") -> str:
    """A rule's name in words where the dictionary knows it, else its id."""
    key = f"rule.{rule}"
    return t(key, language=language) if key in TEXTS else clean(rule)


def rows_of(frame: pl.DataFrame | None) -> list[dict]:
    """A frame's rows as dicts; None or an empty frame: none."""
    return [] if frame is None or frame.is_empty() else frame.to_dicts()


def first(rows: Iterable[dict], key: str) -> Any:
    """The first non-null value of `key` among rows (a report's totals repeat on each row)."""
    return next((row.get(key) for row in rows if row.get(key) is not None), None)


def years_text(years: Iterable[Any], language: str = "zh") -> str:
    """The years a bulletin covers: [2024] -> "2024", [2022, 2023, 2024] -> "2022—2024",
    [2019, 2021] -> "2019、2021"; none -> ""."""
    chosen = sorted({int(year) for year in years or () if number(year) is not None})
    if not chosen:
        return ""
    if len(chosen) > 1 and chosen == list(range(chosen[0], chosen[-1] + 1)):
        return t("papers.bulletin.years_range", language=language, first=chosen[0], last=chosen[-1])
    return t("papers.list_separator", language=language).join(str(year) for year in chosen)


def indicator_label(row: dict, language: str = "zh") -> str:
    """An item's name: the execution-rate row (line_no 0) by its label when it has none."""
    name = clean(row.get("name"))
    if not name and row.get("line_no") == 0:
        return t("papers.execution_row", language=language)
    return name


def money_clauses(values: dict, language: str = "zh") -> list[str]:
    """"预算资金58.00万元", "实际到位资金报告未载明", …, "预算执行率98.00%": a report's or a set's
    money in words, a value the report does not state said so."""
    unstated = t("papers.unstated", language=language)
    # The budget as budget_of takes it (SPEC: the adjusted one where the report gives one).
    budget = next((values.get(key) for key in ("budget", "budget_adjusted", "budget_planned")
                   if values.get(key) is not None), None)
    out = []
    for key, value in (("budget", budget), ("funds_arrived", values.get("funds_arrived")),
                       ("spent", values.get("spent"))):
        label = t(f"papers.label.{key}", language=language)
        out.append(t("papers.amount", language=language, label=label, value=money_text(value))
                   if number(value) is not None else
                   t("papers.missing", language=language, label=label, unstated=unstated))
    rate = values.get("execution_rate")
    if number(rate) is not None:
        out.append(t("papers.percent", language=language, label=t("papers.label.execution_rate", language=language),
                     value=rate_text(rate)))
    return out


# == 复核工作底稿 (XLSX) =========================================================================

def worksheet_xlsx(rows: pl.DataFrame, filters_text: str, author: str, when: dt.datetime,
                   language: str = "zh") -> bytes:
    """The 复核工作底稿: a first sheet with a row per scored item of each report and a total
    row per report, a second sheet (说明) stating the filters, who made it and when.

    `rows` are queries/rescore_items.sql's, one per item, in the order to show (report by
    report, the execution-rate row, line_no 0, first):
      report_id, file_name, project_name, implementing_unit, supervising_dept, fiscal_year;
      line_no (0: the execution-rate row), level1, level2, name, target_raw, actual_raw,
      weight, self_score (the report's score for the item), rescore (the latest re-score,
      null when none), gap (rescore − self_score), criterion, reason, reviewer, rescored_at;
      and, repeated on each row of a report: report_self_score, report_grade, items_weight,
      items_self_total, rescored_items, rescored_total, rescored_grade, total_gap.
    Any of these may be null or missing; an empty frame gives the headers and the 说明.
    Headers in `language` (zh | en); scores to two decimals, gaps signed (a fall in red);
    the header row frozen and filterable."""
    buffer = io.BytesIO()
    # Cells are what they are: a name that looks like a formula, number or link stays text.
    # Rows go out as they are written (constant_memory): a province's worksheet is long.
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False,
                                            "remove_timezone": True})
    workbook.set_properties({"title": t("papers.about.title", language=language), "author": clean(author),
                             "created": when})
    header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                         "valign": "vcenter", "align": "center"})
    base = {"valign": "top"}
    total = {"bold": True, "bg_color": "#F2F2F2", "top": 1}
    formats = {}
    for kind, extra in (("text", {"text_wrap": True}), ("year", {"num_format": "0"}),
                        ("score", {"num_format": SCORE_FORMAT}), ("gap", {"num_format": GAP_FORMAT}),
                        ("time", {"num_format": TIME_FORMAT})):
        formats[kind] = workbook.add_format({**base, **extra})
        formats[f"{kind}_total"] = workbook.add_format({**base, **extra, **total})

    sheet = workbook.add_worksheet(t("papers.sheet.items", language=language))
    headers = [t(f"papers.col.{column}", language=language) for column, _ in SHEET_COLUMNS]
    lines = sheet_lines(rows, language)
    cut = len(lines) > EXCEL_MAX_ROWS - 1
    lines = lines[:EXCEL_MAX_ROWS - 1]
    widths = []
    for position, (column, kind) in enumerate(SHEET_COLUMNS):
        if kind in WIDTH_OF_KIND:
            width = WIDTH_OF_KIND[kind]
        else:
            longest = max((text_width(clean(line[column])) for line, _ in lines[:WIDTH_SAMPLE]
                           if line.get(column) is not None), default=0)
            width = min(longest + 2, WIDTH_MAX.get(column, WIDTH_MAX_DEFAULT))
        widths.append(max(width, text_width(headers[position]) + 4))
    for position, width in enumerate(widths):
        sheet.set_column(position, position, width)
    sheet.write_row(0, 0, headers, header_format)
    sheet.set_row(0, 20)
    for number_of_row, (line, is_total) in enumerate(lines, start=1):
        for position, (column, kind) in enumerate(SHEET_COLUMNS):
            cell_format = formats[f"{kind}_total" if is_total else kind]
            value = line.get(column)
            if kind == "text":
                sheet.write_string(number_of_row, position, clean(value), cell_format)
            elif kind == "time" and isinstance(value, (dt.datetime, dt.date)):
                sheet.write_datetime(number_of_row, position, value, cell_format)
            elif kind != "time" and number(value) is not None:
                sheet.write_number(number_of_row, position, number(value), cell_format)
            else:
                sheet.write_blank(number_of_row, position, None, cell_format)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(lines), 1), len(SHEET_COLUMNS) - 1)
    # Printed as auditors file it: A4 landscape, as wide as the page, the header on each page.
    sheet.set_landscape()
    sheet.set_paper(XLSX_PAPER_A4)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)

    about = workbook.add_worksheet(t("papers.sheet.about", language=language))
    label_format = workbook.add_format({"bold": True, "valign": "top"})
    title_format = workbook.add_format({"bold": True, "font_size": 14})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    about.set_column(0, 0, 16)
    about.set_column(1, 1, 90)
    items = [line for line, is_total in lines if not is_total]
    reports = {line.get("report_id") or line.get("file_name") for line in items}
    about_rows = [
        (t("papers.about.author", language=language), clean(author)),
        (t("papers.about.time", language=language), when.strftime("%Y-%m-%d %H:%M:%S")),
        (t("papers.about.filters", language=language),
         clean(filters_text) or t("papers.about.no_filters", language=language)),
        (t("papers.about.reports", language=language), str(len(reports))),
        (t("papers.about.rows", language=language), str(len(items))),
        (t("papers.about.rescored", language=language),
         str(sum(1 for line in items if number(line.get("rescore")) is not None))),
        (t("papers.about.notes", language=language), t("papers.about.note_rescore", language=language)),
        ("", t("papers.about.note_execution", language=language)),
        ("", t("papers.about.note_total", language=language)),
        ("", t("papers.about.note_grade", language=language)),
    ]
    if cut:
        about_rows.append(("", t("papers.about.cut", language=language, n=f"{len(lines):,}")))
    about.write_string(0, 0, t("papers.about.title", language=language), title_format)
    for position, (label, value) in enumerate(about_rows, start=2):
        about.write_string(position, 0, label, label_format)
        about.write_string(position, 1, value, wrap)
    workbook.close()
    return buffer.getvalue()


def sheet_lines(rows: pl.DataFrame | None, language: str = "zh") -> list[tuple[dict, bool]]:
    """The worksheet's lines: each item (is_total False) and after each report's items its
    total (is_total True): self-score the report's own total, re-score its re-scored total,
    the grades, and a note of how many rows were re-scored and of rows whose self-scores do
    not add up to the report's total."""
    out: list[tuple[dict, bool]] = []
    report_rows: list[dict] = []

    def close_report() -> None:
        if not report_rows:
            return
        head = report_rows[0]
        report_total = first(report_rows, "report_self_score")
        items_total = first(report_rows, "items_self_total")
        if items_total is None:
            items_total = sum(number(row.get("self_score")) or 0 for row in report_rows)
        rescored = first(report_rows, "rescored_items")
        if rescored is None:
            rescored = sum(1 for row in report_rows if number(row.get("rescore")) is not None)
        notes = [t("papers.sheet.rescored_items", language=language, n=int(rescored))]
        if (broken_down(report_rows) and number(report_total) is not None
                and abs(number(items_total) - number(report_total)) > 0.005):
            notes.append(t("papers.sheet.sum_differs", language=language, items=score_text(items_total),
                           total=score_text(report_total)))
        weight = first(report_rows, "items_weight")
        if weight is None and any(number(row.get("weight")) is not None for row in report_rows):
            weight = sum(number(row.get("weight")) or 0 for row in report_rows)
        out.append(({
            "file_name": head.get("file_name"), "project_name": head.get("project_name"),
            "implementing_unit": head.get("implementing_unit"), "supervising_dept": head.get("supervising_dept"),
            "fiscal_year": head.get("fiscal_year"), "name": t("papers.total", language=language),
            "weight": weight, "self_score": report_total, "rescore": first(report_rows, "rescored_total"),
            "gap": first(report_rows, "total_gap"),
            "reason": t("papers.sheet.separator", language=language).join(notes),
            "self_grade": first(report_rows, "report_grade"), "rescored_grade": first(report_rows, "rescored_grade"),
        }, True))
        report_rows.clear()

    for row in rows_of(rows):
        key = row.get("report_id") or row.get("file_name")
        if report_rows and key != (report_rows[0].get("report_id") or report_rows[0].get("file_name")):
            close_report()
        report_rows.append(row)
        gap = row.get("gap")
        if gap is None and number(row.get("rescore")) is not None and number(row.get("self_score")) is not None:
            gap = number(row["rescore"]) - number(row["self_score"])
        # The report's grades stand on its total row only.
        out.append(({**row, "name": indicator_label(row, language), "gap": gap, "self_grade": None,
                     "rescored_grade": None}, False))
    close_report()
    return out


# == Word: the page form =======================================================================

def _fonts(rpr, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts on an rPr: Latin letters and digits in `latin`, Chinese in `east_asian`
    (w:eastAsia, with the hint that ambiguous characters such as “” — are Chinese too)."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]           # theme fonts would win over named ones
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


class Paper:
    """A Word document in the 公文 form, built paragraph by paragraph."""

    def __init__(self, title: str, author: str, when: dt.datetime):
        self.document = docx.Document()
        self._defaults()
        self._font_table()
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
        section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
        section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
        section.footer_distance = Cm(FOOTER_DISTANCE_CM)
        self._page_number(section)
        properties = self.document.core_properties
        properties.title = title.replace(TITLE_BREAK, "")
        properties.author = properties.last_modified_by = clean(author)
        properties.created = properties.modified = when
        properties.language = "zh-CN"

    # -- document-wide settings -------------------------------------------------------------
    def _defaults(self) -> None:
        """Every run 仿宋 三号 and Chinese by default; paragraphs at the fixed line pitch."""
        styles = self.document.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _fonts(run_defaults, BODY_FONT)
        for tag, value in (("w:sz", SIZE_3), ("w:szCs", SIZE_3)):
            element = run_defaults.find(qn(tag))
            element.set(qn("w:val"), str(int(value * 2)))
        language = run_defaults.find(qn("w:lang"))
        language.set(qn("w:val"), "en-US")
        language.set(qn("w:eastAsia"), "zh-CN")
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), str(int(LINE_PITCH_PT * 20)))
        spacing.set(qn("w:lineRule"), "exact")
        theme_language = self.document.settings.element.find(qn("w:themeFontLang"))
        if theme_language is not None:
            theme_language.set(qn("w:eastAsia"), "zh-CN")
        # Chinese punctuation kept at full width, as 公文 are typeset.
        compress = self.document.settings.element.find(qn("w:characterSpacingControl"))
        if compress is not None:
            compress.set(qn("w:val"), "doNotCompress")

    def _font_table(self) -> None:
        """Declare the Chinese fonts with their fallbacks (w:altName) and the GB2312 charset."""
        part = next(part for part in self.document.part.package.iter_parts()
                    if str(part.partname) == "/word/fontTable.xml")
        table = etree.fromstring(part.blob)
        known = {font.get(qn("w:name")) for font in table.findall(qn("w:font"))}
        for name in (BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT, PAGE_NUMBER_FONT, *FALLBACK_FONTS.values()):
            if name in known:
                continue
            font = etree.SubElement(table, qn("w:font"))
            font.set(qn("w:name"), name)
            if name in FALLBACK_FONTS:
                etree.SubElement(font, qn("w:altName")).set(qn("w:val"), FALLBACK_FONTS[name])
            etree.SubElement(font, qn("w:charset")).set(qn("w:val"), CHINESE_CHARSET)
            known.add(name)
        part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _page_number(self, section) -> None:
        """"— 1 —" centred in the footer, the number a PAGE field (四号 半角宋体 digits)."""
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._plain(paragraph)
        before, _, after = t("papers.page_number", language="zh", page="\0").partition("\0")
        self.run(paragraph, before, PAGE_NUMBER_FONT, SIZE_4, latin=PAGE_NUMBER_FONT)
        for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
            run = self.run(paragraph, "", PAGE_NUMBER_FONT, SIZE_4, latin=PAGE_NUMBER_FONT)
            if kind == "instr":
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = text
                run._r.append(instruction)
            elif kind == "text":
                run.text = text
            else:
                field = OxmlElement("w:fldChar")
                field.set(qn("w:fldCharType"), kind)
                run._r.append(field)
        self.run(paragraph, after, PAGE_NUMBER_FONT, SIZE_4, latin=PAGE_NUMBER_FONT)

    # -- runs and paragraphs --------------------------------------------------------------
    @staticmethod
    def run(paragraph, text: str, font: str = BODY_FONT, size: float = SIZE_3, bold: bool = False,
            latin: str = LATIN_FONT):
        # Not stripped: the spaces of "— 1 —" are part of it.
        run = paragraph.add_run(NOT_IN_XML.sub("", text) if text else "")
        run.font.size = Pt(size)
        run.font.bold = bold
        _fonts(run._r.get_or_add_rPr(), font, latin)
        return run

    @staticmethod
    def _plain(paragraph, line_pt: float | None = None) -> None:
        """No spacing around, no indent; a fixed line of `line_pt` points, or single lines."""
        layout = paragraph.paragraph_format
        layout.space_before = layout.space_after = Pt(0)
        layout.first_line_indent = Pt(0)
        if line_pt is None:
            layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            layout.line_spacing = Pt(line_pt)
            layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY

    @staticmethod
    def _indent_chars(paragraph, chars: int, size: float = SIZE_3, side: str = "firstLine") -> None:
        """An indent of `chars` characters: in character units (w:firstLineChars, as Word's
        own 首行缩进 2 字符 writes it) and the same in points for readers that use those."""
        indent = paragraph._p.get_or_add_pPr().get_or_add_ind()
        indent.set(qn(f"w:{side}Chars"), str(chars * 100))
        indent.set(qn(f"w:{side}"), str(int(chars * size * 20)))

    def paragraph(self, parts: Iterable[tuple[str, str]] | str, indent: bool = True,
                  align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY, size: float = SIZE_3,
                  keep_with_next: bool = False):
        """A body paragraph: (text, font) parts, or one text in 仿宋; the first line indented
        two characters; the fixed line pitch. A paragraph that announces what follows (ending
        in "：") stays on the page of what follows, as `keep_with_next` ones do."""
        parts = [(parts, BODY_FONT)] if isinstance(parts, str) else [part for part in parts if part[0]]
        paragraph = self.document.add_paragraph()
        self._plain(paragraph, LINE_PITCH_PT)
        paragraph.alignment = align
        if indent:
            self._indent_chars(paragraph, INDENT_CHARS, size)
        for text, font in parts:
            self.run(paragraph, text, font, size)
        if keep_with_next or (parts and parts[-1][0].endswith("：")):
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def title(self, text: str) -> None:
        """The title: 方正小标宋简体 二号, centred, a blank line below, in lines that break
        between words (title_lines), as 公文 titles do."""
        paragraph = self.document.add_paragraph()
        self._plain(paragraph, 35.0)           # a 二号 title line, two lines set at 35 pt
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        lines = title_lines(text)
        for position, line in enumerate(lines):
            run = self.run(paragraph, line, TITLE_FONT, SIZE_2)
            if position < len(lines) - 1:
                run.add_break()
        self.blank()

    def blank(self) -> None:
        paragraph = self.document.add_paragraph()
        self._plain(paragraph, LINE_PITCH_PT)

    def heading(self, text: str) -> None:
        """一、… in 黑体 三号, indented as the body, on the page of what follows."""
        self.paragraph([(text, HEADING_FONT)], keep_with_next=True)

    def subheading(self, text: str, body: str = "") -> None:
        """（一）… in 楷体 三号; `body` follows in 仿宋 on the same line, as 公文 run on."""
        self.paragraph([(text, SUBHEADING_FONT), (body, BODY_FONT)], keep_with_next=not body)

    def signature(self, lines: list[str]) -> None:
        """The signer and the date, right-aligned, four characters in from the right."""
        self.blank()
        self.document.paragraphs[-1].paragraph_format.keep_with_next = True
        for position, text in enumerate(lines):
            paragraph = self.paragraph(text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
            self._indent_chars(paragraph, SIGNATURE_RIGHT_CHARS, SIZE_3, side="right")
            # The signer and the date stay on one page.
            paragraph.paragraph_format.keep_with_next = position < len(lines) - 1

    def table(self, caption: str, headers: list[str], rows: list[list[str]], widths_cm: list[float],
              numeric: set[int] = frozenset(), total_rows: set[int] = frozenset()) -> None:
        """A table in 仿宋 五号 under a centred caption in 黑体: fixed column widths adding up
        to the text width, the header row in 黑体 repeated on each page, the `numeric` columns
        centred, rows kept whole across pages. `total_rows`: indexes of rows set in 黑体."""
        if caption:
            paragraph = self.document.add_paragraph()
            self._plain(paragraph, LINE_PITCH_PT)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.keep_with_next = True
            self.run(paragraph, caption, HEADING_FONT, SIZE_4)
        scale = TEXT_WIDTH_CM / sum(widths_cm)
        widths = [Cm(width * scale) for width in widths_cm]
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False                 # a fixed layout (w:tblLayout): the widths hold
        # The table's own width, where python-docx's new table says "auto" (the schema's place
        # for it is near the top of w:tblPr, so the element is changed, not added).
        width = table._tbl.tblPr.find(qn("w:tblW"))
        if width is not None:
            width.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))
            width.set(qn("w:type"), "dxa")
        for column, column_width in zip(table.columns, widths):
            column.width = column_width

        def fill(cells, values, font, bold=False, header=False):
            for position, (cell, value) in enumerate(zip(cells, values)):
                cell.width = widths[position]
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                paragraph = cell.paragraphs[0]
                self._plain(paragraph, TABLE_LINE_PT)
                paragraph.alignment = (WD_ALIGN_PARAGRAPH.CENTER if header or position in numeric
                                       else WD_ALIGN_PARAGRAPH.LEFT)
                self.run(paragraph, value, font, SIZE_5, bold=bold)

        header_row = table.rows[0]
        row_properties = header_row._tr.get_or_add_trPr()
        row_properties.append(OxmlElement("w:tblHeader"))
        fill(header_row.cells, headers, HEADING_FONT, header=True)
        for index, values in enumerate(rows):
            row = table.add_row()
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            is_total = index in total_rows
            fill(row.cells, [clean(value) for value in values], HEADING_FONT if is_total else BODY_FONT)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


# == 复核意见 (Word) ============================================================================

def opinion_docx(report: dict, items: pl.DataFrame, findings: pl.DataFrame, author: str,
                 when: dt.datetime) -> bytes:
    """The 复核意见 on one report, in the 公文 form: 一、基本情况, 二、自评情况, 三、复核情况
    (a table of every scored row with its self-score, the score that counts after review,
    the criterion and the reason, the execution-rate row and the totals), 四、发现的问题 (the
    confirmed findings), 五、复核意见及建议; signed by `author` on `when`'s date.

    `report`: a row of queries/report_summary.sql (or any dict) with project_name,
      implementing_unit, supervising_dept, fiscal_year, budget (else budget_adjusted /
      budget_planned), funds_arrived, spent, execution_rate, self_score, grade; each may be
      missing or None.
    `items`: queries/rescore_items.sql's rows for this report (with $report_id): line_no,
      name, weight, self_score, rescore, criterion, reason, and the report's totals
      items_weight, items_self_total, rescored_items, rescored_total, rescored_grade,
      total_gap. Empty: the report scores nothing row by row, and the opinion says so.
    `findings`: the report's anomalies, e.g. queries/report_anomalies.sql's rows: rule,
      subject, severity, message, and optionally status and comment; where `status` is
      there, only the confirmed ones are listed."""
    language = "zh"
    project = clean(report.get("project_name"))
    title = (t("papers.opinion.title", language=language, project=project) if project
             else t("papers.opinion.title_plain", language=language))
    paper = Paper(title, author, when)
    paper.title(title)
    unit = clean(report.get("implementing_unit"))
    if unit:
        paper.paragraph(t("papers.opinion.addressee", language=language, unit=unit), indent=False)
    year = report.get("fiscal_year")
    if project and year is not None:
        subject = t("papers.opinion.subject_year", language=language, year=year, project=project)
    elif project:
        subject = t("papers.opinion.subject", language=language, project=project)
    else:
        subject = t("papers.opinion.subject_plain", language=language)
    paper.paragraph(t("papers.opinion.intro", language=language, subject=subject))

    comma, stop = t("papers.comma", language=language), t("papers.stop", language=language)
    # 一、基本情况
    paper.heading(t("papers.opinion.h1", language=language))
    basics = [t(f"papers.opinion.{key}", language=language, value=clean(report.get(field)))
              for key, field in (("project", "project_name"), ("unit", "implementing_unit"),
                                 ("dept", "supervising_dept"), ("year", "fiscal_year"))
              if clean(report.get(field))]
    paper.paragraph(comma.join(basics) + stop if basics else t("papers.opinion.no_basics", language=language))
    paper.paragraph(comma.join(money_clauses(report, language)) + stop)

    # 二、自评情况
    paper.heading(t("papers.opinion.h2", language=language))
    self_score, grade = number(report.get("self_score")), clean(report.get("grade"))
    if self_score is None:
        said = t("papers.opinion.self_missing", language=language)
    elif grade:
        said = t("papers.opinion.self", language=language, score=score_text(self_score), grade=grade)
    else:
        said = t("papers.opinion.self_no_grade", language=language, score=score_text(self_score))
    item_rows = rows_of(items)
    items_total = first(item_rows, "items_self_total")
    if items_total is None and item_rows:
        items_total = sum(number(row.get("self_score")) or 0 for row in item_rows)
    if not broken_down(item_rows):
        said += t("papers.opinion.self_no_items", language=language)
    elif self_score is not None and abs(number(items_total) - self_score) > 0.005:
        said += t("papers.opinion.self_items_differ", language=language, n=len(item_rows),
                  total=score_text(items_total), score=score_text(self_score))
    else:
        said += t("papers.opinion.self_items", language=language, n=len(item_rows), total=score_text(items_total))
    paper.paragraph(said)

    # 三、复核情况
    paper.heading(t("papers.opinion.h3", language=language))
    rescored_total, rescored_grade = opinion_totals(item_rows, self_score, grade)
    if not item_rows:
        paper.paragraph(t("papers.opinion.result_no_items", language=language))
    else:
        paper.paragraph(t("papers.opinion.review_intro", language=language))
        headers = [t(f"papers.opinion.col.{key}", language=language)
                   for key in ("indicator", "weight", "self_score", "score", "criterion", "reason")]
        # The score that counts on every row (the self-score where no re-score was given),
        # so that the column adds up to the total; criterion and reason where one was.
        table_rows = []
        for row in item_rows:
            rescored = number(row.get("rescore")) is not None
            table_rows.append([indicator_label(row, language), score_text(row.get("weight")),
                               score_text(row.get("self_score")),
                               score_text(row["rescore"] if rescored else row.get("self_score")),
                               clean(row.get("criterion")) if rescored else "",
                               clean(row.get("reason")) if rescored else ""])
        # A report scored in one sum (no indicator rows): its total is its own self-score.
        if broken_down(item_rows):
            table_rows.append([t("papers.total", language=language), score_text(first(item_rows, "items_weight")),
                               score_text(items_total), score_text(rescored_total), "", ""])
        else:
            table_rows.append([t("papers.total", language=language), "", score_text(self_score),
                               score_text(rescored_total), "", ""])
        paper.table(t("papers.opinion.table_caption", language=language), headers, table_rows,
                    [3.6, 1.2, 1.9, 1.9, 3.0, 4.0], numeric={1, 2, 3}, total_rows={len(table_rows) - 1})
        paper.blank()
        paper.paragraph(opinion_result(item_rows, self_score, rescored_total, rescored_grade, language))

    # 四、发现的问题
    paper.heading(t("papers.opinion.h4", language=language))
    confirmed = confirmed_findings(findings)
    if not confirmed:
        paper.paragraph(t("papers.opinion.no_findings", language=language))
    else:
        paper.paragraph(t("papers.opinion.findings_intro", language=language))
        for position, finding in enumerate(confirmed, start=1):
            text = t("papers.opinion.finding", language=language, number=position,
                     rule=rule_name(finding.get("rule"), language), message=clean(finding.get("message")))
            if clean(finding.get("comment")):
                text += t("papers.opinion.finding_comment", language=language, comment=clean(finding.get("comment")))
            paper.paragraph(sentence(text, language))

    # 五、复核意见及建议
    paper.heading(t("papers.opinion.h5", language=language))
    if rescored_total is not None:
        paper.paragraph(t("papers.opinion.conclusion", language=language, total=score_text(rescored_total),
                          grade=rescored_grade or t("papers.no_grade", language=language)))
    advice = []
    if confirmed:
        advice.append(("advice_rectify", {"n": len(confirmed)}))
    if rescored_total is not None and self_score is not None and rescored_total < self_score - 0.005:
        advice.append(("advice_accuracy", {"gap": score_text(self_score - rescored_total)}))
    rate = number(report.get("execution_rate"))
    if rate is not None and rate < 100:
        advice.append(("advice_execution", {"rate": rate_text(rate)}))
    advice.append(("advice_targets", {}))
    paper.paragraph(t("papers.opinion.advice_intro", language=language))
    for position, (key, values) in enumerate(advice, start=1):
        paper.subheading(f"（{chinese_number(position)}）{t(f'papers.opinion.{key}', language=language)}",
                         t(f"papers.opinion.{key}_text", language=language, **values))
    paper.signature([t("papers.signature.reviewer", language=language, name=clean(author)), date_text(when, language)])
    return paper.save()


def opinion_totals(item_rows: list[dict], self_score: float | None,
                   grade: str | None) -> tuple[float | None, str | None]:
    """The re-scored total and grade the query computed (repeated on each row); a report
    with nothing to re-score row by row keeps its own."""
    if not item_rows:
        return self_score, grade or None
    return number(first(item_rows, "rescored_total")), clean(first(item_rows, "rescored_grade")) or None


def opinion_result(item_rows: list[dict], self_score: float | None, total: float | None, grade: str | None,
                   language: str) -> str:
    """The sentence after the table: how many rows the review changed, the re-scored total
    and grade, and how far it is from the self-score."""
    changed = sum(1 for row in item_rows if number(row.get("rescore")) is not None
                  and abs(number(row["rescore"]) - (number(row.get("self_score")) or 0)) > 0.005)
    grade_text = grade or t("papers.no_grade", language=language)
    if total is None:
        return t("papers.opinion.result_no_items", language=language)
    if self_score is None:
        return t("papers.opinion.result_no_self", language=language, total=score_text(total), grade=grade_text)
    gap = total - self_score
    direction = t("papers.opinion.lower" if gap < 0 else "papers.opinion.higher", language=language)
    values = {"n": changed, "total": score_text(total), "grade": grade_text, "score": score_text(self_score),
              "direction": direction, "gap": score_text(abs(gap))}
    if changed == 0:
        key = "result_unchanged" if abs(gap) <= 0.005 else "result_unchanged_differs"
    else:
        key = "result_same" if abs(gap) <= 0.005 else "result_changed"
    return t(f"papers.opinion.{key}", language=language, **values)


def broken_down(item_rows: list[dict]) -> bool:
    """Whether the report scores indicators row by row (line_no > 0), not just the
    execution-rate row: only then do its rows add up to its total (rescore_items.sql)."""
    return any((row.get("line_no") or 0) > 0 for row in item_rows)


def confirmed_findings(findings: pl.DataFrame | None) -> list[dict]:
    """The findings to list: the confirmed ones where the frame says each one's status."""
    found = rows_of(findings)
    if found and "status" in found[0]:
        found = [row for row in found if row.get("status") == "confirmed"]
    return found


# == 通报 (Word) ================================================================================

def bulletin_docx(summary: dict, by_dept: pl.DataFrame, by_unit: pl.DataFrame, by_rule: pl.DataFrame,
                  worst: pl.DataFrame, filters_text: str, author: str, when: dt.datetime,
                  deadline: dt.date | None = None) -> bytes:
    """The 通报 on the filtered reports' review, in the 公文 form: 一、总体情况, 二、发现的主要问题
    (table 1, by rule), 三、分部门和单位情况 (tables 2 and 3), 四、典型问题, 五、整改要求; signed by
    `author` on `when`'s date. `deadline`, when given, is the date rectification is due.

    `summary`: the one row of queries/bulletin_by_group.sql with $group = 'all' (an empty
      dict when no report is in scope): reports, years (list), budget, funds_arrived, spent,
      execution_rate, self_score_avg, findings, confirmed_findings, open_findings,
      dismissed_findings, reports_with_confirmed, rescored_reports, rescored_self_avg,
      rescored_avg, grade_changed.
    `by_dept`, `by_unit`: bulletin_by_group.sql's rows with $group 'dept' and 'unit':
      group_name, reports, budget, execution_rate, self_score_avg, rescored_avg,
      confirmed_findings, open_findings, groups (how many there are before $limit).
    `by_rule`: bulletin_by_rule.sql's rows: rule, severity, findings, confirmed_findings,
      open_findings, reports.
    `worst`: bulletin_worst.sql's rows: implementing_unit, project_name, self_score, grade,
      rescored_total, rescored_grade, score_gap, messages (the confirmed findings' messages).
    Any frame may be empty and any value null."""
    language = "zh"
    summary = summary or {}
    years = years_text(summary.get("years") or [], language)
    title = (t("papers.bulletin.title_years", language=language, years=years) if years
             else t("papers.bulletin.title", language=language))
    paper = Paper(title, author, when)
    paper.title(title)
    paper.paragraph(t("papers.bulletin.addressee", language=language), indent=False)
    paper.paragraph(t("papers.bulletin.intro_years", language=language, years=years) if years
                    else t("papers.bulletin.intro", language=language))
    paper.paragraph(t("papers.bulletin.filters", language=language, filters=clean(filters_text)) if clean(filters_text)
                    else t("papers.bulletin.no_filters", language=language))
    comma = t("papers.comma", language=language)

    # 一、总体情况
    paper.heading(t("papers.bulletin.h1", language=language))
    reports = int(number(summary.get("reports")) or 0)
    if reports == 0:
        paper.paragraph(t("papers.bulletin.overall_none", language=language))
    else:
        text = t("papers.bulletin.overall_reports", language=language, reports=reports,
                 money=comma.join(money_clauses(summary, language)))
        if number(summary.get("self_score_avg")) is not None:
            text += t("papers.bulletin.overall_score", language=language, score=score_text(summary["self_score_avg"]))
        paper.paragraph(text)
        found = int(number(summary.get("findings")) or 0)
        if found:
            paper.paragraph(t("papers.bulletin.overall_findings", language=language, findings=found,
                              confirmed=int(number(summary.get("confirmed_findings")) or 0),
                              reports=int(number(summary.get("reports_with_confirmed")) or 0),
                              open=int(number(summary.get("open_findings")) or 0),
                              dismissed=int(number(summary.get("dismissed_findings")) or 0)))
        else:
            paper.paragraph(t("papers.bulletin.overall_no_findings", language=language))
        rescored = int(number(summary.get("rescored_reports")) or 0)
        self_avg, rescored_avg = number(summary.get("rescored_self_avg")), number(summary.get("rescored_avg"))
        if rescored and self_avg is not None and rescored_avg is not None:
            gap = rescored_avg - self_avg
            paper.paragraph(t("papers.bulletin.overall_rescored", language=language, reports=rescored,
                              self=score_text(self_avg), rescored=score_text(rescored_avg),
                              direction=t("papers.bulletin.lower" if gap < 0 else "papers.bulletin.higher",
                                          language=language),
                              gap=score_text(abs(gap)), changed=int(number(summary.get("grade_changed")) or 0)))
        else:
            paper.paragraph(t("papers.bulletin.overall_not_rescored", language=language))

    # 二、发现的主要问题
    paper.heading(t("papers.bulletin.h2", language=language))
    rule_rows = rows_of(by_rule)
    if not rule_rows:
        paper.paragraph(t("papers.bulletin.rules_none", language=language))
    else:
        text = t("papers.bulletin.rules_intro", language=language)
        counted = sorted(rule_rows, key=lambda row: (-(number(row.get("findings")) or 0), clean(row.get("rule"))))
        top = t("papers.list_separator", language=language).join(
            t("papers.bulletin.rule_count", language=language, rule=rule_name(row.get("rule"), language),
              n=int(number(row.get("findings")) or 0)) for row in counted[:3])
        text += t("papers.bulletin.rules_top", language=language, top=top)
        paper.paragraph(text)
        headers = [t(f"papers.bulletin.col.{key}", language=language)
                   for key in ("number", "rule", "severity", "findings", "confirmed", "open", "reports")]
        severity_words = {key[len("severity."):]: t(key, language=language)
                          for key in TEXTS if key.startswith("severity.")}
        rows = [[str(position), rule_name(row.get("rule"), language),
                 severity_words.get(row.get("severity"), clean(row.get("severity"))),
                 count_text(row.get("findings")), count_text(row.get("confirmed_findings")),
                 count_text(row.get("open_findings")), count_text(row.get("reports"))]
                for position, row in enumerate(rule_rows, start=1)]
        paper.table(t("papers.bulletin.rules_caption", language=language), headers, rows,
                    [1.1, 5.0, 1.8, 1.8, 1.8, 1.8, 2.3], numeric={0, 2, 3, 4, 5, 6})

    # 三、分部门和单位情况
    paper.heading(t("papers.bulletin.h3", language=language))
    paper.subheading(t("papers.bulletin.h3_dept", language=language))
    group_table(paper, by_dept, "dept", ("budget", "execution_rate", "self_score_avg"),
                [1.0, 4.6, 1.4, 2.2, 1.8, 1.6, 1.5, 1.5], language)
    paper.subheading(t("papers.bulletin.h3_unit", language=language))
    group_table(paper, by_unit, "unit", ("self_score_avg", "rescored_avg"),
                [1.0, 6.2, 1.5, 1.8, 1.8, 1.6, 1.6], language)

    # 四、典型问题
    paper.heading(t("papers.bulletin.h4", language=language))
    cases = rows_of(worst)
    if not cases:
        paper.paragraph(t("papers.bulletin.cases_none", language=language))
    for position, case in enumerate(cases, start=1):
        heading = t("papers.bulletin.case_heading", language=language,
                    unit=clean(case.get("implementing_unit")) or t("papers.bulletin.group_unknown", language=language),
                    project=clean(case.get("project_name")) or clean(case.get("file_name")))
        paper.subheading(f"（{chinese_number(position)}）{heading}")
        for text in case_paragraphs(case, language):
            paper.paragraph(text)

    # 五、整改要求
    paper.heading(t("papers.bulletin.h5", language=language))
    rectify = (t("papers.bulletin.require_rectify_text", language=language, deadline=date_text(deadline, language))
               if deadline else t("papers.bulletin.require_rectify_no_deadline", language=language))
    for position, (key, text) in enumerate((
            ("require_rectify", rectify),
            ("require_quality", t("papers.bulletin.require_quality_text", language=language)),
            ("require_use", t("papers.bulletin.require_use_text", language=language))), start=1):
        paper.subheading(f"（{chinese_number(position)}）{t(f'papers.bulletin.{key}', language=language)}", text)
    paper.signature([t("papers.signature.author", language=language, name=clean(author)), date_text(when, language)])
    return paper.save()


def count_text(value: Any) -> str:
    out = number(value)
    return "" if out is None else str(int(out))


def group_table(paper: Paper, frame: pl.DataFrame | None, group: str, measures: tuple[str, ...],
                widths_cm: list[float], language: str = "zh") -> None:
    """Table 2 (departments) or 3 (units): each group's reports, `measures` and findings,
    with a sentence before it saying when the list was cut (the query's $limit, or
    DOCX_TABLE_ROWS_MAX here)."""
    group_rows = rows_of(frame)
    if not group_rows:
        paper.paragraph(t("papers.bulletin.groups_none", language=language))
        return
    groups = int(number(first(group_rows, "groups")) or len(group_rows))
    group_rows = group_rows[:DOCX_TABLE_ROWS_MAX]
    paper.paragraph(t(f"papers.bulletin.{group}_intro", language=language) if groups <= len(group_rows) else
                    t(f"papers.bulletin.{group}_intro_cut", language=language, shown=len(group_rows), groups=groups))
    writers = {"budget": money_text, "execution_rate": rate_text, "self_score_avg": score_text,
               "rescored_avg": score_text}
    headers = [t(f"papers.bulletin.col.{key}", language=language)
               for key in ("number", group, "report_count", *measures, "confirmed", "open")]
    unknown = t("papers.bulletin.group_unknown", language=language)
    rows = [[str(position), clean(row.get("group_name")) or unknown, count_text(row.get("reports")),
             *(writers[measure](row.get(measure)) for measure in measures),
             count_text(row.get("confirmed_findings")), count_text(row.get("open_findings"))]
            for position, row in enumerate(group_rows, start=1)]
    paper.table(t(f"papers.bulletin.{group}_caption", language=language), headers, rows, widths_cm,
                numeric={0, *range(2, len(headers))})


def case_paragraphs(case: dict, language: str = "zh") -> list[str]:
    """A typical case: its scores before and after review, then its confirmed findings one
    paragraph each (1. …, 2. …)."""
    score, total = number(case.get("self_score")), number(case.get("rescored_total"))
    grade = clean(case.get("grade")) or t("papers.no_grade", language=language)
    messages = [clean(message) for message in (case.get("messages") or []) if clean(message)]
    text = ""
    if score is not None and total is not None:
        gap = total - score
        text = t("papers.bulletin.case_scores", language=language, score=score_text(score), grade=grade,
                 total=score_text(total),
                 rescored_grade=clean(case.get("rescored_grade")) or t("papers.no_grade", language=language),
                 direction=t("papers.bulletin.lower" if gap < 0 else "papers.bulletin.higher", language=language),
                 gap=score_text(abs(gap)))
    elif score is not None:
        text = t("papers.bulletin.case_self", language=language, score=score_text(score), grade=grade)
    if messages:
        text += t("papers.bulletin.case_findings", language=language, n=len(messages))
    out = [text] if text else []
    out += [sentence(t("papers.bulletin.case_item", language=language, number=position, message=message), language)
            for position, message in enumerate(messages, start=1)]
    return out
