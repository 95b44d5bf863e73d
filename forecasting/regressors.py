"""What the models know about each day besides past sales: calendar events and weather.

One :class:`Design` per store covers the history and the forecast days. Calendar columns are
one indicator per event and day of its window (``Christmas Eve-3`` is three days before
Christmas Eve); weekly data gets them bucketed into its weeks, with the week before each
holiday's week as its own column (the shopping week). Weather beyond the weather file's last day
is the store's climatology (the historical mean of that day of the year), and the design says
which days those were.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.errors import SchemaError

WEATHER_COLUMNS = ("temperature_c", "precipitation_mm")


@dataclass(frozen=True)
class Design:
    """Regressors of one store over the history and the forecast days.

    Attributes
    ----------
    dates : pandas.DatetimeIndex
        History then forecast periods.
    calendar : pandas.DataFrame
        Event indicators indexed by ``dates`` (may have no columns).
    weather : pandas.DataFrame or None
        ``temperature_c`` and, when known, ``precipitation_mm``, indexed by ``dates``.
    climatology : numpy.ndarray
        Whether each period's weather is the store's climatology rather than the file's.
    weather_filled : int
        History periods without weather that were interpolated.
    events : pandas.DataFrame
        The event days of this store behind ``calendar`` (``date, event, offset, event_date,
        source, store``).
    """

    dates: pd.DatetimeIndex
    calendar: pd.DataFrame
    weather: pd.DataFrame | None
    climatology: np.ndarray
    weather_filled: int
    events: pd.DataFrame


def calendar_columns(events: pd.DataFrame, dates: pd.DatetimeIndex, freq: str) -> pd.DataFrame:
    """Indicator columns of event days (daily) or event weeks (weekly).

    Parameters
    ----------
    events : pandas.DataFrame
        From :func:`forecasting.events.calendar_events`.
    dates : pandas.DatetimeIndex
        The periods of the data; weekly periods are labelled by their last day.
    freq : str
        ``"D"`` or a weekly alias (``"W-FRI"``).
    """
    if len(events) == 0:
        return pd.DataFrame(index=dates)
    if freq == "D":
        names = events["event"] + events["offset"].map("{:+d}".format)
        rows = dates.get_indexer(events["date"])
    else:
        week = events["date"].dt.to_period(freq)
        event_week = events["event_date"].dt.to_period(freq)
        offset = (week - event_week).map(lambda d: d.n)
        frame = pd.DataFrame({"event": events["event"], "offset": offset,
                              "event_date": events["event_date"], "week": week})  # fmt: skip
        first = frame.groupby(["event", "event_date"])["offset"].transform("min")
        before = frame[frame["offset"] == first].drop_duplicates(["event", "event_date"]).copy()
        before["offset"] -= 1
        before["week"] = before["week"] - 1
        frame = pd.concat([frame, before]).drop_duplicates(["event", "event_date", "offset"])
        names = frame["event"] + frame["offset"].map("{:+d}w".format)
        rows = dates.get_indexer(frame["week"].dt.end_time.dt.normalize())
    keep = rows >= 0
    columns = sorted(set(names[keep]))
    out = np.zeros((len(dates), len(columns)))
    out[rows[keep], pd.Index(columns).get_indexer(names[keep])] = 1.0
    return pd.DataFrame(out, index=dates, columns=columns)


def weather_columns(
    weather: pd.DataFrame,
    store: str,
    dates: pd.DatetimeIndex,
    freq: str,
    history_end: pd.Timestamp,
    *,
    temperature_offset: float = 0.0,
    source: str = "<weather>",
) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Temperature and precipitation of one store for every period.

    Parameters
    ----------
    weather : pandas.DataFrame
        ``date, store, temperature_c`` and optional ``precipitation_mm`` (parsed).
    store : str
        Store code.
    dates : pandas.DatetimeIndex
        History and forecast periods.
    freq : str
        ``"D"`` or weekly; daily weather is averaged into the weeks of weekly data.
    history_end : pandas.Timestamp
        Last period of the history; ``temperature_offset`` shifts the periods after it.
    temperature_offset : float
        Degrees added to the future temperature (a what-if).

    Returns
    -------
    (pandas.DataFrame, numpy.ndarray, int)
        The columns indexed by ``dates``; which periods used the climatology; how many history
        periods were interpolated.

    Raises
    ------
    SchemaError
        If the store has no weather rows, or none over the history.
    """
    rows = weather[weather["store"].astype(str) == store]
    if len(rows) == 0:
        raise SchemaError(
            f"no weather rows for store {store!r}",
            source=source,
            where=f"stores in the file: {', '.join(sorted(map(str, weather['store'].unique())))}",
            fix="Add the store's weather, or leave out `weather`",
        )
    columns = [c for c in WEATHER_COLUMNS if c in rows.columns and rows[c].notna().any()]
    table = rows.set_index("date")[columns].sort_index()
    if freq != "D" and not table.index.isin(dates).all():
        table = table.groupby(table.index.to_period(freq).end_time.normalize()).mean()
    known = table.reindex(dates)
    history = dates <= history_end
    if known.loc[history].notna().sum().min() == 0:
        raise SchemaError(
            f"the weather of store {store!r} does not cover the sales history",
            source=source,
            where=f"weather {table.index.min():%Y-%m-%d} to {table.index.max():%Y-%m-%d}",
            fix="Give observed weather for the history period",
        )
    past = known.loc[history]
    missing_past = past.isna().any(axis=1)
    filled_past = past.interpolate(limit_direction="both")
    climate = _climatology(table.loc[table.index <= history_end], dates, freq)
    future = known.loc[~history]
    use_climate = np.concatenate(
        [np.zeros(history.sum(), dtype=bool), future.isna().any(axis=1).to_numpy()]
    )
    future = future.fillna(climate.loc[~history])
    out = pd.concat([filled_past, future])
    out.loc[~history, "temperature_c"] += temperature_offset
    return out, use_climate, int(missing_past.sum())


def _climatology(table: pd.DataFrame, dates: pd.DatetimeIndex, freq: str) -> pd.DataFrame:
    """The mean weather of each day of the year (a week either side), or week of the year."""
    if freq == "D":
        season = np.minimum(table.index.day_of_year.to_numpy(), 365)
        means = table.groupby(season).mean().reindex(range(1, 366))
        wrapped = pd.concat([means.iloc[-7:], means, means.iloc[:7]])
        smooth = wrapped.rolling(15, center=True, min_periods=1).mean().iloc[7:-7]
        smooth = smooth.interpolate(limit_direction="both")
        return pd.DataFrame(smooth.loc[np.minimum(dates.day_of_year.to_numpy(), 365)].to_numpy(),
                            index=dates, columns=table.columns)  # fmt: skip
    week = table.index.isocalendar().week.clip(upper=52).to_numpy()
    means = table.groupby(week).mean().reindex(range(1, 53)).interpolate(limit_direction="both")
    wanted = dates.isocalendar().week.clip(upper=52).to_numpy()
    return pd.DataFrame(means.loc[wanted].to_numpy(), index=dates, columns=table.columns)


def base_features(dates: pd.DatetimeIndex, freq: str, start: pd.Timestamp,
                  *, yearly: int, weekly: bool) -> pd.DataFrame:  # fmt: skip
    """Trend, yearly Fourier terms and weekday indicators.

    Parameters
    ----------
    dates : pandas.DatetimeIndex
    freq : str
    start : pandas.Timestamp
        Origin of the trend (in years).
    yearly : int
        Pairs of sine and cosine terms of the yearly cycle (0 for none).
    weekly : bool
        Whether to add six weekday indicators (daily data).
    """
    years = ((dates - start).days / 365.25).to_numpy()
    columns: dict[str, np.ndarray] = {"trend": years}
    phase = 2 * np.pi * (dates.day_of_year.to_numpy() - 1) / 365.25
    for k in range(1, yearly + 1):
        columns[f"year_sin{k}"] = np.sin(k * phase)
        columns[f"year_cos{k}"] = np.cos(k * phase)
    if weekly and freq == "D":
        weekday = dates.day_of_week.to_numpy()
        for day in range(1, 7):
            columns[f"weekday{day}"] = (weekday == day).astype(float)
    return pd.DataFrame(columns, index=dates)


def store_designs(
    stores: list[str],
    dates: pd.DatetimeIndex,
    freq: str,
    history_end: pd.Timestamp,
    *,
    country: str = "FI",
    subdiv: str | None = None,
    events: pd.DataFrame | None = None,
    weather: pd.DataFrame | None = None,
    temperature_offset: float = 0.0,
    holidays: bool = True,
    weather_source: str = "<weather>",
) -> dict[str, Design]:
    """The :class:`Design` of each store.

    Parameters
    ----------
    stores : list of str
    dates : pandas.DatetimeIndex
        History and forecast periods.
    freq : str
    history_end : pandas.Timestamp
    country, subdiv : str
        Holiday calendar (see :func:`forecasting.events.calendar_events`).
    events : pandas.DataFrame, optional
        User events (see :func:`forecasting.events.read_events`). An event given for one store
        is in every store's calendar columns but zero outside that store, so all stores share
        the columns.
    weather : pandas.DataFrame, optional
        Parsed weather file; without it the designs have no weather.
    temperature_offset : float
        What-if shift of the future temperature, degrees.
    holidays : bool, default True
        False leaves out public holidays (user events stay), to measure what they add.

    Raises
    ------
    SchemaError
        If an event is given for a store not in ``stores``
        (:func:`forecasting.events.check_event_stores`), or the weather lacks a store.
    """
    from forecasting.events import calendar_events, check_event_stores

    if events is not None:
        check_event_stores(events, stores)
    first = dates[0] - pd.Timedelta(days=7)
    last = dates[-1] + pd.Timedelta(days=7)
    days = calendar_events(first.date(), last.date(), country=country, subdiv=subdiv,
                           events=events)  # fmt: skip
    if not holidays:
        days = days[days["source"] == "user"].reset_index(drop=True)
    chain = calendar_columns(days, dates, freq)
    local = days["store"] != ""
    designs = {}
    for store in stores:
        calendar, store_days = chain, days
        if local.any():
            store_days = days[~local | (days["store"] == store)].reset_index(drop=True)
            calendar = calendar_columns(store_days, dates, freq).reindex(
                columns=chain.columns, fill_value=0.0)
        if weather is not None:
            table, climate, filled = weather_columns(
                weather, store, dates, freq, history_end,
                temperature_offset=temperature_offset, source=weather_source,
            )  # fmt: skip
        else:
            table, climate, filled = None, np.zeros(len(dates), dtype=bool), 0
        designs[store] = Design(dates=dates, calendar=calendar, weather=table,
                                climatology=climate, weather_filled=filled,
                                events=store_days)  # fmt: skip
    return designs
