"""报告详情: one report's fields with provenance, funding, lines, indicators, anomalies, text and
original; the search without an id; an unknown id; English; report text shown as text."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from conftest import CORPUS, fetch

from ingest import PARSER_VERSION, store
from ingest.pipeline import parse_bytes

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
    fields = frame_with(app, "field", "value", "snippet").set_index("field")
    assert fields.loc["spent", "value"] == spent
    assert fields.loc["spent", "field_label"] == "实际支出（万元）"
    snippet, method = fetch(page_store, "select snippet, method from provenance "
                                        "where report_id = ? and field = 'spent'", [rid])[0]
    assert fields.loc["spent", "snippet"] == snippet
    assert fields.loc["spent", "method_label"] == {"table": "表格", "label": "标签行", "text": "正文",
                                                   "derived": "推导", "title": "标题"}[method]
    assert fields.loc["execution_rate", "method"] == "computed"
    assert fields["extracted"].all()
    file_info = [f.value for f in app.dataframe if {"field", "value", "extracted"} <= set(f.value.columns)][1]
    assert file_info.set_index("field").loc["file_name", "value"] == file_name

    lines = frame_with(app, "line_no", "category", "actual")
    expected = fetch(page_store, "select category, actual from budget_lines where report_id = ? order by line_no",
                     [rid])
    assert list(zip(lines["category"], lines["actual"])) == expected
    line_snippets = fetch(page_store, "select snippet from provenance where report_id = ? "
                                      "and field like 'budget_lines.%' "
                                      "order by cast(split_part(field, '.', 2) as integer)", [rid])
    assert lines["snippet"].tolist() == [s for (s,) in line_snippets]
    funding = frame_with(app, "source", "planned", "arrived")
    assert sorted(funding["source"]) == sorted(s for (s,) in fetch(
        page_store, "select source from funding_sources where report_id = ?", [rid]))

    indicators = frame_with(app, "level1", "name", "weight")
    assert indicators["name"].tolist() == [n for (n,) in fetch(
        page_store, "select name from indicators where report_id = ? order by line_no", [rid])]

    anomalies = frame_with(app, "rule", "status_label", "message_shown")
    assert sorted(anomalies["rule"]) == sorted(r for (r,) in fetch(
        page_store, "select rule from anomalies where report_id = ?", [rid]))
    assert set(anomalies["status_label"]) == {"待审核"}
    assert len(app.json) == len(anomalies)                          # each anomaly's evidence

    text = fetch(page_store, "select text from report_texts where report_id = ?", [rid])[0][0]
    assert app.code[0].value == text
    assert [t.label for t in app.tabs][:2] == ["字段与来源", "资金与支出明细"]

    # The original, as archived, under its own file name.
    from streamlit.runtime.memory_media_file_storage import _calculate_file_id

    original = (store.archive_dir(page_store) / archive_path).read_bytes()
    assert hashlib.sha256(original).hexdigest() == sha
    button = app.get("download_button")[0].proto
    assert button.label == f"下载原件（{file_name}）"
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert _calculate_file_id(original, mime, file_name) in button.url


def test_a_unit_conversion_and_a_partial_report_are_explained(open_page, page_store):
    rid, field, note = fetch(page_store, "select report_id, field, note from provenance "
                                         "where note like '%元 → %万元' and field = 'spent' order by report_id limit 1")[0]
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
    assert [t.label for t in app.tabs][0] == "Fields and provenance"
    fields = frame_with(app, "field", "value", "snippet").set_index("field")
    assert fields.loc["spent", "field_label"] == "Spent (10k yuan)"
    assert "Extracted fields" in [s.value for s in app.subheader]


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
    assert store.write_batch(conn, [store.report_rows(report, meta)]) == []
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
    # The archived original is gone: said plainly, no button.
    assert any("归档原件缺失" in w.body for w in app.warning)
    assert not app.get("download_button")
