"""The 复核 working papers (app_pages/papers.py) and the queries that feed them, on a copy of
the corpus store with re-scores and reviews written into it as the /rescore page writes
them. The files are read back as an auditor's programs read them: the workbook with
calamine, the Word documents with python-docx, and LibreOffice renders them to PDF."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import docx
import duckdb
import polars as pl
import pypdfium2
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from python_calamine import CalamineWorkbook

import queries
from app_pages import papers
from app_pages.filters import Filters
from app_pages.i18n import t
from conftest import CORPUS
from ingest import config
from truth import load_truths, norm_text, read_truth, same

# The corpus's reports are judged by the national rule set (no provincial set names their
# provinces), whose grades the papers give.
NATIONAL = config.rule_sets(config.load())[0]
# The bulletin queries' filters; rescore_items adds $report_id.
PARAMS = papers.bulletin_params(Filters().params())
AUTHOR = "张三"
WHEN = dt.datetime(2026, 12, 6, 10, 30)
EARLIER, LATER = dt.datetime(2026, 12, 1, 9, 0), dt.datetime(2026, 12, 3, 15, 0)
DEADLINE = dt.date(2027, 1, 15)
# The first pages, for a person to look at (the brief of this module asks for them there).
PNG_FOLDER = Path("/tmp/papers")
A4_POINTS = (595.3, 841.9)
HEADINGS_OPINION = ["一、基本情况", "二、自评情况", "三、复核情况", "四、发现的问题", "五、复核意见及建议"]
HEADINGS_BULLETIN = ["一、总体情况", "二、发现的主要问题", "三、分部门和单位情况", "四、典型问题", "五、整改要求"]

# The reports re-scored here: a 自评表 with an execution-rate row (dev-029, whose grade is
# wrong for its score and one indicator over its weight), another (dev-006), and a report
# without indicator rows whose execution-rate row a reviewer scored anyway (dev-014).
ZIBIAO, OTHER, PLAIN = "dev-029", "dev-006", "dev-014"
SATISFACTION = "学生及家长满意度"          # dev-029's indicator the reviewer re-scores twice
FIRST_RESCORE, LATEST_RESCORE, EXECUTION_RESCORE = 7.0, 6.0, 8.5
OTHER_INDICATOR, OTHER_RESCORE = "基层医疗机构使用满意度", 5.0
PLAIN_EXECUTION_SELF, PLAIN_EXECUTION_RESCORE = 10.0, 9.0
CRITERION, REASON = "满意度无调查依据", "未提供问卷调查样本，满意度得分无依据"
# A 自评表 whose rows do not add up to its self-score (INDICATOR_SUM_MISMATCH): its indicators
# and its execution-rate row (9.8, as the report states it) add up to 100.8 against 98.8. One
# test re-scores its over-weight indicator (11 of 10 points) down to its weight.
MISMATCH, MISMATCH_EXECUTION_SELF = "dev-009", 9.8
MISMATCH_INDICATOR, MISMATCH_RESCORE = "完成改造方案设计小区数", 10.0


def truth_of(stem: str) -> dict:
    return read_truth(CORPUS / f"{stem}.truth.json")


def grade_of(score: float) -> str:
    return NATIONAL.grade(score)


def execution_self_score(truth: dict) -> float:
    """The execution-rate row's self-score: what the self-score holds beyond the indicators."""
    return round(truth["report"]["self_score"] - sum(i["score"] for i in truth["indicators"]), 4)


def expected_total(stem: str) -> float:
    """The re-scored totals this module's re-scores make, from the truth files."""
    truth = truth_of(stem)
    self_score = truth["report"]["self_score"]
    if stem == ZIBIAO:
        satisfaction = next(i["score"] for i in truth["indicators"] if i["name"] == SATISFACTION)
        return self_score - satisfaction + LATEST_RESCORE - execution_self_score(truth) + EXECUTION_RESCORE
    if stem == OTHER:
        return self_score - next(i["score"] for i in truth["indicators"] if i["name"] == OTHER_INDICATOR) + OTHER_RESCORE
    return self_score - PLAIN_EXECUTION_SELF + PLAIN_EXECUTION_RESCORE


@pytest.fixture(scope="module")
def conn(corpus_store, tmp_path_factory):
    """A copy of the corpus store (others read the original) with re-scores and reviews."""
    path = tmp_path_factory.mktemp("papers") / "papers.duckdb"
    shutil.copy(corpus_store, path)
    connection = duckdb.connect(str(path))
    queries.prepare(connection)
    ids = dict(connection.execute("select regexp_replace(file_name, '\\.[a-z]+$', ''), report_id from reports").fetchall())
    line_of = dict(connection.execute("select report_id || '/' || name, line_no from indicators").fetchall())
    zibiao, other, plain = ids[ZIBIAO], ids[OTHER], ids[PLAIN]
    satisfaction_line = line_of[f"{zibiao}/{SATISFACTION}"]
    connection.executemany(
        "insert into rescores (report_id, line_no, indicator, self_score, weight, score, criterion, reason, reviewer,"
        " rescored_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (zibiao, satisfaction_line, SATISFACTION, 8.0, 10.0, FIRST_RESCORE, "其他", "初评", AUTHOR, EARLIER),
            (zibiao, satisfaction_line, SATISFACTION, 8.0, 10.0, LATEST_RESCORE, CRITERION, REASON, AUTHOR, LATER),
            (zibiao, 0, None, None, None, EXECUTION_RESCORE, "预算执行率按实际数重算", "按实际支出重算", AUTHOR, EARLIER),
            (other, line_of[f"{other}/{OTHER_INDICATOR}"], OTHER_INDICATOR, 8.0, 10.0, OTHER_RESCORE, CRITERION,
             "无调查", "李四", LATER),
            # A report scored in one sum: its execution row lives in the re-score alone.
            (plain, 0, None, PLAIN_EXECUTION_SELF, 10.0, PLAIN_EXECUTION_RESCORE, "预算执行率按实际数重算",
             "执行率未达 100%", AUTHOR, LATER),
        ])
    review = ("insert into reviews (report_id, rule, subject, status, comment, reviewer, reviewed_at) "
              "select report_id, rule, coalesce(subject, ''), ?, ?, ?, ? from anomalies where report_id = ? and rule = ?")
    for report_id, rule, status, comment, when in (
            (zibiao, "GRADE_SCORE_MISMATCH", "confirmed", "经核实属实", EARLIER),
            (zibiao, "INDICATOR_OVER_WEIGHT", "confirmed", "", EARLIER),
            (zibiao, "INDICATOR_OVER_WEIGHT", "dismissed", "报告另附说明", LATER),     # the latest verdict counts
            (plain, "FULL_SCORE_PARTIAL_EXECUTION", "confirmed", "", EARLIER)):
        connection.execute(review, [status, comment, AUTHOR, when, report_id, rule])
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def ids(conn) -> dict[str, str]:
    """Report ids by the corpus file's stem: {"dev-029": "…"}."""
    return dict(conn.execute("select regexp_replace(file_name, '\\.[a-z]+$', ''), report_id from reports").fetchall())


def test_rescore_items_take_each_rows_latest_rescore_and_total_them(conn, ids):
    truth = truth_of(ZIBIAO)
    rows = queries.run(conn, "rescore_items", report_id=ids[ZIBIAO], **PARAMS)
    assert rows["line_no"].to_list()[0] == 0                            # the execution-rate row first
    indicators = rows.filter(pl.col("line_no") > 0).to_dicts()
    assert [norm_text(row["name"]) for row in indicators] == [norm_text(i["name"]) for i in truth["indicators"]]
    for row, want in zip(indicators, truth["indicators"]):
        assert same(want["weight"], row["weight"]) and same(want["score"], row["self_score"]), want["name"]
        assert row["rescore"] == (LATEST_RESCORE if want["name"] == SATISFACTION else None)
    execution = rows.row(0, named=True)
    assert same(execution_self_score(truth), execution["self_score"]) and execution["rescore"] == EXECUTION_RESCORE
    satisfaction = next(row for row in indicators if row["name"] == SATISFACTION)
    assert (satisfaction["criterion"], satisfaction["reason"], satisfaction["gap"]) == (CRITERION, REASON, -2.0)
    head = rows.row(0, named=True)
    assert same(expected_total(ZIBIAO), head["rescored_total"]) and head["rescored_items"] == 2
    assert head["rescored_grade"] == grade_of(expected_total(ZIBIAO)) == "良"
    assert same(truth["report"]["self_score"], head["report_self_score"])
    assert same(expected_total(ZIBIAO) - truth["report"]["self_score"], head["total_gap"])
    assert same(truth["report"]["self_score"], head["items_self_total"])


def test_a_report_without_indicator_rows_keeps_its_self_score_moved_by_the_rescore(conn, ids):
    rows = queries.run(conn, "rescore_items", report_id=ids[PLAIN], **PARAMS).to_dicts()
    assert [(row["line_no"], row["self_score"], row["rescore"]) for row in rows] == [
        (0, PLAIN_EXECUTION_SELF, PLAIN_EXECUTION_RESCORE)]
    assert same(expected_total(PLAIN), rows[0]["rescored_total"])


def test_the_scores_pages_rescored_total_is_the_working_papers(conn, ids):
    """rescore_gaps (the scores page) totals a report as rescore_items does: on a report whose
    rows do not add up to its self-score, its rows with the re-score, not the self-score moved
    by the re-score's difference; on a report without indicator rows, its self-score moved."""
    mismatch = ids[MISMATCH]
    line_no, weight, self_score = conn.execute(
        "select line_no, weight, score from indicators where report_id = ? and name = ?",
        [mismatch, MISMATCH_INDICATOR]).fetchone()
    conn.begin()                                        # rolled back: the other tests' re-scores stay as they are
    try:
        conn.execute(
            "insert into rescores (report_id, line_no, indicator, self_score, weight, score, criterion, reason,"
            " reviewer, rescored_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [mismatch, line_no, MISMATCH_INDICATOR, self_score, weight, MISMATCH_RESCORE, "超分值", "得分不得超过分值",
             AUTHOR, LATER])
        gaps = queries.run(conn, "rescore_gaps", **PARAMS)
        items = queries.run(conn, "rescore_items", report_id=None, **PARAMS)
    finally:
        conn.rollback()
    assert gaps.columns == ["report_id", "file_name", "project_name", "implementing_unit", "supervising_dept",
                            "fiscal_year", "self_score", "grade", "rescore_total", "rescore_grade", "gap",
                            "rows_rescored", "last_reviewer", "last_rescored"]
    by_stem = {row["file_name"].split(".")[0]: row for row in gaps.to_dicts()}
    assert set(by_stem) == {ZIBIAO, OTHER, PLAIN, MISMATCH}
    papers_totals = dict(items.unique("report_id").select("report_id", "rescored_total").iter_rows())
    for stem, row in by_stem.items():
        assert same(papers_totals[row["report_id"]], row["rescore_total"]), stem
        assert same(row["rescore_total"] - row["self_score"], row["gap"]), stem
        assert row["rescore_grade"] == grade_of(row["rescore_total"]), stem

    truth = truth_of(MISMATCH)
    rows_total = sum(i["score"] for i in truth["indicators"]) + MISMATCH_EXECUTION_SELF
    assert same(100.8, rows_total) and same(98.8, truth["report"]["self_score"])
    mismatch_row = by_stem[MISMATCH]
    assert same(rows_total - (self_score - MISMATCH_RESCORE), mismatch_row["rescore_total"])      # 99.8, not 97.8
    assert same(rows_total - (self_score - MISMATCH_RESCORE) - 98.8, mismatch_row["gap"])
    assert (mismatch_row["rows_rescored"], mismatch_row["last_reviewer"]) == (1, AUTHOR)
    assert same(expected_total(PLAIN), by_stem[PLAIN]["rescore_total"])
    assert same(expected_total(ZIBIAO), by_stem[ZIBIAO]["rescore_total"]) and by_stem[ZIBIAO]["rows_rescored"] == 2
    order = [(-abs(row["gap"]), row["file_name"]) for row in gaps.to_dicts()]
    assert order == sorted(order)                       # the largest gap first
    # Rolled back: the working papers are as the fixture left them.
    assert queries.run(conn, "rescore_items", report_id=mismatch, **PARAMS)["rescored_items"][0] == 0


def test_rescore_items_of_the_filtered_reports(conn, ids):
    everything = queries.run(conn, "rescore_items", report_id=None, **PARAMS)
    with_rows = {stem for stem, report_id in ids.items()
                 if stem in {path.name.split(".")[0] for path in load_truths(CORPUS)}
                 and (read_truth(CORPUS / f"{stem}.truth.json")["indicators"] or stem == PLAIN)}
    assert {name.split(".")[0] for name in everything["file_name"].unique()} == with_rows
    one_year = queries.run(conn, "rescore_items", report_id=None, **{**PARAMS, "years": [2023]})
    assert set(one_year["fiscal_year"].unique()) == {2023} and ZIBIAO + ".docx" in set(one_year["file_name"])
    # One report by id, whatever the filters say.
    other_year = queries.run(conn, "rescore_items", report_id=ids[ZIBIAO], **{**PARAMS, "years": [2019]})
    assert set(other_year["file_name"]) == {ZIBIAO + ".docx"}


def test_bulletin_queries_count_confirmed_findings_and_rescores(conn):
    summary = queries.run(conn, "bulletin_by_group", group="all", limit=None, **PARAMS).to_dicts()
    assert len(summary) == 1
    summary = summary[0]
    truths = [read_truth(path) for path in load_truths(CORPUS)]
    assert summary["reports"] == sum(1 for truth in truths if truth["parse_status"] != "failed")
    assert summary["years"] == sorted({truth["report"]["fiscal_year"] for truth in truths})
    assert (summary["confirmed_findings"], summary["reports_with_confirmed"], summary["dismissed_findings"]) == (2, 2, 1)
    assert summary["rescored_reports"] == 3 and summary["grade_changed"] == 1
    stems = (ZIBIAO, OTHER, PLAIN)
    assert summary["rescored_avg"] == pytest.approx(sum(expected_total(stem) for stem in stems) / 3)
    assert summary["rescored_self_avg"] == pytest.approx(
        sum(truth_of(stem)["report"]["self_score"] for stem in stems) / 3)

    by_rule = {row["rule"]: row for row in queries.run(conn, "bulletin_by_rule", **PARAMS).to_dicts()}
    assert (by_rule["GRADE_SCORE_MISMATCH"]["confirmed_findings"], by_rule["INDICATOR_OVER_WEIGHT"]["confirmed_findings"],
            by_rule["INDICATOR_OVER_WEIGHT"]["dismissed_findings"]) == (1, 0, 1)
    assert "MISSING_FIELDS" not in by_rule                              # info, never confirmed: no finding

    dept = truth_of(ZIBIAO)["report"]["supervising_dept"]
    by_dept = {row["group_name"]: row for row in
               queries.run(conn, "bulletin_by_group", group="dept", limit=None, **PARAMS).to_dicts()}
    assert by_dept[dept]["confirmed_findings"] == 1 and same(expected_total(ZIBIAO), by_dept[dept]["rescored_avg"])
    units = queries.run(conn, "bulletin_by_group", group="unit", limit=2, **PARAMS)
    assert units.height == 2 and units["groups"][0] == len({t["report"]["implementing_unit"] for t in truths})

    worst = queries.run(conn, "bulletin_worst", limit=3, **PARAMS)
    assert [name.split(".")[0] for name in worst["file_name"]] == [PLAIN, ZIBIAO, OTHER]
    zibiao = worst.row(1, named=True)
    assert zibiao["rules"] == ["GRADE_SCORE_MISMATCH"] and same(expected_total(ZIBIAO), zibiao["rescored_total"])
    assert zibiao["rescored_grade"] == "良"
    only_confirmed = queries.run(conn, "bulletin_by_group", group="all", limit=None,
                                 **{**PARAMS, "statuses": ["confirmed"]}).row(0, named=True)
    assert (only_confirmed["reports"], only_confirmed["confirmed_findings"], only_confirmed["open_findings"]) == (2, 2, 0)


# -- the worksheet ---------------------------------------------------------------------------

def _sheet(data: bytes, index: int) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(index).to_python()


def test_worksheet_holds_the_truths_indicators_the_rescores_and_the_totals(conn):
    rows = queries.run(conn, "rescore_items", report_id=None, **PARAMS)
    data = papers.worksheet_xlsx(rows, "年度：全部", AUTHOR, WHEN)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert workbook.sheet_names == ["复核工作底稿", "说明"]
    table = _sheet(data, 0)
    header = table[0]
    assert header[:5] == ["报告文件", "项目名称", "实施单位", "主管部门", "年度"]
    column = {name: header.index(t(f"papers.col.{name}", language="zh")) for name, _ in papers.SHEET_COLUMNS}
    for stem in (ZIBIAO, OTHER):
        truth = truth_of(stem)
        lines = [line for line in table[1:] if line[column["file_name"]] == f"{stem}.docx"]
        items, total = lines[1:-1], lines[-1]                             # execution row, indicators, total
        assert lines[0][column["name"]] == "预算执行率"
        assert same(execution_self_score(truth), lines[0][column["self_score"]])
        assert [norm_text(line[column["name"]]) for line in items] == [norm_text(i["name"]) for i in truth["indicators"]]
        for line, want in zip(items, truth["indicators"]):
            assert same(want["weight"], line[column["weight"]]) and same(want["score"], line[column["self_score"]])
            assert same(want["level2"], line[column["level2"]])
        assert total[column["name"]] == "合计"
        assert same(truth["report"]["self_score"], total[column["self_score"]])
        assert same(expected_total(stem), total[column["rescore"]])
        assert same(expected_total(stem) - truth["report"]["self_score"], total[column["gap"]])
        assert (total[column["self_grade"]], total[column["rescored_grade"]]) == (
            truth["report"]["grade"], grade_of(expected_total(stem)))
        assert same(truth["report"]["project_name"], total[column["project_name"]])
    zibiao = [line for line in table[1:] if line[column["file_name"]] == f"{ZIBIAO}.docx"]
    satisfaction = next(line for line in zibiao if line[column["name"]] == SATISFACTION)
    assert (satisfaction[column["rescore"]], satisfaction[column["gap"]], satisfaction[column["criterion"]],
            satisfaction[column["reason"]], satisfaction[column["reviewer"]]) == (LATEST_RESCORE, -2.0, CRITERION,
                                                                                  REASON, AUTHOR)
    assert zibiao[0][column["rescore"]] == EXECUTION_RESCORE
    assert all(line[column["rescore"]] == "" for line in zibiao[1:-1] if line[column["name"]] != SATISFACTION)
    about = dict((row[0], row[1]) for row in _sheet(data, 1) if row and row[0])
    assert (about["筛选条件"], about["制表人"], about["制表时间"]) == ("年度：全部", AUTHOR, "2026-12-06 10:30:00")
    assert about["已复核项目数"] == "4"                  # five re-scores, two of them of one row


def test_worksheet_in_english_and_of_nothing():
    data = papers.worksheet_xlsx(pl.DataFrame(), "", AUTHOR, WHEN, language="en")
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert workbook.sheet_names == ["Re-score worksheet", "About"]
    table = _sheet(data, 0)
    assert table[0][:3] == ["Report file", "Project", "Implementing unit"] and len(table) == 1
    about = dict((row[0], row[1]) for row in _sheet(data, 1) if row and row[0])
    assert about["Filters"] == "None (all reports)" and about["Reports"] == "0"


# -- the Word documents ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def opinion(conn, ids) -> bytes:
    report_id = ids[ZIBIAO]
    report = queries.run(conn, "report_summary", report_id=report_id).row(0, named=True)
    items = queries.run(conn, "rescore_items", **papers.item_params(report_id=report_id))
    findings = queries.run(conn, "report_anomalies", report_id=report_id)
    return papers.opinion_docx(report, items, findings, AUTHOR, WHEN)


@pytest.fixture(scope="module")
def bulletin(conn) -> bytes:
    summary = queries.run(conn, "bulletin_by_group", group="all", limit=None, **PARAMS).to_dicts()
    return papers.bulletin_docx(
        summary[0] if summary else {},
        queries.run(conn, "bulletin_by_group", group="dept", limit=None, **PARAMS),
        queries.run(conn, "bulletin_by_group", group="unit", limit=10, **PARAMS),
        queries.run(conn, "bulletin_by_rule", **PARAMS),
        queries.run(conn, "bulletin_worst", limit=3, **PARAMS),
        "全部报告", AUTHOR, WHEN, deadline=DEADLINE)


def _texts(document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs]


def _east_asian(paragraph) -> set[str]:
    return {run._r.rPr.rFonts.get(qn("w:eastAsia")) for run in paragraph.runs if run.text}


def _check_page_form(document) -> None:
    """A4, the 公文 margins, 仿宋 by default with its fallback declared, "— PAGE —" in the footer."""
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.01) and abs(section.page_height - Cm(29.7)) < Cm(0.01)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert all(abs(got - Cm(want)) < Cm(0.01) for got, want in zip(margins, (3.7, 3.5, 2.8, 2.6)))
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    font_table = next(part for part in document.part.package.iter_parts() if str(part.partname) == "/word/fontTable.xml")
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table.blob.decode("utf-8")
    footer = section.footer.paragraphs[0]
    assert footer.text.replace("1", "") == "—  —"
    assert [node.text.strip() for node in footer._p.iter(qn("w:instrText"))] == ["PAGE"]
    assert [node.get(qn("w:fldCharType")) for node in footer._p.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]


def _check_headings(document, headings: list[str]) -> None:
    texts = _texts(document)
    positions = [texts.index(heading) for heading in headings]
    assert positions == sorted(positions)
    for heading in headings:
        paragraph = document.paragraphs[texts.index(heading)]
        assert _east_asian(paragraph) == {"黑体"}
    title = document.paragraphs[0]
    assert _east_asian(title) == {"方正小标宋简体"} and title.runs[0].font.size == Pt(22)
    body = next(p for p in document.paragraphs if p.text.startswith("根据预算绩效管理"))
    assert _east_asian(body) == {"仿宋_GB2312"} and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32) and body.paragraph_format.line_spacing == Pt(28)
    signature = document.paragraphs[-1]
    assert signature.text == "2026年12月6日" and signature.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT


def test_opinion_has_the_sections_the_form_and_the_truths_values(opinion):
    document = docx.Document(io.BytesIO(opinion))
    truth = truth_of(ZIBIAO)
    _check_page_form(document)
    _check_headings(document, HEADINGS_OPINION)
    texts = _texts(document)
    assert texts[0] == f"关于“{truth['report']['project_name']}”\n绩效自评的复核意见"      # broken between words
    assert texts[2] == f"{truth['report']['implementing_unit']}："
    assert f"复核人：{AUTHOR}" in texts
    subheading = next(p for p in document.paragraphs if p.text.startswith("（一）"))
    assert "楷体_GB2312" in _east_asian(subheading)
    whole = "\n".join(texts)
    assert f"自评得分{papers.score_text(truth['report']['self_score'])}分" in whole
    assert f"复核总分为{papers.score_text(expected_total(ZIBIAO))}分，复核等级为“良”" in whole
    # The confirmed finding is listed; the one dismissed after its confirmation is not.
    assert any(text.startswith("1.等级与得分不符。") for text in texts)
    assert not any("指标得分超分值" in text for text in texts)

    table = document.tables[0]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["指标", "分值", "自评得分", "复核得分", "复核口径", "理由"]
    assert cells[1][:4] == ["预算执行率", "10", papers.score_text(execution_self_score(truth)),
                            papers.score_text(EXECUTION_RESCORE)]
    for row, want in zip(cells[2:-1], truth["indicators"]):
        assert norm_text(row[0]) == norm_text(want["name"])
        assert same(want["weight"], float(row[1])) and same(want["score"], float(row[2]))
        if want["name"] == SATISFACTION:
            assert row[3:] == [papers.score_text(LATEST_RESCORE), CRITERION, REASON]
        else:
            assert row[3] == row[2] and row[4:] == ["", ""]
    assert cells[-1][:4] == ["合计", "100", papers.score_text(truth["report"]["self_score"]),
                             papers.score_text(expected_total(ZIBIAO))]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert sum(column.width for column in table.columns) <= Cm(15.6) + Cm(0.01)


def test_opinion_of_a_report_scored_in_one_sum(conn, ids):
    """No indicator rows: the re-scored execution-rate row moves the report's own self-score."""
    truth = truth_of(PLAIN)
    report_id = ids[PLAIN]
    data = papers.opinion_docx(queries.run(conn, "report_summary", report_id=report_id).row(0, named=True),
                               queries.run(conn, "rescore_items", **papers.item_params(report_id=report_id)),
                               queries.run(conn, "report_anomalies", report_id=report_id), AUTHOR, WHEN)
    document = docx.Document(io.BytesIO(data))
    cells = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert cells[1:] == [["预算执行率", "10", "10", "9", "预算执行率按实际数重算", "执行率未达 100%"],
                         ["合计", "", papers.score_text(truth["report"]["self_score"]),
                          papers.score_text(expected_total(PLAIN)), "", ""]]
    whole = "\n".join(_texts(document))
    assert "报告未列示分项指标评分。" in whole and "1.满分但预算未执行完。" in whole


def test_bulletin_has_the_sections_the_form_and_the_tables(bulletin):
    document = docx.Document(io.BytesIO(bulletin))
    truths = [read_truth(path) for path in load_truths(CORPUS)]
    _check_page_form(document)
    _check_headings(document, HEADINGS_BULLETIN)
    texts = _texts(document)
    years = papers.years_text([truth["report"]["fiscal_year"] for truth in truths])
    assert texts[0] == f"关于{years}年度项目支出绩效自评\n复核情况的通报"
    whole = "\n".join(texts)
    assert f"本次共复核项目支出绩效自评报告{len(truths)}份" in whole
    assert "本次复核范围：全部报告。" in whole and "2027年1月15日前" in whole
    assert f"编制人：{AUTHOR}" in texts

    by_rule, by_dept, by_unit = ([[cell.text for cell in row.cells] for row in table.rows] for table in document.tables)
    rows = {row[1]: row for row in by_rule[1:]}
    assert rows["等级与得分不符"][4] == "1" and rows["指标得分超分值"][4] == "0"
    dept = next(row for row in by_dept if row[1] == truth_of(ZIBIAO)["report"]["supervising_dept"])
    assert dept[2] == "1" and dept[3] == papers.money_text(truth_of(ZIBIAO)["report"]["budget_adjusted"])
    assert dept[5] == papers.score_text(truth_of(ZIBIAO)["report"]["self_score"]) and dept[6] == "1"
    assert len(by_unit) == 11 and "列示问题最多的10个单位" in whole
    unit = next(row for row in by_unit if row[1] == truth_of(ZIBIAO)["report"]["implementing_unit"])
    assert unit[4] == papers.score_text(expected_total(ZIBIAO))
    # The typical cases: the confirmed high-severity finding first, then the fall in score.
    after = texts[texts.index("四、典型问题"):]
    cases = [text for text in after if text.startswith(("（一）", "（二）", "（三）"))][:3]
    for case, stem in zip(cases, (PLAIN, ZIBIAO, OTHER)):
        assert truth_of(stem)["report"]["project_name"] in case


def test_documents_stand_empty_frames_and_nulls():
    empty = pl.DataFrame()
    nulls = pl.DataFrame({"report_id": ["r1", "r1"], "line_no": [0, 1], "name": [None, "名称\x0b带控制符"],
                          "weight": [None, 10.0], "self_score": [None, float("nan")], "rescore": [None, 5.0]})
    for data in (papers.opinion_docx({}, empty, empty, "", WHEN),
                 papers.opinion_docx({"project_name": None, "self_score": 90.0}, nulls, empty, AUTHOR, WHEN),
                 papers.bulletin_docx({}, empty, empty, empty, empty, "", "", WHEN),
                 papers.bulletin_docx({"reports": 1, "years": [None]}, pl.DataFrame({"group_name": [None]}), empty,
                                      pl.DataFrame({"rule": ["NEW_RULE"], "findings": [1]}),
                                      pl.DataFrame({"messages": [[None, "x"]]}), "", AUTHOR, WHEN)):
        document = docx.Document(io.BytesIO(data))
        assert document.paragraphs[0].text.startswith("关于")
    document = docx.Document(io.BytesIO(papers.opinion_docx({}, nulls, empty, AUTHOR, WHEN)))
    assert [cell.text for cell in document.tables[0].rows[2].cells][:4] == ["名称带控制符", "10", "", "5"]
    assert papers.worksheet_xlsx(nulls, "", AUTHOR, WHEN)


# -- rendered by LibreOffice ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["opinion", "bulletin"])
def test_documents_render_to_a4_pages(name, request, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice (soffice) is not installed: scripts/system-packages.sh installs it")
    source = tmp_path / f"{name}.docx"
    source.write_bytes(request.getfixturevalue(name))
    subprocess.run([office, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = pypdfium2.PdfDocument(tmp_path / f"{name}.pdf")
    try:
        assert len(pdf) >= 1
        page = pdf[0]
        assert page.get_size() == pytest.approx(A4_POINTS, abs=1.0)
        text = page.get_textpage().get_text_range()
        assert (HEADINGS_OPINION if name == "opinion" else HEADINGS_BULLETIN)[0] in text.replace(" ", "")
        PNG_FOLDER.mkdir(parents=True, exist_ok=True)
        page.render(scale=2).to_pil().save(PNG_FOLDER / f"{name}-page1.png")
    finally:
        pdf.close()
