"""customers.holdout_check on CDNOW: 39 weeks of calibration, 39 weeks of holdout."""

from __future__ import annotations

import pandas as pd
import pytest

from customers import ParameterError, holdout_check


@pytest.fixture(scope="module")
def check(cdnow_transactions):
    return holdout_check(cdnow_transactions, "1997-09-30", "1998-06-30", timestamp="date")


def test_the_calibration_fit_is_the_published_one(check) -> None:
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert check.model.params_[name] == pytest.approx(value, rel=0.015), name


def test_the_table_by_calibration_purchases(check) -> None:
    table = check.table
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].sum() == 2357 and table.loc["0", "customers"] == 1411
    # Both columns rise with past purchases, and prediction tracks the actual within 35%.
    assert table["predicted"].is_monotonic_increasing
    assert (table["predicted"] / table["actual"]).between(0.65, 1.15).all()
    # The figures in the README.
    assert check.actual_total == 1882
    assert check.predicted_total == pytest.approx(1653.4, abs=0.5)
    assert check.customers["holdout_length"].iloc[0] == pytest.approx(39.0)
    assert "1,882 made" in check.summary()[1]


def test_bad_bucket(cdnow_transactions) -> None:
    with pytest.raises(ParameterError, match="`top_bucket=0`"):
        holdout_check(cdnow_transactions, "1997-09-30", "1998-06-30", timestamp="date",
                      top_bucket=0)


def test_a_first_purchase_on_the_last_calibration_day_is_left_out(cdnow_transactions) -> None:
    """Such a customer has T = 0 in the calibration (no time to fit on): left out and counted,
    not a refused summary."""
    late = cdnow_transactions.head(1).assign(customer_id=99999, date="19970930")
    again = late.assign(date="19971101")
    result = holdout_check(pd.concat([cdnow_transactions, late, again]), "1997-09-30",
                           "1998-06-30", timestamp="date")  # fmt: skip
    assert result.newcomers == 1 and 99999 not in result.customers.index
    assert result.table["customers"].sum() == 2357
    assert result.summary()[-1] == ("1 first seen on the last calibration day left out: no "
                                    "calibration time")
