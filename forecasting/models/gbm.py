"""``gbm``: one gradient-boosted model (LightGBM) over every series of a task.

What the M5 competition found for retail: one model learns from all products of a store at once,
so a product with two years of history borrows the holiday and weather effects that the others
show. Each series is divided by its own level (its mean over the last season), so a department
selling 200,000 a week and one selling 20 share one model; the loss is weighted by the level, so
the fit minimises the error in units, which is what WAPE and orders count.

The strategy is *direct*: every feature of period ``t`` is known ``L >= horizon`` periods
before it (:func:`lag_distance`), so one model forecasts the whole horizon without feeding its
own forecasts back:

- the sales ``L``, ``L + 1``, ``L + 2`` and ``L + 3`` weeks before (daily: the same weekday
  ``L``, ``L + 7``, ``L + 14``, ``L + 21`` days before), and a season before when that is at
  least ``L`` periods back;
- the means of the last week, month and season as they stood ``L`` periods before;
- the calendar: weekday, day and week of the year, month;
- every holiday-window day and user event of the store (the design's indicator columns), and
  the weather;
- the series itself, as a category.

The objective is Tweedie (log link, variance between Poisson and gamma): right for counts with
many zeros and for sales that are never negative. The settings (:data:`PARAMS`) were chosen on
backtests whose windows end before the test windows of ``benchmarks/accuracy.py``. Training is
deterministic (fixed seed, LightGBM's deterministic mode).

Quantiles are the point forecast plus the spread of the fit's own level-scaled residuals,
pooled over the task's series; :func:`forecasting.models.run_model` then calibrates them on a
rolling origin like every model's. Series with less than ``L`` plus :data:`MIN_PERIODS` periods
of history go to the regression (and from there to seasonal naive).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.models.base import Output, Task

MIN_PERIODS = 14
"""Least periods of history beyond the lag distance for a series to join the fit."""
PARAMS: dict[str, object] = {
    "objective": "tweedie",
    "tweedie_variance_power": 1.2,
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "max_bin": 127,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "verbose": -1,
    "num_threads": 1,
}
"""LightGBM settings (see the module docstring for how they were chosen)."""
RESIDUAL_ROWS = 20_000
"""Training rows whose residuals give the model's own quantiles (before calibration)."""
ROUNDS = 300
"""Boosting rounds."""
BASE_FLOOR = 0.05
"""Least base, as a share of the series' level: a month without sales does not make every
later sale look a hundred times the usual."""
MAX_TRAIN_YEARS = 3
"""Years of history the model trains on: older sales describe another shop."""


def lag_distance(horizon: int, freq: str) -> int:
    """The nearest lag every forecast period can see: the horizon, rounded up to whole weeks for
    daily data so that each lag falls on the same weekday."""
    return -(-horizon // 7) * 7 if freq == "D" else horizon


def global_gbm(tasks: Sequence[Task]) -> list[Output]:
    """Fit LightGBM on every series of ``tasks`` (one run's stores, sharing dates and horizon)
    and forecast them all."""
    outputs = [Output.empty(task, "gbm") for task in tasks]
    if not tasks:
        return outputs
    h, freq = tasks[0].horizon, tasks[0].freq
    parts: list[_Part] = []
    stores: dict[str, int] = {}
    offset = 0
    for task, output in zip(tasks, outputs):
        part = _part(task, output, offset, stores.setdefault(task.store, len(stores)))
        if part is not None:
            parts.append(part)
            offset += part.k
    if not parts:
        return outputs
    _fit_predict(parts, lag_distance(h, freq), offset, len(stores))
    return outputs


def _fit_predict(parts: list[_Part], lag: int, series: int, stores: int) -> None:
    """Fit one model with features ``lag`` periods back; forecast the horizon of every part."""
    import lightgbm

    built = [part.build(lag) for part in parts]
    train = pd.concat([b.features.iloc[b.rows] for b in built], ignore_index=True)
    names = list(train.columns)  # LightGBM takes no punctuation in names: "Christmas Eve-3"
    events = [c for c in names if c.startswith("event:")]
    z_train = np.concatenate([b.target.ravel()[b.rows] for b in built])
    weight = np.concatenate([(b.base * part.scale).ravel()[b.rows]
                             for b, part in zip(built, parts)])  # fmt: skip

    def prepared(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.reindex(columns=names)
        frame[events] = frame[events].fillna(0.0)
        frame["series"] = pd.Categorical(frame["series"], categories=range(series))
        frame["store"] = pd.Categorical(frame["store"], categories=range(stores))
        return frame.set_axis([f"f{i}" for i in range(len(names))], axis=1)

    train = prepared(train)
    booster = lightgbm.train(
        PARAMS,
        lightgbm.Dataset(train, z_train, weight=weight / weight.mean(), free_raw_data=True,
                         categorical_feature=[f"f{names.index(c)}" for c in ("series", "store")]),
        num_boost_round=ROUNDS,
    )  # fmt: skip
    sample = np.random.default_rng(0).choice(len(train), min(len(train), RESIDUAL_ROWS),
                                             replace=False)  # fmt: skip
    residual = z_train[sample] - booster.predict(train.iloc[sample])
    del train
    for part, b in zip(parts, built):
        task, output, n = part.task, part.output, part.task.n_hist
        spread = np.quantile(residual, task.probs) if len(task.probs) else np.zeros(0)
        base = b.base[n:]
        future = prepared(b.features.iloc[n * part.k:])
        z = booster.predict(future).reshape(task.horizon, part.k) * base
        output.point[:, part.fit] = z * part.scale
        output.quantiles[:, :, part.fit] = (z[None] + spread[:, None, None] * base[None]) \
            * part.scale


@dataclass
class _Part:
    """One task's share of the global fit: the series that join it, scaled by their levels."""

    task: Task
    output: Output
    fit: np.ndarray
    scale: np.ndarray
    code: int
    store: int

    @property
    def k(self) -> int:
        return len(self.fit)

    def build(self, lag: int) -> _Built:
        """Features with sales at least ``lag`` periods back, the target and training rows."""
        task = self.task
        z = task.y[:, self.fit] / self.scale
        features, base = feature_frame(task, z, lag)
        features["series"] = np.tile(self.code + np.arange(self.k), len(task.dates))
        features["store"] = self.store
        target = np.vstack([z, np.full((task.horizon, self.k), np.nan)]) / base
        year = 364 if task.freq == "D" else 52
        rows = _training_rows(target, task.n_hist, MAX_TRAIN_YEARS * year)
        return _Built(features, base, target, rows)


@dataclass
class _Built:
    """A part's features at one lag distance (period-major), the base ``(periods, k)`` its
    sales are measured against, sales over base, and the rows to learn from."""

    features: pd.DataFrame
    base: np.ndarray
    target: np.ndarray
    rows: np.ndarray


def _part(task: Task, output: Output, offset: int, store: int) -> _Part | None:
    """The series of ``task`` that can join the fit; the others refused."""
    k = task.y.shape[1]
    lag = lag_distance(task.horizon, task.freq)
    counts = (~np.isnan(task.y)).sum(axis=0)
    year = 364 if task.freq == "D" else 52
    level = _levels(task.y, year)
    for j in range(k):
        if counts[j] < lag + MIN_PERIODS:
            output.refuse(j, f"gbm: needs {lag + MIN_PERIODS} periods of history, has "
                          f"{counts[j]}", "regression")  # fmt: skip
        elif not level[j] > 0:
            output.refuse(j, "gbm: no sales in the history", "mean")
    fit = np.flatnonzero(np.array([f is None for f in output.fallback]))
    if len(fit) == 0:
        return None
    return _Part(task, output, fit, level[fit], offset, store)


def _levels(y: np.ndarray, year: int) -> np.ndarray:
    """Each series' mean over its last year of history (over all of it when that was empty)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: no level
        level = np.nanmean(y[-year:], axis=0)
        whole = np.nanmean(y, axis=0)
    return np.where(level > 0, level, np.where(whole > 0, whole, 0.0))


def feature_frame(task: Task, z: np.ndarray, lag: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Features of every (period, series) pair of the history and the horizon, period-major,
    and the base each period's sales are measured against.

    ``z`` is the level-scaled history ``(n_hist, k)``; periods after it are unknown. The base
    ``(n_hist + horizon, k)`` is the series' mean over the month (daily) or quarter (weekly)
    that ended ``lag`` periods before; sales features are divided by it, and the model learns
    sales over it, so that it learns shapes (a Christmas week is 1.8 times the autumn's level)
    rather than sizes.
    """
    n, k = z.shape
    total = len(task.dates)
    full = np.vstack([z, np.full((total - n, k), np.nan)])
    frame = pd.DataFrame(full)
    step = 7 if task.freq == "D" else 1
    columns: dict[str, np.ndarray] = {}
    for i in range(4):
        columns[f"lag{lag + i * step}"] = _shift(full, lag + i * step)
    yearly = 364 if task.freq == "D" else 52
    if yearly >= lag + (3 if task.freq == "D" else 0):
        columns[f"lag{yearly}"] = _shift(full, yearly)
        if task.freq == "D":
            around = frame.rolling(7, center=True, min_periods=1).mean().to_numpy()
            columns["mean7_year_ago"] = _shift(around, yearly)
    windows = (7, 28, 364) if task.freq == "D" else (4, 13, 52)
    for window in windows:
        means = frame.rolling(window, min_periods=1).mean().to_numpy()
        columns[f"mean{window}"] = _shift(means, lag)
    middle, longest = columns[f"mean{windows[1]}"], columns[f"mean{windows[2]}"]
    base = np.where(middle > 0, middle, np.where(longest > 0, longest, 1.0))
    base = np.maximum(base, BASE_FLOOR)
    out = pd.DataFrame({name: (values / base).ravel() for name, values in columns.items()})
    out["level"] = base.ravel()
    dates = task.dates
    calendar = {
        "week": dates.isocalendar().week.to_numpy().astype(float),
        "month": dates.month.to_numpy().astype(float),
    }
    if task.freq == "D":
        calendar["weekday"] = dates.day_of_week.to_numpy().astype(float)
        calendar["day_of_year"] = dates.day_of_year.to_numpy().astype(float)
        calendar["day_of_month"] = dates.day.to_numpy().astype(float)
    per_period = [pd.DataFrame(calendar, index=dates)]
    events = task.calendar.loc[:, task.calendar.iloc[:n].sum(axis=0) > 0]
    if events.shape[1]:
        per_period.append(events.add_prefix("event:"))
    if task.weather is not None:
        per_period.append(task.weather)
    periods = pd.concat(per_period, axis=1)
    repeated = pd.DataFrame(np.repeat(periods.to_numpy(dtype=float), k, axis=0),
                            columns=[str(c) for c in periods.columns])  # fmt: skip
    return pd.concat([out, repeated], axis=1), base


def _shift(values: np.ndarray, periods: int) -> np.ndarray:
    out = np.full_like(values, np.nan)
    if periods < len(values):
        out[periods:] = values[: len(values) - periods]
    return out


def _training_rows(target: np.ndarray, n: int, periods: int) -> np.ndarray:
    """Positions (period-major) of the history rows the model learns from: target observed
    (which needs a base, so the series had sales ``lag`` periods before), within the last
    ``periods``."""
    k = target.shape[1]
    first = max(0, n - periods)
    return first * k + np.flatnonzero(~np.isnan(target[first:n]).ravel())
