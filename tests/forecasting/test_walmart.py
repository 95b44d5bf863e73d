"""Real weekly sales: eight Walmart store-department series (see ``tests/data/SOURCES.md``).

The files keep Kaggle's column names, so they also test the column mapping; the temperature
was converted from Fahrenheit to Celsius when the sample was cut.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from cli import kori
from forecasting.forecast import forecast
from forecasting.series import sales_series
from forecasting.tasks import Regressors
from forecasting.validation import parse_table

DATA = Path(__file__).resolve().parents[1] / "data"
SALES = DATA / "walmart_sales_sample.csv"
WEATHER = DATA / "walmart_weather_sample.csv"
MAPPING = ["--date-col", "Date", "--store-col", "Store", "--sku-col", "Dept",
           "--quantity-col", "Weekly_Sales"]  # fmt: skip


def _backtest(runner, *extra: str) -> pd.DataFrame:
    result = runner.invoke(kori, ["forecast", "backtest", str(SALES), *MAPPING, "--country", "US",
                                  "--horizon", "26", "--windows", "1", "-f", "csv", *extra])  # fmt: skip
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout)).set_index("model")


@pytest.fixture(scope="module")
def series():
    raw = pd.read_csv(SALES).rename(columns={"Date": "date", "Store": "store", "Dept": "sku",
                                             "Weekly_Sales": "quantity"})  # fmt: skip
    return sales_series(parse_table(raw, "sales", source="walmart"), source="walmart")


def test_weekly_frequency_is_inferred_and_nothing_is_filled(series):
    assert series.freq.startswith("W")
    assert len(series.dates) == 143 and len(series.keys) == 8
    assert series.report.zero_filled == 0


def test_us_holidays_are_bucketed_into_the_weeks(series):
    result = forecast(series, horizon=4, regressors=Regressors(country="US"))
    calendar = next(iter(result.designs.values())).calendar
    thanksgiving = [c for c in calendar.columns if "Thanksgiving" in c]
    assert thanksgiving
    # 2011-11-24 (Thursday) falls in the week ending Friday 2011-11-25.
    weeks = calendar.index[calendar[thanksgiving].sum(axis=1) > 0]
    assert pd.Timestamp("2011-11-25") in weeks


def test_regression_beats_seasonal_naive_and_weather_helps(runner):
    with_weather = _backtest(runner, "--weather", str(WEATHER), "--models", "regression")
    without = _backtest(runner, "--no-holidays", "--models", "regression")
    # Measured: naive 10.0%, regression 7.5% with holidays and temperature, 7.8% without.
    assert with_weather.loc["regression", "wape_vs_naive"] < 0.8
    assert with_weather.loc["regression", "wape"] < without.loc["regression", "wape"]
    assert 0.6 < with_weather.loc["regression", "coverage80"] <= 1


@pytest.mark.slow
def test_every_model_runs_on_real_weekly_data(runner):
    table = _backtest(runner, "--weather", str(WEATHER), "--models", "all", "--jobs", "2")
    assert set(table.index) >= {"naive", "regression", "ets", "stl", "sarimax", "prophet",
                                "slow", "gbm"}  # fmt: skip
    # Every model is within reach of the baseline on these series (none diverges).
    assert (table["wape_vs_naive"] < 1.3).all(), table["wape_vs_naive"]
