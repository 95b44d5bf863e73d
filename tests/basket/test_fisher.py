import numpy as np
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
