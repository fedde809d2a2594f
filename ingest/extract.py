"""Document -> Report: the labelled and narrative facts combined into one report.

For each field the best source wins: a labelled table cell over a cover line over a
sentence over the title; within one kind, the first in reading order. What no source
gives stays None and is listed in `missing`, never invented. Two values follow by rule
(SPEC §1): province from the place names, and funds_arrived = budget where the text says
the funds arrived in full without a figure of its own.
"""
from __future__ import annotations

from ingest import normalise
from ingest.boxes import place_evidence
from ingest.extract_prose_form import ProseFacts, extract_prose
from ingest.extract_table_form import SUB_ROWS, FormFacts, extract_form
from ingest.messages import Message
from ingest.model import Document
from ingest.regions import Place, locate, locate_in_text
from ingest.report import BudgetLine, Candidate, Evidence, FundingSource, Report, Witness
from ingest.similarity import narrative, signature
from ingest.text import snippet

FIELDS_FROM_CANDIDATES = (
    "project_name", "implementing_unit", "supervising_dept", "fiscal_year", "eval_type", "report_date",
    "budget_planned", "budget_adjusted", "funds_arrived", "spent", "arrival_rate_stated",
    "execution_rate_stated", "self_score", "grade_raw",
)
# The figures rules rest on, and how far two statements of one may differ and still agree.
KEY_FIGURES = {
    "budget_planned": 0.01, "budget_adjusted": 0.01, "funds_arrived": 0.01, "spent": 0.01,
    "arrival_rate_stated": 0.1, "execution_rate_stated": 0.1, "self_score": 0.05,
}
# Lines that add up to this many times the report's total are in 元 under a 万元 cover.
YUAN_RATIO = (9950.0, 10050.0)
# A file that never says 绩效, 自评 or 评价 is not a performance self-evaluation report.
REPORT_WORDS = ("绩效", "自评", "评价")


def _best(candidates: list[Candidate]) -> dict[str, Candidate]:
    chosen: dict[str, Candidate] = {}
    for candidate in candidates:
        current = chosen.get(candidate.field)
        if current is None or candidate.rank < current.rank:
            chosen[candidate.field] = candidate
    return chosen


def extract_report(document: Document) -> Report:
    form = extract_form(document)
    prose = extract_prose(document)
    report = Report(text=document.text())
    chosen = _best(form.candidates + prose.candidates)

    for name in FIELDS_FROM_CANDIDATES:
        if name in chosen:
            value = chosen[name].value
            if isinstance(value, normalise.DateValue):
                value = value.start
            setattr(report, name, value)
            report.provenance[name] = chosen[name].evidence
    if "period" in chosen:
        start, end = chosen["period"].value
        report.period_start, report.period_end = start.start, end.end
        report.provenance["period_start"] = report.provenance["period_end"] = chosen["period"].evidence
    if report.fiscal_year is None and report.period_start is not None:
        report.fiscal_year = report.period_start.year
        report.provenance["fiscal_year"] = _derived(report.provenance["period_start"], "项目起止时间的年份")

    _funds(report, prose)
    _rates(report)
    report.grade = normalise.normalise_grade(report.grade_raw)
    if report.grade:
        report.provenance["grade"] = _derived(report.provenance["grade_raw"], f"{report.grade_raw} → {report.grade}")
    _place(report, document, prose.title)
    report.funding_sources = _sources(report, form, prose)
    report.budget_lines = _lines(form, prose)
    _lines_in_yuan(report, form)
    _witnesses(report, form.candidates + prose.candidates, chosen, form)
    report.indicators = form.indicators
    report.mentions = form.mentions + prose.mentions
    report.notes.extend(dict.fromkeys(form.notes))
    report.doubts.update(form.doubts)
    report.shape = _shape(form, report)
    _status(report, document)
    report.narrative = narrative(document)
    minhash = signature(report.narrative)
    report.signature = None if minhash is None else minhash.tolist()
    place_evidence(report, document)
    return report


def _lines_in_yuan(report: Report, form: FormFacts) -> None:
    """A 支出明细 table that states no unit, under a cover in 万元, whose lines add up to ten
    thousand times the report's own total, is in 元: converted, and the conversion recorded."""
    lines = [line for line in report.budget_lines
             if line.origin == "table" and not (line.evidence and line.evidence.note and "→" in line.evidence.note)]
    if not lines or len(lines) != len([line for line in report.budget_lines if line.origin == "table"]):
        return
    for column, total in (("actual", report.spent), ("planned", report.budget)):
        amounts = [getattr(line, column) for line in lines if getattr(line, column) is not None]
        if not amounts or not total:
            continue
        ratio = sum(amounts) / total
        if YUAN_RATIO[0] <= ratio <= YUAN_RATIO[1]:
            break
    else:
        return
    note = "表未注单位，各行之和约为报告合计的一万倍，按元折算为万元"
    blocks = {line.evidence.block for line in lines if line.evidence}
    for line in lines:
        line.planned = None if line.planned is None else round(line.planned / 10000, 6)
        line.actual = None if line.actual is None else round(line.actual / 10000, 6)
        if line.evidence:
            old = line.evidence
            line.evidence = Evidence(old.block, old.snippet, old.method, old.row, old.col, old.start, old.end,
                                     "；".join(filter(None, (old.note, note))))
    for mention in form.mentions:
        if mention.kind == "table_total" and mention.evidence.block in blocks and mention.value is not None:
            mention.value = round(mention.value / 10000, 6)
            mention.unit = "元"
    report.notes.append(note)


def _witnesses(report: Report, candidates: list[Candidate], chosen: dict[str, Candidate], form: FormFacts) -> None:
    """Every other statement of each key figure, and whether it agrees with the value taken.

    The value stays the best-ranked statement; a disagreement makes it doubtful (it needs
    reading) only where the parser cannot tell which statement is right: another of the same
    standing says otherwise, or the rows under a total add up to more than the total. A
    narrative that contradicts its own table is no doubt but a finding (TEXT_TABLE_MISMATCH)."""
    others: dict[str, list[tuple[Candidate, str | None]]] = {}
    for candidate in candidates:
        others.setdefault(candidate.field, []).append((candidate, None))
    for witness, kind in form.witnesses:
        others.setdefault(witness.field, []).append((witness, kind))
    table_lines = [line for line in report.budget_lines if line.origin == "table"]
    for name, column in (("spent", "actual"), ("budget_planned", "planned")):
        amounts = [getattr(line, column) for line in table_lines if getattr(line, column) is not None]
        if amounts:
            total = round(sum(amounts), 6)
            evidence = Evidence(table_lines[0].evidence.block if table_lines[0].evidence else None,
                                f"支出明细各行之和：{total:g}", "computed")
            others.setdefault(name, []).append((Candidate(name, total, evidence, 9), "lines_sum"))
    for name, tolerance in KEY_FIGURES.items():
        value = getattr(report, name)
        best = chosen.get(name)
        if value is None or best is None or best.value != value:
            continue
        seen = {_place_of(best.evidence)}
        found: list[Witness] = []
        for candidate, kind in others.get(name, []):
            if _place_of(candidate.evidence) in seen or not isinstance(candidate.value, (int, float)):
                continue
            seen.add(_place_of(candidate.evidence))
            agrees = abs(candidate.value - value) <= tolerance
            found.append(Witness(candidate.value, candidate.evidence, agrees))
            if agrees or name in report.doubts:
                continue
            if kind == SUB_ROWS and candidate.value > value + tolerance:
                report.doubts[name] = f"其中各行之和 {candidate.value:g} 大于合计 {value:g}"
            elif kind is None and candidate.rank <= best.rank:
                report.doubts[name] = (f"同等来源的两处不一致：取 {value:g}（{best.evidence.snippet[:40]}），"
                                       f"另一处为 {candidate.value:g}（{candidate.evidence.snippet[:40]}）")
        if found:
            report.witnesses[name] = found


def _place_of(evidence: Evidence) -> tuple:
    return evidence.block, evidence.row, evidence.col, evidence.start, evidence.method == "computed"


def _derived(evidence: Evidence, note: str) -> Evidence:
    return Evidence(evidence.block, evidence.snippet, "derived", evidence.row, evidence.col,
                    evidence.start, evidence.end, note)


def _funds(report: Report, prose: ProseFacts) -> None:
    """A statement that the funds arrived in full, with no figure of its own, sets funds_arrived."""
    if report.funds_arrived is None and prose.arrived_in_full is not None and report.budget is not None:
        report.funds_arrived = report.budget
        report.provenance["funds_arrived"] = _derived(
            prose.arrived_in_full, f"资金全部到位，取预算数 {report.budget:g} 万元")


def _rates(report: Report) -> None:
    budget = report.budget
    if budget:
        if report.funds_arrived is not None:
            report.arrival_rate = round(report.funds_arrived / budget * 100, 4)
        if report.spent is not None:
            report.execution_rate = round(report.spent / budget * 100, 4)


def _place(report: Report, document: Document, title: str | None) -> None:
    report_names = [report.project_name, title]
    place = locate([report.implementing_unit, report.supervising_dept], report_names)
    note = "对照行政区划表"
    if place is None:
        # No name of the unit's or the report's names a place (a 县政协's 部门整体 report):
        # the one county its own text keeps naming.
        place = locate_in_text(document.text())
        note = "单位与项目名称未含地名，取正文中反复提到的县（区），对照行政区划表"
        if place is None:
            return
        at = place.source.find(place.matched)
        place = Place(place.province, place.region, snippet(place.source, at, at + len(place.matched)), place.matched)
    report.province, report.region = place.province, place.region
    evidence = Evidence(None, place.source, "derived", note=f"地名“{place.matched}”{note}")
    report.provenance["province"] = evidence
    if place.region:
        report.provenance["region"] = evidence


def _sources(report: Report, form: FormFacts, prose: ProseFacts) -> list[FundingSource]:
    found = form.sources or prose.sources
    if not found and prose.all_from is not None and report.budget is not None:
        level, evidence = prose.all_from
        arrived_written = report.provenance.get("funds_arrived")
        arrived = report.funds_arrived if arrived_written is not None and arrived_written.method != "derived" else None
        found = [FundingSource(level, report.budget, arrived, evidence)]
    merged: dict[str, FundingSource] = {}
    for source in found:
        if source.source in merged:
            existing = merged[source.source]
            existing.planned = existing.planned if existing.planned is not None else source.planned
            existing.arrived = existing.arrived if existing.arrived is not None else source.arrived
        else:
            merged[source.source] = FundingSource(source.source, source.planned, source.arrived, source.evidence)
    return list(merged.values())


def _lines(form: FormFacts, prose: ProseFacts) -> list[BudgetLine]:
    """Lines from the 项目支出明细 table; from the narrative only where no table gives any."""
    if form.lines:
        return form.lines
    if form.goal_lines:
        return form.goal_lines
    lines: list[BudgetLine] = []
    seen: set[str] = set()
    amounts: dict[str, set[float]] = {}
    for mention in prose.lines:
        category = normalise.lookup_category(mention.text or "")
        amounts.setdefault(category.code if category else (mention.text or ""), set()).add(mention.value)
    if any(len(values) > 1 for values in amounts.values()):
        # One category with two amounts: the narrative lists sub-projects' costs, not the
        # report's lines ("一期监理费22万元…；二期监理费12.66万元").
        return []
    for mention in prose.lines:
        category = normalise.lookup_category(mention.text or "")
        key = category.code if category else (mention.text or "")
        if key in seen:
            continue
        seen.add(key)
        lines.append(BudgetLine(
            line_no=len(lines) + 1,
            category=category.name if category else (mention.text or ""),
            category_code=category.code if category else None,
            category_raw=mention.text or "",
            planned=None, actual=mention.value, origin="text", evidence=mention.evidence,
        ))
    return lines


def _shape(form: FormFacts, report: Report) -> str:
    if form.indicators or any(m.kind == "score" for m in form.mentions):
        return "zibiao"
    if form.lines or any(c.rank == 0 for c in form.candidates if c.field in ("spent", "budget_planned")):
        return "table"
    return "narrative"


def _status(report: Report, document: Document) -> None:
    values = {"budget": report.budget, "spent": report.spent, "self_score": report.self_score}
    report.missing = [name for name, value in values.items() if value is None]
    for name in ("project_name", "implementing_unit", "fiscal_year", "funds_arrived", "grade"):
        if getattr(report, name) is None:
            report.missing.append(name)
    found_anything = any(v is not None for v in values.values()) or report.budget_lines or report.indicators
    text = report.text
    if not found_anything or not any(word in text for word in REPORT_WORDS):
        report.parse_status = "failed"
        report.notes.insert(0, str(Message("parse.not_a_report")))
    elif any(v is None for v in values.values()):
        report.parse_status = "partial"
    else:
        report.parse_status = "ok"
