"""Forecasting on the sample store: the planted truths come back, and the contract holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.backtest import run_backtest
from forecasting.errors import ParameterError, SchemaError
from forecasting.events import calendar_events
from forecasting.forecast import forecast
from forecasting.models import run_model
from forecasting.regressors import calendar_columns
from forecasting.sample import simulate_store
from forecasting.series import future_dates, infer_freq, sales_series
from forecasting.tasks import Regressors, build_tasks


@pytest.fixture(scope="module")
def series(sample):
    return sales_series(sample.sales)


@pytest.fixture(scope="module")
def regressors(sample):
    return Regressors(weather=sample.weather, stores=sample.stores)


@pytest.fixture(scope="module")
def result(series, regressors):
    return forecast(series, horizon=28, regressors=regressors, quantiles=(0.5, 0.9))


def _daily(result, sku, store):
    table = result.table
    return table[(table["sku"] == sku) & (table["store"] == store)].set_index("date")


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
def test_ice_cream_sells_more_when_it_is_warmer(series, sample, result):
    hot = forecast(series, horizon=28, regressors=Regressors(weather=sample.weather,
                                                             temperature_offset=3.0))
    for store in ("HKI", "TRE"):
        base = _daily(result, "K1091", store)["forecast"].sum()
        warm = _daily(hot, "K1091", store)["forecast"].sum()
        assert warm > 1.1 * base  # planted: about +7% per degree


def test_ham_peaks_in_the_days_before_christmas_eve(result):
    for store in ("HKI", "TRE"):
        ham = _daily(result, "K1040", store)["forecast"]
        peak = ham.idxmax()
        assert pd.Timestamp("2025-12-19") <= peak <= pd.Timestamp("2025-12-23")
        assert ham.loc["2025-12-19":"2025-12-23"].mean() > 2 * ham.loc["2025-12-01":"2025-12-07"].mean()


def test_forecasts_are_zero_on_christmas_day_and_never_negative(result):
    christmas = result.table[result.table["date"] == "2025-12-25"]
    assert len(christmas) == 312 and (christmas[["forecast", "hi95", "q90"]] == 0).all().all()
    numbers = result.table[["forecast", "lo80", "hi80", "lo95", "hi95", "q50", "q90"]]
    assert (numbers >= 0).all().all()
    assert (result.table["lo95"] <= result.table["lo80"]).all()
    assert (result.table["hi80"] <= result.table["hi95"]).all()
    assert result.closed == {"HKI": [pd.Timestamp("2025-12-25")],
                             "TRE": [pd.Timestamp("2025-12-25")]}


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
def test_christmas_day_is_closed_without_store_config_too(series, sample):
    inferred = forecast(series, horizon=28, regressors=Regressors(weather=sample.weather))
    assert (inferred.table.loc[inferred.table["date"] == "2025-12-25", "forecast"] == 0).all()
    assert (inferred.table.loc[inferred.table["date"] == "2025-12-24", "forecast"] > 0).any()


def test_days_beyond_the_weather_forecast_use_climatology(result):
    days = result.table.drop_duplicates("date").set_index("date")["weather"]
    assert (days.loc[:"2025-12-14"] == "file").all()
    assert (days.loc["2025-12-15":] == "climatology").all()
    assert len(result.climatology_days()["HKI"]) == 14


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
def test_default_model_beats_seasonal_naive_in_backtest(series, regressors):
    subset = series.select(np.arange(len(series.keys)) % 3 == 0)
    scores = run_backtest(subset, models=["regression"], horizon=28, windows=2,
                          regressors=regressors).overall.set_index("model")
    assert scores.loc["regression", "wape"] < 0.85 * scores.loc["naive", "wape"]
    assert 0.7 < scores.loc["regression", "coverage80"] < 0.9
    assert 0.9 < scores.loc["regression", "coverage95"] <= 1.0


def test_slow_movers_get_the_count_model(result):
    notes = result.fallbacks()
    assert len(notes) > 0 and set(notes["model"]) == {"slow"}
    assert notes["note"].str.contains("intermittent").all()


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
def test_same_input_same_output(series, regressors, result):
    again = forecast(series, horizon=28, regressors=regressors, quantiles=(0.5, 0.9))
    pd.testing.assert_frame_equal(again.table, result.table)


def test_two_jobs_give_the_same_forecast(series, regressors):
    subset = series.select(np.arange(len(series.keys)) % 20 == 0)
    one = forecast(subset, horizon=7, regressors=regressors).table
    two = forecast(subset, horizon=7, regressors=regressors, jobs=2).table
    pd.testing.assert_frame_equal(one, two)


def test_components_show_holiday_and_weather_effects(series, sample):
    subset = series.select((series.keys["sku"] == "K1091").to_numpy())
    result = forecast(subset, horizon=28, regressors=Regressors(weather=sample.weather),
                      components=True)
    parts = result.components
    assert {"level", "weekly", "yearly", "holidays", "weather"} <= set(parts.columns)
    july = parts[parts["date"].dt.month == 7]
    january = parts[parts["date"].dt.month == 1]
    assert july["weather"].mean() > january["weather"].mean()


# --------------------------------------------------------------------------- the contract

_QUICK = ("naive", "regression", "slow", "ets", "stl", "mean")


@pytest.mark.parametrize("model", _QUICK)
def test_every_model_keeps_the_contract(series, regressors, model):
    subset = series.select(np.isin(series.keys["sku"], ["K1001", "K1040", "K1091"]))
    tasks, _ = build_tasks(subset, future_dates(subset, 28), regressors, (0.1, 0.5, 0.9))
    for task in tasks:
        output = run_model(model, task)
        assert output.point.shape == (28, 3)
        assert output.quantiles.shape == (3, 28, 3)
        assert np.isfinite(output.point).all() and (output.point >= 0).all()
        assert (np.diff(output.quantiles, axis=0) >= 0).all()
        closed = task.closed[task.n_hist:]
        assert closed.any() and (output.point[closed] == 0).all()


@pytest.mark.slow
@pytest.mark.parametrize("model", ["prophet", "sarimax"])
def test_slow_models_keep_the_contract(series, regressors, model, capfd):
    subset = series.select(np.isin(series.keys["sku"], ["K1091"]) & (series.keys["store"] == "HKI").to_numpy())
    result = forecast(subset, horizon=28, model=model, regressors=regressors)
    assert (result.table["forecast"] >= 0).all()
    assert (result.table.loc[result.table["date"] == "2025-12-25", "forecast"] == 0).all()
    assert capfd.readouterr().out == ""  # nothing from Stan or prophet on stdout


def test_holt_winters_falls_back_on_short_series_and_says_so():
    days = pd.date_range("2025-11-01", periods=10, freq="D")
    # Sales from the first day on: a leading zero would not be history (before the first sale).
    sales = pd.DataFrame({"date": days, "store": "S", "sku": "A",
                          "quantity": np.arange(1.0, 11.0)})  # fmt: skip
    result = forecast(sales_series(sales), horizon=5, model="ets")
    assert set(result.table["model"]) == {"naive"}
    assert "needs two full seasons (14 periods), has 10" in result.table["note"].iloc[0]


# --------------------------------------------------------------------------- series


def test_missing_open_days_become_zero_and_closed_days_stay_missing():
    days = pd.date_range("2025-01-01", periods=21, freq="D")
    rows = [(d, "S", "A", 5.0) for d in days if d.day != 10]  # the whole store closed on the 10th
    rows += [(d, "S", "B", 1.0) for d in days if d.day % 2 and d.day != 10 and d.day > 2]
    series = sales_series(pd.DataFrame(rows, columns=["date", "store", "sku", "quantity"]))
    b = series.values[:, 1]
    assert np.isnan(b[:2]).all()  # before B's first sale
    assert np.isnan(series.values[9]).all()  # closed day
    assert b[3] == 0.0
    assert series.report.closed_days == 1
    assert series.report.zero_filled == int((b == 0).sum())
    assert series.report.closures_inferred


def test_weekly_and_category_levels(sample):
    weekly = sales_series(sample.sales, freq="W", level="category", catalog=sample.catalog)
    assert weekly.freq == "W-SUN" and weekly.season == 52
    assert set(weekly.keys.columns) == {"store", "category"}
    # Partial first and last weeks are left out and reported, every other sale is summed.
    dates = sample.sales["date"]
    whole = dates.dt.to_period("W-SUN").isin(weekly.dates.to_period("W-SUN"))
    assert np.nansum(weekly.values) == pytest.approx(sample.sales.loc[whole, "quantity"].sum())
    assert sum(rows for _, _, rows in weekly.report.partial_weeks) == int((~whole).sum())
    for first, last, _ in weekly.report.partial_weeks:
        assert first.to_period("W-SUN") == last.to_period("W-SUN")
        assert last - first < pd.Timedelta(days=6)


def test_daily_sales_summed_into_weeks_leave_out_partial_first_and_last_weeks():
    # Friday to Sunday (3 days of 137 units in all), two whole weeks, then Monday (83 units).
    days = pd.date_range("2025-01-03", "2025-01-20")
    units = np.full(len(days), 10.0)
    units[:3], units[-1] = [40.0, 47.0, 50.0], 83.0
    sales = pd.DataFrame({"date": days, "store": "S", "sku": "A", "quantity": units})
    weekly = sales_series(sales, freq="W")
    assert list(weekly.dates) == [pd.Timestamp("2025-01-12"), pd.Timestamp("2025-01-19")]
    assert weekly.values[:, 0].tolist() == [70.0, 70.0]
    assert weekly.report.partial_weeks == (
        (pd.Timestamp("2025-01-03"), pd.Timestamp("2025-01-05"), 3),
        (pd.Timestamp("2025-01-20"), pd.Timestamp("2025-01-20"), 1))
    lines = weekly.report.lines()
    assert "left out 3 rows of a partial week (3 days, 2025-01-03 to 2025-01-05)" in lines[1]
    assert "left out 1 row of a partial week (1 day, 2025-01-20)" in lines[2]
    assert sales_series(sales.iloc[3:-1], freq="W").report.partial_weeks == ()
    with pytest.raises(SchemaError, match="hold no whole week"):
        sales_series(sales.iloc[:5], freq="W")


def test_frequency_is_inferred_or_refused():
    fridays = pd.Series(pd.date_range("2024-01-05", periods=10, freq="W-FRI"))
    assert infer_freq(fridays) == "W-FRI"
    odd = pd.Series(pd.to_datetime(["2025-01-01", "2025-01-04", "2025-01-09", "2025-01-11"]))
    with pytest.raises(SchemaError, match="daily or weekly"):
        infer_freq(odd)


def test_bad_parameters_are_refused(series):
    with pytest.raises(ParameterError, match="horizon of 0"):
        forecast(series, horizon=0)
    with pytest.raises(ParameterError, match="unknown model"):
        forecast(series, horizon=7, model="magic")
    with pytest.raises(ParameterError, match="unknown country"):
        forecast(series, horizon=7, regressors=Regressors(country="XX"))
    with pytest.raises(ParameterError, match="quantile 1.5 is not between 0.001 and 0.999"):
        forecast(series, horizon=7, quantiles=(1.5,))


def test_weather_without_the_store_is_refused(series, sample):
    weather = sample.weather[sample.weather["store"] == "HKI"]
    with pytest.raises(SchemaError, match="no weather rows for store 'TRE'"):
        forecast(series, horizon=7, regressors=Regressors(weather=weather))


def test_weekly_holidays_are_bucketed_into_weeks_with_the_week_before():
    import datetime as dt

    days = calendar_events(dt.date(2024, 12, 1), dt.date(2025, 1, 10))
    weeks = pd.date_range("2024-12-01", "2025-01-12", freq="W-SUN")
    columns = calendar_columns(days, weeks, "W-SUN")
    eve = [c for c in columns.columns if c.startswith("Christmas Eve")]
    assert sorted(eve) == ["Christmas Eve+0w", "Christmas Eve-1w", "Christmas Eve-2w"]
    assert columns.loc["2024-12-29", "Christmas Eve+0w"] == 1.0  # Tue 24.12. is in that week
    assert columns["Christmas Eve+0w"].sum() == 1.0


def test_a_series_seen_for_months_gets_no_yearly_cycle_and_no_wild_forecast():
    # With one year of history, crayfish (sold from July) was seen for five months; yearly
    # terms fitted on those months forecast 10^13 units for December.
    one_year = simulate_store(seed=1, years=1, receipt_weeks=0)
    sales = one_year.sales[one_year.sales["sku"].isin(["K1034", "K1001"])]
    series = sales_series(sales, stores=one_year.stores, source="t")
    table = forecast(series, horizon=28, regressors=Regressors(stores=one_year.stores)).table
    crayfish = table[table["sku"] == "K1034"]
    assert np.isfinite(crayfish["hi95"]).all()
    assert crayfish["forecast"].max() <= 4 * (sales[sales["sku"] == "K1034"]["quantity"].max() + 1)
