"""`customers.compare_groups`: how the customers of two stores or channels differ, and whether
the difference is more than chance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import customers
from customers import ParameterError, SchemaError
from customers.compare import compare_groups

AS_OF = "2025-06-30"


def _visits(seed: int, *, basket_b: float = 1.0, evening_b: float = 0.3, n: int = 400):
    """Customers of stores A and B: B's baskets ``basket_b`` times A's, B's evening share given."""
    rng = np.random.default_rng(seed)
    parts = []
    for store, factor, evening in (("A", 1.0, 0.3), ("B", basket_b, evening_b)):
        k = rng.integers(5, 30, n)
        who = np.repeat(np.arange(n), k)
        days = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 181, len(who)), "D")
        hours = np.where(rng.random(len(who)) < evening, rng.integers(17, 21, len(who)),
                         rng.integers(8, 17, len(who)))
        basket = rng.gamma(4.0, 6.0, n)[who] * factor
        parts.append(pd.DataFrame({
            "customer_id": [f"{store}{c}" for c in who], "store": store,
            "timestamp": days + pd.to_timedelta(hours, "h"),
            "amount_eur": np.round(basket * rng.lognormal(0, 0.3, len(who)), 2)}))
    return pd.concat(parts, ignore_index=True)


def test_a_planted_difference_is_found_and_sized():
    profile = customers.profiles(_visits(0, basket_b=1.25, evening_b=0.6), as_of=AS_OF)
    result = compare_groups(profile)
    diff = result.differences.set_index("measure")
    assert diff.loc["mean_spend", "real"] and diff.loc["share_evening", "real"]
    assert diff.loc["mean_spend", "high"] < 0 < diff.loc["share_evening", "low"] + 1  # A < B
    assert diff.loc["share_evening", "difference"] == pytest.approx(-0.3, abs=0.04)
    assert not diff.loc["share_weekend", "real"]
    assert list(result.table.index) == ["A", "B"] and result.table["customers"].tolist() == [400, 400]
    line = result.summary()[0]
    assert line.startswith("store A (400 customers) against B (400): basket ")
    assert "no clear difference in" in line and "share of visits at the weekend" in line


@pytest.mark.slow  # 200 simulated pairs of stores: 3 to 5 s
def test_no_planted_difference_is_called_real_about_5_percent_of_the_time():
    """Same behaviour in both stores: each measure's 95% interval should miss 0 about 5% of the
    time. Over 200 seeds x 7 measures (1,400 intervals) the share called real is measured 4.8%
    (1.5% to 7.5% by measure)."""
    real = []
    for seed in range(200):
        profile = customers.profiles(_visits(seed, n=150), as_of=AS_OF)
        real += compare_groups(profile).differences["real"].tolist()
    assert 0.03 <= np.mean(real) <= 0.07, np.mean(real)


def test_segment_mix_and_more_than_two_groups():
    visits = _visits(1, basket_b=1.6)
    visits.loc[visits["customer_id"].str.endswith("7"), "store"] = "C"
    profile = customers.profiles(visits, as_of=AS_OF)
    names = np.where(profile["mean_spend"] > profile["mean_spend"].median(), "big", "small")
    result = compare_groups(profile, segments=pd.Series(names, index=profile.index))
    assert set(result.differences["against"]) == {"the rest"}
    assert result.mix_p_values["B against the rest"] < 0.001
    assert {"segment: big", "segment: small"} <= set(result.table.columns)
    assert any("the segment mix differs (p < 0.001)" in line for line in result.summary())


def test_bad_input():
    profile = customers.profiles(_visits(2, n=40), as_of=AS_OF)  # 40 customers each
    with pytest.raises(ParameterError, match="`by='main_store'` gives 2 groups, 0 with 30\\+"):
        compare_groups(pd.concat([profile.head(20), profile.tail(20)]))
    with pytest.raises(ParameterError, match="confidence"):
        compare_groups(profile, confidence=95)
    with pytest.raises(SchemaError, match="missing column 'channel'"):
        compare_groups(profile, by="channel")
