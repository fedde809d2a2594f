"""Report -> problems: invariants a parsed report must hold, stated like dbt tests.

A problem is recorded in the report's notes for the auditor; it never drops the report.
"""
from __future__ import annotations

from ingest.report import Report

MONEY = ("budget_planned", "budget_adjusted", "funds_arrived", "spent")


def validate(report: Report) -> list[str]:
    problems: list[str] = []
    for name in MONEY:
        value = getattr(report, name)
        if value is not None and value < 0:
            problems.append(f"{name} 为负数（{value:g} 万元）")
    if report.self_score is not None and not 0 <= report.self_score <= 100:
        problems.append(f"自评得分 {report.self_score:g} 不在 0–100 之间")
    if report.period_start and report.period_end and report.period_start > report.period_end:
        problems.append("项目起止时间的开始晚于结束")
    if report.fiscal_year is not None and not 1990 <= report.fiscal_year <= 2100:
        problems.append(f"年度 {report.fiscal_year} 不合理")
    for line in report.budget_lines:
        for value in (line.planned, line.actual):
            if value is not None and value < 0:
                problems.append(f"支出明细“{line.category_raw}”金额为负数")
    for indicator in report.indicators:
        if indicator.weight is not None and indicator.weight < 0:
            problems.append(f"指标“{indicator.name}”分值为负数")
    return problems
