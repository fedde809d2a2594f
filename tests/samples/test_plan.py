"""samples/plan.py: every shape, rule, place and year, in realistic proportions; rates obeyed."""
from __future__ import annotations

from collections import Counter

import pytest

from samples import generate
from samples.plan import DEFAULT_RATES, RULES, SHAPES

SEED = 20240611
PLANNED = 800         # reports only planned (truth without .docx)


@pytest.fixture(scope="module")
def planned():
    return list(generate(PLANNED, SEED))


def test_every_shape_in_realistic_proportions(planned):
    shapes = Counter(s.truth["shape"] for s in planned)
    assert set(shapes) == {"table", "zibiao", "narrative"}
    for shape, share in SHAPES:
        assert abs(shapes[shape] / len(planned) - share) < 0.07, shapes


def test_every_rule_is_planted(planned):
    rules = Counter(a["rule"] for s in planned for a in s.truth["anomalies"])
    assert set(rules) == set(RULES), set(RULES) - set(rules)
    clean = sum(1 for s in planned if not s.truth["anomalies"])
    assert clean > len(planned) * 0.15, "most reports should still be clean"


def test_what_is_planted_is_in_the_truth(planned):
    for sample in planned:
        listed = {a["rule"] for a in sample.truth["anomalies"]}
        assert sample.plan.planted <= listed, (sample.name, sample.plan.planted - listed)


def test_rates_can_be_set():
    none = {rule: 0.0 for rule in DEFAULT_RATES}
    quiet = [s.truth for s in generate(200, SEED, rates=none)]
    assert not [a for t in quiet for a in t["anomalies"]]
    loud = [s.truth for s in generate(200, SEED, rates={**none, "YEAR_MISMATCH": 1.0})]
    assert all(t["anomalies"] == [{"rule": "YEAR_MISMATCH", "subject": None}] for t in loud)


def test_many_places_years_and_projects(planned):
    reports = [s.truth["report"] for s in planned]
    assert len({r["province"] for r in reports}) >= 25
    assert len({r["region"] for r in reports}) >= 400
    assert {r["fiscal_year"] for r in reports} == set(range(2019, 2026))
    assert len({r["project_name"] for r in reports}) >= 50
    assert len({r["grade_raw"] for r in reports}) >= 10


def test_indicator_scores_add_up_unless_planted(planned):
    for sample in planned:
        if sample.truth["shape"] != "zibiao":
            continue
        plan = sample.plan
        total = sum(i.score for i in plan.indicators) + plan.exec_score
        planted = any(a["rule"] == "INDICATOR_SUM_MISMATCH" for a in sample.truth["anomalies"])
        assert (total != plan.self_score) == planted, sample.name
        assert sum(i.weight for i in plan.indicators) + plan.exec_weight == 10000
