"""Replaying order plans against actual sales."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasting.planning.simulate import simulate_orders
from forecasting.stores import OrderingStandard, StoreConfig

START = pd.Timestamp("2026-01-05")  # a Monday
STORES = {"S": StoreConfig(store="S", name="S", city="", hours={"mon": (0, 60)},
                           ordering=OrderingStandard(order_days=("mon", "wed", "fri")))}  # fmt: skip


def _catalog(shelf=None):
    return pd.DataFrame([{"sku": "A", "category": "c", "pack_size": 1, "lead_time_days": 1,
                          "shelf_life_days": shelf}])  # fmt: skip


def _actual(per_day: float, days: int = 56):
    dates = pd.date_range(START - pd.Timedelta(days=14), periods=days + 14, freq="D")
    return pd.DataFrame({"date": dates, "store": "S", "sku": "A", "quantity": per_day})


def _forecast(per_day: float):
    def forecast_at(day):
        dates = pd.date_range(day, periods=28, freq="D")
        return pd.DataFrame({"date": dates, "store": "S", "sku": "A", "mean": per_day,
                             "var": per_day})  # fmt: skip

    return forecast_at


def test_a_right_forecast_serves_every_customer_without_waste():
    result = simulate_orders(_actual(5), _forecast(5), _catalog(), STORES, start=START,
                             end=START + pd.Timedelta(days=55))  # fmt: skip
    row = result.items.iloc[0]
    assert row["demand"] == 5 * 56 and row["lost"] == 0 and row["wasted"] == 0
    assert row["orders"] == 24  # three order days a week for eight weeks
    totals = result.totals().iloc[0]
    assert totals["fill_rate"] == 1.0 and totals["cycle_service"] == 1.0
    assert totals["target"] == 0.95


def test_an_over_forecast_of_a_perishable_is_thrown_away():
    # Forecast 5 a day, nobody buys: everything received expires (shelf life 3 days).
    result = simulate_orders(_actual(0), _forecast(5), _catalog(shelf=3), STORES, start=START,
                             end=START + pd.Timedelta(days=27))  # fmt: skip
    row = result.items.iloc[0]
    assert row["received"] > 0 and row["wasted"] >= row["received"] * 0.9
    assert result.totals().iloc[0]["waste_share"] >= 0.9


def test_an_under_forecast_loses_sales_and_cycles():
    result = simulate_orders(_actual(10), _forecast(3), _catalog(), STORES, start=START,
                             end=START + pd.Timedelta(days=27))  # fmt: skip
    totals = result.totals().iloc[0]
    assert totals["fill_rate"] < 0.7
    assert totals["cycle_service"] < 0.2
    assert result.items.iloc[0]["sold"] + result.items.iloc[0]["lost"] == pytest.approx(280)


@pytest.mark.slow
def test_the_sample_plan_reaches_about_its_service_level(sample):
    from forecasting.rolling import demand_as_of

    sales = sample.sales[sample.sales["sku"].isin(["K1001", "K1010", "K1029", "K1091", "K1040"])]
    end = sales["date"].max()
    start = end - pd.Timedelta(days=27)
    forecast_at = demand_as_of(sales, stores=sample.stores, weather=sample.weather)
    result = simulate_orders(sales, forecast_at, sample.catalog, sample.stores, start=start,
                             end=end)  # fmt: skip
    totals = result.totals().iloc[0]
    assert totals["fill_rate"] > 0.95
    assert totals["cycle_service"] > totals["target"] - 0.1
