"""Every rule of SPEC §3, firing and not firing on its near misses.

Reports are built as the parser would emit them and written through ingest/store.py into a
store of their own; then all rules run, as they do after every ingest.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from ingest import PARSER_VERSION, config, store
from ingest.report import BudgetLine, Evidence, Indicator, Mention, Report, Witness
from ingest.rows import report_rows
from ingest.rules import RULES, falls_short, quantity, run_rules
from ingest.similarity import signature

EVIDENCE = Evidence(0, "", "table")
TABLE = Evidence(0, "表格", "table")
TEXT = Evidence(1, "正文", "text")


def base(**fields) -> Report:
    """A report that breaks no rule: 100 planned, arrived, spent; 95 points, 优."""
    report = Report(project_name="测试项目", implementing_unit="测试单位", supervising_dept="测试部门",
                    fiscal_year=2023, budget_planned=100.0, funds_arrived=100.0, spent=100.0,
                    self_score=95.0, grade_raw="优秀", grade="优",
                    period_start=dt.date(2023, 1, 1), period_end=dt.date(2023, 12, 31),
                    report_date=dt.date(2024, 2, 1))
    for name, value in fields.items():
        setattr(report, name, value)
    for name in ("budget_planned", "funds_arrived", "spent", "self_score"):
        report.provenance.setdefault(name, TABLE)
    _rates(report)
    return report


def _rates(report: Report) -> None:
    budget = report.budget
    report.arrival_rate = None if not budget or report.funds_arrived is None else report.funds_arrived / budget * 100
    report.execution_rate = None if not budget or report.spent is None else report.spent / budget * 100


def line(no: int, category: str, code: str | None, planned, actual, origin: str = "table") -> BudgetLine:
    return BudgetLine(no, category, code, category, planned, actual, origin, EVIDENCE)


def indicator(no: int, name: str, target: str, actual: str, weight, score) -> Indicator:
    return Indicator(no, "产出指标", "数量指标", name, target, actual, weight, score, None, EVIDENCE)


def run(*reports: Report, settings: dict | None = None, path=None):
    """Write the reports (named r0.docx, r1.docx …) and run every rule; return the store."""
    conn = store.open_store(path) if path else store.open_store(":memory:")
    batch = []
    for i, report in enumerate(reports):
        rid = f"{i:016x}"
        batch.append(report_rows(report, {
            "report_id": rid, "file_name": f"r{i}.docx", "sha256": rid * 4, "file_format": "docx",
            "parser_version": PARSER_VERSION, "ingested_at": dt.datetime.now()}))
    assert store.write_batch(conn, batch) == []
    run_rules(conn, settings or config.load())
    return conn


def fired(conn, rule: str) -> set[tuple[str, str | None]]:
    return set(conn.execute(
        "select r.file_name, a.subject from anomalies a join reports r using (report_id) where a.rule = ?",
        [rule]).fetchall())


# -- lines -------------------------------------------------------------------------------------
def test_overspend_line_fires_and_equal_spending_does_not():
    report = base(budget_lines=[line(1, "差旅费", "30211", 10.5, 11.53), line(2, "劳务费", "30226", 4.5, 4.5),
                                line(3, "办公费", "30201", 84.99, 84.0)], spent=100.03)
    conn = run(report)
    assert fired(conn, "OVERSPEND_LINE") == {("r0.docx", "差旅费")}
    message, message_en, evidence = conn.execute(
        "select message, message_en, evidence from anomalies where rule = 'OVERSPEND_LINE'").fetchone()
    assert message == "差旅费 实际 11.53 万元，超出计划 10.5 万元 9.8%"
    assert "Travel" in message_en
    assert json.loads(evidence)["planned"] == 10.5


def test_unplanned_line_only_in_a_table_with_a_planned_column():
    planned_table = base(budget_lines=[line(1, "办公费", "30201", 99.7, 99.7), line(2, "邮电费", "30207", None, 0.3),
                                       line(3, "印刷费", "30202", 0.0, 0.0)])
    no_planned_column = base(budget_lines=[line(1, "办公费", "30201", None, 99.7), line(2, "邮电费", "30207", None, 0.3)])
    narrative_lines = base(budget_lines=[line(1, "办公费", "30201", None, 99.7, "text"),
                                         line(2, "邮电费", "30207", None, 0.3, "text")])
    conn = run(planned_table, no_planned_column, narrative_lines)
    assert fired(conn, "UNPLANNED_LINE") == {("r0.docx", "邮电费")}


def test_lines_sum_mismatch_beyond_a_cent_of_wan_yuan():
    off = base(spent=14.83, budget_planned=15.0, funds_arrived=15.0,
               budget_lines=[line(1, "差旅费", "30211", 7.5, 7.33), line(2, "会议费", "30215", 7.5, 7.4)])
    rounding = base(spent=14.83, budget_planned=15.0, funds_arrived=15.0,
                    budget_lines=[line(1, "差旅费", "30211", 7.5, 7.425), line(2, "会议费", "30215", 7.5, 7.4)])
    planned_off = base(budget_planned=20.0, funds_arrived=20.0, spent=18.25,
                       budget_lines=[line(1, "差旅费", "30211", 9.0, 9.0), line(2, "维修费", "30213", 9.5, 9.25)])
    adjusted_budget = base(budget_planned=20.0, budget_adjusted=18.5, funds_arrived=18.5, spent=18.25,
                           budget_lines=[line(1, "差旅费", "30211", 9.0, 9.0), line(2, "维修费", "30213", 11.0, 9.25)])
    conn = run(off, rounding, planned_off, adjusted_budget)
    assert fired(conn, "LINES_SUM_MISMATCH") == {("r0.docx", None), ("r2.docx", None)}


# -- money and scores -----------------------------------------------------------------------------
def test_full_score_with_partial_arrival_or_execution():
    partial = base(self_score=100.0, funds_arrived=90.0, spent=90.0)
    full = base(self_score=100.0)
    not_full = base(self_score=99.0, funds_arrived=90.0, spent=90.0)
    stated_only = base(self_score=100.0, funds_arrived=None, arrival_rate_stated=90.0)
    conn = run(partial, full, not_full, stated_only)
    assert fired(conn, "FULL_SCORE_PARTIAL_ARRIVAL") == {("r0.docx", None), ("r3.docx", None)}
    assert fired(conn, "FULL_SCORE_PARTIAL_EXECUTION") == {("r0.docx", None)}
    message = conn.execute("select message from anomalies a join reports r using (report_id) "
                           "where rule = 'FULL_SCORE_PARTIAL_ARRIVAL' and file_name = 'r0.docx'").fetchone()[0]
    assert message == "自评满分 100 分，但资金到位率仅 90%（到位 90 万元 / 预算 100 万元）"


def test_spent_exceeds_arrived_and_equal_does_not():
    conn = run(base(funds_arrived=28.0, spent=29.1), base(funds_arrived=28.0, spent=28.0))
    assert fired(conn, "SPENT_EXCEEDS_ARRIVED") == {("r0.docx", None)}


def test_stated_rate_mismatch_beyond_a_tenth_of_a_point():
    off = base(spent=95.19, execution_rate_stated=98.5)
    rounded = base(funds_arrived=94.6667, arrival_rate_stated=94.67, spent=94.6667, execution_rate_stated=94.67)
    conn = run(off, rounded)
    assert fired(conn, "STATED_RATE_MISMATCH") == {("r0.docx", None)}


def test_grade_score_mismatch_national_and_own_bands():
    own_bands = [Mention("grade_band", grade, TEXT, value=low, text=grade)
                 for grade, low in (("优", 95.0), ("良", 85.0), ("中", 60.0))]
    conn = run(
        base(self_score=87.0, grade_raw="优", grade="优"),                 # national: 87 is 良
        base(self_score=90.0, grade_raw="优秀", grade="优"),               # the 优 boundary itself
        base(self_score=93.0, grade_raw="优", grade="优", mentions=own_bands),   # own: 93 is 良
        base(self_score=99.0, grade_raw="优", grade="优", mentions=own_bands),
        base(self_score=85.0, grade_raw="良", grade="良", mentions=own_bands),
        base(self_score=59.5, grade_raw="不合格", grade="差"),
    )
    assert fired(conn, "GRADE_SCORE_MISMATCH") == {("r0.docx", None), ("r2.docx", None)}


# -- indicators -------------------------------------------------------------------------------------
def test_indicator_sum_and_over_weight():
    execution = Mention("score", "execution_rate", TABLE, value=9.8, written=9.8, unit="分")
    over = base(self_score=98.8, mentions=[execution], indicators=[
        indicator(1, "完成改造方案设计小区数", "≥25个", "26个", 10.0, 11.0),
        indicator(2, "入户调查户数", "≥3000户", "3120户", 80.0, 80.0)])
    adds_up = base(self_score=99.0, mentions=[replace(execution, value=10.0)], indicators=[
        indicator(1, "服务保障", "100%", "100%", 30.0, 30.0), indicator(2, "满意度", "99%", "100%", 60.0, 59.0)])
    conn = run(over, adds_up)
    assert fired(conn, "INDICATOR_SUM_MISMATCH") == {("r0.docx", None)}
    assert fired(conn, "INDICATOR_OVER_WEIGHT") == {("r0.docx", "完成改造方案设计小区数")}


def test_unmet_target_with_full_marks():
    report = base(indicators=[
        indicator(1, "督导检查行政村数", "≥２００个", "１８６个", 20.0, 20.0),      # short, full marks: fires
        indicator(2, "卫生厕所普及率", "≥85%", "82%", 20.0, 12.0),             # short, marked down
        indicator(3, "故障响应时间", "≤2小时", "1.5小时", 10.0, 10.0),           # a ceiling, met
        indicator(4, "前期工作完成时间", "2020年10月底前", "2020年11月完成", 10.0, 10.0),  # a deadline: no number
        indicator(5, "安全事故发生数", "0起", "0起", 20.0, 20.0),
        indicator(6, "覆盖率", "100%", "98%", 20.0, 20.0),                    # a count to reach: short
    ])
    conn = run(report)
    assert fired(conn, "UNMET_TARGET_FULL_SCORE") == {("r0.docx", "督导检查行政村数"), ("r0.docx", "覆盖率")}


@pytest.mark.parametrize("target, actual, short", [
    ("≥300件", "276件", True), (">=300件", "300件", False), ("300件以上", "299件", True),
    ("不低于95%", "96%", False), ("≤15个工作日", "16个工作日", True), ("<5次", "5次", True),
    ("0次", "1次", True), ("52所", "52所", False), ("≥90%", "88户", False),
    ("≥2010人次", "1995人次", True), ("≥2010人次", "2024人次", False),
])
def test_falls_short_reads_comparators_and_units(target, actual, short):
    assert falls_short(quantity(target), quantity(actual)) is short


# -- text against tables ---------------------------------------------------------------------------
def amount(category: str, value: float, written: float, unit: str, role: str = "line") -> Mention:
    return Mention("amount", category, TEXT, value=value, written=written, unit=unit, text=category, role=role)


def test_text_table_mismatch_for_a_category_and_for_the_total():
    lines = [line(1, "差旅费", "30211", 4.0, 3.6), line(2, "印刷费", "30202", 1.0, 0.73),
             line(3, "办公费", "30201", 95.0, 95.67)]
    report = base(budget_lines=lines, mentions=[
        amount("差旅费", 3.2, 3.2, "万元"),                  # differs: fires
        amount("印刷费", 0.000073, 0.73, "元"),              # the 元 slip: UNIT_SUSPECT's, not this
        amount("办公费", 95.67, 95.67, "万元"),              # agrees
        amount("spent", 98.6, 98.6, "万元", role="total"),   # the table says 100
    ])
    narrative_only = base(provenance={"spent": TEXT}, mentions=[amount("spent", 98.6, 98.6, "万元", role="total")])
    conn = run(report, narrative_only)
    assert fired(conn, "TEXT_TABLE_MISMATCH") == {("r0.docx", "差旅费"), ("r0.docx", "total")}
    assert fired(conn, "UNIT_SUSPECT") == {("r0.docx", "印刷费")}


def test_unit_suspect_needs_a_wan_yuan_context():
    slip_in_text = base(mentions=[amount("印刷费", 0.000073, 0.73, "元"), amount("办公费", 5.0, 5.0, "万元"),
                                  amount("差旅费", 3.0, 3.0, "万元")])
    all_in_yuan = base(budget_lines=[line(1, "维修费", "30213", 26.0, 25.58)],
                       mentions=[amount("维修费", 25.58, 255800.0, "元"), amount("spent", 25.58, 255800.0, "元", "total")])
    conn = run(slip_in_text, all_in_yuan)
    assert fired(conn, "UNIT_SUSPECT") == {("r0.docx", "印刷费")}


# -- dates and years -----------------------------------------------------------------------------------
def date(role: str, start: dt.date, end: dt.date | None = None) -> Mention:
    return Mention("date", role, TEXT, role=role, date_start=start, date_end=end or start)


def test_date_inconsistent():
    before_end = base(report_date=dt.date(2023, 12, 10))
    signed_early = base(mentions=[date("signed", dt.date(2023, 3, 7))])
    evaluated_late = base(report_date=dt.date(2024, 1, 27),
                          mentions=[date("evaluated", dt.date(2024, 3, 1), dt.date(2024, 3, 31))])
    same_month = base(report_date=dt.date(2024, 2, 16),
                      mentions=[date("evaluated", dt.date(2024, 2, 1), dt.date(2024, 2, 29))])
    group_formed = base(mentions=[date("group_formed", dt.date(2023, 4, 10))])
    conn = run(before_end, signed_early, evaluated_late, same_month, group_formed)
    assert fired(conn, "DATE_INCONSISTENT") == {("r0.docx", None), ("r1.docx", None), ("r2.docx", None)}


def test_year_mismatch_only_for_this_projects_funds_or_evaluation():
    def year(value: int, role: str) -> Mention:
        return Mention("year", role, TEXT, value=float(value), role=role)

    conn = run(base(mentions=[year(2022, "funds")]), base(mentions=[year(2023, "funds"), year(2023, "evaluation")]),
               base(mentions=[year(2022, "evaluation")]))
    assert fired(conn, "YEAR_MISMATCH") == {("r0.docx", None), ("r2.docx", None)}


def test_shortfall_needs_full_marks_and_an_admission():
    admission = Mention("shortfall", "phrase", TEXT, text="滞后")
    conn = run(base(self_score=100.0, mentions=[admission]), base(self_score=99.0, mentions=[admission]),
               base(self_score=100.0))
    assert fired(conn, "SHORTFALL_FULL_SCORE") == {("r0.docx", None)}


# -- copies and gaps ------------------------------------------------------------------------------------
NARRATIVE = ("项目主要用于农技人员知识更新培训、农业科技示范基地建设和科技示范主体培育。全年培训基层农技人员86人次，"
             "建设农业科技示范基地3个，培育科技示范户260户，引进推广玉米、马铃薯新品种5个，推广全膜双垄沟播等主推技术4项。"
             "示范基地主推技术到位率达到95%以上，示范户辐射带动周边农户1300余户，项目区玉米亩均增产约8%。")
OTHER = ("项目用于城区公共厕所的日常保洁、设施维修和考核监督，按照一厕一档、专人管护的要求实行定人定岗保洁，"
         "每日巡查不少于两次，破损洁具、照明、排风和无障碍设施及时报修，较大维修项目经比选后委托专业单位实施。"
         "每月组织一次保洁质量考核，考核结果与保洁人员劳务费挂钩，群众投诉同比下降三成。")


def with_narrative(text: str, **fields) -> Report:
    report = base(**fields)
    report.narrative = text
    report.signature = signature(text).tolist()
    return report


def test_duplicate_report_under_another_unit_both_ways():
    conn = run(with_narrative(NARRATIVE, implementing_unit="天水市秦州区农业技术推广中心"),
               with_narrative(NARRATIVE.replace("86", "91"), implementing_unit="平凉市崆峒区农业技术推广中心"),
               with_narrative(OTHER, implementing_unit="岳阳市岳阳楼区城市管理局"),
               with_narrative(NARRATIVE))   # the same project of the same unit as r0? No: 测试单位 differs
    found = fired(conn, "DUPLICATE_REPORT")
    assert ("r0.docx", "r1.docx") in found and ("r1.docx", "r0.docx") in found
    assert not {pair for pair in found if "r2.docx" in pair}
    evidence = json.loads(conn.execute("select evidence from anomalies where rule = 'DUPLICATE_REPORT' "
                                       "limit 1").fetchone()[0])
    assert evidence["similarity"] >= 0.7


def test_a_revision_of_the_same_project_by_the_same_unit_is_no_copy():
    conn = run(with_narrative(NARRATIVE), with_narrative(NARRATIVE + "补充说明。"))
    assert fired(conn, "DUPLICATE_REPORT") == set()


def test_missing_fields_is_information():
    conn = run(base(spent=None), base())
    assert fired(conn, "MISSING_FIELDS") == {("r0.docx", None)}
    assert conn.execute("select severity from anomalies where rule = 'MISSING_FIELDS'").fetchone()[0] == "info"


def test_a_clean_report_breaks_no_rule():
    conn = run(base(budget_lines=[line(1, "办公费", "30201", 60.0, 60.0), line(2, "差旅费", "30211", 40.0, 40.0)]))
    assert conn.execute("select count(*) from anomalies").fetchone()[0] == 0


def test_every_rule_has_a_severity_and_messages_in_both_languages():
    settings = config.load()
    assert set(RULES) == set(settings["severity"])
    conn = run(base(self_score=100.0, funds_arrived=90.0, spent=95.0))
    for message, message_en, evidence in conn.execute("select message, message_en, evidence from anomalies").fetchall():
        assert message and message_en and json.loads(evidence)


def test_thresholds_come_from_the_configuration():
    settings = config.load()
    loose = {**settings, "tolerances": {**settings["tolerances"], "rate": 5.0}}
    report = base(spent=95.19, execution_rate_stated=98.5)
    assert fired(run(report), "STATED_RATE_MISMATCH") == {("r0.docx", None)}
    assert fired(run(report, settings=loose), "STATED_RATE_MISMATCH") == set()


# -- needs reading ----------------------------------------------------------------------------
def test_a_finding_on_a_value_in_doubt_is_a_hint_to_read_not_a_finding():
    doubtful = base(self_score=100.0, spent=90.0)
    doubtful.doubts["spent"] = "同等来源的两处不一致：取 90，另一处为 100"
    doubtful.witnesses["spent"] = [Witness(100.0, Evidence(0, "全年执行数：100", "table", row=4, col=3), False)]
    settled = base(self_score=100.0, spent=90.0)
    cut_short = base(self_score=90.0, indicators=[indicator(1, "培训人次", "≥100人次", "120人次", 50, 50)])
    cut_short.doubts["indicators"] = "绩效指标表未到总分行即中断，可能只读到一部分"
    conn = run(doubtful, settled, cut_short)
    rows = conn.execute(
        "select r.file_name, a.severity, a.message, a.evidence from anomalies a join reports r using (report_id) "
        "where a.rule in ('FULL_SCORE_PARTIAL_EXECUTION', 'INDICATOR_SUM_MISMATCH') order by r.file_name").fetchall()
    by_file = {name: (severity, message, json.loads(evidence)) for name, severity, message, evidence in rows}
    severity, message, evidence = by_file["r0.docx"]
    assert severity == "info"
    assert message.startswith("需核读（同等来源的两处不一致：取 90，另一处为 100）：自评满分 100 分")
    assert evidence["needs_reading"] == [{"field": "spent", "doubt": "同等来源的两处不一致：取 90，另一处为 100"}]
    assert evidence["self_score"] == 100
    assert by_file["r1.docx"][0] == "high"
    assert by_file["r2.docx"][0] == "info"          # 50 of 90 points read before the table broke off
    assert by_file["r2.docx"][2]["needs_reading"][0]["field"] == "indicators"
    witnesses = conn.execute(
        "select witness_no, value, agrees, doubt from provenance p join reports r using (report_id) "
        "where r.file_name = 'r0.docx' and p.field = 'spent' order by witness_no").fetchall()
    assert witnesses == [(0, 90.0, False, "同等来源的两处不一致：取 90，另一处为 100"), (1, 100.0, False, None)]


@pytest.mark.parametrize("written", ["2020年10月底前", "2022.10前", "2023年", "12月31日前"])
def test_deadlines_are_no_quantities(written):
    assert quantity(written) is None
