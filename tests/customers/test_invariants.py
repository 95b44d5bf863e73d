"""Invariants of the BG/NBD and Gamma-Gamma predictions over any valid history (Hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customers import BetaGeoModel, GammaGammaModel


def _model(r: float, alpha: float, a: float, b: float) -> BetaGeoModel:
    model = BetaGeoModel()
    model.params_ = {"r": r, "alpha": alpha, "a": a, "b": b}
    return model


histories = st.tuples(
    st.integers(0, 300),  # frequency
    st.floats(0.0, 1.0),  # recency as a share of T
    st.floats(0.1, 500.0),  # T
)
params = st.tuples(st.floats(0.05, 20), st.floats(0.1, 100), st.floats(0.05, 20),
                   st.floats(0.05, 50))


@settings(max_examples=200, deadline=None)
@given(history=histories, theta=params, t=st.floats(0.5, 200))
def test_p_alive_is_a_probability_and_expectations_grow(history, theta, t) -> None:
    x, share, T = history
    summary = pd.DataFrame({"frequency": [x], "recency": [share * T if x else 0.0], "T": [T]})
    model = _model(*theta)
    alive = model.p_alive(summary)[0]
    assert 0.0 <= alive <= 1.0
    if x == 0:
        assert alive == 1.0
    soon, later = (model.expected_purchases(h, summary)[0] for h in (t, 2 * t))
    assert np.isfinite(soon) and np.isfinite(later)
    assert -1e-9 <= soon <= later * (1 + 1e-7) + 1e-12


@settings(max_examples=100, deadline=None)
@given(x=st.integers(1, 100), zbar=st.floats(0.5, 500), p=st.floats(0.5, 20),
       q=st.floats(1.1, 20), gamma=st.floats(0.5, 100))
def test_expected_spend_lies_between_the_population_mean_and_the_own_mean(x, zbar, p, q, gamma):
    model = GammaGammaModel()
    model.params_ = {"p": p, "q": q, "gamma": gamma}
    summary = pd.DataFrame({"frequency": [x], "recency": [1.0], "T": [2.0],
                            "monetary_value": [zbar]})
    spend = model.expected_spend(summary)[0]
    population = p * gamma / (q - 1)
    assert min(population, zbar) * (1 - 1e-9) <= spend <= max(population, zbar) * (1 + 1e-9)


def test_a_at_one_is_no_singularity() -> None:
    summary = pd.DataFrame({"frequency": [0, 3], "recency": [0.0, 10.0], "T": [20.0, 20.0]})
    at_one = _model(0.5, 4.0, 1.0, 2.0).expected_purchases(10, summary)
    near = _model(0.5, 4.0, 1.0 + 1e-4, 2.0).expected_purchases(10, summary)
    np.testing.assert_allclose(at_one, near, rtol=1e-3)
    assert _model(0.5, 4.0, 1.0, 2.0).expected_purchases_new(10) == pytest.approx(
        _model(0.5, 4.0, 1.0 + 1e-4, 2.0).expected_purchases_new(10), rel=1e-3)


def test_heavy_buyers_get_finite_expectations() -> None:
    # scipy's hyp2f1(1, 1, 101, z) is inf for z > 0.9; the model works around it.
    summary = pd.DataFrame({"frequency": [99, 400], "recency": [0.5, 78.0], "T": [1.0, 78.0]})
    model = _model(1.0, 1.0, 2.0, 1.0)
    for t in (10.0, 20.0, 52.0):
        assert np.all(np.isfinite(model.expected_purchases(t, summary)))
    busy = _model(0.243, 4.414, 0.793, 2.426).expected_purchases(13, summary)[1]
    assert 50 < busy < 400 / 78 * 13 * 1.01  # about the 5 a week they bought at, minus drop-out
