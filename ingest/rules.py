"""The anomaly rules of SPEC §3, run set-wise over the whole store in one transaction.

Rules over numbers and over the narrative's `mentions` are SQL files in queries/rules/,
one per rule: each selects (report_id, subject, message, message_en, evidence), which
queries/rules/insert.sql files under the rule's id. Some rules are Python because they need
more than SQL says well: UNMET_TARGET_FULL_SCORE, TARGET_TOO_LOW and TARGET_NOT_MEASURABLE
read targets written as text ("≥２００个", "百分之百"); DUPLICATE_REPORT and
NARRATIVE_REPEATS_LAST_YEAR band MinHash signatures; their findings go in the same way.
Reviews are never touched here: they are keyed by (report_id, rule, subject) and outlive
every re-run.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

import queries
from ingest.config import review_params, rule_params, rule_sets
from ingest.glossary import INDICATOR_COLUMNS
from ingest.normalise import fold
from ingest.similarity import PERMUTATIONS, candidate_pairs, estimates, jaccard, shingles
from ingest.store import transaction
from ingest.text import nfkc

SQL_RULES = (
    "OVERSPEND_LINE", "UNPLANNED_LINE", "FULL_SCORE_PARTIAL_ARRIVAL", "FULL_SCORE_PARTIAL_EXECUTION",
    "LINES_SUM_MISMATCH", "SPENT_EXCEEDS_ARRIVED", "STATED_RATE_MISMATCH", "GRADE_SCORE_MISMATCH",
    "INDICATOR_SUM_MISMATCH", "INDICATOR_OVER_WEIGHT", "TEXT_TABLE_MISMATCH", "UNIT_SUSPECT",
    "DATE_INCONSISTENT", "YEAR_MISMATCH", "SHORTFALL_FULL_SCORE", "MISSING_FIELDS",
    "DEDUCTION_WITHOUT_REASON", "SATISFACTION_WITHOUT_SURVEY", "INDICATOR_DUPLICATED", "INDICATOR_MISPLACED",
)
PYTHON_RULES = ("UNMET_TARGET_FULL_SCORE", "DUPLICATE_REPORT", "NARRATIVE_REPEATS_LAST_YEAR",
                "TARGET_NOT_MEASURABLE", "TARGET_TOO_LOW")
RULES = SQL_RULES + PYTHON_RULES
# The rules that pair two reports' narratives: a partial run forgets and finds again every
# pair holding one of its reports (queries/rules/duplicates_forget.sql).
PAIR_RULES = ("DUPLICATE_REPORT", "NARRATIVE_REPEATS_LAST_YEAR")
# SPEC §3's second table, which the shared truth files do not label (../shared/corpus/
# README.md); the last six are the 复核口径 a re-scoring applies, each naming the indicator.
REVIEW_RULES = ("DEDUCTION_WITHOUT_REASON", "SATISFACTION_WITHOUT_SURVEY", "INDICATOR_DUPLICATED",
                "INDICATOR_MISPLACED", "TARGET_NOT_MEASURABLE", "TARGET_TOO_LOW")
LATER_RULES = ("NARRATIVE_REPEATS_LAST_YEAR", *REVIEW_RULES)
# The figures and tables each rule rests on: a doubt on any of them (provenance.doubt) makes
# the rule's finding a hint, severity info (queries/rules/needs_reading.sql).
BUDGET = ("budget_planned", "budget_adjusted")
RESTS_ON: dict[str, tuple[str, ...]] = {
    "OVERSPEND_LINE": ("budget_lines",),
    "UNPLANNED_LINE": ("budget_lines",),
    "FULL_SCORE_PARTIAL_ARRIVAL": ("self_score", "funds_arrived", "arrival_rate_stated", *BUDGET),
    "FULL_SCORE_PARTIAL_EXECUTION": ("self_score", "spent", "execution_rate_stated", *BUDGET),
    "LINES_SUM_MISMATCH": ("budget_lines", "spent", *BUDGET),
    "SPENT_EXCEEDS_ARRIVED": ("spent", "funds_arrived"),
    "STATED_RATE_MISMATCH": ("spent", "funds_arrived", "arrival_rate_stated", "execution_rate_stated", *BUDGET),
    "GRADE_SCORE_MISMATCH": ("self_score", "grade_raw"),
    "INDICATOR_SUM_MISMATCH": ("self_score", "indicators", "execution_score"),
    "INDICATOR_OVER_WEIGHT": ("indicators",),
    "UNMET_TARGET_FULL_SCORE": ("indicators",),
    "SHORTFALL_FULL_SCORE": ("self_score",),
    "TEXT_TABLE_MISMATCH": ("budget_lines",),
    # The 复核口径 rest on the indicator table as read: one read in part may have put a cell
    # under the wrong header.
    "DEDUCTION_WITHOUT_REASON": ("indicators",),
    "SATISFACTION_WITHOUT_SURVEY": ("indicators",),
    "INDICATOR_DUPLICATED": ("indicators",),
    "INDICATOR_MISPLACED": ("indicators",),
    "TARGET_NOT_MEASURABLE": ("indicators",),
    "TARGET_TOO_LOW": ("indicators",),
}
SCREEN_MARGIN = 0.1
# What the per-report rules read: in a partial run, only the checked reports' rows (_scoped).
SCOPED_TABLES = ("reports", "budget_lines", "indicators", "mentions", "provenance", "report_texts")
MAX_RUNS = 32           # runs of row ids read by seeking; past that, one filtered scan


@dataclass(frozen=True)
class Finding:
    """A Python rule's finding: the columns every rule's select gives (queries/rules/insert.sql)."""
    report_id: str
    subject: str | None
    message: str
    message_en: str
    evidence: str


def run_rules(conn, config: dict[str, Any], changed_only: bool = False) -> dict[str, int]:
    """Bring the anomalies up to date with the rules; return counts by rule, over the store.
    By default every anomaly is replaced. With changed_only, only the reports not yet checked
    under the current rules and thresholds (rules_checked) are: an ingest's new reports, or
    any a crash left unchecked. When that is every report, it is the same as a full run."""
    params = {**rule_params(config), "reason_header": REASON_HEADER}
    review = review_params(config)
    severity = config["severity"]
    now = dt.datetime.now()
    mark = fingerprint(config)
    queries.prepare(conn, config)                       # budget_of, report_rule_sets … (queries/setup.sql)
    with transaction(conn):
        scope = _unchecked(conn, mark) if changed_only else None
        if scope is not None and not scope:
            return counts(conn)
        if scope is None:
            conn.execute("create or replace temp table rule_scope as select report_id from reports")
        scoped = "" if scope is None else " where report_id in (select report_id from rule_scope)"
        with _scoped(conn, scope):
            conn.execute(queries.sql("rules/prepare"))  # fmt, pct, src: after _scoped, to see its rows
            conn.execute("delete from anomalies" + scoped)
            for rule in SQL_RULES:
                name = f"rules/{rule.lower()}"
                bound = {key: params[key] for key in queries.parameters(name)}
                _insert(conn, rule, severity[rule], now, conn.sql(queries.sql(name), params=bound or None))
            _insert_findings(conn, "UNMET_TARGET_FULL_SCORE", severity, now, unmet_targets(conn))
            _insert_findings(conn, "TARGET_NOT_MEASURABLE", severity, now, unmeasurable_targets(conn, review))
            _insert_findings(conn, "TARGET_TOO_LOW", severity, now,
                             targets_too_low(conn, review["target_exceeded_share"]))
            conn.execute(queries.sql("rules/needs_reading"),
                         {"rule_names": list(RESTS_ON), "rule_fields": [list(f) for f in RESTS_ON.values()]})
        # A copy pairs a checked report with any other: outside _scoped, against the whole store.
        if scope is not None:
            conn.execute(queries.sql("rules/duplicates_forget"), {"pair_rules": list(PAIR_RULES)})
        copies, repeats = narrative_pairs(conn, config["duplicates"], config["narrative_repeats"], scope)
        _insert_findings(conn, "DUPLICATE_REPORT", severity, now, copies)
        _insert_findings(conn, "NARRATIVE_REPEATS_LAST_YEAR", severity, now, repeats)
        conn.execute("delete from rules_checked" + scoped)
        conn.execute(queries.sql("rules/checked"), {"fingerprint": mark})
    return counts(conn)


def counts(conn) -> dict[str, int]:
    found = dict(conn.execute("select rule, count(*) from anomalies group by rule").fetchall())
    return {rule: found.get(rule, 0) for rule in RULES}


def fingerprint(config: dict[str, Any]) -> str:
    """What the anomalies depend on besides the reports: every rule's code and every setting
    the rules read. Anomalies found under another fingerprint are found again."""
    digest = hashlib.sha256()
    digest.update(json.dumps([rule_params(config), [vars(one) for one in rule_sets(config)], config["severity"],
                              config["duplicates"], config["narrative_repeats"], REASON_HEADER, RULES],
                             sort_keys=True, default=str).encode("utf-8"))
    for path in [Path(__file__), *sorted((Path(queries.__file__).parent / "rules").glob("*.sql"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _unchecked(conn, mark: str) -> set[str] | None:
    """The reports the rules have not checked under `mark`; None when that is all of them."""
    total, unchecked = conn.execute(queries.sql("rules/unchecked_count"), {"fingerprint": mark}).fetchall()[0]
    if unchecked == total:
        return None
    conn.execute(queries.sql("rules/scope"), {"fingerprint": mark})
    return {row[0] for row in conn.execute("select report_id from rule_scope").fetchall()}


@contextmanager
def _scoped(conn, scope: set[str] | None):
    """For a run over some reports (rule_scope), the tables the per-report rules read stand,
    for the run, as temp tables of the same names holding only those reports' rows. DuckDB
    looks in temp first, so the rules' SQL is the same for a full and a partial run, and reads
    a hundred reports' rows, not the whole store's."""
    if scope is None:
        yield
        return
    catalog = conn.execute("select current_database()").fetchall()[0][0]
    try:
        for table in SCOPED_TABLES:
            _copy_scope_rows(conn, f'"{catalog}".main.{table}', table)
        yield
    finally:
        for table in SCOPED_TABLES:
            conn.execute(f"drop table if exists temp.{table}")


def _copy_scope_rows(conn, source: str, table: str) -> None:
    """rule_scope's rows of `source` into a temp table named `table`. A filter on report_id
    alone reads every column of every row (0.5 s for provenance at 100k reports); but an
    ingest writes each file's rows together, so a scope's rows lie in a few runs of row ids,
    found from report_id alone and read by seeking to them (ms)."""
    # Names from SCOPED_TABLES and the store's own catalog name: nothing a user typed.
    runs = conn.execute(
        f"select min(id), max(id) from (select id, id - row_number() over (order by id) as run from "
        f"(select rowid as id from {source} where report_id in (select report_id from rule_scope))) "
        "group by run order by 1").fetchall()
    if not runs:
        conn.execute(f"create temp table {table} as select * from {source} limit 0")
        return
    if len(runs) > MAX_RUNS:
        conn.execute(f"create temp table {table} as select * from {source} "
                     "where report_id in (select report_id from rule_scope)")
        return
    ranges = " union all ".join(f"select * from {source} where rowid between ? and ?" for _ in runs)
    conn.execute(f"create temp table {table} as {ranges}", [bound for run in runs for bound in run])


def _insert_findings(conn, rule: str, severity: dict[str, str], detected_at: dt.datetime,
                     findings: list[Finding]) -> None:
    if findings:
        # Column by column: dataclasses.astuple deep-copies every field, 0.3 s for 15k findings.
        frame = pl.DataFrame({column.name: [getattr(f, column.name) for f in findings]
                              for column in fields(Finding)},
                             schema={column.name: pl.String for column in fields(Finding)})
        _insert(conn, rule, severity[rule], detected_at, frame)


def _insert(conn, rule: str, severity: str, detected_at: dt.datetime, found) -> None:
    """One rule's findings into anomalies: `found` (the rule's select as a lazy relation, or a
    frame of Findings) is registered under that name for queries/rules/insert.sql to read, so
    the select runs inside the insert, bound, and no SQL is pasted together."""
    conn.register("found", found)
    try:
        conn.execute(queries.sql("rules/insert"),
                     {"rule_id": rule, "rule_severity": severity, "detected_at": detected_at})
    finally:
        conn.unregister("found")


# -- UNMET_TARGET_FULL_SCORE ------------------------------------------------------------------
COMPARATORS = {
    "≥": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "达到": ">=", "至少": ">=",
    ">": ">", "大于": ">", "高于": ">", "超过": ">",
    "≤": "<=", "<=": "<=", "不高于": "<=", "不超过": "<=", "不多于": "<=", "控制在": "<=",
    "<": "<", "小于": "<", "低于": "<",
}
SUFFIXES = {"以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<="}
QUANTITY = re.compile(
    r"(?P<op>" + "|".join(sorted(map(re.escape, COMPARATORS), key=len, reverse=True)) + r")?"
    r"(?P<value>\d+(?:\.\d+)?)(?P<unit>[^\d]{0,6}?)"
    r"(?P<suffix>" + "|".join(sorted(map(re.escape, SUFFIXES), key=len, reverse=True)) + r")?"
)
# Deadlines and dates ("2020年10月底前", "12月31日前") are not quantities; "15个工作日" is.
# A year is a year only where it dates something ("2020年", "2020.10"): "≥2010人次" is a count.
NOT_A_QUANTITY = re.compile(r"(?:19|20)\d{2}(?=\s*(?:年|[./\-]\d))|\d+\s*月|年底|月底|底前|日前|之前|以前|前完成")


@lru_cache(maxsize=65536)
def quantity(text: str | None) -> tuple[str | None, float, str] | None:
    """(comparator, value, unit) of a target or actual written as one number:
    "≥２００个" -> (">=", 200, "个"); "2020年10月底前" is a deadline, not a quantity."""
    if not text:
        return None
    value = re.sub(r"\s+", "", fold(nfkc(text)))
    if NOT_A_QUANTITY.search(value):
        return None
    match = QUANTITY.fullmatch(value)
    if not match:
        return None
    op = COMPARATORS.get(match.group("op") or "") or SUFFIXES.get(match.group("suffix") or "")
    return op, float(match.group("value")), match.group("unit")


def falls_short(target: tuple[str | None, float, str], actual: tuple[str | None, float, str]) -> bool:
    op, wanted, unit = target
    _, got, got_unit = actual
    if unit != got_unit:
        return False
    if op is None:
        op = "<=" if wanted == 0 else ">="      # "0起" is a ceiling; "52所" a count to reach
    return {">=": got < wanted, ">": got <= wanted, "<=": got > wanted, "<": got >= wanted}[op]


def unmet_targets(conn) -> list[Finding]:
    frame = queries.run(conn, "rules/unmet_target_candidates")
    found = []
    for row in frame.iter_rows(named=True):
        target, actual = quantity(row["target_raw"]), quantity(row["actual_raw"])
        if target is None or actual is None or not falls_short(target, actual):
            continue
        found.append(Finding(
            row["report_id"], row["name"],
            f"指标“{row['name']}”目标 {row['target_raw']}，实际 {row['actual_raw']}，未达标却得满分 {row['score']:g} 分",
            f"Indicator “{row['name']}”: target {row['target_raw']}, actual {row['actual_raw']}, "
            f"yet full marks ({row['score']:g})",
            _json({"name": row["name"], "target_raw": row["target_raw"], "actual_raw": row["actual_raw"],
                   "target": {"comparator": target[0] or "≥", "value": target[1], "unit": target[2]},
                   "actual": actual[1], "weight": row["weight"], "score": row["score"],
                   "field": f"indicators.{row['line_no']}"}),
        ))
    return found


# -- TARGET_NOT_MEASURABLE ------------------------------------------------------------------
# Chinese numerals count where they count something ("两次", "十二月底前", "百分之百", "二级"),
# not inside words such as 进一步, 统一 or 一定: a run of numerals before a measure word (or
# a grade: 二级, 三类), or 百分之.
CHINESE_NUMERALS = "零〇一二两三四五六七八九十百千万亿半"
MEASURE_WORDS = ("个", "次", "人", "户", "家", "项", "所", "座", "台", "件", "场", "期", "批", "名", "条", "处",
                 "套", "份", "册", "本", "辆", "块", "部", "栋", "卷", "种", "元", "吨", "亩", "米", "公里", "天",
                 "日", "月", "年", "周", "季度", "小时", "分钟", "倍", "成", "%", "级", "类", "星", "等")
NUMBER_WRITTEN = re.compile(
    rf"\d|百分之[{CHINESE_NUMERALS}]+|[{CHINESE_NUMERALS}]+(?:{'|'.join(map(re.escape, MEASURE_WORDS))})")
# A year says when, not how much: "较2022年有所提升" sets no number to reach. For a 时效指标 a
# year is the measure itself ("2024年12月底前"), and stays.
YEAR_WRITTEN = re.compile(r"(?:19|20)\d{2}\s*年度?")
TIMELINESS = "时效"


def measurable(target: str, level2: str | None) -> bool:
    """Whether a target states a number to measure against: "≥95%", "百分之百", "两次" and
    "2024年12月底前" (for 时效) do; "显著提升", "逐步完善" and "较2022年有所提升" do not."""
    text = re.sub(r"\s+", "", nfkc(target))
    if TIMELINESS not in (level2 or ""):
        text = YEAR_WRITTEN.sub("", text)
    return bool(NUMBER_WRITTEN.search(text))


def unmeasurable_targets(conn, review: dict[str, Any]) -> list[Finding]:
    frame = queries.run(conn, "rules/target_not_measurable_candidates",
                        measurable_levels=review["measurable_levels"])
    found = []
    for row in frame.iter_rows(named=True):
        if measurable(row["target_raw"], row["level2"]):
            continue
        target = " ".join(row["target_raw"].split())
        vague = [word for word in review["vague_words"] if word in target]
        found.append(Finding(
            row["report_id"], row["name"],
            f"{row['level2']}“{row['name']}”的目标“{target}”没有可衡量的数值"
            + (f"（{'、'.join(vague)}）" if vague else ""),
            f"Indicator “{row['name']}” ({row['level2']}) sets no number to measure against: “{target}”",
            _json({"name": row["name"], "level1": row["level1"], "level2": row["level2"],
                   "target_raw": row["target_raw"], "actual_raw": row["actual_raw"], "vague_words": vague,
                   "weight": row["weight"], "score": row["score"], "source": _parsed(row["source"])}),
        ))
    return found


# -- TARGET_TOO_LOW ---------------------------------------------------------------------------
def exceeded_share(target: tuple[str | None, float, str], actual: tuple[str | None, float, str]) -> float | None:
    """How far an actual went beyond a target to reach, as a share of the target:
    ≥200个 and 300个 -> 0.5. None where that is no overshoot: another unit, a ceiling (≤, a cost
    under-run is good), a target of 0, or an actual at or below the target."""
    op, wanted, unit = target
    _, got, got_unit = actual
    if unit != got_unit or wanted <= 0 or op not in (None, ">=", ">"):
        return None
    return (got - wanted) / wanted if got > wanted else None


def targets_too_low(conn, share: float) -> list[Finding]:
    frame = queries.run(conn, "rules/target_too_low_candidates", target_exceeded_share=share)
    found = []
    for row in frame.iter_rows(named=True):
        target, actual = quantity(row["target_raw"]), quantity(row["actual_raw"])
        over = None if target is None or actual is None else exceeded_share(target, actual)
        # A hair's breadth: 13 against a target of 10 is 30 %, not more.
        if over is None or over <= share + 1e-9:
            continue
        percent, limit = _percent(over * 100), _percent(share * 100)
        found.append(Finding(
            row["report_id"], row["name"],
            f"指标“{row['name']}”目标 {row['target_raw']}，实际完成 {row['actual_raw']}，超出目标 {percent}%"
            f"（超出 {limit}% 以上视为目标设定偏低）",
            f"Indicator “{row['name']}”: actual {row['actual_raw']} beats the target {row['target_raw']} by "
            f"{percent}% (over {limit}% suggests a target set too low)",
            _json({"name": row["name"], "level1": row["level1"], "level2": row["level2"],
                   "target_raw": row["target_raw"], "actual_raw": row["actual_raw"],
                   "target": {"comparator": target[0] or ">=", "value": target[1], "unit": target[2]},
                   "actual": actual[1], "exceeded_percent": round(over * 100, 2), "threshold_percent": round(share * 100, 4),
                   "weight": row["weight"], "score": row["score"], "source": _parsed(row["source"])}),
        ))
    return found


def _percent(value: float) -> str:
    """A percentage as the messages write it: one decimal, 35.0 -> "35"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _parsed(source: str | None) -> dict | None:
    """A finding's source as src() gave it (JSON text), for the evidence to nest."""
    return json.loads(source) if source else None


# -- DEDUCTION_WITHOUT_REASON ----------------------------------------------------------------------
# The header of a 偏差原因 column as a cell of the report's text (a table row's cells joined by
# " | "), from the labels the parser knows (ingest/glossary.py), optionally with a bracketed
# part, spaces allowed anywhere ("偏差原因分析及  改正措施"). 备注 is not one: a remark column
# is not where a deduction's reason is asked. An RE2 pattern (DuckDB's), bound as $reason_header.
REASON_HEADERS = tuple(label for label in INDICATOR_COLUMNS["note"] if "原因" in label or "偏差" in label)
_SPACES = r"[ \t\x{3000}\x{a0}]*"
_REASON_CELL = (_SPACES + "(?:" + "|".join(_SPACES.join(map(re.escape, label)) for label in REASON_HEADERS)
                + r")(?:[（(【\[][^|\n]*)?" + _SPACES)
REASON_HEADER = rf"(?m)\|{_REASON_CELL}(?:\||$)|^{_REASON_CELL}\|"


# -- DUPLICATE_REPORT and NARRATIVE_REPEATS_LAST_YEAR ------------------------------------------------
# How the pairs were measured, as the evidence says it (the dashboard labels it by this text).
SIMILARITY_METHOD = "Jaccard of 5-character shingles; candidates by MinHash LSH"


def narrative_pairs(conn, settings: dict[str, Any], repeats: dict[str, Any],
                    scope: set[str] | None = None) -> tuple[list[Finding], list[Finding]]:
    """Narratives that are nearly the same: LSH candidates, MinHash-screened, confirmed by the
    texts' exact shingle similarity. Under another project or unit it is a copy
    (DUPLICATE_REPORT, both ways); the same unit's same project in an earlier fiscal year, a
    narrative repeated from that year (NARRATIVE_REPEATS_LAST_YEAR, on the later report), each
    at its own threshold. The same project of the same unit in the same year (or a year not
    known) is a revision, neither. With a scope, only the pairs holding one of its reports
    (the others' findings stand). Returns (copies, repeats)."""
    frame = queries.run(conn, "rules/duplicate_signatures", min_chars=int(settings["min_chars"]))
    if frame.height < 2:
        return [], []
    signatures = frame["signature"].list.to_array(PERMUTATIONS).to_numpy().astype(np.uint32)
    copy_threshold, repeat_threshold = float(settings["threshold"]), float(repeats["threshold"])
    among = None if scope is None else frame["report_id"].is_in(list(scope)).to_numpy()
    pairs = candidate_pairs(signatures, int(settings["bands"]), among)
    # The MinHash estimate screens (±0.04 at 128 permutations); the texts decide.
    pairs = pairs[estimates(signatures, pairs) >= min(copy_threshold, repeat_threshold) - SCREEN_MARGIN]
    if len(pairs) == 0:
        return [], []
    names = frame.drop("signature")
    rows = {i: names.row(i, named=True) for i in np.unique(pairs).tolist()}
    involved = sorted({row["report_id"] for row in rows.values()})
    narratives = dict(queries.run(conn, "rules/duplicate_narratives", report_ids=involved).iter_rows())
    copies, repeated = [], []
    pieces: dict[str, frozenset[str]] = {}     # a narrative meets many others: its shingles once

    def shingled(report_id: str) -> frozenset[str]:
        if report_id not in pieces:
            pieces[report_id] = shingles(narratives[report_id])
        return pieces[report_id]

    for i, j in pairs.tolist():
        first, second = rows[i], rows[j]
        same_work = (first["project_name"] == second["project_name"]
                     and first["implementing_unit"] == second["implementing_unit"])
        if same_work:
            years = (first["fiscal_year"], second["fiscal_year"])
            placed = None not in (*years, first["project_name"], first["implementing_unit"])
            if not placed or years[0] == years[1]:
                continue                   # a revision of the same report (or one not placed), not a copy
            score = jaccard(shingled(first["report_id"]), shingled(second["report_id"]))
            if score >= repeat_threshold:
                earlier, later = (first, second) if years[0] < years[1] else (second, first)
                repeated.append(_repeat(later, earlier, score, repeat_threshold))
            continue
        score = jaccard(shingled(first["report_id"]), shingled(second["report_id"]))
        if score < copy_threshold:
            continue
        for this, other in ((first, second), (second, first)):
            copies.append(Finding(
                this["report_id"], other["file_name"],
                f"正文与 {other['file_name']}（{other['implementing_unit'] or '单位不详'}，"
                f"{other['project_name'] or '项目不详'}）高度相似，相似度 {score:.2f}",
                f"The narrative matches {other['file_name']} ({other['implementing_unit'] or 'unit unknown'}) "
                f"at similarity {score:.2f}",
                _json({"other_file": other["file_name"], "other_report_id": other["report_id"],
                       "other_unit": other["implementing_unit"], "other_project": other["project_name"],
                       "similarity": round(score, 4), "threshold": copy_threshold, "method": SIMILARITY_METHOD}),
            ))
    return copies, repeated


def _repeat(later: dict, earlier: dict, score: float, threshold: float) -> Finding:
    return Finding(
        later["report_id"], earlier["file_name"],
        f"正文与本单位同一项目 {earlier['fiscal_year']} 年度的报告 {earlier['file_name']} 几乎相同，"
        f"相似度 {score:.2f}",
        f"The narrative repeats this unit's {earlier['fiscal_year']} report on the same project, "
        f"{earlier['file_name']}, at similarity {score:.2f}",
        _json({"other_file": earlier["file_name"], "other_report_id": earlier["report_id"],
               "fiscal_year": later["fiscal_year"], "earlier": {"fiscal_year": earlier["fiscal_year"]},
               "implementing_unit": later["implementing_unit"], "project_name": later["project_name"],
               "similarity": round(score, 4), "threshold": threshold, "method": SIMILARITY_METHOD}),
    )


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False)
