"""statsmodels models: Holt-Winters exponential smoothing, STL + ETS, and SARIMAX.

Holt-Winters and STL need an unbroken series, so closed days are filled with the value a season
before (their forecasts on closed days are zeroed afterwards anyway). SARIMAX takes the gaps as
missing observations, and the same calendar and weather regressors as the dynamic regression.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from forecasting.models.base import (
    Output,
    Task,
    TooShort,
    each_series,
    fill_closed,
    normal_quantiles,
    observed,
)
from forecasting.regressors import base_features


def holt_winters(task: Task) -> Output:
    """Additive Holt-Winters (ETS(A,Ad,A)) per series; without the season when it has fewer
    than two full seasons (the runner says so)."""
    return each_series(task, "ets", _ets_one, fallback="naive")


def _ets_one(y: np.ndarray, task: Task) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    m = task.season
    values = fill_closed(observed(y), m)
    if len(values) < 2 * m:
        raise TooShort(f"needs two full seasons ({2 * m} periods), has {len(values)}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ETSModel(pd.Series(values), error="add", trend="add", damped_trend=True, seasonal="add",
                       seasonal_periods=m).fit(disp=False)  # fmt: skip
        prediction = fit.get_prediction(start=len(values), end=len(values) + task.horizon - 1)
    mean = np.asarray(prediction.predicted_mean)
    sd = np.sqrt(np.asarray(prediction.forecast_variance))
    return mean, normal_quantiles(mean, sd, task.probs)


def stl_ets(task: Task) -> Output:
    """STL decomposition, then damped-trend ETS of the seasonally adjusted series."""
    return each_series(task, "stl", _stl_one, fallback="ets")


def _stl_one(y: np.ndarray, task: Task) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from statsmodels.tsa.forecasting.stl import STLForecast

    m = task.season
    values = fill_closed(observed(y), m)
    if len(values) < 2 * m + 1:
        raise TooShort(f"needs two full seasons ({2 * m + 1} periods), has {len(values)}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = STLForecast(pd.Series(values), ETSModel, period=m, robust=True,
                          model_kwargs={"error": "add", "trend": "add", "damped_trend": True},
                          ).fit(fit_kwargs={"disp": False})  # fmt: skip
        prediction = fit.get_prediction(start=len(values), end=len(values) + task.horizon - 1)
    mean = np.asarray(prediction.predicted_mean)
    sd = np.asarray(prediction.se_mean)
    return mean, normal_quantiles(mean, sd, task.probs)


def sarimax(task: Task) -> Output:
    """Regression on ``log1p(sales)`` with ARMA(1,1) errors: the calendar, weather, weekday and
    yearly Fourier regressors of the dynamic regression, with the errors' memory on top."""
    return each_series(task, "sarimax", _sarimax_one, fallback="regression")


def _sarimax_one(y: np.ndarray, task: Task) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    start = task.n_hist - len(observed(y))
    n_obs = int(np.sum(~np.isnan(y)))
    if n_obs < 3 * task.season:
        raise TooShort(f"needs {3 * task.season} periods of history, has {n_obs}")
    dates = task.dates[start:]
    span = (dates[task.n_hist - start - 1] - dates[0]).days
    yearly = (4 if task.freq == "D" else 8) if span >= 364 else 0
    parts = [base_features(dates, task.freq, dates[0], yearly=yearly, weekly=True)]
    calendar = task.calendar.iloc[start:]
    parts.append(calendar.loc[:, calendar.iloc[: task.n_hist - start].sum(axis=0) > 0])
    if task.weather is not None:
        parts.append(task.weather.iloc[start:])
    exog = pd.concat(parts, axis=1).to_numpy()
    n = task.n_hist - start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SARIMAX(np.log1p(y[start:]), exog=exog[:n], order=(1, 0, 1), trend="c")
        fit = model.fit(disp=False, maxiter=50)
        forecast = fit.get_forecast(task.horizon, exog=exog[n:])
    mean = np.asarray(forecast.predicted_mean)
    sd = np.asarray(forecast.se_mean)
    if not np.all(np.isfinite(mean)):
        raise ValueError("the fit diverged")
    return np.expm1(mean), normal_quantiles(mean, sd, task.probs, log=True)
