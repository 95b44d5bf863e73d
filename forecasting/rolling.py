"""Forecasts as of a past day: what a planner would have seen then, for replaying plans."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from forecasting.stores import StoreConfig


def demand_as_of(
    sales: pd.DataFrame,
    *,
    stores: Mapping[str, StoreConfig] | None = None,
    weather: pd.DataFrame | None = None,
    horizon: int = 28,
    model: str = "regression",
) -> Callable[[pd.Timestamp], pd.DataFrame]:
    """A function of a day that forecasts daily demand from that day on, from the sales before it.

    Parameters
    ----------
    sales : pandas.DataFrame
        ``date, store, sku, quantity`` over the whole history.
    stores : Mapping of str to StoreConfig, optional
        Opening hours and closed days.
    weather : pandas.DataFrame, optional
        Observed weather, used for the history and (as a perfect weather forecast) the days ahead.
    horizon : int, default 28
        Days forecast from each day.
    model : str, default "regression"

    Returns
    -------
    callable
        ``day -> DataFrame`` of ``date, store, sku, mean, var`` (see
        :func:`forecasting.moments.daily_moments`).
    """
    from forecasting.forecast import forecast
    from forecasting.moments import daily_moments
    from forecasting.series import sales_series
    from forecasting.tasks import Regressors

    regressors = Regressors(weather=weather, stores=stores)

    def at(day: pd.Timestamp) -> pd.DataFrame:
        history = sales[sales["date"] < day]
        series = sales_series(history, stores=stores)
        table = forecast(series, horizon=horizon, model=model, regressors=regressors).table
        return daily_moments(table)[["date", "store", "sku", "mean", "var"]]

    return at
