"""customers.find_duplicates on the sample's register: the planted duplicate pairs
(SampleStore.register_truth) are found, per kind, at the default threshold 0.9."""

from __future__ import annotations

import itertools

import pytest

import customers


@pytest.mark.slow
def test_planted_pairs_precision_and_recall(sample) -> None:
    # Measured (seed 1, 3,323 records, 100 planted pairs, 20 of each kind): precision 1.0 and
    # recall 1.0 at 0.9, every kind 20 of 20; the same at 0.5 and 0.99.
    truth = sample.register_truth.set_index("member_id")
    planted = set()
    for _, ids in sample.register_truth.groupby("person")["member_id"]:
        planted.update(itertools.combinations(sorted(ids), 2))
    assert len(planted) == 100
    found = customers.find_duplicates(sample.register, threshold=0.9)
    got = {tuple(sorted(pair)) for pair in zip(found.pairs["id_l"], found.pairs["id_r"])}
    hits = got & planted
    assert len(hits) / len(got) >= 0.9  # precision
    assert len(hits) / len(planted) >= 0.9  # recall
    for kind in ("typo", "swapped", "moved", "nickname", "diacritic"):
        pairs = {p for p in planted if kind in (truth.at[p[0], "pair_kind"],
                                                truth.at[p[1], "pair_kind"])}  # fmt: skip
        assert len(pairs) == 20
        assert len(pairs & got) >= 18, kind
