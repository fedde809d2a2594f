"""ingest/normalise.py: one written value in, one stored value (or None) out."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalise import (
    Amount,
    Category,
    DateValue,
    eval_type,
    find_dates,
    grade_word,
    lookup_category,
    normalise_grade,
    parse_amount,
    parse_date,
    parse_number,
    parse_period,
    parse_rate,
    parse_score,
)

BLANKS = [None, "", " ", "-", "--", "—", "——", "无", "/", "　"]


# -- numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "want"), [
    ("22.5", 22.5),
    ("２２．５", 22.5),
    ("４８６，０００．００", 486000.0),
    ("486,000.00", 486000.0),
    ("1,234,567", 1234567.0),
    ("486，000.00", 486000.0),
    (" 48.6 ", 48.6),
    ("48.6万元", 48.6),
    ("约48.6万元", 48.6),
    ("100分", 100.0),
    ("94.67%", 94.67),
    ("94.67％", 94.67),
    ("0", 0.0),
    ("0.00", 0.0),
    ("-3.5", -3.5),
    ("－3.5", -3.5),
    ("abc", None),
    ("万元", None),
    *[(blank, None) for blank in BLANKS],
])
def test_parse_number(text, want):
    assert parse_number(text) == want


@pytest.mark.parametrize(("text", "default_unit", "value", "written", "unit"), [
    ("486000元", "万元", 48.6, 486000.0, "元"),
    ("486,000.00元", "万元", 48.6, 486000.0, "元"),
    ("４８６０００元", "万元", 48.6, 486000.0, "元"),
    ("486000", "元", 48.6, 486000.0, "元"),
    ("7300", "元", 0.73, 7300.0, "元"),
    ("48.6万元", "万元", 48.6, 48.6, "万元"),
    ("48.6", "万元", 48.6, 48.6, "万元"),
    ("48.6万元", "元", 48.6, 48.6, "万元"),     # a unit written beside the figure wins
    ("1.2亿元", "万元", 12000.0, 1.2, "亿元"),
    ("5千元", "万元", 0.5, 5.0, "千元"),
])
def test_parse_amount(text, default_unit, value, written, unit):
    amount = parse_amount(text, default_unit=default_unit)
    assert (amount.value, amount.written, amount.unit) == (pytest.approx(value), written, unit)
    assert amount.converted == (unit != "万元")


@pytest.mark.parametrize("text", BLANKS + ["万元", "元"])
def test_parse_amount_blank_is_none_not_zero(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize(("text", "want"), [
    ("94.67%", 94.67),
    ("94.67％", 94.67),
    ("９４．６７％", 94.67),
    ("100%", 100.0),
    ("100", 100.0),
    ("0.9467", 94.67),
    ("85.5", 85.5),
    *[(blank, None) for blank in BLANKS],
])
def test_parse_rate(text, want):
    got = parse_rate(text)
    if want is None:
        assert got is None
    else:
        assert got == pytest.approx(want)


@pytest.mark.parametrize(("text", "want"), [
    ("100分", 100.0),
    ("100", 100.0),
    ("95.5", 95.5),
    ("９８分", 98.0),
    ("0", 0.0),
    ("120", None),
    ("-5", None),
    *[(blank, None) for blank in BLANKS],
])
def test_parse_score(text, want):
    assert parse_score(text) == want


# -- dates ---------------------------------------------------------------------------------
def day(y, m, d):
    return DateValue(dt.date(y, m, d), dt.date(y, m, d), "day")


def month(y, m, last):
    return DateValue(dt.date(y, m, 1), dt.date(y, m, last), "month")


@pytest.mark.parametrize(("text", "want"), [
    ("2022年1月 27 日", day(2022, 1, 27)),
    ("2022年1月27日", day(2022, 1, 27)),
    ("2022 年 1 月 27 日", day(2022, 1, 27)),
    ("2022年3月15号", day(2022, 3, 15)),
    ("２０２２年３月１５日", day(2022, 3, 15)),
    ("2022.3.15", day(2022, 3, 15)),
    ("2022-03-15", day(2022, 3, 15)),
    ("2022/3/15", day(2022, 3, 15)),
    ("二〇二二年三月十五日", day(2022, 3, 15)),
    ("二〇二二年十二月三十一日", day(2022, 12, 31)),
    ("二零二二年一月二十日", day(2022, 1, 20)),
    ("报告日期：2022年1月27日", day(2022, 1, 27)),
    ("2022年3月", month(2022, 3, 31)),
    ("2022年2月", month(2022, 2, 28)),
    ("2024年2月", month(2024, 2, 29)),
    ("2022年12月", month(2022, 12, 31)),
    ("二〇二二年三月", month(2022, 3, 31)),
    ("2022年13月1日", None),
    ("2022年2月30日", None),
    ("2022年", None),
    ("〇〇〇〇年三月", None),
    ("〇〇〇〇年三月一日", None),
    *[(blank, None) for blank in BLANKS],
])
def test_parse_date(text, want):
    assert parse_date(text) == want


def test_month_only_date_spans_the_month():
    value = parse_date("2022年6月")
    assert value.precision == "month"
    assert (value.start, value.end) == (dt.date(2022, 6, 1), dt.date(2022, 6, 30))
    assert value.iso == "2022-06-01"


def test_find_dates_in_running_text():
    text = "项目于2022年1月开工，２０２２年３月１５日完工，2022.4.2验收。"
    found = find_dates(text)
    assert [value for _, value in found] == [month(2022, 1, 31), day(2022, 3, 15), day(2022, 4, 2)]
    # offsets are offsets into the text as written, full-width digits included
    assert [text[m.start():m.end()] for m, _ in found] == ["2022年1月", "２０２２年３月１５日", "2022.4.2"]


def test_find_dates_skips_impossible_dates():
    assert [v for _, v in find_dates("2022年2月30日与2022年3月1日")] == [day(2022, 3, 1)]


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2020年1月至12月", dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
    ("２０２０年１月至１２月", dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
    ("2020年1月~12月", dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
    ("2022年3月-2022年11月", dt.date(2022, 3, 1), dt.date(2022, 11, 30)),
    ("2022年1月至2023年6月", dt.date(2022, 1, 1), dt.date(2023, 6, 30)),
    ("2020年1月1日至2020年12月31日", dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
    ("2022年1月1日-12月31日", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
    ("2022.1.1-2022.12.31", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
    ("项目实施期：2021年3月至2021年10月。", dt.date(2021, 3, 1), dt.date(2021, 10, 31)),
    ("2021年度", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
    ("2021年", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
])
def test_parse_period(text, start, end):
    first, last = parse_period(text)
    assert (first.start, last.end) == (start, end)


@pytest.mark.parametrize("text", [None, "", "全年", "无", "2022年3月至2月"])
def test_parse_period_none(text):
    assert parse_period(text) is None


# -- grades --------------------------------------------------------------------------------
GLOSSARY_GRADES = [
    ("优秀", "优"), ("A", "优"), ("一等", "优"), ("一等级", "优"), ("优", "优"),
    ("良好", "良"), ("B", "良"), ("二等", "良"), ("良", "良"),
    ("中", "中"), ("合格", "中"), ("C", "中"),
    ("差", "差"), ("不合格", "差"), ("D", "差"),
]


@pytest.mark.parametrize(("raw", "want"), GLOSSARY_GRADES + [
    ("a", "优"),
    ("Ａ", "优"),
    ("A级", "优"),
    (" 优 秀 ", "优"),
    ("“优”", "优"),
    ("优秀等次", "优"),
    ("良好等级", "良"),
    (None, None),
    ("", None),
    ("未评", None),
    ("95", None),
    ("AB", None),
])
def test_normalise_grade(raw, want):
    assert normalise_grade(raw) == want


@pytest.mark.parametrize(("text", "want"), [
    ("优秀", "优秀"),
    ("优秀（90分及以上）", "优秀"),
    ("“良好”。", "良好"),
    ("：良", "良"),
    ("一等级", "一等级"),
    ("不合格", "不合格"),
    ("合格", "合格"),
    ("A", "A"),
    ("A。", "A"),
    ("AB公司", None),
    ("", None),
    ("95分", None),
])
def test_grade_word(text, want):
    assert grade_word(text) == want


@pytest.mark.parametrize("raw", [raw for raw, _ in GLOSSARY_GRADES])
def test_grade_word_then_normalise(raw):
    assert normalise_grade(grade_word(raw + "。")) == dict(GLOSSARY_GRADES)[raw]


# -- evaluation type -----------------------------------------------------------------------
@pytest.mark.parametrize(("line", "want"), [
    ("事前评价□ 事中评价□ 事后评价☑", "事后"),
    ("事前评价☑ 事中评价□ 事后评价□", "事前"),
    ("事前评价□ 事中评价√ 事后评价□", "事中"),
    ("事前评价□事中评价□事后评价✓", "事后"),
    ("评价类型：事前绩效评价□ 事中绩效评价□ 事后绩效评价■", "事后"),
    ("☑事前评价 □事中评价 □事后评价", "事前"),
    ("□事前评价 ☑事中评价 □事后评价", "事中"),
    ("□事前评价 □事中评价 ☑事后评价", "事后"),
    ("事后评价", "事后"),
    ("事前评价□ 事中评价□ 事后评价□", None),
    ("事前评价☑ 事中评价□ 事后评价☑", None),
    ("", None),
    ("自评", None),
])
def test_eval_type(line, want):
    assert eval_type(line) == want


# -- economic categories -------------------------------------------------------------------
@pytest.mark.parametrize(("label", "code", "name"), [
    ("办公费", "30201", "办公费"),
    ("接待费", "30217", "公务接待费"),
    ("公务接待费", "30217", "公务接待费"),
    ("维修费", "30213", "维修(护)费"),
    ("维修（护）费", "30213", "维修(护)费"),
    ("办公设备购置费", "31002", "办公设备购置"),
    ("印刷费", "30202", "印刷费"),
    ("差旅费", "30211", "差旅费"),
    ("会议费", "30215", "会议费"),
    ("培训费", "30216", "培训费"),
    ("劳务费", "30226", "劳务费"),
    ("委托业务费", "30227", "委托业务费"),
    ("邮电费", "30207", "邮电费"),
    ("其他商品和服务支出", "30299", "其他商品和服务支出"),
    ("办 公 费", "30201", "办公费"),
    ("办　公　费", "30201", "办公费"),
    ("办公费（万元）", "30201", "办公费"),
    ("1.办公费", "30201", "办公费"),
    ("（一）差旅费", "30211", "差旅费"),
    ("其中：培训费", "30216", "培训费"),
    ("差旅费支出", "30211", "差旅费"),
    ("会议费用", "30215", "会议费"),
    ("30201办公费", "30201", "办公费"),
])
def test_lookup_category(label, code, name):
    assert lookup_category(label) == Category(code, name)


@pytest.mark.parametrize("label", ["课题研究经费", "乡村道路", "", "合计", "xyz"])
def test_lookup_category_unknown_is_none(label):
    assert lookup_category(label) is None


# -- properties ----------------------------------------------------------------------------
# Arbitrary text, and text drawn from the characters these fields are written with.
FIELD_CHARS = list("0123456789０１２３４５６７８９.．,，%％-－—/ 　年月日号至到~元万千亿分"
                   "〇零○一二三四五六七八九十优良中差秀好等级次合格不ABCDa事前后评价绩效☑□√■")
TEXTS = st.one_of(st.text(), st.text(alphabet=st.sampled_from(FIELD_CHARS), max_size=30))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_normalisers_never_raise_and_return_the_right_type(text):
    number = parse_number(text)
    assert number is None or isinstance(number, float)
    amount = parse_amount(text)
    assert amount is None or (isinstance(amount, Amount) and amount.unit in {"万元", "元", "千元", "亿元"})
    rate = parse_rate(text)
    assert rate is None or isinstance(rate, float)
    score = parse_score(text)
    assert score is None or 0 <= score <= 100
    date = parse_date(text)
    assert date is None or (isinstance(date, DateValue) and date.start <= date.end)
    for match, value in find_dates(text):
        assert isinstance(value, DateValue) and match.end() <= len(text)
    period = parse_period(text)
    assert period is None or period[0].start <= period[1].end
    assert normalise_grade(text) in {None, "优", "良", "中", "差"}
    word = grade_word(text)
    assert word is None or normalise_grade(word) is not None
    assert eval_type(text) in {None, "事前", "事中", "事后"}
    category = lookup_category(text)
    assert category is None or isinstance(category, Category)


REASONABLE = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).filter(
    lambda x: x == 0 or abs(x) >= 1e-4)


@given(REASONABLE)
def test_parse_number_reads_back_str(x):
    assert parse_number(str(x)) == x


@given(REASONABLE)
def test_parse_number_reads_back_full_width(x):
    full_width = str(x).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789.-"})
    assert parse_number(full_width) == x


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False))
def test_parse_number_reads_thousands_separators(x):
    assert parse_number(f"{x:,.2f}") == float(x)


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_amount_in_yuan_is_ten_thousandth_in_wanyuan(x):
    amount = parse_amount(f"{x:f}元")
    assert amount.value == pytest.approx(float(x) / 10000, abs=1e-6)
    assert amount.written == float(x)
    assert amount.converted


@pytest.mark.parametrize(("label", "code", "matched"), [
    ("其他对个人和家庭的补助", "30399", "name"),
    ("奖励金", "30309", "name"),
    ("绩效工资", "30107", "name"),
    ("住房公积金", "30113", "name"),
    ("仓储租赁费", "30214", "containment"),
    ("30201 印刷费", "30201", "code"),
    ("基建工程项目审计", None, None),
])
def test_categories_of_wages_and_of_payments_to_households(label, code, matched):
    category = lookup_category(label)
    assert (category.code if category else None, category.matched if category else None) == (code, matched)
