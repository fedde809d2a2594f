"""复核 Re-score (/rescore?id=REPORT_ID): the self-evaluation scored again, one indicator at
a time, with Jixiao's evidence beside each (its anomalies, the snippet it was read from).

For each indicator: level, name, target, actual, weight, self-score and deviation reason;
then the reviewer's score, criterion (the 复核口径 of jixiao.toml [rescore]) and reason. The
report's rule set (jixiao.toml [rule_sets]: its province's for its year, else the national
one) is named at the top: the execution-rate row is offered the score the numbers give under
it (its execution weight × min(1, execution rate)), a qualitative indicator shows the points
of its tiers, and the re-scored grade follows its bands. The re-scored total and grade follow every change on screen,
counted as the working papers count them (queries/setup.sql rescored_totals). Saving appends one row per changed
indicator to `rescores` under the signed-in user, and an audit-log entry; earlier re-scores
stay as history. The working papers (复核工作底稿 XLSX, 复核意见 Word) are built below.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import polars as pl
import streamlit as st

from app_pages import data, export_parts, login, papers
from app_pages.anomalies_parts import number
from app_pages.filters import TEXT_LIMIT
from app_pages.i18n import lang, t
from app_pages.markdown import plain
from app_pages.widgets import report_labels, rule_set_line
from ingest import audit, config
from ingest.store import append_rows

SEARCH_LIMIT = 50
REASON_LIMIT = 1000
SEVERITY_BADGES = {"high": "red", "medium": "orange", "low": "blue", "info": "gray"}

filters = st.session_state["filters"]
settings = config.load()
criteria: list[str] = list(settings.get("rescore", {}).get("criteria", []))
st.header(t("rescore.title"))


def _key(report_id: str, line_no: int, part: str) -> str:
    return f"rescore_{report_id}_{line_no}_{part}"


def pick_report() -> None:
    """Without an id: the filtered reports to choose from."""
    st.caption(t("rescore.pick_intro"))
    text = st.text_input(t("report.search"), key="rescore_search", max_chars=TEXT_LIMIT)
    found = data.run("report_search", **filters.params(), search=(text or "").strip(), limit=SEARCH_LIMIT)
    if not found.height:
        st.info(t("report.no_match"))
        return
    labels = report_labels(found)
    picked = st.selectbox(t("report.pick"), list(labels), index=None, format_func=labels.get,
                          placeholder=t("report.pick_placeholder"), key="rescore_pick")
    if picked:
        st.query_params["id"] = picked
        st.rerun()


def row_label(row: dict) -> str:
    if row["line_no"] == 0:
        return t("rescore.execution_row")
    return " › ".join(str(part) for part in (row["level1"], row["level2"], row["name"]) if part)


def proposed(row: dict) -> float | None:
    """What the reviewer's box shows first: the latest re-score, else the self-score (the
    execution-rate row: the score its numbers give)."""
    if row["rescore"] is not None:
        return row["rescore"]
    if row["line_no"] == 0 and row["computed"] is not None:
        return row["computed"]
    return row["self_score"]


def entered(report_id: str, row: dict) -> tuple[float | None, str | None, str]:
    score = st.session_state.get(_key(report_id, row["line_no"], "score"), proposed(row))
    criterion = st.session_state.get(_key(report_id, row["line_no"], "criterion"), row["criterion"])
    reason = (st.session_state.get(_key(report_id, row["line_no"], "reason"), row["reason"] or "") or "").strip()
    return score, criterion, reason


def rescored_total(head: dict, sheet: pl.DataFrame, report_id: str) -> float | None:
    """The re-scored total as the working papers count it (queries/setup.sql rescored_totals):
    where the report has indicator rows, the sum over its scored rows of the reviewer's score
    (as entered now), else the self-score; without indicator rows, the self-score moved by
    each re-score's difference."""
    scored = [row for row in sheet.iter_rows(named=True) if row["self_score"] is not None]
    if any(row["line_no"] > 0 for row in scored):
        return round(sum(entered(report_id, row)[0] or 0 for row in scored), 2)
    if head["self_score"] is None:
        return None
    return round(head["self_score"] + sum((entered(report_id, row)[0] or 0) - row["self_score"] for row in scored), 2)


def evidence(row: dict, findings: list[dict]) -> None:
    """Jixiao's evidence for one row: its anomalies and the text it was read from."""
    for finding in findings:
        message = finding["message"] if lang() == "zh" else (finding["message_en"] or finding["message"])
        st.markdown(f":{SEVERITY_BADGES.get(finding['severity'], 'gray')}-badge[{t('rule.' + finding['rule'])}] "
                    + plain(message))
    if row["note"]:
        st.caption(t("rescore.deviation", text=plain(row["note"])))
    if row["snippet"]:
        st.text(row["snippet"])


def indicator_row(report_id: str, row: dict, findings: list[dict]) -> None:
    line = row["line_no"]
    with st.container(border=True, key=f"rescore_row_{line}"):
        head_left, head_right = st.columns([3, 2])
        head_left.markdown(f"**{plain(row_label(row))}**")
        facts = [t("rescore.target", value=plain(row["target_raw"])) if row["target_raw"] else None,
                 t("rescore.actual", value=plain(row["actual_raw"])) if row["actual_raw"] else None,
                 t("rescore.weight", value=number(row["weight"])),
                 t("rescore.self", value=number(row["self_score"]))]
        if line == 0 and row["computed"] is not None:
            facts.append(t("rescore.computed", value=number(row["computed"]), points=number(row["weight"])))
        if row["tiers"] is not None:
            facts.append(t("rescore.tiers", full=number(row["weight"]), high=number(row["tiers"]["high"]),
                           low=number(row["tiers"]["low"])))
        head_right.caption(" · ".join(fact for fact in facts if fact))
        evidence(row, findings)
        if row["self_score"] is None:
            st.caption(t("rescore.no_self_score"))
            return
        score_col, criterion_col, reason_col = st.columns([1, 2, 3])
        # A self-score above its weight (INDICATOR_OVER_WEIGHT) still fits the box.
        top = None if row["weight"] is None else max(row["weight"], proposed(row))
        score_col.number_input(t("rescore.score"), min_value=0.0, max_value=top, value=proposed(row), step=0.5,
                               format="%.2f", key=_key(report_id, line, "score"))
        choices = criteria + ([row["criterion"]] if row["criterion"] and row["criterion"] not in criteria else [])
        criterion_col.selectbox(t("rescore.criterion"), choices, index=choices.index(row["criterion"])
                                if row["criterion"] in choices else None, placeholder=t("rescore.criterion_none"),
                                key=_key(report_id, line, "criterion"))
        reason_col.text_input(t("rescore.reason"), value=row["reason"] or "", max_chars=REASON_LIMIT,
                              key=_key(report_id, line, "reason"))
        if row["rescores"]:
            st.caption(t("rescore.history", n=row["rescores"], who=row["reviewer"] or "—",
                         at=f"{row['rescored_at']:%Y-%m-%d %H:%M}"))


def changes(report_id: str, sheet: pl.DataFrame) -> tuple[list[dict], list[str]]:
    """The rows whose score, criterion or reason differ from what was last saved, and the
    problems that stop a save (a changed score needs a criterion and a reason)."""
    rows, problems = [], []
    for row in sheet.filter(pl.col("self_score").is_not_null()).iter_rows(named=True):
        score, criterion, reason = entered(report_id, row)
        saved = (row["rescore"], row["criterion"], row["reason"] or "")
        if row["rescore"] is None and score == proposed(row) and not criterion and not reason:
            continue        # untouched: the self-score (or the computed one) stands, nothing to save
        if (score, criterion, reason) == saved:
            continue
        if score != row["self_score"] and not (criterion and reason):
            problems.append(row_label(row))
            continue
        rows.append({"report_id": report_id, "line_no": row["line_no"],
                     "indicator": row["name"] if row["line_no"] else t("rescore.execution_row", language="zh"),
                     "self_score": row["self_score"], "weight": row["weight"], "score": score,
                     "criterion": criterion, "reason": reason or None})
    return rows, problems


def save(report_id: str, sheet: pl.DataFrame, reviewer: str) -> None:
    rows, problems = changes(report_id, sheet)
    if problems:
        st.session_state["_rescore_notice"] = ("error", t("rescore.needs_reason", rows="、".join(problems)))
        return
    if not rows:
        st.session_state["_rescore_notice"] = ("info", t("rescore.nothing_changed"))
        return
    now = dt.datetime.now()
    stamped = [{**row, "reviewer": reviewer, "rescored_at": now} for row in rows]

    def work(conn) -> int:
        written = append_rows(conn, "rescores", stamped)
        audit.record(conn, reviewer, "rescore", report_id, {
            "rows": [{"line_no": row["line_no"], "indicator": row["indicator"], "self": row["self_score"],
                      "score": row["score"], "criterion": row["criterion"]} for row in rows]})
        return written

    try:
        written = data.write(work)
    except data.StoreUnavailable as exc:
        st.session_state["_rescore_notice"] = ("error", t("anomalies.write_failed", error=str(exc)))
        return
    st.session_state["_rescore_notice"] = ("success", t("rescore.saved", n=written))


def papers_section(report_id: str, head: dict, author: str | None) -> None:
    st.subheader(t("rescore.papers"))
    signature = json.dumps({"id": report_id, "store": data.version(), "lang": lang()}, ensure_ascii=False)
    # A name a file system takes: no path separators or the characters Windows refuses.
    named = f"{head['implementing_unit'] or ''}{head['project_name'] or head['file_name']}"
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", named)[:60]
    today = dt.date.today()
    left, right = st.columns(2)
    when = dt.datetime.now()

    def worksheet(progress) -> bytes:
        items = data.run("rescore_items", **papers.item_params(report_id=report_id))
        return papers.worksheet_xlsx(items, t("rescore.paper_one", name=stem), author or "", when, lang())

    def opinion(progress) -> bytes:
        items = data.run("rescore_items", **papers.item_params(report_id=report_id))
        findings = data.run("report_anomalies", report_id=report_id)
        return papers.opinion_docx(head, items, findings, author or "", when)

    export_parts.offer("rescore_xlsx", signature, t("rescore.worksheet_build"), f"复核工作底稿_{stem}_{today}.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", worksheet,
                       lambda size: t("rescore.worksheet_download", size=size), where=left,
                       logged={"report_id": report_id, "paper": "worksheet"})
    export_parts.offer("rescore_docx", signature, t("rescore.opinion_build"), f"复核意见_{stem}_{today}.docx",
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document", opinion,
                       lambda size: t("rescore.opinion_download", size=size), where=right,
                       logged={"report_id": report_id, "paper": "opinion"})


report_id = (st.query_params.get("id") or "").strip()
found = data.run("report_summary", report_id=report_id) if report_id else None
head = found.row(0, named=True) if found is not None and found.height else None
if head is None:
    if report_id:
        st.warning(t("report.unknown", id=report_id))
    pick_report()
    st.stop()

st.subheader(plain(head["project_name"] or head["file_name"]))
st.caption(" · ".join(plain(str(part)) for part in (head["implementing_unit"], head["fiscal_year"], head["file_name"])
                      if part))
st.page_link("app_pages/report.py", label=t("rescore.open_report"), icon=":material/description:",
             query_params={"id": report_id})
sheet = data.run("rescore_sheet", report_id=report_id)
rule_set = data.run("report_rule_set", report_id=report_id)
st.caption(plain(rule_set_line(rule_set)))
findings = data.run("report_anomalies", report_id=report_id).to_dicts()
by_subject: dict[str, list[dict]] = {}
for finding in findings:
    by_subject.setdefault(finding["subject"] or "", []).append(finding)

total = rescored_total(head, sheet, report_id)
tiles = st.columns(4)
tiles[0].metric(t("rescore.self_total"), number(head["self_score"]))
tiles[1].metric(t("report.card.grade"), head["grade"] or "—")
tiles[2].metric(t("rescore.total"), number(total),
                delta=None if total is None or head["self_score"] is None else round(total - head["self_score"], 2))
bands = rule_set.row(0, named=True) if rule_set.height else None
tiles[3].metric(t("rescore.grade"), (bands and config.grade_of(total, bands["you"], bands["liang"], bands["zhong"]))
                or "—",
                help=None if bands is None else t("rescore.grade_help", name=bands["rule_set"], you=number(bands["you"]),
                                                  liang=number(bands["liang"]), zhong=number(bands["zhong"])))

names = {row["name"] for row in sheet.iter_rows(named=True) if row["name"]}
general = [finding for finding in findings if (finding["subject"] or "") not in names]
if general:
    with st.expander(t("rescore.report_findings", n=len(general)), expanded=True):
        evidence({"note": None, "snippet": None}, general)
if not sheet.filter(pl.col("line_no") > 0).height:
    st.info(t("rescore.no_indicators"))

notice = st.session_state.pop("_rescore_notice", None)
reviewer = login.acting_name("rescore_reviewer")
for row in sheet.iter_rows(named=True):
    indicator_row(report_id, row, by_subject.get(row["name"], []) if row["name"] else [])

if data.reviews_read_only():
    st.info(data.read_only_notice())
elif reviewer is None:
    st.info(t("anomalies.need_reviewer"))
else:
    if st.button(t("rescore.save"), key="rescore_save", type="primary", icon=":material/save:"):
        save(report_id, sheet, reviewer)
        st.rerun()
if notice:
    getattr(st, notice[0])(notice[1])
papers_section(report_id, head, reviewer)
