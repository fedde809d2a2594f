"""The sidebar's filters: kept by code across a language switch, words that must all match,
links whose parts cannot be used named, chips that undo a filter, an empty result that
says why."""
from __future__ import annotations

import duckdb
import pytest

from app_pages.filters import TEXT_LIMIT


def _metric(app, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def _warnings(app) -> str:
    return "\n".join(w.value for w in app.warning)


def _store(page_store, sql: str, *params):
    conn = duckdb.connect(str(page_store), read_only=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_a_language_switch_keeps_rule_and_status_by_code(open_page, page_store):
    rule, reports = _store(page_store, "select rule, count(distinct report_id) from anomalies a "
                                       "join reports r using (report_id) where r.parse_status <> 'failed' "
                                       "and rule <> 'MISSING_FIELDS' group by 1 order by 2 desc, 1 limit 1")[0]
    app = open_page()
    app.multiselect(key="f_rules.zh").set_value([rule]).run()
    app.multiselect(key="f_statuses.zh").set_value(["open", "confirmed"]).run()
    before = _metric(app, "报告")
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.query_params["rule"] in (rule, [rule])               # the code, not "RULE 名称"
    assert sorted(app.query_params["status"]) == ["confirmed", "open"]
    assert app.multiselect(key="f_rules.en").value == [rule]
    assert app.multiselect(key="f_statuses.en").value == ["open", "confirmed"]
    assert _metric(app, "Reports") == before
    app.radio(key="lang").set_value("zh").run()                     # and back
    assert app.multiselect(key="f_rules.zh").value == [rule]
    assert _metric(app, "报告") == before
    assert int(before.replace(",", "")) <= reports


def test_several_words_must_all_match(open_page, page_store):
    project, unit = _store(page_store, "select project_name, implementing_unit from reports "
                                       "where parse_status <> 'failed' and length(project_name) >= 4 "
                                       "and length(implementing_unit) >= 4 order by file_name limit 1")[0]
    first, second = project[:2], unit[-3:]

    def count(*words):
        where = " and ".join("contains(lower(concat_ws(chr(10), file_name, project_name, implementing_unit)), "
                             "lower(?))" for _ in words)
        return _store(page_store, f"select count(*) from reports where parse_status <> 'failed' and {where}",
                      *words)[0][0]

    app = open_page(q=f"{first}  {second}")
    assert not app.exception
    both = count(first, second)
    assert both >= 1 and both < count(first) + count(second)       # all of them, not any of them
    assert _metric(app, "报告") == f"{both:,}"


def test_long_pasted_text_is_cut_at_the_stated_limit(open_page):
    app = open_page(q="道路" * TEXT_LIMIT)
    assert not app.exception
    assert len(app.text_input(key="f_text").value) == TEXT_LIMIT
    assert f"只取前 {TEXT_LIMIT} 个" in _warnings(app)
    assert str(TEXT_LIMIT) in app.text_input(key="f_text").help


@pytest.mark.parametrize("query, named", [
    ({"score": "90-60"}, "得分范围下限 90 大于上限 60"),
    ({"score": "abc"}, "参数 score 的值“abc”无法识别"),
    ({"score": "50-150"}, "得分范围“50-150”超出 0–100"),
    ({"year": "二〇二三"}, "参数 year 的值“二〇二三”无法识别"),
    ({"grade": "甲"}, "参数 grade 的值“甲”无法识别"),
    ({"rule": "NO_SUCH_RULE"}, "参数 rule 的值“NO_SUCH_RULE”无法识别"),
])
def test_an_unusable_link_parameter_is_named_and_left_out(open_page, page_store, query, named):
    everything = _store(page_store, "select count(*) from reports where parse_status <> 'failed'")[0][0]
    app = open_page(**query)
    assert not app.exception
    assert named in _warnings(app)
    assert _metric(app, "报告") == f"{everything:,}"               # left out, not a filter matching nothing
    assert app.slider(key="f_score").value == (0.0, 100.0)


def test_a_chip_undoes_its_filter(open_page, page_store):
    year, count = _store(page_store, "select fiscal_year, count(*) from reports where parse_status <> 'failed' "
                                     "group by 1 order by 2 desc, 1 limit 1")[0]
    app = open_page(year=str(year))
    assert _metric(app, "报告") == f"{count:,}"
    chip = app.button(key=f"chip_years_{year}")
    assert chip.label == f"年度：{year}"
    chip.click().run()
    assert not app.exception
    assert "year" not in app.query_params
    assert app.multiselect(key="f_years").value == []


def test_an_empty_result_says_why_and_offers_to_clear(open_page, page_store):
    everything = _store(page_store, "select count(*) from reports where parse_status <> 'failed'")[0][0]
    app = open_page(q="没有这个项目zzz")
    assert not app.exception
    said = "\n".join(i.value for i in app.info)
    assert "没有报告符合当前筛选" in said and "没有这个项目zzz" in said
    app.button(key="chip_reset").click().run()
    assert _metric(app, "报告") == f"{everything:,}"
    assert not any("没有报告符合当前筛选" in i.value for i in app.info)


def test_a_link_seeds_only_the_filters_it_sets(open_page, page_store):
    """A widget given its value through session state (set_value in what the browser gets)
    costs the browser a slow next run (bench/browser.py): a link writes the filters it names,
    and the others keep their widgets' defaults, which are the same empty choice."""
    year = _store(page_store, "select max(fiscal_year) from reports")[0][0]
    app = open_page(year=str(year), lang="en")
    assert not app.exception
    assert app.multiselect(key="f_years").value == [year] and app.multiselect(key="f_years").proto.set_value
    assert app.radio(key="lang").value == "en"
    forced = [name for name in ("f_provinces", "f_regions", "f_depts", "f_units", "f_grades")
              if app.multiselect(key=name).proto.set_value]
    assert forced == [] and not app.text_input(key="f_text").proto.set_value
    app = open_page()
    assert app.radio(key="lang").value == "zh" and not app.radio(key="lang").proto.set_value
    assert app.multiselect(key="f_years").value == [] and not app.multiselect(key="f_years").proto.set_value
    assert not app.multiselect(key="f_rules.zh").proto.set_value    # codes written only when they differ


@pytest.mark.parametrize("field, column, key, older", [
    ("units", "implementing_unit", "units", "unit"), ("depts", "supervising_dept", "depts", "dept")])
def test_unit_and_department_filters_are_kept_under_their_own_keys_and_older_links_still_set_them(
        open_page, page_store, field, column, key, older):
    """`unit` and `dept` are the profile page's own keys (/units?unit=NAME, ?dept=NAME); the
    sidebar's filters are written `units` and `depts`, and a link written before, with the old
    key on another page, still filters."""
    # Names from the store's own column, chosen by count: no value typed in by the test.
    name, count = _store(page_store, f"select {column}, count(*) from reports where parse_status <> 'failed' "
                                     f"and {column} is not null group by 1 order by 2 desc, 1 limit 1")[0]
    for query in ({key: name}, {older: name}):
        app = open_page(**query)
        assert not app.exception
        assert app.multiselect(key=f"f_{field}").value == [name]
        assert _metric(app, "报告") == f"{count:,}"
        assert app.query_params[key] in (name, [name]) and older not in app.query_params
