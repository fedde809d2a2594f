"""异常: the anomalies of the filtered reports a page at a time, page filters, counts by rule
and unit, triage written to the reviews table, reviews resolved by the data, English."""
from __future__ import annotations

import json
import math
import shutil

import pytest
from conftest import fetch

from ingest import store
from tests.app.conftest import chart_named, click_chart, open_tab
from tests.app.links import unit_names

SEVERITY_RANK = "case a.severity when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end"


def metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def anomaly_table(app):
    """The triage table: the one whose rows carry a rule and a review status."""
    return next(frame.value for frame in app.dataframe if {"rule", "status_label", "message_shown"} <= set(frame.value))


@pytest.fixture
def own_store(page_store, tmp_path, monkeypatch):
    """A copy of the page store that this test may write reviews into."""
    copy = tmp_path / "triage.duckdb"
    shutil.copy(page_store, copy)
    monkeypatch.setenv("JIXIAO_DB", str(copy))
    return copy


def test_first_page_is_the_most_severe_anomalies_of_the_store(open_page, page_store):
    app = open_page("anomalies.py")
    assert not app.exception
    expected = fetch(page_store, f"""
        select a.report_id, a.rule from anomalies a join reports r using (report_id)
        where r.parse_status <> 'failed'
        order by {SEVERITY_RANK}, r.file_name, a.report_id, a.rule, a.subject nulls first""")
    high = fetch(page_store, "select count(*) from anomalies a join reports r using (report_id) "
                             "where r.parse_status <> 'failed' and a.severity = 'high'")[0][0]
    shown = metrics(app)
    assert shown["异常"] == f"{len(expected):,}"
    assert shown["高风险"] == f"{high:,}"
    assert shown["待审核"] == f"{len(expected):,}"          # nobody has reviewed yet
    table = anomaly_table(app)
    assert list(zip(table["report_id"], table["rule"])) == expected[:200]
    assert table["severity_label"].iloc[0] == "高"
    assert set(table["status_label"]) == {"待审核"}
    assert app.number_input(key="anomaly_page").value == 1
    assert len(expected) > 200, "the page store should need a second page"
    app.number_input(key="anomaly_page").set_value(2).run()
    assert not app.exception
    assert list(zip(anomaly_table(app)["report_id"], anomaly_table(app)["rule"])) == expected[200:400]
    assert f"第 2 / {math.ceil(len(expected) / 200)} 页" in " ".join(c.value for c in app.caption)
    app.multiselect(key="anomaly_severities.zh").select("high").run()      # new filters: back to page 1
    assert app.number_input(key="anomaly_page").value == 1
    assert set(anomaly_table(app)["severity_label"]) == {"高"}


def test_sidebar_and_page_filters_narrow_the_list(open_page, page_store):
    year = fetch(page_store, "select fiscal_year from reports where parse_status <> 'failed' "
                             "group by 1 order by count(*) desc limit 1")[0][0]
    app = open_page("anomalies.py", year=str(year))
    assert not app.exception
    in_year = fetch(page_store, "select count(*) from anomalies a join reports r using (report_id) "
                                "where r.parse_status <> 'failed' and r.fiscal_year = ?", [year])[0][0]
    assert metrics(app)["异常"] == f"{in_year:,}"
    app.multiselect(key="anomaly_severities.zh").select("high").select("medium").run()
    assert not app.exception
    expected = fetch(page_store, "select count(*), count(distinct a.report_id) from anomalies a "
                                 "join reports r using (report_id) where r.parse_status <> 'failed' "
                                 "and r.fiscal_year = ? and a.severity in ('high', 'medium')", [year])[0]
    assert (metrics(app)["异常"], metrics(app)["涉及报告"]) == (f"{expected[0]:,}", f"{expected[1]:,}")
    table = anomaly_table(app)
    assert len(table) == min(expected[0], 200)
    assert set(table["severity_label"]) <= {"高", "中"}
    assert set(table["fiscal_year"]) == {year}


def test_the_sidebar_rule_filter_lists_that_rule_only_and_says_so(open_page, page_store):
    """The sidebar's rule selects reports on every page; here it also selects the anomalies,
    so other rules' anomalies of those reports do not crowd the list, and the page says so."""
    app = open_page("anomalies.py", rule="OVERSPEND_LINE")
    assert not app.exception
    only = fetch(page_store, "select count(*), count(distinct report_id) from anomalies a "
                             "join reports r using (report_id) "
                             "where r.parse_status <> 'failed' and a.rule = 'OVERSPEND_LINE'")[0]
    others = fetch(page_store, "select count(*) from anomalies a join reports r using (report_id) "
                               "where r.parse_status <> 'failed' and a.rule <> 'OVERSPEND_LINE' and a.report_id in "
                               "(select report_id from anomalies where rule = 'OVERSPEND_LINE')")[0][0]
    assert others > 0                   # the reports have other anomalies, which stay out
    assert (metrics(app)["异常"], metrics(app)["涉及报告"]) == (f"{only[0]:,}", f"{only[1]:,}")
    assert set(anomaly_table(app)["rule"]) == {"OVERSPEND_LINE"}
    assert any("同一报告的其他异常不列出" in c.value and "OVERSPEND_LINE" in c.value for c in app.caption)
    assert app.multiselect(key="anomaly_rules.zh").options == ["OVERSPEND_LINE 科目超计划支出"]


def test_counts_by_rule_and_by_unit(open_page, page_store):
    app = open_tab(open_page("anomalies.py"), "anomalies_tab", "按规则与单位统计")
    by_rule = dict(fetch(page_store, "select a.rule, count(*) from anomalies a join reports r using (report_id) "
                                     "where r.parse_status <> 'failed' group by 1"))
    rule_table = next(f.value for f in app.dataframe if "rule_name" in f.value and "confirmed" in f.value)
    assert dict(zip(rule_table["rule"], rule_table["anomalies"])) == by_rule
    assert rule_table.set_index("rule").loc["OVERSPEND_LINE", "rule_name"] == "科目超计划支出"
    # Most anomalies first; among equals, most high-severity ones, then by name.
    by_unit = fetch(page_store, "select r.implementing_unit, count(*) from anomalies a join reports r "
                                "using (report_id) where r.parse_status <> 'failed' group by 1 "
                                "order by 2 desc, count(*) filter (a.severity = 'high') desc, 1 limit 20")
    unit_table = unit_names(next(f.value for f in app.dataframe if "implementing_unit" in f.value and "high" in f.value))
    assert list(zip(unit_table["implementing_unit"], unit_table["anomalies"])) == by_unit
    assert len(app.get("plotly_chart")) == 2


def test_triage_confirm_dismiss_reopen_round_trip(own_store):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("app_pages/anomalies.py").run()
    before = anomaly_table(app)
    picked = [(before["report_id"].iloc[i], before["rule"].iloc[i]) for i in (0, 2)]
    # AppTest cannot click a dataframe's rows; a keyed selection is set through session state.
    app.session_state["anomaly_table"] = {"selection": {"rows": [0, 2]}}
    app.run()
    assert not app.exception
    assert app.subheader[0].value == "审核所选的 2 条异常"
    assert len(app.table) == 2                                  # each selected anomaly's evidence
    assert "尚未审核。" in [t.value for t in app.text]

    app.text_input(key="anomaly_reviewer").input("审计员甲")
    app.button(key="anomaly_dismiss").click().run()            # dismissing needs a reason
    assert [e.body for e in app.error] == ["排除异常时请在审核意见中说明理由。"]
    assert fetch(own_store, "select count(*) from reviews")[0][0] == 0

    app.text_area(key="anomaly_comment").input("已核实，单位已说明")
    app.button(key="anomaly_confirm").click().run()
    assert not app.exception
    assert [s.body for s in app.success] == ["已记录 2 条审核结论：已确认。"]
    reviews = fetch(own_store, "select report_id, rule, status, comment, reviewer from reviews order by report_id")
    assert sorted((r[0], r[1]) for r in reviews) == sorted(picked)
    assert {r[2:] for r in reviews} == {("confirmed", "已核实，单位已说明", "审计员甲")}
    after = anomaly_table(app)
    statuses = {(rid, rule): status
                for rid, rule, status in zip(after["report_id"], after["rule"], after["status_label"])}
    assert [statuses[key] for key in picked] == ["已确认", "已确认"]
    assert metrics(app)["已确认"] == "2"
    # The reviewed rows stay selected: their history shows the verdict.
    history = [f.value for f in app.dataframe
               if list(f.value.columns) == ["status", "comment", "reviewer", "reviewed_at"]]
    assert [h["status"].tolist() for h in history] == [["已确认"], ["已确认"]]
    assert app.text_area(key="anomaly_comment").value == ""

    app.button(key="anomaly_reopen").click().run()
    assert fetch(own_store, "select status, count(*) from reviews group by 1 order by 1") == [
        ("confirmed", 2), ("open", 2)]
    assert metrics(app)["已确认"] == "0"

    # The reviewer's name is remembered across pages.
    app.switch_page("app_pages/overview.py").run()
    app.switch_page("app_pages/anomalies.py").run()
    app.session_state["anomaly_table"] = {"selection": {"rows": [1]}}
    app.run()
    assert app.text_input(key="anomaly_reviewer").value == "审计员甲"


def test_a_review_whose_anomaly_stopped_firing_shows_as_resolved_by_the_data(own_store):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    report_id, file_name = fetch(own_store, "select report_id, file_name from reports where report_id not in "
                                            "(select report_id from anomalies where rule = 'YEAR_MISMATCH') "
                                            "and parse_status <> 'failed' order by file_name limit 1")[0]
    conn = store.open_store(own_store)
    store.add_reviews(conn, [{"report_id": report_id, "rule": "YEAR_MISMATCH", "subject": None,
                              "status": "confirmed", "comment": "引用了上年度数据"}], reviewer="审计员乙")
    conn.close()
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("app_pages/anomalies.py").run()
    assert not app.exception
    assert not [f for f in app.dataframe if "total" in f.value]        # its tab closed: not drawn
    open_tab(app, "anomalies_tab", "数据已消除的审核")
    resolved = next(f.value for f in app.dataframe if "total" in f.value)
    assert resolved[["file_name", "rule", "status_label", "comment", "reviewer"]].values.tolist() == [
        [file_name, "YEAR_MISMATCH", "已确认", "引用了上年度数据", "审计员乙"]]


def test_english_labels_and_messages(open_page, page_store):
    app = open_page("anomalies.py", lang="en")
    assert not app.exception
    assert app.header[0].value == "Anomalies"
    assert {"Anomalies", "High", "Open", "Confirmed", "Dismissed"} <= set(metrics(app))
    table = anomaly_table(app)
    first = fetch(page_store, "select message_en from anomalies where report_id = ? and rule = ?",
                  [table["report_id"].iloc[0], table["rule"].iloc[0]])[0][0]
    assert table["message_shown"].iloc[0] == first
    assert table["severity_label"].iloc[0] == "High"
    assert [t.label for t in app.tabs] == ["List and triage", "Counts by rule and unit", "Resolved by the data"]


def test_a_rule_bar_sets_the_lists_rule_and_a_unit_bar_the_unit_filter(open_page, page_store):
    app = open_tab(open_page("anomalies.py"), "anomalies_tab", "按规则与单位统计")
    element = chart_named(app, "anomalies_by_rule_chart")
    rule = json.loads(element.proto.spec)["data"][0]["customdata"][0][0]
    click_chart(app, element, trace=0, index=0)
    assert not app.exception
    assert app.multiselect(key="anomaly_rules.zh").value == [rule]
    assert set(anomaly_table(open_tab(app, "anomalies_tab", "列表与审核"))["rule"]) == {rule}

    open_tab(app, "anomalies_tab", "按规则与单位统计")
    element = chart_named(app, "anomalies_by_unit_chart")
    unit = json.loads(element.proto.spec)["data"][0]["customdata"][0][0]
    click_chart(app, element, trace=0, index=0)
    assert not app.exception
    assert app.multiselect(key="f_units").value == [unit]
    in_unit = fetch(page_store, "select count(*) from anomalies a join reports r using (report_id) "
                                "where r.parse_status <> 'failed' and r.implementing_unit = ? and a.rule = ?",
                    [unit, rule])[0][0]
    assert metrics(app)["异常"] == f"{in_unit:,}"


def test_a_selection_follows_its_anomaly_when_an_ingest_moves_the_rows(own_store):
    # Twenty auditors while an ingest ran (bench/sessions.py): one ticked a row, the ingest's
    # new anomalies sorted in above it while the comment was typed, and the form (and the
    # verdict) went to the anomaly now at that position.
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("app_pages/anomalies.py").run()
    before = anomaly_table(app)
    ticked = (before["report_id"].iloc[2], before["rule"].iloc[2])
    app.session_state["anomaly_table"] = {"selection": {"rows": [2]}}
    app.run()
    conn = store.connect(own_store)                    # a report lands whose high anomaly sorts first
    source = conn.execute("select report_id from anomalies where severity = 'high' limit 1").fetchall()[0][0]
    number = conn.execute("select max(report_no) + 1 from reports").fetchall()[0][0]
    for table, changes in (("reports", "report_id = 'aaaaaaaaaaaaaaaa', file_name = '0-新到报告.docx'"),
                           ("anomalies", "report_id = 'aaaaaaaaaaaaaaaa'")):
        conn.execute(f"create temp table landed as select * from {table} where report_id = ?", [source])
        conn.execute(f"update landed set {changes}, report_no = ?", [number])
        conn.execute(f"insert into {table} select * from landed")
        conn.execute("drop table landed")
    conn.close()
    app.run()
    after = anomaly_table(app)
    assert after["report_id"].iloc[0] == "aaaaaaaaaaaaaaaa"
    moved = list(zip(after["report_id"], after["rule"])).index(ticked)
    assert app.session_state["anomaly_table"]["selection"]["rows"] == [moved]
    app.text_input(key="anomaly_reviewer").input("审计员甲")
    app.text_area(key="anomaly_comment").input("已核实")
    app.button(key="anomaly_confirm").click().run()
    assert not app.exception
    assert fetch(own_store, "select report_id, rule from reviews") == [ticked]


def test_only_the_open_tab_is_drawn_and_the_lists_page_outlives_a_visit_to_another(open_page, page_store):
    app = open_page("anomalies.py")
    assert not app.get("plotly_chart")                              # the counts' charts wait for their tab
    pages = app.number_input(key="anomaly_page").max
    assert pages >= 2
    app.number_input(key="anomaly_page").set_value(2).run()
    second = anomaly_table(app)["rule"].tolist()
    open_tab(app, "anomalies_tab", "按规则与单位统计")
    assert {chart.proto.id for chart in app.get("plotly_chart")} and not app.get("number_input")
    open_tab(app, "anomalies_tab", "列表与审核")
    assert app.number_input(key="anomaly_page").value == 2 and anomaly_table(app)["rule"].tolist() == second
