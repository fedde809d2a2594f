"""Reports as units publish them, one class of trouble at a time (issue: reports no one tuned
for). Each template is written here, fresh: its wording, places and figures come from no
shared file. Each case states the values a correct parser produces."""
from __future__ import annotations

import io

import docx
import pytest

from ingest.parse import parse_bytes


def _txt(text: str) -> bytes:
    return text.encode("utf-8")


def _docx(*parts) -> bytes:
    """Paragraphs (str) and tables (list of rows) in order."""
    document = docx.Document()
    for part in parts:
        if isinstance(part, str):
            document.add_paragraph(part)
            continue
        table = document.add_table(rows=len(part), cols=max(len(r) for r in part))
        for r, row in enumerate(part):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _parse(data: bytes, name: str):
    report, _, error, _ = parse_bytes(data, name)
    assert error is None
    return report


def _indicators(report):
    return [(i.level1, i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.score) for i in report.indicators]


# -- 1 and 2: plain-text tables, totals read by header ----------------------------------------
STREET_LIGHTS = "\n".join([
    "项目支出绩效自评表",
    "（２０２３年度）",
    "项目名称：城区路灯维护项目　实施单位：宜宾市叙州区住房和城乡建设局　主管部门：宜宾市叙州区人民政府",
    "评价类型：事后评价",
    "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
    "\t年度资金总额\t１２０\t１３０\t１２５．５\t10\t96.54%\t9.6",
    "\t其中：当年财政拨款\t１２０\t１３０\t１２５．５\t\t\t",
    "\t其他资金\t\t\t\t\t\t",
    "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t得分\t分值\t偏差原因分析及改进措施",
    "\t产出指标（50分）\t数量指标\t维护路灯数量\t≧3000盏\t3100盏\t20\t20\t",
    "\t\t质量指标\t路灯亮灯率\t≧98%\t97%\t18\t20\t部分线路老化",
    "\t\t时效指标\t故障修复时限\t≦48小时\t36小时\t10\t10\t",
    "\t效益指标（30分）\t社会效益指标\t夜间出行安全改善\t明显改善\t明显改善\t20\t20\t",
    "\t满意度指标（10分）\t服务对象满意度指标\t市民满意度\t≧90%\t93%\t10\t10\t",
    "总分\t\t\t\t\t\t87.6\t100\t",
    "宜宾市叙州区住房和城乡建设局",
    "2024年2月6日",
])


def test_plain_text_zibiao_with_merged_cells_and_score_before_weight():
    report = _parse(_txt(STREET_LIGHTS), "lights.txt")
    assert (report.project_name, report.implementing_unit, report.supervising_dept) == (
        "城区路灯维护项目", "宜宾市叙州区住房和城乡建设局", "宜宾市叙州区人民政府")
    assert (report.province, report.region, report.fiscal_year, report.eval_type) == (
        "四川省", "叙州区", 2023, "事后")
    assert (report.budget_planned, report.budget_adjusted, report.spent, report.execution_rate_stated) == (
        120.0, 130.0, 125.5, 96.54)
    # 得分 stands before 分值 in this header: the score is read by its column, not by order.
    assert report.self_score == 87.6
    assert _indicators(report) == [
        ("产出指标", "数量指标", "维护路灯数量", "≥3000盏", "3100盏", 20.0, 20.0),
        ("产出指标", "质量指标", "路灯亮灯率", "≥98%", "97%", 20.0, 18.0),
        ("产出指标", "时效指标", "故障修复时限", "≤48小时", "36小时", 10.0, 10.0),
        ("效益指标", "社会效益指标", "夜间出行安全改善", "明显改善", "明显改善", 20.0, 20.0),
        ("满意度指标", "服务对象满意度指标", "市民满意度", "≥90%", "93%", 10.0, 10.0),
    ]
    assert report.indicators[1].note == "部分线路老化"
    assert report.report_date.isoformat() == "2024-02-06"
    assert report.doubts == {}


UNFILLED = "\n".join([
    "部门预算项目支出绩效自评表（2024年度）",
    "项目名称\t4401-残疾人两项补贴",
    "主管部门\t广州市海珠区民政局\t实施单位（盖章）\t广州市海珠区残疾人联合会",
    "预算执行情况\t年度预算数\t年初预算\t调整后预算数\t预算执行数\t预算执行率\t权重\t得分",
    "\t总额\t55.00\t60.00\t58.20\t97.00%\t10\t",
    "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t完成值\t权重\t得分",
    "\t产出指标\t数量指标\t补贴发放人数\t≥800人\t\t50\t",
    "\t效益指标\t社会效益指标\t残疾人生活保障水平\t逐步提高\t\t40\t",
    "合计\t100\t\t",
    "评价结论\t结合自评情况，说明项目自评总分（200字以内）",
])


def test_unfilled_form_has_no_score():
    report = _parse(_txt(UNFILLED), "unfilled.txt")
    # A blank 得分 is no score; the 100 under 一级指标 beside 合计 cannot be placed.
    assert report.self_score is None
    assert (report.budget_planned, report.budget_adjusted, report.spent) == (55.0, 60.0, 58.2)
    assert report.implementing_unit == "广州市海珠区残疾人联合会"
    assert _indicators(report) == [
        ("产出指标", "数量指标", "补贴发放人数", "≥800人", None, 50.0, None),
        ("效益指标", "社会效益指标", "残疾人生活保障水平", "逐步提高", None, 40.0, None),
    ]
    assert report.parse_status == "partial"
    assert report.doubts == {}


BROKEN_TOTAL = "\n".join([
    "项目支出绩效自评表",
    "项目名称\t乡镇污水处理站运行维护",
    "主管部门\t岳阳市君山区住房和城乡建设局\t实施单位\t岳阳市君山区钱粮湖镇人民政府",
    "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
    "\t年度资金总额：\t0\t0\t0\t10\t0\t0",
    "\t其中：本年财政拨款\t45\t44.5\t40.05",
    "\t上年结转资金\t\t\t",
    "\t其他资金\t\t\t",
])


def test_total_row_of_zeros_over_sub_rows_with_money():
    report = _parse(_txt(BROKEN_TOTAL), "broken.txt")
    assert (report.budget_planned, report.budget_adjusted, report.spent) == (45.0, 44.5, 40.05)
    assert report.execution_rate_stated == 0        # stated, literally, in the total row
    assert report.provenance["spent"].note == "资金总额行全为 0（公式失效），取其中各行之和"
    zero = [w for w in report.witnesses["spent"] if w.value == 0]
    assert len(zero) == 1 and not zero[0].agrees
    assert "spent" not in report.doubts


EXTRA_COLUMN = "\n".join([
    "项目支出绩效自评表（2023年度）",
    "项目名称\t农村饮水安全巩固提升",
    "实施单位\t安顺市西秀区水务局",
    "项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t执行率\t得分",
    "年度资金总额\t300\t320\t310\t96.88%\t10\t9.7",
    "总分\t\t\t\t\t\t92",
])


def test_a_row_with_more_values_than_headers_keeps_only_what_can_be_placed():
    report = _parse(_txt(EXTRA_COLUMN), "extra.txt")
    assert (report.budget_planned, report.budget_adjusted, report.spent, report.execution_rate_stated) == (
        300.0, 320.0, 310.0, 96.88)
    # 10 and 9.7 stand under 得分 and under no header: which one is the score is not certain.
    scores = [m for m in report.mentions if m.kind == "score" and m.subject == "execution_rate"]
    assert scores == []
    assert any("未能定位" in note for note in report.notes)
    assert "execution_score" in report.doubts


TWO_ROW_HEADER = [
    ["项目名称", "城市公园绿化养护", "", "", ""],
    ["项目单位", "洛阳市西工区园林绿化中心", "", "", ""],
    ["项目资金（万元）", "预算数", "", "实际支出", "执行率"],
    ["", "年初", "调整后", "", ""],
    ["合计", "80", "86", "84.28", "98%"],
]


def test_header_over_two_rows():
    report = _parse(_docx("2022年度城市公园绿化养护绩效自评报告", TWO_ROW_HEADER), "two_rows.docx")
    assert (report.budget_planned, report.budget_adjusted, report.spent, report.execution_rate_stated) == (
        80.0, 86.0, 84.28, 98.0)


# -- 3: tables split across pages ---------------------------------------------------------------
def test_lines_table_continued_with_its_header_repeated():
    report = _parse(_docx(
        "宣城市宣州区2023年度老旧小区改造项目绩效自评报告",
        [["支出科目", "计划支出数（万元）", "实际支出数（万元）"],
         ["委托业务费", "20", "19.5"],
         ["劳务费", "8", "8"]],
        "续表",
        [["支出科目", "计划支出数（万元）", "实际支出数（万元）"],
         ["办公费", "2", "1.2"],
         ["合计", "30", "28.7"]],
    ), "split_lines.docx")
    assert [(line.category_code, line.planned, line.actual) for line in report.budget_lines] == [
        ("30227", 20.0, 19.5), ("30226", 8.0, 8.0), ("30201", 2.0, 1.2)]


def test_indicator_table_continued_without_its_header():
    text = "\n".join([
        "项目支出绩效自评表（2022年度）",
        "项目名称\t校园安全设施改造",
        "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "\t产出指标\t数量指标\t改造监控点位\t≥40个\t42个\t30\t30",
        "\t\t时效指标\t完工时间\t2022年10月前\t2022年9月\t20\t20",
        "",
        "\t效益指标\t社会效益指标\t校园安全事件\t下降\t下降\t30\t28",
        "\t满意度指标\t服务对象满意度指标\t师生满意度\t≥90%\t95%\t10\t10",
        "总分\t\t\t\t\t\t100\t98",
    ])
    report = _parse(_txt(text), "split_ind.txt")
    assert [(i.level1, i.name, i.weight, i.score) for i in report.indicators] == [
        ("产出指标", "改造监控点位", 30.0, 30.0), ("产出指标", "完工时间", 20.0, 20.0),
        ("效益指标", "校园安全事件", 30.0, 28.0), ("满意度指标", "师生满意度", 10.0, 10.0)]
    assert report.self_score == 98.0


# -- 4: several labels on one line, the type written inline -------------------------------------
def test_several_labels_on_one_line_and_an_inline_evaluation_type():
    text = "\n".join([
        "关于2024年度街道便民服务中心运行经费的绩效自评报告",
        "项目实施单位：泉州市鲤城区开元街道办事处　主管部门：泉州市鲤城区人民政府",
        "评价类型：事后评价　评价年度：2024年",
        "一、资金情况",
        "项目年初预算资金64万元，实际到位64万元，实际支出61.5万元。",
        "二、自评结论",
        "经自评，本项目自评得分92分，等级为优。",
    ])
    report = _parse(_txt(text), "labels.txt")
    assert (report.implementing_unit, report.supervising_dept) == ("泉州市鲤城区开元街道办事处", "泉州市鲤城区人民政府")
    assert (report.eval_type, report.fiscal_year, report.project_name) == ("事后", 2024, "街道便民服务中心运行经费")
    assert (report.budget_planned, report.funds_arrived, report.spent, report.self_score, report.grade) == (
        64.0, 64.0, 61.5, 92.0, "优")


# -- 5: narratives as published ------------------------------------------------------------------
def test_narrative_names_its_report_in_the_first_paragraph_and_money_in_sentences():
    text = "\n".join([
        "根据有关文件要求，现将2023年赤峰市松山区农牧局高标准农田建设项目绩效自评报告如下：",
        "一、项目基本情况",
        "我区2023年高标准农田建设项目计划投资1560万元，建成高标准农田2万亩。",
        "二、资金情况",
        "高标准农田建设资金1560万元目前已全部到位。截至2023年12月20日，已完成拨付1482万元，执行率95%。",
        "其中：中央资金1200万元，自治区资金360万元。实际完成投资1620万元，决算金额1590万元。",
        "三、存在的问题",
        "未完成的绩效目标：无。",
    ])
    report = _parse(_txt(text), "narrative.txt")
    assert (report.project_name, report.implementing_unit, report.fiscal_year) == (
        "高标准农田建设项目", "赤峰市松山区农牧局", 2023)
    assert (report.province, report.region) == ("内蒙古自治区", "松山区")
    # 实际完成投资 and 决算金额 are not the report's own totals; the parts after 其中 are parts.
    assert (report.budget_planned, report.funds_arrived, report.spent, report.execution_rate_stated) == (
        1560.0, 1560.0, 1482.0, 95.0)
    assert report.self_score is None
    assert not [m for m in report.mentions if m.kind == "shortfall"]


def test_department_wide_report_names_no_project_and_takes_no_income_for_arrival():
    text = "\n".join([
        "部门整体支出绩效评价报告",
        "一、部门基本情况",
        "2022年部门决算收支情况。",
        "1、收入：356.4万元，同比增加12.1万元，增长3.51%。",
        "2、支出：360.2万元。其中：人员经费支出250.3万元，公用经费支出40.1万元，项目支出69.8万元。",
        "项目支出包括普法宣传经费20万元，法律援助经费49.8万元。",
        "二、绩效目标完成情况",
        "围绕全面依法治县，推动兰考县法治建设迈上新台阶，为兰考县高质量发展提供法治保障。",
    ])
    report = _parse(_txt(text), "dept.txt")
    assert (report.project_name, report.fiscal_year, report.spent, report.funds_arrived) == (None, 2022, 360.2, None)
    assert (report.province, report.region) == ("河南省", "兰考县")
    assert report.budget_lines == []


def test_masked_values_are_absent_not_zero():
    text = "\n".join([
        "2023年度社区食堂运营补贴绩效自评报告",
        "项目名称：社区食堂运营补贴",
        "项目单位：株洲市芦淞区民政局",
        "预算资金（万元）：略",
        "实际支出（万元）：点击查看",
        "自评得分：90",
    ])
    report = _parse(_txt(text), "masked.txt")
    assert (report.budget_planned, report.spent, report.self_score) == (None, None, 90.0)


# -- 6: amounts and codes --------------------------------------------------------------------------
def test_yuan_lines_under_a_wan_yuan_cover_are_converted_by_magnitude():
    report = _parse(_docx(
        "2023年度农村环境整治经费绩效自评报告",
        [["项目名称", "农村环境整治经费"], ["项目单位", "九江市柴桑区生态环境局"],
         ["预算资金（万元）", "50"], ["实际支出（万元）", "48.6"]],
        [["支出科目", "计划支出数", "实际支出数"],
         ["委托业务费", "300000", "296000"],
         ["仓储租赁费", "150000", "150000"],
         ["30201 印刷费", "50000", "40000"],
         ["合计", "500000", "486000"]],
    ), "yuan.docx")
    assert [(line.category_code, line.category, line.planned, line.actual) for line in report.budget_lines] == [
        ("30227", "委托业务费", 30.0, 29.6), ("30214", "租赁费", 15.0, 15.0), ("30201", "办公费", 5.0, 4.0)]
    notes = [line.evidence.note for line in report.budget_lines]
    assert "按包含关系" in notes[1] and "不一致，按代码" in notes[2]
    assert all("元" in (line.evidence.note or "") for line in report.budget_lines[:1])


def test_garbled_numbers_are_null():
    text = "\n".join([
        "项目支出绩效自评表（2022年度）",
        "项目名称\t防汛物资储备",
        "项目资金（万元）\t年初预算数\t全年预算数\t全年执行数\t执行率",
        "年度资金总额\t7,00.0,77\t70\t68.6\t98%",
    ])
    report = _parse(_txt(text), "garbled.txt")
    assert (report.budget_planned, report.budget_adjusted, report.spent) == (None, 70.0, 68.6)


# -- 8: text noise --------------------------------------------------------------------------------
def test_list_number_before_a_year_and_labels_ending_in_a_full_stop():
    text = "\n".join([
        "项目支出绩效自评报告",
        "项目名称。河道保洁服务",
        "1.2023年项目资金情况",
        "2023年预算资金35万元，实际支出35万元，预算执行率100%。",
        "自评得分：95分",
    ])
    report = _parse(_txt(text), "noise.txt")
    assert (report.project_name, report.fiscal_year, report.budget_planned, report.spent, report.self_score) == (
        "河道保洁服务", 2023, 35.0, 35.0, 95.0)


SHEET_EXPORT = "\n".join([
    "项目支出绩效自评表（2021年度）",
    "项目名称\t\t\t城市道路桥梁检测",
    "实施单位\t\t\t韶关市浈江区市政设施管理所",
    "项目资金（元）\t\t年初预算数\t全年预算数\t全年执行数\t执行率",
    "\t年度资金总额\t380,000.00\t400,000.00\t392,000.00\t98%",
    "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
    "\t产出指标\t数量指标\t检测桥梁座数\t≥12座\t12座\t40",
    "\t效益指标\t社会效益指标\t桥梁通行安全\t保障\t保障\t50",
    "总分\t100\t",
    "自评等级\t\t\t\t\t\t优",
])


def test_a_sheet_exported_as_text():
    report = _parse(_txt(SHEET_EXPORT), "sheet.txt")
    # The value of a row is its first written cell to the right, past the empty ones.
    assert (report.project_name, report.implementing_unit, report.grade) == (
        "城市道路桥梁检测", "韶关市浈江区市政设施管理所", "优")
    # 项目资金（元）: the header's own label states the unit.
    assert (report.budget_planned, report.budget_adjusted, report.spent) == (38.0, 40.0, 39.2)
    assert report.provenance["budget_adjusted"].note == "400000 元 → 40 万元"
    # Every 得分 is blank: the 100 beside 总分 is the weights' sum, not a score.
    assert report.self_score is None
    assert [(i.name, i.weight, i.score) for i in report.indicators] == [
        ("检测桥梁座数", 40.0, None), ("桥梁通行安全", 50.0, None)]


def test_a_header_repeated_inside_the_indicator_table_is_no_indicator():
    text = "\n".join([
        "部门预算项目支出绩效自评表（2022年度）",
        "项目名称\t社区矫正工作经费",
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t完成值\t权重\t得分",
        "\t产出指标\t数量指标\t矫正对象建档率\t100%\t100%\t40\t40",
        "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t完成值\t权重\t得分",
        "\t效益指标\t社会效益指标\t再犯罪率\t≤0.2%\t0.1%\t50\t50",
        "总分\t\t\t\t\t\t\t90",
    ])
    report = _parse(_txt(text), "repeated.txt")
    assert [(i.level1, i.name, i.weight, i.score) for i in report.indicators] == [
        ("产出指标", "矫正对象建档率", 40.0, 40.0), ("效益指标", "再犯罪率", 50.0, 50.0)]


def test_money_by_level_is_not_the_total_and_a_heading_admits_nothing():
    text = "\n".join([
        "齐齐哈尔市龙沙区2022年度街巷硬化工程绩效自评报告",
        "一、项目基本情况",
        "街巷硬化工程由齐齐哈尔市龙沙区住房和城乡建设局组织实施，项目计划总投资160万元。",
        "二、资金到位及使用情况",
        "省级资金100万元、市级资金40万元已全部到位，区级配套资金到位20万元，合计到位160万元。"
        "实际支出160万元，预算执行率100%。",
        "三、未完成的绩效目标及原因",
        "未完成的绩效目标：无。",
        "四、自评结论",
        "本项目自评得分100分，评价等级为优。全区6个子项目中，自评结果为“优”的4个，为“良”的2个。",
    ])
    report = _parse(_txt(text), "levels.txt")
    assert (report.budget_planned, report.funds_arrived, report.spent, report.self_score) == (
        160.0, 160.0, 160.0, 100.0)
    # The district named in the title is more specific than the unit's prefecture.
    assert (report.province, report.region) == ("黑龙江省", "龙沙区")
    assert not [m for m in report.mentions if m.kind == "shortfall"]
    assert (report.grade_raw, report.grade) == ("优", "优")
    assert report.doubts == {}


def test_counts_of_projects_by_grade_are_no_grade():
    text = "\n".join([
        "2023年度部门项目支出绩效自评报告",
        "本部门6个项目全部开展自评，自评结果为“优”的4个，为“良”的2个。",
        "项目预算资金合计300万元，实际支出288万元。",
    ])
    report = _parse(_txt(text), "counts.txt")
    assert report.grade_raw is None


def test_a_list_item_admitting_a_delay_is_an_admission_though_shaped_like_a_heading():
    text = "\n".join([
        "2023年度农村道路养护项目绩效自评报告",
        "项目预算资金50万元，实际支出50万元。本项目自评得分100分。",
        "三、存在的问题",
        "1.部分路段养护进度滞后",
    ])
    report = _parse(_txt(text), "delay.txt")
    assert [m.text for m in report.mentions if m.kind == "shortfall"] == ["滞后"]
