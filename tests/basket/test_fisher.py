from fractions import Fraction
from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import hypergeom

from basket.fisher import upper_tail


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 100_000), st.data())
def test_upper_tail_equals_scipy(population, data):
    successes = data.draw(st.integers(0, population))
    draws = data.draw(st.integers(0, population))
    low, high = max(0, draws + successes - population), min(draws, successes)
    k = data.draw(st.integers(low, high + 1))
    ours = upper_tail(np.array([k]), population, successes, draws)[0]
    theirs = hypergeom.sf(k - 1, population, successes, draws)
    assert abs(ours - theirs) <= 1e-9 * max(theirs, 1e-300) + 1e-12


def test_extremes():
    assert upper_tail(np.array([0]), 10, 5, 5)[0] == 1.0
    assert upper_tail(np.array([6]), 10, 5, 5)[0] == 0.0
    assert abs(upper_tail(np.array([5]), 10, 5, 5)[0] - hypergeom.pmf(5, 10, 5, 5)) < 1e-15


def _rules(n_receipts: int, kind: str, n_rules: int = 3_000, seed: int = 1):
    """Counts like a support threshold of 0.0005 leaves: sides 0.05%-5% of the receipts.

    ``near-null`` draws the joint count around its expectation (long tail sums);
    ``strong`` puts it 1.5-10 times over (short sums, p-values down to underflow).
    """
    rng = np.random.default_rng(seed)
    low, high = np.log(0.0005 * n_receipts), np.log(0.05 * n_receipts)
    draws = np.round(np.exp(rng.uniform(low, high, n_rules)))
    successes = np.round(np.exp(rng.uniform(low, high, n_rules)))
    mean = draws * successes / n_receipts
    if kind == "near-null":
        sd = np.sqrt(mean * (1 - draws / n_receipts) * (1 - successes / n_receipts))
        k = np.round(mean + sd * rng.standard_normal(n_rules))
    else:
        k = np.round(mean * np.exp(rng.uniform(np.log(1.5), np.log(10), n_rules)))
    k = np.clip(k, np.maximum(0, draws + successes - n_receipts), np.minimum(draws, successes))
    return k, float(n_receipts), successes, draws


@pytest.mark.parametrize("kind", ["near-null", "strong"])
@pytest.mark.parametrize("n_receipts", [9_835, 200_000, 1_000_000])
def test_both_regimes_equal_scipy(n_receipts, kind):
    k, population, successes, draws = _rules(n_receipts, kind)
    ours = upper_tail(k, population, successes, draws)
    theirs = hypergeom.sf(k - 1, population, successes, draws)
    # Below 1e-300 doubles lose significant bits (scipy flushes subnormals to 0): absolute.
    normal = theirs >= 1e-300
    np.testing.assert_allclose(ours[normal], theirs[normal], rtol=1e-9, atol=0)
    np.testing.assert_allclose(ours[~normal], theirs[~normal], rtol=0, atol=1e-300)
    if kind == "near-null":
        assert theirs.min() > 1e-6 and (theirs > 0.5).any()
    else:
        assert theirs.min() < 1e-12


def _exact_tail(k: int, population: int, successes: int, draws: int) -> Fraction:
    top = min(successes, draws)
    total = sum(comb(successes, x) * comb(population - successes, draws - x)
                for x in range(k, top + 1))  # fmt: skip
    return Fraction(total, comb(population, draws))


@pytest.mark.slow  # end to end or exhaustive: in CI, out of the quick run
@pytest.mark.parametrize(
    ("k", "population", "successes", "draws"),
    [
        (272, 1_000_000, 3_000, 3_000),  # p = 4.4e-301
        (30, 1_000_000, 3_000, 3_000),  # near null: mean 9, 30 terms and more
        (12, 1_000_000, 3_000, 3_000),
        (5, 1_000_000, 3_000, 3_000),  # below the mean: 1 - the lower tail
        (1_157, 9_835, 1_903, 2_513),  # Groceries' two biggest items, p = 1.2e-300
        (500, 9_835, 1_903, 2_513),
    ],
)
def test_equals_exact_rational_sum(k, population, successes, draws):
    ours = upper_tail(np.array([k]), population, successes, draws)[0]
    exact = _exact_tail(k, population, successes, draws)
    assert abs(Fraction(ours) - exact) <= Fraction(1, 10**9) * exact


def test_underflow_and_certainty():
    # Every one of 3,000 draws a success: p = 1 / C(1e6, 3000), far below the smallest double.
    assert upper_tail(np.array([3_000]), 1_000_000, 3_000, 3_000)[0] == 0.0
    assert hypergeom.sf(2_999, 1_000_000, 3_000, 3_000) == 0.0
    # At or below the smallest possible count the tail is all of it.
    k, draws = np.array([0, 2_000, 1_000]), np.array([3_000, 999_000, 999_000])
    assert (upper_tail(k, 1_000_000, 3_000, draws) == 1.0).all()
    assert (hypergeom.sf(k - 1, 1_000_000, 3_000, draws) == 1.0).all()
    # No draws, or all of them: the count is certain.
    assert upper_tail(np.array([0, 1]), 10, 4, 0).tolist() == [1.0, 0.0]
    assert upper_tail(np.array([4, 5]), 10, 4, 10).tolist() == [1.0, 0.0]
