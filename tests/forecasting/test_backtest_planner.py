"""Backtests as planners live them (issue 11, item 5): weather as known at each origin, the
forecasts of every window beside the actuals, and pictures of them.

The data are generated from a fixed seed: one store whose three products sell more on warm days
(``log mean = 2.5 + 0.06 x temperature``), so that the regression model's forecasts depend on
the weather of the days it forecasts.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from cli import kori
from forecasting.backtest import origins, run_backtest, weather_at_origins
from forecasting.errors import ParameterError, SchemaError
from forecasting.series import sales_series
from forecasting.tasks import Regressors
from forecasting.validation import parse_table

START = pd.Timestamp("2023-01-02")  # a Monday


def _weather(days: int, seed: int = 3) -> pd.DataFrame:
    """Daily weather of store S1, three weeks beyond the sales (as a weather file runs on)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(START, periods=days + 21, freq="D")
    season = 8 - 12 * np.cos(2 * np.pi * (dates.day_of_year.to_numpy() - 15) / 365.25)
    wiggle = np.cumsum(rng.normal(0, 1.2, len(dates)))
    return pd.DataFrame({"date": dates, "store": "S1",
                         "temperature_c": np.round(season + wiggle - wiggle.mean(), 1),
                         "precipitation_mm": np.round(rng.gamma(0.6, 2.0, len(dates)), 1)})


def _sales(days: int, weather: pd.DataFrame, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.date_range(START, periods=days, freq="D")
    temperature = weather.set_index("date").loc[dates, "temperature_c"].to_numpy()
    weekend = np.isin(dates.day_of_week, [4, 5]) * 0.3
    frames = []
    for j, sku in enumerate(("A", "B", "C")):
        mean = np.exp(2.5 + 0.3 * j + 0.06 * temperature + weekend)
        frames.append(pd.DataFrame({"date": dates, "store": "S1", "sku": sku,
                                    "quantity": rng.poisson(mean).astype(float)}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def daily():
    """140 days of sales of three products and their weather."""
    weather = _weather(140)
    return sales_series(_sales(140, weather)), weather


@pytest.fixture(scope="module")
def weekly():
    """120 weeks of daily sales summed into weeks (ending Sunday), and the daily weather."""
    weather = _weather(840)
    return sales_series(_sales(840, weather), freq="W"), weather


def _perturbed(weather: pd.DataFrame, after: pd.Timestamp, degrees: float = 15.0) -> pd.DataFrame:
    """The weather with every day after ``after`` much warmer and wetter."""
    out = weather.copy()
    later = out["date"] > after
    out.loc[later, "temperature_c"] += degrees
    out.loc[later, "precipitation_mm"] += 5.0
    return out


def _scores(series, weather, **options) -> pd.DataFrame:
    result = run_backtest(series, models=["regression"], horizon=14, windows=1,
                          regressors=Regressors(weather=weather, holidays=False), **options)
    return result.overall.set_index("model")


# --------------------------------------------------------------------------- weather at the origin


def test_origin_weather_uses_no_weather_after_the_origin(daily):
    series, weather = daily
    origin = series.dates[-15]
    warmer = _perturbed(weather, origin)
    at_origin = _scores(series, weather, weather_at="origin")
    pd.testing.assert_frame_equal(at_origin, _scores(series, warmer, weather_at="origin"))
    observed = _scores(series, weather)
    assert not np.isclose(observed.loc["regression", "wape"],
                          _scores(series, warmer).loc["regression", "wape"])
    # the observed weather flatters a weather model: here it knows the future temperatures
    assert observed.loc["regression", "wape"] < at_origin.loc["regression", "wape"]
    assert observed.loc["naive", "wape"] == at_origin.loc["naive", "wape"]


def test_observed_is_the_default_and_unchanged(daily):
    series, weather = daily
    pd.testing.assert_frame_equal(_scores(series, weather),
                                  _scores(series, weather, weather_at="observed"))


@pytest.mark.parametrize("days", [0, 3])
def test_weather_days_takes_exactly_that_many_days_from_the_file(daily, days):
    series, weather = daily
    origin = series.dates[-15]
    base = _scores(series, weather, weather_at="origin", weather_days=days)
    last_known = origin + pd.Timedelta(days=days)
    later = _scores(series, _perturbed(weather, last_known), weather_at="origin",
                    weather_days=days)  # fmt: skip
    pd.testing.assert_frame_equal(base, later)
    # from the last known day on (a test day from the file, or with 0 days the origin, history)
    on_the_last = _perturbed(weather, last_known - pd.Timedelta(days=1))
    changed = _scores(series, on_the_last, weather_at="origin", weather_days=days)
    assert changed.loc["regression", "mae"] != base.loc["regression", "mae"]


def test_weather_at_origins_file_then_climatology_of_the_past(daily):
    series, weather = daily
    starts = origins(len(series.dates), 14, 3, 14, series.season)
    frames = weather_at_origins(series, weather, starts, 14, days=3)["S1"]
    observed = weather.set_index("date")
    for window, start in enumerate(starts):
        origin = series.dates[start - 1]
        frame = frames[window]
        assert frame.index.equals(series.dates[: start + 14])
        file_days = frame.index[frame.index <= origin + pd.Timedelta(days=3)]
        pd.testing.assert_frame_equal(frame.loc[file_days], observed.loc[file_days, frame.columns],
                                      check_freq=False, check_names=False)  # fmt: skip
        # every window's weather is what it was before anything after origin + 3 days changed
        again = weather_at_origins(series, _perturbed(weather, origin + pd.Timedelta(days=3)),
                                   [start], 14, days=3)["S1"][0]  # fmt: skip
        pd.testing.assert_frame_equal(frame, again)
        later = frame.index[frame.index > origin + pd.Timedelta(days=3)]
        assert len(later) == 11
        assert not np.allclose(frame.loc[later, "temperature_c"],
                               observed.loc[later, "temperature_c"])


def test_weekly_origin_weather_counts_weeks_by_their_last_day(weekly):
    series, weather = weekly
    starts = origins(len(series.dates), 4, 2, 4, series.season)
    weekly_means = weather.set_index("date")["temperature_c"].groupby(
        lambda day: day.to_period("W").end_time.normalize()).mean()
    for days, file_weeks in ((6, 0), (7, 1), (20, 2)):
        frames = weather_at_origins(series, weather, starts, 4, days=days)["S1"]
        for window, start in enumerate(starts):
            origin = series.dates[start - 1]
            test = frames[window]["temperature_c"].iloc[start:]
            assert np.allclose(test.iloc[:file_weeks], weekly_means.loc[test.index[:file_weeks]])
            assert not np.isclose(test.iloc[file_weeks], weekly_means.loc[test.index[file_weeks]])
            cut = origin + pd.Timedelta(days=7 * file_weeks)
            again = weather_at_origins(series, _perturbed(weather, cut), [start], 4,
                                       days=days)["S1"][0]  # fmt: skip
            pd.testing.assert_series_equal(test, again["temperature_c"].iloc[start:])


def test_weekly_backtest_with_origin_weather(weekly):
    series, weather = weekly
    regressors = Regressors(weather=weather, holidays=False)
    scores = {}
    for at in ("observed", "origin"):
        result = run_backtest(series, models=["regression"], horizon=4, windows=2,
                              regressors=regressors, weather_at=at)  # fmt: skip
        scores[at] = result.overall.set_index("model")["wape"]
        assert len(result.forecasts) == 3 * 2 * 4 * 2
    assert scores["observed"]["naive"] == scores["origin"]["naive"]
    assert scores["observed"]["regression"] != scores["origin"]["regression"]


@pytest.mark.parametrize(("options", "message"), [
    ({"weather_at": "forecast"}, "weather at 'forecast' is neither of observed, origin"),
    ({"weather_at": "origin", "weather_days": -1}, "`weather_days` -1 is below 0"),
    ({"weather_days": 3}, "`weather_days` 3 is for weather as known at the origin"),
])  # fmt: skip
def test_bad_weather_options(daily, options, message):
    series, weather = daily
    with pytest.raises(ParameterError, match=message):
        _scores(series, weather, **options)


def test_origin_weather_needs_weather_before_each_origin(daily):
    series, weather = daily
    late = weather[weather["date"] > series.dates[100]]
    with pytest.raises(SchemaError, match="no weather for store 'S1' on or before the origin"):
        weather_at_origins(series, late, [90], 14)


# --------------------------------------------------------------------------- the forecasts table


def test_forecasts_hold_every_model_series_window_and_date(daily):
    series, weather = daily
    result = run_backtest(series, models=["regression", "slow"], horizon=14, windows=2,
                          step=7, levels=(80, 99.5),
                          regressors=Regressors(weather=weather))  # fmt: skip
    table = result.forecasts
    assert list(table.columns) == ["store", "sku", "window", "origin", "date", "model", "actual",
                                   "forecast", "lo80", "hi80", "lo99.5", "hi99.5"]
    assert len(table) == 3 * 2 * 14 * 3
    assert list(table["model"].iloc[:3]) == ["naive", "regression", "slow"]
    first = table[(table["sku"] == "A") & (table["window"] == 1) & (table["model"] == "naive")]
    assert first["date"].iloc[0] == result.origins[0] + pd.Timedelta(days=1)
    assert (first["origin"] == result.origins[0]).all() and len(first) == 14
    assert (table["lo80"] <= table["forecast"] + 1e-9).all()
    assert (table["forecast"] <= table["hi80"] + 1e-9).all()
    sold = series.values[series.dates.get_indexer(first["date"]), 0]
    assert np.array_equal(first["actual"].to_numpy(), sold, equal_nan=True)
    scored = table.dropna(subset=["actual"])
    error = (scored["forecast"] - scored["actual"]).abs()
    wape = error.groupby(scored["model"]).sum() / scored.groupby("model")["actual"].sum()
    reported = result.overall.set_index("model")["wape"]
    assert np.allclose(wape.loc[reported.index], reported, rtol=0, atol=1e-4)


# --------------------------------------------------------------------------- the command


@pytest.fixture(scope="module")
def files(daily, tmp_path_factory):
    series, weather = daily
    folder = tmp_path_factory.mktemp("planner")
    sales = _sales(140, weather)
    sales["date"] = sales["date"].dt.strftime("%Y-%m-%d")
    sales.to_csv(folder / "sales.csv", index=False)
    out = weather.copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out.to_csv(folder / "weather.csv", index=False)
    return folder


def _backtest(runner, files, *args):
    result = runner.invoke(kori, ["forecast", "backtest", str(files / "sales.csv"), "--weather",
                                  str(files / "weather.csv"), "--horizon", "14", "--windows",
                                  "2", "--no-holidays", "-f", "csv", *map(str, args)])
    assert "Traceback" not in result.output
    return result


def test_cli_forecasts_file_matches_the_scores(runner, files, tmp_path):
    result = _backtest(runner, files, "--models", "regression", "--weather-at", "origin",
                       "--weather-days", "2", "--forecasts", tmp_path / "windows.csv")
    assert result.exit_code == 0, result.stderr
    overall = pd.read_csv(io.StringIO(result.stdout)).set_index("model")
    table = pd.read_csv(tmp_path / "windows.csv")
    assert list(table.columns[:6]) == ["store", "sku", "window", "origin", "date", "model"]
    assert len(table) == 3 * 2 * 14 * 2
    scored = table.dropna(subset=["actual"])
    for model, rows in scored.groupby("model"):
        wape = (rows["forecast"] - rows["actual"]).abs().sum() / rows["actual"].sum()
        assert wape == pytest.approx(overall.loc[model, "wape"], abs=1e-4)
    assert "weather as known at each origin" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["windows.csv"]


def test_cli_origin_and_observed_weather_differ(runner, files):
    wape = {}
    for at in ("observed", "origin"):
        result = _backtest(runner, files, "--weather-at", at)
        assert result.exit_code == 0, result.stderr
        wape[at] = pd.read_csv(io.StringIO(result.stdout)).set_index("model")["wape"]
    assert wape["observed"]["naive"] == wape["origin"]["naive"]
    assert wape["observed"]["regression"] < wape["origin"]["regression"]


def test_cli_forecasts_in_parquet(runner, files, tmp_path):
    result = _backtest(runner, files, "--models", "naive", "--forecasts",
                       tmp_path / "w.parquet")
    assert result.exit_code == 0, result.stderr
    table = pd.read_parquet(tmp_path / "w.parquet")
    assert set(table["model"]) == {"naive"} and len(table) == 3 * 2 * 14


def test_cli_plots_write_pngs_and_an_index(runner, files, tmp_path):
    result = _backtest(runner, files, "--models", "regression", "--plots", tmp_path / "plots",
                       "--plot-top", "2")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "plots").iterdir())
    assert names == ["S1_B.png", "S1_C.png", "index.html"]  # the two that sold most
    assert (tmp_path / "plots" / "S1_C.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (tmp_path / "plots" / "index.html").read_text()
    assert "kori backtest" in page and "S1_C.png" in page


@pytest.mark.parametrize(("args", "message"), [
    (["--weather-at", "tomorrow"], "'tomorrow' is not one of 'observed', 'origin'"),
    (["--weather-days", "-1"], "-1 is not in the range x>=0"),
    (["--weather-days", "3"], "--weather-days needs --weather-at origin"),
    (["--plot-top", "0"], "0 is not in the range x>=1"),
])  # fmt: skip
def test_cli_bad_values_exit_2(runner, files, args, message):
    result = _backtest(runner, files, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_cli_origin_weather_needs_a_weather_file(runner, files):
    result = runner.invoke(kori, ["forecast", "backtest", str(files / "sales.csv"),
                                  "--weather-at", "origin"])
    assert result.exit_code == 2
    assert "--weather-at origin needs --weather" in result.stderr
