"""The one-call plans: the same tables as the chain of steps they replace, and their summaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.validation import parse_table

from forecasting.errors import ParameterError
from forecasting.planning.inputs import freezer_plans, frozen_demand, full_weeks, staffing_standards
from forecasting.planning.plans import plan_freezer, plan_staffing
from forecasting.planning.staffing import daily_staffing, staffing_plan
from forecasting.traffic import forecast_customers


@pytest.fixture(scope="module")
def demand(sample) -> pd.DataFrame:
    """Daily demand of the frozen products, Mon 2025-12-01 to Mon 2025-12-29 (one odd day):
    each store's mean daily sales of the last year, with Poisson variance."""
    frozen = sample.catalog.loc[sample.catalog["department"] == "frozen", "sku"]
    sales = sample.sales[sample.sales["sku"].isin(frozen)]
    sales = sales[pd.to_datetime(sales["date"]) >= "2024-12-01"]
    means = sales.groupby(["store", "sku"])["quantity"].mean().rename("mean").reset_index()
    dates = pd.DataFrame({"date": pd.date_range("2025-12-01", "2025-12-29")})
    out = means.merge(dates, how="cross")
    out["mean"] *= np.where(out["date"].dt.day_of_week >= 4, 1.5, 1.0)  # busier weekends
    return out.assign(var=out["mean"])


def test_plan_staffing_is_the_chain_of_steps(sample) -> None:
    result = plan_staffing(sample.traffic, sample.stores, horizon=7, weather=sample.weather,
                           min_cashiers=1)  # fmt: skip
    standards = staffing_standards(sample.stores, min_cashiers=1)
    _, hourly = forecast_customers(sample.traffic, sample.stores, horizon=7,
                                   weather=sample.weather)  # fmt: skip
    hours = staffing_plan(hourly, standards)
    pd.testing.assert_frame_equal(result.table, hours)
    pd.testing.assert_frame_equal(result.daily, daily_staffing(hours))
    lines = result.summary()
    assert [line.split(":")[0] for line in lines] == ["HKI", "TRE"]
    hki = result.daily[result.daily["store"] == "HKI"]
    assert lines[0].startswith(f"HKI: {hki['staff_hours'].sum():,.0f} checkout hours over "
                               f"{len(hki)} open days (80% of customers within 120 s")  # fmt: skip
    busiest = result.table[result.table["store"] == "HKI"].sort_values("load_erlangs").iloc[-1]
    assert f"busiest hour: HKI {busiest['date']:%Y-%m-%d} {busiest['hour']:02d}:00" in lines[0]


def test_plan_staffing_says_when_the_most_cashiers_miss_the_target(sample) -> None:
    result = plan_staffing(sample.traffic, sample.stores, horizon=7, max_cashiers=1)
    missed = result.daily.groupby("store")["hours_target_missed"].sum()
    assert missed["HKI"] > 0
    assert (f"HKI: {missed['HKI']} hours miss the target even at the most cashiers allowed (1)"
            in result.summary())  # fmt: skip


def test_plan_staffing_refuses_crossed_cashier_bounds_before_forecasting(sample) -> None:
    with pytest.raises(ParameterError, match="`min_cashiers=5` is above `max_cashiers=2`"):
        plan_staffing(sample.traffic.iloc[:0], sample.stores, min_cashiers=5, max_cashiers=2)


def test_plan_freezer_is_the_chain_of_steps(sample, demand) -> None:
    result = plan_freezer(demand, sample.catalog, sample.stores)
    catalog = parse_table(sample.catalog, "catalog")
    weeks, cut = full_weeks(frozen_demand(demand, catalog))
    plan = freezer_plans(weeks, catalog, sample.stores)
    pd.testing.assert_frame_equal(result.table, plan.categories)
    pd.testing.assert_frame_equal(result.skus.drop(columns="name"), plan.skus)
    assert cut == result.days_left_out == 1
    assert result.summary() == [
        "Left out 1 days of the forecast's first and last weeks, which are not whole weeks "
        "(Monday to Sunday)", *plan.summary()]  # fmt: skip


def test_plan_freezer_capacity_for_every_store_and_per_store(sample, demand) -> None:
    whole = demand[demand["date"] < "2025-12-29"]
    result = plan_freezer(whole, sample.catalog, capacity={"*": 90, "HKI": 150})
    assert result.plan.capacity == {"HKI": 150, "TRE": 90}
    assert result.summary() == result.plan.summary()  # no day left out
    same = plan_freezer(whole, sample.catalog, sample.stores, capacity=90)
    assert same.plan.capacity == {"HKI": 90, "TRE": 90}
    used = result.table.groupby(["store", "week"])["allocated_l"].sum()
    assert used["HKI"].max() <= 150 + 1e-9 and used["TRE"].max() <= 90 + 1e-9


@pytest.mark.parametrize(("stores", "capacity", "message"), [
    (False, None, "no freezer capacity. Give `capacity`, or `stores`"),
    (False, {"XYZ": 100.0}, "`capacity` names 'XYZ', which is not a store of the forecast "
                            "\\(HKI, TRE\\)"),
])  # fmt: skip
def test_plan_freezer_refuses_missing_or_unknown_capacity(sample, demand, stores, capacity,
                                                         message) -> None:  # fmt: skip
    with pytest.raises(ParameterError, match=message):
        plan_freezer(demand, sample.catalog, sample.stores if stores else None, capacity=capacity)


def test_the_plans_are_exported_lazily_from_the_package() -> None:
    import forecasting
    from forecasting import backtest, forecast, plan_freezer as exported, plan_staffing as staffing
    from forecasting.backtest import run_backtest
    from forecasting.forecast import forecast as forecast_function

    assert staffing is plan_staffing and exported is plan_freezer
    assert backtest is run_backtest and forecast is forecast_function
    assert forecasting.forecast is forecast_function  # the function, not the submodule
    assert {"plan_staffing", "plan_freezer", "forecast", "backtest"} <= set(forecasting.__all__)
    with pytest.raises(AttributeError):
        forecasting.no_such_name  # noqa: B018


def test_plan_freezer_names_the_skus(sample, demand) -> None:
    result = plan_freezer(demand, sample.catalog, sample.stores)
    columns = list(result.skus.columns)
    assert columns[columns.index("sku") + 1] == "name"
    names = dict(zip(sample.catalog["sku"], sample.catalog["name"]))
    assert (result.skus["name"] == result.skus["sku"].map(names)).all()
    assert "name" not in result.plan.skus.columns  # the plan itself keeps its columns
