"""The later rules of SPEC §3: NARRATIVE_REPEATS_LAST_YEAR and the six 复核口径 (each names the
indicator), firing on what they are about and silent on their near misses; the narrative
pairs found the same by an ingest's partial run as by a full one.

Reports are built as the parser would emit them and written through ingest/store.py, as in
test_rules.py, whose helpers these tests share.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from app_pages.i18n import TEXTS
from ingest import PARSER_VERSION, config, store
from ingest.pipeline import ingest
from ingest.report import Evidence, Indicator, Report
from ingest.rows import report_rows
from ingest.rules import LATER_RULES, REVIEW_RULES, RULES, measurable, run_rules
from ingest.similarity import signature
from samples import write_samples
from tests.ingest.test_rules import NARRATIVE, OTHER, base, fired, run

# A 自评表's indicator header as the report's text holds a table row: cells joined by " | ".
HEADER = "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及  改正措施"
PLAIN_HEADER = "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分"


def indicator(no: int, level2: str, name: str, target: str | None = "≥100个", actual: str | None = "100个",
              weight: float | None = 10.0, score: float | None = 10.0, note: str | None = None,
              level1: str | None = "auto") -> Indicator:
    if level1 == "auto":
        level1 = "产出指标" if level2 in ("数量指标", "质量指标", "时效指标", "成本指标") else \
            "满意度指标" if "满意度" in level2 else "效益指标"
    # The row's snippet is its name: a finding's source must be its own indicator's row.
    return Indicator(no, level1, level2, name, target, actual, weight, score, note,
                     Evidence(0, name, "table", row=4 + no, col=3))


def with_indicators(*indicators: Indicator, text: str = PLAIN_HEADER, **fields) -> Report:
    return base(indicators=list(indicators), text=text, **fields)


def found(conn, rule: str) -> dict[tuple[str, str | None], tuple[str, str, str, dict]]:
    """(file, subject) -> (severity, message, message_en, evidence) of each finding of `rule`;
    an indicator's finding points at that indicator's own row."""
    rows = conn.execute(
        "select r.file_name, a.subject, a.severity, a.message, a.message_en, a.evidence from anomalies a "
        "join reports r using (report_id) where a.rule = ?", [rule]).fetchall()
    findings = {(name, subject): (severity, message, message_en, json.loads(evidence))
                for name, subject, severity, message, message_en, evidence in rows}
    for (_, subject), (_, _, _, evidence) in findings.items() if rule in REVIEW_RULES else ():
        sources = [p["source"] for p in evidence["placements"]] if "placements" in evidence else [evidence["source"]]
        for source in sources:
            assert source["snippet"].rstrip("。").replace(" ", "") == subject, (subject, source)
    return findings


def test_the_later_rules_are_registered_with_severities_and_labels():
    settings = config.load()
    assert set(LATER_RULES) == {"NARRATIVE_REPEATS_LAST_YEAR", "DEDUCTION_WITHOUT_REASON", "SATISFACTION_WITHOUT_SURVEY",
                                "INDICATOR_DUPLICATED", "INDICATOR_MISPLACED", "TARGET_NOT_MEASURABLE", "TARGET_TOO_LOW"}
    assert set(LATER_RULES) <= set(RULES)
    assert settings["severity"]["TARGET_TOO_LOW"] == "info"                      # SPEC §3
    assert {settings["severity"][rule] for rule in LATER_RULES} <= {"medium", "low", "info"}
    for rule in LATER_RULES:
        assert TEXTS[f"rule.{rule}"]["zh"] and TEXTS[f"rule.{rule}"]["en"], rule


# -- DEDUCTION_WITHOUT_REASON -------------------------------------------------------------------
def test_a_deduction_without_a_reason_where_the_table_asks_for_one():
    asked = with_indicators(
        indicator(1, "数量指标", "培训人次", "≥300人次", "276人次", 10, 8),               # blank: fires
        indicator(2, "质量指标", "培训合格率", "≥95%", "93%", 10, 9, note="部分学员缺考"),  # a reason
        indicator(3, "社会效益指标", "受益户数", "≥500户", "480户", 20, 18.5, note="无"),   # 无 is no reason
        indicator(4, "时效指标", "完成时间", "2023年10月底前", "2023年10月", 10, 10),         # no deduction
        text=HEADER)
    # No 偏差原因 column: nowhere to write a reason, so the deduction is not a missing one.
    no_column = with_indicators(indicator(1, "数量指标", "培训人次", "≥300人次", "276人次", 10, 8))
    # A 偏差原因 heading in the narrative is no column of the table.
    heading_only = with_indicators(indicator(1, "数量指标", "培训人次", "≥300人次", "276人次", 10, 8),
                                   text=PLAIN_HEADER + "\n三、偏差原因分析\n偏差原因分析\n部分乡镇进度偏慢。")
    # The column known from a reason read in it, though its header is not in the text.
    reason_elsewhere = with_indicators(indicator(1, "数量指标", "培训人次", "≥300人次", "276人次", 10, 8),
                                       indicator(2, "质量指标", "培训合格率", "≥95%", "93%", 10, 9, note="缺考"),
                                       text="")
    conn = run(asked, no_column, heading_only, reason_elsewhere)
    findings = found(conn, "DEDUCTION_WITHOUT_REASON")
    assert set(findings) == {("r0.docx", "培训人次"), ("r0.docx", "受益户数"), ("r3.docx", "培训人次")}
    severity, message, message_en, evidence = findings[("r0.docx", "培训人次")]
    assert severity == "low"
    assert message == "指标“培训人次”扣 2 分（分值 10，得分 8），偏差原因未填写"
    assert "lost 2 of its 10 points (scored 8)" in message_en
    assert (evidence["weight"], evidence["score"], evidence["points_lost"], evidence["reason"]) == (10, 8, 2, None)
    assert evidence["source"]["row"] == 5 and evidence["source"]["snippet"] == "培训人次"
    assert findings[("r0.docx", "受益户数")][3]["points_lost"] == 1.5


# -- SATISFACTION_WITHOUT_SURVEY ------------------------------------------------------------------
def test_a_satisfaction_score_needs_a_survey_named_somewhere_in_the_report():
    satisfaction = indicator(1, "服务对象满意度指标", "群众满意度", "≥90%", "93%", 10, 10)
    silent = with_indicators(satisfaction, text=PLAIN_HEADER + "\n项目按计划实施，群众普遍认可。")
    surveyed = with_indicators(satisfaction, text=PLAIN_HEADER + "\n通过发放问卷调查了解群众满意度。")
    called_back = with_indicators(satisfaction, text=PLAIN_HEADER + "\n经电话回访，群众满意度93%。")
    not_scored = with_indicators(indicator(1, "服务对象满意度指标", "群众满意度", "≥90%", "93%", 10, None))
    by_level = with_indicators(indicator(1, "服务对象满意度指标", "群众评价", "≥90%", "95%", 10, 10))
    as_a_rate = with_indicators(indicator(1, "社会效益指标", "受益群众满意率", "≥90%", "95%", 10, 9.5))
    conn = run(silent, surveyed, called_back, not_scored, by_level, as_a_rate)
    findings = found(conn, "SATISFACTION_WITHOUT_SURVEY")
    assert set(findings) == {("r0.docx", "群众满意度"), ("r4.docx", "群众评价"), ("r5.docx", "受益群众满意率")}
    severity, message, _, evidence = findings[("r0.docx", "群众满意度")]
    assert severity == "medium"
    assert message == "满意度指标“群众满意度”得分 10 分（实际完成值 93%），但报告未提及任何满意度调查（问卷、调查、回访、样本）"
    assert evidence["survey_words"] == ["问卷", "调查", "回访", "样本"]


def test_the_survey_words_come_from_the_configuration():
    settings = config.load()
    own = {**settings, "review_rules": {**settings["review_rules"], "survey_words": ["测评"]}}
    report = with_indicators(indicator(1, "服务对象满意度指标", "群众满意度", "≥90%", "93%", 10, 10),
                             text="委托第三方开展满意度测评。")
    assert fired(run(report), "SATISFACTION_WITHOUT_SURVEY") == {("r0.docx", "群众满意度")}
    assert fired(run(report, settings=own), "SATISFACTION_WITHOUT_SURVEY") == set()


# -- INDICATOR_DUPLICATED ---------------------------------------------------------------------------
def test_one_indicator_under_output_and_under_outcome():
    twice = with_indicators(indicator(1, "数量指标", "培训农民人次", "≥300人次", "320人次"),
                            indicator(2, "社会效益指标", "培训 农民人次。", "≥300人次", "320人次"))
    # The same name under two 二级指标 of 产出 is not an output counted as its own effect.
    within_output = with_indicators(indicator(1, "数量指标", "培训农民人次", "≥300人次", "320人次"),
                                    indicator(2, "质量指标", "培训农民人次", "≥300人次", "320人次"))
    # No 一级指标 written: the 二级 tells which part an indicator is.
    levels_only = with_indicators(indicator(1, "数量指标", "新建站点数", level1=None),
                                  indicator(2, "可持续影响指标", "新建站点数", level1=None))
    conn = run(twice, within_output, levels_only)
    findings = found(conn, "INDICATOR_DUPLICATED")
    assert set(findings) == {("r0.docx", "培训农民人次"), ("r2.docx", "新建站点数")}
    severity, message, _, evidence = findings[("r0.docx", "培训农民人次")]
    assert severity == "low"
    assert message == "三级指标“培训农民人次”既列在产出指标（数量指标）下，又列在效益指标（社会效益指标）下"
    assert [p["level2"] for p in evidence["placements"]] == ["数量指标", "社会效益指标"]


# -- INDICATOR_MISPLACED ----------------------------------------------------------------------------
def test_indicators_that_do_not_measure_their_level():
    report = with_indicators(
        indicator(1, "数量指标", "资金支付率", "100%", "100%"),                    # money as a quantity
        indicator(2, "数量指标", "预算执行率（%）", "≥90%", "96%"),
        indicator(3, "时效指标", "项目完成率", "100%", "100%"),                    # timeliness with no time
        indicator(4, "时效指标", "前期工作完成时间", "2024年12月底前", "2024年11月"),  # a deadline
        indicator(5, "时效指标", "资金拨付及时率", "100%", "100%"),                # a timeliness rate
        indicator(6, "时效指标", "故障响应时间", "≤2小时", "1.5小时"),              # a duration
        indicator(7, "质量指标", "资金支付合规率", "100%", "100%"),                # money, but not a 数量指标
        indicator(8, "数量指标", "开展培训场次", "≥12场", "12场"))
    findings = found(run(report), "INDICATOR_MISPLACED")
    assert set(findings) == {("r0.docx", "资金支付率"), ("r0.docx", "预算执行率（%）"), ("r0.docx", "项目完成率")}
    _, money, money_en, evidence = findings[("r0.docx", "预算执行率（%）")]
    assert money == "数量指标“预算执行率（%）”衡量的是资金支付进度，不是产出数量"
    assert "measures spending" in money_en
    assert (evidence["problem"], evidence["money_measures"]) == ("money_as_quantity", ["预算执行率"])
    _, untimed, _, evidence = findings[("r0.docx", "项目完成率")]
    assert untimed == "时效指标“项目完成率”的目标“100%”没有时间要求"
    assert evidence["problem"] == "timeliness_without_time" and "月" in evidence["time_words"]


# -- TARGET_NOT_MEASURABLE --------------------------------------------------------------------------
@pytest.mark.parametrize("target, level2, measured", [
    ("显著提升", "数量指标", False), ("有所提高", "质量指标", False), ("逐步完善", "成本指标", False),
    ("进一步规范", "质量指标", False), ("较2022年有所下降", "成本指标", False), ("按时完成", "时效指标", False),
    ("百分之百", "质量指标", True), ("两次", "数量指标", True), ("≥１２０台", "数量指标", True),
    ("2024年底前", "时效指标", True), ("十二月底前", "时效指标", True), ("较上年增长5%", "数量指标", True),
    ("达到国家二级标准", "质量指标", True), ("合格", "质量指标", False),
])
def test_a_target_is_measurable_when_it_states_a_number(target, level2, measured):
    assert measurable(target, level2) is measured


def test_targets_without_a_number_in_the_levels_that_need_one():
    report = with_indicators(
        indicator(1, "数量指标", "服务覆盖面", "显著提升", "明显提升"),
        indicator(2, "质量指标", "管理规范程度", "进一步规范", "较为规范"),
        indicator(3, "质量指标", "验收合格率", "百分之百", "百分之百"),
        indicator(4, "社会效益指标", "群众生活条件", "显著改善", "显著改善"),       # 效益 may be words
        indicator(5, "时效指标", "完成时间", "2024年12月底前", "2024年11月"),
        indicator(6, "数量指标", "培训人次", None, "120人次"))                    # no target: not vague
    findings = found(run(report), "TARGET_NOT_MEASURABLE")
    assert set(findings) == {("r0.docx", "服务覆盖面"), ("r0.docx", "管理规范程度")}
    severity, message, message_en, evidence = findings[("r0.docx", "服务覆盖面")]
    assert severity == "low"
    assert message == "数量指标“服务覆盖面”的目标“显著提升”没有可衡量的数值（显著、提升）"
    assert "sets no number" in message_en and evidence["vague_words"] == ["显著", "提升"]


# -- TARGET_TOO_LOW ---------------------------------------------------------------------------------
def test_an_actual_far_beyond_a_target_to_reach():
    report = with_indicators(
        indicator(1, "数量指标", "培训人次", "≥100人次", "140人次"),           # 40 % beyond: fires
        indicator(2, "数量指标", "巡查次数", "≥100次", "125次"),                # 25 %
        indicator(3, "数量指标", "检查次数", "≥10次", "13次"),                  # exactly 30 %
        indicator(4, "时效指标", "响应时间", "≤2小时", "0.5小时"),              # a ceiling under-run is good
        indicator(5, "成本指标", "单位成本", "≤3万元", "1万元"),
        indicator(6, "社会效益指标", "事故起数", "0起", "0起"),
        indicator(7, "质量指标", "覆盖率", "60%", "95%"),                       # a rate to reach, 58.3 %
        indicator(8, "数量指标", "受益户数", "≥100户", "150人"),                # another unit
        indicator(9, "数量指标", "督导村数", "≥２００个", "３００个"))            # full-width, 50 %
    conn = run(report)
    findings = found(conn, "TARGET_TOO_LOW")
    assert set(findings) == {("r0.docx", "培训人次"), ("r0.docx", "覆盖率"), ("r0.docx", "督导村数")}
    severity, message, message_en, evidence = findings[("r0.docx", "培训人次")]
    assert severity == "info"
    assert message == "指标“培训人次”目标 ≥100人次，实际完成 140人次，超出目标 40%（超出 30% 以上视为目标设定偏低）"
    assert "by 40%" in message_en
    assert (evidence["target"], evidence["actual"], evidence["exceeded_percent"], evidence["threshold_percent"]) == (
        {"comparator": ">=", "value": 100.0, "unit": "人次"}, 140.0, 40.0, 30.0)
    assert findings[("r0.docx", "覆盖率")][3]["exceeded_percent"] == 58.33
    loose = {**config.load(), "review_rules": {**config.load()["review_rules"], "target_exceeded_share": 0.45}}
    assert fired(run(report, settings=loose), "TARGET_TOO_LOW") == {("r0.docx", "覆盖率"), ("r0.docx", "督导村数")}


def test_a_doubt_on_the_indicator_table_makes_a_review_finding_a_hint():
    cut_short = with_indicators(indicator(1, "数量指标", "资金支付率", "100%", "100%"))
    cut_short.doubts["indicators"] = "绩效指标表未到总分行即中断，可能只读到一部分"
    (severity, message, _, evidence), = found(run(cut_short), "INDICATOR_MISPLACED").values()
    assert severity == "info" and message.startswith("需核读（绩效指标表未到总分行即中断")
    assert evidence["needs_reading"][0]["field"] == "indicators"


# -- NARRATIVE_REPEATS_LAST_YEAR ---------------------------------------------------------------------
def narrated(text: str, year: int, unit: str = "测试单位", project: str = "测试项目") -> Report:
    report = base(fiscal_year=year, implementing_unit=unit, project_name=project,
                  period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31),
                  report_date=dt.date(year + 1, 2, 1))
    report.narrative = text
    report.signature = signature(text).tolist()
    return report


LAST_YEAR = narrated(NARRATIVE, 2022)
THIS_YEAR = narrated(NARRATIVE.replace("86人次", "91人次").replace("260户", "275户"), 2023)
REWRITTEN = narrated(OTHER, 2021)                                       # the same project, written anew
REVISED = narrated(NARRATIVE.replace("3个", "4个"), 2022)                # the same year again: a revision
ELSEWHERE = narrated(NARRATIVE, 2023, unit="平凉市崆峒区农业技术推广中心")  # another unit: a copy


def test_a_narrative_repeated_from_an_earlier_year_is_found_on_the_later_report():
    conn = run(LAST_YEAR, THIS_YEAR, REWRITTEN)
    findings = found(conn, "NARRATIVE_REPEATS_LAST_YEAR")
    assert set(findings) == {("r1.docx", "r0.docx")}
    severity, message, message_en, evidence = findings[("r1.docx", "r0.docx")]
    assert severity == "medium"
    assert message.startswith("正文与本单位同一项目 2022 年度的报告 r0.docx 几乎相同，相似度 0.")
    assert "this unit's 2022 report on the same project, r0.docx" in message_en
    assert (evidence["fiscal_year"], evidence["earlier"], evidence["other_file"]) == (2023, {"fiscal_year": 2022},
                                                                                     "r0.docx")
    assert evidence["similarity"] >= evidence["threshold"] == config.load()["narrative_repeats"]["threshold"]
    assert fired(conn, "DUPLICATE_REPORT") == set()


def test_the_same_year_is_a_revision_and_another_unit_a_copy():
    conn = run(LAST_YEAR, REVISED, ELSEWHERE)
    assert fired(conn, "NARRATIVE_REPEATS_LAST_YEAR") == set()
    assert fired(conn, "DUPLICATE_REPORT") == {("r0.docx", "r2.docx"), ("r2.docx", "r0.docx"),
                                               ("r1.docx", "r2.docx"), ("r2.docx", "r1.docx")}


COLUMNS = "report_id, rule, severity, coalesce(subject, ''), message, message_en, evidence"


def _write(conn, reports: dict[str, Report]) -> None:
    batch = [report_rows(report, {"report_id": f"{int(name[1:].split('.')[0]):016x}", "file_name": name,
                                  "sha256": name * 8, "file_format": "docx", "parser_version": PARSER_VERSION,
                                  "ingested_at": dt.datetime.now()})
             for name, report in reports.items()]
    assert store.write_batch(conn, batch) == []


def _findings(conn) -> list[tuple]:
    return conn.execute(f"select {COLUMNS} from anomalies where rule in ('NARRATIVE_REPEATS_LAST_YEAR', "
                        "'DUPLICATE_REPORT') order by all").fetchall()


@pytest.mark.parametrize("first, second", [
    ({"r0.docx": LAST_YEAR, "r2.docx": REWRITTEN}, {"r1.docx": THIS_YEAR, "r3.docx": ELSEWHERE}),
    ({"r1.docx": THIS_YEAR, "r3.docx": ELSEWHERE}, {"r0.docx": LAST_YEAR, "r2.docx": REWRITTEN}),
], ids=["earlier-year-stored-first", "later-year-stored-first"])
def test_an_ingest_in_two_parts_finds_the_repeats_a_full_run_finds(tmp_path, first, second):
    settings = config.load()
    parts = store.open_store(tmp_path / "parts.duckdb")
    _write(parts, first)
    run_rules(parts, settings, changed_only=True)
    _write(parts, second)
    run_rules(parts, settings, changed_only=True)
    whole = store.open_store(tmp_path / "whole.duckdb")
    _write(whole, {**first, **second})
    run_rules(whole, settings)
    assert _findings(parts) == _findings(whole)
    assert {(row[1], row[3]) for row in _findings(whole) if row[1] == "NARRATIVE_REPEATS_LAST_YEAR"} == {
        ("NARRATIVE_REPEATS_LAST_YEAR", "r0.docx")}


def test_generated_repeats_split_across_two_ingests(tmp_path):
    """The generator puts a report and its other year side by side: every other file in each
    part splits the pairs, as test_incremental_rules.py does with copies."""
    files = write_samples(tmp_path / "samples", 40, 23, rates={"NARRATIVE_REPEATS_LAST_YEAR": 0.5})
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for number, path in enumerate(sorted(files)):
        shutil.copy(path, (first if number % 2 == 0 else second) / path.name)
    parts, whole = tmp_path / "parts.duckdb", tmp_path / "whole.duckdb"
    ingest([first], parts, workers=0)
    ingest([second], parts, workers=0)
    ingest([first, second], whole, workers=0)
    with store.connect(parts, read_only=True) as split, store.connect(whole, read_only=True) as together:
        assert (split.execute(f"select {COLUMNS} from anomalies order by all").fetchall()
                == together.execute(f"select {COLUMNS} from anomalies order by all").fetchall())
        repeats = together.execute("select count(*) from anomalies where rule = 'NARRATIVE_REPEATS_LAST_YEAR'")
        assert repeats.fetchone()[0] >= 3
