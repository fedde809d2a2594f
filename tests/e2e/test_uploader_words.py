"""The uploader speaks the page's language: Streamlit draws "Upload" and "50MB per file …"
in English whatever the page, and the ingest page covers them with its own words."""
from __future__ import annotations

import pytest
from tests.e2e.conftest import settle

AFTER = "(selector) => getComputedStyle(document.querySelector(selector), '::after').content"
BUTTON = '[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p'
LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
SIZE = "(selector) => getComputedStyle(document.querySelector(selector)).fontSize"


@pytest.mark.parametrize(("query", "button", "limit"), [
    ("", '"选择文件"', "每个不超过 50 MB"),
    ("?lang=en", '"Browse files"', "up to 50 MB each"),
])
def test_the_uploader_speaks_the_pages_language(browser, served, query, button, limit):
    url, _ = served
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        page.goto(url + "/ingest" + query)
        settle(page)
        page.wait_for_selector(BUTTON)
        assert page.evaluate(AFTER, BUTTON) == button
        assert limit in page.evaluate(AFTER, LIMIT)
        # Streamlit's own English words are there but drawn at no size.
        assert page.evaluate(SIZE, BUTTON) == "0px" and page.evaluate(SIZE, LIMIT) == "0px"
    finally:
        page.close()
