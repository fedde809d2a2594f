"""Reasons as codes and parameters (ingest/messages.py), said in either language."""
from __future__ import annotations

import re

import pytest

from ingest.messages import MESSAGES, Message, partial, render

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("message, zh, en", [
    (Message("file.empty"), "空文件：文件中没有任何文字", "Empty file: it holds no text"),
    (Message("image.too_large", {"pixels": 40000, "limit": 6000}), "图片过大（40000 万像素，上限 6000 万像素）",
     "The image is too large (400 megapixels; the limit is 60)"),
    (partial(["budget", "self_score"]), "未能提取：预算、自评得分", "Not found: budget, self-score"),
    (Message("worker.archive_also_failed", {"reason": Message("file.empty"), "why": "disk full"}),
     "空文件：文件中没有任何文字；原件也未能保存：disk full",
     "Empty file: it holds no text; the original could not be kept either: disk full"),
])
def test_a_message_in_each_language(message, zh, en):
    assert (message.text("zh"), message.text("en")) == (zh, en)
    assert render(message.code, message.as_json(), "en") == en and str(message) == zh


def test_no_english_message_holds_chinese_and_every_one_has_both():
    for code, texts in MESSAGES.items():
        assert set(texts) == {"zh", "en"}, code
        assert not CJK.search(texts["en"]), code
        assert CJK.search(texts["zh"]), code


def test_a_stored_reason_without_a_code_is_shown_as_stored():
    assert render(None, None, "en", "旧的原因") == "旧的原因"
