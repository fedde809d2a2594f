"""Templates the corpus does not contain, built here: the parser must read them by their
labels and structure alone. Each case states the values a correct parser produces."""
from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn
from docx.oxml import OxmlElement

from ingest.parse import parse_bytes


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, rows: list[list[str]]):
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    return table


def _merge_down(table, col: int, first: int, last: int) -> None:
    table.cell(first, col).merge(table.cell(last, col))


def budget_execution_template() -> bytes:
    """A 预算执行情况 layout: two-column cover table, 预算数/执行数 matrix, 经济科目 lines,
    a conclusion table, amounts in 元 stated by a caption."""
    document = docx.Document()
    document.add_paragraph("2022年度社区养老服务补贴项目绩效自评报告")
    _table(document, [
        ["项目名称", "社区养老服务补贴项目"],
        ["实施单位", "杭州市拱墅区民政局"],
        ["主管部门", "杭州市拱墅区人民政府"],
        ["实施期限", "2022.1.1-2022.12.31"],
        ["评价类型", "■事后评价 □事中评价"],
    ])
    document.add_paragraph("金额单位：元")
    table = _table(document, [
        ["资金来源", "调整后预算", "实际到位", "实际支出"],
        ["合计", "1,200,000.00", "1,150,000.00", "1,100,000.00"],
        ["其中：省级财政", "400,000.00", "400,000.00", "380,000.00"],
        ["区级财政", "800,000.00", "750,000.00", "720,000.00"],
    ])
    del table
    document.add_paragraph("单位：元")
    _table(document, [
        ["经济科目", "预算金额", "支出金额"],
        ["30226劳务费", "700,000.00", "690,000.00"],
        ["30201 办公费", "100,000.00", "80,000.00"],
        ["委托业务费", "400,000.00", "330,000.00"],
        ["合计", "1,200,000.00", "1,100,000.00"],
    ])
    _table(document, [
        ["自评得分", "88.5", "自评等级", "优□ 良☑ 中□ 差□"],
    ])
    document.add_paragraph("杭州市拱墅区民政局")
    document.add_paragraph("二〇二三年三月十五日")
    return _save(document)


def transposed_template() -> bytes:
    """Labels in a header row with the values beneath them; lines with categories as columns."""
    document = docx.Document()
    document.add_paragraph("项目支出绩效自评报告")
    _table(document, [
        ["项目名称", "项目单位", "主管部门", "评价年度"],
        ["农田水利设施管护经费", "遵义市播州区水务局", "遵义市播州区人民政府", "2021年度"],
    ])
    _table(document, [
        ["预算资金（万元）", "到位资金（万元）", "实际支出（万元）", "资金到位率", "预算执行率"],
        ["30", "30", "28.5", "100%", "95%"],
    ])
    _table(document, [
        ["支出内容", "维修费", "专用材料费", "劳务费", "合计"],
        ["计划支出数（万元）", "15", "10", "5", "30"],
        ["实际支出数（万元）", "14.5", "9", "5", "28.5"],
    ])
    document.add_paragraph("四、自评结论")
    document.add_paragraph("经综合评定，本项目自评得分为91分，评价等级为优秀。")
    document.add_paragraph("填报日期：2022年2月8日")
    return _save(document)


def zibiao_2021_template() -> bytes:
    """A provincial 自评表 with (A)/(B) column marks, 当年财政拨款 rows and an 总分 row with one number."""
    document = docx.Document()
    document.add_paragraph("项目支出绩效自评表")
    document.add_paragraph("（2023年度）")
    table = _table(document, [
        ["项目名称", "乡村振兴衔接资金管理", "", "", "", "", ""],
        ["主管部门", "黔东南州财政局", "", "实施单位", "凯里市乡村振兴局", "", ""],
        ["项目资金（万元）", "", "年初预算数", "全年预算数（A）", "全年执行数（B）", "执行率（B/A）", "得分"],
        ["项目资金（万元）", "年度资金总额", "200", "220", "209", "95%", "9.5"],
        ["项目资金（万元）", "其中：当年财政拨款", "200", "220", "209", "—", "—"],
        ["项目资金（万元）", "上年结转资金", "", "", "", "—", "—"],
        ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "权重", "得分"],
        ["产出指标", "数量指标", "培训农户人次", "≥500人次", "520人次", "40", "40"],
        ["效益指标", "社会效益指标", "带动脱贫户增收", "≥1000元/户", "1050元/户", "40", "38"],
        ["满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "91%", "10", "10"],
        ["总分", "", "", "", "", "", "97.5"],
    ])
    for row in (0,):
        table.cell(row, 1).merge(table.cell(row, 6))
    table.cell(1, 1).merge(table.cell(1, 2))
    table.cell(1, 4).merge(table.cell(1, 6))
    _merge_down(table, 0, 2, 5)
    table.cell(10, 0).merge(table.cell(10, 5))
    return _save(document)


def narrative_yuan_template() -> bytes:
    """Narrative only, amounts in 元, a Chinese-numeral date, a funding split in the text."""
    document = docx.Document()
    document.add_paragraph("赣州市南康区2024年度家具产业人才培训经费绩效自评报告")
    document.add_paragraph("一、项目基本情况")
    document.add_paragraph("家具产业人才培训经费由赣州市南康区人力资源和社会保障局组织实施，主管部门为赣州市南康区人民政府，"
                           "项目实施期为2024年1月至2024年12月。")
    document.add_paragraph("二、资金使用情况")
    document.add_paragraph("项目年初预算资金500,000元，其中省级财政资金200,000元、区级财政资金300,000元，"
                           "实际到位资金500,000元，资金到位率100%。全年实际支出486,500元，预算执行率97.3%。"
                           "其中：培训费320,000元，劳务费106,500元，印刷费60,000元。")
    document.add_paragraph("三、自评结论")
    document.add_paragraph("本项目自评得分95分，评价等级为优秀。")
    document.add_paragraph("赣州市南康区人力资源和社会保障局")
    document.add_paragraph("二〇二五年一月二十日")
    return _save(document)


CASES = {
    "budget_execution": (budget_execution_template, {
        "project_name": "社区养老服务补贴项目", "implementing_unit": "杭州市拱墅区民政局",
        "supervising_dept": "杭州市拱墅区人民政府", "province": "浙江省", "region": "拱墅区",
        "fiscal_year": 2022, "eval_type": "事后", "report_date": "2023-03-15",
        "period_start": "2022-01-01", "period_end": "2022-12-31",
        "budget_adjusted": 120.0, "funds_arrived": 115.0, "spent": 110.0,
        "self_score": 88.5, "grade_raw": "良", "grade": "良", "parse_status": "ok",
    }, [("30226", 70.0, 69.0), ("30201", 10.0, 8.0), ("30227", 40.0, 33.0)],
        [("省级", 40.0, 40.0), ("市县", 80.0, 75.0)]),
    "transposed": (transposed_template, {
        "project_name": "农田水利设施管护经费", "implementing_unit": "遵义市播州区水务局",
        "supervising_dept": "遵义市播州区人民政府", "province": "贵州省", "region": "播州区",
        "fiscal_year": 2021, "report_date": "2022-02-08", "budget_planned": 30.0, "funds_arrived": 30.0,
        "spent": 28.5, "arrival_rate_stated": 100.0, "execution_rate_stated": 95.0,
        "self_score": 91.0, "grade_raw": "优秀", "grade": "优", "parse_status": "ok",
    }, [("30213", 15.0, 14.5), ("30218", 10.0, 9.0), ("30226", 5.0, 5.0)], []),
    "zibiao_2021": (zibiao_2021_template, {
        "project_name": "乡村振兴衔接资金管理", "implementing_unit": "凯里市乡村振兴局",
        "supervising_dept": "黔东南州财政局", "province": "贵州省", "fiscal_year": 2023,
        "budget_planned": 200.0, "budget_adjusted": 220.0, "spent": 209.0, "execution_rate_stated": 95.0,
        "self_score": 97.5, "parse_status": "ok",
    }, [], []),   # 当年财政拨款 names no level (as the published 自评表 truth has it): no funding source
    "narrative_yuan": (narrative_yuan_template, {
        "project_name": "家具产业人才培训经费", "implementing_unit": "赣州市南康区人力资源和社会保障局",
        "supervising_dept": "赣州市南康区人民政府", "province": "江西省", "region": "南康区",
        "fiscal_year": 2024, "report_date": "2025-01-20", "period_start": "2024-01-01",
        "period_end": "2024-12-31", "budget_planned": 50.0, "funds_arrived": 50.0, "spent": 48.65,
        "arrival_rate_stated": 100.0, "execution_rate_stated": 97.3, "self_score": 95.0,
        "grade_raw": "优秀", "grade": "优", "parse_status": "ok",
    }, [("30216", None, 32.0), ("30226", None, 10.65), ("30202", None, 6.0)],
        [("省级", 20.0, None), ("市县", 30.0, None)]),
}


@pytest.mark.parametrize("name", CASES)
def test_unseen_template(name):
    build, fields, lines, sources = CASES[name]
    report, file_format, error, _ = parse_bytes(build(), f"{name}.docx")
    assert error is None
    got = {field: getattr(report, field) if field != "parse_status" else report.parse_status for field in fields}
    got = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in got.items()}
    assert got == fields
    assert sorted((l.category_code, l.planned, l.actual) for l in report.budget_lines) == sorted(lines)
    assert sorted((s.source, s.planned, s.arrived) for s in report.funding_sources) == sorted(sources)


def test_zibiao_2021_indicators_read_by_header_names():
    report, _, _, _ = parse_bytes(zibiao_2021_template(), "z.docx")
    got = [(i.level1, i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.score) for i in report.indicators]
    assert got == [
        ("产出指标", "数量指标", "培训农户人次", "≥500人次", "520人次", 40.0, 40.0),
        ("效益指标", "社会效益指标", "带动脱贫户增收", "≥1000元/户", "1050元/户", 40.0, 38.0),
        ("满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "91%", 10.0, 10.0),
    ]


PASTED_TXT = """项目支出绩效自评报告
项目名称：城乡环卫一体化运营经费
项目单位：周口市川汇区城市管理局\t主管部门：周口市川汇区人民政府
项目起止时间：2022.01.01-2022.12.31
计划安排资金（万元）\t260\t实际到位资金（万元）\t250
实际支出（万元）\t248.6
其中：中央财政\t\t中央财政\t
市县财政\t260\t市县财政\t250
支出内容\t计划支出数（万元）\t实际支出数（万元）
委托业务费\t200\t198
专用材料费\t40\t38.6
劳务费\t\t12
综合得分：93
自评等次：优秀
2023年1月16日
"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "gb18030"])
def test_text_file_with_tables_pasted_from_word(encoding):
    report, file_format, error, detected = parse_bytes(PASTED_TXT.encode(encoding), "pasted.txt")
    assert (file_format, error) == ("txt", None)
    assert detected.replace("-", "").startswith(encoding.replace("-", ""))
    assert (report.project_name, report.implementing_unit, report.supervising_dept) == (
        "城乡环卫一体化运营经费", "周口市川汇区城市管理局", "周口市川汇区人民政府")
    assert (report.budget_planned, report.funds_arrived, report.spent, report.self_score, report.grade) == (
        260.0, 250.0, 248.6, 93.0, "优")
    assert (report.period_start.isoformat(), report.period_end.isoformat()) == ("2022-01-01", "2022-12-31")
    assert [(l.category_code, l.planned, l.actual) for l in report.budget_lines] == [
        ("30227", 200.0, 198.0), ("30218", 40.0, 38.6), ("30226", None, 12.0)]
    assert [(s.source, s.planned, s.arrived) for s in report.funding_sources] == [("市县", 260.0, 250.0)]
