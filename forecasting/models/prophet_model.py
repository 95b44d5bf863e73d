"""prophet with kori's holiday windows and weather regressors.

Holidays are handed over as kori's calendar columns: every day of an event's window (for weekly
data, every week, bucketed first because prophet applies a holiday only when its date is a row of
the data) is a one-day holiday of its own, which is what prophet makes of a window, and stays
valid where the horizon cuts a window. Seasonality is multiplicative, like shop sales. Stan's and
prophet's chatter is kept off stdout and out of the log.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from forecasting.models.base import Task, TooShort
from forecasting.models.contract import PerSeriesModel

SAMPLES = 300
"""Draws of the predictive distribution behind the quantiles."""


class Prophet(PerSeriesModel):
    """prophet per series, with kori's holiday days (:func:`_holidays`) and the weather as extra
    regressors; multiplicative seasonality.

    ``fit`` hands prophet the holiday days of the history only; ``predict`` hands it those of
    the horizon too (prophet applies a holiday by its date, and keeps only holidays it saw in
    fit). The quantiles come from :data:`SAMPLES` draws of prophet's predictive distribution,
    seeded, so that predicting twice gives the same quantiles.

    Attributes
    ----------
    models_ : list of list of prophet.Prophet
        Per task and series: the fitted prophet model (``None`` where refused).
    """

    name = "prophet"
    fallback = "regression"
    fitted_attributes = ("models_",)

    def _prepare_fit(self, task: Task) -> dict[str, Any]:
        _quiet_logs()
        return {"holidays": _holidays(task)}

    def _fit_series(self, y: np.ndarray, task: Task, shared: dict[str, Any]) -> dict[str, Any]:
        from prophet import Prophet as Model

        history = pd.DataFrame({"ds": task.dates[: task.n_hist], "y": y})
        if task.weather is not None:
            for column in task.weather.columns:
                history[column] = task.weather[column].to_numpy()[: task.n_hist]
        history = history.dropna(subset=["y"])
        if len(history) < 2 * task.season:
            raise TooShort(f"needs {2 * task.season} periods of history, has {len(history)}")
        model = Model(holidays=shared["holidays"], seasonality_mode="multiplicative",
                      uncertainty_samples=SAMPLES)  # fmt: skip
        if task.weather is not None:
            for column in task.weather.columns:
                model.add_regressor(column)
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # prophet's own use of deprecated pandas
            model.fit(history)
        return {"models_": model}

    def _prepare_predict(self, task: Task, state: SimpleNamespace) -> dict[str, Any]:
        _quiet_logs()
        future = pd.DataFrame({"ds": task.dates[task.n_hist:]})
        if task.weather is not None:
            for column in task.weather.columns:
                future[column] = task.weather[column].to_numpy()[task.n_hist:]
        return {"holidays": _holidays(task), "future": future}

    def _predict_series(self, task: Task, state: SimpleNamespace, shared: dict[str, Any],
                        j: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        model, future = state.models_[j], shared["future"]
        fitted_holidays = model.holidays
        if fitted_holidays is not None:
            # the horizon's holiday days; prophet drops the names it did not see in fit
            model.holidays = shared["holidays"]
        np.random.seed(0)  # prophet draws its uncertainty samples from numpy's global generator
        try:
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                samples = model.predictive_samples(future)["yhat"]
                point = model.predict(future)["yhat"].to_numpy()
        finally:
            model.holidays = fitted_holidays
        return point, np.quantile(samples, task.probs, axis=1)


def _quiet_logs() -> None:
    """Keep prophet's and cmdstanpy's log lines off stderr, also in worker processes.

    cmdstanpy adds its own stderr handler on first use unless its logger has one, and prophet
    logs "Importing plotly failed" on import, so this runs before prophet is imported.
    """
    for name in ("prophet", "cmdstanpy"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
        logger.propagate = False


def _holidays(task: Task) -> pd.DataFrame | None:
    """Every window day of every event as its own one-day holiday (``Christmas Eve-3``).

    This is what prophet makes of a holiday with a window (one effect per day of it), but it
    stays valid where the data cut a window: an event just past the horizon keeps only its days
    before it, so a window rebuilt from those days would end before the event, which prophet
    refuses ("Holiday upper_window should be >= 0"). Weekly calendars are already bucketed into
    weeks, each window week its own column.
    """
    calendar = task.calendar
    hits = calendar.to_numpy() > 0
    if not hits.any():
        return None
    rows, columns = np.nonzero(hits)
    return pd.DataFrame({"holiday": calendar.columns[columns], "ds": calendar.index[rows],
                         "lower_window": 0, "upper_window": 0})  # fmt: skip
