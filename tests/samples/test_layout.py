"""samples/layout.py: documents that say exactly what their truth files say, and nothing the
truth does not list; the parser reads them as the truth says.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from corpus_wording import borrowed
from truth import indicator_key, line_key, same, source_key

from ingest.parse import parse_bytes
from ingest.report import as_row
from samples import generate, reference, write_samples
from samples.layout import text_of

SEED = 20240611
PARSED = 30           # reports rendered and parsed
PLANNED = 800         # reports only planned (truth without .docx)
# Words that admit a shortfall (SPEC §3 SHORTFALL_FULL_SCORE), and a little more.
SHORTFALL_WORDS = ("未完成", "没有完成", "没能", "未能", "未开展", "未达到", "未达标", "未实现", "未按期", "偏慢",
                   "滞后", "缓慢", "延期", "推迟", "仅完成", "低于", "完成率", "顺延", "较慢")

PARSED_SAMPLES = list(generate(PARSED, SEED))
# What every such report calls itself: the one wording the corpus may share.
DOCUMENT_TYPES = ("项目支出绩效自评报告", "项目支出绩效自评表")
CATEGORY_LABELS = sorted({label for c in reference.categories().values() for label in c.labels}, key=len, reverse=True)


@pytest.fixture(scope="module")
def planned():
    return list(generate(PLANNED, SEED))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    write_samples(out, PARSED, seed=SEED)
    return out


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# -- the text never says what the truth does not list ------------------------------------------
DAY = re.compile(r"(\d{4})年(\d{1,2})月\s*(\d{1,2})\s*日")
EVALUATED = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?[，,]自评小组")


CN_DAY = re.compile(r"([〇一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日")


def _cn(text: str) -> int:
    digits = "〇一二三四五六七八九"
    if "十" not in text:
        return int("".join(str(digits.index(c)) for c in text))
    tens, _, units = text.partition("十")
    return (digits.index(tens) if tens else 1) * 10 + (digits.index(units) if units else 0)


def _dates_said(text: str) -> tuple[list[dt.date], list[dt.date]]:
    """(dates on a line of their own or after 签名：, dates the evaluation is said to happen)."""
    signed, evaluated = [], []
    for line in text.splitlines():
        line = nfkc(line).strip()
        bare = re.sub(r"^.*\(签[字名]\):\s*", "", line)
        found = DAY.fullmatch(bare)
        if found:
            signed.append(dt.date(*map(int, found.groups())))
        found = CN_DAY.fullmatch(bare)
        if found:
            signed.append(dt.date(*map(_cn, found.groups())))
        for match in EVALUATED.finditer(line):
            year, month, day = match.groups()
            evaluated.append(dt.date(int(year), int(month), int(day or 1)))
    return signed, evaluated


def test_text_says_nothing_unplanted(planned):
    for sample in planned:
        truth, plan = sample.truth, sample.plan
        rules = {a["rule"] for a in truth["anomalies"]}
        report = truth["report"]
        text = text_of(plan)
        fy = report["fiscal_year"]
        years = {int(y) for y in re.findall(r"(?<!\d)(20\d\d)\s*年", nfkc(text))}
        allowed = {fy, fy + 1} | ({fy - 1} if "YEAR_MISMATCH" in rules else set())
        assert years <= allowed, (sample.name, years)
        if report["self_score"] == 100 and "SHORTFALL_FULL_SCORE" not in rules:
            said = [w for w in SHORTFALL_WORDS if w in text]
            assert not said, (sample.name, said)
        if "单位：元" not in text and "UNIT_SUSPECT" not in rules:
            assert not re.search(r"\d元", nfkc(text)), sample.name
        signed, evaluated = _dates_said(text)
        report_date = dt.date.fromisoformat(report["report_date"])
        assert signed and signed[0] == report_date, sample.name
        period_end = dt.date.fromisoformat(report["period_end"]) if report["period_end"] else None
        inconsistent = any(d < period_end for d in signed + evaluated) if period_end else False
        inconsistent |= any(d > report_date for d in evaluated)
        assert inconsistent == ("DATE_INCONSISTENT" in rules), sample.name


# -- the parser reads what the truth says -----------------------------------------------------
@pytest.mark.parametrize("sample", PARSED_SAMPLES, ids=lambda s: f"{s.stem}-{s.truth['shape']}")
def test_parser_reads_what_the_truth_says(folder, sample):
    data = (folder / sample.name).read_bytes()
    report, file_format, error, _ = parse_bytes(data, sample.name)
    truth = sample.truth
    assert (file_format, error) == ("docx", None)
    wrong = {}
    for name, want in truth["report"].items():
        got = getattr(report, name)
        if not same(want, got):
            wrong[name] = (want, got)
    if report.parse_status != truth["parse_status"]:
        wrong["parse_status"] = (truth["parse_status"], report.parse_status)
    for name, key, got in (("budget_lines", line_key, report.budget_lines),
                           ("indicators", indicator_key, report.indicators),
                           ("funding_sources", source_key, report.funding_sources)):
        want_keys = sorted(map(key, truth[name]))
        got_keys = sorted(key(as_row(item)) for item in got)
        if want_keys != got_keys:
            wrong[name] = (want_keys, got_keys)
    assert not wrong, wrong


@pytest.mark.parametrize("sample", PARSED_SAMPLES, ids=lambda s: f"{s.stem}-{s.truth['shape']}")
def test_parser_keeps_labels_and_raw_values(folder, sample):
    """Beyond the corpus README's matching keys: raw labels and indicator texts as written."""
    report, _, _, _ = parse_bytes((folder / sample.name).read_bytes(), sample.name)
    truth = sample.truth
    # One name may stand twice with the same weight and score (INDICATOR_DUPLICATED and its
    # near miss): such rows pair up in the order of the table.
    by_name: dict[tuple, list] = {}
    for indicator in report.indicators:
        by_name.setdefault(indicator_key(as_row(indicator)), []).append(indicator)
    for want in truth["indicators"]:
        same_key = by_name.get(indicator_key(want))
        assert same_key, want["name"]
        got = same_key.pop(0)
        for name in ("level1", "level2", "target_raw", "actual_raw", "note"):
            assert same(want[name], getattr(got, name)), (want["name"], name, getattr(got, name))
    got_lines = {line_key(as_row(line)): as_row(line) for line in report.budget_lines}
    for want in truth["budget_lines"]:
        got = got_lines.get(line_key(want))
        assert got is not None, want
        assert same(want["category_raw"], got["category_raw"]), (want["category_raw"], got["category_raw"])
        assert got["origin"] == want["origin"], want


# -- the wording of the forms and reports is ours, not the corpus's ----------------------------
def _own_wording(plan) -> str:
    """The text of a plan's document with what it reports blanked ("|"): names, categories,
    indicators, numbers; what is left is the layout's and the word lists' wording."""
    values = {plan.project, plan.unit, plan.dept, plan.place.prefix, *DOCUMENT_TYPES,
              *(i.name for i in plan.indicators), *(line.label for line in plan.lines)}
    text = text_of(plan)
    for value in sorted(values, key=len, reverse=True) + CATEGORY_LABELS:
        text = text.replace(value, "|")
    return re.sub(r"[0-9０-９.,．%％]+|万元|元", "|", text)


def test_no_wording_taken_from_a_corpus_report(planned):
    """Labels, headings and sentences of every shape: no run of ten characters is a corpus
    report's (the corpus layouts' labels in their order, 评价方式：部门（单位）绩效自评 …)."""
    taken = {}
    for sample in planned[:300]:
        for run in borrowed(_own_wording(sample.plan)):
            taken.setdefault(run, sample.name)
    assert taken == {}
