"""ingest/regions.py: province and region from the place names in a unit's or report's name."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.regions import locate, strip_places

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
