"""The anomaly rules of SPEC §3, run set-wise over the whole store in one transaction.

Rules over numbers and over the narrative's `mentions` are SQL files in queries/rules/,
one per rule: each selects (report_id, subject, message, message_en, evidence). Two rules
are Python because they need more than SQL says well: UNMET_TARGET_FULL_SCORE reads
targets written as text ("≥２００个"), DUPLICATE_REPORT bands MinHash signatures.
Reviews are never touched here: they are keyed by (report_id, rule, subject) and outlive
every re-run.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import polars as pl

import queries
from ingest.config import rule_params
from ingest.normalise import fold
from ingest.similarity import PERMUTATIONS, candidate_pairs, estimates, jaccard
from ingest.store import transaction
from ingest.text import nfkc

SQL_RULES = (
    "OVERSPEND_LINE", "UNPLANNED_LINE", "FULL_SCORE_PARTIAL_ARRIVAL", "FULL_SCORE_PARTIAL_EXECUTION",
    "LINES_SUM_MISMATCH", "SPENT_EXCEEDS_ARRIVED", "STATED_RATE_MISMATCH", "GRADE_SCORE_MISMATCH",
    "INDICATOR_SUM_MISMATCH", "INDICATOR_OVER_WEIGHT", "TEXT_TABLE_MISMATCH", "UNIT_SUSPECT",
    "DATE_INCONSISTENT", "YEAR_MISMATCH", "SHORTFALL_FULL_SCORE", "MISSING_FIELDS",
)
PYTHON_RULES = ("UNMET_TARGET_FULL_SCORE", "DUPLICATE_REPORT")
RULES = SQL_RULES + PYTHON_RULES
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
}
PARAMETER = re.compile(r"\$([a-z_]+)")
SCREEN_MARGIN = 0.1

PREPARE = r"""
create or replace temp macro fmt(x) as regexp_replace(printf('%.2f', x::double), '\.?0+$', '');
create or replace temp macro pct(x) as regexp_replace(printf('%.1f', x::double), '\.0$', '');
create or replace temp table rule_sources as
    select report_id, field,
           to_json(struct_pack(snippet := snippet, block := block, row := row_no, col := col_no,
                               method := method, note := note)) as source
    from provenance where witness_no = 0;
create or replace temp macro src(rid, f) as
    (select any_value(s.source) from rule_sources s where s.report_id = rid and s.field = f);
"""
INSERT = """
insert into anomalies (report_id, rule, severity, subject, message, message_en, evidence, detected_at)
select report_id, $rule_id, $rule_severity, subject, message, message_en, evidence::varchar, $detected_at
from ({sql}) as found
"""


@dataclass(frozen=True)
class Finding:
    report_id: str
    subject: str | None
    message: str
    message_en: str
    evidence: str


def run_rules(conn, config: dict[str, Any]) -> dict[str, int]:
    """Replace every anomaly with what the rules find now; return counts by rule."""
    params = rule_params(config)
    severity = config["severity"]
    now = dt.datetime.now()
    conn.execute(PREPARE)
    with transaction(conn):
        conn.execute("delete from anomalies")
        for rule in SQL_RULES:
            sql = queries.sql(f"rules/{rule.lower()}")
            bound = {name: params[name] for name in set(PARAMETER.findall(sql))}
            conn.execute(INSERT.format(sql=sql),
                         {**bound, "rule_id": rule, "rule_severity": severity[rule], "detected_at": now})
        python = {
            "UNMET_TARGET_FULL_SCORE": unmet_targets(conn),
            "DUPLICATE_REPORT": duplicates(conn, config["duplicates"]),
        }
        rows = [
            {"report_id": f.report_id, "rule": rule, "severity": severity[rule], "subject": f.subject,
             "message": f.message, "message_en": f.message_en, "evidence": f.evidence, "detected_at": now}
            for rule, findings in python.items() for f in findings
        ]
        if rows:
            conn.register("python_findings", pl.DataFrame(rows, infer_schema_length=None))
            conn.execute("insert into anomalies (report_id, rule, severity, subject, message, message_en, evidence, "
                         "detected_at) select report_id, rule, severity, subject, message, message_en, evidence, "
                         "detected_at from python_findings")
            conn.unregister("python_findings")
        conn.execute(queries.sql("rules/needs_reading"),
                     {"rule_names": list(RESTS_ON), "rule_fields": [list(f) for f in RESTS_ON.values()]})
    counts = dict(conn.execute("select rule, count(*) from anomalies group by rule").fetchall())
    return {rule: counts.get(rule, 0) for rule in RULES}


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
NOT_A_QUANTITY = re.compile(r"(?:19|20)\d{2}|\d+\s*月|年底|月底|底前|日前|之前|以前|前完成")


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
    frame = conn.sql(
        "select i.report_id, i.line_no, i.name, i.target_raw, i.actual_raw, i.weight, i.score "
        "from indicators i join reports r on r.report_id = i.report_id "
        "where r.parse_status <> 'failed' and i.weight > 0 and i.score >= i.weight - 1e-9"
    ).pl()
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


# -- DUPLICATE_REPORT -------------------------------------------------------------------------
def duplicates(conn, settings: dict[str, Any]) -> list[Finding]:
    """Narratives reused under another project or unit: LSH candidates, MinHash-screened,
    confirmed by the texts' exact shingle similarity."""
    frame = conn.sql(
        "select s.report_id, s.signature, r.file_name, r.project_name, r.implementing_unit "
        "from report_signatures s join reports r on r.report_id = s.report_id "
        "where r.parse_status <> 'failed' and s.narrative_chars >= $min_chars order by s.report_id",
        params={"min_chars": int(settings["min_chars"])},
    ).pl()
    if frame.height < 2:
        return []
    signatures = frame["signature"].list.to_array(PERMUTATIONS).to_numpy().astype(np.uint32)
    threshold = float(settings["threshold"])
    pairs = candidate_pairs(signatures, int(settings["bands"]))
    # The MinHash estimate screens (±0.04 at 128 permutations); the texts decide.
    pairs = pairs[estimates(signatures, pairs) >= threshold - SCREEN_MARGIN]
    if len(pairs) == 0:
        return []
    rows = frame.drop("signature").to_dicts()
    involved = sorted({rows[i]["report_id"] for i in np.unique(pairs)})
    narratives = dict(conn.execute(
        "select report_id, narrative from report_signatures where report_id in (select unnest(?::varchar[]))",
        [involved]).fetchall())
    found = []
    for i, j in pairs.tolist():
        first, second = rows[i], rows[j]
        if first["project_name"] == second["project_name"] and first["implementing_unit"] == second["implementing_unit"]:
            continue                       # the same project of the same unit: a revision, not a copy
        score = jaccard(narratives[first["report_id"]], narratives[second["report_id"]])
        if score < threshold:
            continue
        for this, other in ((first, second), (second, first)):
            found.append(Finding(
                this["report_id"], other["file_name"],
                f"正文与 {other['file_name']}（{other['implementing_unit'] or '单位不详'}，"
                f"{other['project_name'] or '项目不详'}）高度相似，相似度 {score:.2f}",
                f"The narrative matches {other['file_name']} ({other['implementing_unit'] or 'unit unknown'}) "
                f"at similarity {score:.2f}",
                _json({"other_file": other["file_name"], "other_report_id": other["report_id"],
                       "other_unit": other["implementing_unit"], "other_project": other["project_name"],
                       "similarity": round(score, 4), "threshold": threshold,
                       "method": "Jaccard of 5-character shingles; candidates by MinHash LSH"}),
            ))
    return found


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False)
