"""Each day's demand as a mean and a variance, read from a forecast table's point forecast and
80% interval.

The mean is Swanson's rule ``0.3 P10 + 0.4 P50 + 0.3 P90`` (exact for symmetric forecasts, close
for the right-skewed log-normal and negative binomial ones, whose median understates the mean),
the standard deviation ``(P90 - P10) / 2.563`` (exact for a normal). The forecasting side (store
traffic, rolling forecasts) and planning (:mod:`forecasting.planning.demand`) both read demand
this way, so it lives below both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

Z90 = 1.2815515655446004
"""The standard normal's 90th percentile."""

MEAN_MODELS = ("slow",)
"""Models whose point forecast is the mean (a count model), not the median."""


def daily_moments(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``mean`` and ``var`` of each day's demand to a forecast table.

    Parameters
    ----------
    table : pandas.DataFrame
        With numeric columns ``forecast`` (the median), ``lo80`` and ``hi80``, and optionally
        ``model``. For a model of :data:`MEAN_MODELS` the forecast is the mean itself, and the
        variance is at least the mean (a Poisson's): the whole-unit interval of a slow mover,
        often 0 to 0, says little about its spread.

    Returns
    -------
    pandas.DataFrame
        A copy with ``mean`` and ``var`` (both 0 on closed days).
    """
    lo = table["lo80"].to_numpy(dtype=float)
    mid = table["forecast"].to_numpy(dtype=float)
    hi = np.maximum(table["hi80"].to_numpy(dtype=float), lo)
    mean = np.maximum(0.3 * lo + 0.4 * mid + 0.3 * hi, 0.0)
    var = ((hi - lo) / (2 * Z90)) ** 2
    if "model" in table.columns:
        counts = table["model"].isin(MEAN_MODELS).to_numpy()
        mean = np.where(counts, mid, mean)
        var = np.where(counts, np.maximum(var, mid), var)
    out = table.copy()
    out["mean"] = mean
    out["var"] = var
    return out
