"""``gbm``: one gradient-boosted model (LightGBM) over every series of a block.

What the M5 competition found for retail: one model learns from all the products of a run at
once (a block of whole stores, see :func:`forecasting.models.blocks`), so a product with one
Christmas in its history borrows the Christmas of the others. Each series is divided by its own
level (its mean over the last year), so a department selling 200,000 a week and one selling 20
share one model; the loss is weighted by the level, so the fit minimises the error in units,
which is what WAPE and orders count.

The strategy is *direct*: every feature of period ``t`` is known ``L >= horizon`` periods
before it (:func:`lag_distance`), so one model forecasts the whole horizon without feeding its
own forecasts back. The model learns each period's sales over a *base*, the series' mean over
the month (daily) or quarter (weekly) that ended ``L`` periods before, so that it learns shapes
(a Christmas week is so many times the autumn's level) rather than sizes. Its features:

- the sales ``L``, ``L + 1``, ``L + 2`` and ``L + 3`` weeks before (daily: the same weekday
  ``L``, ``L + 7``, ``L + 14``, ``L + 21`` days before), and a year before (364 days, 52 weeks)
  when that is at least ``L`` periods back, all over the base;
- the means of the last week, month and year as they stood ``L`` periods before, and the base;
- the calendar: weekday, day and week of the year, month;
- every holiday-window day and user event of the store (the design's indicator columns, by
  name, so that stores share them), and the weather;
- the series and the store, as categories.

The objective is Tweedie (log link, variance between Poisson and gamma): right for counts with
many zeros and for sales that are never negative. The settings (:data:`PARAMS`) were chosen on
backtests whose windows end before the test windows of ``benchmarks/accuracy.py`` (the full
Walmart file cut 52 weeks early, the sample store 84 days early). Other objectives (squared and
absolute error, Tweedie power 1.5), smaller trees, more rounds and separate models for the near
and far steps of the horizon moved the validation WAPE by less than half a point, so the
simpler settings stayed. Training is deterministic (fixed seed, LightGBM's deterministic mode,
one thread: the worker processes share the cores, and OpenMP threads of two processes on two
cores ran 20-40 times slower).

Quantiles are the point forecast plus the spread of the fit's own base-scaled residuals,
pooled over the block; :func:`forecasting.models.run_block` then calibrates them on a rolling
origin like every model's. Series with less than ``L`` plus :data:`MIN_PERIODS` periods of
history go to the regression (and from there to seasonal naive).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecasting.errors import NotFittedError
from forecasting.models.base import Output, Task, year_periods
from forecasting.models.contract import Model, Refusal

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


class GlobalGBM(Model):
    """One LightGBM model over every series of the tasks it is fitted on (see the module
    docstring).

    ``fit`` reads the tasks' history and the horizon's length (the lag distance
    :func:`lag_distance` of the direct strategy depends on it); ``predict`` forecasts any
    horizon up to that lag distance. Series with too short a history are refused to the
    regression, series that never sold to the mean.

    Attributes
    ----------
    lag_ : int
        The nearest lag of the sales features.
    booster_ : lightgbm.Booster or None
        The fitted model (``None`` when no series could join the fit).
    feature_names_ : list of str
        The features, in the booster's order (it knows them as ``f0``, ``f1``, ...).
    residuals_ : numpy.ndarray
        Up to :data:`RESIDUAL_ROWS` of the fit's residuals (sales over their base), whose
        quantiles widen the point forecast into quantiles.
    n_series_, n_stores_ : int
        The categories of the ``series`` and ``store`` features.
    members_ : list of numpy.ndarray
        Per task: the positions of the series in the fit.
    scale_ : list of numpy.ndarray
        Per task: their levels (mean over the last year), which the fit divided them by.
    codes_ : list of int
        Per task: the ``series`` category of its first fitted series (the others follow).
    store_codes_ : list of int
        Per task: its ``store`` category.
    history_ : list of numpy.ndarray
        Per task: the level-scaled history ``(n_hist, len(members_))`` of its fitted series,
        from which the lag features of the horizon are made.
    """

    name = "gbm"
    is_global = True

    def fit(self, tasks: Sequence[Task]) -> GlobalGBM:
        """Fit one model over the history of every series of ``tasks`` (one run's stores,
        sharing dates and horizon) that can join it."""
        self._forget()
        tasks = list(tasks)
        lag = lag_distance(tasks[0].horizon, tasks[0].freq) if tasks else 0
        refused: list[dict[int, Refusal]] = [{} for _ in tasks]
        members, scales, codes, store_codes, histories = [], [], [], [], []
        stores: dict[str, int] = {}
        offset = 0
        trains, targets, weights = [], [], []
        for task, refusals in zip(tasks, refused):
            history = task.history()
            fit, scale = _joining(history, lag, refusals)
            z = history.y[:, fit] / scale
            store = stores.setdefault(task.store, len(stores))
            members.append(fit)
            scales.append(scale)
            codes.append(offset)
            store_codes.append(store)
            histories.append(z)
            if len(fit) == 0:
                continue
            features, base = _features(history, z, lag, offset, store)
            target = z / base
            rows = _training_rows(target, history.n_hist,
                                  MAX_TRAIN_YEARS * year_periods(task.freq))
            trains.append(features.iloc[rows])
            targets.append(target.ravel()[rows])
            weights.append((base * scale).ravel()[rows])
            offset += len(fit)
        booster, names, residual = None, [], np.zeros(0)
        if trains:
            booster, names, residual = _train(trains, targets, weights, offset, len(stores))
        self.lag_, self.booster_, self.feature_names_ = lag, booster, names
        self.residuals_, self.n_series_, self.n_stores_ = residual, offset, len(stores)
        self.members_, self.scale_, self.codes_ = members, scales, codes
        self.store_codes_, self.history_ = store_codes, histories
        self.fitted_on_ = [self._key(task) for task in tasks]
        self.refused_ = refused
        return self

    def predict(self, tasks: Sequence[Task]) -> list[Output]:
        """Forecast every fitted series of ``tasks`` from its history and the horizon's
        calendar and weather.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`, for other tasks, or for a horizon beyond :attr:`lag_`.
        """
        self._check_tasks(tasks)
        longest = max((task.horizon for task in tasks), default=0)
        if longest > self.lag_:
            raise NotFittedError(f"model gbm was fitted for a horizon of up to {self.lag_} "
                                 f"periods, asked for {longest}",
                                 fix="Fit it on tasks with the horizon to forecast")  # fmt: skip
        outputs = [self._empty(task, i) for i, task in enumerate(tasks)]
        for i, (task, output) in enumerate(zip(tasks, outputs)):
            fit = self.members_[i]
            if len(fit) == 0:
                continue
            n, k = task.n_hist, len(fit)
            features, base = _features(task, self.history_[i], self.lag_, self.codes_[i],
                                       self.store_codes_[i])  # fmt: skip
            future = _prepared(features.iloc[n * k:], self.feature_names_, self.n_series_,
                               self.n_stores_)  # fmt: skip
            spread = np.quantile(self.residuals_, task.probs) if len(task.probs) else np.zeros(0)
            base = base[n:]
            z = self.booster_.predict(future).reshape(task.horizon, k) * base
            scale = self.scale_[i]
            output.point[:, fit] = z * scale
            output.quantiles[:, :, fit] = (z[None] + spread[:, None, None] * base[None]) * scale
        return outputs


def _train(frames: list[pd.DataFrame], targets: list[np.ndarray], weights: list[np.ndarray],
           series: int, stores: int) -> tuple[object, list[str], np.ndarray]:  # fmt: skip
    """Train the booster on the parts' training rows; return it, the features' names and a
    sample of its residuals."""
    import lightgbm

    train = pd.concat(frames, ignore_index=True)
    names = list(train.columns)
    z_train = np.concatenate(targets)
    weight = np.concatenate(weights)
    train = _prepared(train, names, series, stores)
    booster = lightgbm.train(
        PARAMS,
        lightgbm.Dataset(train, z_train, weight=weight / weight.mean(), free_raw_data=True,
                         categorical_feature=[f"f{names.index(c)}" for c in ("series", "store")]),
        num_boost_round=ROUNDS,
    )  # fmt: skip
    sample = np.random.default_rng(0).choice(len(train), min(len(train), RESIDUAL_ROWS),
                                             replace=False)  # fmt: skip
    return booster, names, z_train[sample] - booster.predict(train.iloc[sample])


def _prepared(frame: pd.DataFrame, names: list[str], series: int, stores: int) -> pd.DataFrame:
    """The features as the booster takes them: in the fitted order, events absent from a part
    as 0, series and store as categories, named ``f0``, ``f1``, ... (LightGBM takes no
    punctuation in names: "Christmas Eve-3")."""
    events = [c for c in names if c.startswith("event:")]
    frame = frame.reindex(columns=names)
    frame[events] = frame[events].fillna(0.0)
    frame["series"] = pd.Categorical(frame["series"], categories=range(series))
    frame["store"] = pd.Categorical(frame["store"], categories=range(stores))
    return frame.set_axis([f"f{i}" for i in range(len(names))], axis=1)


def _features(task: Task, z: np.ndarray, lag: int, code: int, store: int
              ) -> tuple[pd.DataFrame, np.ndarray]:  # fmt: skip
    """One task's features (:func:`feature_frame`) with its series and store categories, and
    the base ``(n_hist + horizon, k)`` of its level-scaled history ``z``."""
    features, base = feature_frame(task, z, lag)
    features["series"] = np.tile(code + np.arange(z.shape[1]), len(task.dates))
    features["store"] = store
    return features, base


def _joining(task: Task, lag: int,
             refused: dict[int, Refusal]) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The positions of the series of ``task`` that can join the fit, and their levels; the
    others go into ``refused``."""
    k = task.y.shape[1]
    counts = (~np.isnan(task.y)).sum(axis=0)
    level = _levels(task.y, year_periods(task.freq))
    for j in range(k):
        if counts[j] < lag + MIN_PERIODS:
            refused[j] = Refusal(f"gbm: needs {lag + MIN_PERIODS} periods of history, has "
                                 f"{counts[j]}", "regression")  # fmt: skip
        elif not level[j] > 0:
            refused[j] = Refusal("gbm: no sales in the history", "mean")
    fit = np.array([j for j in range(k) if j not in refused], dtype=int)
    return fit, level[fit]


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
    yearly = year_periods(task.freq)
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
