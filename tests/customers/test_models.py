"""BG/NBD and Gamma-Gamma: the published CDNOW figures, simulations, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customers import (
    LAPSED_BELOW,
    BetaGeoModel,
    FitError,
    GammaGammaModel,
    NotFittedError,
    ParameterError,
    SchemaError,
    TooFewCustomersError,
    lifecycle,
    simulate_customers,
    simulate_transactions,
    summarise,
)

PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}


@pytest.fixture(scope="module")
def cdnow_model(cdnow_summary) -> BetaGeoModel:
    return BetaGeoModel().fit(cdnow_summary)


def test_bgnbd_matches_the_published_cdnow_fit(cdnow_model) -> None:
    for name, value in PUBLISHED_BGNBD.items():
        assert cdnow_model.params_[name] == pytest.approx(value, rel=0.01), name
    assert cdnow_model.log_likelihood_ == pytest.approx(-9582.4, abs=1.0)
    assert cdnow_model.n_customers_ == 2357


def test_gamma_gamma_matches_the_published_cdnow_fit(cdnow_value) -> None:
    model = GammaGammaModel().fit(cdnow_value)
    assert model.n_customers_ == 946
    for name, value in PUBLISHED_GG.items():
        assert model.params_[name] == pytest.approx(value, rel=0.01), name
    spend = model.expected_spend(cdnow_value)
    p, q, gamma = (model.params_[n] for n in ("p", "q", "gamma"))
    # No repeat purchase: the population mean p gamma / (q - 1); with many, close to zbar.
    none = cdnow_value["frequency"].to_numpy() == 0
    np.testing.assert_allclose(spend[none], p * gamma / (q - 1))
    heavy = cdnow_value["frequency"].to_numpy() >= 10
    mean = cdnow_value["monetary_value"].to_numpy()[heavy]
    assert np.all(np.abs(spend[heavy] - mean) < np.abs(p * gamma / (q - 1) - mean) + 1e-9)


def test_the_fit_on_39_weeks_of_transactions_gives_the_published_parameters(
    cdnow_transactions,
) -> None:
    calib = summarise(cdnow_transactions[cdnow_transactions["date"] <= "19970930"],
                      timestamp="date", as_of="1997-09-30")
    model = BetaGeoModel().fit(calib)
    for name, value in PUBLISHED_BGNBD.items():
        assert model.params_[name] == pytest.approx(value, rel=0.015), name


def test_p_alive_properties(cdnow_model) -> None:
    history = pd.DataFrame({"frequency": [0, 0, 10, 10, 1],
                            "recency": [0.0, 0.0, 5.0, 38.0, 1.0],
                            "T": [39.0, 2.0, 39.0, 39.0, 39.0]})
    alive = cdnow_model.p_alive(history)
    # No repeat purchase: no chance to drop out yet, so P(alive) is exactly 1 under BG/NBD.
    assert alive[0] == 1.0 and alive[1] == 1.0
    # Ten purchases in the first five weeks and none in 34 since: very likely gone.
    assert alive[2] < 0.01
    # The same ten purchases, the last one a week ago: very likely still a customer.
    assert alive[3] > 0.9
    assert 0 < alive[4] < 1


def test_expectations_grow_with_the_horizon_and_match_the_new_customer_curve(
    cdnow_model, cdnow_summary,
) -> None:
    week = cdnow_model.expected_purchases(1, cdnow_summary)
    year = cdnow_model.expected_purchases(52, cdnow_summary)
    assert np.all(year > week) and np.all(week >= 0)
    # A customer just arrived (x = 0, T tiny) behaves like a new one.
    fresh = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [1e-9]})
    assert cdnow_model.expected_purchases(39, fresh)[0] == pytest.approx(
        cdnow_model.expected_purchases_new(39), rel=1e-6)
    curve = cdnow_model.expected_purchases_new(np.array([0.0, 39.0, 78.0]))
    assert curve[0] == 0 and 0 < curve[1] < curve[2]


def test_the_expected_purchases_of_a_new_customer_match_a_simulation() -> None:
    params = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
    model = BetaGeoModel()
    model.params_ = {k: float(v) for k, v in params.items()}
    drawn = simulate_customers(20_000, T=39.0, seed=11, **params)
    mean = drawn["frequency"].mean()
    assert model.expected_purchases_new(39.0) == pytest.approx(mean, rel=0.05)


def test_bgnbd_recovers_simulated_parameters() -> None:
    truth = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}
    drawn = simulate_customers(5000, T=np.linspace(30, 60, 5000), seed=3, **truth)
    model = BetaGeoModel().fit(drawn)
    assert model.params_["r"] == pytest.approx(truth["r"], rel=0.1)
    assert model.params_["alpha"] == pytest.approx(truth["alpha"], rel=0.15)
    assert model.params_["a"] == pytest.approx(truth["a"], rel=0.25)
    assert model.params_["b"] == pytest.approx(truth["b"], rel=0.3)


def test_gamma_gamma_recovers_simulated_spend() -> None:
    tx = simulate_transactions(4000, r=1.0, alpha=3.0, a=0.5, b=4.0, start="2024-01-01",
                               end="2025-06-30", spend=(6.0, 4.0, 15.0), seed=5)
    summary = summarise(tx, amount="amount", as_of="2025-06-30")
    model = GammaGammaModel().fit(summary)
    # The population mean spend p gamma / (q - 1) = 30 is what matters and is pinned well.
    p, q, gamma = (model.params_[n] for n in ("p", "q", "gamma"))
    assert p * gamma / (q - 1) == pytest.approx(30.0, rel=0.05)
    assert p == pytest.approx(6.0, rel=0.2)


def test_lifecycle_table_and_lapsed_rule(cdnow_value) -> None:
    result = lifecycle(cdnow_value, horizon=39)
    table = result.table
    assert list(table.columns) == ["frequency", "recency", "T", "p_alive", "expected_purchases",
                                   "expected_spend", "expected_value", "lapsed"]
    assert (table["lapsed"] == (table["p_alive"] < LAPSED_BELOW)).all()
    assert not table.loc[table["frequency"] == 0, "lapsed"].any()
    assert 0 < table["lapsed"].mean() < 0.5
    lines = result.summary()
    assert "2,357 customers" in lines[0] and "lapsed" in lines[0]
    stricter = lifecycle(cdnow_value, horizon=39, lapsed_below=0.9, purchases=result.purchases,
                         spend=result.spend)
    assert stricter.table["lapsed"].sum() > table["lapsed"].sum()
    with pytest.raises(ParameterError, match="`lapsed_below=1.5`"):
        lifecycle(cdnow_value, horizon=39, lapsed_below=1.5)
    with pytest.raises(ParameterError, match="`t=-1"):
        lifecycle(cdnow_value, horizon=-1)


def _good(n: int = 30) -> pd.DataFrame:
    return simulate_customers(n, r=0.5, alpha=5.0, a=0.8, b=2.5, T=40.0, seed=2)


@pytest.mark.parametrize(
    ("column", "row", "value", "fragment"),
    [
        ("T", 4, 0.0, "non-positive T (the customer's age): customer 4"),
        ("T", 5, -3.0, "non-positive T"),
        ("frequency", 6, -1, "negative frequency: customer 6: frequency=-1"),
        ("recency", 7, 99.0, "recency above T: customer 7: recency=99, T=40"),
        ("recency", 8, np.nan, "NaN or non-numeric values: customer 8"),
        ("frequency", 9, 1.5, "fractional frequency"),
    ],
)
def test_bad_summaries_name_the_problem_and_the_customer(column, row, value, fragment) -> None:
    summary = _good()
    summary[column] = summary[column].astype(float)
    summary.loc[row, column] = value
    for call in (BetaGeoModel().fit, BetaGeoModel().fit(_good()).p_alive):
        with pytest.raises(SchemaError) as info:
            call(summary)
        assert fragment in str(info.value)
        assert str(info.value).startswith("summary: ")


def test_every_problem_is_named_at_once() -> None:
    summary = _good().astype(float)
    summary.loc[1, "frequency"] = -2
    summary.loc[2, "T"] = 0
    message = str(pytest.raises(SchemaError, BetaGeoModel().fit, summary).value)
    assert "negative frequency" in message and "non-positive T" in message


def test_too_few_customers_and_missing_columns() -> None:
    with pytest.raises(TooFewCustomersError, match="too few customers to fit: 19"):
        BetaGeoModel().fit(_good(19))
    with pytest.raises(SchemaError, match="missing column 'T'"):
        BetaGeoModel().fit(_good().drop(columns="T"))
    with pytest.raises(SchemaError, match="missing column 'monetary_value'"):
        GammaGammaModel().fit(_good())
    few = _good(30).assign(monetary_value=10.0)
    few["frequency"] = [1] * 5 + [0] * 25
    few.loc[few["frequency"] == 0, "recency"] = 0.0
    with pytest.raises(TooFewCustomersError, match="repeat purchases to fit spend: 5"):
        GammaGammaModel().fit(few)
    bad_spend = _good(30).assign(monetary_value=-1.0)
    with pytest.raises(SchemaError, match="zero or negative 'monetary_value'"):
        GammaGammaModel().fit(bad_spend)


def test_predicting_before_fitting_is_an_error() -> None:
    with pytest.raises(NotFittedError):
        BetaGeoModel().p_alive(_good())
    with pytest.raises(NotFittedError):
        GammaGammaModel().expected_spend(_good().assign(monetary_value=1.0))


def test_a_fit_that_cannot_converge_says_so() -> None:
    # Every customer bought each of 30 periods and is still buying: no drop-out to learn from,
    # so the drop-out parameters run off to the bound instead of giving silently bad values.
    n = 40
    summary = pd.DataFrame({"frequency": [30] * n, "recency": [30.0] * n, "T": [30.0] * n})
    with pytest.raises(FitError, match="BG/NBD fit ran off to a degenerate point: r, alpha"):
        BetaGeoModel().fit(summary)


def test_refitting_replaces_the_fit(cdnow_summary) -> None:
    model = BetaGeoModel().fit(_good(200))
    first = dict(model.params_)
    model.fit(cdnow_summary)
    assert model.params_ != first and model.n_customers_ == 2357


def test_a_likelihood_that_is_never_finite_is_a_failed_fit() -> None:
    from customers.optimise import maximise

    with pytest.raises(FitError, match="the test fit did not converge"):
        maximise(lambda theta: float("nan"), np.zeros(2), names=("u", "v"), model="test")
