"""Rules: the published Groceries counts, mlxtend's measures, and the invariants."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basket.errors import ParameterError
from basket.mining import FrequentItemsets, frequent_itemsets
from basket.rules import adjust, association_rules


def groceries_rules(groceries, support, confidence, max_len=10, **kwargs):
    found = frequent_itemsets(groceries, min_support=support, max_len=max_len)
    options = {"max_p": 1, "keep_redundant": True, **kwargs}
    return association_rules(found, min_confidence=confidence, **options).rules


@pytest.mark.parametrize(
    "support, confidence, total, by_length",
    [
        (0.006, 0.25, 463, {2: 150, 3: 297, 4: 16}),
        (0.001, 0.5, 5668, {2: 11, 3: 1461, 4: 3211, 5: 939, 6: 46}),
        (0.005, 0.5, 120, None),
        (0.01, 0.5, 15, None),
    ],
)
def test_published_groceries_rule_counts(groceries, support, confidence, total, by_length):
    rules = groceries_rules(groceries, support, confidence)
    assert len(rules) == total
    if by_length:
        assert dict(Counter(rules["length"])) == by_length
    assert all(len(a) >= 1 for a in rules["antecedent"])
    assert all(len(c) == 1 for c in rules["consequent"])


def test_sparse_engine_gives_the_published_pairs_and_triples(groceries):
    rules = groceries_rules(groceries, 0.006, 0.25, max_len=3)
    assert dict(Counter(rules["length"])) == {2: 150, 3: 297}


def test_top_rules_by_lift(groceries):
    rules = groceries_rules(groceries, 0.006, 0.25)
    first, second = rules.iloc[0], rules.iloc[1]
    assert (first["antecedent"], first["consequent"]) == (("herbs",), ("root vegetables",))
    assert first["support"] == pytest.approx(0.00701576, abs=1e-8)
    assert first["confidence"] == pytest.approx(0.43125)
    assert first["lift"] == pytest.approx(3.956477, abs=1e-6)
    assert (second["antecedent"], second["consequent"]) == (("berries",), ("whipped/sour cream",))
    assert second["lift"] == pytest.approx(3.796886, abs=1e-6)
    top = groceries_rules(groceries, 0.001, 0.5).head(3)
    assert [r[0] for r in top["consequent"]] == ["hamburger meat", "salty snack", "sugar"]
    assert top["lift"].round(5).tolist() == [18.99565, 16.69779, 16.40807]


def test_several_consequent_items_give_the_known_larger_count(groceries):
    rules = groceries_rules(groceries, 0.001, 0.5, max_consequent_len=10)
    assert len(rules) == 5829


def test_measures_equal_mlxtend(groceries):
    from mlxtend.frequent_patterns import association_rules as mlxtend_rules
    from mlxtend.frequent_patterns import fpgrowth

    frame = pd.DataFrame(groceries.matrix.toarray().astype(bool), columns=groceries.items)
    itemsets = fpgrowth(frame, min_support=0.005, use_colnames=True, max_len=3)
    theirs = mlxtend_rules(itemsets, num_itemsets=len(frame), metric="confidence",
                           min_threshold=0.2)  # fmt: skip
    theirs = theirs[theirs["consequents"].map(len) == 1]
    theirs.index = [(tuple(sorted(a)), tuple(sorted(c)))
                    for a, c in zip(theirs["antecedents"], theirs["consequents"])]  # fmt: skip
    ours = groceries_rules(groceries, 0.005, 0.2, max_len=3)
    ours.index = list(zip(ours["antecedent"], ours["consequent"]))
    # mlxtend compares confidence in floating point and loses rules exactly at the threshold.
    ties = {key for key, n, a in zip(ours.index, ours["count"], ours["antecedent_count"])
            if n * 5 == a}  # fmt: skip
    assert set(ours.index) - set(theirs.index) <= ties and ties
    assert set(theirs.index) <= set(ours.index)
    ours = ours.loc[list(theirs.index)]
    for mine, their in [("support", "support"), ("confidence", "confidence"), ("lift", "lift"),
                        ("leverage", "leverage"), ("conviction", "conviction"),
                        ("zhangs_metric", "zhangs_metric"), ("jaccard", "jaccard"),
                        ("certainty", "certainty"), ("kulczynski", "kulczynski"),
                        ("antecedent_support", "antecedent support")]:  # fmt: skip
        np.testing.assert_allclose(ours[mine], theirs[their], rtol=1e-9, err_msg=mine)


def test_fisher_p_value_matches_scipy(groceries):
    from scipy.stats import fisher_exact

    rule = groceries_rules(groceries, 0.006, 0.25, max_len=2).iloc[0]
    n, a, c, both = rule["receipts"], rule["antecedent_count"], rule["consequent_count"], rule["count"]
    table = [[both, a - both], [c - both, n - a - c + both]]
    assert rule["p_value"] == pytest.approx(fisher_exact(table, alternative="greater")[1])


def counts_of(pairs):
    return FrequentItemsets(pairs, n_receipts=1000, min_count=1, engine="sparse",
                            algorithm="fpgrowth")  # fmt: skip


def test_redundant_and_unproductive_rules():
    # c follows a; b adds nothing on top of a, so {a, b} -> c is redundant and unproductive.
    counts = {("a",): 200, ("b",): 300, ("c",): 150, ("a", "b"): 60, ("a", "c"): 100,
              ("b", "c"): 45, ("a", "b", "c"): 30}  # fmt: skip
    every = association_rules(counts_of(counts), min_confidence=0, max_p=1,
                              keep_redundant=True).rules  # fmt: skip
    row = every[every["antecedent"] == ("a", "b")].set_index("consequent")
    assert row.loc[[("c",)], "redundant"].item()
    assert row.loc[[("c",)], "p_value"].item() > 0.5
    kept = association_rules(counts_of(counts), min_confidence=0, max_p=1).rules
    assert (("a", "b"), ("c",)) not in set(zip(kept["antecedent"], kept["consequent"]))
    # b -> c has lift 1: as confident as the empty antecedent, so redundant too.
    assert not any((a, c) == (("b",), ("c",)) for a, c in zip(kept["antecedent"], kept["consequent"]))


def test_confidence_ties_are_kept():
    counts = {("a",): 10, ("b",): 10, ("a", "b"): 3}
    rules = association_rules(counts_of(counts), min_confidence=0.3, max_p=1).rules
    assert len(rules) == 2  # 3/10 is 0.3 exactly


@pytest.mark.parametrize(
    "kwargs, fragment",
    [({"min_confidence": 1.5}, "confidence"), ({"max_p": 0}, "max_p"),
     ({"correction": "sidak"}, "unknown correction"), ({"max_consequent_len": 0}, "at least one")],
)  # fmt: skip
def test_bad_rule_parameters(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        association_rules(counts_of({("a",): 1}), **kwargs)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40), st.sampled_from(["holm", "bh", "bonferroni"]))
def test_adjusted_p_values_are_valid(p, correction):
    raw = np.array(p)
    adjusted = adjust(raw, correction)
    assert np.all(adjusted >= raw - 1e-15) and np.all(adjusted <= 1)
    order = np.argsort(raw, kind="stable")
    assert np.all(np.diff(adjusted[order]) >= -1e-12)  # the order of evidence is kept


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_measures_stay_in_range(seed):
    rng = np.random.default_rng(seed)
    n = 500
    a, b = int(rng.integers(1, n)), int(rng.integers(1, n))
    both = int(rng.integers(max(0, a + b - n), min(a, b) + 1))
    counts = {("a",): a, ("b",): b}
    if both:
        counts[("a", "b")] = both
    found = FrequentItemsets(counts, n_receipts=n, min_count=1, engine="sparse",
                             algorithm="fpgrowth")  # fmt: skip
    rules = association_rules(found, min_confidence=0, max_p=1, keep_redundant=True).rules
    for _, rule in rules.iterrows():
        eps = 1e-12
        assert 0 <= rule["support"] <= rule["antecedent_support"] <= 1
        assert 0 <= rule["confidence"] <= 1 + eps and 0 <= rule["p_value"] <= 1
        assert rule["lift"] == pytest.approx(rule["confidence"] / rule["consequent_support"])
        assert -1 - eps <= rule["zhangs_metric"] <= 1 + eps and 0 <= rule["jaccard"] <= 1 + eps
        assert -0.25 <= rule["leverage"] <= 0.25 and 0 <= rule["kulczynski"] <= 1 + eps


@pytest.mark.parametrize("option", [
    {"min_support": 0}, {"min_count": 0}, {"max_len": 0}, {"min_confidence": 1.01},
    {"min_lift": -1}, {"min_lift": float("nan")}, {"max_p": 0}, {"max_consequent_len": 0},
])  # fmt: skip
def test_find_rules_refuses_parameters_before_it_touches_the_receipts(option):
    from basket.crosssell import find_rules

    with pytest.raises(ParameterError):
        find_rules(None, **option)  # receipts it never gets to
