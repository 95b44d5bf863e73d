"""Customers per store and hour: daily totals to forecast, and the intra-day profile that
spreads a day's forecast over its opening hours.

The daily customer count is forecast like any product's sales (holidays, weather, closed
days), as the series ``sku = "customers"`` of each store. Each day's forecast is then spread over
the hours the store is open that day in proportion to the store's profile for that weekday:
the share of a day's customers each clock hour had over the last weeks of history. On days with
special hours (Christmas Eve closes at 13:00) the profile is cut to the open hours and
rescaled, and an hour open only in part gets its share pro rata.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecasting.errors import SchemaError
from forecasting.stores import StoreConfig

CUSTOMERS = "customers"
"""The sku under which a store's daily customer count is forecast."""

HOURLY_COLUMNS = ["store", "date", "hour", "open_minutes", "receipts"]


def daily_customers(traffic: pd.DataFrame) -> pd.DataFrame:
    """Daily customers per store as a sales table (``date, store, sku, quantity``).

    Parameters
    ----------
    traffic : pandas.DataFrame
        ``timestamp, store, receipts`` (see :func:`forecasting.validation.parse_table`).
    """
    days = traffic["timestamp"].dt.normalize()
    daily = traffic.groupby([days.rename("date"), traffic["store"]])["receipts"].sum()
    out = daily.rename("quantity").reset_index()
    out.insert(2, "sku", CUSTOMERS)
    return out[["date", "store", "sku", "quantity"]]


def intraday_profile(traffic: pd.DataFrame, *, weeks: int = 8,
                     source: str = "<traffic>") -> pd.DataFrame:  # fmt: skip
    """Share of a day's customers in each clock hour, per store and weekday.

    Parameters
    ----------
    traffic : pandas.DataFrame
        ``timestamp, store, receipts``.
    weeks : int, default 8
        Weeks at the end of each store's history the profile is taken from.

    Returns
    -------
    pandas.DataFrame
        ``store, weekday (0 = Monday), hour, share``; shares of a store and weekday add to 1.

    Raises
    ------
    SchemaError
        If the traffic table is empty or has no customers in the weeks used.
    """
    if traffic.empty:
        raise SchemaError("no traffic rows", source=source,
                          fix="Give customers per store and opening hour")  # fmt: skip
    last = traffic.groupby("store")["timestamp"].transform("max").dt.normalize()
    recent = traffic[traffic["timestamp"] > last - pd.Timedelta(weeks=weeks)]
    frame = pd.DataFrame({"store": recent["store"], "weekday": recent["timestamp"].dt.day_of_week,
                          "hour": recent["timestamp"].dt.hour,
                          "receipts": recent["receipts"]})  # fmt: skip
    totals = frame.groupby(["store", "weekday", "hour"])["receipts"].sum().reset_index()
    day_total = totals.groupby(["store", "weekday"])["receipts"].transform("sum")
    if (day_total <= 0).all():
        raise SchemaError(f"no customers in the last {weeks} weeks of traffic", source=source,
                          fix="Check the receipts column")  # fmt: skip
    totals["share"] = np.where(day_total > 0, totals["receipts"] / day_total.where(day_total > 0, 1), 0.0)
    return totals[["store", "weekday", "hour", "share"]]


def hourly_customers(
    daily: pd.DataFrame,
    profile: pd.DataFrame,
    stores: Mapping[str, StoreConfig],
    holiday_names: pd.Series,
    *,
    source: str = "<forecast>",
) -> pd.DataFrame:
    """Spread daily customer forecasts over each day's opening hours.

    Parameters
    ----------
    daily : pandas.DataFrame
        ``date, store, customers``: the forecast number of customers per store and day.
    profile : pandas.DataFrame
        From :func:`intraday_profile`.
    stores : Mapping of str to StoreConfig
        Opening hours of each store.
    holiday_names : pandas.Series
        Holiday name per day (see :func:`forecasting.calendar.holiday_names`), for special hours.

    Returns
    -------
    pandas.DataFrame
        ``store, date, hour, open_minutes, receipts``: one row per opening hour; closed days
        have no rows.

    Raises
    ------
    SchemaError
        If a store has no entry in ``stores``.
    """
    missing = sorted(set(daily["store"]) - set(stores))
    if missing:
        raise SchemaError(f"store {missing[0]} has no opening hours", source=source,
                          fix=f"Add [stores.{missing[0]}] with its hours to store.toml")  # fmt: skip
    rows = []
    for store, part in daily.groupby("store", sort=True):
        dates = pd.DatetimeIndex(part["date"]).normalize()
        hours = stores[store].opening_hours(dates, holiday_names)
        shares = profile[profile["store"] == store].set_index(["weekday", "hour"])["share"]
        for day, customers in zip(dates, part["customers"].to_numpy(float)):
            opening = hours.loc[day]
            if not opening["is_open"]:
                continue
            minutes = _open_minutes(int(opening["open_min"]), int(opening["close_min"]))
            weights = np.array([shares.get((day.weekday(), h), 0.0) * m / 60
                                for h, m in minutes.items()])  # fmt: skip
            if weights.sum() <= 0:  # hours never seen open on this weekday: spread evenly
                weights = np.array(list(minutes.values()), float)
            weights = weights / weights.sum()
            for (hour, open_minutes), weight in zip(minutes.items(), weights):
                rows.append((store, day, hour, open_minutes, customers * weight))
    return pd.DataFrame(rows, columns=HOURLY_COLUMNS)


def _open_minutes(open_min: int, close_min: int) -> dict[int, int]:
    """Minutes open in each clock hour between ``open_min`` and ``close_min``."""
    out = {}
    for hour in range(open_min // 60, (close_min - 1) // 60 + 1):
        minutes = min(close_min, (hour + 1) * 60) - max(open_min, hour * 60)
        if minutes > 0:
            out[hour] = minutes
    return out


def forecast_customers(
    traffic: pd.DataFrame,
    stores: Mapping[str, StoreConfig],
    *,
    horizon: int,
    weather: pd.DataFrame | None = None,
    country: str = "FI",
    subdiv: str | None = None,
    weeks: int = 8,
    source: str = "<traffic>",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forecast customers per store and day with the default model, then per opening hour.

    Parameters
    ----------
    traffic : pandas.DataFrame
        ``timestamp, store, receipts`` over the history.
    stores : Mapping of str to StoreConfig
        Opening hours and closed days of every store in ``traffic``.
    horizon : int
        Days ahead.
    weather : pandas.DataFrame, optional
        ``date, store, temperature_c[, precipitation_mm]``.
    country, subdiv : str
        Holiday calendar.
    weeks : int, default 8
        Weeks of history behind the intra-day profile.

    Returns
    -------
    daily : pandas.DataFrame
        The forecast table of the series ``customers`` of each store.
    hourly : pandas.DataFrame
        ``store, date, hour, open_minutes, receipts``: expected customers per opening hour
        (the daily forecast's mean, see :func:`forecasting.moments.daily_moments`).

    Raises
    ------
    SchemaError
        If a store of ``traffic`` has no opening hours.
    ParameterError
        If ``horizon`` is out of range (see :func:`forecasting.series.check_horizon`).
    """
    from forecasting.calendar import holiday_names, holiday_table
    from forecasting.forecast import forecast
    from forecasting.moments import daily_moments
    from forecasting.series import check_horizon, sales_series
    from forecasting.tasks import Regressors

    missing = sorted(set(traffic["store"]) - set(stores))
    if missing:
        raise SchemaError(f"store {missing[0]} has no opening hours", source=source,
                          fix=f"Add [stores.{missing[0]}] with its hours to store.toml")  # fmt: skip
    daily = daily_customers(traffic)
    check_horizon(daily["date"].max(), horizon)
    days = pd.date_range(daily["date"].min(), daily["date"].max() + pd.Timedelta(days=horizon))
    names = holiday_names(days, holiday_table(days[0], days[-1], country=country, subdiv=subdiv))
    series = sales_series(daily, stores=stores, holiday_names=names, source=source)
    regressors = Regressors(country=country, subdiv=subdiv, weather=weather, stores=stores)
    table = forecast(series, horizon=horizon, regressors=regressors).table
    expected = daily_moments(table).rename(columns={"mean": "customers"})
    hourly = hourly_customers(expected[["date", "store", "customers"]],
                              intraday_profile(traffic, weeks=weeks, source=source), stores,
                              names, source=source)  # fmt: skip
    return table, hourly
