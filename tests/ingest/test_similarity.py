"""MinHash signatures and LSH banding for DUPLICATE_REPORT."""
from __future__ import annotations

import numpy as np

from ingest.similarity import PERMUTATIONS, candidate_pairs, estimates, jaccard, signature

TEXT = ("项目主要用于农技人员知识更新培训、农业科技示范基地建设和科技示范主体培育。全年培训基层农技人员86人次，"
        "建设农业科技示范基地3个，培育科技示范户260户，引进推广玉米、马铃薯新品种5个。")


def test_signature_is_deterministic_and_estimates_jaccard():
    copy = TEXT.replace("86", "91")
    other = "城区公共厕所实行定人定岗保洁，每日巡查不少于两次，破损洁具及时报修，每月组织一次保洁质量考核。"
    a, b, c = signature(TEXT), signature(copy), signature(other)
    assert a.shape == (PERMUTATIONS,) and a.dtype == np.uint32
    assert np.array_equal(a, signature(TEXT))
    pairs = np.array([[0, 1], [0, 2]])
    estimated = estimates(np.stack([a, b, c]), pairs)
    assert abs(estimated[0] - jaccard(TEXT, copy)) < 0.15
    assert estimated[1] < 0.1 and jaccard(TEXT, other) < 0.05


def test_signature_is_each_permutations_minimum_as_defined():
    """Stored signatures must not change with the code computing them: each minimum is
    ((a·h + b) mod 2⁶⁴) >> 32 over the text's shingle hashes, worked out here one by one."""
    from ingest import similarity

    mask = (1 << 64) - 1
    points = [ord(c) for c in TEXT]
    powers = [int(p) for p in similarity._POWERS]
    hashes = set()
    for i in range(len(points) - similarity.SHINGLE + 1):
        h = sum(c * q for c, q in zip(points[i:i + similarity.SHINGLE], powers)) & mask
        h ^= h >> 29
        hashes.add((h * 0xBF58476D1CE4E5B9) & mask)
    want = [min(((int(a) * h + int(b)) & mask) >> 32 for h in hashes)
            for a, b in zip(similarity._A, similarity._B)]
    assert signature(TEXT).tolist() == want


def test_too_short_to_shingle_has_no_signature():
    assert signature("太短") is None


def test_lsh_finds_near_copies_and_not_strangers():
    rng = np.random.default_rng(7)
    strangers = rng.integers(0, 2**32, size=(200, PERMUTATIONS), dtype=np.uint64).astype(np.uint32)
    copy = strangers[3].copy()
    copy[:10] = 0                           # agrees on 118 of 128 minima
    signatures = np.vstack([strangers, copy])
    pairs = {tuple(p) for p in candidate_pairs(signatures, 21).tolist()}
    assert (3, 200) in pairs
    assert len(pairs) == 1


def test_pairs_among_some_rows_are_the_full_run_s_pairs_holding_one_of_them():
    rng = np.random.default_rng(11)
    signatures = rng.integers(0, 2**32, size=(300, PERMUTATIONS), dtype=np.uint64).astype(np.uint32)
    # Groups of near copies, sizes 2 to 5, each member differing in a few minima: buckets of
    # every size, with and without a chosen row.
    row = 0
    for size in (2, 3, 4, 5, 3, 2):
        for member in range(1, size):
            signatures[row + member] = signatures[row]
            signatures[row + member, rng.integers(0, PERMUTATIONS, 4)] = rng.integers(0, 2**32, 4, dtype=np.uint64)
        row += size
    among = np.zeros(300, dtype=bool)
    among[[1, 6, 13, 299]] = True
    every = {tuple(p) for p in candidate_pairs(signatures, 21).tolist()}
    some = {tuple(p) for p in candidate_pairs(signatures, 21, among).tolist()}
    assert some == {(i, j) for i, j in every if among[i] or among[j]}
    assert (0, 1) in some and (5, 6) in some and (12, 13) in some and len(every) > len(some) > 3
