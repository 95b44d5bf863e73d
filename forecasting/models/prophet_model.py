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

import numpy as np
import pandas as pd

from forecasting.models.base import Output, Task, TooShort, each_series

SAMPLES = 300
"""Draws of the predictive distribution behind the quantiles."""


def prophet(task: Task) -> Output:
    """Fit prophet to every series of ``task``."""
    _quiet_logs()
    holidays = _holidays(task)
    return each_series(task, "prophet", lambda y, t: _one(y, t, holidays), fallback="regression")


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


def _one(y: np.ndarray, task: Task, holidays: pd.DataFrame | None
         ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    from prophet import Prophet

    history = pd.DataFrame({"ds": task.dates[: task.n_hist], "y": y})
    if task.weather is not None:
        for column in task.weather.columns:
            history[column] = task.weather[column].to_numpy()[: task.n_hist]
    history = history.dropna(subset=["y"])
    if len(history) < 2 * task.season:
        raise TooShort(f"needs {2 * task.season} periods of history, has {len(history)}")
    model = Prophet(holidays=holidays, seasonality_mode="multiplicative",
                    uncertainty_samples=SAMPLES)  # fmt: skip
    future = pd.DataFrame({"ds": task.dates[task.n_hist:]})
    if task.weather is not None:
        for column in task.weather.columns:
            model.add_regressor(column)
            future[column] = task.weather[column].to_numpy()[task.n_hist:]
    np.random.seed(0)  # prophet draws its uncertainty samples from numpy's global generator
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # prophet's own use of deprecated pandas
        model.fit(history)
        samples = model.predictive_samples(future)["yhat"]
        point = model.predict(future)["yhat"].to_numpy()
    return point, np.quantile(samples, task.probs, axis=1)
