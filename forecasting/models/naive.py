"""Seasonal naive: the value one season ago (a week for daily data, a year for weekly).

The baseline every other model must beat. Closed days a season ago are skipped: the value two
seasons ago is used instead. Intervals come from the spread of the seasonal differences,
widening with each further season ahead. :class:`Mean` is the last resort for short series.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from forecasting.models.base import Task, TooShort, normal_quantiles, observed
from forecasting.models.contract import PerSeriesModel


class SeasonalNaive(PerSeriesModel):
    """Forecast every series with its value one season before.

    Attributes
    ----------
    history_ : list of list of numpy.ndarray
        Per task and series: the history from the series' first observation on, which the
        forecast repeats.
    sd_ : list of list of float
        Per task and series: the root mean square seasonal difference, the spread of one season
        ahead.
    """

    name = "naive"
    fallback = "mean"
    fitted_attributes = ("history_", "sd_")

    def _fit_series(self, y: np.ndarray, task: Task, shared: dict[str, Any]) -> dict[str, Any]:
        m = task.season
        y = observed(y)
        if np.sum(~np.isnan(y)) < m:
            raise TooShort(f"needs one full season ({m} periods), has {np.sum(~np.isnan(y))}")
        diffs = y[m:] - y[:-m]
        diffs = diffs[~np.isnan(diffs)]
        sd = float(np.sqrt(np.mean(diffs**2))) if len(diffs) > 1 else float(np.nanstd(y))
        return {"history_": y, "sd_": sd}

    def _predict_series(self, task: Task, state: SimpleNamespace, shared: dict[str, Any],
                        j: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        m, h = task.season, task.horizon
        y = state.history_[j]
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
        seasons_ahead = np.arange(h) // m + 1
        return point, normal_quantiles(point, state.sd_[j] * np.sqrt(seasons_ahead), task.probs)


class Mean(PerSeriesModel):
    """The mean of the last season (or of all there is): the last resort for short series.

    Attributes
    ----------
    level_ : list of list of float
        Per task and series: the mean of the last season's observed values (0 without any).
    sd_ : list of list of float
        Per task and series: their standard deviation (the square root of the level, at least 1,
        from a single value; 0 without any).
    """

    name = "mean"
    fallback = "mean"
    fitted_attributes = ("level_", "sd_")

    def _fit_series(self, y: np.ndarray, task: Task, shared: dict[str, Any]) -> dict[str, Any]:
        recent = observed(y)[-task.season:]
        recent = recent[~np.isnan(recent)]
        if len(recent) == 0:
            return {"level_": 0.0, "sd_": 0.0}
        level = float(np.mean(recent))
        sd = float(np.std(recent)) if len(recent) > 1 else np.sqrt(max(level, 1.0))
        return {"level_": level, "sd_": sd}

    def _predict_series(self, task: Task, state: SimpleNamespace, shared: dict[str, Any],
                        j: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        point = np.full(task.horizon, state.level_[j])
        if state.sd_[j] == 0:  # certain (or nothing seen): every quantile is the level
            return point, np.tile(point, (len(task.probs), 1))
        return point, normal_quantiles(point, np.full(task.horizon, state.sd_[j]), task.probs)
