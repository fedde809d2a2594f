"""What the narrative says that the rules compare: near misses must leave no trace."""
from __future__ import annotations

import pytest

from ingest.parse import parse_bytes


def mentions(text: str, kind: str) -> list:
    report, _, error, _ = parse_bytes(("测试项目绩效自评报告\n" + text).encode("utf-8"), "t.txt")
    return [m for m in report.mentions if m.kind == kind]


@pytest.mark.parametrize("text, years", [
    ("2022年度项目资金已于年初全额拨付到位，资金到位率100%。", [(2022, "funds")]),
    ("项目资金于2020年全额到位，到位率100%。", [(2020, "funds")]),
    ("2021年度项目资金主要用于行道树修剪。", [(2021, "funds")]),
    ("为做好2020年市直部门整体支出和项目支出绩效评价工作，成立领导小组。", [(2020, "evaluation")]),
    # background, not this project's funds or evaluation:
    ("根据《关于开展2022年度项目支出绩效自评工作的通知》（财绩〔2022〕3号）要求。", []),
    ("（1）周密部署，做好2019年度绩效考评收尾工作。", []),
    ("为做好2021年度改造准备，区财政安排前期工作经费80万元。", []),
    ("2020年度和2021年度中期评议意见建议共625条。", []),
    ("2024年1月，我局成立自评工作小组。", []),
])
def test_years_cited_for_funds_or_evaluation(text, years):
    assert [(int(m.value), m.role) for m in mentions(text, "year")] == years


@pytest.mark.parametrize("text, admitted", [
    ("部分站点自助终端安装进度滞后。", ["滞后"]),
    ("项目部分内容因时间关系没能开展。", ["没能"]),
    ("全年检测里程仅完成计划的92%。", ["全年检测里程仅完成计划的92%", "仅完成"]),
    ("2021年度整改完成率达86.6%。", ["2021年度整改完成率达86.6%"]),
    ("全年辖区未发生渔业安全生产责任事故。", []),
    ("目标完成率为96%，超过年度目标95%。", []),
    ("资金执行率达到98%以上。", []),
    ("完成率为110%。", []),
    ("预算执行率97.5%。", []),
])
def test_shortfall_admissions(text, admitted):
    assert [m.text for m in mentions(text, "shortfall")] == admitted


@pytest.mark.parametrize("text, roles", [
    ("2022年3月，考评工作组对项目实施情况和质量进行评定。", [("evaluated", "2022-03-01")]),
    ("2024年3月5日，评价工作组按照“谁使用、谁自评”的原则逐项打分。", [("evaluated", "2024-03-05")]),
    ("2024年1月，我局成立由分管领导任组长的自评工作小组。", [("group_formed", "2024-01-01")]),
    ("2021年6月-12月，分别多次深入各县（区）调研评价意见整改情况。", []),
    ("项目实施期为2024年2月至2024年10月，主要用于督导检查。", []),
])
def test_dates_with_their_roles(text, roles):
    got = [(m.role, m.date_start.isoformat()) for m in mentions(text, "date") if m.role != "report"]
    assert got == roles


def test_stated_grade_bands():
    text = "自评结果分为优（得分≥95分）、良（85分≤得分<95分）、中（60分≤得分<85分）、差（得分<60分）四个等级。"
    assert sorted((m.subject, m.value) for m in mentions(text, "grade_band")) == [
        ("中", 60.0), ("优", 95.0), ("差", 0.0), ("良", 85.0)]


def test_category_and_total_amounts_keep_their_written_unit():
    found = mentions("2020年财政预算21.2万元，实际支出21.2万元。办公费1.9万元；印刷费0.73元。", "amount")
    assert [(m.subject, m.role, m.written, m.unit) for m in found] == [
        ("budget_planned", "total", 21.2, "万元"), ("spent", "total", 21.2, "万元"),
        ("办公费", "line", 1.9, "万元"), ("印刷费", "line", 0.73, "元")]
