"""Daily weather of a Finnish town: temperature with persistent anomalies, and rain."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Climate:
    """Climate normals of a town.

    Attributes
    ----------
    mean_c : float
        Annual mean temperature, in degrees Celsius.
    amplitude_c : float
        Half the difference between the warmest and the coldest day of an average year.
    coldest_day : int
        Day of the year with the lowest normal temperature.
    anomaly_sd_c : float
        Standard deviation of the day-to-day departure from normal (larger in winter).
    persistence : float
        Lag-one autocorrelation of the departure (weather comes in spells).
    wet_day_share : float
        Share of days with rain or snow.
    wet_day_mm : float
        Mean precipitation on a wet day, in millimetres.
    """

    mean_c: float
    amplitude_c: float
    coldest_day: int = 22
    anomaly_sd_c: float = 3.0
    persistence: float = 0.8
    wet_day_share: float = 0.45
    wet_day_mm: float = 3.2


def simulate_weather(
    dates: pd.DatetimeIndex, climate: Climate, rng: np.random.Generator
) -> pd.DataFrame:
    """Simulate daily weather.

    Parameters
    ----------
    dates : pandas.DatetimeIndex
        Consecutive days.
    climate : Climate
        The town's normals.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``dates``: ``temperature_c`` (daily mean) and ``precipitation_mm``.
    """
    n = len(dates)
    doy = dates.day_of_year.to_numpy()
    phase = 2 * np.pi * (doy - climate.coldest_day) / 365.25
    normal = climate.mean_c - climate.amplitude_c * np.cos(phase)
    # Winter weather swings more than summer weather.
    sd = climate.anomaly_sd_c * (1 + 0.3 * np.cos(phase))
    shocks = rng.standard_normal(n) * np.sqrt(1 - climate.persistence**2)
    anomaly = np.empty(n)
    level = rng.standard_normal()
    for i in range(n):
        level = climate.persistence * level + shocks[i]
        anomaly[i] = level
    temperature = normal + sd * anomaly

    # Wet spells: a wet day is more often followed by another.
    p = climate.wet_day_share
    after_wet, after_dry = min(0.95, p + 0.2), max(0.05, p - 0.2 * p / (1 - p))
    draws = rng.random(n)
    wet = np.empty(n, dtype=bool)
    previous = draws[0] < p
    for i in range(n):
        previous = draws[i] < (after_wet if previous else after_dry)
        wet[i] = previous
    amounts = rng.gamma(0.8, climate.wet_day_mm / 0.8, size=n)
    precipitation = np.where(wet, amounts, 0.0)
    return pd.DataFrame(
        {"temperature_c": temperature, "precipitation_mm": precipitation}, index=dates
    )


def blur_forecast(
    weather: pd.DataFrame, issued: pd.Timestamp, rng: np.random.Generator
) -> pd.DataFrame:
    """Turn the weather after ``issued`` into a forecast: errors grow with lead time."""
    out = weather.copy()
    lead = np.asarray((out.index - issued).days, dtype=float)
    future = lead > 0
    n = int(future.sum())
    out.loc[future, "temperature_c"] += rng.standard_normal(n) * (0.6 + 0.25 * lead[future])
    rain = out.loc[future, "precipitation_mm"].to_numpy()
    blurred = rain * rng.lognormal(0.0, 0.15 * np.sqrt(lead[future]), n)
    out.loc[future, "precipitation_mm"] = blurred
    return out
