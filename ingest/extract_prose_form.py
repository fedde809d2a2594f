"""Document -> facts stated in sentences: the narrative shape, and the narrative part of
every report.

Amounts are read clause by clause: a number with its money unit takes the meaning of the
nearest label before it in the same clause ("实际到位42万元" -> funds_arrived, "办公费0.1万元"
-> a line). Besides candidates for report fields, the narrative leaves `mentions`: what it
says about categories, totals, dates, years, completion rates and shortfalls, so that
rules can hold the text against the tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest import glossary, normalise
from ingest.model import Document, Paragraph
from ingest.regions import strip_places
from ingest.report import Candidate, Evidence, FundingSource, Mention
from ingest.text import clean_value, sentences, snippet, squash

SENTENCE_RANK = 2
TITLE_RANK = 3
SIGNATURE_RANK = 4
GENERIC_RANK = 5          # a title naming only a kind of fund; a year found only by counting

AMOUNT = re.compile(r"(?<![\d.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|千元|元)")
RATE = re.compile(r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)\s*%")
CLAUSE_BREAK = re.compile(r"[，,、；;：:。]")
QUOTED = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]|【[^】]*】")

# Narrative keywords, each naming a field; the one ending nearest the number wins.
FIELD_WORDS: tuple[tuple[str, str], ...] = (
    ("budget_adjusted", r"调整后(?:的)?(?:预算|资金)?|调整预算|全年预算|预算调整为|调整为"),
    ("budget_planned", r"年初预算|预算资金|预算安排|财政预算|预算金额|预算总额|预算数|预算为|预算|总预算|"
                       r"计划安排资金|计划安排|安排[^，。；]{0,30}?(?:经费|资金)|批复资金|下达资金|资金总额|项目资金|"
                       r"资金总计|下达|计划投资|计划总投资"),
    ("funds_arrived", r"实际到位资金|实际到位|到位资金|拨付到位|下达到位|资金到位|到位"),
    ("spent", r"实际支出|全年执行|累计支出|实际使用|已支出|支出|执行|已支付|累计支付|支付|已使用|使用|"
              r"(?:完成|实际|累计)拨付"),   # 财政拨付 alone is money sent to the unit, not spent by it
)
FIELD_WORD = [(name, re.compile(pattern)) for name, pattern in FIELD_WORDS]
# A clause that speaks of a change or a remainder is not the figure itself.
DELTA = re.compile(r"追加|调增|调减|增加|减少|节约|结余|结转|剩余|差额|缺口|未到位|未能到位|尚未|超支|超出")
# Other money a report names that is not its own budget, arrival or spending: investment
# completed, final accounts, contract and tender sums, last year's figures.
NOT_OWN_TOTAL = re.compile(r"完成投资|决算|结算|审定|中标|合同(?:金额|价|额)|同比|上年|上一年")
# "2179万元目前已全部拨付", "8010万元均已到位": the amount named first, then that it arrived.
ARRIVED_AFTER = re.compile(r"^\s*(?:目前|现|现已|已经)?\s*(?:均|全部|已全部|均已)?\s*(?:已|已经)?\s*"
                           r"(?:全部|全额|足额)?\s*(?:拨付)?到位|^\s*(?:目前|现)?\s*(?:已|均已)?\s*(?:全部|全额|足额)拨付")
# One level's share of the money: "市级资金", "县级配套资金", "中央补助".
LEVEL_AT_END = re.compile(r"(?:中央|省级|省|自治区|州级|市级|县级|区级|市本级|县本级|本级|市县|乡镇)"
                          r"(?:财政)?(?:配套)?(?:资金|补助|拨款)?$")
# The words that open a breakdown of the total just named: what follows are parts.
SPLIT = ("其中", "包括")
SOURCE_WORD = re.compile(r"(中央|省级|省|自治区|区级|县级|市级|市本级|县本级|区本级|本级|市县|其他|其它|自筹)"
                         r"(?:财政)?(?:资金|拨款|补助|安排)?$")
CONNECTOR = r"(?:支出|支出了|为|共|共计|合计|约|达|计|使用|花费)?"

RATE_WORDS = (
    # 到位率 of money only: "主推技术到位率" is an indicator, not the funds' arrival rate.
    ("arrival", re.compile(r"(?:资金|经费|预算|财政|^|^项目)\s*到位率")),
    ("execution", re.compile(r"执行率")),
    ("completion", re.compile(r"完成率|完成了?(?:计划|目标|任务|年度目标)?的?|完成比例|完成进度|达成率|实现率")),
    ("satisfaction", re.compile(r"满意度|满意率")),
)
TARGET_BEFORE = re.compile(r"(?:不低于|不少于|不高于|不超过|≥|>=|≤|<=|>|<|大于|小于|高于|以上为)\s*$")
TARGET_AFTER = re.compile(r"^\s*(?:以上|以下|左右|及以上|\(含\)|（含）)")

SCORE = re.compile(
    r"(?P<label>绩效自评得分|自评得分|自评总分|自评分数|自评分|综合得分|综合评分|最终得分|评价得分|项目得分|总得分|得分|总分)"
    r"(?P<between>[^，。；\d]{0,8}?)(?P<num>\d+(?:\.\d+)?)\s*分?"
)
STRONG_SCORE = {"绩效自评得分", "自评得分", "自评总分", "自评分数", "自评分", "综合得分", "综合评分", "最终得分",
                "评价得分", "项目得分"}
GRADE = re.compile(
    r"(?P<label>评价等级|自评等级|评价等次|自评等次|绩效等级|评定等级|等级|等次|评价结果|自评结果|绩效评价|"
    r"综合评价|评定|评价|评为)\s*(?P<conn>为|是|：|:|确定为|评定为|评为|认定为)?\s*[“\"「『]?"
)
BAND = re.compile(r"[“\"「『]?(?P<grade>优秀|优|良好|良|中等|中|合格|差|较差|不合格)[”\"」』]?\s*[（(](?P<inside>[^）)]{1,30})[）)]")
BAND_ABOVE = re.compile(r"(?P<low>\d+(?:\.\d+)?)\s*分?\s*(?:（含）|\(含\))?\s*(?:以上|及以上)\s*(?:的)?\s*(?:为|评为|定为)\s*[“\"]?"
                        r"(?P<grade>优秀|优|良好|良|中等|中|合格|差|较差|不合格)")
BAND_RANGE = re.compile(r"(?P<low>\d+(?:\.\d+)?)\s*(?:分)?\s*(?:[-~～—至到]|（含）-)\s*(?P<high>\d+(?:\.\d+)?)\s*分?\s*(?:（不含）)?\s*"
                        r"(?:为|评为|定为)\s*[“\"]?(?P<grade>优秀|优|良好|良|中等|中|合格|差|较差|不合格)")

IMPLEMENTED = re.compile(r"(?P<project>[^，。；：:、\s]{2,40}?)由(?P<unit>[^，。；、]{2,40}?)(?:负责|牵头)?(?:组织)?实施")
UNIT_IS = re.compile(r"(?P<project>[^，。；：:、\s]{0,40}?)(?:项目)?(?:实施单位|承担单位|执行单位|责任单位)"
                     r"(?:为|是|：|:)(?P<unit>[^，。；、]{2,40})")
SUPERVISOR = re.compile(r"主管部门(?:为|是|：|:)(?P<dept>[^，。；、,]{2,40})")
PERIOD_WORDS = re.compile(r"(?:项目)?(?:起止时间|起止日期|实施期间|实施期限|实施周期|实施期|实施时间|执行期限|执行期|"
                          r"项目期限|项目周期|期限)(?:为|是|：|:|自)?\s*")
ARRIVED_IN_FULL = re.compile(r"(?:资金|经费|款项)?(?:已)?(?:全部|全额|足额)(?:拨付)?到位|到位率\s*(?:为|达到?)?\s*100\s*%")
ALL_FROM = re.compile(r"(?:全部|均)(?:为|是|来源于|来自|由)(?P<source>[^，。；、]{1,10}?)(?:财政)?(?:资金|安排|拨款|承担)")

SHORTFALL = re.compile(
    r"未完成|没有完成|未能完成|没能|未能开展|未开展|未达到|未达标|未实现|未按期|未如期|偏慢|滞后|缓慢|延期完成|"
    r"尚未完成|仅完成|低于(?:年度|预期|计划)?(?:指标值|目标值?|预期|计划)|未全部完成|未能按期"
)
NEGATED = re.compile(r"(?:无|不存在|没有|未出现|杜绝)\s*$")
# A section heading: an outline number, a few words, no sentence.
HEADING = re.compile(r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])"
                     r"[^，,。；;：:]{2,28}[。：:]?")
# What a section heading names after its shortfall word: "未完成的绩效目标及原因" (a list item
# "1.部分项目进度滞后" is an admission, heading-shaped or not).
SECTION_NAME = re.compile(r"\s*的?\s*(?:绩效)?\s*(?:目标|指标|任务)")
# "未完成的绩效目标：无" admits nothing.
NOTHING_AFTER = re.compile(r"^[^，。；:：]{0,15}[:：]\s*(?:无|没有|暂无|不存在)\s*(?:[。；;]|$)")

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?P<du>度)?(?!\s*\d{1,2}\s*月)(?!\d)")
# A year in brackets or carried over (含2023年转列…, 2022年结转) names other money, not this year's.
YEAR_FUNDS_AFTER = re.compile(r"^(?!转列|结转|结余)[^，。；、()（）]{0,20}?(?:资金|经费|预算)")
YEAR_ASIDE = re.compile(r"(?:含|包括|其中)\s*$")
YEAR_FUNDS_BEFORE = re.compile(r"(?:资金|经费|预算)(?:已)?(?:于|在)\s*$")
YEAR_EVAL_AFTER = re.compile(r"^[^。；]{0,25}?(?:绩效评价|绩效自评|自评工作|评价工作)")
# "2022年3月，考评工作组对项目…" / "2024年1月，我局对…开展了自评": who evaluates, right after the date.
EVALUATOR = re.compile(r"^[，,\s]*(?:[^，。；]{0,8}?(?:评价|考评|自评|评估|核查|核验)[^，。；]{0,6}?组"
                       r"|(?:我|本)(?:局|单位|办|中心|委|院|站|所|厅|部|队|馆)[^。；]{0,30}?(?:自评|评价|考评))")
RANGE_AFTER = re.compile(r"^\s*(?:至|到|-|—|–|～|~)")

# A title ends in the document type: 项目支出绩效自评报告, 预算绩效评价自评报告, 绩效自评情况的报告,
# 支出绩效评价报告 … ("项目" alone stays: it belongs to names like 信息平台维护管理项目).
TITLE_SUFFIX = re.compile(r"(?:项目支出|部门整体支出|部门整体|整体支出|支出|预算|绩效|自评|自我评价|自评价|评价|工作|情况|"
                          r"单位|总结|及|的)*(?:报告书?|自评表)$")
# "现将2022年XX局XX项目绩效自评总结报告如下": a first paragraph that names the report.
REPORT_FOLLOWS = re.compile(r"现将(?P<title>[^，。；:：《》]{4,80}?(?:报告书?|自评表))(?:如下|报告如下)")
# A title that names only a kind of fund, not a project ("衔接资金项目"): a sentence naming
# the project outranks it.
GENERIC_FUND = re.compile(r"(?:财政)?(?:衔接(?:推进乡村振兴)?|专项|转移支付|补助|财政)?(?:资金|经费)?(?:项目)?")
# A unit named after the year in a title, before the project: "2022年西平县交通运输局XX项目".
UNIT_AFTER_YEAR = re.compile(r"^(?P<unit>[^，。；、]{2,20}?(?:局|委员会|委|办公室|政府|中心|厅))(?P<rest>.{4,})$")
# Sentences that name the project when no title does.
PROJECT_SENTENCES = (
    re.compile(r"(?:我县|我市|我区|我旗|我局|我单位|本单位)(?P<project>(?:(?:19|20)\d{2}年)?[^，。；：:、\s“”]{2,40}?项目)"
               r"(?:计划投资|总投资|共投资|计划总投资|预算投资)"),
    re.compile(r"用于(?:实施|建设)(?P<project>[^，。；：:、\s“”]{4,40}?项目)"),
    re.compile(r"^该(?P<project>[^，。；：:、\s“”]{4,40}?项目)(?:于|由|是|为|主要|总投资|计划)"),
)
PROJECT_SENTENCE_RANK = 4
TITLE_WORDS = ("绩效", "自评", "评价")
ORG_SUFFIX = re.compile(r"(?:局|办|委|厅|部|中心|站|所|处|室|院|会|队|馆|社|校|园|公司|政府|办公室|委员会|协会|"
                        r"小组|集团|医院|学校|大学|街道|镇|乡|署)$")
DATE_LINE_PREFIX = re.compile(r"^(?:报告日期|填报日期|日期|报告时间|评价日期|填表日期)[：:]?")


@dataclass
class ProseFacts:
    candidates: list[Candidate] = field(default_factory=list)
    sources: list[FundingSource] = field(default_factory=list)
    lines: list[Mention] = field(default_factory=list)        # category amounts, in order
    mentions: list[Mention] = field(default_factory=list)
    arrived_in_full: Evidence | None = None
    all_from: tuple[str, Evidence] | None = None
    title: str | None = None          # the report's title, as the place names in it count
    years_named: dict[int, tuple[int, Evidence]] = field(default_factory=dict)   # year -> (times, first)


def extract_prose(document: Document) -> ProseFacts:
    facts = ProseFacts()
    paragraphs = [p for p in document.paragraphs() if p.text.strip()]
    _title(paragraphs, facts)
    _date_lines(paragraphs, facts)
    for paragraph in paragraphs:
        text = normalise.fold(paragraph.text)
        for offset, sentence in sentences(text):
            _sentence(paragraph, text, offset, sentence, facts)
    _usual_year(facts)
    return facts


def _usual_year(facts: ProseFacts) -> None:
    """A report that states its year nowhere on its own still dates what it tells: the year
    its sentences name most often (document titles and numbers aside; the first named of
    equals) is a last resort."""
    if facts.years_named:
        year = max(facts.years_named, key=lambda named: facts.years_named[named][0])
        facts.candidates.append(Candidate("fiscal_year", year, facts.years_named[year][1], GENERIC_RANK))


def _ev(paragraph: Paragraph, text: str, start: int, end: int, method: str = "text",
        note: str | None = None) -> Evidence:
    return Evidence(paragraph.index, snippet(text, start, end), method, start=start, end=end, note=note)


def _masked(sentence: str) -> str:
    """Book titles and document numbers blanked (same length): 《…2021年…通知》 is not a statement."""
    return QUOTED.sub(lambda m: " " * len(m.group(0)), sentence)


# -- title, cover date, signature -----------------------------------------------------------
def _is_org(text: str) -> bool:
    bare = re.sub(r"[（(][^）)]*[）)]$", "", squash(text))
    return 3 <= len(bare) <= 40 and bool(ORG_SUFFIX.search(bare)) and not normalise.find_dates(text)


def _title(paragraphs: list[Paragraph], facts: ProseFacts) -> None:
    head = paragraphs[:14]
    for i, paragraph in enumerate(head):
        title = squash(paragraph.text)
        named = REPORT_FOLLOWS.search(title) if i <= 1 else None
        if named:
            title = named.group("title")
        year_note = re.search(r"[（(]((?:19|20)\d{2})年度?[）)]$", title)
        if year_note:
            title = title[:year_note.start()]
        if not TITLE_SUFFIX.search(title) or not any(w in title for w in TITLE_WORDS) or len(title) > 80:
            continue
        first = i
        core = _strip_suffix(title)
        if not core and i > 0 and not named and not re.fullmatch(r"附件\d*", squash(head[i - 1].text)) \
                and not TITLE_SUFFIX.search(squash(head[i - 1].text)):
            first = i - 1
            title = squash(head[i - 1].text) + title
            core = _strip_suffix(title)
        if not core:
            continue                      # the 自评表 heading names no project
        core = re.sub(r"^附件\d*", "", core)
        evidence = Evidence(paragraph.index, clean_value(" ".join(p.text for p in head[first:i + 1]))[:200], "title")
        facts.title = title
        unit = None
        if "关于" in core:
            unit, _, core = core.partition("关于")
        year = re.search(r"((?:19|20)\d{2})年度?", core)
        if year is None and year_note:
            year = year_note
        if year:
            facts.candidates.append(Candidate("fiscal_year", int(year.group(1)), evidence, SENTENCE_RANK))
        keep_whole = False
        if year and year.string is core:
            before, after = core[:year.start()], core[year.end():]
            after = after.lstrip("的")
            split = UNIT_AFTER_YEAR.match(after) if not before else None
            if split and strip_places(split.group("unit")) != split.group("unit") and _is_org(split.group("unit")):
                unit, after = unit or split.group("unit"), split.group("rest")
            elif not before and not year.group(0).endswith("度") and after:
                # "2023年西平县农产品交易市场仓储基地建设项目": a year and place that open the
                # title, with no unit before them, belong to the project's name.
                keep_whole = True
            if keep_whole:
                pass
            elif after:
                core = after
                if before and _is_org(before):
                    unit = unit or before
            elif _is_org(before):
                unit, core = unit or before, ""     # "XX中心2024年度项目支出绩效单位自评报告"
            else:
                core = before
        if not keep_whole:
            core = strip_places(core)
        if unit and _is_org(unit):
            facts.candidates.append(Candidate("implementing_unit", unit, evidence, TITLE_RANK))
        if len(core) >= 2:
            rank = GENERIC_RANK if GENERIC_FUND.fullmatch(core) else TITLE_RANK
            facts.candidates.append(Candidate("project_name", core, evidence, rank))
        if first > 0 and not named:
            previous = head[first - 1]
            if _is_org(previous.text) and not re.fullmatch(r"附件\d*", squash(previous.text)):
                facts.candidates.append(Candidate(
                    "implementing_unit", clean_value(previous.text),
                    Evidence(previous.index, clean_value(previous.text), "title"), TITLE_RANK))
        return


def _strip_suffix(title: str) -> str:
    return TITLE_SUFFIX.sub("", title)


def _date_lines(paragraphs: list[Paragraph], facts: ProseFacts) -> None:
    """Lines holding only a date: the first is the report's date, later ones signatures."""
    seen_first = False
    for i, paragraph in enumerate(paragraphs):
        text = DATE_LINE_PREFIX.sub("", squash(paragraph.text))
        text = re.sub(r"^[（(]?(?:盖章|公章|签章)[）)]?|[（(]?(?:盖章|公章|签章)[）)]?$", "", text)
        if not text or len(text) > 20:
            year_line = re.fullmatch(r"[（(]((?:19|20)\d{2})年度?[）)]", squash(paragraph.text))
            if year_line:
                facts.candidates.append(Candidate(
                    "fiscal_year", int(year_line.group(1)),
                    Evidence(paragraph.index, paragraph.text.strip(), "label"), 1))
            continue
        found = normalise.find_dates(text)
        if not found or found[0][0].group(0) != normalise.fold(text):
            year_line = re.fullmatch(r"[（(]((?:19|20)\d{2})年度?[）)]", text)
            if year_line:
                facts.candidates.append(Candidate(
                    "fiscal_year", int(year_line.group(1)),
                    Evidence(paragraph.index, paragraph.text.strip(), "label"), 1))
            continue
        value = found[0][1]
        evidence = Evidence(paragraph.index, paragraph.text.strip(), "label")
        role = "signed" if seen_first else "report"
        if not seen_first and value.precision == "day":
            facts.candidates.append(Candidate("report_date", value.start, evidence, 1))
            seen_first = True
        facts.mentions.append(Mention("date", role, evidence, text=paragraph.text.strip(), role=role,
                                      date_start=value.start, date_end=value.end))
        if i > 0 and _is_org(paragraphs[i - 1].text) and i >= len(paragraphs) - 3:
            unit = paragraphs[i - 1]
            facts.candidates.append(Candidate(
                "implementing_unit", clean_value(unit.text),
                Evidence(unit.index, clean_value(unit.text), "signature"), SIGNATURE_RANK))


# -- sentences -----------------------------------------------------------------------------
# Each reader looks for something a sentence without these characters cannot hold: the
# cheap test first spares most sentences most regular expressions.
NAME_HINTS = ("由", "单位", "主管", "期", "时间", "项目")
SHORTFALL_HINTS = ("未", "没", "偏", "滞", "缓", "延", "尚", "仅", "低于")
DOTTED_DATE = re.compile(r"\d[./\-]\d")


def _sentence(paragraph: Paragraph, text: str, offset: int, sentence: str, facts: ProseFacts) -> None:
    masked = _masked(sentence) if "《" in sentence or "〔" in sentence or "[" in sentence or "【" in sentence \
        else sentence
    if "元" in masked:
        _amounts(paragraph, text, offset, masked, facts)
    if "%" in masked:
        _rates(paragraph, text, offset, masked, facts)
    if "分" in masked or "等" in masked or "评" in masked or "优" in masked:
        _scores_and_grades(paragraph, text, offset, masked, facts)
    if any(hint in masked for hint in NAME_HINTS):
        _names(paragraph, text, offset, masked, facts)
    if "年" in masked or DOTTED_DATE.search(masked):
        _dates_and_years(paragraph, text, offset, masked, facts)
    if any(hint in masked for hint in SHORTFALL_HINTS):
        _shortfalls(paragraph, text, offset, masked, facts)
    if "到位" in masked:
        full = ARRIVED_IN_FULL.search(masked)
        if full and facts.arrived_in_full is None:
            facts.arrived_in_full = _ev(paragraph, text, offset + full.start(), offset + full.end(), "derived")
    source = ALL_FROM.search(masked) if ("全部" in masked or "均" in masked) else None
    if source and facts.all_from is None:
        level = glossary.source_level(source.group("source"))
        if level:
            facts.all_from = (level, _ev(paragraph, text, offset + source.start(), offset + source.end()))


def _clause_start(masked: str, position: int, floor: int) -> int:
    breaks = [m.end() for m in CLAUSE_BREAK.finditer(masked, floor, position)]
    return breaks[-1] if breaks else floor


def _amounts(paragraph, text, offset, masked, facts: ProseFacts) -> None:
    previous_end = 0
    in_split = False          # inside "其中 …" after a total
    side: str | None = None   # which total the split belongs to: planned | arrived
    categories = normalise.category_labels_by_last_character()
    for match in AMOUNT.finditer(masked):
        start = _clause_start(masked, match.start(), previous_end)
        if start > previous_end and masked[start - 1] in ":：" and not masked[start:match.start()].strip():
            start = _clause_start(masked, start - 1, previous_end)     # "支出:799.12万元": the label before
        clause = masked[start:match.start()]
        previous_start, previous_end = previous_end, match.end()
        amount = normalise.parse_amount(match.group(0))
        if amount is None:
            continue
        evidence = _ev(paragraph, text, offset + start, offset + match.end())
        if amount.converted:
            evidence = Evidence(evidence.block, evidence.snippet, evidence.method, start=evidence.start,
                                end=evidence.end, note=f"{amount.written:g} {amount.unit} → {amount.value:g} 万元")
        if any(word in masked[previous_start:match.start()] for word in SPLIT):
            in_split = True
        bare = clause.strip().removeprefix("其中").lstrip(":： ")
        label = _category_at_end(bare, categories)
        if label:
            category = normalise.lookup_category(label)
            mention = Mention("amount", category.name if category else label, evidence, value=amount.value,
                              written=amount.written, unit=amount.unit, text=label, role="line")
            facts.lines.append(mention)
            facts.mentions.append(mention)
            continue
        if DELTA.search(clause) or NOT_OWN_TOTAL.search(clause):
            continue
        if ARRIVED_AFTER.match(masked[match.end():]) and not in_split and not LEVEL_AT_END.search(bare):
            facts.candidates.append(Candidate("funds_arrived", amount.value, evidence, SENTENCE_RANK))
            facts.mentions.append(Mention("amount", "funds_arrived", evidence, value=amount.value,
                                          written=amount.written, unit=amount.unit, text=clause.strip()[-12:],
                                          role="total"))
            side, in_split = "arrived", False
            continue
        source = SOURCE_WORD.search(bare) if in_split else None
        if source and side:
            level = glossary.source_level(source.group(1))
            if level:
                facts.sources.append(FundingSource(level, amount.value if side == "planned" else None,
                                                   amount.value if side == "arrived" else None, evidence))
                continue
        found = _field_word(clause)
        # Parts of the total, or one level's share ("县级配套资金到位"), are not the total.
        if found is None or in_split or LEVEL_AT_END.search(clause[:found[1].start()].strip()):
            continue
        name = found[0]
        facts.candidates.append(Candidate(name, amount.value, evidence, SENTENCE_RANK))
        facts.mentions.append(Mention("amount", name, evidence, value=amount.value, written=amount.written,
                                      unit=amount.unit, text=clause.strip()[-12:], role="total"))
        if name in ("budget_planned", "budget_adjusted"):
            side, in_split = "planned", False
        elif name == "funds_arrived":
            side, in_split = "arrived", False
        else:
            side, in_split = None, False


def _category_at_end(clause: str, categories: dict[str, list[str]]) -> str | None:
    """The category label a clause ends with ("其中：劳务费", "绿化养护劳务费支出"), if any;
    `categories` are the labels by last character (normalise.category_labels_by_last_character)."""
    squashed = squash(clause)
    for candidate in dict.fromkeys((squashed, re.sub(CONNECTOR + r"$", "", squashed))):
        for label in categories.get(candidate[-1:], ()):
            if candidate.endswith(label):
                before = candidate[: -len(label)]
                # "单个小区设计费用" is no category line: a label opens the clause or follows
                # a few words ("苗木等专用材料费").
                if not before or before[-1] in "其中:：的及和与、" or len(before) <= 6:
                    return label
    return None


def _field_word(clause: str) -> tuple[str, re.Match] | None:
    """The field the clause's label names, and its keyword: the keyword ending nearest the
    number, except that an adjustment (调整后预算为) outranks the plain 预算 it contains."""
    last: dict[str, re.Match] = {}
    for name, pattern in FIELD_WORD:
        for match in pattern.finditer(clause):
            if name not in last or match.end() > last[name].end():
                last[name] = match
    if not last:
        return None
    if "budget_adjusted" in last and "budget_planned" in last:
        del last["budget_planned"]
    name = max(last, key=lambda field: last[field].end())
    return name, last[name]


def _rates(paragraph, text, offset, masked, facts: ProseFacts) -> None:
    previous_end = 0
    for match in RATE.finditer(masked):
        start = _clause_start(masked, match.start(), previous_end)
        previous_end = match.end()
        clause = masked[start:match.start()]
        value = float(match.group("num"))
        target = bool(TARGET_BEFORE.search(clause) or TARGET_AFTER.match(masked[match.end():]))
        if target:
            continue
        kind = None
        best_end = -1
        for name, pattern in RATE_WORDS:
            for word in pattern.finditer(clause):
                if word.end() > best_end:
                    kind, best_end = name, word.end()
        evidence = _ev(paragraph, text, offset + start, offset + match.end())
        subject = kind or (re.findall(r"[\u4e00-\u9fff]{1,6}率", clause) or [None])[-1]
        facts.mentions.append(Mention("rate", subject, evidence, value=value, written=value, unit="%",
                                      text=clause.strip()[-16:]))
        if kind == "arrival":
            facts.candidates.append(Candidate("arrival_rate_stated", value, evidence, SENTENCE_RANK))
        elif kind == "execution":
            facts.candidates.append(Candidate("execution_rate_stated", value, evidence, SENTENCE_RANK))
        elif kind == "completion" and value < 100 and not _meets_stated_target(masked, match, value):
            facts.mentions.append(Mention("shortfall", "completion_rate", evidence, value=value, unit="%",
                                          text=masked[start:match.end()].strip()))


STATED_TARGET = re.compile(r"(?:目标|指标值|计划|要求)[^，。；\d]{0,8}?(\d+(?:\.\d+)?)\s*%")


def _meets_stated_target(sentence: str, match: re.Match, value: float) -> bool:
    """"完成率95%，超过年度目标90%": a rate at or above its own stated target is no shortfall."""
    for target in STATED_TARGET.finditer(sentence):
        if target.start(1) != match.start("num") and float(target.group(1)) <= value:
            return True
    return False


def _scores_and_grades(paragraph, text, offset, masked, facts: ProseFacts) -> None:
    for match in SCORE.finditer(masked):
        between = match.group("between")
        if "满分" in between or "设定" in between or "满分" in masked[max(0, match.start() - 4):match.start()]:
            continue
        if masked[match.end():match.end() + 2] in ("以上", "以下"):
            continue
        score = normalise.parse_score(match.group("num"))
        if score is None:
            continue
        rank = SENTENCE_RANK if match.group("label") in STRONG_SCORE else SENTENCE_RANK + 1
        facts.candidates.append(Candidate(
            "self_score", score, _ev(paragraph, text, offset + match.start(), offset + match.end()), rank))
    for match in GRADE.finditer(masked):
        label, conn = match.group("label"), match.group("conn")
        if not conn and not label.endswith(("等级", "等次")) and masked[match.end() - 1:match.end()] not in "“\"「『":
            continue
        rest = masked[match.end():match.end() + 8]
        word = normalise.grade_word(rest)
        if not word:
            continue
        if re.match(r"[”\"」』]?的?\d", squash(rest)[len(word):]):
            continue                      # "为“优”的4个": a count of projects by grade
        follow = squash(rest)[len(word):len(word) + 1]
        if follow and re.match(r"[\u4e00-\u9fff]", follow) and follow not in "等级次的，。":
            continue
        facts.candidates.append(Candidate(
            "grade_raw", word, _ev(paragraph, text, offset + match.start(), offset + match.end() + len(word)),
            SENTENCE_RANK))
    for match in BAND.finditer(masked):
        inside = match.group("inside")
        low = re.search(r"[≥>]=?\s*(\d+(?:\.\d+)?)", inside) or re.search(r"(\d+(?:\.\d+)?)\s*分?\s*[≤<]=?", inside)
        if low is None:
            if re.search(r"[<＜]\s*\d", inside) and "得分" in inside:
                low_value = 0.0
            else:
                continue
        else:
            low_value = float(low.group(1))
        _band(paragraph, text, offset, match, match.group("grade"), low_value, facts)
    for pattern in (BAND_ABOVE, BAND_RANGE):
        for match in pattern.finditer(masked):
            _band(paragraph, text, offset, match, match.group("grade"), float(match.group("low")), facts)


def _band(paragraph, text, offset, match, word: str, low: float, facts: ProseFacts) -> None:
    grade = normalise.normalise_grade(word)
    if grade and not any(m.kind == "grade_band" and m.subject == grade for m in facts.mentions):
        facts.mentions.append(Mention("grade_band", grade, _ev(paragraph, text, offset + match.start(),
                                                               offset + match.end()), value=low, text=word))


# Words each sentence pattern of _names cannot match without: tested first, since the
# patterns' open starts ("[^，。]{0,40}?单位为") try every position of a sentence.
UNIT_WORDS = ("实施单位", "承担单位", "执行单位", "责任单位")


def _names(paragraph, text, offset, masked, facts: ProseFacts) -> None:
    for pattern in PROJECT_SENTENCES if "项目" in masked else ():
        for match in pattern.finditer(masked):
            project = match.group("project")
            if _project_like(project) and not GENERIC_FUND.fullmatch(project):
                facts.candidates.append(Candidate(
                    "project_name", project, _ev(paragraph, text, offset + match.start(), offset + match.end()),
                    PROJECT_SENTENCE_RANK))
    for match in IMPLEMENTED.finditer(masked) if "由" in masked and "实施" in masked else ():
        project, unit = match.group("project"), clean_value(match.group("unit"))
        evidence = _ev(paragraph, text, offset + match.start(), offset + match.end())
        if _is_org(unit):
            facts.candidates.append(Candidate("implementing_unit", unit, evidence, SENTENCE_RANK))
        if _project_like(project):
            facts.candidates.append(Candidate("project_name", project.rstrip("的"), evidence, SENTENCE_RANK))
    for match in UNIT_IS.finditer(masked) if any(word in masked for word in UNIT_WORDS) else ():
        unit = clean_value(match.group("unit"))
        evidence = _ev(paragraph, text, offset + match.start(), offset + match.end())
        if _is_org(unit):
            facts.candidates.append(Candidate("implementing_unit", unit, evidence, SENTENCE_RANK))
        project = match.group("project").rstrip("的")
        if _project_like(project):
            facts.candidates.append(Candidate("project_name", project, evidence, SENTENCE_RANK))
    for match in SUPERVISOR.finditer(masked) if "主管部门" in masked else ():
        dept = clean_value(match.group("dept"))
        if _is_org(dept):
            facts.candidates.append(Candidate(
                "supervising_dept", dept, _ev(paragraph, text, offset + match.start(), offset + match.end()),
                SENTENCE_RANK))
    for match in PERIOD_WORDS.finditer(masked) if "期" in masked or "时间" in masked else ():
        period = normalise.parse_period(masked[match.end():match.end() + 40])
        if period:
            facts.candidates.append(Candidate(
                "period", period, _ev(paragraph, text, offset + match.start(), offset + match.end() + 24),
                SENTENCE_RANK))


def _project_like(name: str) -> bool:
    name = name.strip()
    return len(name) >= 4 and not name.startswith(("该", "本", "此", "其", "项目由", "我")) and name != "项目"


def _dates_and_years(paragraph, text, offset, masked, facts: ProseFacts) -> None:
    for match, value in normalise.find_dates(masked):
        if match.start() > 12:
            continue                      # a date that opens the sentence dates what it says
        rest = masked[match.end():]
        if RANGE_AFTER.match(rest) or not EVALUATOR.match(rest):
            continue                      # a period's start, or someone other than the evaluators
        role = "group_formed" if "成立" in rest[:14] else "evaluated"
        facts.mentions.append(Mention(
            "date", role, _ev(paragraph, text, offset + match.start(), offset + min(len(masked), match.end() + 30)),
            text=match.group(0), role=role, date_start=value.start, date_end=value.end))
    for match in YEAR.finditer(masked):
        year = int(match.group(1))
        count, first = facts.years_named.get(year, (0, None))
        facts.years_named[year] = (count + 1, first or _ev(
            paragraph, text, offset + match.start(), offset + match.end(), note="正文中最常提到的年份"))
        after = masked[match.end():]
        before = masked[:match.start()]
        role = None
        if YEAR_ASIDE.search(before):
            role = None
        elif YEAR_FUNDS_AFTER.match(after) or YEAR_FUNDS_BEFORE.search(before):
            role = "funds"
        elif YEAR_EVAL_AFTER.match(after) and "考评" not in after[:10]:
            role = "evaluation"
        if role:
            end = match.end() + min(len(after), 24)
            facts.mentions.append(Mention(
                "year", role, _ev(paragraph, text, offset + match.start(), offset + end), value=float(match.group(1)),
                text=masked[match.start():end].strip(), role=role))


def _shortfalls(paragraph, text, offset, masked, facts: ProseFacts) -> None:
    heading = bool(HEADING.fullmatch(squash(paragraph.text)))
    for match in SHORTFALL.finditer(masked):
        if heading and SECTION_NAME.match(masked[match.end():]):
            continue                      # "三、未完成的绩效目标及原因" names a section, admits nothing
        if NEGATED.search(masked[:match.start()]) or NOTHING_AFTER.match(masked[match.end():]):
            continue
        facts.mentions.append(Mention(
            "shortfall", "phrase", _ev(paragraph, text, offset + match.start(), offset + match.end()),
            text=match.group(0)))
