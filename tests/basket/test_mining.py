"""Itemsets: the published Groceries figures, and every engine agrees with mlxtend."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from basket.errors import ParameterError
from basket.mining import frequent_itemsets, min_count_for
from basket.receipts import Receipts


def mlxtend_itemsets(receipts, min_support, max_len, algorithm="fpgrowth"):
    """Plain mlxtend on a dense one-hot frame: the reference."""
    from mlxtend.frequent_patterns import apriori, fpgrowth

    frame = pd.DataFrame(receipts.matrix.toarray().astype(bool), columns=receipts.items)
    mine = {"fpgrowth": fpgrowth, "apriori": apriori}[algorithm]
    found = mine(frame, min_support=min_support, use_colnames=True, max_len=max_len)
    n = receipts.n_receipts
    return {tuple(sorted(s)): int(round(v * n)) for s, v in zip(found["itemsets"], found["support"])}


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
@pytest.mark.parametrize("min_support", [0.001, 0.006, 0.02])
@pytest.mark.parametrize("max_len", [1, 2, 3])
@pytest.mark.parametrize("engine", ["sparse", "mlxtend"])
def test_engines_equal_mlxtend_on_groceries(groceries, min_support, max_len, engine):
    found = frequent_itemsets(groceries, min_support=min_support, max_len=max_len, engine=engine)
    assert found.engine == engine
    assert found.counts == mlxtend_itemsets(groceries, min_support, max_len)


def test_apriori_and_longer_itemsets_through_mlxtend(groceries):
    found = frequent_itemsets(groceries, min_support=0.006, max_len=10, algorithm="apriori")
    assert found.engine == "mlxtend"
    assert found.counts == mlxtend_itemsets(groceries, 0.006, 10, "apriori")
    assert len(found.counts) == 747


def test_maximal_itemsets_have_no_frequent_superset(groceries):
    found = frequent_itemsets(groceries, min_support=0.01, max_len=5, algorithm="fpmax")
    everything = frequent_itemsets(groceries, min_support=0.01, max_len=5)
    maximal = set(found.counts)
    assert maximal < set(everything.counts)
    for itemset in everything.counts:
        is_covered = any(set(itemset) < set(m) for m in maximal)
        assert (itemset in maximal) != is_covered


@pytest.mark.parametrize(
    "support, n, count", [(0.001, 9835, 10), (0.006, 9835, 60), (0.0005, 200_000, 100),
                          (0.0005, 1_000_000, 500), (0.1, 30, 3), (1, 7, 7)],
)  # fmt: skip
def test_count_threshold_is_exact(support, n, count):
    assert min_count_for(support, n) == count


@pytest.mark.parametrize(
    "kwargs, fragment",
    [({"min_support": 0}, "in \\(0, 1\\]"), ({"min_support": 1.5}, "in \\(0, 1\\]"),
     ({"min_count": 0}, "at least 1"), ({"max_len": 0}, "at least 1"),
     ({"engine": "sparse", "max_len": 4}, "up to 3 items"),
     ({"algorithm": "eclat"}, "unknown algorithm")],
)  # fmt: skip
def test_bad_mining_parameters(groceries, kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        frequent_itemsets(groceries, **kwargs)


@settings(max_examples=40, deadline=None)
@given(
    density=st.floats(0.02, 0.5),
    rows=st.integers(1, 60),
    columns=st.integers(1, 12),
    min_count=st.integers(1, 6),
    max_len=st.integers(1, 3),
    seed=st.integers(0, 10_000),
)
def test_sparse_engine_equals_mlxtend_on_random_receipts(density, rows, columns, min_count,
                                                        max_len, seed):  # fmt: skip
    rng = np.random.default_rng(seed)
    dense = rng.random((rows, columns)) < density
    dense[:, 0] |= ~dense.any(axis=1)  # every receipt holds something
    receipts = Receipts(
        matrix=sparse.csr_matrix(dense.astype(np.uint8)),
        items=np.array([f"i{j:02d}" for j in range(columns)]),
        receipt_ids=np.arange(rows),
    )
    ours = frequent_itemsets(receipts, min_count=min_count, max_len=max_len, engine="sparse")
    theirs = frequent_itemsets(receipts, min_count=min_count, max_len=max_len, engine="mlxtend")
    assert ours.counts == theirs.counts
