"""customers.summarise: repeat purchase days, recency, age and mean repeat spend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customers import ParameterError, SchemaError, summarise


def _sales() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["a", "a", "a", "a", "b", "c", "c"],
        "timestamp": ["2024-01-01 09:00", "2024-01-01 18:00", "2024-01-15", "2024-01-29",
                      "2024-01-08", "2024-01-02", "2024-01-23"],
        "amount": [10.0, 5.0, 20.0, 40.0, 7.0, 3.0, 9.0],
    })


def test_same_day_purchases_count_once_and_the_first_is_not_a_repeat() -> None:
    out = summarise(_sales(), amount="amount", as_of="2024-02-05")
    assert out.loc["a", "frequency"] == 2  # two purchases on 1 January are one purchase day
    assert out.loc["a", "recency"] == pytest.approx(4.0)
    assert out.loc["a", "T"] == pytest.approx(5.0)
    assert out.loc["a", "monetary_value"] == pytest.approx(30.0)  # (20 + 40) / 2, not the 15
    assert out.loc["a", "first_amount"] == pytest.approx(15.0)
    assert out.loc["b", "frequency"] == 0 and np.isnan(out.loc["b", "monetary_value"])
    assert out.loc["c", "recency"] == pytest.approx(3.0)


def test_days_or_any_period_length() -> None:
    days = summarise(_sales(), as_of="2024-02-05", period="D")
    assert days.loc["a", ["recency", "T"]].tolist() == [28.0, 35.0]
    months = summarise(_sales(), as_of="2024-02-05", period=35.0)
    assert months.loc["a", "T"] == pytest.approx(1.0)


def test_reproduces_the_published_cdnow_summary(cdnow_transactions, cdnow_value) -> None:
    # Summarised to the calibration end; the published file rounds to 2 decimals.
    calib = summarise(cdnow_transactions, timestamp="date", amount="dollars",
                      as_of="1998-06-30", calibration_end="1997-09-30")
    ref = cdnow_value.loc[calib.index]
    assert (calib["frequency"] == ref["frequency"]).all()
    np.testing.assert_allclose(calib["recency"], ref["recency"], atol=0.006)
    np.testing.assert_allclose(calib["T"], ref["T"], atol=0.006)
    np.testing.assert_allclose(calib["monetary_value"].fillna(0), ref["monetary_value"],
                               atol=0.006)
    assert calib["holdout_length"].iloc[0] == pytest.approx(39.0)
    assert calib.attrs["left_out"] == 0


def test_calibration_splits_off_the_holdout() -> None:
    out = summarise(_sales(), amount="amount", as_of="2024-02-05", calibration_end="2024-01-20")
    assert out.loc["a", ["frequency", "holdout_frequency"]].tolist() == [1, 1]
    assert out.loc["a", "T"] == pytest.approx(19 / 7)
    assert out.loc["a", "holdout_monetary_value"] == pytest.approx(40.0)
    assert out.loc["c", "holdout_frequency"] == 1
    assert out["holdout_length"].iloc[0] == pytest.approx(16 / 7)


def test_a_purchase_after_as_of_names_the_customer_and_date() -> None:
    with pytest.raises(SchemaError, match=r"after `as_of=2024-01-20`.*customer c on 2024-01-23"):
        summarise(_sales(), as_of="2024-01-20")


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"as_of": "2024-02-05", "customer": "member"}, SchemaError, "missing column 'member'"),
        ({"as_of": "2024-02-05", "period": "M"}, ParameterError, "`period='M'`"),
        ({"as_of": "2024-02-05", "period": 0}, ParameterError, "`period=0`"),
        ({"as_of": "not a date"}, ParameterError, "`as_of='not a date'`"),
        ({"as_of": "2024-02-05", "calibration_end": "2024-03-01"}, ParameterError,
         "is not before `as_of=2024-02-05`"),
    ],
)
def test_bad_parameters(kwargs, error, fragment) -> None:
    with pytest.raises(error, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        summarise(_sales(), **kwargs)


def test_unreadable_rows_are_named() -> None:
    sales = _sales()
    sales.loc[3, "timestamp"] = "soon"
    sales.loc[4, "amount"] = None
    with pytest.raises(SchemaError, match=r"2 rows .*row 3: .*timestamp='soon'"):
        summarise(sales, amount="amount", as_of="2024-02-05")
