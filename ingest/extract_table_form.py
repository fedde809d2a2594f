"""Document -> labelled facts: tables and cover lines ("项目名称  X").

Everything is found by its label, never by a row number: a label cell's value is the next
cell to its right, or the cell below when the row holds only labels (a transposed table).
Three blocks are read as matrices, by their column headers: the funding block of the
自评表 (年初预算数 / 全年预算数 / 全年执行数 …), the 项目支出明细 lines (支出内容 × 计划/实际),
in either orientation, and the 绩效指标 rows (一级 · 二级 · 三级 · 指标值 · 完成值 · 分值 · 得分).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest import glossary
from ingest import normalise
from ingest.model import Cell, Document, Paragraph, Table
from ingest.report import BudgetLine, Candidate, Evidence, FundingSource, Indicator, Mention
from ingest.text import clean_value, label_key, snippet, squash

TABLE_RANK = 0
# Kinds of witness that are not candidates (extract.py weighs them).
SUB_ROWS = "sub_rows"            # the sum of the rows under a total: may fall short, never exceed it
BROKEN_TOTAL = "broken_total"    # a total row of zeros over sub-rows with money
LINE_RANK = 1
SIGNATURE_RANK = 4
SIGNATURE = re.compile(r"签字|签名|签章|盖章")
LEVEL_POINTS = re.compile(r"[（(]\d+(?:\.\d+)?分[）)]$")    # "产出指标(50分)"
TABLE_UNIT = re.compile(r"(?:金额)?单位\s*[：:]\s*(亿元|万元|千元|元)")


@dataclass
class FormFacts:
    candidates: list[Candidate] = field(default_factory=list)
    sources: list[FundingSource] = field(default_factory=list)
    lines: list[BudgetLine] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    doubts: dict[str, str] = field(default_factory=dict)   # field -> why it needs reading
    goal_lines: list[BudgetLine] = field(default_factory=list)   # "30万元用于…" in the goal block
    # Other statements of a key figure that are not candidates for it: (witness, kind).
    witnesses: list[tuple[Candidate, str]] = field(default_factory=list)


@lru_cache(maxsize=65536)
def header_key(text: str) -> str:
    """A column header reduced for lookup: any bracketed part dropped ("支出内容（按经济科目）")."""
    key, _ = label_key(text)
    return re.sub(r"[（(【\[].*?[）)】\]]", "", key)


class _Grid:
    """A table's text by grid position with merged-cell owners and claimed positions."""

    def __init__(self, table: Table, transposed: bool = False, ends_document: bool = False):
        self.table = table
        # A published text cut short ends inside its last table: that table's last row may be
        # a fragment.
        self.ends_document = ends_document
        cells = table.grid()
        owner = table.owner()
        if transposed:
            cells = [list(col) for col in zip(*cells)] if cells else []
            owner = [list(col) for col in zip(*owner)] if owner else []
        self.cells = cells
        self.owner = owner
        self.height = len(cells)
        self.width = len(cells[0]) if cells else 0
        self.transposed = transposed
        self.claimed: set[tuple[int, int]] = set()
        self.unit = _table_unit(table)
        self._starts = [self._row_starts(r) for r in range(len(self.cells))]

    def text(self, r: int, c: int) -> str:
        """The text at (r, c), "" off the grid (called some 500 times per report)."""
        if r >= 0 and c >= 0:
            try:
                return self.cells[r][c]
            except IndexError:
                pass
        return ""

    def starts(self, r: int) -> list[int]:
        """Grid columns where a distinct cell of row r begins."""
        return self._starts[r]

    def _row_starts(self, r: int) -> list[int]:
        out = []
        previous = None
        for c in range(len(self.cells[r])):
            if self.owner[r][c] != previous:
                out.append(c)
                previous = self.owner[r][c]
        return out

    def right_of(self, r: int, c: int) -> int | None:
        here = self.owner[r][c]
        for c2 in range(c + 1, len(self.cells[r])):
            if self.owner[r][c2] != here:
                return c2
        return None

    def evidence(self, r: int, c: int, method: str = "table", note: str | None = None,
                 snippet: str | None = None) -> Evidence:
        row, col = (c, r) if self.transposed else (r, c)
        text = self.text(r, c) if snippet is None else snippet
        return Evidence(self.table.index, text[:200], method, row=row, col=col, note=note)

    def row_text(self, r: int) -> str:
        """A row as the auditor reads it: each merged cell once, " | " between cells."""
        return " | ".join(clean_value(self.text(r, c)) for c in self.starts(r))

    def header_snippet(self, r_header: int, r: int, c: int) -> str:
        """"年度资金总额 · 全年预算数：58" for a value at (r, c) under a header row."""
        row_label = clean_value(self.text(r, self.starts(r)[0])) if self.starts(r) else ""
        for start in self.starts(r):
            if start < c and self.text(r, start).strip() and not normalise.is_number_cell(self.text(r, start)):
                row_label = clean_value(self.text(r, start))
        return f"{row_label} · {clean_value(self.text(r_header, c))}：{clean_value(self.text(r, c))}"

    def header_columns(self, r: int, index: dict[str, str], skip_claimed: bool = True) -> dict[str, int]:
        """Row r read as a header: each column name of `index` and the first grid column
        whose cell names it (cells another block has claimed are skipped, if asked)."""
        columns: dict[str, int] = {}
        for c in self.starts(r):
            if skip_claimed and (r, c) in self.claimed:
                continue
            name = index.get(header_key(self.text(r, c)))
            if name and name not in columns:
                columns[name] = c
        return columns

    def claim_row(self, r: int) -> None:
        self.claimed.update((r, c) for c in range(len(self.cells[r])))

    def column_unit(self, r_header: int, c: int) -> str | None:
        return normalise.unit_of(self.text(r_header, c)) if "元" in self.text(r_header, c) else None


def _table_unit(table: Table) -> str:
    """单位：元 above or inside the table; 万元 otherwise (the templates' default)."""
    for text in [table.caption] + [c.text for c in (table.rows[0] if table.rows else ())]:
        match = TABLE_UNIT.search(normalise.fold(text))
        if match:
            return match.group(1)
    return "万元"


def _amount(text: str, unit: str, grid: _Grid, r: int, c: int, snippet: str | None = None):
    amount = normalise.parse_amount(text, unit)
    if amount is None:
        return None, None
    note = None
    if amount.converted:
        note = f"{amount.written:g} {amount.unit} → {amount.value:g} 万元"
    return amount.value, grid.evidence(r, c, "table", note, snippet)


def extract_form(document: Document) -> FormFacts:
    facts = FormFacts()
    last_block = next((block.index for block in reversed(document.blocks)
                       if not isinstance(block, Paragraph) or block.text.strip()), None)
    for table, parts in joined_tables(document):
        if not table.rows:
            continue
        grid = _Grid(table, ends_document=last_block in parts)
        _funds_matrix(grid, facts)
        if not _lines_matrix(grid, facts) and _lines_in_first_column(grid):
            transposed = _Grid(table, transposed=True)
            transposed.claimed = {(c, r) for r, c in grid.claimed}
            if _lines_matrix(transposed, facts):
                grid.claimed |= {(c, r) for r, c in transposed.claimed}
        _indicator_matrix(grid, facts)
        _goal_lines(grid, facts)
        _label_values(grid, facts)
        _signature_dates(grid, facts)
    for paragraph in document.paragraphs(include_furniture=True):
        _label_line(paragraph, facts)
    return facts


# A line between the two parts of a table split across pages: "续表", "（续）", "续上表".
CONTINUED = re.compile(r"[（(]?续(?:表|上表)?\d*[）)]?[:：]?|[（(]续[）)]")


def joined_tables(document: Document) -> list[tuple[Table, set[int]]]:
    """Tables with their continuations joined, each with the block indices it was made of.

    A 项目支出明细 or 绩效指标 table that runs over a page break is often saved as two tables:
    the second repeats the header, or starts straight with rows of the same width. Joined,
    the second half is read by the first half's header instead of being lost."""
    out: list[tuple[Table, set[int]]] = []
    previous: Table | None = None
    for block in document.blocks:
        if isinstance(block, Paragraph):
            if block.text.strip() and not CONTINUED.fullmatch(squash(block.text)):
                previous = None
            continue
        if block.parent is not None:
            out.append((block, {block.index}))
            continue
        repeated = _continues(previous, block) if previous is not None else None
        if repeated is not None:
            joined = _join(previous, block, drop_first=repeated)
            out[-1] = (joined, out[-1][1] | {block.index})
            previous = joined
            continue
        out.append((block, {block.index}))
        previous = block
    out.extend((table, {table.index}) for table in document.furniture if isinstance(table, Table))
    return out


def _header_keys(row) -> tuple[str, ...]:
    return tuple(header_key(cell.text) for cell in row if not cell.merged_up and cell.text.strip())


def _is_header_row(keys: tuple[str, ...]) -> bool:
    indicator = {glossary.INDICATOR_BY_LABEL.get(k) for k in keys}
    lines = {glossary.LINE_BY_LABEL.get(k) for k in keys}
    return ("name" in indicator and len(indicator & {"target", "actual", "weight", "score"}) >= 1) or \
        ("category" in lines and bool(lines & {"planned", "actual"}))


def _continues(first: Table, second: Table) -> bool | None:
    """Whether `second` continues `first`: True when it repeats the header (drop it), False
    when it carries on without one, None when it is a table of its own."""
    headers = [i for i, row in enumerate(first.rows) if _is_header_row(_header_keys(row))]
    if not headers or not second.rows:
        return None
    last = first.rows[-1]
    if any(header_key(cell.text) in glossary.SCORE_TOTAL_KEYS | glossary.TOTAL_KEYS for cell in last if not cell.merged_up):
        return None                       # the first part ended with its total: nothing follows
    if _header_keys(second.rows[0]) == _header_keys(first.rows[headers[-1]]):
        return True
    if any(_is_header_row(_header_keys(row)) for row in second.rows[:2]):
        return None
    return False if second.width == first.width else None


def _join(first: Table, second: Table, drop_first: bool) -> Table:
    rows = list(second.rows[1:] if drop_first else second.rows)
    if rows:
        # The top row of a continuation has no cell above it in its own table: leading empty
        # cells there are the merged cells of the last row before the break.
        top = []
        leading = True
        for cell in rows[0]:
            leading = leading and not cell.text.strip()
            top.append(Cell(cell.text, cell.col, cell.span, cell.merged_up or leading))
        rows[0] = tuple(top)
    return Table(first.rows + tuple(rows), first.index, first.part, first.parent, first.caption)


def _lines_in_first_column(grid: _Grid) -> bool:
    """A transposed 支出明细 table names 计划/实际 rows down its first column."""
    names = {glossary.LINE_BY_LABEL.get(header_key(row[0])) for row in grid.cells if row}
    return bool({"planned", "actual"} & names)


# -- the funding block of the 自评表 -----------------------------------------------------
def _funds_matrix(grid: _Grid, facts: FormFacts) -> None:
    for r in range(grid.height):
        columns = grid.header_columns(r, glossary.FUNDS_BY_LABEL, skip_claimed=False)
        if len(columns) < 2 or not ({"planned", "adjusted", "spent"} & set(columns)):
            continue
        if any(normalise.is_number_cell(grid.text(r, c)) for c in grid.starts(r)):
            continue                      # "计划安排资金 | 9 | 实际到位资金 | 8.52": label/value pairs
        if any(glossary.LINE_BY_LABEL.get(header_key(grid.text(r, c))) == "category" for c in grid.starts(r)):
            continue                      # a 支出明细 header: lines, not the funding block
        grid.claim_row(r)
        first_data = r + 1
        below = _sub_header(grid, r, columns, glossary.FUNDS_BY_LABEL)
        if below:
            columns = below
            grid.claim_row(r + 1)
            first_data = r + 2
        first_value = min(columns.values())
        header_end = _row_end(grid, first_data - 1)
        totals: dict[str, tuple[float, Evidence]] = {}
        parts: dict[str, list[tuple[float, str]]] = {}
        for r2 in range(first_data, grid.height):
            label_cells = [c for c in grid.starts(r2) if c < first_value and grid.text(r2, c).strip()
                           and grid.owner[r2][c] != grid.owner[r][c]]
            label = grid.text(r2, label_cells[-1]) if label_cells else ""
            values = {name: grid.text(r2, c) for name, c in columns.items()}
            if not all(normalise.is_number_like(v) or normalise.fold(v).strip() in normalise.BLANK for v in values.values()):
                break                     # words under the amounts: the funding block is over
            if _row_end(grid, r2) > header_end:
                # More values than headers: amounts and rates sit under their own kind of
                # header; 分值 and 得分 cannot be told apart from the unnamed column.
                unplaced = [k for k in ("weight", "score") if k in columns and values[k].strip()]
                for k in unplaced:
                    values[k] = ""
                if unplaced:
                    note = f"“{clean_value(label)}”一行的数值多于表头，分值、得分未能定位"
                    facts.notes.append(note)
                    facts.doubts.setdefault("execution_score", note)
            key = header_key(label)
            if key not in glossary.FUNDS_TOTAL_KEYS and (glossary.field_of(label)[0] or key in glossary.SCORE_TOTAL_KEYS
                                                  or normalise.lookup_category(label)):
                break
            grid.claim_row(r2)
            unit = (grid.column_unit(r, columns.get("planned", first_value))
                    or _label_unit(grid, r, first_value) or grid.unit)
            if key in glossary.FUNDS_TOTAL_KEYS or r2 == first_data and not glossary.source_of(label):
                for name, target in (("planned", "budget_planned"), ("adjusted", "budget_adjusted"),
                                     ("arrived", "funds_arrived"), ("spent", "spent")):
                    if name in columns:
                        value, evidence = _amount(values[name], unit, grid, r2, columns[name],
                                                  grid.header_snippet(r, r2, columns[name]))
                        if value is not None:
                            totals[target] = (value, evidence)
                for name, target in (("rate", "execution_rate_stated"), ("arrival_rate", "arrival_rate_stated")):
                    rate = normalise.parse_rate(values[name]) if name in columns else None
                    if rate is not None:
                        evidence = grid.evidence(r2, columns[name], snippet=grid.header_snippet(r, r2, columns[name]))
                        facts.candidates.append(Candidate(target, rate, evidence, TABLE_RANK))
                if "score" in columns:
                    score = normalise.parse_number(values["score"])
                    if score is not None:
                        facts.mentions.append(Mention(
                            "score", "execution_rate", grid.evidence(r2, columns["score"]), value=score,
                            written=score, unit="分", text=label,
                        ))
                if "weight" in columns:
                    weight = normalise.parse_number(values["weight"])
                    if weight is not None:
                        facts.mentions.append(Mention(
                            "weight", "execution_rate", grid.evidence(r2, columns["weight"]), value=weight,
                            written=weight, unit="分", text=label,
                        ))
                continue
            for name, target in (("planned", "budget_planned"), ("adjusted", "budget_adjusted"),
                                 ("arrived", "funds_arrived"), ("spent", "spent")):
                value = normalise.parse_amount(values[name], unit) if name in columns else None
                if value is not None:
                    parts.setdefault(target, []).append((value.value, clean_value(label)))
            source = glossary.source_level(label)
            if source:
                column = columns.get("adjusted")
                if column is None or normalise.parse_number(values.get("adjusted")) is None:
                    column = columns.get("planned")
                planned = arrived = evidence = None
                if column is not None:
                    planned, evidence = _amount(grid.text(r2, column), unit, grid, r2, column, grid.row_text(r2))
                if "arrived" in columns:
                    arrived, arrived_evidence = _amount(values["arrived"], unit, grid, r2, columns["arrived"])
                    evidence = evidence or arrived_evidence
                if planned is not None or arrived is not None:
                    facts.sources.append(FundingSource(source, planned, arrived, evidence))
        _funds_totals(grid, totals, parts, facts)
        return


def _label_unit(grid: _Grid, r: int, first_value: int) -> str | None:
    """The unit a header row states in its label cell: "项目资金（元）"."""
    for c in grid.starts(r):
        if c < first_value and "元" in grid.text(r, c):
            return normalise.unit_of(grid.text(r, c))
    return None


def _sub_header(grid: _Grid, r: int, columns: dict[str, int], index: dict[str, str]) -> dict[str, int] | None:
    """Columns named by a header over two rows ("预算数" over "年初 | 调整后"), or None when the
    row under `r` is not a second header row. A word below is read with the one above it."""
    if r + 1 >= grid.height:
        return None
    below = [c for c in grid.starts(r + 1) if grid.text(r + 1, c).strip() and grid.owner[r + 1][c] != grid.owner[r][c]]
    if not below or any(normalise.is_number_like(grid.text(r + 1, c)) for c in below):
        return None
    combined = dict(columns)
    found = False
    for c in below:
        upper = grid.text(r, c)
        left = c
        while not upper.strip() and left > 0:       # a plain-text row writes a merged header once
            left -= 1
            upper = grid.text(r, left)
        lower = grid.text(r + 1, c)
        for label in (lower + upper, upper + lower, lower):
            name = index.get(header_key(label))
            if name:
                combined = {k: v for k, v in combined.items() if v != c and not (k == name)}
                combined[name] = c
                found = True
                break
    return combined if found else None


def _funds_totals(grid: _Grid, totals: dict[str, tuple[float, Evidence]],
                  parts: dict[str, list[tuple[float, str]]], facts: FormFacts) -> None:
    """The funding block's totals, each witnessed by the sum of the rows under it (其中 …).

    A total row of zeros over sub-rows that hold money is a broken spreadsheet formula: the
    sub-rows' sum is taken and the zeros are kept as a witness that does not count."""
    sums = {target: (round(sum(value for value, _ in rows), 6),
                     " + ".join(f"{label or '—'} {value:g}" for value, label in rows))
            for target, rows in parts.items()}
    broken = bool(totals) and all(value == 0 for value, _ in totals.values()) \
        and any(total > 0 for total, _ in sums.values())
    for target, (value, evidence) in totals.items():
        if broken:
            facts.witnesses.append((Candidate(target, value, evidence, TABLE_RANK), BROKEN_TOTAL))
        else:
            facts.candidates.append(Candidate(target, value, evidence, TABLE_RANK))
    for target, (total, words) in sums.items():
        if target not in totals and not broken:
            continue
        evidence = Evidence(grid.table.index, f"其中各行之和：{words} = {total:g}"[:200], "computed")
        if broken:
            note = "资金总额行全为 0（公式失效），取其中各行之和"
            facts.candidates.append(Candidate(target, total, Evidence(
                evidence.block, evidence.snippet, evidence.method, note=note), TABLE_RANK))
        else:
            facts.witnesses.append((Candidate(target, total, evidence, TABLE_RANK), SUB_ROWS))


# -- 项目支出明细: economic-category lines -------------------------------------------------
def _lines_matrix(grid: _Grid, facts: FormFacts) -> bool:
    found = False
    r = 0
    while r < grid.height:
        columns = grid.header_columns(r, glossary.LINE_BY_LABEL)
        if not ({"planned", "actual"} & set(columns)) or len(columns) < 2:
            r += 1
            continue
        value_columns = [columns[k] for k in ("planned", "actual") if k in columns]
        category_column = columns.get("category")
        if category_column is None:
            left = [c for c in grid.starts(r) if c < min(value_columns)]
            if not left:
                r += 1
                continue
            category_column = left[0]
        rows = _line_rows(grid, r, columns, category_column)
        if not rows:
            r += 1
            continue
        if "category" not in columns and not any(normalise.lookup_category(label) for _, label, _, _ in rows):
            r += 1
            continue
        found = True
        grid.claim_row(r)
        last = r
        for r2, label, planned, actual in rows:
            category = normalise.lookup_category(label)
            raw = clean_value(label)
            line = BudgetLine(
                line_no=len(facts.lines) + 1,
                category=category.name if category else raw,
                category_code=category.code if category else None,
                category_raw=raw,
                planned=planned[0], actual=actual[0], origin="table",
                evidence=grid.evidence(r2, category_column, snippet=grid.row_text(r2),
                                       note=category.note if category else None),
            )
            facts.lines.append(line)
            if category is not None and category.note:
                facts.notes.append(category.note)
            if category is None:
                facts.notes.append(f"支出科目“{raw}”未能对应经济分类科目代码")
            last = r2
        for r2 in range(r + 1, last + 2):
            if r2 < grid.height and (r2 == last + 1 and _is_total(grid.text(r2, category_column))
                                     or r2 <= last):
                grid.claim_row(r2)
                if r2 == last + 1:
                    _table_total(grid, r2, columns, facts, r)
        r = last + 1
    return found


def _is_total(label: str) -> bool:
    key = header_key(label)
    return key in glossary.TOTAL_KEYS or (key.endswith("合计") and len(key) <= 8)


def _line_rows(grid: _Grid, r_header: int, columns: dict[str, int], category_column: int):
    """(row, label, (planned, evidence), (actual, evidence)) for each line under a header.

    The block ends at its total row (合计), or at the first row whose value cells hold
    words rather than amounts (the next part of the form).
    """
    out = []
    value_columns = [c for c in (columns.get("planned"), columns.get("actual")) if c is not None]
    units = {c: grid.column_unit(r_header, c) or grid.unit for c in value_columns}
    for r2 in range(r_header + 1, grid.height):
        label = grid.text(r2, category_column)
        if _is_total(label):
            break
        if any(grid.owner[r2][c] == grid.owner[r_header][c] for c in value_columns):
            continue                      # the header's own merged continuation row
        cells = [grid.text(r2, c) for c in value_columns]
        if not all(normalise.is_number_cell(v) or normalise.fold(v).strip() in normalise.BLANK for v in cells):
            break
        key, _ = label_key(label)
        if not key or re.fullmatch(r"[(（].*[)）]", key):
            continue                      # "（按经济科目）" under 支出内容
        if glossary.field_of(label)[0]:
            break
        amounts = {c: _amount(grid.text(r2, c), units[c], grid, r2, c) for c in value_columns}
        planned = amounts.get(columns.get("planned"), (None, None))
        actual = amounts.get(columns.get("actual"), (None, None))
        if planned[0] is None and actual[0] is None:
            continue
        out.append((r2, label, planned, actual))
    return out


def _table_total(grid: _Grid, r: int, columns: dict[str, int], facts: FormFacts, r_header: int) -> None:
    for name, subject in (("planned", "lines_planned"), ("actual", "lines_actual")):
        c = columns.get(name)
        if c is None:
            continue
        unit = grid.column_unit(r_header, c) or grid.unit
        amount = normalise.parse_amount(grid.text(r, c), unit)
        if amount is not None:
            facts.mentions.append(Mention("table_total", subject, grid.evidence(r, c), value=amount.value,
                                          written=amount.written, unit=amount.unit))


# -- 绩效指标 -------------------------------------------------------------------------------
def _indicator_matrix(grid: _Grid, facts: FormFacts) -> None:
    for r in range(grid.height):
        columns = grid.header_columns(r, glossary.INDICATOR_BY_LABEL)
        measures = {"target", "actual", "weight", "score"} & set(columns)
        levels = {"level1", "level2"} & set(columns)
        if "name" not in columns or len(measures) + len(levels) < 3 or not measures:
            continue
        grid.claim_row(r)
        first_indicator = len(facts.indicators)
        if grid.ends_document and not any(
                {header_key(grid.text(r2, c)) for c in grid.starts(r2)} & glossary.SCORE_TOTAL_KEYS
                for r2 in range(r + 1, grid.height)):
            facts.doubts.setdefault("indicators", "绩效指标表未到总分行即中断，可能只读到一部分")
        for r2 in range(r + 1, grid.height):
            row_keys = {header_key(grid.text(r2, c)) for c in grid.starts(r2)}
            if row_keys & glossary.SCORE_TOTAL_KEYS:
                read = facts.indicators[first_indicator:]
                if "score" in columns and read and all(indicator.score is None for indicator in read):
                    # Every 得分 of the form is blank: it was published unfilled, and the
                    # total row's number is the weights' sum, not a score.
                    facts.notes.append("绩效指标得分均为空，总分行的数字不作为自评得分")
                    grid.claim_row(r2)
                    return
                _score_total(grid, r2, columns, facts)
                return
            name = grid.text(r2, columns["name"])
            if grid.owner[r2][columns["name"]] == grid.owner[r][columns["name"]]:
                continue
            if glossary.INDICATOR_BY_LABEL.get(header_key(name)) == "name":
                grid.claim_row(r2)        # the header repeated where a page broke the table
                continue
            grid.claim_row(r2)
            if glossary.is_placeholder(name):
                continue
            if any(glossary.field_of(grid.text(r2, c))[0] for c in grid.starts(r2)[:1]):
                break

            def value(key: str) -> str | None:
                c = columns.get(key)
                if c is None or grid.owner[r2][c] in (grid.owner[r2][columns["name"]], grid.owner[r][c]):
                    return None
                text = clean_value(grid.text(r2, c))
                return None if normalise.is_masked(text) else text or None

            row_end = _row_end(grid, r2)
            measures_at = [columns[k] for k in ("weight", "score") if k in columns]
            if measures_at and row_end <= min(measures_at):
                # The row stops before its 分值/得分 columns: nothing to its right can be placed.
                if r2 == grid.height - 1 and grid.ends_document:
                    facts.doubts["indicators"] = f"绩效指标表在“{clean_value(name)}”一行中断，其后内容缺失"
                    return
                note = f"绩效指标“{clean_value(name)}”一行的单元格少于表头，分值、得分未能定位"
                facts.notes.append(note)
                facts.doubts.setdefault("indicators", note)

            def level(key: str) -> str | None:
                c = columns.get(key)
                if c is None or grid.owner[r2][c] == grid.owner[r][c]:
                    return None           # merged with the header: the row names no level
                return LEVEL_POINTS.sub("", squash(grid.text(r2, c))) or None

            weight, score = value("weight"), value("score")
            target, actual = value("target"), value("actual")
            comparator, unit = value("comparator"), value("unit")
            if target is not None and (comparator or unit):
                target = f"{comparator or ''}{target}{unit or ''}"
            if actual is not None and unit and normalise.is_number_cell(actual):
                actual = f"{actual}{unit}"
            facts.indicators.append(Indicator(
                line_no=len(facts.indicators) + 1,
                level1=level("level1"),
                level2=level("level2"),
                name=clean_value(name),
                target_raw=target,
                actual_raw=actual,
                weight=normalise.parse_number(weight),
                score=normalise.parse_number(score),
                note=value("note"),
                evidence=grid.evidence(r2, columns["name"], snippet=grid.row_text(r2)),
            ))
        return


def _score_total(grid: _Grid, r: int, columns: dict[str, int], facts: FormFacts) -> None:
    """The 总分 row: "总分 | 100 | 97.8": the maximum then the score; a lone number is the score."""
    starts = grid.starts(r)
    label_at = next(c for c in starts if header_key(grid.text(r, c)) in glossary.SCORE_TOTAL_KEYS)
    numbers = []
    for c in starts:
        if c <= label_at:
            continue
        text = grid.text(r, c)
        if glossary.field_of(text)[0]:
            break
        if normalise.is_number_cell(text):
            numbers.append(c)
    grid.claimed.add((r, label_at))
    grid.claimed.update((r, c) for c in numbers)
    if not numbers:
        return
    # Read by header where the row lines up with it: the 得分 column's cell, whichever order
    # 分值 and 得分 stand in; a blank 得分 beside a filled 分值 (a form left unfilled) is no score.
    owners = {key: grid.owner[r][columns[key]] for key in ("weight", "score") if key in columns}
    chosen = next((c for c in numbers if grid.owner[r][c] == owners.get("score")), None)
    if chosen is None and any(grid.owner[r][c] == owners.get("weight") for c in numbers):
        return
    if chosen is None and len(numbers) >= 2:
        # A total row laid out apart from the header ("总分 | 100 | 99"): the maximum and the
        # score, in either order.
        values = [normalise.parse_number(grid.text(r, c)) for c in numbers[:2]]
        chosen = numbers[1] if values[0] >= values[1] else numbers[0]
    elif chosen is None:
        # A lone number under no measure column: the score only where the row's label names a
        # score; beside 合计 it may as well be the weights' sum, so it is left unplaced.
        if header_key(grid.text(r, label_at)) not in glossary.SCORE_WORD_KEYS:
            facts.notes.append(f"总分行的数字 {clean_value(grid.text(r, numbers[0]))} 无法对应得分列，未作为自评得分")
            return
        chosen = numbers[0]
    score = normalise.parse_score(grid.text(r, chosen))
    if score is not None:
        facts.candidates.append(Candidate("self_score", score, grid.evidence(r, chosen, snippet=grid.row_text(r)),
                                          TABLE_RANK))


def _row_end(grid: _Grid, r: int) -> int:
    """The grid column after the last cell a row actually has (plain-text rows can be short)."""
    if grid.transposed:
        return grid.width
    row = grid.table.rows[r]
    return max((cell.col + cell.span for cell in row), default=0)


# -- 年度总体目标: money by purpose, planned and done ----------------------------------------
PURPOSE = re.compile(r"(?P<amount>\d+(?:\.\d+)?\s*(?:万元|元))\s*用于(?P<purpose>[^；;。，,：:]{2,40})")


def _goal_lines(grid: _Grid, facts: FormFacts) -> None:
    """Lines by purpose from the 年度总体目标 block: "30万元用于X" under 预期目标 is planned,
    under 实际完成情况 is actual. Purposes are not economic categories; they are kept as
    written and mapped to a category only where they name one."""
    for r in range(grid.height):
        columns = grid.header_columns(r, glossary.GOAL_BY_LABEL, skip_claimed=False)
        if len(columns) < 2:
            continue
        found: dict[str, list] = {}
        for r2 in range(r + 1, min(grid.height, r + 4)):
            for side, c in columns.items():
                if grid.owner[r2][c] == grid.owner[r][c]:
                    continue
                text = normalise.fold(grid.text(r2, c))
                for match in PURPOSE.finditer(text):
                    amount = normalise.parse_amount(match.group("amount"))
                    purpose = clean_value(match.group("purpose")).rstrip("等")
                    if amount is None:
                        continue
                    entry = found.setdefault(purpose, [None, None, grid.evidence(r2, c, "text", snippet=match.group(0))])
                    entry[0 if side == "planned" else 1] = amount.value
        for purpose, (planned, actual, evidence) in found.items():
            category = normalise.lookup_category(purpose)
            facts.goal_lines.append(BudgetLine(
                line_no=len(facts.goal_lines) + 1, category=category.name if category else purpose,
                category_code=category.code if category else None, category_raw=purpose,
                planned=planned, actual=actual, origin="text", evidence=evidence))
        return


# -- label | value cells ------------------------------------------------------------------
def _label_values(grid: _Grid, facts: FormFacts) -> None:
    for r in range(grid.height):
        for c in grid.starts(r):
            if (r, c) in grid.claimed:
                continue
            text = grid.text(r, c)
            if not text.strip():
                continue
            name, unit = glossary.field_of(text)
            source = None if name else glossary.source_of(text)
            if not name and not source:
                _inline_pairs(text, grid.evidence(r, c, "table"), facts, TABLE_RANK)
                continue
            value_at = _value_position(grid, r, c)
            if value_at is None:
                continue
            r2, c2 = value_at
            value_text = grid.text(r2, c2)
            if source:
                _source_cell(grid, r, c, r2, c2, source, facts)
                continue
            evidence = grid.evidence(r2, c2)
            evidence = Evidence(evidence.block, f"{clean_value(text)}：{clean_value(value_text)}"[:200], "table",
                                evidence.row, evidence.col)
            candidate = _field_value(name, value_text, unit or grid.unit, grid, r2, c2, evidence)
            if candidate is not None:
                facts.candidates.append(candidate)


def _value_position(grid: _Grid, r: int, c: int) -> tuple[int, int] | None:
    c2 = grid.right_of(r, c)
    # A row exported from a sheet leaves the cells it did not merge empty: the value is the
    # first written cell to the right ("自评等级 | | | 优").
    while c2 is not None and (r, c2) not in grid.claimed and not grid.text(r, c2).strip():
        following = grid.right_of(r, c2)
        if following is None:
            break
        c2 = following
    if c2 is not None and (r, c2) not in grid.claimed:
        right = grid.text(r, c2)
        if not _is_label(right):
            return r, c2
    # Transposed: this row holds labels only, the values sit below them.
    if r + 1 < grid.height and grid.owner[r + 1][c] != grid.owner[r][c] and (r + 1, c) not in grid.claimed:
        below = grid.text(r + 1, c)
        if below.strip() and not _is_label(below):
            return r + 1, c
    return None


def _is_label(text: str) -> bool:
    key = header_key(text)
    return bool(key) and (glossary.field_of(text)[0] is not None or glossary.source_of(text) is not None
                          or key in glossary.FUNDS_BY_LABEL or key in glossary.LINE_BY_LABEL)


def _field_value(name: str, text: str, unit: str, grid: _Grid | None, r: int, c: int,
                 evidence: Evidence | None = None, rank: int = TABLE_RANK) -> Candidate | None:
    """A written value for `name`, parsed; None when the cell holds nothing of the kind."""
    if evidence is None and grid is not None:
        evidence = grid.evidence(r, c)
    value = None
    if name in ("budget_planned", "budget_adjusted", "funds_arrived", "spent"):
        amount = normalise.parse_amount(text, unit)
        if amount is None or not normalise.is_number_cell(text):
            return None
        value = amount.value
        if amount.converted:
            evidence = Evidence(evidence.block, evidence.snippet, evidence.method, evidence.row, evidence.col,
                                evidence.start, evidence.end,
                                f"{amount.written:g} {amount.unit} → {amount.value:g} 万元")
    elif name in ("arrival_rate_stated", "execution_rate_stated"):
        if not normalise.is_number_cell(text):
            return None
        value = normalise.parse_rate(text)
    elif name == "self_score":
        if not normalise.is_number_cell(text):
            return None
        value = normalise.parse_score(text)
    elif name == "grade_raw":
        value = normalise.ticked_grade(text) or normalise.grade_word(text)
    elif name == "eval_type":
        value = normalise.eval_type(text)
    elif name == "period":
        value = normalise.parse_period(text)
    elif name == "fiscal_year":
        match = re.search(r"(?:19|20)\d{2}", normalise.fold(text))
        value = int(match.group(0)) if match else None
    elif name == "report_date":
        value = normalise.parse_date(text)
    else:
        value = clean_value(text) or None
        if value and (normalise.is_number_cell(value) or len(value) > 80 or normalise.is_masked(value)):
            value = None
    if value is None:
        return None
    return Candidate(name, value, evidence, rank)


def _source_cell(grid: _Grid, r: int, c: int, r2: int, c2: int, source: str, facts: FormFacts) -> None:
    """A 中央财政 / 市县财政 row of the 基本概况 table: planned or arrived by the column it sits in."""
    side = None
    for r_up in range(r - 1, -1, -1):
        name, _ = glossary.field_of(grid.text(r_up, c))
        if name in ("budget_planned", "budget_adjusted"):
            side = "planned"
            break
        if name == "funds_arrived":
            side = "arrived"
            break
    if side is None or r2 != r:
        return
    unit = glossary.field_of(grid.text(r_up, c))[1] or grid.unit
    value, evidence = _amount(grid.text(r2, c2), unit, grid, r2, c2)
    if value is None or not normalise.is_number_cell(grid.text(r2, c2)):
        return
    for existing in facts.sources:
        if existing.source == source and getattr(existing, side) is None and existing.evidence \
                and existing.evidence.block == grid.table.index:
            setattr(existing, side, value)
            return
    facts.sources.append(FundingSource(source, value if side == "planned" else None,
                                       value if side == "arrived" else None, evidence))


def _signature_dates(grid: _Grid, facts: FormFacts) -> None:
    """Dates signed under 填报人（签字） / 评价组组长（签字） rows."""
    recent = -10
    for r in range(grid.height):
        for c in grid.starts(r):
            text = grid.text(r, c)
            if SIGNATURE.search(text):
                recent = r
            if r - recent > 3:
                continue
            for match, value in normalise.find_dates(text):
                evidence = grid.evidence(r, c)
                facts.mentions.append(Mention(
                    "date", "signed", evidence, text=match.group(0), role="signed",
                    date_start=value.start, date_end=value.end,
                ))
                if value.precision == "day":
                    # A signature's date stands in for the report's date when the cover has none.
                    facts.candidates.append(Candidate("report_date", value.start, evidence, SIGNATURE_RANK))


# -- cover lines and label: value pairs inside one cell ------------------------------------
def _label_pattern() -> re.Pattern:
    labels = sorted({l for labels in glossary.FIELD_LABELS.values() for l in labels}, key=len, reverse=True)
    spaced = ["[ \u3000]*".join(re.escape(ch) for ch in label) for label in labels]
    return re.compile(
        r"(?:^|(?<=\s)|(?<=[；;，,|｜]))[ \u3000]*(?P<label>" + "|".join(spaced) + r")"
        r"[ \u3000]*(?:[（(][ \u3000]*(?:单位[：:])?[ \u3000]*(?P<unit>万元|元)[ \u3000]*[)）]|[（(][^）)]{1,8}[)）])?"
        r"(?P<sep>[ \u3000]*[：:|｜。][ \u3000]*|[ \u3000\t\n]+)"
    )


LABEL_LINE = _label_pattern()


def _pairs(text: str) -> list[tuple[str, str | None, str, int, int]]:
    """(field, unit, value, start, end) for each "label：value" pair in a short line."""
    # Several labels on one line ("项目实施单位：X　主管部门：Y"): after one space a label opens
    # a new pair only with its colon; after a tab, two spaces or a separator, as it is.
    matches = [m for m in LABEL_LINE.finditer(text)
               if m.start() == 0 or text[m.start() - 1] == "\t" or not text[m.start() - 1].isspace()
               or (m.start() >= 2 and text[m.start() - 2].isspace()) or re.search(r"[：:]", m.group("sep"))]
    out = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[match.end():end]
        name, unit = glossary.field_of(match.group("label"))
        if name:
            out.append((name, match.group("unit") or unit, value, match.start(), end))
    return out


def _inline_pairs(text: str, evidence: Evidence, facts: FormFacts, rank: int) -> None:
    if len(text) > 120:
        return
    for name, unit, value, start, end in _pairs(text):
        cell = Evidence(evidence.block, text[start:end].strip()[:200], evidence.method,
                        evidence.row, evidence.col, start, end)
        candidate = _field_value(name, value, unit or "万元", None, 0, 0, cell, rank)
        if candidate is not None:
            facts.candidates.append(candidate)


def _label_line(paragraph: Paragraph, facts: FormFacts) -> None:
    text = paragraph.text
    if not text.strip() or len(text) > 120:
        return
    for name, unit, value, start, end in _pairs(text):
        evidence = Evidence(paragraph.index, snippet(text, start, end, 0), "label", start=start, end=end)
        candidate = _field_value(name, value, unit or "万元", None, 0, 0, evidence, LINE_RANK)
        if candidate is not None:
            facts.candidates.append(candidate)
