"""ingest/samples.py: generated reports whose truth files say exactly what the documents say.

The parser is held against the generator's truth (fields, budget lines, indicators,
funding sources); anomalies are only checked for being well-formed and for following
from the truth's own numbers, since the rules are not written yet.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import time
import unicodedata
from collections import Counter
from decimal import Decimal

import pytest
from truth import indicator_key, line_key, same, source_key

from ingest import sample_words, samples
from ingest.pipeline import parse_bytes
from ingest.read_docx import read_docx
from ingest.regions import _matches
from ingest.report import REPORT_FIELDS, as_row

SEED = 20240611
PARSED = 30           # reports rendered and parsed
PLANNED = 800         # reports only planned (truth without .docx)
TRUTH_FIELDS = [f for f in REPORT_FIELDS if f not in ("arrival_rate", "execution_rate")]
CATEGORY_NAMES = {c.name for c in samples._categories().values()}
# Words that admit a shortfall (SPEC §3 SHORTFALL_FULL_SCORE), and a little more.
SHORTFALL_WORDS = ("未完成", "没有完成", "没能", "未能", "未开展", "未达到", "未达标", "未实现", "未按期", "偏慢",
                   "滞后", "缓慢", "延期", "推迟", "仅完成", "低于", "完成率", "顺延", "较慢")

PARSED_SAMPLES = list(samples.generate(PARSED, SEED))


@pytest.fixture(scope="module")
def planned():
    return list(samples.generate(PLANNED, SEED))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    samples.write_samples(out, PARSED, seed=SEED)
    return out


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# -- files and determinism ---------------------------------------------------------------
def test_writes_a_docx_and_a_truth_file_per_report(folder):
    docx = sorted(p.name for p in folder.glob("*.docx"))
    truths = sorted(p.name for p in folder.glob("*.truth.json"))
    assert docx == [f"sample-{n:05d}.docx" for n in range(1, PARSED + 1)]
    assert truths == [name.replace(".docx", ".truth.json") for name in docx]
    first = json.loads((folder / truths[0]).read_text(encoding="utf-8"))
    assert list(first) == ["file", "shape", "parse_status", "report", "funding_sources", "budget_lines",
                           "indicators", "anomalies"]
    assert first["file"] == docx[0]


def test_same_seed_same_bytes(folder, tmp_path):
    samples.write_samples(tmp_path, PARSED, seed=SEED)
    for path in sorted(folder.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_same_seed_same_truth_and_other_seed_other_reports():
    again = [json.dumps(s.truth, ensure_ascii=False) for s in samples.generate(PARSED, SEED)]
    assert again == [json.dumps(s.truth, ensure_ascii=False) for s in PARSED_SAMPLES]
    other = [json.dumps(s.truth, ensure_ascii=False) for s in samples.generate(PARSED, SEED + 1)]
    assert not set(other) & set(again)


def test_a_longer_run_starts_with_the_shorter_one(planned):
    shorter = [s.truth for s in samples.generate(50, SEED)]
    # The last report of a short run may lose its twin (DUPLICATE_REPORT) at the cut.
    assert shorter[:-1] == [s.truth for s in planned[:49]]


# -- coverage ----------------------------------------------------------------------------
def test_every_shape_in_realistic_proportions(planned):
    shapes = Counter(s.truth["shape"] for s in planned)
    assert set(shapes) == {"table", "zibiao", "narrative"}
    for shape, share in samples.SHAPES:
        assert abs(shapes[shape] / len(planned) - share) < 0.07, shapes


def test_every_rule_is_planted(planned):
    rules = Counter(a["rule"] for s in planned for a in s.truth["anomalies"])
    assert set(rules) == set(samples.RULES), set(samples.RULES) - set(rules)
    clean = sum(1 for s in planned if not s.truth["anomalies"])
    assert clean > len(planned) * 0.15, "most reports should still be clean"


def test_what_is_planted_is_in_the_truth(planned):
    for sample in planned:
        listed = {a["rule"] for a in sample.truth["anomalies"]}
        assert sample.plan.planted <= listed, (sample.name, sample.plan.planted - listed)


def test_rates_can_be_set():
    none = {rule: 0.0 for rule in samples.DEFAULT_RATES}
    quiet = [s.truth for s in samples.generate(200, SEED, rates=none)]
    assert not [a for t in quiet for a in t["anomalies"]]
    loud = [s.truth for s in samples.generate(200, SEED, rates={**none, "YEAR_MISMATCH": 1.0})]
    assert all(t["anomalies"] == [{"rule": "YEAR_MISMATCH", "subject": None}] for t in loud)


def test_many_places_years_and_projects(planned):
    reports = [s.truth["report"] for s in planned]
    assert len({r["province"] for r in reports}) >= 25
    assert len({r["region"] for r in reports}) >= 400
    assert {r["fiscal_year"] for r in reports} == set(range(2019, 2026))
    assert len({r["project_name"] for r in reports}) >= 50
    assert len({r["grade_raw"] for r in reports}) >= 10


# -- the truth files are well-formed and follow from their own numbers ------------------------
def test_truth_is_well_formed(planned):
    names = {s.name for s in planned}
    for sample in planned:
        truth = sample.truth
        report = truth["report"]
        assert list(report) == TRUTH_FIELDS
        assert truth["parse_status"] == "ok"
        assert report["grade"] in ("优", "良", "中", "差")
        assert 0 <= report["self_score"] <= 100
        assert dt.date.fromisoformat(report["report_date"]).year in (report["fiscal_year"], report["fiscal_year"] + 1)
        for line in truth["budget_lines"]:
            assert line["category"] in CATEGORY_NAMES and line["category_code"] and line["category_raw"]
            assert line["origin"] == ("table" if truth["shape"] == "table" else "text")
        codes = [line["category_code"] for line in truth["budget_lines"]]
        assert len(codes) == len(set(codes))
        if truth["shape"] != "zibiao":
            assert not truth["indicators"]
        else:
            assert truth["indicators"] and report["funds_arrived"] is None and report["period_start"] is None
        line_subjects = {line["category"] for line in truth["budget_lines"]}
        indicator_subjects = {i["name"] for i in truth["indicators"]}
        for anomaly in truth["anomalies"]:
            rule, subject = anomaly["rule"], anomaly["subject"]
            assert rule in samples.RULES
            if rule in ("OVERSPEND_LINE", "UNPLANNED_LINE", "UNIT_SUSPECT"):
                assert subject in line_subjects, anomaly
            elif rule == "TEXT_TABLE_MISMATCH":
                assert subject == "total" or subject in line_subjects, anomaly
            elif rule in ("INDICATOR_OVER_WEIGHT", "UNMET_TARGET_FULL_SCORE"):
                assert subject in indicator_subjects, anomaly
            elif rule == "DUPLICATE_REPORT":
                assert subject in names and subject != truth["file"]
            else:
                assert subject is None, anomaly
        pairs = [(a["rule"], a["subject"]) for a in truth["anomalies"]]
        assert len(pairs) == len(set(pairs))


def test_duplicates_come_in_pairs_that_differ_only_in_who_filed_them(planned):
    by_name = {s.name: s.truth for s in planned}
    pairs = 0
    for name, truth in by_name.items():
        for anomaly in truth["anomalies"]:
            if anomaly["rule"] != "DUPLICATE_REPORT":
                continue
            other = by_name[anomaly["subject"]]
            assert {"rule": "DUPLICATE_REPORT", "subject": name} in other["anomalies"]
            mine, theirs = dict(truth["report"]), dict(other["report"])
            for key in ("implementing_unit", "supervising_dept", "province", "region", "report_date"):
                mine.pop(key), theirs.pop(key)
            assert mine == theirs
            assert truth["budget_lines"] == other["budget_lines"]
            assert truth["report"]["implementing_unit"] != other["report"]["implementing_unit"]
            pairs += 1
    assert pairs >= 4


def _cents(value) -> int | None:
    return None if value is None else int((Decimal(str(value)) * 10000).to_integral_value())


def _number_in(text: str) -> Decimal | None:
    found = re.search(r"\d+(?:\.\d+)?", nfkc(text))
    return Decimal(found.group(0)) if found else None


def _numeric_rules(truth: dict, bands_stated: bool) -> set[tuple[str, str | None]]:
    """SPEC §3 again, from the truth file alone (the execution-rate score aside)."""
    r = truth["report"]
    found: set[tuple[str, str | None]] = set()
    budget = _cents(r["budget_adjusted"] if r["budget_adjusted"] is not None else r["budget_planned"])
    spent, arrived, score = _cents(r["spent"]), _cents(r["funds_arrived"]), Decimal(str(r["self_score"]))
    lines = truth["budget_lines"]
    table = truth["shape"] == "table"
    for line in lines:
        planned, actual = _cents(line["planned"]), _cents(line["actual"])
        if table and planned and actual > planned:
            found.add(("OVERSPEND_LINE", line["category"]))
        if table and not planned and actual > 0:
            found.add(("UNPLANNED_LINE", line["category"]))
    if score == 100 and arrived is not None and arrived < budget:
        found.add(("FULL_SCORE_PARTIAL_ARRIVAL", None))
    if score == 100 and spent < budget:
        found.add(("FULL_SCORE_PARTIAL_EXECUTION", None))
    if lines:
        off = abs(sum(_cents(line["actual"]) for line in lines) - spent) > 100
        if table:
            off |= abs(sum(_cents(line["planned"]) or 0 for line in lines) - budget) > 100
        if off:
            found.add(("LINES_SUM_MISMATCH", None))
    if arrived is not None and spent > arrived:
        found.add(("SPENT_EXCEEDS_ARRIVED", None))
    wrong = False
    if r["execution_rate_stated"] is not None:
        wrong |= abs(Decimal(str(r["execution_rate_stated"])) - Decimal(spent * 100) / budget) > Decimal("0.1")
    if r["arrival_rate_stated"] is not None:
        wrong |= abs(Decimal(str(r["arrival_rate_stated"])) - Decimal(arrived * 100) / budget) > Decimal("0.1")
    if wrong:
        found.add(("STATED_RATE_MISMATCH", None))
    bands = ((95, "优"), (85, "良"), (60, "中")) if bands_stated else ((90, "优"), (80, "良"), (60, "中"))
    expected = next((grade for low, grade in bands if score >= low), "差")
    if r["grade"] != expected:
        found.add(("GRADE_SCORE_MISMATCH", None))
    for indicator in truth["indicators"]:
        weight, got = Decimal(str(indicator["weight"])), Decimal(str(indicator["score"]))
        if got > weight:
            found.add(("INDICATOR_OVER_WEIGHT", indicator["name"]))
        target, actual = nfkc(indicator["target_raw"]), _number_in(indicator["actual_raw"])
        if target.startswith("≥") and actual is not None and actual < _number_in(target) and got >= weight:
            found.add(("UNMET_TARGET_FULL_SCORE", indicator["name"]))
    return found


NUMERIC = {"OVERSPEND_LINE", "UNPLANNED_LINE", "FULL_SCORE_PARTIAL_ARRIVAL", "FULL_SCORE_PARTIAL_EXECUTION",
           "LINES_SUM_MISMATCH", "SPENT_EXCEEDS_ARRIVED", "STATED_RATE_MISMATCH", "GRADE_SCORE_MISMATCH",
           "INDICATOR_OVER_WEIGHT", "UNMET_TARGET_FULL_SCORE"}


def test_numeric_anomalies_follow_from_the_truths_own_numbers(planned):
    for sample in planned:
        text = samples.text_of(sample.plan)
        listed = {(a["rule"], a["subject"]) for a in sample.truth["anomalies"] if a["rule"] in NUMERIC}
        assert listed == _numeric_rules(sample.truth, "优（得分≥95分）" in text), sample.name


def test_indicator_scores_add_up_unless_planted(planned):
    for sample in planned:
        if sample.truth["shape"] != "zibiao":
            continue
        plan = sample.plan
        total = sum(i.score for i in plan.indicators) + plan.exec_score
        planted = any(a["rule"] == "INDICATOR_SUM_MISMATCH" for a in sample.truth["anomalies"])
        assert (total != plan.self_score) == planted, sample.name
        assert sum(i.weight for i in plan.indicators) + plan.exec_weight == 10000


# -- the text never says what the truth does not list ------------------------------------------
DAY = re.compile(r"(\d{4})年(\d{1,2})月\s*(\d{1,2})\s*日")
EVALUATED = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?[，,]评价工作组")


CN_DAY = re.compile(r"([〇一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日")


def _cn(text: str) -> int:
    digits = "〇一二三四五六七八九"
    if "十" not in text:
        return int("".join(str(digits.index(c)) for c in text))
    tens, _, units = text.partition("十")
    return (digits.index(tens) if tens else 1) * 10 + (digits.index(units) if units else 0)


def _dates_said(text: str) -> tuple[list[dt.date], list[dt.date]]:
    """(dates on a line of their own or after 签字：, dates the evaluation is said to happen)."""
    signed, evaluated = [], []
    for line in text.splitlines():
        line = nfkc(line).strip()
        bare = re.sub(r"^.*\(签字\):\s*", "", line)
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
        text = samples.text_of(plan)
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


def test_word_lists_name_no_place_year_or_money():
    texts = []
    for domain in sample_words.DOMAINS:
        texts += [domain.bureau, *domain.subunits, *domain.projects, *domain.purposes, *domain.backgrounds,
                  *domain.activities, *domain.effects, domain.documents, domain.beneficiaries]
        texts += [i.name for i in domain.indicators] + [i.phrase or "" for i in domain.indicators]
    full_score_safe = (sample_words.PROBLEMS_NEUTRAL + sample_words.SUGGESTIONS + sample_words.EVAL_ACTIONS)
    for text in texts + list(full_score_safe):
        assert not list(_matches(text)), text
        assert not re.search(r"\d|元", text.replace("{v}", "")), text
    for domain in sample_words.DOMAINS:
        for text in [*domain.backgrounds, *domain.activities, *domain.effects, *domain.purposes]:
            assert not [w for w in SHORTFALL_WORDS if w in text], text
    for text in full_score_safe:
        assert not [w for w in SHORTFALL_WORDS if w in text], text


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
    by_name = {indicator_key(as_row(i)): i for i in report.indicators}
    for want in truth["indicators"]:
        got = by_name.get(indicator_key(want))
        assert got is not None, want["name"]
        for name in ("level1", "level2", "target_raw", "actual_raw", "note"):
            assert same(want[name], getattr(got, name)), (want["name"], name, getattr(got, name))
    got_lines = {line_key(as_row(line)): as_row(line) for line in report.budget_lines}
    for want in truth["budget_lines"]:
        got = got_lines.get(line_key(want))
        assert got is not None, want
        assert same(want["category_raw"], got["category_raw"]), (want["category_raw"], got["category_raw"])
        assert got["origin"] == want["origin"], want


def _visible(text: str) -> str:
    """Text as compared for the writer: NFKC, no whitespace, no check boxes (☑ or √ by font)."""
    return re.sub(r"[\s☑√□]", "", nfkc(text))


def test_rendered_text_is_exactly_the_planned_text(folder):
    for sample in PARSED_SAMPLES:
        document = read_docx((folder / sample.name).read_bytes())
        assert _visible(document.text()) == _visible(samples.text_of(sample.plan)), sample.name


@pytest.mark.parametrize("sample", PARSED_SAMPLES[:8], ids=lambda s: f"{s.stem}-{s.truth['shape']}")
def test_word_habits_change_nothing_a_reader_sees(sample):
    """Tracked changes, content controls, smart tags, field results, list numbering and a
    renamed main part, all at once: same text, same parse."""
    data = sample.render(quirks=set(samples.QUIRKS))
    assert data != sample.render(quirks=set())
    assert _visible(read_docx(data).text()) == _visible(samples.text_of(sample.plan))
    report, _, error, _ = parse_bytes(data, sample.name)
    assert error is None
    wrong = {name: (want, getattr(report, name)) for name, want in sample.truth["report"].items()
             if not same(want, getattr(report, name))}
    assert not wrong, wrong
    assert sorted(map(line_key, sample.truth["budget_lines"])) == sorted(
        line_key(as_row(line)) for line in report.budget_lines)
    assert sorted(map(indicator_key, sample.truth["indicators"])) == sorted(
        indicator_key(as_row(i)) for i in report.indicators)


# -- speed and the command line ----------------------------------------------------------------
def test_rendering_is_the_only_slow_part_and_is_fast(planned):
    started = time.perf_counter()
    list(samples.generate(500, SEED + 2))
    planning = (time.perf_counter() - started) / 500
    started = time.perf_counter()
    for sample in planned[:40]:
        sample.render()
    rendering = (time.perf_counter() - started) / 40
    assert planning < 0.005 and rendering < 0.05, (planning, rendering)


def test_command_line(tmp_path, capsys):
    out = tmp_path / "new" / "folder"
    assert samples.main([str(out), "--count", "3", "--seed", "5", "--rate", "year_mismatch=1"]) == 0
    assert len(list(out.glob("*.docx"))) == 3 and len(list(out.glob("*.truth.json"))) == 3
    assert "3" in capsys.readouterr().out
    truth = json.loads((out / "sample-00002.truth.json").read_text(encoding="utf-8"))
    assert {"rule": "YEAR_MISMATCH", "subject": None} in truth["anomalies"]
    with pytest.raises(SystemExit):
        samples.main([str(out), "--rate", "NO_SUCH_RULE=0.5"])
