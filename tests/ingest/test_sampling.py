"""ingest/sampling.py: repeatable draws of reports for review (random, stratified, MUS)."""
from __future__ import annotations

from collections import Counter

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from ingest.sampling import (UNKNOWN_STRATUM, Draw, SamplingError, allocate, draw, mus_excluded,
                             score_band, stratum_names)

DEPARTMENTS = ("财政局", "教育局", "卫健委", "水利局", None)
BANDS = ("100", "95–99.99", "90–94.99", "<80")
SEED = 20261206


def candidates(count: int, *, first: int = 0) -> pl.DataFrame:
    """`count` reports with ids R00000…, departments and bands cycling, budgets 1…count."""
    ids = range(first, first + count)
    return pl.DataFrame({
        "report_id": [f"R{i:05d}" for i in ids],
        "budget": [float(i % 97 + 1) for i in ids],
        "supervising_dept": [DEPARTMENTS[i % 4] for i in ids],
        "score_band": [BANDS[i % 3] for i in ids],
    }, schema={"report_id": pl.String, "budget": pl.Float64, "supervising_dept": pl.String,
               "score_band": pl.String})


@st.composite
def frames(draw_from) -> pl.DataFrame:
    """Small candidate frames with unique ids, null and zero budgets, null departments."""
    ids = draw_from(st.lists(st.integers(0, 10**6), unique=True, max_size=40))
    count = len(ids)
    budgets = draw_from(st.lists(st.one_of(st.none(), st.just(0.0), st.floats(0.01, 5000.0)),
                                 min_size=count, max_size=count))
    departments = draw_from(st.lists(st.sampled_from(DEPARTMENTS), min_size=count, max_size=count))
    bands = draw_from(st.lists(st.sampled_from(BANDS), min_size=count, max_size=count))
    return pl.DataFrame({"report_id": [f"R{i}" for i in ids], "budget": budgets,
                         "supervising_dept": departments, "score_band": bands},
                        schema={"report_id": pl.String, "budget": pl.Float64,
                                "supervising_dept": pl.String, "score_band": pl.String})


SPECS = st.builds(
    lambda method, size, seed, strata: Draw(method, size, seed, strata if method == "stratified" else ()),
    st.sampled_from(("random", "stratified", "mus")), st.integers(0, 50), st.integers(0, 2**63),
    st.sampled_from([("supervising_dept",), ("supervising_dept", "score_band"), ("score_band",)]),
)


def ids(frame: pl.DataFrame) -> list[str]:
    return frame["report_id"].to_list()


# -- score_band and describe


@pytest.mark.parametrize(("score", "band"), [
    (100, "100"), (100.0, "100"), (99.99, "95–99.99"), (95, "95–99.99"), (94.99, "90–94.99"),
    (90, "90–94.99"), (89.5, "80–89.99"), (80, "80–89.99"), (79.99, "<80"), (0, "<80"),
    (None, "无得分"), (float("nan"), "无得分"), (103, "100"),
])
def test_score_band(score, band):
    assert score_band(score) == band


@pytest.mark.parametrize(("spec", "zh", "en"), [
    (Draw("stratified", 50, SEED, ("supervising_dept", "score_band")),
     "分层抽样：按主管部门、评分段，共 50 份，随机种子 20261206",
     "Stratified sample by supervising department, score band: 50 reports, seed 20261206"),
    (Draw("random", 30, 7), "简单随机抽样：共 30 份，随机种子 7", "Simple random sample: 30 reports, seed 7"),
    (Draw("mus", 25, 1), "货币单位抽样（按预算金额）：共 25 个抽样点，随机种子 1",
     "Monetary-unit sample (by budget): 25 selection points, seed 1"),
    (Draw("stratified", 5, 2, ["region", "unit_kind"]), "分层抽样：按地区、unit_kind，共 5 份，随机种子 2",
     "Stratified sample by region, unit_kind: 5 reports, seed 2"),
])
def test_describe(spec, zh, en):
    assert spec.describe() == zh
    assert spec.describe("en") == en


@pytest.mark.parametrize("arguments", [
    ("systematic", 5, 1, ()), ("random", -1, 1, ()), ("random", 2.5, 1, ()), ("random", 5, -1, ()),
    ("random", 5, "1", ()), ("stratified", 5, 1, ()), ("mus", 5, 1, ("region",)),
])
def test_a_draw_that_cannot_be_made_is_refused(arguments):
    with pytest.raises(SamplingError):
        Draw(*arguments)


@pytest.mark.parametrize(("frame", "spec"), [
    (candidates(5).drop("budget"), Draw("mus", 2, 1)),
    (candidates(5), Draw("stratified", 2, 1, ("region",))),
    (pl.concat([candidates(5), candidates(1)]), Draw("random", 2, 1)),
    (candidates(5).with_columns(pl.lit(1).alias("order")), Draw("random", 2, 1)),
    (candidates(3).with_columns(pl.Series("report_id", ["a", None, "b"])), Draw("random", 2, 1)),
])
def test_candidates_that_cannot_be_drawn_from_are_refused(frame, spec):
    with pytest.raises(SamplingError):
        draw(frame, spec)


# -- determinism


@settings(max_examples=200, deadline=None)
@given(frames(), SPECS, st.integers(0, 2**32 - 1))
def test_same_seed_same_reports_in_any_row_order(frame, spec, shuffle_seed):
    first = draw(frame, spec)
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=shuffle_seed)
    assert_frame_equal(draw(shuffled, spec), first)
    assert_frame_equal(draw(frame, spec), first)
    assert first["order"].to_list() == list(range(1, first.height + 1))


@pytest.mark.parametrize("spec", [
    Draw("random", 50, 1), Draw("stratified", 50, 1, ("supervising_dept", "score_band")), Draw("mus", 50, 1),
])
@pytest.mark.parametrize("other_seed", [2, 3, SEED])
def test_a_different_seed_gives_a_different_draw(spec, other_seed):
    frame = candidates(1000)
    other = Draw(spec.method, spec.size, other_seed, spec.strata)
    assert set(ids(draw(frame, spec))) != set(ids(draw(frame, other)))


def test_a_larger_random_draw_keeps_the_smaller_ones_reports():
    frame = candidates(200)
    small, large = draw(frame, Draw("random", 10, SEED)), draw(frame, Draw("random", 30, SEED))
    assert ids(large)[:10] == ids(small)


def test_adding_a_stratum_leaves_the_others_draws_alone():
    # A and B get 2 each in both draws; C is new, and must not move A's or B's picks.
    two = pl.DataFrame({"report_id": [f"A{i:02d}" for i in range(10)] + [f"B{i:02d}" for i in range(10)]}
                       ).with_columns(pl.col("report_id").str.slice(0, 1).alias("region"))
    added = pl.DataFrame({"report_id": [f"C{i:02d}" for i in range(10)], "region": ["C"] * 10})
    three = pl.concat([two, added])
    before = draw(two, Draw("stratified", 4, SEED, ("region",)))
    after = draw(three, Draw("stratified", 6, SEED, ("region",)))
    assert sorted(before["stratum"].to_list()) == ["A", "A", "B", "B"]
    assert set(ids(after.filter(pl.col("stratum") != "C"))) == set(ids(before))
    assert after.filter(pl.col("stratum") == "C").height == 2


# -- sizes


@settings(max_examples=200, deadline=None)
@given(frames(), st.integers(0, 60), st.integers(0, 2**32))
def test_random_draws_exactly_size_distinct_reports(frame, size, seed):
    chosen = draw(frame, Draw("random", size, seed))
    assert chosen.height == min(size, frame.height)
    assert chosen["report_id"].n_unique() == chosen.height
    assert set(ids(chosen)) <= set(ids(frame))
    assert chosen["stratum"].null_count() == chosen.height
    assert chosen.columns == [*frame.columns, "stratum", "order"]


@settings(max_examples=200, deadline=None)
@given(frames(), st.integers(0, 60), st.integers(0, 2**32),
       st.sampled_from([("supervising_dept",), ("supervising_dept", "score_band")]))
def test_stratified_allocation_sums_to_size_and_covers_every_stratum(frame, size, seed, strata):
    chosen = draw(frame, Draw("stratified", size, seed, strata))
    population = Counter(stratum_names(frame, strata).to_list())
    drawn = Counter(chosen["stratum"].to_list())
    assert chosen.height == min(size, frame.height)
    assert chosen["report_id"].n_unique() == chosen.height
    assert all(drawn[name] <= population[name] for name in drawn)
    if size >= len(population):
        assert set(drawn) == set(population)
    # Each drawn report sits in the stratum it is labelled with.
    assert_frame_equal(stratum_names(chosen, strata).to_frame(), chosen.select("stratum"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(1, 500), min_size=1, max_size=12), st.integers(0, 3000))
def test_allocation_is_proportional_within_one(counts, size):
    sizes = {f"S{i:02d}": count for i, count in enumerate(counts)}
    total = sum(counts)
    allocation = allocate(sizes, size)
    assert sum(allocation.values()) == min(size, total)
    assert all(0 <= allocation[name] <= sizes[name] for name in sizes)
    if size < total and size * min(counts) >= total:      # every share ≥ 1: no minimum to enforce
        assert all(abs(allocation[name] - size * sizes[name] / total) < 1 for name in sizes)
    if len(sizes) <= size:
        assert all(allocation[name] >= 1 for name in sizes)


@pytest.mark.parametrize(("sizes", "size", "want"), [
    ({"A": 6, "B": 3, "C": 1}, 5, {"A": 3, "B": 1, "C": 1}),        # C's 0.5 rounds to 1, A gives way
    ({"A": 50, "B": 30, "C": 20}, 10, {"A": 5, "B": 3, "C": 2}),
    ({"A": 10, "B": 10, "C": 10}, 4, {"A": 2, "B": 1, "C": 1}),     # equal remainders: by name
    ({"A": 100, "B": 1, "C": 1}, 3, {"A": 1, "B": 1, "C": 1}),      # minimum one each
    ({"A": 5, "B": 9, "C": 2, "D": 9}, 2, {"A": 0, "B": 1, "C": 0, "D": 1}),   # size < strata: largest
    ({"A": 3, "B": 2}, 9, {"A": 3, "B": 2}),                        # size > population: all
    ({"A": 3, "B": 0}, 2, {"A": 2}),                                # an empty stratum is no stratum
    ({}, 3, {}),
])
def test_allocation_examples(sizes, size, want):
    assert allocate(sizes, size) == want


def test_null_stratum_values_form_their_own_stratum():
    frame = pl.DataFrame({"report_id": ["a", "b", "c", "d"], "supervising_dept": ["财政局", None, None, "财政局"],
                          "region": ["那坡县", "那坡县", None, "那坡县"]})
    chosen = draw(frame, Draw("stratified", 4, 1, ("supervising_dept", "region")))
    assert dict(zip(ids(chosen), chosen["stratum"].to_list())) == {
        "a": "财政局 / 那坡县", "b": f"{UNKNOWN_STRATUM} / 那坡县", "c": f"{UNKNOWN_STRATUM} / {UNKNOWN_STRATUM}",
        "d": "财政局 / 那坡县"}


# -- monetary-unit sampling


def test_mus_always_draws_a_report_larger_than_the_interval():
    frame = pl.DataFrame({"report_id": ["a", "b", "c", "d", "e"], "budget": [5.0, 150.0, 20.0, 15.0, 10.0]})
    for seed in range(300):
        chosen = draw(frame, Draw("mus", 2, seed))                   # interval 100
        big = chosen.filter(pl.col("report_id") == "b")
        assert big.height == 1 and big["hits"].item() in (1, 2)
        assert chosen["interval"].to_list() == [100.0] * chosen.height
        assert chosen["hits"].sum() == 2


def test_mus_selection_probability_follows_budget():
    # interval 10: a report of budget b ≤ 10 is hit with probability b / 10 exactly.
    frame = pl.DataFrame({"report_id": list("abcdefg"), "budget": [1.0, 2.0, 3.0, 4.0, 10.0, 0.0, None]})
    runs = 2000
    drawn = Counter(report for seed in range(runs) for report in ids(draw(frame, Draw("mus", 2, seed))))
    for report, budget in [("a", 1.0), ("b", 2.0), ("c", 3.0), ("d", 4.0), ("e", 10.0)]:
        assert abs(drawn[report] / runs - budget / 10) < 0.05, report
    assert drawn["e"] == runs and drawn["f"] == drawn["g"] == 0


@settings(max_examples=200, deadline=None)
@given(frames(), st.integers(0, 60), st.integers(0, 2**32))
def test_mus_hits_sum_to_size_and_skip_unusable_budgets(frame, size, seed):
    chosen = draw(frame, Draw("mus", size, seed))
    reachable = frame.filter(pl.col("budget") > 0)
    assert chosen.height <= min(size, reachable.height)
    assert chosen["hits"].sum() == (size if reachable.height else 0)
    assert set(ids(chosen)) <= set(ids(reachable))
    assert chosen["report_id"].n_unique() == chosen.height
    if chosen.height:
        interval = reachable["budget"].sum() / size
        assert chosen["interval"].to_list() == pytest.approx([interval] * chosen.height)
        # Every report at least as large as the interval is drawn, with at least ⌊b / interval⌋ hits.
        large = reachable.filter(pl.col("budget") >= interval * (1 + 1e-9))
        for report, budget in large.select("report_id", "budget").rows():
            assert chosen.filter(pl.col("report_id") == report)["hits"].item() >= int(budget / interval)


def test_mus_lists_reports_in_cumulative_order_and_names_the_excluded():
    frame = pl.DataFrame({"report_id": ["c", "a", "d", "b", "e"], "budget": [30.0, 10.0, None, 20.0, -5.0]})
    chosen = draw(frame, Draw("mus", 60, 1))                          # interval 1: every unit
    assert ids(chosen) == ["a", "b", "c"] and chosen["hits"].to_list() == [10, 20, 30]
    assert ids(mus_excluded(frame)) == ["d", "e"]


# -- edge cases


@pytest.mark.parametrize(("frame", "spec"), [
    (candidates(0), Draw("random", 5, 1)), (candidates(0), Draw("stratified", 5, 1, ("supervising_dept",))),
    (candidates(0), Draw("mus", 5, 1)), (candidates(20), Draw("random", 0, 1)),
    (candidates(20), Draw("stratified", 0, 1, ("supervising_dept",))), (candidates(20), Draw("mus", 0, 1)),
])
def test_nothing_to_draw_gives_an_empty_frame_with_the_columns(frame, spec):
    chosen = draw(frame, spec)
    extra = ["stratum", "order"] + (["hits", "interval"] if spec.method == "mus" else [])
    assert chosen.height == 0 and chosen.columns == [*frame.columns, *extra]


def test_mus_with_no_positive_budget_draws_nothing():
    frame = pl.DataFrame({"report_id": ["a", "b"], "budget": [None, 0.0]}, schema={"report_id": pl.String,
                                                                                    "budget": pl.Float64})
    assert draw(frame, Draw("mus", 3, 1)).height == 0


# For MUS, "everything" needs an interval below the smallest budget: 820 万元 / 5000 points.
@pytest.mark.parametrize("spec", [Draw("random", 5000, 1), Draw("stratified", 5000, 1, ("supervising_dept",)),
                                  Draw("mus", 5000, 1)])
def test_size_beyond_the_population_takes_everything(spec):
    frame = candidates(40)
    chosen = draw(frame, spec)
    assert sorted(ids(chosen)) == ids(frame)
    if spec.method == "mus":
        assert chosen["hits"].sum() == 5000 and chosen["hits"].min() >= 6
