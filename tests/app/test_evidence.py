"""An anomaly's evidence as a table of labelled items in the page's language (never raw
JSON), DUPLICATE_REPORT's panel with the other report and both texts, and the pair triaged
once (with_counterparts)."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import fetch

from app_pages.anomalies_parts import DUPLICATE_RULE, evidence_rows, with_counterparts
from app_pages.text_marks import marked_markdown, shared_passages

# Markdown escapes and word joiners the table's cells carry so that they show as written.
ESCAPE = re.compile(r"\\(.)")


def shown(cell: str) -> str:
    return ESCAPE.sub(r"\1", cell).replace("\u2060", "").replace("\u00a0", " ")


def test_each_key_gets_its_label_nested_values_flattened_unknown_keys_humanised():
    evidence = {
        "spent": 1234.5, "execution_rate": 95.19, "rate_is_stated": False, "fiscal_year": 2024,
        "bands": {"优": 90, "良": 80, "中": 60},
        "dates": [{"problem": "before_period_end", "role": "signed", "date": "2021-12-10", "snippet": "2021年12月10日"},
                  {"problem": "evaluated_after_report", "role": "evaluated", "date": "2022-01-05", "snippet": None}],
        "missing": ["budget", "self_score"],
        "target": {"comparator": ">=", "value": 2400, "unit": "人次"},
        "sources": {"spent": {"snippet": "实际支出（万元）：1234.5", "block": 3, "row": 9, "col": 1, "method": "table",
                              "note": "元 → 万元"},
                    "budget_adjusted": None},
        "a_new_key": 7,
    }
    assert evidence_rows(json.dumps(evidence, ensure_ascii=False)) == [
        ("实际支出（万元）", "1,234.5"),
        ("预算执行率 %", "95.19%"),
        ("比率取报告所称（数字不足以计算）", "否"),
        ("报告年度", "2024"),
        ("等级分数线", "优 ≥ 90、良 ≥ 80、中 ≥ 60"),
        ("有问题的日期（1）", "问题：早于项目结束日；用途：签字日期；日期：2021-12-10；原文片段：2021年12月10日"),
        ("有问题的日期（2）", "问题：评价晚于报告日期；用途：评价日期；日期：2022-01-05"),
        ("未能提取的字段", "预算、自评得分"),
        ("目标（读作）", "≥ 2,400 人次"),
        ("出处：实际支出（万元）", "“实际支出（万元）：1234.5”（表格；说明：元 → 万元）"),
        ("出处：调整后预算（万元）", "（报告中未找到）"),
        ("A new key", "7"),                        # a key no rule wrote yet: shown, not dropped
    ]


def test_every_stored_evidence_reads_in_chinese(page_store):
    """Whatever the rules recorded, the zh table has Chinese labels and no JSON."""
    for rule, evidence in fetch(page_store, "select rule, evidence from anomalies"):
        for item, value in evidence_rows(evidence):
            assert not re.search(r"[A-Za-z]", item), (rule, item)
            assert not value.lstrip().startswith(("{", "[")) and '":' not in value, (rule, item, value)


def open_report(open_page, report_id: str, **query):
    app = open_page("report.py", **query)
    app.query_params["id"] = report_id
    return app.run()


@pytest.fixture(scope="module")
def duplicate(page_store):
    """A DUPLICATE_REPORT anomaly: its report, subject, the other report's id, both texts."""
    report_id, subject, evidence, file_name = fetch(
        page_store, "select a.report_id, a.subject, a.evidence, r.file_name from anomalies a "
                    "join reports r using (report_id) where a.rule = ? order by a.report_id limit 1",
        [DUPLICATE_RULE])[0]
    other_id = json.loads(evidence)["other_report_id"]
    texts = dict(fetch(page_store, "select report_id, text from report_texts where report_id in (?, ?)",
                       [report_id, other_id]))
    return {"report_id": report_id, "subject": subject, "file_name": file_name, "other_id": other_id,
            "text": texts[report_id], "other_text": texts[other_id]}


def test_the_evidence_is_a_table_with_chinese_labels(open_page, page_store, duplicate):
    app = open_report(open_page, duplicate["report_id"])
    assert not app.exception
    assert not app.json                                            # no raw JSON anywhere
    evidence = app.table[0].value
    assert list(evidence.columns) == ["项目", "内容"]
    items = dict(zip(map(shown, evidence["项目"]), map(shown, evidence["内容"])))
    stored = json.loads(fetch(page_store, "select evidence from anomalies where report_id = ? and rule = ?",
                              [duplicate["report_id"], DUPLICATE_RULE])[0][0])
    assert items["雷同报告文件"] == stored["other_file"] == duplicate["subject"]
    assert items["雷同报告编号"] == duplicate["other_id"]
    assert items["正文相似度"] == f"{stored['similarity']:g}"
    assert items["方法"] == "按 5 字片段计算的文本重合度（杰卡德相似度）；候选对先经最小哈希（局部敏感哈希）筛出"
    for key in stored:
        assert key not in items                                    # no English key on the zh page


def test_a_duplicate_links_the_other_report_and_shows_both_texts_marked(open_page, duplicate):
    app = open_report(open_page, duplicate["report_id"])
    link = next(p.proto for p in app.get("page_link") if p.proto.page == "report")
    assert link.label == f"打开雷同报告：{duplicate['subject']}"
    assert link.query_string == f"id={duplicate['other_id']}"
    spans, other_spans = shared_passages(duplicate["text"], duplicate["other_text"])
    assert spans                                                   # a copy shares passages
    markdown = [m.value for m in app.markdown]
    colour = next(re.search(r'background="([^"]+)"', m).group(1) for m in markdown if ':color[' in m)
    assert marked_markdown(duplicate["text"], [(span, colour) for span in spans]) in markdown
    assert marked_markdown(duplicate["other_text"], [(span, colour) for span in other_spans]) in markdown
    assert f"**雷同报告：{duplicate['subject']}**" in markdown
    assert any(c.value.startswith(f"标出的是两份报告相同的段落（连续 12 字以上）：共 {len(spans)} 段")
               for c in app.caption)


def test_english_evidence_labels(open_page, duplicate):
    app = open_report(open_page, duplicate["report_id"], lang="en")
    evidence = app.table[0].value
    assert list(evidence.columns) == ["Item", "Value"]
    assert "Similarity of the narratives" in list(map(shown, evidence["Item"]))


def test_with_counterparts_adds_the_other_half_of_each_pair(page_store, duplicate, monkeypatch):
    monkeypatch.setenv("JIXIAO_DB", str(page_store))
    counterpart = fetch(page_store, "select report_id, subject from anomalies where rule = ? and report_id = ?",
                        [DUPLICATE_RULE, duplicate["other_id"]])
    assert counterpart == [(duplicate["other_id"], duplicate["file_name"])]
    pair = {"report_id": duplicate["report_id"], "rule": DUPLICATE_RULE, "subject": duplicate["subject"]}
    other = {"report_id": duplicate["other_id"], "rule": DUPLICATE_RULE, "subject": duplicate["file_name"]}
    unrelated = {"report_id": duplicate["report_id"], "rule": "OVERSPEND_LINE", "subject": "办公费"}
    try:
        assert with_counterparts([pair, unrelated]) == [pair, unrelated, other]
        assert with_counterparts([other]) == [other, pair]
        assert with_counterparts([pair, other]) == [pair, other]    # both chosen: none twice
        assert with_counterparts([{**pair, "comment": "同一模板"}])[1] == {**other, "comment": "同一模板"}
        assert with_counterparts([unrelated]) == [unrelated]
    finally:
        from app_pages import data

        data.close()


def test_a_pair_is_triaged_once(page_store, duplicate, tmp_path, monkeypatch):
    """A verdict recorded on one anomaly of the pair is recorded on both."""
    from app_pages import data

    db = tmp_path / "pair.duckdb"
    shutil.copy(page_store, db)
    monkeypatch.setenv("JIXIAO_DB", str(db))
    items = [{"report_id": duplicate["report_id"], "rule": DUPLICATE_RULE, "subject": duplicate["subject"],
              "status": "confirmed", "comment": "两份报告正文雷同"}]
    try:
        assert data.write_reviews(with_counterparts(items), "审计员甲") == 2
    finally:
        data.close()
    assert sorted(fetch(db, "select report_id, subject, status, comment from reviews")) == sorted([
        (duplicate["report_id"], duplicate["subject"], "confirmed", "两份报告正文雷同"),
        (duplicate["other_id"], duplicate["file_name"], "confirmed", "两份报告正文雷同")])
