"""Seasonal naive: the value one season ago (a week for daily data, a year for weekly).

The baseline every other model must beat. Closed days a season ago are skipped: the value two
seasons ago is used instead. Intervals come from the spread of the seasonal differences,
widening with each further season ahead.
"""

from __future__ import annotations

import numpy as np

from forecasting.models.base import (
    Output,
    Task,
    TooShort,
    each_series,
    normal_quantiles,
    observed,
)


def seasonal_naive(task: Task) -> Output:
    """Forecast every series of ``task`` with its value one season before."""
    return each_series(task, "naive", _one, fallback="mean")


def _one(y: np.ndarray, task: Task) -> tuple[np.ndarray, np.ndarray]:
    m, h = task.season, task.horizon
    y = observed(y)
    if np.sum(~np.isnan(y)) < m:
        raise TooShort(f"needs one full season ({m} periods), has {np.sum(~np.isnan(y))}")
    point = np.empty(h)
    n = len(y)
    for step in range(h):
        k = step // m + 1
        value = np.nan
        while np.isnan(value) and n + step - k * m >= 0:
            value = y[n + step - k * m]
            k += 1
        point[step] = value
    point = np.where(np.isnan(point), np.nanmean(y[-m:]), point)
    diffs = y[m:] - y[:-m]
    diffs = diffs[~np.isnan(diffs)]
    sd = float(np.sqrt(np.mean(diffs**2))) if len(diffs) > 1 else float(np.nanstd(y))
    seasons_ahead = np.arange(h) // m + 1
    return point, normal_quantiles(point, sd * np.sqrt(seasons_ahead), task.probs)


def mean_model(task: Task) -> Output:
    """The mean of the last season (or of all there is): the last resort for short series."""
    return each_series(task, "mean", _mean_one, fallback="mean")


def _mean_one(y: np.ndarray, task: Task) -> tuple[np.ndarray, np.ndarray]:
    y = observed(y)
    recent = y[-task.season:]
    recent = recent[~np.isnan(recent)]
    if len(recent) == 0:
        return np.zeros(task.horizon), np.zeros((len(task.probs), task.horizon))
    level = float(np.mean(recent))
    sd = float(np.std(recent)) if len(recent) > 1 else np.sqrt(max(level, 1.0))
    point = np.full(task.horizon, level)
    return point, normal_quantiles(point, np.full(task.horizon, sd), task.probs)
