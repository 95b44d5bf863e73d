"""load_inputs and plan_orders: one call gives what the steps they chain give; one holiday calendar."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from cli import kori
from forecasting import ConfigError, load_inputs, plan_orders
from forecasting.moments import daily_moments
from forecasting.planning.orders import order_plan
from forecasting.series import sales_series
from forecasting.tasks import Regressors
from forecasting.validation import parse_table


def test_load_inputs_reads_what_the_steps_read(sample) -> None:
    inputs = load_inputs(sample.sales, weather=sample.weather, stores=sample.stores,
                         sources={"sales": "sales.csv"})  # fmt: skip
    steps = sales_series(parse_table(sample.sales, "sales"), stores=sample.stores)
    np.testing.assert_array_equal(inputs.series.values, steps.values)
    pd.testing.assert_frame_equal(inputs.series.keys, steps.keys)
    assert inputs.regressors.weather is not None and inputs.regressors.stores == sample.stores
    assert inputs.summary()[-1].startswith(f"sales.csv: {len(sample.sales):,} rows, 312 series "
                                           "(daily, ")  # fmt: skip


def test_load_inputs_maps_columns_and_says_what_it_clipped(sample) -> None:
    sales = sample.sales.rename(columns={"quantity": "units"}).head(5000).copy()
    sales.loc[sales.index[:3], "units"] = -1
    inputs = load_inputs(sales, columns={"quantity": "units"}, negative="clip",
                         sources={"sales": "s.csv"})  # fmt: skip
    assert inputs.notes and "clipped 3 negative" in inputs.notes[0]
    assert inputs.summary()[0] == f"s.csv: {inputs.notes[0]}"


def test_a_store_configured_in_another_country_is_refused(sample) -> None:
    swedish = {code: dataclasses.replace(config, country="SE")
               for code, config in sample.stores.items()}  # fmt: skip
    with pytest.raises(ConfigError, match="store HKI is configured in SE but the holiday "
                                          "calendar is FI. Give `country='SE'`"):  # fmt: skip
        Regressors(stores=swedish)
    assert Regressors(country="SE", stores=swedish).country == "SE"


def test_the_command_line_names_the_country_option(runner, sample_dir) -> None:
    result = runner.invoke(kori, ["forecast", "run", str(sample_dir / "sales.csv"), "--stores",
                                  str(sample_dir / "store.toml"), "--country", "SE"])  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("Give --country FI, or set the store's country to "
                                          "match")  # fmt: skip


def test_plan_orders_takes_a_forecast_or_its_daily_demand(sample) -> None:
    table = pd.DataFrame({
        "date": np.repeat(pd.date_range("2025-12-01", periods=21), 2),
        "store": "HKI", "sku": np.tile(["K1001", "K1002"], 21), "model": "regression",
        "forecast": 10.0, "lo80": 6.0, "hi80": 14.0,
    })  # fmt: skip
    catalog = parse_table(sample.catalog, "catalog")
    stock = parse_table(sample.stock, "stock")
    stock = stock[(stock["store"] == "HKI") & stock["sku"].isin(["K1001", "K1002"])]
    direct = order_plan(daily_moments(table), stock, catalog, stores=sample.stores)
    for given in (table, daily_moments(table)):
        plan = plan_orders(given, stock, sample.catalog, sample.stores)
        pd.testing.assert_frame_equal(plan.table, direct.lines, check_dtype=False)  # ns or us
        assert plan.summary() == direct.summary()


def test_backtest_tables_name_the_products_given_a_catalog(sample) -> None:
    from forecasting import backtest

    few = sample.sales[sample.sales["sku"].isin(["K1040", "K1001"])]
    inputs = load_inputs(few, catalog=sample.catalog)
    assert inputs.catalog is not None
    result = backtest(inputs.series, models=["naive"], horizon=7, windows=1,
                      catalog=inputs.catalog)  # fmt: skip
    for table in (result.per_series, result.forecasts):
        columns = list(table.columns)
        assert columns[columns.index("sku") + 1: columns.index("sku") + 3] == ["name", "category"]
        names = dict(zip(table["sku"], table["name"]))
        assert names["K1040"] == sample.catalog.set_index("sku").loc["K1040", "name"]
    plain = backtest(inputs.series, models=["naive"], horizon=7, windows=1)
    assert "name" not in plain.per_series.columns
