"""The model contract, run over every model (issue 11): ``fit`` sees only the history, fitted
state lives in attributes ending in ``_``, ``predict`` does not refit, refused series come back
refused with a note and a fallback."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pandas as pd
import pytest

from forecasting.errors import NotFittedError
from forecasting.models import FALLBACKS, GLOBAL, MODELS, model_class, run_block
from forecasting.models.base import Output, Task
from forecasting.models.contract import PerTaskModel, Refusal
from forecasting.series import future_dates, sales_series
from forecasting.tasks import Regressors, build_tasks

SLOW = {"prophet", "sarimax"}
"""Models whose fits take seconds per series."""
NAMES = [*MODELS, "mean"]
HORIZON = 14
PROBS = (0.1, 0.5, 0.9)
NEW = "NEW"
"""A product first sold five days before the end of the history: too short for every model but
the mean and the slow movers' (three selling days: the mean of its last year, with a note)."""
INTERMITTENT = "INT"
"""A product selling on about one day in six: the regression hands it to the slow movers."""
REFUSED_TO = {"regression": "naive", "naive": "mean", "ets": "naive", "stl": "ets",
              "sarimax": "regression", "prophet": "regression", "gbm": "regression"}  # fmt: skip
"""Where each model refuses :data:`NEW`."""


def _params(names=NAMES):
    return [pytest.param(name, marks=[pytest.mark.slow] if name in SLOW else [], id=name)
            for name in names]  # fmt: skip


@cache
def _skus() -> np.ndarray:
    """The product of every series (by position in the series set)."""
    return _data()[1]


@cache
def _tasks() -> tuple[Task, ...]:
    return _data()[0]


@cache
def _data() -> tuple[tuple[Task, ...], np.ndarray]:
    """Two stores of 70 daily periods to 5 December 2025 (Finnish holidays in the history and
    the horizon, a temperature and rain), in tasks of two series: two steady sellers with a
    weekday pattern and a temperature effect, :data:`INTERMITTENT` and :data:`NEW` per store;
    and the product of every series."""
    rng = np.random.default_rng(11)
    dates = pd.date_range("2025-09-27", "2025-12-05", freq="D")
    all_dates = dates.append(pd.date_range(dates[-1] + pd.Timedelta(days=1), periods=HORIZON))
    frames, weather = [], []
    weekday = np.array([1.0, 0.9, 0.9, 1.0, 1.5, 1.3, 0.7])[dates.day_of_week]
    for store in ("A", "B"):
        season = np.cos(2 * np.pi * (all_dates.day_of_year - 200) / 365.25)
        temperature = 10 * season + rng.normal(0, 2, len(all_dates))
        rain = rng.gamma(0.5, 2, len(all_dates))
        weather.append(pd.DataFrame({"date": all_dates, "store": store,
                                     "temperature_c": temperature.round(1),
                                     "precipitation_mm": rain.round(1)}))  # fmt: skip
        for i in range(2):
            mean = rng.uniform(10, 40) * weekday * np.exp(0.02 * temperature[: len(dates)])
            frames.append(pd.DataFrame({"date": dates, "store": store, "sku": f"P{i}",
                                        "quantity": rng.poisson(mean)}))  # fmt: skip
        rare = np.minimum(rng.poisson(0.2, len(dates)), 2)
        rare[0] = 1  # sold from the first day on: intermittent, not new
        frames.append(pd.DataFrame({"date": dates, "store": store, "sku": INTERMITTENT,
                                    "quantity": rare}))  # fmt: skip
        frames.append(pd.DataFrame({"date": dates[-5:], "store": store, "sku": NEW,
                                    "quantity": [2, 0, 1, 0, 3]}))  # fmt: skip
    sales = pd.concat(frames, ignore_index=True).astype({"quantity": float})
    series = sales_series(sales, source="test")
    regressors = Regressors(weather=pd.concat(weather, ignore_index=True))
    tasks, _ = build_tasks(series, future_dates(series, HORIZON), regressors, PROBS,
                           components=True, batch=2)  # fmt: skip
    return tuple(tasks), series.keys["sku"].to_numpy()


@cache
def _garbled() -> tuple[Task, ...]:
    """The same tasks with nonsense in every regressor after the history: events on random
    days, weather in the thousands, the store closed."""
    rng = np.random.default_rng(5)
    out = []
    for task in _tasks():
        n = task.n_hist
        calendar = task.calendar.copy()
        calendar.iloc[n:] = rng.integers(0, 2, calendar.iloc[n:].shape).astype(float)
        weather = task.weather.copy()
        weather.iloc[n:] = rng.normal(0, 1000, weather.iloc[n:].shape)
        closed = task.closed.copy()
        closed[n:] = True
        out.append(replace(task, calendar=calendar, weather=weather, closed=closed))
    return tuple(out)


@cache
def _fitted(name: str, garbled: bool = False):
    return model_class(name)().fit(list(_garbled() if garbled else _tasks()))


def _where(sku: str) -> list[tuple[int, int]]:
    """(task, position) of every series of product ``sku``."""
    return [(i, j) for i, task in enumerate(_tasks()) for j, column in enumerate(task.columns)
            if _skus()[column] == sku]  # fmt: skip


def _assert_same(ones: list[Output], others: list[Output]) -> None:
    assert len(ones) == len(others)
    for one, other in zip(ones, others):
        np.testing.assert_array_equal(one.point, other.point)
        np.testing.assert_array_equal(one.quantiles, other.quantiles)
        assert (one.models, one.notes, one.fallback) == (other.models, other.notes, other.fallback)
        assert (one.components is None) == (other.components is None)
        for key in one.components or {}:
            np.testing.assert_array_equal(one.components[key], other.components[key])


# ------------------------------------------------------------------------------------ registry


def test_the_data_hold_every_case():
    assert len(_tasks()) == 4 and len(_where(NEW)) == 2 and len(_where(INTERMITTENT)) == 2
    for i, j in _where(NEW):
        assert (~np.isnan(_tasks()[i].y[:, j])).sum() == 5
    assert all(task.calendar.iloc[task.n_hist:].to_numpy().any() for task in _tasks())


def test_every_model_has_a_class_named_for_it():
    for name in NAMES:
        cls = model_class(name)
        assert cls.name == name
        assert cls.is_global == (name in GLOBAL)
        assert all(attribute.endswith("_") for attribute in getattr(cls, "fitted_attributes", ()))
        assert name == "mean" or name in FALLBACKS
    assert GLOBAL == {name for name in NAMES if model_class(name).is_global}


# ------------------------------------------------------------------- (a) fit sees the history only


@pytest.mark.parametrize("name", _params())
def test_fit_sees_only_the_history(name):
    real = list(_tasks())
    _assert_same(_fitted(name, garbled=True).predict(real), _fitted(name).predict(real))


@pytest.mark.parametrize("name", _params(["regression", "slow", "sarimax", "prophet", "gbm"]))
def test_predict_uses_the_future_regressors(name):
    # the other side of the test above: the garbled future reaches predict (so it would have
    # reached fit, had fit looked)
    real = _fitted(name).predict(list(_tasks()))
    garbled = _fitted(name).predict(list(_garbled()))
    assert any(not np.array_equal(a.point, b.point, equal_nan=True)
               for a, b in zip(real, garbled))  # fmt: skip


# ------------------------------------------------------- (b) fitted state in attributes ending "_"


@pytest.mark.parametrize("name", _params())
def test_fitted_state_ends_in_underscore_and_predict_needs_fit(name):
    cls = model_class(name)
    model = cls()
    before = set(vars(model))
    assert not any(key.endswith("_") for key in before)  # __init__ stores parameters only
    with pytest.raises(NotFittedError, match=f"model {name} is not fitted"):
        model.predict(list(_tasks()))
    fitted = _fitted(name)
    learned = set(vars(fitted)) - before
    assert learned and all(key.endswith("_") for key in learned), learned
    assert {"refused_", "fitted_on_"} <= learned
    assert len(fitted.refused_) == len(_tasks())
    if issubclass(cls, PerTaskModel):
        assert set(cls.fitted_attributes) <= learned
        assert all(len(getattr(fitted, key)) == len(_tasks()) for key in cls.fitted_attributes)


@pytest.mark.parametrize("name", _params([n for n in NAMES if n not in SLOW]))
def test_refitting_replaces_the_fit_and_predict_wants_the_fitted_tasks(name):
    tasks = list(_tasks())
    model = model_class(name)().fit(tasks[:2])
    assert len(model.refused_) == 2
    with pytest.raises(NotFittedError, match="other series"):
        model.predict(tasks)
    model.fit(tasks)
    assert len(model.refused_) == len(tasks)
    _assert_same(model.predict(tasks), _fitted(name).predict(tasks))


def test_a_global_model_forecasts_no_further_than_it_was_fitted_for():
    short = [task.cut(task.n_hist, 7)[0] for task in _tasks()]
    model = model_class("gbm")().fit(short)
    assert model.lag_ == 7
    with pytest.raises(NotFittedError, match="horizon of up to 7 periods, asked for 14"):
        model.predict(list(_tasks()))


# --------------------------------------------------------------------- (c) predict does not refit


@pytest.mark.parametrize("name", _params())
def test_predicting_twice_gives_the_same_forecast(name):
    model = _fitted(name)
    state = {key: id(value) for key, value in vars(model).items()}
    first = model.predict(list(_tasks()))
    second = model.predict(list(_tasks()))
    _assert_same(first, second)
    assert {key: id(value) for key, value in vars(model).items()} == state


# ------------------------------------------------ (d) refused series: a note and a fallback each


@pytest.mark.parametrize("name", _params(sorted(REFUSED_TO)))
def test_refused_series_come_back_with_a_note_and_a_fallback(name):
    model = _fitted(name)
    outputs = model.predict(list(_tasks()))
    for i, j in _where(NEW):
        refusal = model.refused_[i][j]
        assert isinstance(refusal, Refusal) and refusal.fallback == REFUSED_TO[name]
        assert refusal.note.startswith(f"{name}: needs")
        assert outputs[i].fallback[j] == REFUSED_TO[name]
        assert outputs[i].notes[j] == refusal.note
        assert np.isnan(outputs[i].point[:, j]).all()
    for i, output in enumerate(outputs):
        made = [j for j in range(len(output.models)) if j not in model.refused_[i]]
        assert all(output.fallback[j] is None for j in made)
        assert np.isfinite(output.point[:, made]).all()


@pytest.mark.parametrize("name", _params(sorted(REFUSED_TO)))
def test_the_runner_forecasts_refused_series_with_the_fallback_and_says_so(name):
    tasks = list(_tasks())
    blocks = [tasks] if name in GLOBAL else [[task] for task in tasks]
    outputs = [output for block in blocks for output in run_block(name, block, calibrate=False)]
    for i, j in _where(NEW):
        assert outputs[i].models[j] != name
        assert outputs[i].notes[j].startswith(f"{name}: needs")
        assert outputs[i].fallback[j] is None
        assert np.isfinite(outputs[i].point[:, j]).all()
    for i, j in _where("P0"):
        assert outputs[i].models[j] == name and outputs[i].notes[j] == ""


def test_the_regression_hands_intermittent_series_to_the_slow_movers():
    model = _fitted("regression")
    for i, j in _where(INTERMITTENT):
        assert model.refused_[i][j].fallback == "slow"
        assert model.refused_[i][j].note.startswith("intermittent (")


def test_the_slow_model_gives_a_short_series_its_mean_with_a_note():
    model = _fitted("slow")
    outputs = model.predict(list(_tasks()))
    for i, j in _where(NEW):
        assert j not in model.refused_[i]
        assert outputs[i].notes[j] == "slow: 3 selling periods; mean of the last year"
        assert outputs[i].fallback[j] is None
        np.testing.assert_allclose(outputs[i].point[:, j], 6 / 5)


def test_the_mean_refuses_nothing():
    model = _fitted("mean")
    assert all(refused == {} for refused in model.refused_)
    assert all(np.isfinite(output.point).all() for output in model.predict(list(_tasks())))
