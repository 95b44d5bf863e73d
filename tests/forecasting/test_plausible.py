"""Plausible or refused, for every model: the guard after every model, the first sale, and the
slow model's damped trend (issue 11)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import forecasting.models as models
from forecasting.errors import ForecastError
from forecasting.forecast import forecast
from forecasting.models import MAX_RISE, run_model
from forecasting.models.base import Output, finalise
from forecasting.series import future_dates, sales_series
from forecasting.tasks import Regressors, build_tasks
from forecasting.validation import parse_table

DATA = Path(__file__).resolve().parents[1] / "data"
FULL_WALMART = Path(__file__).resolve().parents[3] / "shared" / "data" / \
    "walmart_train_stores01-20.csv"  # fmt: skip
MODULES = ("regression", "naive", "ets", "stl", "sarimax", "prophet", "slow")
"""Models whose forecasts the tests below replace."""


def _task(horizon: int = 14, k: int = 3):
    """A daily store of ``k`` steady series over 10 weeks."""
    days = pd.date_range("2025-01-01", periods=70, freq="D")
    rng = np.random.default_rng(0)
    sales = pd.DataFrame({
        "date": np.repeat(days, k), "store": "S", "sku": np.tile([f"P{i}" for i in range(k)], 70),
        "quantity": rng.poisson(20, 70 * k).astype(float),
    })  # fmt: skip
    series = sales_series(sales)
    tasks, _ = build_tasks(series, future_dates(series, horizon), Regressors(), (0.1, 0.5, 0.9))
    return tasks[0]


def _patch(monkeypatch, name: str, point: np.ndarray, quantiles: np.ndarray | None = None):
    """Make model ``name`` fit nothing and predict ``point`` (horizon x k) and ``quantiles``."""

    def predict(self, tasks):
        outputs = []
        for task in tasks:
            output = Output.empty(task, name)
            output.point[:] = point
            output.quantiles[:] = np.sort(np.stack([point] * len(task.probs)), axis=0) \
                if quantiles is None else quantiles  # fmt: skip
            outputs.append(output)
        return outputs

    monkeypatch.setattr(models.model_class(name), "fit", lambda self, tasks: self)
    monkeypatch.setattr(models.model_class(name), "predict", predict)


def test_nan_and_inf_are_refused_to_the_fallback_with_a_note(monkeypatch):
    task = _task()
    point = np.full((task.horizon, 3), 10.0)
    point[3, 0] = np.nan
    quantiles = np.full((3, task.horizon, 3), 10.0)
    quantiles[2, 5, 1] = np.inf
    _patch(monkeypatch, "regression", point, quantiles)
    output = run_model("regression", task)
    assert output.models == ["naive", "naive", "regression"]
    assert "regression: forecast nan (not a number)" in output.notes[0]
    assert "regression: quantile inf (not a number)" in output.notes[1]
    assert output.notes[2] == ""
    assert np.isfinite(output.point).all() and np.isfinite(output.quantiles).all()
    # The fallback made a real forecast, not a silent 0.
    assert (output.point[:, :2] > 5).all()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_forecast_above_the_limit_falls_back_for_every_model(monkeypatch, name):
    task = _task(k=2)
    highest = np.nanmax(task.y, axis=0)
    point = np.full((task.horizon, 2), 10.0)
    point[-1, 0] = 1.07e13
    point[-1, 1] = MAX_RISE * (highest[1] + 1) - 1  # just within the limit: kept
    _patch(monkeypatch, name, point)
    output = run_model(name, task)
    assert output.models[0] == models.FALLBACKS[name] or output.models[0] in ("naive", "mean")
    assert output.models[0] != name
    assert output.notes[0].startswith(
        f"{name}: forecast 1.07e13, over 4 times the highest sales {highest[0]:.0f} of the history")
    assert output.point[:, 0].max() <= MAX_RISE * (highest[0] + 1)
    assert output.models[1] == name and output.notes[1] == ""


def test_finalise_refuses_to_write_nan_as_zero():
    task = _task()
    output = Output.empty(task, "regression")
    output.point[:] = 1.0
    output.quantiles[:] = 1.0
    output.point[2, 1] = np.nan
    with pytest.raises(ForecastError, match="model regression returned a forecast that is not a "
                       "number.*store S, series 1"):  # fmt: skip
        finalise(output, task.closed[task.n_hist:], task=task)


def test_a_department_opening_mid_history_is_not_intermittent():
    # Like Walmart store 16, department 93: one return (clipped to 0) in the first week, then
    # nothing until the department opened 80 weeks later.
    weeks = pd.date_range("2010-02-05", periods=143, freq="W-FRI")
    rng = np.random.default_rng(1)
    opened = pd.DataFrame({"date": weeks[80:], "store": "16", "sku": "93",
                           "quantity": rng.normal(1000, 150, 63).round(2)})  # fmt: skip
    return_ = pd.DataFrame({"date": weeks[:1], "store": "16", "sku": "93", "quantity": [0.0]})
    steady = pd.DataFrame({"date": weeks, "store": "16", "sku": "1",
                           "quantity": rng.normal(20000, 2000, 143).round(2)})  # fmt: skip
    series = sales_series(pd.concat([return_, opened, steady], ignore_index=True))
    assert series.report.before_first_sale == 1
    assert any("before a series' first sale" in line for line in series.report.lines())
    department = series.values[:, (series.keys["sku"] == "93").to_numpy()][:, 0]
    assert np.isnan(department[:80]).all() and not np.isnan(department[80:]).any()
    table = forecast(series, horizon=26, regressors=Regressors(country="US")).table
    rows = table[table["sku"] == "93"]
    assert set(rows["model"]) == {"regression"} and set(rows["note"]) == {""}
    assert rows["forecast"].max() < 2000


def test_a_never_sold_series_keeps_its_zeros():
    days = pd.date_range("2025-01-01", periods=30, freq="D")
    sales = pd.DataFrame({"date": np.repeat(days, 2), "store": "S", "sku": ["A", "B"] * 30,
                          "quantity": np.tile([5.0, 0.0], 30)})  # fmt: skip
    series = sales_series(sales)
    assert series.report.before_first_sale == 0
    assert (series.values[:, 1] == 0).all()


def test_the_slow_model_stays_within_the_limit_on_a_long_horizon():
    # A slow mover whose rate grew twentyfold over four months: an undamped log-linear trend
    # forecasts thousands of times the history a year out.
    days = pd.date_range("2025-01-01", periods=120, freq="D")
    rng = np.random.default_rng(3)
    rate = np.exp(np.linspace(np.log(0.15), np.log(3.0), 120))
    sales = pd.concat([
        pd.DataFrame({"date": days, "store": "S", "sku": "slow", "quantity": rng.poisson(rate)}),
        pd.DataFrame({"date": days, "store": "S", "sku": "milk", "quantity": 50.0}),
    ], ignore_index=True).astype({"quantity": float})  # fmt: skip
    series = sales_series(sales)
    table = forecast(series, horizon=365, model="slow").table
    rows = table[table["sku"] == "slow"]
    highest = np.nanmax(series.values[:, (series.keys["sku"] == "slow").to_numpy()])
    assert set(rows["model"]) == {"slow"} and set(rows["note"]) == {""}
    assert rows["forecast"].max() <= MAX_RISE * (highest + 1)
    assert rows["forecast"].iloc[-1] >= rows["forecast"].iloc[0] * 0.5  # damped, not reversed


def _walmart(path: Path, origin: str | None = None):
    raw = pd.read_csv(path).rename(columns={"Date": "date", "Store": "store", "Dept": "sku",
                                            "Weekly_Sales": "quantity"})  # fmt: skip
    raw["date"] = pd.to_datetime(raw["date"])
    if origin is not None:
        raw = raw[raw["date"] <= origin]
    raw["quantity"] = raw["quantity"].clip(lower=0)
    return sales_series(parse_table(raw[["date", "store", "sku", "quantity"]], "sales",
                                    source=path.name), source=path.name)  # fmt: skip


def _absurd_without_note(series, model: str, *, horizon: int = 26,
                         regressors: Regressors | None = None) -> pd.DataFrame:  # fmt: skip
    table = forecast(series, horizon=horizon, model=model, jobs=2,
                     regressors=regressors or Regressors(country="US")).table  # fmt: skip
    highest = pd.DataFrame({"store": series.keys["store"], "sku": series.keys["sku"],
                            "highest": np.nanmax(series.values, axis=0)})  # fmt: skip
    table = table.merge(highest, on=["store", "sku"])
    over = table["forecast"] > MAX_RISE * (table["highest"] + 1)
    return table[over & (table["note"] == "")]


@pytest.mark.parametrize("model", ["regression", "slow", "gbm"])
def test_no_absurd_forecast_on_the_walmart_sample(model):
    series = _walmart(DATA / "walmart_sales_sample.csv", origin="2012-04-27")
    assert len(_absurd_without_note(series, model)) == 0


@pytest.mark.slow
@pytest.mark.skipif(not FULL_WALMART.exists(), reason="the full Walmart file is not here")
@pytest.mark.parametrize("model", ["regression", "slow", "gbm"])
def test_no_absurd_forecast_on_the_full_walmart_file(model):
    # Measured before the guard: 11 series above 4x (regression, no weather), store 16
    # department 93 forecast 14.1 million a week against a history maximum of 1,362.
    series = _walmart(FULL_WALMART, origin="2012-04-27")
    absurd = _absurd_without_note(series, model)
    assert len(absurd) == 0, absurd.drop_duplicates(["store", "sku"]).head()


@pytest.mark.slow
@pytest.mark.parametrize("model", ["regression", "gbm"])
def test_no_absurd_forecast_on_the_sample_store(sample, model):
    series = sales_series(sample.sales, stores=sample.stores, source="sample")
    regressors = Regressors(weather=sample.weather, stores=sample.stores)
    assert len(_absurd_without_note(series, model, horizon=28, regressors=regressors)) == 0
