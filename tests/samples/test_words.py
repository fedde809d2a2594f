"""samples/words.py: word lists that name no place, year or money, admit no shortfall where a
full-score report may use them, and owe nothing to the corpus the parser is tested on.

The generator exists to test the parser on reports it has not seen: a project or indicator
name, or a sentence, taken from ../shared/corpus or ../shared/published would let the parser
pass on wording it was tuned to.
"""
from __future__ import annotations

import json
import re

from conftest import CORPUS, PUBLISHED
from corpus_wording import borrowed
from truth import norm_text

from ingest.regions import _matches
from samples import words

# Words that admit a shortfall (SPEC §3 SHORTFALL_FULL_SCORE), and a little more.
SHORTFALL_WORDS = ("未完成", "没有完成", "没能", "未能", "未开展", "未达到", "未达标", "未实现", "未按期", "偏慢",
                   "滞后", "缓慢", "延期", "推迟", "仅完成", "低于", "完成率", "顺延", "较慢")
PROJECTS = [project for domain in words.DOMAINS for project in domain.projects]
INDICATORS = sorted({indicator.name for domain in words.DOMAINS for indicator in domain.indicators}
                    | set(words.MONEY_INDICATORS) | set(words.UNTIMED_INDICATORS))
# What the review plantings write into a 自评表 (samples/plan.py _plant_review), and the
# narrative's survey sentence: any report may carry them, a full-score one included.
REVIEW_WORDING = (*words.MONEY_INDICATORS, *words.UNTIMED_INDICATORS,
                  *(text for pair in words.VAGUE_TARGETS for text in pair), *words.SURVEY_METHODS)


def _truths() -> list[dict]:
    paths = [path for folder in (CORPUS, PUBLISHED) for path in sorted(folder.glob("*.truth.json"))]
    assert len(paths) >= 40, "the corpus and the published reports"
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


TRUTHS = _truths()
CORPUS_PROJECTS = {norm_text(t["report"]["project_name"]) for t in TRUTHS if t["report"]["project_name"]}
CORPUS_INDICATORS = {norm_text(i["name"]) for t in TRUTHS for i in t["indicators"]}


def _sentences() -> list[str]:
    """Every sentence and name of the word lists, placeholders blanked."""
    texts = []
    for domain in words.DOMAINS:
        texts += [domain.bureau, *domain.subunits, *domain.projects, *domain.purposes, *domain.backgrounds,
                  *domain.activities, *domain.effects, domain.documents]
        texts += [i.name for i in domain.indicators] + [i.phrase for i in domain.indicators if i.phrase]
    texts += [*words.PROBLEMS_NEUTRAL, *words.SUGGESTIONS, *words.DEVIATION_REASONS, *words.SHORTFALL_SENTENCES,
              *words.EVAL_ACTIONS, *REVIEW_WORDING]
    return [re.sub(r"\{\w+\}", "|", text) for text in texts]


def test_no_project_name_of_the_corpus():
    assert [p for p in PROJECTS if norm_text(p) in CORPUS_PROJECTS] == []
    # Nor one a corpus name merely lengthens (城区公共厕所运行维护经费 / 公共厕所运行维护经费).
    near = [(p, c) for p in PROJECTS for c in CORPUS_PROJECTS if norm_text(p) in c or c in norm_text(p)]
    assert near == []


def test_a_purpose_for_every_project():
    for domain in words.DOMAINS:
        assert len(domain.purposes) == len(domain.projects), domain.bureau


def test_no_indicator_name_of_the_corpus():
    assert [name for name in INDICATORS if norm_text(name) in CORPUS_INDICATORS] == []


def test_no_sentence_taken_from_a_corpus_report():
    taken = {sentence: runs for sentence in _sentences() if (runs := borrowed(sentence))}
    assert taken == {}


def test_word_lists_name_no_place_year_or_money():
    texts = []
    for domain in words.DOMAINS:
        texts += [domain.bureau, *domain.subunits, *domain.projects, *domain.purposes, *domain.backgrounds,
                  *domain.activities, *domain.effects, domain.documents, domain.beneficiaries]
        texts += [i.name for i in domain.indicators] + [i.phrase or "" for i in domain.indicators]
    full_score_safe = (words.PROBLEMS_NEUTRAL + words.SUGGESTIONS + words.EVAL_ACTIONS + REVIEW_WORDING)
    for text in texts + list(full_score_safe):
        assert not list(_matches(text)), text
        assert not re.search(r"\d|元", text.replace("{v}", "")), text
    for domain in words.DOMAINS:
        for text in [*domain.backgrounds, *domain.activities, *domain.effects, *domain.purposes]:
            assert not [w for w in SHORTFALL_WORDS if w in text], text
    for text in full_score_safe:
        assert not [w for w in SHORTFALL_WORDS if w in text], text
