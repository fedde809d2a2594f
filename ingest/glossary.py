"""The Chinese labels reports use for each field (SPEC §1 glossary, widened by region).

Labels are compared after `text.label_key`: width folded, whitespace removed (项　目　名　称),
outline numbers, "其中：" and units in brackets dropped. A new region's wording is one more
string here, not new code.
"""
from __future__ import annotations

import re

from ingest.text import label_key

# Field labels found in a table cell or at the start of a cover line ("项目名称  X").
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "project_name": ("项目名称", "项目名", "项目全称", "转移支付(项目)名称", "转移支付名称", "转移支付项目名称"),
    "implementing_unit": ("项目单位", "实施单位", "项目实施单位", "资金使用单位", "项目承担单位",
                          "承担单位", "项目执行单位", "执行单位", "预算单位", "项目责任单位",
                          "责任单位", "单位名称", "申报单位", "项目实施主体", "实施主体"),
    "supervising_dept": ("主管部门", "项目主管部门", "主管单位", "业务主管部门", "主管部门名称", "地方主管部门"),
    "budget_planned": ("计划安排资金", "年初预算数", "年初预算", "预算资金", "预算数", "计划资金",
                       "预算安排资金", "项目预算", "预算金额", "预算总额", "批复预算", "年初预算资金",
                       "计划安排", "项目预算资金", "预算安排"),
    "budget_adjusted": ("全年预算数", "调整预算", "调整后预算", "调整后预算数", "全年预算",
                        "调整预算数", "调整后资金", "调整后金额"),
    "funds_arrived": ("实际到位资金", "到位资金", "实际到位", "资金到位数", "到位数", "实际到位数",
                      "实际到位金额"),
    "spent": ("实际支出", "全年执行数", "实际支出数", "执行数", "实际执行数", "实际使用资金",
              "实际支出金额", "全年实际支出", "实际支出资金", "支出金额", "全年执行", "预算执行数"),
    "arrival_rate_stated": ("资金到位率", "到位率"),
    "execution_rate_stated": ("预算执行率", "执行率", "资金执行率", "预算资金执行率"),
    "self_score": ("综合得分", "自评得分", "总分", "自评分", "自评总分", "评价得分", "得分合计",
                   "总得分", "综合评分", "自评分数", "绩效自评得分"),
    "grade_raw": ("自评等次", "评价等级", "自评等级", "评价等次", "评定等级", "绩效等级", "等级",
                  "等次", "自评结果等级", "绩效评价等级"),
    "eval_type": ("评价类型", "评价类别"),
    "period": ("项目起止时间", "起止时间", "项目实施期", "实施期间", "实施期限", "项目期限",
               "实施周期", "执行期限", "项目周期", "起止日期", "实施时间", "项目实施时间",
               "项目执行期", "执行期"),
    "fiscal_year": ("评价年度", "预算年度", "项目年度", "资金年度", "所属年度", "年度"),
    "report_date": ("报告日期", "填报日期", "报告时间", "评价日期", "填表日期"),
}

# Funding-source rows ("其中：中央财政") and the level each names.
SOURCE_LABELS: dict[str, tuple[str, ...]] = {
    "中央": ("中央财政", "中央", "中央资金", "中央财政资金", "中央补助", "中央财政补助"),
    "省级": ("省级财政", "自治区财政", "省财政", "省级", "自治区", "省级资金", "省级财政资金",
             "自治区级财政", "自治区本级财政", "省本级财政"),
    "市县": ("市县财政", "市级财政", "县级财政", "区级财政", "市县", "本级财政", "本级财政资金",
             "市本级财政", "县本级财政", "区本级财政", "当年本级财力安排", "本级财力安排",
             "市县级财政", "州市财政", "市县资金", "区县财政", "县财政", "市财政", "区财政"),
    "其它": ("其它", "其他", "其他资金", "其它资金", "自筹资金", "单位自筹", "社会资金"),
}

# Words inside a funding row's label that name its level, where the label is none of the
# SOURCE_LABELS ("其中：县级配套资金"). 财政拨款 or 财政资金 without a level names none: the
# 自评表 lists it under 其中 as the whole of the money, not as one level's share.
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    "中央": ("中央",),
    "省级": ("省级", "省财政", "自治区"),
    "市县": ("本级", "市级", "县级", "区级", "市县", "市财政", "县财政", "区财政"),
    "其它": ("其他", "其它", "自筹"),
}
# Carried-over money is no level of its own.
CARRY_OVER_WORDS = ("结转", "结余")

# Column headers of the funding block in the 财预〔2020〕10号 自评表.
MATRIX_FUNDS = {
    "planned": ("年初预算数", "年初预算", "预算数", "计划安排资金", "预算资金", "年初预算资金", "资金计划"),
    "adjusted": ("全年预算数", "全年预算", "调整后预算数", "调整后预算", "调整预算数", "调整预算"),
    "arrived": ("实际到位", "实际到位资金", "到位资金", "到位数", "资金到位数", "实际到位数", "资金到位情况"),
    "spent": ("全年执行数", "全年执行", "执行数", "实际执行数", "实际支出数", "实际支出", "支出数", "预算执行数"),
    "weight": ("分值", "权重"),
    "rate": ("执行率", "预算执行率"),
    "arrival_rate": ("资金到位率", "到位率"),
    "score": ("得分",),
}
FUNDS_TOTAL_ROWS = ("年度资金总额", "资金总额", "项目资金总额", "合计", "总计", "年度资金合计", "总额")

# Column headers of a budget-line (项目支出明细) table.
LINE_COLUMNS = {
    "category": ("支出内容", "经济科目", "支出科目", "科目名称", "支出项目", "经济分类", "支出明细",
                 "经济分类科目", "支出内容(按经济科目)", "支出内容按经济科目", "科目", "明细科目",
                 "费用名称", "支出类别", "支出用途", "经济科目名称", "项目明细"),
    "planned": ("计划支出数", "计划支出", "计划数", "预算数", "年初预算数", "预算金额", "计划金额",
                "计划支出金额", "预算支出数", "预算", "计划", "预算安排数"),
    "actual": ("实际支出数", "实际支出", "执行数", "实际数", "支出数", "实际金额", "决算数",
               "实际支出金额", "实际", "实际执行数", "全年执行数", "支出金额", "使用金额", "实际使用金额"),
}
TOTAL_ROWS = ("合计", "小计", "总计", "支出合计", "合计数", "总额", "支出总计", "支出小计")

# Column headers of a performance-indicator (绩效指标) table.
INDICATOR_COLUMNS = {
    "level1": ("一级指标", "一级"),
    "level2": ("二级指标", "二级"),
    "name": ("三级指标", "指标名称", "绩效指标名称", "具体指标", "三级指标名称", "指标内容"),
    "target": ("年度指标值", "指标值", "年度目标值", "目标值", "预期目标值", "计划值", "年度目标",
               "预期指标值", "年初目标值", "预期值", "目标"),
    "actual": ("实际完成值", "完成值", "实际值", "实际完成", "全年实际值", "实际完成情况",
               "全年实际完成值", "实际完成数", "完成情况", "实施进度", "完成进度"),
    "weight": ("分值", "权重", "指标分值", "标准分值", "分数"),
    # Sichuan's form splits a target into 指标性质 (=, ≥, ≤), 指标值 and 度量单位.
    "comparator": ("指标性质",),
    "unit": ("度量单位", "计量单位"),
    "score": ("得分", "自评得分", "评分", "实际得分"),
    "note": ("偏差原因分析及改进措施", "偏差原因分析及改正措施", "偏差原因分析", "偏差原因",
             "备注", "原因分析", "未完成原因分析", "偏差原因及改进措施", "偏差分析"),
}
# Column headers of the 年度总体目标 block: what was planned and what was done, in words.
# Units state there what each part of the money was for ("30万元用于基建工程项目审计").
GOAL_COLUMNS = {
    "planned": ("预期目标", "年度目标", "年初设定目标", "年度绩效目标"),
    "actual": ("实际完成情况", "年度总体目标完成情况", "全年实际完成情况", "年度总体目标完成情况综述",
               "完成情况", "实际完成", "年度目标完成情况"),
}
SCORE_TOTAL_ROWS = ("总分", "合计", "总计", "合计得分", "总得分", "得分合计")
# Total-row labels that name a score, not a column's sum.
SCORE_WORDS = ("总分", "合计得分", "总得分", "得分合计", "自评得分", "自评总分")


def _index(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, labels in groups.items():
        for label in labels:
            index.setdefault(label_key(label)[0], name)
    return index


FIELD_BY_LABEL = _index(FIELD_LABELS)
SOURCE_BY_LABEL = _index(SOURCE_LABELS)
FUNDS_BY_LABEL = _index(MATRIX_FUNDS)
LINE_BY_LABEL = _index(LINE_COLUMNS)
INDICATOR_BY_LABEL = _index(INDICATOR_COLUMNS)
GOAL_BY_LABEL = _index(GOAL_COLUMNS)
TOTAL_KEYS = {label_key(t)[0] for t in TOTAL_ROWS}
FUNDS_TOTAL_KEYS = {label_key(t)[0] for t in FUNDS_TOTAL_ROWS}
SCORE_TOTAL_KEYS = {label_key(t)[0] for t in SCORE_TOTAL_ROWS}
SCORE_WORD_KEYS = {label_key(t)[0] for t in SCORE_WORDS}


def field_of(text: str) -> tuple[str | None, str | None]:
    """The field a label names, and the unit it states: "实际支出（万元）" -> ("spent", "万元")."""
    key, unit = label_key(text)
    return FIELD_BY_LABEL.get(key), unit


def source_of(text: str) -> str | None:
    key, _ = label_key(text)
    return SOURCE_BY_LABEL.get(key)


def is_placeholder(text: str) -> bool:
    """Blank-template rows: "指标1：", "……", empty."""
    key = re.sub(r"[.。…·、:：\s]", "", label_key(text)[0])
    return not key or bool(re.fullmatch(r"指标(?:\d+|[nN一二三四五六七八九十])?", key))


def source_level(label: str) -> str | None:
    """The funding level a row label names: "其中：中央补助" -> 中央, "县级配套资金" -> 市县;
    carry-over (上年结转) is no level."""
    known = source_of(label)
    if known:
        return known
    key = re.sub(r"[（(【\[].*?[）)】\]]", "", label_key(label)[0])
    if any(word in key for word in CARRY_OVER_WORDS):
        return None
    for level, words in LEVEL_WORDS.items():
        if any(word in key for word in words):
            return level
    return None
