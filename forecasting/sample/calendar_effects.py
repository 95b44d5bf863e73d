"""Seasons, holidays and weekdays in the sample store's demand.

Every function here is vectorised over days and returns multipliers of expected demand; the
simulation multiplies them together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.stores import WEEKDAYS, StoreConfig

WEEKLY: dict[str, np.ndarray] = {
    # Monday .. Sunday; Friday and Saturday carry the weekend shop.
    "default": np.array([0.88, 0.85, 0.90, 0.98, 1.20, 1.28, 0.91]),
    "weekend": np.array([0.65, 0.65, 0.72, 0.92, 1.58, 1.72, 0.76]),
}
WEEKLY = {name: profile / profile.mean() for name, profile in WEEKLY.items()}


def event_dates(holidays: pd.DataFrame, years: range) -> dict[str, np.ndarray]:
    """The day of each event that moves demand, for every year of the simulation.

    Parameters
    ----------
    holidays : pandas.DataFrame
        Finnish holidays from :func:`forecasting.calendar.holiday_table` covering ``years``.
    years : range
        Calendar years to cover (one more than the data, so that the next event is known).
    """

    def named(name: str) -> np.ndarray:
        return holidays.loc[holidays["holiday"].str.contains(name, regex=False), "date"].to_numpy(
            dtype="datetime64[D]"
        )

    def fixed(month: int, day: int) -> np.ndarray:
        return np.array([f"{year}-{month:02d}-{day:02d}" for year in years], dtype="datetime64[D]")

    easter = named("Easter Sunday")
    return {
        "christmas": fixed(12, 24),
        "midsummer": named("Midsummer Eve"),
        "easter": easter,
        "vappu": fixed(5, 1),
        "runeberg": fixed(2, 5),
        # Shrove Tuesday, when Finns eat laskiaispulla, is 47 days before Easter Sunday.
        "laskiainen": easter - np.timedelta64(47, "D"),
        "allsaints": named("All Saints' Day"),
    }


def days_until(days: np.ndarray, events: np.ndarray) -> np.ndarray:
    """Days from each day to the next event on or after it (a large number if none)."""
    events = np.sort(events)
    index = np.searchsorted(events, days, side="left")
    ahead = np.append(events, np.datetime64("2999-12-31"))[index]
    return (ahead - days).astype("timedelta64[D]").astype(np.int64)


# Shape of the lift before each event, by days until it: 1 on the day, fading with distance.
EVENTS = {
    "christmas": (53, lambda du: np.exp(-du / 4.0) + 0.25 * np.exp(-du / 15.0)),
    # Midsummer shopping peaks the day before the Eve, when stores close early.
    "midsummer": (10, lambda du: np.exp(-np.abs(du - 1) / 2.0)),
    "easter": (28, lambda du: np.exp(-du / 5.0)),
    "vappu": (7, lambda du: np.exp(-du / 2.0)),
    "runeberg": (30, lambda du: np.exp(-du / 6.0)),
    "laskiainen": (14, lambda du: np.exp(-du / 3.0)),
    "allsaints": (7, lambda du: np.exp(-du / 2.0)),
}

# Products sold only before an event: (event, first day before it on sale).
_ONLY_BEFORE = {
    "christmas_only": ("christmas", 53),
    "easter_only": ("easter", 35),
    "vappu_only": ("vappu", 30),
    "runeberg_only": ("runeberg", 30),
    "laskiainen_only": ("laskiainen", 21),
}
# Products in season between two days of the year (month, day), and their level out of season.
_WINDOWS = {
    "berry": ((6, 20), (8, 31), 0.12),
    "new_potato": ((6, 5), (8, 31), 0.0),
    "crayfish": ((7, 21), (9, 30), 0.0),
    "chanterelle": ((8, 1), (10, 15), 0.0),
}
SEASONS = ("flat", "summer", "winter", *_ONLY_BEFORE, *_WINDOWS)


def season_factor(season: str, dates: pd.DatetimeIndex, until: dict[str, np.ndarray]) -> np.ndarray:
    """Annual profile of a product: 1 at the height of its season.

    Parameters
    ----------
    season : str
        One of :data:`SEASONS`.
    dates : pandas.DatetimeIndex
        The simulated days.
    until : dict of str to numpy.ndarray
        Days until each event, per day (from :func:`days_until`).
    """
    doy = dates.day_of_year.to_numpy()
    if season == "flat":
        return np.ones(len(dates))
    if season == "summer":  # peak in mid-July
        return np.exp(0.5 * (np.cos(2 * np.pi * (doy - 196) / 365.25) - 1))
    if season == "winter":  # peak in mid-January
        return np.exp(0.3 * (np.cos(2 * np.pi * (doy - 15) / 365.25) - 1))
    if season in _ONLY_BEFORE:
        event, first = _ONLY_BEFORE[season]
        return (until[event] <= first).astype(float)
    if season in _WINDOWS:
        (m1, d1), (m2, d2), off = _WINDOWS[season]
        month_day = dates.month.to_numpy() * 100 + dates.day.to_numpy()
        inside = (month_day >= m1 * 100 + d1) & (month_day <= m2 * 100 + d2)
        return np.where(inside, 1.0, off)
    raise ValueError(f"unknown season {season!r}")


def event_factor(events: str, until: dict[str, np.ndarray]) -> np.ndarray:
    """Lift of a product before its events, from ``"christmas:6 midsummer:2"``."""
    factor = np.ones(len(next(iter(until.values()))))
    for item in events.split():
        event, strength = item.split(":")
        horizon, shape = EVENTS[event]
        du = until[event]
        factor += float(strength) * np.where(du <= horizon, shape(np.minimum(du, horizon)), 0.0)
    return factor


def store_day_factor(
    config: StoreConfig, hours: pd.DataFrame, until: dict[str, np.ndarray]
) -> np.ndarray:
    """Traffic of a store per day, before weekday and noise: 0 when closed.

    The day before a closed day brings a rush (x1.25), the days before Christmas more, and a
    short day (Christmas Eve until 13:00) loses part of its trade.
    """
    regular = np.array(
        [
            (h[1] - h[0]) if (h := config.hours.get(day)) else 0
            for day in WEEKDAYS
        ],
        dtype=float,
    )
    weekday_minutes = regular[hours.index.day_of_week]
    open_minutes = (hours["close_min"] - hours["open_min"]).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(weekday_minutes > 0, open_minutes / weekday_minutes, 1.0)
    factor = np.where(hours["is_open"].to_numpy(), np.clip(share, 0.2, 1.5) ** 0.7, 0.0)
    closed = ~hours["is_open"].to_numpy()
    before_closed = np.append(closed[1:], False) & ~closed
    factor = factor * np.where(before_closed, 1.25, 1.0)
    du = until["christmas"]
    factor = factor * (1 + 0.5 * np.where((du >= 1) & (du <= 10), np.exp(-du / 3.0), 0.0))
    return factor
