"""Every string on a Chinese page is Chinese: the words a page itself shows (headings,
labels, captions, messages, buttons, chart titles), read from the browser. Tables are drawn
on a canvas and report text sits in code blocks: those are the reports' own words, left out.
What may stay Latin is listed in ALLOWED: format names, the language switch's own words,
rule ids, file names and paths."""
from __future__ import annotations

import re

import duckdb

from tests.e2e.conftest import settle

VISIBLE_TEXT = """() => {
  const skip = '[data-testid="stIconMaterial"], [data-testid="stDataFrame"], [data-testid="stCode"], '
             + '[data-testid="stTooltipContent"], style, script';
  const out = [];
  for (const root of document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const parent = walker.currentNode.parentElement;
      if (!parent || parent.closest(skip)) continue;
      const style = getComputedStyle(parent);
      if (style.fontSize === '0px' || style.visibility === 'hidden' || style.display === 'none') continue;
      const text = walker.currentNode.textContent.trim();
      if (text) out.push(text);
    }
  }
  return out;
}"""
ALLOWED = {
    "English", "Language",                                   # the switch names the other language in its own
    "DOC", "DOCX", "DOCM", "DOTX", "TXT", "PDF", "WPS", "RTF", "XLS", "XLSX", "XLSM", "ET", "JPG", "PNG", "TIF",
    "BMP", "CSV", "UTF", "BOM", "Parquet", "Excel", "Word", "DuckDB", "Python", "LibreOffice", "OCR", "MB", "KB",
    "MAD", "log", "zip",                                     # names of formats, tools and measures
    "doc", "docx", "txt", "pdf", "wps", "rtf", "xls", "xlsx", "xlsm", "et", "jpg", "png", "tif", "bmp", "csv",
    "parquet", "scan", "image",                              # file formats as the store names them
}
# A rule id, a file name, a path, a report id: the store's own names.
NAMES = re.compile(r"\b[A-Z]+(?:_[A-Z]+)+\b|[\w.-]+\.(?:docx?|txt|pdf|wps|rtf|xlsx?|et|csv|duckdb|parquet|zip)\b"
                   r"|(?:/[\w.-]+)+/?|\b[0-9a-f]{16}\b")
LATIN = re.compile(r"[A-Za-z]{2,}")


def _paths(db) -> list[str]:
    conn = duckdb.connect(str(db), read_only=True)
    report_id = conn.execute("select report_id from reports r where exists (select 1 from anomalies a "
                             "where a.report_id = r.report_id and a.rule = 'DUPLICATE_REPORT') "
                             "order by file_name limit 1").fetchall()[0][0]
    conn.close()
    return ["/", "/budget", "/scores", "/anomalies", "/report", f"/report?id={report_id}", "/ingest", "/export"]


def test_a_chinese_page_shows_no_english_words_of_its_own(page, served):
    url, db = served
    found = {}
    for path in _paths(db):
        page.goto(url + path)
        settle(page)
        words = {word for text in page.evaluate(VISIBLE_TEXT) for word in LATIN.findall(NAMES.sub(" ", text))}
        if words - ALLOWED:
            found[path] = sorted(words - ALLOWED)
    assert found == {}, found
