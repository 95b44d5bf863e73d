"""Customers per hour: daily totals, the intra-day profile and its spread over opening hours."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasting.calendar import holiday_names, holiday_table
from forecasting.errors import SchemaError
from forecasting.stores import StoreConfig
from forecasting.traffic import daily_customers, hourly_customers, intraday_profile

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STORE = StoreConfig(
    store="S",
    name="S",
    city="",
    hours={day: (8 * 60, 12 * 60) for day in WEEK},
    special_hours={"Christmas Eve": (8 * 60, 10 * 60 + 30)},
    closed_on=("Christmas Day",),
)


def _traffic(weeks: int = 2) -> pd.DataFrame:
    days = pd.date_range("2025-11-03", periods=7 * weeks, freq="D")
    rows = [(day + pd.Timedelta(hours=h), "S", n) for day in days
            for h, n in ((8, 10), (9, 20), (10, 30), (11, 40))]  # fmt: skip
    return pd.DataFrame(rows, columns=["timestamp", "store", "receipts"])


def test_daily_customers_sum_the_hours():
    daily = daily_customers(_traffic())
    assert list(daily.columns) == ["date", "store", "sku", "quantity"]
    assert (daily["quantity"] == 100).all() and (daily["sku"] == "customers").all()


def test_profile_shares_add_to_one_per_weekday():
    profile = intraday_profile(_traffic())
    sums = profile.groupby(["store", "weekday"])["share"].sum()
    assert sums.to_numpy() == pytest.approx(1.0)
    assert profile.set_index(["weekday", "hour"]).loc[(0, 11), "share"] == pytest.approx(0.4)


def test_hourly_spread_follows_hours_special_days_and_closures():
    days = pd.date_range("2025-12-22", "2025-12-26")
    names = holiday_names(days, holiday_table(days[0], days[-1]))
    daily = pd.DataFrame({"date": days, "store": "S", "customers": 200.0})
    hourly = hourly_customers(daily, intraday_profile(_traffic()), {"S": STORE}, names)
    by_day = hourly.groupby("date")["receipts"].sum()
    assert by_day.to_numpy() == pytest.approx([200.0, 200.0, 200.0, 200.0])
    assert pd.Timestamp("2025-12-25") not in set(hourly["date"])  # closed
    eve = hourly[hourly["date"] == pd.Timestamp("2025-12-24")]
    assert eve["hour"].tolist() == [8, 9, 10] and eve["open_minutes"].tolist() == [60, 60, 30]
    # Shares 10:20:(30 x half an hour) -> 10:20:15 of 45.
    assert eve["receipts"].to_numpy() == pytest.approx([200 * 10 / 45, 200 * 20 / 45, 200 * 15 / 45])


def test_store_without_hours_and_empty_traffic_are_errors():
    daily = pd.DataFrame({"date": [pd.Timestamp("2025-12-22")], "store": ["X"], "customers": [1.0]})
    with pytest.raises(SchemaError, match="store X has no opening hours"):
        hourly_customers(daily, intraday_profile(_traffic()), {"S": STORE}, pd.Series(dtype=str))
    with pytest.raises(SchemaError, match="no traffic rows"):
        intraday_profile(_traffic().iloc[:0])
