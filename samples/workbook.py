"""Sample 自评表 workbooks (.xlsx) with their truth files: the 财预〔2020〕10号 自评表 reports
the generator plans (shape "zibiao"), written as units fill the form in Excel or WPS.

    write_workbooks(folder, count, seed) -> list[Path]
    python -m samples OUT --count N --xlsx

The cells are those of the Word 自评表 (`layout.blocks_of`): merged ranges as merged ranges
(`merge_range`), numbers typed as numbers in most workbooks (a few cells, and whole workbooks,
as text; full-width digits always as text), the rate as a percent-formatted number, the 合计
cells as SUM formulas with their values cached (where the sum is what the form states), the
signing date sometimes a date cell. Two kinds of workbook:

- one report: a sheet 自评表 (title rows, the form, the unit and the date below it) and,
  mostly, a sheet 自评报告 holding the narrative a paragraph a row. Its truth is the plan's,
  `X.truth.json` for `X.xlsx`.
- one report over two sheets (now and then): the form cut before its 绩效指标 rows, the
  second sheet (绩效指标) repeating the project's row or not; the truth as above.
- one report per sheet: two to four 自评表 sheets, one per project, named after the project,
  the form alone. Truth `X.N.truth.json` for sheet N (1-based), with "file": "X.xlsx" and
  "sheet": the sheet's name. A form without its narrative says nothing of what only the
  narrative says (lines by category, last year's figures, a shortfall, the evaluation's date,
  the grade bands, a different total): the plan is stripped of those before the truth is
  made, so the truth lists what the sheet says.

Without a narrative sheet, a one-report workbook is truthed the same stripped way.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Iterator

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from samples import generate, layout
from samples.blocks import Cell, FieldResult, Paragraph, Table
from samples.plan import Plan
from samples.truth import truth_of
from samples.written import date_text

WORKBOOK_SALT = 0xB00C
MULTI_SHARE = 0.3           # workbooks holding one report per sheet
NARRATIVE_SHARE = 0.8       # one-report workbooks with a 自评报告 sheet
SPLIT_SHARE = 0.25          # one-report workbooks whose form spans two sheets
SPLIT_NAMES = (("基本信息", "绩效指标"), ("资金情况", "绩效目标完成情况"), ("自评表1", "自评表2"))
NUMBERS_SHARE = 0.75        # workbooks whose figures are typed as numbers (else as text)
TEXT_CELL_SHARE = 0.1       # in those, a figure typed as text all the same
DATE_CELL_SHARE = 0.4       # the signing date as a date cell
NUMBER = re.compile(r"\d+(?:\.\d+)?")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
CREATED = dt.datetime(2024, 1, 1, 9, 0)
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class WorkbookSample:
    """One generated workbook: its sheets (name, plan) and the truth of each report."""

    name: str
    sheets: tuple[tuple[str, Plan], ...] = field(repr=False)
    narrative: bool = False
    seed: int = 0
    split: bool = False

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0]

    @property
    def per_sheet(self) -> bool:
        return len(self.sheets) > 1

    def truths(self) -> list[tuple[str, dict]]:
        """(truth file name, truth) for each report the workbook holds."""
        if not self.per_sheet:
            _, plan = self.sheets[0]
            truth = truth_of(plan if self.narrative else table_only(plan))
            truth["file"] = self.name
            return [(f"{self.stem}.truth.json", truth)]
        out = []
        for n, (sheet, plan) in enumerate(self.sheets, 1):
            truth = truth_of(table_only(plan))
            truth["file"] = self.name
            truth["sheet"] = sheet
            out.append((f"{self.stem}.{n}.truth.json", truth))
        return out

    def render(self) -> bytes:
        """The .xlsx file's bytes (deterministic for the same sample)."""
        rng = random.Random(self.seed)
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        book.set_properties({"created": CREATED, "author": self.sheets[0][1].unit})
        styles = _Styles(book)
        numbers = rng.random() < NUMBERS_SHARE
        for sheet, plan in self.sheets:
            blocks = layout.blocks_of(plan if self.narrative and not self.per_sheet else table_only(plan))
            form, narrative = _split(blocks)
            typed = numbers and not plan.full_width
            if self.split:
                first, second = rng.choice(SPLIT_NAMES)
                form, rest = _cut(form, rng)
                _write_form(book.add_worksheet(first), form, plan, styles, rng, typed)
                _write_form(book.add_worksheet(second), rest, plan, styles, rng, typed)
            else:
                _write_form(book.add_worksheet(sheet), form, plan, styles, rng, typed)
            if self.narrative and not self.per_sheet:
                _write_paragraphs(book.add_worksheet(rng.choice(("自评报告", "绩效自评报告", "报告"))), narrative)
        book.close()
        return out.getvalue()

    def write(self, folder: Path) -> Path:
        path = Path(folder) / self.name
        path.write_bytes(self.render())
        for truth_name, truth in self.truths():
            (Path(folder) / truth_name).write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n",
                                                   encoding="utf-8")
        return path


def table_only(plan: Plan) -> Plan:
    """The plan as its form alone states it: nothing that only the narrative says (its survey
    sentence included)."""
    return replace(plan, lines=[], lines_in_text=False, text_line_amounts={}, text_spent=plan.spent,
                   unit_suspect=None, year_mismatch=False, shortfall=None, bands_stated=False,
                   date_issue=None if plan.date_issue == "eval_after" else plan.date_issue, eval_date=None,
                   survey_stated=False)


def generate_workbooks(count: int, seed: int = 0, rates: dict[str, float] | None = None
                       ) -> Iterator[WorkbookSample]:
    """`count` workbooks named workbook-00001.xlsx onwards, from the 自评表 reports the
    generator plans with the same seed (the same arguments, the same workbooks)."""
    plans = (sample.plan for sample in generate(10 ** 9, seed, rates) if sample.plan.shape == "zibiao")
    master = random.Random(f"jixiao-workbooks:{seed}")
    for number in range(1, count + 1):
        name = f"workbook-{number:05d}.xlsx"
        rng = random.Random(master.getrandbits(64))
        if rng.random() < MULTI_SHARE:
            chosen: list[Plan] = []
            want = rng.randint(2, 4)
            while len(chosen) < want:
                plan = next(plans)
                if all(plan.project != other.project for other in chosen):
                    chosen.append(plan)
            names = _sheet_names([plan.project for plan in chosen])
            yield WorkbookSample(name, tuple(zip(names, chosen)), False, rng.getrandbits(32) ^ WORKBOOK_SALT)
        else:
            sheet = rng.choice(("自评表", "项目支出绩效自评表", "Sheet1"))
            narrative = rng.random() < NARRATIVE_SHARE
            seed = rng.getrandbits(32) ^ WORKBOOK_SALT
            yield WorkbookSample(name, ((sheet, next(plans)),), narrative, seed, rng.random() < SPLIT_SHARE)


def write_workbooks(folder: Path, count: int, seed: int = 0, rates: dict[str, float] | None = None) -> list[Path]:
    """Write `count` workbooks and their truth files into `folder` (created if missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [sample.write(folder) for sample in generate_workbooks(count, seed, rates)]


def _sheet_names(projects: list[str]) -> list[str]:
    """Sheet names as units give them: the project's name, cut to Excel's 31 characters."""
    out: list[str] = []
    for project in projects:
        name = SHEET_FORBIDDEN.sub("", project)[:31] or "Sheet"
        base, n = name, 2
        while name in out:
            name = f"{base[:28]}({n})"
            n += 1
        out.append(name)
    return out


def _split(blocks: list) -> tuple[list, list]:
    """The form (title, the table, the unit and date under it) and the narrative after it."""
    at = next(n for n, block in enumerate(blocks) if isinstance(block, Table))
    return blocks[:at + 3], blocks[at + 3:]


def _cut(form: list, rng: random.Random) -> tuple[list, list]:
    """The form in two sheets: the title and the rows before 绩效指标; then (the project's row,
    sometimes) the 绩效指标 rows and what is written under the form."""
    at = next(n for n, block in enumerate(form) if isinstance(block, Table))
    table = form[at]
    cut = next(n for n, row in enumerate(table.rows) if row[0].content == "绩效指标")
    rows = ([table.rows[0]] if rng.random() < 0.5 else []) + table.rows[cut:]
    return form[:at] + [Table(table.rows[:cut], table.widths)], [Table(rows, table.widths)] + form[at + 1:]


class _Styles:
    def __init__(self, book):
        self.title = book.add_format({"bold": True, "align": "center", "valign": "vcenter", "font_size": 14})
        self.cell = book.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
        self.percent = {places: book.add_format({"border": 1, "valign": "vcenter",
                                                 "num_format": "0%" if not places else "0." + "0" * places + "%"})
                        for places in range(3)}
        self.date = book.add_format({"num_format": 'yyyy"年"m"月"d"日"'})


def _paragraph_text(paragraph: Paragraph) -> str:
    if isinstance(paragraph.text, str):
        return paragraph.text
    return "".join(s if isinstance(s, str) else (s[2] if s[1] else "□") for s in paragraph.text)


def _write_paragraphs(sheet, paragraphs: list) -> None:
    sheet.set_column(0, 0, 100)
    for row, paragraph in enumerate(p for p in paragraphs if isinstance(p, Paragraph)):
        sheet.write_string(row, 0, _paragraph_text(paragraph))


def _write_form(sheet, blocks: list, plan: Plan, styles: _Styles, rng: random.Random, numbers: bool) -> None:
    table = next(block for block in blocks if isinstance(block, Table))
    width = sum(cell.span for cell in table.rows[0])
    sheet.set_column(0, width - 1, 11)
    signed = date_text(plan.report_date, plan.date_style)
    row = 0
    for block in blocks:
        if isinstance(block, Table):
            _write_table(sheet, row, block, styles, rng, numbers)
            row += len(block.rows)
            continue
        text = _paragraph_text(block)
        if text == signed and rng.random() < DATE_CELL_SHARE:
            sheet.write_datetime(row, width - 3, dt.datetime.combine(plan.report_date, dt.time()), styles.date)
        elif block.center or block.bold:
            sheet.merge_range(row, 0, row, width - 1, text, styles.title)
        elif text == signed or text == plan.unit:
            sheet.write_string(row, width - 3, text)      # under the form, to the right, as signed
        else:
            sheet.write_string(row, 0, text)
        row += 1


def _write_table(sheet, top: int, table: Table, styles: _Styles, rng: random.Random, numbers: bool) -> None:
    """The table's cells at their grid places: merged ranges merged, figures typed."""
    placed: list[list[tuple[int, Cell]]] = []
    for cells in table.rows:
        col, row = 0, []
        for cell in cells:
            row.append((col, cell))
            col += cell.span
        placed.append(row)
    written: dict[tuple[int, int], Decimal | None] = {}      # grid place -> the number typed there
    totals: list[tuple[int, int, str]] = []
    for r, row in enumerate(placed):
        for col, cell in row:
            if cell.merge == "continue":
                continue
            last_row = r
            if cell.merge == "restart":
                while last_row + 1 < len(placed) and any(
                        c == col and other.merge == "continue" for c, other in placed[last_row + 1]):
                    last_row += 1
            last_col = col + cell.span - 1
            if (last_row, last_col) != (r, col):
                sheet.merge_range(top + r, col, top + last_row, last_col, "", styles.cell)
            content = cell.content
            if isinstance(content, FieldResult):
                totals.append((r, col, content.text))
                continue
            written[(r, col)] = _write_value(sheet, top + r, col, str(content), styles, rng, numbers)
    for r, col, text in totals:
        above = [written.get((r2, col)) for r2 in range(r)]
        _write_total(sheet, top, r, col, text, [v for v in above if v is not None], styles, numbers)
    _money_totals(sheet, top, placed, written, styles)


def _write_value(sheet, r: int, c: int, text: str, styles: _Styles, rng: random.Random,
                 numbers: bool) -> Decimal | None:
    """A cell as typed: a figure as a number (or, now and then, as text), a rate as a percent."""
    if numbers and NUMBER.fullmatch(text) and rng.random() >= TEXT_CELL_SHARE:
        sheet.write_number(r, c, float(text), styles.cell)
        return Decimal(text)
    rate = PERCENT.fullmatch(text)
    if numbers and rate and rng.random() >= TEXT_CELL_SHARE:
        places = len(rate.group(1).partition(".")[2])
        sheet.write_number(r, c, float(Decimal(rate.group(1)) / 100), styles.percent[min(places, 2)])
        return None
    sheet.write_string(r, c, text, styles.cell)
    return None


def _write_total(sheet, top: int, r: int, col: int, text: str, above: list[Decimal], styles: _Styles,
                 numbers: bool) -> None:
    """A 合计 cell: =SUM of the column above, its value cached, where the figures above add
    up to what the form states; else the stated figure as typed."""
    if numbers and NUMBER.fullmatch(text) and above and sum(above) == Decimal(text):
        column = xl_col_to_name(col)
        sheet.write_formula(top + r, col, f"=SUM({column}{top + 1}:{column}{top + r})", styles.cell, float(text))
    elif numbers and NUMBER.fullmatch(text):
        sheet.write_number(top + r, col, float(text), styles.cell)
    else:
        sheet.write_string(top + r, col, text, styles.cell)


def _money_totals(sheet, top: int, placed: list[list[tuple[int, Cell]]], written: dict,
                  styles: _Styles) -> None:
    """The 资金总额 row's amounts as =SUM of the sources under it (其中：…), where they add up."""
    for r, row in enumerate(placed):
        labels = [cell.content for _, cell in row if isinstance(cell.content, str)]
        if not any(label in ("资金总额", "项目资金总额") for label in labels):
            continue
        end = r
        while end + 1 < len(placed) and placed[end + 1][0][1].merge == "continue":
            end += 1
        if end == r:
            return
        for col, cell in row:
            total = written.get((r, col))
            parts = [written.get((r2, col)) for r2 in range(r + 1, end + 1)]
            if total is None or any(p is None for p in parts) or sum(parts) != total:
                continue
            column = xl_col_to_name(col)
            sheet.write_formula(top + r, col, f"=SUM({column}{top + r + 2}:{column}{top + end + 1})", styles.cell,
                                float(total))
        return
