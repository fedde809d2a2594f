"""Plans -> blocks: the three shapes of SPEC §1 as units write them, with the variation real
submissions have: label synonyms, ideographic spaces in labels, full-width digits, amounts in
元, grade words (A, 一等级 …), dates as 2022年1月 27 日 or 二〇二二年一月二十七日, check boxes,
cover fields as lines or in a table, label and value in one cell, transposed and nested
tables of lines, money as label/value pairs or as a matrix, merged cells, a summary table in
the page header. None of it changes a value in the truth.

Labels are synonyms the parser knows (ingest/glossary.py), in sets and orders of our own:
none of the corpus's forms is copied (tests/samples/test_layout.py).

The word lists (`words.py`) never say what the truth does not list: no other years, no
shortfall words in a full-score report, dates in order.
"""
from __future__ import annotations

import datetime as dt
import random
import re

from samples import words
from samples.blocks import Cell, FieldResult, Paragraph, Table, plain_text
from samples.plan import LEVEL1, Line, Plan, choice_weighted, indicator_values, states_dept, text_rng
from samples.written import FULL_WIDTH, date_text, period_text, score_text, wan_text


# -- sentences -------------------------------------------------------------------------------
def _title_project(project: str) -> str:
    """The project as its title writes it: 项目 before 项目支出绩效自评报告 is said once."""
    return project[:-2] if project.endswith("项目") else project


def _fold(plan: Plan, text: str) -> str:
    return text.translate(FULL_WIDTH) if plan.full_width else text


def _evaluation_sentence(plan: Plan, rng: random.Random) -> str:
    action = rng.choice(words.EVAL_ACTIONS).replace("{documents}", plan.domain.documents)
    if plan.eval_date is None:
        return action
    day, precision = plan.eval_date
    when = f"{day.year}年{day.month}月" + (f"{day.day}日" if precision == "day" else "")
    return f"{when}，{action}"


def _year_sentence(plan: Plan) -> str:
    """A paragraph copied from last year's report (YEAR_MISMATCH)."""
    return f"{plan.fiscal_year - 1}年度项目资金重点保障了{plan.purpose}，各项支出均按规定列支。"


# What an indicator's name ends in when it names a count or a measure, not the work.
MEASURE_SUFFIX = re.compile(r"(?:人次|次数|长度|面积|[个户家座块栋辆台件卷天部条处套人册种所场]?数)$")


def _shortfall_sentence(plan: Plan, rng: random.Random) -> str:
    tasks = [i.name for i in plan.indicators] or [t.name for t in plan.domain.indicators if t.kind == "ge"]
    task = MEASURE_SUFFIX.sub("", rng.choice(tasks))        # 补充农家书屋出版物册数 -> 补充农家书屋出版物
    return plan.shortfall.replace("{task}", task)


def _problems(plan: Plan, rng: random.Random) -> str:
    problems = rng.sample(words.PROBLEMS_NEUTRAL, 2)
    text = f"一是{problems[0].rstrip('。')}；二是{problems[1]}"
    if plan.shortfall:
        text += _shortfall_sentence(plan, rng)
    elif plan.self_score < 10000 and plan.indicators and any(i.short for i in plan.indicators) and rng.random() < 0.5:
        text += rng.choice(words.DEVIATION_REASONS) + "。"
    return text


def _grade_bands_sentence() -> str:
    return "按照本地区绩效自评办法，得分95分以上为优，85分至95分为良，60分至85分为中，60分以下为差。"


def _line_amount_text(plan: Plan, line: Line) -> str:
    amount = plan.text_line_amounts.get(line.code, line.actual)
    if plan.unit_suspect == line.code:
        return f"{line.label}{wan_text(amount)}元"
    return f"{line.label}{plan.money(amount)}{plan.money_unit}"


LOCAL_LEVEL = {"区": "区级", "县": "县级", "市": "市级", "旗": "本级"}


def _sources_sentence(plan: Plan) -> str:
    local = LOCAL_LEVEL[plan.place.level_word]
    provincial = "自治区" if plan.place.autonomous else "省级"
    names = {"中央": "中央财政资金", "省级": f"{provincial}财政资金", "市县": f"{local}财政资金", "其它": "其他资金"}
    if plan.source_style == "all_from":
        level = plan.sources[0][0]
        return f"均来源于{names[level]}"
    planned = "、".join(f"{names[level]}{plan.money(p)}{plan.money_unit}" for level, p, _ in plan.sources)
    return f"其中{planned}"


def _arrived_split(plan: Plan) -> str:
    local = LOCAL_LEVEL[plan.place.level_word]
    provincial = "自治区" if plan.place.autonomous else "省级"
    short = {"中央": "中央", "省级": provincial, "市县": local, "其它": "其他"}
    return "其中" + "、".join(f"{short[level]}{plan.money(a)}{plan.money_unit}" for level, _, a in plan.sources)


def _table_narrative(plan: Plan) -> list:
    """The report that follows the cover and the tables: a 自评报告 in sections of its own."""
    rng = text_rng(plan, "narrative")
    d, fy, u = plan.domain, plan.fiscal_year, plan.money_unit
    out: list = [Paragraph(f"{plan.project}绩效自评报告", bold=True, center=True)]
    out.append(Paragraph(f"{fy}年度，{plan.project}按计划实施完毕。按照绩效自评工作要求，我单位对项目开展了自评，"
                         "情况如下："))
    out += [Paragraph("一、项目概述"), Paragraph(rng.choice(d.backgrounds))]
    steps = [step.rstrip("。") for step in rng.sample(d.activities, 3)]
    out.append(Paragraph(f"项目实施中重点做了以下工作：一是{steps[0]}；二是{steps[1]}；三是{steps[2]}。"))
    out.append(Paragraph(f"{fy}年项目安排预算{plan.money(plan.budget_planned)}{u}，全年支出{plan.money(plan.text_spent)}{u}，"
                         "各科目支出如下："))
    out.append(Paragraph("；".join(_line_amount_text(plan, line) for line in plan.lines) + "。"))
    if plan.year_mismatch:
        out.append(Paragraph(_year_sentence(plan)))
    out += [Paragraph("二、绩效目标"), Paragraph(_goal_text(plan)), Paragraph("三、自评组织情况")]
    out.append(Paragraph(_evaluation_sentence(plan, rng)))
    out += [Paragraph("四、绩效实现情况"), Paragraph("（一）资金投入和使用")]
    out.append(Paragraph(_input_sentence(plan, rng)))
    out.append(Paragraph("（二）主要产出"))
    for n, sentence in enumerate(_outputs(plan), 1):
        out.append(Paragraph(f"{n}.{sentence}"))
    out += [Paragraph("（三）实施效果"), Paragraph(rng.choice(d.effects)), Paragraph("（四）自评结果")]
    if plan.bands_stated:
        out.append(Paragraph(_grade_bands_sentence()))
    out.append(Paragraph(f"经自评，本项目自评得分{score_text(plan.self_score)}分，自评等级为{plan.grade_raw}。"))
    out += [Paragraph("五、问题和建议"), Paragraph(f"（一）主要问题。{_problems(plan, rng)}"),
            Paragraph(f"（二）改进建议。{rng.choice(words.SUGGESTIONS)}")]
    return out


def _input_sentence(plan: Plan, rng: random.Random) -> str:
    """资金到位方面，项目预算资金X万元，到位资金Y万元，资金到位率Z%。资金使用方面，全年支出S万元，预算执行率E%。"""
    u = plan.money_unit
    label = rng.choice(("项目预算资金", "年初批复预算"))
    text = f"资金到位方面，{label}{plan.money(plan.budget_planned)}{u}，到位资金{plan.money(plan.funds_arrived)}{u}"
    if plan.arrival_rate_written:
        text += f"，资金到位率{plan.arrival_rate_written}%"
    text += f"。资金使用方面，全年支出{plan.money(plan.text_spent)}{u}"
    if plan.execution_rate_written:
        text += f"，预算执行率{plan.execution_rate_written}%"
    return text + "。"


def _outputs(plan: Plan) -> list[str]:
    """What the project produced, the same sentences wherever the report states them: from
    the indicators (自评表) or from the domain's output indicators, all targets met."""
    if plan.indicators:
        phrases = [i.phrase for i in plan.indicators if i.phrase]
        return [p + "。" for p in phrases[:4]] or [plan.domain.effects[0]]
    rng = text_rng(plan, "outputs")
    met = []
    for template in plan.domain.indicators:
        if template.phrase and template.kind in ("ge", "full") and LEVEL1[template.level2] == "产出指标":
            _, actual = indicator_values(template, rng, False, plan.fiscal_year)
            met.append(template.phrase.replace("{v}", actual) + "。")
    rng.shuffle(met)
    return met[:2] or [plan.domain.effects[0]]


def _goal_text(plan: Plan) -> str:
    return f"做好{plan.purpose}等工作，保障项目按计划实施，发挥资金使用效益。"


def _zibiao_narrative(plan: Plan) -> list:
    """The short report that follows the 自评表."""
    rng = text_rng(plan, "narrative")
    d, fy = plan.domain, plan.fiscal_year
    level = plan.place.level_word
    out: list = [Paragraph(f"{plan.project}{fy}年度绩效自评报告", bold=True, center=True)]
    out.append(Paragraph(f"按照{level}财政局的统一部署，我单位组织对{fy}年度{plan.project}进行了绩效自评，"
                         "自评情况如下："))
    out += [Paragraph("一、项目简介"), Paragraph(f"项目资金用于{plan.purpose}。")]
    if plan.year_mismatch:
        out.append(Paragraph(_year_sentence(plan)))
    out += [Paragraph("二、自评开展情况"), Paragraph(_evaluation_sentence(plan, rng)), Paragraph("三、目标完成情况")]
    budget_words = f"{fy}年初安排预算{wan_text(plan.budget_planned)}万元"
    if plan.budget_adjusted is not None:
        budget_words += f"，调整后预算{wan_text(plan.budget_adjusted)}万元"
    spent_word = rng.choice(("支出", "实际支出"))
    out.append(Paragraph(f"（一）预算执行。{budget_words}；全年{spent_word}{wan_text(plan.text_spent)}万元，"
                         f"预算执行率{plan.execution_rate_written}%。"))
    if plan.lines_in_text:
        out.append(Paragraph("分科目看：" + "，".join(_line_amount_text(plan, line) for line in plan.lines) + "。"))
    out.append(Paragraph("（二）指标完成。"))
    phrases = [i.phrase for i in plan.indicators if i.phrase]
    for n, start in enumerate(range(0, min(len(phrases), 6), 2), 1):
        out.append(Paragraph(_fold(plan, f"{n}.") + "，".join(phrases[start:start + 2]) + "。"))
    if plan.survey_stated:
        # How satisfaction was measured (SATISFACTION_WITHOUT_SURVEY's near miss), in words of
        # a stream of its own: the narrative's other choices stay what they were.
        survey = text_rng(plan, "survey").choice(words.SURVEY_METHODS)
        out.append(Paragraph(f"服务对象满意度通过{survey}了解，{d.beneficiaries}对项目实施情况总体认可。"))
    out.append(Paragraph("四、自评得分和等级"))
    if plan.bands_stated:
        out.append(Paragraph(_grade_bands_sentence()))
    out.append(Paragraph(f"本项目自评得分{score_text(plan.self_score)}分，等级评定为“{plan.grade_raw}”。"))
    out.append(Paragraph(rng.choice(d.effects)))
    out += [Paragraph("五、问题及下一步措施"), Paragraph(_problems(plan, rng) + rng.choice(words.SUGGESTIONS))]
    return out


def _narrative_report(plan: Plan) -> list:
    rng = text_rng(plan, "narrative")
    d, fy, u = plan.domain, plan.fiscal_year, plan.money_unit
    place = plan.place.prefix
    title_style = rng.choice(("place_year", "place_project", "unit", "plain"))
    project = plan.project
    title = {
        "place_year": f"{place}{fy}年{project}绩效自评报告",
        "place_project": f"{place}{project}{fy}年度绩效自评报告",
        "unit": f"{plan.unit}{fy}年{project}绩效自评报告",
        "plain": f"{project}{fy}年度绩效自评报告",
    }[title_style]
    out: list = [Paragraph(title, bold=True, center=True)]
    dept_stated = states_dept(plan)
    header_line = rng.random() < 0.3
    if header_line:
        line = f"承担单位：{plan.unit}"
        if dept_stated:
            line += f"\u3000\u3000主管单位：{plan.dept}"
        out.append(Paragraph(line))
    out.append(Paragraph("一、项目简况"))
    body = ""
    if not header_line:
        body = rng.choice((f"{project}由{plan.unit}牵头实施", f"{project}由{plan.unit}负责组织实施"))
        body += f"，项目主管部门是{plan.dept}。" if dept_stated else "。"
    if plan.period:
        period_words = rng.choice(("实施周期为", "执行期限为", "实施时间为"))
        body += f"项目{period_words}{period_text(*plan.period, plan.period_style)}，资金主要用于{plan.purpose}。"
    else:
        body += f"项目资金主要用于{plan.purpose}。"
    out.append(Paragraph(body))
    out.append(Paragraph("二、资金情况"))
    out.append(Paragraph(f"（一）资金来源和到位。{_narrative_funds(plan, rng)}"))
    spent = f"（二）资金支出。全年共支出{plan.money(plan.text_spent)}{u}"
    if plan.execution_rate_written:
        spent += f"，预算执行率{plan.execution_rate_written}%"
    if plan.lines:
        spent += "。分科目看，" + "，".join(_line_amount_text(plan, line) for line in plan.lines)
    out.append(Paragraph(spent + "。"))
    if plan.year_mismatch:
        out.append(Paragraph(_year_sentence(plan)))
    out.append(Paragraph("三、绩效完成情况"))
    outputs = _outputs(plan)
    out.append(Paragraph("（一）主要产出。" + "".join(outputs)))
    out.append(Paragraph(f"（二）社会效益。{rng.choice(d.effects)}"))
    satisfaction = rng.randint(900, 990) / 10
    survey = rng.choice(("电话回访", "入户回访", "发放调查问卷"))
    out.append(Paragraph(f"（三）群众评价。经{survey}，{d.beneficiaries}满意度达到{satisfaction:g}%。"))
    if plan.eval_date is not None or rng.random() < 0.3:
        out.append(Paragraph("四、自评工作开展情况"))
        out.append(Paragraph(_evaluation_sentence(plan, rng)))
        conclusion, problems = "五", "六"
    else:
        conclusion, problems = "四", "五"
    out.append(Paragraph(f"{conclusion}、自评得分和等级"))
    if plan.bands_stated:
        out.append(Paragraph(_grade_bands_sentence()))
    out.append(Paragraph(f"对照评分标准逐项打分，本项目自评得分{score_text(plan.self_score)}分，自评等级为{plan.grade_raw}。"))
    out.append(Paragraph(f"{problems}、问题与建议"))
    out.append(Paragraph(_problems(plan, rng) + rng.choice(words.SUGGESTIONS)))
    out.append(Paragraph(plan.unit))
    out.append(Paragraph(date_text(plan.report_date, plan.date_style)))
    return out


def _narrative_funds(plan: Plan, rng: random.Random) -> str:
    u = plan.money_unit
    words_budget = rng.choice(("项目批复预算", "年初下达项目预算", "项目安排预算资金"))
    text = f"{words_budget}{plan.money(plan.budget_planned)}{u}"
    if plan.budget_adjusted is not None:
        text += f"，经调整为{plan.money(plan.budget_adjusted)}{u}"
    if plan.source_style != "none":
        text += "，" + _sources_sentence(plan)
    if plan.funds_arrived is not None:
        text += f"；截至年底到位资金{plan.money(plan.funds_arrived)}{u}"
        if plan.source_style == "split":
            text += "，" + _arrived_split(plan)
        if plan.arrival_rate_written:
            text += f"，资金到位率{plan.arrival_rate_written}%"
    elif plan.arrived_in_full_phrase:
        text += "，资金已足额拨付到位"
    return text + "。"


# -- forms and tables ------------------------------------------------------------------------
def _spaced(label: str, on: bool) -> str:
    return "\u3000".join(label) if on else label


def _checkboxes(plan: Plan, rng: random.Random) -> list:
    """□事前评价  □事中评价  ☑事后评价: the boxes before the words."""
    ticked = rng.choice(("☑", "√"))
    segments: list = []
    for n, kind in enumerate(("事前", "事中", "事后")):
        if n:
            segments.append("    ")
        segments.append(("box", plan.eval_type == kind, ticked))
        segments.append(f"{kind}评价")
    return segments


# The labels a form draws from: synonyms the parser knows (ingest/glossary.py), in sets and
# orders of our own.
PROJECT_LABELS = ("项目名称", "项目全称")
UNIT_LABELS = ("项目实施单位", "项目承担单位", "实施单位")
DEPT_LABELS = ("主管部门", "主管单位", "业务主管部门")
PERIOD_LABELS = ("项目实施期", "实施期限", "项目周期")
PLANNED_LABELS = ("年初预算资金", "预算安排资金", "批复预算")
ARRIVED_LABELS = ("资金到位数", "实际到位数", "实际到位金额")
SPENT_LABELS = ("实际支出金额", "实际使用资金", "全年实际支出")
SCORE_LABELS = ("自评总分", "绩效自评得分", "评价得分")
GRADE_LABELS = ("绩效等级", "评定等级", "自评结果等级")
# 支出明细 column headers: none of them is also a field label, so a header cell inside the
# 基本情况 table is not read as a budget or spent figure.
LINE_CATEGORY_LABELS = ("经济科目", "支出科目", "科目名称")
LINE_PLANNED_LABELS = ("计划数", "计划金额", "预算支出数")
LINE_ACTUAL_LABELS = ("决算数", "实际金额", "实际数")
LINE_TOTAL_LABELS = ("合计", "总计", "支出总计")


def _cover(plan: Plan, rng: random.Random, title: str) -> list:
    style = choice_weighted(rng, (("spaces", 0.45), ("colon", 0.25), ("table", 0.2), ("cell", 0.1)))
    spaced = rng.random() < 0.3 and style == "spaces"
    fields = [(rng.choice(PROJECT_LABELS), plan.project), (rng.choice(UNIT_LABELS), plan.unit),
              (rng.choice(DEPT_LABELS), plan.dept)]
    if rng.random() < 0.5:
        fields[1], fields[2] = fields[2], fields[1]          # the department before the unit
    eval_label = rng.choice(("评价类别", "评价类型"))
    out: list = [Paragraph(rng.choice(("附件3", "附件4", "附表"))), Paragraph(title, bold=True, center=True)]
    if style in ("spaces", "colon"):
        sep = "  " if style == "spaces" else "："
        for label, value in fields:
            out.append(Paragraph(f"{_spaced(label, spaced)}{sep}{value}"))
        out.append(Paragraph([f"{_spaced(eval_label, spaced)}{sep}"] + _checkboxes(plan, rng)))
    elif style == "table":
        rows = [[Cell(label), Cell(value, span=3)] for label, value in fields]
        rows.append([Cell(eval_label), Cell(_checkboxes(plan, rng), span=3)])
        out.append(Table(rows, [2000, 2400, 2300, 2300]))
    else:
        rows = [[Cell(f"{label}：{value}")] for label, value in fields]
        rows.append([Cell([f"{eval_label}："] + _checkboxes(plan, rng))])
        out.append(Table(rows, [9000]))
    out += [Paragraph("自评方式：单位自评"), Paragraph("填报单位（公章）：")]
    out.append(Paragraph(date_text(plan.report_date, plan.date_style)))
    out.append(Paragraph(f"{plan.place.prefix}财政局印制" if rng.random() < 0.8 else "财政局印制"))
    return out


def _people(plan: Plan, rng: random.Random, count: int) -> list[tuple[str, str]]:
    out = []
    for _ in range(count):
        name = rng.choice(words.SURNAMES) + "".join(rng.choice(words.GIVEN) for _ in range(rng.randint(1, 2)))
        out.append((name, rng.choice(words.DUTIES)))
    return out


def _signature_dates(plan: Plan) -> tuple[dt.date, dt.date]:
    """(填表人, 自评组负责人) dates; one is a year early when signature_early is planted."""
    report = plan.report_date
    early = report.replace(year=report.year - 1, day=min(report.day, 28))
    if plan.date_issue == "signature_early":
        return (early, report) if plan.layout_seed % 2 else (report, early)
    return report, report


def _money_cell(plan: Plan, yuan: int | None, fold: bool, blank: str = "") -> str:
    if yuan is None:
        return blank
    text = plan.money(yuan, two_decimals=plan.layout_seed % 3 == 0)
    return text.translate(FULL_WIDTH) if fold else text


def _table_blocks(plan: Plan) -> list:
    """Cover, then the 基本情况 form: one table holding every part ("one_table"), a table per
    part ("split", its money as a matrix by source), or one table with the lines nested in a
    cell ("nested"); then the report."""
    rng = random.Random(plan.layout_seed)
    fold = rng.random() < 0.08 and not plan.yuan
    layout = "one_table" if plan.yuan else choice_weighted(rng, (("one_table", 0.5), ("split", 0.2), ("nested", 0.3)))
    transposed = not plan.yuan and layout == "split" and rng.random() < 0.5
    out = _cover(plan, rng, f"{_title_project(plan.project)}项目支出绩效自评报告")
    unit_label = "" if plan.yuan else "（万元）"
    labels = {name: rng.choice(choices) for name, choices in (
        ("period", PERIOD_LABELS), ("planned", PLANNED_LABELS), ("arrived", ARRIVED_LABELS), ("spent", SPENT_LABELS),
        ("score", SCORE_LABELS), ("grade", GRADE_LABELS))}
    spaced = rng.random() < 0.5
    if spaced and rng.random() < 0.5:
        labels["score"], labels["grade"] = _spaced(labels["score"], True), _spaced(labels["grade"], True)
    people = _people(plan, rng, rng.randint(3, 5))
    signed, leader = _signature_dates(plan)
    score = score_text(plan.self_score) + ("分" if rng.random() < 0.5 else "")
    if fold:
        score = score.translate(FULL_WIDTH)
    m = lambda yuan: _money_cell(plan, yuan, fold)  # noqa: E731
    period = period_text(*plan.period, plan.period_style)
    lines = _lines_header(rng, unit_label)
    contact = [Cell(rng.choice(("项目联系人", "联系人"))), Cell(people[0][0]), Cell("联系方式"), Cell(_phone(rng))]
    staff = [[Cell("姓名"), Cell("工作单位"), Cell("职务"), Cell("签名")]]
    staff += [[Cell(name), Cell(plan.unit), Cell(duty), Cell("")] for name, duty in people]

    if layout == "nested":
        rows = [[Cell(labels["period"]), Cell(period, span=4)],
                [Cell("项目资金\n（万元）", merge="restart"), Cell(labels["planned"]), Cell(m(plan.budget_planned)),
                 Cell(labels["arrived"]), Cell(m(plan.funds_arrived))]]
        for n, (label, planned, arrived) in enumerate(_source_rows(plan, rng)):
            prefix = "其中：" if n == 0 else ""
            rows.append([Cell("", merge="continue"), Cell(prefix + label), Cell(m(planned)), Cell(prefix + label),
                         Cell(m(arrived))])
        rows.append([Cell(labels["spent"]), Cell(m(plan.spent), span=4)])
        rows.append([Cell("分科目支出"), Cell(_lines_table(plan, m, lines), span=4)])
        rows.append([Cell("年度绩效目标"), Cell(_goal_text(plan), span=4)])
        rows.append([Cell("目标实现情况"), Cell("".join(_outputs(plan)), span=4)])
        rows.append([Cell(labels["score"]), Cell(score), Cell(labels["grade"]), Cell(plan.grade_raw, span=2)])
        rows.append(contact[:3] + [Cell(contact[3].content, span=2)])
        out.append(Paragraph("一、项目情况表"))
        out.append(Table(rows, [1700, 1900, 1600, 1900, 1600]))
        out.append(Paragraph("二、自评人员"))
        staff.append([Cell(f"填表人（签名）：            {date_text(signed, 'arabic')}", span=4)])
        if leader != signed:
            staff.append([Cell(f"自评组负责人（签名）：      {date_text(leader, 'arabic')}", span=4)])
        out.append(Table(staff, [1800, 3000, 2400, 1800]))
        return out + _table_narrative(plan)

    basic = [[Cell(labels["period"]), Cell(period, span=3)]]
    if layout == "split":
        basic += _funds_matrix_rows(plan, rng, m, unit_label)
    else:
        basic.append([Cell(f"{labels['planned']}{unit_label}"), Cell(m(plan.budget_planned)),
                      Cell(f"{labels['arrived']}{unit_label}"), Cell(m(plan.funds_arrived))])
        for n, (label, planned, arrived) in enumerate(_source_rows(plan, rng)):
            prefix = "其中：" if n == 0 else ""
            basic.append([Cell(prefix + label), Cell(m(planned)), Cell(prefix + label), Cell(m(arrived))])
        basic.append([Cell(f"{labels['spent']}{unit_label}"), Cell(m(plan.spent), span=3)])
    basic.append(contact)
    basic.append([Cell("通讯地址"), Cell(_address(plan, rng)), Cell("邮政编码"),
                  Cell(f"{rng.randint(10, 85)}{rng.randint(0, 9999):04d}")])
    lines_rows = _lines_rows(plan, m, lines, 4 if layout == "one_table" else 3)
    results = [
        [Cell("年度绩效目标"), Cell(_goal_text(plan), span=3)],
        [Cell("目标实现情况"), Cell("".join(_outputs(plan)), span=3)],
        [Cell(labels["score"]), Cell(score), Cell(labels["grade"]), Cell(plan.grade_raw)],
    ]
    signatures = [[Cell("填表人（签名）：", span=4)], [Cell(date_text(signed, "arabic"), span=4)],
                  [Cell("自评组负责人（签名）：", span=4)], [Cell(date_text(leader, "arabic"), span=4)]]
    widths = [2600, 2200, 2200, 2000]
    first_heading = "一、项　目　基　本　信　息" if spaced else "一、项目基本信息"
    heading = lambda text: [Cell(text, span=4)]  # noqa: E731
    if plan.yuan:
        out.append(Paragraph("金额单位：元"))
    if layout == "one_table":
        rows = [heading(first_heading)]
        rows += basic + [heading("二、分科目支出情况")] + lines_rows + [heading("三、目标完成和评分")]
        rows += results + [heading("四、自评人员")] + staff + signatures
        out.append(Table(rows, widths))
    else:
        out.append(Paragraph(first_heading))
        out.append(Table(basic, widths))
        out.append(Paragraph("二、分科目支出情况" + ("（单位：万元）" if transposed else "")))
        out.append(_lines_transposed(plan, m, lines) if transposed else Table(lines_rows, [3400, 2800, 2800]))
        out.append(Paragraph("三、目标完成和评分"))
        out.append(Table(results, widths))
        out.append(Paragraph("四、自评人员"))
        out.append(Table(staff + signatures, widths))
    return out + _table_narrative(plan)


def _source_rows(plan: Plan, rng: random.Random) -> list[tuple[str, int | None, int | None]]:
    """(label, planned, arrived) for the four levels of money, each named as the form names it."""
    local = {"区": "区级财政", "县": "县级财政", "市": "市级财政", "旗": "本级财政资金"}[plan.place.level_word]
    provincial = rng.choice(("自治区本级财政", "自治区级财政")) if plan.place.autonomous else rng.choice(("省级财政资金", "省财政"))
    names = {"中央": rng.choice(("中央财政资金", "中央补助")), "省级": provincial, "市县": local,
             "其它": rng.choice(("其他资金", "自筹资金"))}
    by_level = {level: (planned, arrived) for level, planned, arrived in plan.sources}
    return [(names[level], *by_level.get(level, (None, None))) for level in ("中央", "省级", "市县", "其它")]


def _funds_matrix_rows(plan: Plan, rng: random.Random, m, unit_label: str) -> list[list[Cell]]:
    """The money as a matrix: a column per stage (预算, 到位, 支出), a row per source under
    the total. The sources' spending is not split, as units rarely split it."""
    header = [Cell(f"资金来源{unit_label}"), Cell("年初预算数"), Cell("实际到位数"), Cell("实际支出数")]
    rows = [header, [Cell("资金总额"), Cell(m(plan.budget_planned)), Cell(m(plan.funds_arrived)), Cell(m(plan.spent))]]
    for n, (label, planned, arrived) in enumerate(_source_rows(plan, rng)):
        if planned is None and arrived is None:
            continue
        rows.append([Cell(("其中：" if n == 0 else "") + label), Cell(m(planned)), Cell(m(arrived)), Cell("")])
    return rows


def _lines_header(rng: random.Random, unit_label: str) -> dict:
    return {"category": rng.choice(LINE_CATEGORY_LABELS), "planned": rng.choice(LINE_PLANNED_LABELS),
            "actual": rng.choice(LINE_ACTUAL_LABELS), "total": rng.choice(LINE_TOTAL_LABELS),
            "actual_first": rng.random() < 0.3, "unit": unit_label}


def _line_cells(first: Cell, planned: Cell, actual: Cell, header: dict, span_last: int = 1) -> list[Cell]:
    """A row of the lines table in the header's column order."""
    second, third = (actual, planned) if header["actual_first"] else (planned, actual)
    third.span = span_last
    return [first, second, third]


def _lines_rows(plan: Plan, m, header: dict, width: int) -> list[list[Cell]]:
    """The 分科目支出 rows: three grid columns, or four inside the one-table form."""
    span_last = 1 if width == 3 else 2
    unit = header["unit"]
    rows = [_line_cells(Cell(header["category"]), Cell(f"{header['planned']}\n{unit}".strip()),
                        Cell(f"{header['actual']}\n{unit}".strip()), header, span_last)]
    for line in plan.lines:
        planned = m(line.planned) if line.planned else line.planned_written
        rows.append(_line_cells(Cell(line.label), Cell(planned), Cell(m(line.actual)), header, span_last))
    total_planned = sum(line.planned or 0 for line in plan.lines)
    rows.append(_line_cells(Cell(header["total"] + unit), Cell(FieldResult(m(total_planned))),
                            Cell(FieldResult(m(plan.spent))), header, span_last))
    return rows


def _lines_table(plan: Plan, m, header: dict) -> Table:
    """The lines as a table nested in a cell of the form."""
    rows = [_line_cells(Cell(f"{header['category']}"), Cell(f"{header['planned']}（万元）"),
                        Cell(f"{header['actual']}（万元）"), header)]
    for line in plan.lines:
        planned = m(line.planned) if line.planned else line.planned_written
        rows.append(_line_cells(Cell(line.label), Cell(planned), Cell(m(line.actual)), header))
    rows.append(_line_cells(Cell(header["total"]), Cell(FieldResult(m(sum(line.planned or 0 for line in plan.lines)))),
                            Cell(FieldResult(m(plan.spent))), header))
    return Table(rows, [2200, 1800, 1800])


def _lines_transposed(plan: Plan, m, header: dict) -> Table:
    """Categories as columns, planned and actual amounts as rows."""
    top = [Cell(header["category"])] + [Cell(line.label) for line in plan.lines] + [Cell(header["total"])]
    planned = [Cell(header["planned"])] + [Cell(m(line.planned) if line.planned else line.planned_written)
                                           for line in plan.lines]
    planned.append(Cell(m(sum(line.planned or 0 for line in plan.lines))))
    actual = [Cell(header["actual"])] + [Cell(m(line.actual)) for line in plan.lines] + [Cell(m(plan.spent))]
    width = 9000 // (len(plan.lines) + 2)
    rows = [top, actual, planned] if header["actual_first"] else [top, planned, actual]
    return Table(rows, [width] * (len(plan.lines) + 2))


def _phone(rng: random.Random) -> str:
    return f"0{rng.randint(10, 999)}-{rng.randint(2000000, 8999999)}"


def _address(plan: Plan, rng: random.Random) -> str:
    return f"{plan.place.prefix}{rng.choice(words.STREETS)}{rng.randint(1, 300)}号"


# The 财预〔2020〕10号 自评表 is a national form; units fill in its labels in words of their
# own, and so do these.
ZIBIAO_FUNDS = (("年初预算数", "年初预算"), ("全年预算数", "调整后预算数", "全年预算"), ("全年执行数", "实际执行数"),
                ("分值", "权重"), ("执行率", "预算执行率"))
ZIBIAO_INDICATORS = (("三级指标", "指标名称", "三级指标名称"), ("年度指标值", "年度目标值", "指标值"),
                     ("实际完成值", "全年实际值", "实际值"), ("分值", "指标分值", "权重"),
                     ("偏差原因及改进措施", "偏差原因分析", "偏差原因"))


def _zibiao_blocks(plan: Plan) -> list:
    rng = random.Random(plan.layout_seed)
    fold = (lambda text: text.translate(FULL_WIDTH)) if plan.full_width else (lambda text: text)
    out: list = [Paragraph(rng.choice(("附件3", "附表2", "附表"))), Paragraph("项目支出绩效自评表", bold=True, center=True),
                 Paragraph(f"（{plan.fiscal_year}年度）", center=True)]
    unit_label = rng.choice(("项目实施单位", "执行单位", "项目承担单位"))
    dept_label = rng.choice(("主管部门", "主管单位"))
    planned, adjusted_label, spent_label, weight_label, rate_label = (rng.choice(c) for c in ZIBIAO_FUNDS)
    who = [Cell(dept_label), Cell(plan.dept, span=3), Cell(unit_label, span=2), Cell(plan.unit, span=3)]
    if rng.random() < 0.5:
        who = [Cell(unit_label), Cell(plan.unit, span=3), Cell(dept_label, span=2), Cell(plan.dept, span=3)]
    rows: list[list[Cell]] = [
        [Cell(_spaced(rng.choice(PROJECT_LABELS), rng.random() < 0.3)), Cell(plan.project, span=8)],
        who,
        [Cell(rng.choice(("资金投入\n（万元）", "项目资金\n（万元）")), merge="restart"), Cell("", span=2), Cell(planned),
         Cell(adjusted_label), Cell(spent_label), Cell(weight_label), Cell(rate_label), Cell("得分")],
    ]
    money = lambda yuan: fold(wan_text(yuan)) if yuan is not None else ""  # noqa: E731
    adjusted = plan.budget_adjusted
    rows.append([Cell("", merge="continue"), Cell(rng.choice(("资金总额", "项目资金总额")), span=2),
                 Cell(money(plan.budget_planned)), Cell(money(adjusted)), Cell(money(plan.spent)),
                 Cell(fold(score_text(plan.exec_weight))), Cell(fold(f"{plan.execution_rate_written}%")),
                 Cell(fold(score_text(plan.exec_score)))])
    provincial = "自治区本级财政" if plan.place.autonomous else "省级资金"
    local = {"区": "区本级财政", "县": "县本级财政", "市": "市本级财政", "旗": "本级财政资金"}[plan.place.level_word]
    labels = {"中央": "中央补助", "省级": provincial, "市县": local, "其它": "自筹资金"}
    budget = plan.budget
    source_rows = []
    for level, amount, _ in plan.sources:
        # Split the 年初 and 执行 columns in the same proportion as the 全年 one.
        start = plan.budget_planned * amount // budget // 100 * 100 if adjusted is not None else amount
        spent = plan.spent * amount // budget // 100 * 100
        source_rows.append([level, start, amount if adjusted is not None else None, spent])
    if source_rows:
        source_rows[-1][1] = plan.budget_planned - sum(r[1] for r in source_rows[:-1])
        source_rows[-1][3] = plan.spent - sum(r[3] for r in source_rows[:-1])
    dash = rng.choice(("/", "-", ""))
    for n, (level, start, full, spent) in enumerate(source_rows):
        prefix = "其中：" if n == 0 else ""
        rows.append([Cell("", merge="continue"), Cell(prefix + labels[level], span=2), Cell(money(start)),
                     Cell(money(full)), Cell(money(spent)), Cell(dash), Cell(dash), Cell(dash)])
    achieved = ""
    for phrase in (i.phrase for i in plan.indicators if i.phrase and not i.short):
        if len(achieved) + len(phrase) < 120:
            achieved += ("，" if achieved else "") + phrase
    rows.append([Cell("年度总体目标", merge="restart"), Cell(rng.choice(("年初设定目标", "年度目标")), span=4),
                 Cell(rng.choice(("全年实际完成情况", "实际完成情况")), span=4)])
    rows.append([Cell("", merge="continue"), Cell(_goal_text(plan), span=4),
                 Cell((achieved or rng.choice(plan.domain.effects).rstrip("。")) + "。", span=4)])
    name, target, actual, weight, note = (rng.choice(c) for c in ZIBIAO_INDICATORS)
    if not plan.reason_column:
        note = "备注"                # a remark column: no cell that asks for a deduction's reason
    rows.append([Cell("绩效指标", merge="restart"), Cell("一级指标"), Cell("二级指标"), Cell(name), Cell(target),
                 Cell(actual), Cell(weight), Cell("得分"), Cell(note)])
    vertical = rng.random() < 0.5
    previous1 = previous2 = None
    for indicator in plan.indicators:
        level1 = LEVEL1[indicator.level2]
        if level1 != previous1:
            text1 = "\n".join(level1) if vertical else level1
            cell1 = Cell(text1, merge="restart")
            previous2 = None
        else:
            cell1 = Cell("", merge="continue")
        cell2 = Cell(indicator.level2, merge="restart") if indicator.level2 != previous2 else Cell("", merge="continue")
        previous1, previous2 = level1, indicator.level2
        rows.append([Cell("", merge="continue"), cell1, cell2, Cell(indicator.name), Cell(indicator.target),
                     Cell(indicator.actual), Cell(fold(score_text(indicator.weight))),
                     Cell(fold(score_text(indicator.score))), Cell(indicator.note or "")])
    total_label = choice_weighted(rng, (("合计得分", 0.5), ("总得分", 0.3), ("得分合计", 0.2)))
    rows.append([Cell(total_label, span=6), Cell(FieldResult(fold("100"))),
                 Cell(FieldResult(fold(score_text(plan.self_score)))), Cell("")])
    rows.append([Cell(rng.choice(GRADE_LABELS), span=6), Cell(plan.grade_raw, span=3)])
    out.append(Table(rows, [1000] * 9))
    out.append(Paragraph(plan.unit))
    out.append(Paragraph(date_text(plan.report_date, plan.date_style)))
    out += _zibiao_narrative(plan)
    out.append(Paragraph(plan.unit))
    out.append(Paragraph(date_text(plan.report_date, "arabic")))
    return out


def header_blocks(plan: Plan) -> list:
    """The page header: a summary table for some narratives (its figures are the report's)."""
    if not plan.header_table:
        return []
    u = "（万元）"
    rows = [[Cell("项目全称"), Cell(plan.project), Cell("预算年度"), Cell(f"{plan.fiscal_year}年度")],
            [Cell("承担单位"), Cell(plan.unit), Cell("主管单位"), Cell(plan.dept if states_dept(plan) else "")],
            [Cell(f"年初预算{u}"), Cell(wan_text(plan.budget_planned)), Cell(f"到位数{u}"),
             Cell(wan_text(plan.funds_arrived))],
            [Cell(f"支出金额{u}"), Cell(wan_text(plan.spent)), Cell("绩效自评得分"), Cell(score_text(plan.self_score))]]
    return [Table(rows, [1800, 2700, 1800, 2700])]


def blocks_of(plan: Plan) -> list:
    if plan.shape == "table":
        return _table_blocks(plan)
    if plan.shape == "zibiao":
        return _zibiao_blocks(plan)
    return _narrative_report(plan)


def text_of(plan: Plan) -> str:
    """The plain text of a plan's document (cells joined by " | "), for checks without Word."""
    return plain_text(blocks_of(plan))
