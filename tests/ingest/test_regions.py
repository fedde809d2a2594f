"""ingest/regions.py: province and region from the place names in a unit's or report's name."""
from __future__ import annotations

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.regions import FORMER_NAMES, REFERENCE, locate, locate_in_text, strip_places

GUANGXI = "广西壮族自治区"


@pytest.mark.parametrize(("unit", "province", "region"), [
    ("长春市朝阳区民政局", "吉林省", "朝阳区"),
    ("北京市朝阳区民政局", "北京市", "朝阳区"),
    ("那坡县水利局", GUANGXI, "那坡县"),
    ("广西那坡县水利局", GUANGXI, "那坡县"),
    ("中共那坡县委组织部", GUANGXI, "那坡县"),
    ("柳州市城市排水管理处", GUANGXI, "柳州市"),
    ("石家庄高新技术产业开发区考核办公室", "河北省", "石家庄市"),
    ("石家庄市财政局", "河北省", "石家庄市"),
    ("洛阳市老城区民政局", "河南省", "老城区"),
    ("重庆市渝北区民政局", "重庆市", "渝北区"),
    ("重庆市财政局", "重庆市", "重庆市"),
    ("宜昌市夷陵区交通运输局", "湖北省", "夷陵区"),
])
def test_locate_from_unit_name(unit, province, region):
    place = locate([unit], [])
    assert place is not None
    assert (place.province, place.region) == (province, region)
    assert place.source == unit


@pytest.mark.parametrize("unit", [
    "朝阳区民政局",           # Beijing and Changchun both have one
    "城区供水管理站",          # several 城区, and a two-character name is not enough
    "县水利局",
    "乡村道路维护项目",
    "",
    None,
])
def test_locate_ambiguous_or_absent_is_none(unit):
    assert locate([unit], []) is None


def test_locate_falls_back_to_the_report_name():
    place = locate([None, "水利局"], ["2021年那坡县农村饮水安全巩固提升项目"])
    assert (place.province, place.region) == (GUANGXI, "那坡县")


def test_report_name_resolves_what_the_unit_name_leaves_open():
    place = locate(["朝阳区民政局"], ["长春市朝阳区社区养老服务项目"])
    assert (place.province, place.region) == ("吉林省", "朝阳区")


def test_more_specific_report_name_inside_the_unit_prefecture_wins():
    place = locate(["柳州市民政局"], ["柳州市柳北区社区养老服务项目"])
    assert (place.province, place.region) == (GUANGXI, "柳北区")


def test_report_name_in_another_province_does_not_override():
    place = locate(["柳州市民政局"], ["长春市朝阳区社区养老服务项目"])
    assert (place.province, place.region) == (GUANGXI, "柳州市")


def test_nothing_to_locate():
    assert locate([], []) is None
    assert locate([None, ""], [None, ""]) is None


@pytest.mark.parametrize(("text", "want"), [
    ("宜昌市夷陵区长江岸线保护巡查经费", "长江岸线保护巡查经费"),
    ("洛阳市老城区道路维护项目", "道路维护项目"),
    ("长春市朝阳区社区养老服务项目", "社区养老服务项目"),
    ("重庆市渝北区社区养老服务项目", "社区养老服务项目"),
    ("那坡县水利局", "水利局"),
    ("城区道路维护项目", "城区道路维护项目"),
    ("乡村道路维护项目", "乡村道路维护项目"),
    ("2021年那坡县农村饮水项目", "2021年那坡县农村饮水项目"),
    ("", ""),
])
def test_strip_places(text, want):
    assert strip_places(text) == want


PLACE_CHARS = list("长春市朝阳区北京那坡县广西壮族自治柳州石家庄洛阳老城重庆渝北宜昌夷陵中共民政局水利项目")
NAMES = st.one_of(st.text(), st.text(alphabet=st.sampled_from(PLACE_CHARS), max_size=20))


@given(NAMES, NAMES)
def test_locate_never_raises(unit, report):
    place = locate([unit], [report])
    if place is not None:
        assert place.province
        assert place.source in (unit, report)


@given(NAMES)
def test_strip_places_leaves_a_suffix(text):
    assert text.endswith(strip_places(text))


# -- former names: recognised, and kept as the report wrote them -----------------------------
@pytest.mark.parametrize(("unit", "province", "region"), [
    ("沙县财政局", "福建省", "沙县"),
    ("三明市沙县农业农村局", "福建省", "沙县"),
    ("中共沙县县委组织部", "福建省", "沙县"),
    ("郫县国土资源局", "四川省", "郫县"),
    ("成都市郫县人民政府", "四川省", "郫县"),
    ("长乐市教育局", "福建省", "长乐市"),
    ("重庆市铜梁县水务局", "重庆市", "铜梁县"),
    ("横县水利局", GUANGXI, "横县"),
    ("遵义县教育局", "贵州省", "遵义县"),
    ("密云县园林绿化局", "北京市", "密云县"),     # not 云县 in Yunnan, hidden inside it
    ("潼南县财政局", "重庆市", "潼南县"),         # not 南县 in Hunan
    ("堆龙德庆县财政局", "西藏自治区", "堆龙德庆县"),  # not 德庆县 in Guangdong
])
def test_former_name_is_kept_as_written(unit, province, region):
    place = locate([unit], [])
    assert (place.province, place.region) == (province, region)


def test_former_name_in_the_report_name():
    place = locate([None], ["2019年长乐市农村饮水安全巩固提升项目"])
    assert (place.province, place.region, place.matched) == ("福建省", "长乐市", "长乐市")


@pytest.mark.parametrize(("unit", "province", "region"), [
    ("沙县区财政局", "福建省", "沙县区"),
    ("三明市沙县区农业农村局", "福建省", "沙县区"),
    ("成都市郫都区人民政府", "四川省", "郫都区"),
    ("长沙县水利局", "湖南省", "长沙县"),       # holds 沙县
    ("黄梅县水利局", "湖北省", "黄梅县"),       # holds 梅县
    ("封开县水利局", "广东省", "封开县"),       # holds 开县
    ("赣州市赣县区水利局", "江西省", "赣县区"),
    ("福州市长乐区教育局", "福建省", "长乐区"),
])
def test_current_full_name_is_not_shadowed_by_a_former_one(unit, province, region):
    place = locate([unit], [])
    assert (place.province, place.region) == (province, region)


def test_former_names_table_points_at_what_each_became():
    with REFERENCE.open(encoding="utf-8") as handle:
        divisions = {row["code"]: row for row in csv.DictReader(handle)}
    current_names = {row["name"] for row in divisions.values()}
    with FORMER_NAMES.open(encoding="utf-8") as handle:
        former = list(csv.DictReader(handle))
    assert len(former) > 100
    assert len({row["former_name"] for row in former}) == len(former)
    for row in former:
        assert divisions[row["current_code"]]["name"] == row["current_name"], row
        assert divisions[row["current_code"]]["level"] == "3", row
        assert row["former_name"] not in current_names, row
        assert 1990 <= int(row["year_changed"]) <= 2024, row


# -- short forms: the official full name is the region ---------------------------------------
@pytest.mark.parametrize(("unit", "province", "region"), [
    ("红河州财政局", "云南省", "红河哈尼族彝族自治州"),
    ("恩施州财政局", "湖北省", "恩施土家族苗族自治州"),
    ("湘西州财政局", "湖南省", "湘西土家族苗族自治州"),
    ("黔东南州财政局", "贵州省", "黔东南苗族侗族自治州"),
    ("黔西南州财政局", "贵州省", "黔西南布依族苗族自治州"),
    ("黔南州财政局", "贵州省", "黔南布依族苗族自治州"),
    ("延边州财政局", "吉林省", "延边朝鲜族自治州"),
    ("凉山州财政局", "四川省", "凉山彝族自治州"),
    ("甘孜州财政局", "四川省", "甘孜藏族自治州"),
    ("阿坝州财政局", "四川省", "阿坝藏族羌族自治州"),
    ("西双版纳州财政局", "云南省", "西双版纳傣族自治州"),
    ("德宏州财政局", "云南省", "德宏傣族景颇族自治州"),
    ("大理州财政局", "云南省", "大理白族自治州"),
    ("楚雄州财政局", "云南省", "楚雄彝族自治州"),
    ("文山州财政局", "云南省", "文山壮族苗族自治州"),
    ("怒江州财政局", "云南省", "怒江傈僳族自治州"),
    ("迪庆州财政局", "云南省", "迪庆藏族自治州"),
    ("临夏州财政局", "甘肃省", "临夏回族自治州"),
    ("甘南州财政局", "甘肃省", "甘南藏族自治州"),
    ("海北州财政局", "青海省", "海北藏族自治州"),
    ("黄南州财政局", "青海省", "黄南藏族自治州"),
    ("海南州财政局", "青海省", "海南藏族自治州"),
    ("果洛州财政局", "青海省", "果洛藏族自治州"),
    ("玉树州财政局", "青海省", "玉树藏族自治州"),
    ("海西州财政局", "青海省", "海西蒙古族藏族自治州"),
    ("昌吉州财政局", "新疆维吾尔自治区", "昌吉回族自治州"),
    ("博州财政局", "新疆维吾尔自治区", "博尔塔拉蒙古自治州"),
    ("巴州财政局", "新疆维吾尔自治区", "巴音郭楞蒙古自治州"),
    ("克州财政局", "新疆维吾尔自治区", "克孜勒苏柯尔克孜自治州"),
    ("伊犁州财政局", "新疆维吾尔自治区", "伊犁哈萨克自治州"),
    ("中共巴州州委组织部", "新疆维吾尔自治区", "巴音郭楞蒙古自治州"),
    ("新疆巴州库尔勒市财政局", "新疆维吾尔自治区", "库尔勒市"),
    ("石林县水务局", "云南省", "石林彝族自治县"),
    ("峨边县教育局", "四川省", "峨边彝族自治县"),
    ("本溪县教育局", "辽宁省", "本溪满族自治县"),
    ("龙胜县水利局", GUANGXI, "龙胜各族自治县"),
    ("环江县水利局", GUANGXI, "环江毛南族自治县"),
    ("互助县教育局", "青海省", "互助土族自治县"),
])
def test_short_form_gives_the_official_name(unit, province, region):
    place = locate([unit], [])
    assert (place.province, place.region) == (province, region)


@pytest.mark.parametrize(("unit", "report", "province", "region"), [
    # A telling short form counts anywhere in the name, like a full name.
    ("卫生健康委员会", "2021年红河州基层医疗机构建设项目", "云南省", "红河哈尼族彝族自治州"),
    ("水务局", "2022年石林县农村饮水安全项目", "云南省", "石林彝族自治县"),
    # 海南州 is Qinghai's, 海南省 the province, 海南 alone the province.
    ("青海省海南州共和县水利局", None, "青海省", "共和县"),
    ("海南省海口市水务局", None, "海南省", "海口市"),
    ("巴州区财政局", None, "四川省", "巴州区"),        # Bazhong's district, not 巴州
])
def test_short_form_in_context(unit, report, province, region):
    place = locate([unit], [report])
    assert (place.province, place.region) == (province, region)


@pytest.mark.parametrize("report", [
    "2021年河南县级融媒体中心建设项目",     # 河南县 is Qinghai's too, but here 河南 is the province
    "2021年巴州农业项目",                   # two characters, not at the start: not enough
])
def test_short_form_that_may_be_a_word_is_not_a_place(report):
    assert locate([None], [report]) is None


def test_hainan_province_alone_has_no_region():
    place = locate(["海南省财政厅"], [])
    assert (place.province, place.region) == ("海南省", None)


# -- locate_in_text: the county a narrative keeps naming -------------------------------------
@pytest.mark.parametrize(("text", "province", "region", "matched"), [
    ("县政协坚持按照县委部署，为南县建设凝心聚力，奋力谱写南县高质量发展新篇章。", "湖南省", "南县", "南县"),
    ("为沙县建设凝心聚力，推动沙县经济发展。", "福建省", "沙县", "沙县"),
    ("湖南省益阳市南县，益阳市南县。", "湖南省", "南县", "南县"),
    ("根据《关于大英县创建放心舒心消费环境的通知》和《关于印发大英县创建全国县级文明城市方案》",
     "四川省", "大英县", "大英县"),
    ("为石林县建设服务，推动石林县经济发展。", "云南省", "石林彝族自治县", "石林县"),
    ("南京市鼓楼区建设，鼓楼区发展。", "江苏省", "鼓楼区", "鼓楼区"),
    ("江苏省。鼓楼区建设，鼓楼区发展。", "江苏省", "鼓楼区", "鼓楼区"),
    ("长春市。朝阳区建设，朝阳区发展。", "吉林省", "朝阳区", "朝阳区"),
    ("为那坡县建设，那坡县人民，那坡县。为靖西市发展，靖西市人民。", GUANGXI, "那坡县", "那坡县"),
])
def test_locate_in_text(text, province, region, matched):
    place = locate_in_text(text)
    assert (place.province, place.region, place.matched, place.source) == (province, region, matched, text)


@pytest.mark.parametrize("text", [
    "为那坡县建设，那坡县人民。为靖西市发展，靖西市人民。",    # two counties, equally often
    "为那坡县建设凝心聚力。",                                  # named once
    "奋力谱写南县高质量发展新篇章，谱写南县高质量跨越发展。",  # never clearly a county
    "他担任县政府办主任，又担任县政府顾问。",                  # 任县 by accident
    "省、市和县政府高度重视。市政府和县政府联合。",            # 和县 by accident
    "在新县城建设中，在新县城改造中。",                        # 新县 by accident
    "鼓楼区建设，鼓楼区发展。",                                # four 鼓楼区, none named
    "洛阳市老城区改造，老城区建设。",                          # a word as much as a district
    "县政协围绕中心、服务大局，全县经济发展。",
    "",
])
def test_locate_in_text_without_one_clear_county_is_none(text):
    assert locate_in_text(text) is None


@given(NAMES)
def test_locate_in_text_never_raises(text):
    place = locate_in_text(text)
    if place is not None:
        assert place.province and place.region
        assert place.matched in text
