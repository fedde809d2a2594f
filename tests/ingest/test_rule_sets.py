"""Rule sets per province and year (jixiao.toml [rule_sets]): which set a report is judged
by, and what it changes in GRADE_SCORE_MISMATCH, INDICATOR_SUM_MISMATCH, MISSING_FIELDS and
the re-score sheet. Reports made by hand, each built so that the national set and the
province's give different verdicts."""
from __future__ import annotations

import copy
import json

import pytest
from conftest import store_of_reports

import queries
from ingest import config
from ingest.report import Indicator, Report
from ingest.rules import fingerprint, run_rules

PROVINCE = "甲省"
OTHER = "乙省"


def with_sets(*provincial: dict) -> dict:
    """jixiao.toml as loaded, its provincial sets replaced by `provincial`."""
    settings = copy.deepcopy(config.load())
    settings["rule_sets"]["province"] = list(provincial)
    return settings


PROVINCIAL = {"name": "甲省办法", "province": PROVINCE, "years": [2022, 2023], "grades": {"优": 85},
              "grade_required": False, "execution_weight": 20, "weights": {"产出": 40, "效益+满意度": 40},
              "tiers": [80, 50]}


def indicators(weights: list[float], scores: list[float]) -> list[Indicator]:
    levels = ["产出指标", "效益指标", "满意度指标"]
    return [Indicator(line_no=n + 1, level1=levels[min(n, 2)], level2=None, name=f"指标{n + 1}",
                      target_raw="≥90%" if n else "建立", actual_raw="95%", weight=weight, score=score, note=None)
            for n, (weight, score) in enumerate(zip(weights, scores))]


def report(province: str, year: int, score: float, grade: str | None, **fields) -> Report:
    return Report(project_name="项目", implementing_unit=f"{province}某局", province=province, fiscal_year=year,
                  budget_planned=100.0, funds_arrived=100.0, spent=90.0, execution_rate=90.0, arrival_rate=100.0,
                  self_score=score, grade_raw=grade, grade=grade, **fields)


@pytest.fixture
def reports():
    return [
        report(PROVINCE, 2022, 87.0, "优"),            # 0: fine under 优 ≥ 85, a mismatch nationally
        report(PROVINCE, 2021, 87.0, "优"),            # 1: a year the province's set does not cover
        report(OTHER, 2022, 87.0, "优"),               # 2: another province
        # 3: weights 40 + 40 leave 20 to the execution rate: 80 + 20 × 0.9 = 98 under the set;
        #    nationally (10 points) the weights leave 20, not 10, so no execution score is added.
        report(PROVINCE, 2023, 98.0, "优", indicators=indicators([40, 40], [40, 40])),
        report(PROVINCE, 2022, 90.0, None),           # 4: no grade, which the province does not require
    ]


def findings(conn, rule: str) -> dict[str, dict]:
    rows = conn.execute("select r.file_name, a.message, a.evidence from anomalies a join reports r using (report_id) "
                        "where a.rule = ?", [rule]).fetchall()
    return {name: {"message": message, **json.loads(evidence)} for name, message, evidence in rows}


def test_the_national_set_and_a_provincial_set_are_read_with_the_national_values_as_defaults():
    national, provincial = config.rule_sets(with_sets(PROVINCIAL))
    assert (national.name, national.you, national.liang, national.zhong) == ("财预〔2020〕10号", 90, 80, 60)
    assert (national.execution_weight, national.weights) == (10, {"产出": 50, "效益": 30, "满意度": 10})
    assert (national.tier_high, national.tier_low, national.grade_required) == (80, 60, True)
    # The province changed 优 only: 良 and 中 are the national ones.
    assert (provincial.you, provincial.liang, provincial.zhong) == (85, 80, 60)
    assert (provincial.execution_weight, provincial.tier_low, provincial.grade_required) == (20, 50, False)
    assert (provincial.province, provincial.first_year, provincial.last_year) == (PROVINCE, 2022, 2023)
    settings = with_sets(PROVINCIAL)
    assert config.rule_set_for(PROVINCE, 2022, settings) == provincial
    assert config.rule_set_for(PROVINCE, 2021, settings) == national
    assert config.rule_set_for(OTHER, 2022, settings) == national
    assert config.rule_set_for(PROVINCE, None, settings) == national
    assert provincial.grade(86) == "优" and national.grade(86) == "良"


def test_the_shipped_example_set_has_the_form_the_issue_gives():
    example = config.rule_sets(config.load())[1]
    assert example.execution_weight == 20 and example.weights == {"产出": 40, "效益+满意度": 40}
    assert (example.tier_high, example.tier_low, example.grade_required) == (80, 50, False)


@pytest.mark.parametrize("bad, says", [
    ({**PROVINCIAL, "years": [2023, 2025], "name": "重叠"}, "both apply to 甲省 in 2023"),
    ({**PROVINCIAL, "grades": {"优": 70}}, "grades must fall"),
    ({**PROVINCIAL, "tiers": [50, 80]}, "tiers are two percentages"),
    ({key: value for key, value in PROVINCIAL.items() if key != "years"}, "its province and years"),
    ({key: value for key, value in PROVINCIAL.items() if key != "name"}, "gives its name"),
])
def test_a_set_that_cannot_be_applied_is_refused_in_plain_words(bad, says):
    sets = (PROVINCIAL, bad) if bad.get("name") == "重叠" else (bad,)
    with pytest.raises(ValueError, match=says):
        config.rule_sets(with_sets(*sets))


def test_each_report_is_judged_by_its_provinces_set_for_its_year(reports):
    conn = store_of_reports(reports)
    queries.prepare(conn, with_sets(PROVINCIAL))
    applied = dict(conn.execute("select r.file_name, s.rule_set from report_rule_sets s join reports r using (report_id) "
                                "order by 1").fetchall())
    assert applied == {"r0.docx": "甲省办法", "r1.docx": "财预〔2020〕10号", "r2.docx": "财预〔2020〕10号",
                       "r3.docx": "甲省办法", "r4.docx": "甲省办法"}


def test_the_provinces_bands_change_the_grade_verdict(reports):
    conn = store_of_reports(reports)
    run_rules(conn, with_sets(PROVINCIAL))
    graded = findings(conn, "GRADE_SCORE_MISMATCH")
    # 87 graded 优: fine under the province's 优 ≥ 85 in 2022, a mismatch in 2021 and elsewhere.
    assert set(graded) == {"r1.docx", "r2.docx"}
    assert graded["r1.docx"]["earned"] == "良" and graded["r1.docx"]["rule_set"] == "财预〔2020〕10号"
    assert "按财预〔2020〕10号：优≥90、良≥80、中≥60" in graded["r1.docx"]["message"]
    run_rules(conn, with_sets())
    assert set(findings(conn, "GRADE_SCORE_MISMATCH")) == {"r0.docx", "r1.docx", "r2.docx"}


def test_the_execution_weight_of_the_set_scores_an_unstated_execution_rate(reports):
    conn = store_of_reports(reports)
    run_rules(conn, with_sets(PROVINCIAL))
    assert "r3.docx" not in findings(conn, "INDICATOR_SUM_MISMATCH")      # 80 + 20 × 0.9 = 98
    run_rules(conn, with_sets({**PROVINCIAL, "execution_weight": 10, "weights": {"产出": 45, "效益+满意度": 45}}))
    # Weights of 80 leave 20 points, not the set's 10: no execution score is assumed.
    summed = findings(conn, "INDICATOR_SUM_MISMATCH")["r3.docx"]
    assert (summed["total"], summed["execution_score"], summed["self_score"]) == (80, None, 98)
    lowered = copy.deepcopy(reports)
    lowered[3].execution_rate = 50.0                            # 80 + 20 × 0.5 = 90, not 98
    conn = store_of_reports(lowered)
    run_rules(conn, with_sets(PROVINCIAL))
    summed = findings(conn, "INDICATOR_SUM_MISMATCH")["r3.docx"]
    assert (summed["execution_score"], summed["execution_computed"], summed["execution_weight"]) == (10, True, 20)
    assert summed["total"] == 90 and "按甲省办法执行率权重 20 分计" in summed["message"]


def test_a_missing_grade_is_missing_only_where_the_set_requires_one(reports):
    conn = store_of_reports(reports)
    run_rules(conn, with_sets(PROVINCIAL))
    assert "grade" not in findings(conn, "MISSING_FIELDS").get("r4.docx", {}).get("missing", [])
    run_rules(conn, with_sets())
    assert "grade" in findings(conn, "MISSING_FIELDS")["r4.docx"]["missing"]


def test_changing_a_set_changes_the_rules_fingerprint_so_a_partial_run_checks_again():
    assert fingerprint(with_sets(PROVINCIAL)) != fingerprint(with_sets({**PROVINCIAL, "grades": {"优": 88}}))


def test_the_rescore_sheet_offers_the_sets_execution_points_and_tiers(reports):
    conn = store_of_reports(reports)
    queries.prepare(conn, with_sets(PROVINCIAL))
    sheet = queries.run(conn, "rescore_sheet", report_id=f"{3:016x}")
    # The execution row: no score stated, offered 20 × 90 % under the province's set.
    execution = sheet.filter(sheet["line_no"] == 0).row(0, named=True)
    assert (execution["weight"], execution["computed"], execution["self_score"]) == (20, 18, None)
    rows = {row["name"]: row for row in sheet.iter_rows(named=True)}
    # 指标1's target 建立 has no figure: a qualitative indicator, its tiers 80 % and 50 % of 40.
    assert rows["指标1"]["tiers"] == {"high": 32.0, "low": 20.0}
    assert rows["指标2"]["tiers"] is None
    shown = queries.run(conn, "report_rule_set", report_id=f"{3:016x}")
    assert shown["rule_set"].unique().to_list() == ["甲省办法"]
    assert dict(zip(shown["level"], zip(shown["set_weight"], shown["report_weight"]))) == {
        "产出": (40, 40), "效益+满意度": (40, 40)}
