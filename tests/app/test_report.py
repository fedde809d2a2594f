"""报告详情: one report's fields with provenance, funding, lines, indicators, anomalies, text and
original; the search without an id; an unknown id; English; report text shown as text."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from conftest import CORPUS, fetch

from app_pages.filters import TEXT_LIMIT
from ingest import PARSER_VERSION, store
from ingest.parse import parse_bytes
from ingest.rows import report_rows

HTML = "<script>alert(1)</script>"


def frame_with(app, *columns):
    return next(f.value for f in app.dataframe if set(columns) <= set(f.value.columns))


def open_report(open_page, report_id: str, **query):
    """The report page with ?id=… (the first run lands on the overview, which keeps no id)."""
    app = open_page("report.py", **query)
    app.query_params["id"] = report_id
    return app.run()


@pytest.fixture(scope="module")
def full_report(page_store):
    """A report with funding sources, budget lines, indicators and anomalies."""
    return fetch(page_store, """
        select r.report_id from reports r
        where exists (select 1 from funding_sources f where f.report_id = r.report_id)
          and exists (select 1 from budget_lines l where l.report_id = r.report_id)
          and exists (select 1 from indicators i where i.report_id = r.report_id)
          and exists (select 1 from anomalies a where a.report_id = r.report_id)
        order by r.file_name limit 1""")[0][0]


def test_a_report_shows_its_fields_provenance_lines_indicators_anomalies_and_text(open_page, page_store, full_report):
    app = open_report(open_page, full_report)
    assert not app.exception
    rid = full_report
    project, file_name, spent, archive_path, sha = fetch(
        page_store, "select project_name, file_name, spent::varchar, archive_path, file_sha256 from reports "
                    "where report_id = ?", [rid])[0]
    assert app.subheader[0].value == project
    # The values beside the text and, in the provenance tab, the same fields with where they were read.
    values, fields = [f.value for f in app.dataframe if {"field", "value", "snippet"} <= set(f.value.columns)][:2]
    assert values.set_index("field").loc["spent", "value"] == spent
    fields = fields.set_index("field")
    assert fields.loc["spent", "value"] == spent
    assert fields.loc["spent", "field_label"] == "实际支出（万元）"
    snippet, method = fetch(page_store, "select snippet, method from provenance "
                                        "where report_id = ? and field = 'spent' and witness_no = 0", [rid])[0]
    assert fields.loc["spent", "snippet"] == snippet
    assert fields.loc["spent", "method_label"] == {"table": "表格", "label": "标签行", "text": "正文",
                                                   "derived": "推导", "title": "标题"}[method]
    assert fields.loc["execution_rate", "method"] == "computed"
    assert fields["extracted"].all()
    file_info = next(f.value for f in app.dataframe
                     if {"field", "value", "extracted"} <= set(f.value.columns) and not f.value["extracted"].any())
    assert file_info.set_index("field").loc["file_name", "value"] == file_name

    lines = frame_with(app, "line_no", "category", "actual")
    expected = fetch(page_store, "select category, actual from budget_lines where report_id = ? order by line_no",
                     [rid])
    assert list(zip(lines["category"], lines["actual"])) == expected
    line_snippets = fetch(page_store, "select snippet from provenance where report_id = ? "
                                      "and field like 'budget_lines.%' and witness_no = 0 "
                                      "order by cast(split_part(field, '.', 2) as integer)", [rid])
    assert lines["snippet"].tolist() == [s for (s,) in line_snippets]
    funding = frame_with(app, "source", "planned", "arrived")
    assert sorted(funding["source"]) == sorted(s for (s,) in fetch(
        page_store, "select source from funding_sources where report_id = ?", [rid]))

    indicators = frame_with(app, "level1", "name", "weight")
    assert indicators["name"].tolist() == [n for (n,) in fetch(
        page_store, "select name from indicators where report_id = ? order by line_no", [rid])]

    # Each anomaly open, with its evidence as a table.
    rules = [r for (r,) in fetch(page_store, "select rule from anomalies where report_id = ?", [rid])]
    panels = [e for e in app.expander if any(f" · {rule} " in e.label for rule in rules)]
    assert len(panels) == len(rules) and all(p.proto.expanded for p in panels)
    assert all(p.label.endswith(" · 待审核") for p in panels)
    assert len(app.table) >= len(rules) and not app.json

    text = fetch(page_store, "select text from report_texts where report_id = ?", [rid])[0][0]
    assert app.code[0].value == text
    assert [t.label for t in app.tabs][:2] == ["来源详情", "资金与支出明细"]

    # The original, as archived, under its own file name.
    from streamlit.runtime.memory_media_file_storage import _calculate_file_id

    original = (store.archive_dir(page_store) / archive_path).read_bytes()
    assert hashlib.sha256(original).hexdigest() == sha
    button = app.get("download_button")[0].proto
    assert button.label == f"下载原件（{file_name}）"
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert _calculate_file_id(original, mime, file_name) in button.url


# -- the summary card, the anomalies open, the text beside the values -----------------------------
def walk(node) -> list:
    """The page's elements in the order they are drawn."""
    found = [node]
    for child in getattr(node, "children", {}).values():
        found += walk(child)
    return found


def corpus_report(page_store, name: str) -> tuple[str, dict]:
    truth = json.loads((CORPUS / f"{name}.truth.json").read_text(encoding="utf-8"))
    return fetch(page_store, "select report_id from reports where file_name = ?", [truth["file"]])[0][0], truth


def test_the_summary_card_shows_the_reports_figures_first(open_page, page_store):
    rid, truth = corpus_report(page_store, "dev-005")
    report = truth["report"]
    app = open_report(open_page, rid)
    assert not app.exception
    card = {m.label: m.value for m in app.metric}
    budget = report["budget_adjusted"] or report["budget_planned"]
    severities = dict(fetch(page_store, "select severity, count(*) from anomalies where report_id = ? group by 1",
                            [rid]))
    assert card == {
        "预算（万元）": f"{budget:g}", "到位资金（万元）": f"{report['funds_arrived']:g}",
        "实际支出（万元）": f"{report['spent']:g}",
        "资金到位率": f"{round(report['funds_arrived'] / budget * 100, 2):g}%",
        "预算执行率": f"{round(report['spent'] / budget * 100, 2):g}%",
        "自评得分": f"{report['self_score']:g}", "自评等级": report["grade"],
        "解析状态": {"ok": "完整", "partial": "部分缺失"}[truth["parse_status"]],
        "异常": str(sum(severities.values())),
    }
    badges = next(m.value for m in app.markdown if "-badge[" in m.value)
    for severity, label in (("high", "高"), ("medium", "中"), ("low", "低"), ("info", "提示")):
        assert f"-badge[{label} {severities.get(severity, 0)}]" in badges
    stated = f"报告所称：到位率 {report['arrival_rate_stated']:g}%；执行率 {report['execution_rate_stated']:g}%"
    assert stated in [c.value for c in app.caption]
    # Nothing but the title, the project and the file line before the card.
    kinds = [getattr(e, "type", None) for e in walk(app.main) if getattr(e, "type", None) not in (
        None, "empty", "flex_container", "column", "main")]
    assert kinds[:4] == ["header", "subheader", "caption", "metric"]
    # Then the anomalies, open, before the text.
    order = [e.label if e.type == "expander" else e.value for e in walk(app.main)
             if getattr(e, "type", None) in ("expander", "subheader")]
    assert order.index(f"异常（{sum(severities.values())}）") < order.index("原文与提取值")
    panels = [e for e in app.expander if e.proto.expanded]
    assert len(panels) == sum(severities.values())
    assert all(order.index(p.label) < order.index("原文与提取值") for p in panels)


def document(app) -> str:
    """The text as marked in the document pane (the longest markdown on the page)."""
    return max((m.value for m in app.markdown), key=len)


def test_the_text_marks_each_key_values_source_and_a_picked_field(open_page, page_store):
    from app_pages.text_marks import KEY_SOURCES, PICKED_COLOUR, WITNESS_COLOUR, escape_line, swatch

    rid, truth = corpus_report(page_store, "dev-005")
    app = open_report(open_page, rid)
    text = fetch(page_store, "select text from report_texts where report_id = ?", [rid])[0][0]
    marked = document(app)
    money, _ = KEY_SOURCES["money"]
    score, _ = KEY_SOURCES["score"]
    # dev-005 states its spending in a table row "实际支出（万元） | 27.36": the cell is marked
    # (the cell separator escaped, so that the line is no markdown table).
    assert "实际支出（万元） | 27.36" in text
    spent_row, score_row = escape_line("实际支出（万元） | "), escape_line("综合得分 | ")
    assert spent_row + swatch("27.36", money) in marked
    assert score_row + swatch("95分", score) in marked
    legend = next(m.value for m in app.markdown if swatch("金额", money) in m.value)
    assert swatch("得分与等级", score) in legend
    # Picking a field marks its source alone, and shows its line on top.
    app.selectbox(key="report_source_pick").select("spent").run()
    assert not app.exception
    marked = document(app)
    assert spent_row + swatch("27.36", PICKED_COLOUR) in marked
    assert money not in marked
    # Its witnesses (the narrative's "实际支出27.36万元") in their own colour.
    witnesses = fetch(page_store, "select count(*) from provenance where report_id = ? and field = 'spent' "
                                  "and witness_no > 0 and method <> 'computed'", [rid])[0][0]
    assert witnesses and marked.count(WITNESS_COLOUR) == witnesses
    line = text[:text.index("实际支出（万元） | 27.36")].count("\n") + 1
    assert f"出处在第 {line} 行（共标出 {witnesses + 1} 处）：" in [c.value for c in app.caption]
    assert spent_row + swatch("27.36", PICKED_COLOUR) in [m.value for m in app.markdown]


def test_a_unit_conversion_and_a_partial_report_are_explained(open_page, page_store):
    rid, field, note = fetch(page_store, "select report_id, field, note from provenance where note like '%元 → %万元' "
                                         "and field = 'spent' and witness_no = 0 order by report_id limit 1")[0]
    app = open_report(open_page, rid)
    fields = frame_with(app, "field", "value", "snippet").set_index("field")
    assert fields.loc[field, "note"] == note
    partial, missing = fetch(page_store, "select report_id, missing_fields from reports where parse_status = 'partial' "
                                         "order by file_name limit 1")[0]
    app.query_params["id"] = partial
    app.run()
    assert not app.exception
    assert [w.body for w in app.warning][0].startswith("部分字段缺失")
    labels = {"spent": "实际支出（万元）", "budget": "预算", "self_score": "自评得分", "funds_arrived": "到位资金（万元）",
              "grade": "自评等级", "fiscal_year": "年度", "project_name": "项目名称", "implementing_unit": "项目单位"}
    import json

    assert f"未能提取的字段：{'、'.join(labels[m] for m in json.loads(missing))}" in [t.value for t in app.text]
    app.query_params["lang"] = "en"
    app.session_state["lang"] = "en"
    app.run()
    english = [t.value for t in app.text if t.value.startswith("Fields not found: ")]
    assert len(english) == 1 and english[0].count(", ") == len(json.loads(missing)) - 1 and "、" not in english[0]


def test_without_an_id_a_search_sets_the_id_in_the_url(open_page, page_store):
    year = fetch(page_store, "select fiscal_year from reports group by 1 order by count(*) desc limit 1")[0][0]
    app = open_page("report.py", year=str(year))
    assert not app.exception
    file_name, rid, project = fetch(page_store, "select file_name, report_id, project_name from reports "
                                                "where fiscal_year = ? and file_name like 'dev-%' order by file_name "
                                                "limit 1", [year])[0]
    app.text_input(key="report_search").input(file_name).run()
    pick = app.selectbox(key="report_pick")
    assert pick.options == [next(o for o in pick.options if o.startswith(file_name))]
    # Another year's report is not offered while the sidebar filters on this one.
    other = fetch(page_store, "select file_name from reports where fiscal_year <> ? order by file_name limit 1",
                  [year])[0][0]
    app.text_input(key="report_search").input(other).run()
    assert [i.body for i in app.info] == ["没有匹配的报告。"]
    app.text_input(key="report_search").input(file_name).run()
    app.selectbox(key="report_pick").select(rid).run()
    assert not app.exception
    assert app.query_params["id"] == rid
    assert app.query_params["year"] == str(year)
    assert app.subheader[0].value == project


def test_the_search_takes_several_words_each_of_which_must_match(open_page, page_store):
    project, unit = fetch(page_store, "select project_name, implementing_unit from reports where "
                                      "file_name like 'dev-%' and length(project_name) >= 4 order by file_name "
                                      "limit 1")[0]
    words = [project[:2], unit[-3:]]
    want = fetch(page_store, "select count(*) from reports r where parse_status <> 'failed' and "
                             + " and ".join(["contains(lower(concat_ws(chr(10), file_name, project_name, "
                                             "implementing_unit)), lower(?))"] * 2), words)[0][0]
    either = fetch(page_store, "select count(*) from reports where parse_status <> 'failed' and ("
                               + " or ".join(["contains(lower(concat_ws(chr(10), file_name, project_name, "
                                              "implementing_unit)), lower(?))"] * 2) + ")", words)[0][0]
    assert 1 <= want < either
    app = open_page("report.py")
    app.text_input(key="report_search").input(" ".join(words)).run()
    assert not app.exception
    assert len(app.selectbox(key="report_pick").options) == want
    box = app.text_input(key="report_search")
    assert box.max_chars == TEXT_LIMIT and str(TEXT_LIMIT) in box.help        # a pasted paragraph fits, as said


def test_an_unknown_id_says_so_and_offers_the_search(open_page):
    app = open_report(open_page, "0000000000000000")
    assert not app.exception
    assert [w.body for w in app.warning] == ["没有编号为 0000000000000000 的报告。"]
    assert app.selectbox(key="report_pick").value is None
    assert not app.code


def test_english_labels(open_page, full_report):
    app = open_report(open_page, full_report, lang="en")
    assert not app.exception
    assert app.header[0].value == "Report"
    assert [t.label for t in app.tabs][0] == "Provenance in detail"
    fields = frame_with(app, "field", "value", "snippet").set_index("field")
    assert fields.loc["spent", "field_label"] == "Spent (10k yuan)"
    subheaders = [s.value for s in app.subheader]
    assert "Extracted fields" in subheaders and "The text and the values read from it" in subheaders
    assert {m.label for m in app.metric} == {
        "Budget (10k yuan)", "Funds arrived (10k yuan)", "Spent (10k yuan)", "Arrival rate", "Execution rate",
        "Self-score", "Grade", "Parse status", "Anomalies"}
    assert not [e.label for e in app.expander if "待审核" in e.label]
    evidence = app.table[0].value
    assert list(evidence.columns) == ["Item", "Value"]


@pytest.fixture
def html_store(tmp_path, monkeypatch):
    """A store holding one .txt report whose text carries an HTML script, archived nowhere."""
    data = (CORPUS / "dev-021.txt").read_bytes() + f"\r\n附注：{HTML} **粗体** [链接](http://example.com)\r\n".encode()
    report, file_format, _, encoding = parse_bytes(data, "html.txt")
    sha = hashlib.sha256(data).hexdigest()
    meta = {"report_id": sha[:16], "file_name": "html.txt", "sha256": sha, "file_format": file_format,
            "parser_version": PARSER_VERSION, "ingested_at": dt.datetime.now(),
            "archive_path": f"{sha[:2]}/{sha}.txt", "encoding": encoding}
    db = tmp_path / "html.duckdb"
    conn = store.open_store(db)
    assert store.write_batch(conn, [report_rows(report, meta)]) == []
    conn.close()
    monkeypatch.setenv("JIXIAO_DB", str(db))
    return db, sha[:16]


def test_report_text_with_html_is_shown_as_text(html_store):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    db, rid = html_store
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("app_pages/report.py")
    app.query_params["id"] = rid
    app.run()
    assert not app.exception
    assert HTML in app.code[0].value
    assert app.code[0].proto.language in ("", "plaintext", "text")
    for element in list(app.markdown) + list(app.caption):
        assert HTML not in element.value
    # In the document pane the same words, escaped: shown as written, never rendered.
    marked = max((m.value for m in app.markdown), key=len)
    assert "附注：\\<script\\>alert(1)\\</script\\> \\*\\*粗体\\*\\* \\[链接\\](http\\://\u2060example.com)" in marked
    # The archived original is gone: said plainly, no button.
    assert any("归档原件缺失" in w.body for w in app.warning)
    assert not app.get("download_button")


# -- witnesses of key figures (provenance rows witness_no 1..; SPEC §2) ---------------------

DOUBT = "合计行与其中各行之和不一致"
INDICATOR_DOUBT = "绩效指标表只读到一部分"
AGREEING = "全年实际支出39.98万元"
DISAGREEING = "支出明细各行之和：<b>41.5</b>"
BUDGET_WITNESS = "项目年初预算40万元"


@pytest.fixture(scope="module")
def witness_store(tmp_path_factory):
    """Two narrative reports. dev-021's spent (39.98, as stored) has two witnesses, a sentence
    that agrees and a sum of lines (41.5) that does not, and a doubt; its budget_planned (42)
    a sentence that disagrees (40) and no doubt; its budget line 3 one agreeing witness; its
    indicator table a doubt with no value. dev-022 has no witness at all. Whatever witnesses
    and doubts the parser found are cleared first, so the test decides them."""
    db = tmp_path_factory.mktemp("witnesses") / "witnesses.duckdb"
    conn = store.open_store(db)
    ids = {}
    for name in ("dev-021.txt", "dev-022.txt"):
        data = (CORPUS / name).read_bytes()
        report, file_format, _, encoding = parse_bytes(data, name)
        sha = hashlib.sha256(data).hexdigest()
        ids[name] = sha[:16]
        meta = {"report_id": sha[:16], "file_name": name, "sha256": sha, "file_format": file_format,
                "parser_version": PARSER_VERSION, "ingested_at": dt.datetime.now(),
                "archive_path": None, "encoding": encoding}
        assert store.write_batch(conn, [report_rows(report, meta)]) == []
    rid, other = ids["dev-021.txt"], ids["dev-022.txt"]
    conn.execute("delete from provenance where report_id in (?, ?) and (witness_no > 0 or field = 'indicators')",
                 [rid, other])
    conn.execute("update provenance set agrees = null, doubt = null where report_id in (?, ?)", [rid, other])
    assert conn.execute("select budget_planned, spent from reports where report_id = ?", [rid]).fetchall() == [
        (42.0, 39.98)]
    line_3 = conn.execute("select actual from budget_lines where report_id = ? and line_no = 3",
                          [rid]).fetchall()[0][0]
    conn.execute("update provenance set agrees = false, doubt = ? where report_id = ? and field = 'spent'",
                 [DOUBT, rid])
    conn.execute("update provenance set agrees = false where report_id = ? and field = 'budget_planned'", [rid])
    conn.execute("update provenance set agrees = true where report_id = ? and field = 'budget_lines.3'", [rid])
    conn.executemany(
        "insert into provenance (report_id, field, witness_no, value, agrees, method, snippet, note, doubt, block) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            [rid, "spent", 1, 39.98, True, "text", AGREEING, None, None, 3],
            [rid, "spent", 2, 41.5, False, "computed", DISAGREEING, "各行之和", None, 4],
            [rid, "budget_planned", 1, 40.0, False, "text", BUDGET_WITNESS, None, None, 2],
            [rid, "budget_lines.3", 1, line_3, True, "table", "合计行", None, None, 4],
            [rid, "indicators", 0, None, None, "derived", "", None, INDICATOR_DOUBT, None]])
    conn.close()
    return db, rid, other, line_3


def test_report_witnesses_query_gives_the_stored_value_and_each_witness(witness_store):
    import duckdb

    import queries

    db, rid, other, line_3 = witness_store
    conn = duckdb.connect(str(db), read_only=True)
    try:
        witnesses = queries.run(conn, "report_witnesses", report_id=rid)
        stored_snippet = conn.execute("select snippet from provenance where report_id = ? and field = 'spent' "
                                      "and witness_no = 0", [rid]).fetchall()[0][0]
        none = queries.run(conn, "report_witnesses", report_id=other)
        fields = queries.run(conn, "report_fields", report_id=rid)
    finally:
        conn.close()
    assert [(r["field"], r["witness_no"], r["witnesses"]) for r in witnesses.to_dicts()] == [
        ("budget_planned", 0, 1), ("budget_planned", 1, 1), ("budget_adjusted", 0, 0), ("funds_arrived", 0, 0),
        ("spent", 0, 2), ("spent", 1, 2), ("spent", 2, 2),
        ("arrival_rate_stated", 0, 0), ("execution_rate_stated", 0, 0), ("self_score", 0, 0),
        ("budget_lines.3", 0, 1), ("budget_lines.3", 1, 1), ("indicators", 0, 0)]
    columns = ["field", "witness_no", "value", "agrees", "method", "snippet", "note", "doubt"]
    spent = [tuple(r[c] for c in columns) for r in witnesses.filter(field="spent").to_dicts()]
    assert spent == [("spent", 0, 39.98, False, "text", stored_snippet, None, DOUBT),
                     ("spent", 1, 39.98, True, "text", AGREEING, None, None),
                     ("spent", 2, 41.5, False, "computed", DISAGREEING, "各行之和", None)]
    budget_planned = witnesses.filter(field="budget_planned").select("value", "agrees", "method", "snippet", "doubt")
    assert budget_planned.rows()[1:] == [(40.0, False, "text", BUDGET_WITNESS, None)]
    assert witnesses.filter(field="budget_planned").select("value", "agrees", "doubt").rows()[0] == (42.0, False, None)
    assert witnesses.filter(field="funds_arrived").select("value", "agrees", "doubt").rows() == [(42.0, None, None)]
    assert witnesses.filter(field="budget_lines.3")["value"].to_list() == [None, line_3]
    assert witnesses.filter(field="indicators").select("value", "agrees", "doubt").rows() == [
        (None, None, INDICATOR_DOUBT)]
    # Without witnesses the key figures are still listed, each with its stored value alone.
    assert none["field"].to_list() == ["budget_planned", "budget_adjusted", "funds_arrived", "spent",
                                       "arrival_rate_stated", "execution_rate_stated", "self_score"]
    assert none.filter(field="spent").select("value", "witnesses").rows() == [(14.7, 0)]
    assert set(none["witness_no"]) == {0}
    # The fields query carries row 0's summary.
    summary = fields.filter(field="spent").select("value", "witnesses", "agrees", "doubt").rows()
    assert summary == [("39.98", 2, False, DOUBT)]
    assert fields.filter(field="funds_arrived").select("witnesses", "agrees", "doubt").rows() == [(0, None, None)]


def open_witnesses(db, monkeypatch, report_id: str, lang: str | None = None):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    monkeypatch.setenv("JIXIAO_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=60)
    if lang:
        app.query_params["lang"] = lang
    app.run()
    app.switch_page("app_pages/report.py")
    app.query_params["id"] = report_id
    app.run()
    assert not app.exception
    return app


def witness_rows(app) -> list[tuple]:
    frame = frame_with(app, "witness_label", "agreement")
    return [tuple(None if v != v else v for v in row)            # NaN (a blank cell) as None
            for row in frame[["field_label", "witness_label", "value", "agreement", "method_label",
                              "snippet"]].itertuples(index=False)]


def test_the_report_page_shows_each_witness_and_marks_the_one_that_disagrees(witness_store, monkeypatch):
    db, rid, _, line_3 = witness_store
    app = open_witnesses(db, monkeypatch, rid)
    assert "关键数字的旁证" in [s.value for s in app.subheader]
    rows = witness_rows(app)
    spent = [row for row in rows if row[0] == "实际支出（万元）"]
    assert [row[1:4] for row in spent] == [("所存值", 39.98, "✗ 有旁证不一致"), ("旁证 1", 39.98, "✓ 一致"),
                                           ("旁证 2", 41.5, "✗ 不一致")]
    assert [row[4:] for row in spent[1:]] == [("正文", AGREEING), ("计算", DISAGREEING)]
    assert [row[1:4] for row in rows if row[0] == "年初预算（万元）"] == [
        ("所存值", 42.0, "✗ 有旁证不一致"), ("旁证 1", 40.0, "✗ 不一致")]
    assert [row[4:] for row in rows if row[0] == "年初预算（万元）"][1] == ("正文", BUDGET_WITNESS)
    assert [row[1:4] for row in rows if row[0] == "支出明细第 3 行"] == [
        ("所存值", None, "✓ 旁证均一致（1）"), ("旁证 1", line_3, "✓ 一致")]
    assert [row[:4] for row in rows if row[0] == "绩效指标表"] == [("绩效指标表", "所存值", None, None)]
    # Key figures stated once are not repeated here: the fields table above has them.
    assert "到位资金（万元）" not in [row[0] for row in rows]
    doubts = frame_with(app, "witness_label", "agreement").set_index("witness_label")
    assert doubts.loc["所存值"].set_index("field_label").loc["实际支出（万元）", "doubt"] == DOUBT

    warning = next(w.body for w in app.warning if "需核读" in w.body)
    assert warning.split("  \n") == ["以下数字的旁证不一致或存疑，使用前请核读原文：",
                                     "旁证不一致：年初预算（万元） — 旁证 1（正文）写 40，所存值 42",
                                     f"需核读：实际支出（万元） — {DOUBT}",
                                     f"需核读：绩效指标表 — {INDICATOR_DOUBT}"]
    fields = frame_with(app, "field", "value", "snippet").set_index("field")
    assert fields.loc["spent", "witness_check"] == "✗ 有旁证不一致 · ⚠ 需核读"
    assert fields["witness_check"].dropna().to_dict() == {"budget_planned": "✗ 有旁证不一致",
                                                          "spent": "✗ 有旁证不一致 · ⚠ 需核读"}
    assert "没有可比对的旁证" not in " ".join(c.value for c in app.caption)
    # A report's snippet is shown as text, never rendered.
    for element in list(app.markdown) + list(app.caption) + list(app.warning):
        assert "<b>" not in getattr(element, "value", "") + getattr(element, "body", "")


def test_witnesses_in_english(witness_store, monkeypatch):
    db, rid, _, _ = witness_store
    app = open_witnesses(db, monkeypatch, rid, lang="en")
    assert "Witnesses of key figures" in [s.value for s in app.subheader]
    spent = [row for row in witness_rows(app) if row[0] == "Spent (10k yuan)"]
    assert [row[1:] for row in spent] == [
        ("stored value", 39.98, "✗ a witness disagrees", spent[0][4], spent[0][5]),
        ("witness 1", 39.98, "✓ agrees", "narrative", AGREEING),
        ("witness 2", 41.5, "✗ disagrees", "computed", DISAGREEING)]
    warning = next(w.body for w in app.warning if "Needs reading" in w.body)
    assert f"Needs reading: Spent (10k yuan) — {DOUBT}" in warning.split("  \n")
    assert ("Witnesses disagree: Budget planned (10k yuan) — witness 1 (narrative) states 40, stored 42"
            in warning.split("  \n"))
    assert f"Needs reading: Indicator table — {INDICATOR_DOUBT}" in warning.split("  \n")
    fields = frame_with(app, "field", "value", "snippet").set_index("field")
    assert fields.loc["spent", "witness_check"] == "✗ a witness disagrees · ⚠ needs reading"


def test_a_report_without_witnesses_says_so(witness_store, monkeypatch):
    db, _, other, _ = witness_store
    app = open_witnesses(db, monkeypatch, other)
    assert "这份报告的关键数字各只有一处出处，没有可比对的旁证。" in [c.value for c in app.caption]
    assert not any({"witness_label", "agreement"} <= set(f.value.columns) for f in app.dataframe)
    assert not any("需核读" in w.body or "旁证不一致" in w.body for w in app.warning)
    app = open_witnesses(db, monkeypatch, other, lang="en")
    assert "Each key figure of this report is stated once: there is no other witness to compare." in [
        c.value for c in app.caption]
