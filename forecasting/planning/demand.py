"""Demand as a distribution: daily means and variances from a forecast table, and the
distribution of demand summed over several days.

A forecast table gives each day's point forecast and 80% interval. Planning needs the mean and
variance of each day's demand, and then the distribution of the *sum* over the days an order
must cover: summing daily quantiles would overstate it (the 95th percentile of a week is far
below seven daily 95th percentiles). Each day's mean and variance come from
:func:`forecasting.moments.daily_moments` (Swanson's rule and the interval's width). Days are
taken as independent, so means and variances add. The sum is then a negative binomial with that mean and variance (a Poisson
when the variance is not above the mean): whole units, never negative, skewed for slow movers
and close to normal for fast ones. ``distribution="normal"`` is there for textbook checks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.errors import ParameterError, SchemaError
from forecasting.moments import (  # re-exported: planning, the CLI and examples import them here
    MEAN_MODELS,
    Z90,
    daily_moments,
)
from forecasting.stores import limit_problem

DISTRIBUTIONS = ("negbin", "normal")
TINY = 1e-9
"""Mean demand below this is no demand."""
SUM_LIMIT = 5000
"""Above this many units, :func:`expected_leftover` uses the normal approximation."""


def require_daily(table: pd.DataFrame, source: str = "<forecast>") -> None:
    """Raise :class:`SchemaError` unless each store and sku's dates are consecutive days."""
    ordered = table.sort_values(["store", "sku", "date"])
    step = ordered.groupby(["store", "sku"])["date"].diff().dropna()
    bad = step != pd.Timedelta(days=1)
    if bad.any():
        at = step[bad].index[0]
        row = ordered.loc[at]
        kind = "weekly" if step[bad].iloc[0] == pd.Timedelta(days=7) else "gapped"
        raise SchemaError(f"plans need a daily forecast, this one is {kind}", source=source,
                          where=f"{row['store']} {row['sku']} jumps to {row['date']:%Y-%m-%d}",
                          fix="Forecast daily sales (`freq='D'`) and "
                          "keep every row")  # fmt: skip


def check_level(level: float, *, where: str = "`service_level`") -> float:
    """Raise :class:`ParameterError` unless ``level`` is a service level in (0, 0.999] (see
    :data:`forecasting.stores.LIMITS`)."""
    problem = limit_problem("service_level", level)
    if problem is not None:
        raise ParameterError(problem.replace("service_level =", "service level", 1), where=where,
                             fix="Give it as a fraction, e.g. `service_level=0.95`")  # fmt: skip
    return float(level)


def quantile(mean: np.ndarray, var: np.ndarray, p: np.ndarray | float,
             distribution: str = "negbin") -> np.ndarray:  # fmt: skip
    """The ``p`` quantile of demand with the given mean and variance.

    Parameters
    ----------
    mean, var : numpy.ndarray
        Mean and variance of the summed demand.
    p : float or numpy.ndarray
        Probabilities in (0, 1).
    distribution : {"negbin", "normal"}
        Negative binomial (Poisson when ``var <= mean``), whole units; or normal.

    Returns
    -------
    numpy.ndarray
        Quantiles, at least one-dimensional, never negative (0 where the mean is 0).
    """
    from scipy import stats

    mean, var, p = (np.atleast_1d(a) for a in np.broadcast_arrays(
        np.asarray(mean, float), np.asarray(var, float), np.asarray(p, float)))  # fmt: skip
    if distribution == "normal":
        return np.maximum(stats.norm.ppf(p, mean, np.sqrt(var)), 0.0)
    _check(distribution)
    out = np.zeros(mean.shape)
    poisson, negbin, n, q = _counts(mean, var)
    out[poisson] = stats.poisson.ppf(p[poisson], mean[poisson])
    out[negbin] = stats.nbinom.ppf(p[negbin], n, q)
    return out


def cdf(x: np.ndarray, mean: np.ndarray, var: np.ndarray, distribution: str = "negbin"
        ) -> np.ndarray:  # fmt: skip
    """P(demand <= x) for demand with the given mean and variance (see :func:`quantile`)."""
    from scipy import stats

    x, mean, var = _arrays(x, mean, var)
    if distribution == "normal":
        return stats.norm.cdf((x - mean) / np.maximum(np.sqrt(var), 1e-12))
    _check(distribution)
    out = np.where(x >= 0, 1.0, 0.0)
    poisson, negbin, n, q = _counts(mean, var)
    out[poisson] = stats.poisson.cdf(np.floor(x[poisson]), mean[poisson])
    out[negbin] = stats.nbinom.cdf(np.floor(x[negbin]), n, q)
    return out


def expected_leftover(x: np.ndarray, mean: np.ndarray, var: np.ndarray,
                      distribution: str = "negbin") -> np.ndarray:  # fmt: skip
    """E[max(x - demand, 0)]: the units of a stock ``x`` that demand does not take.

    For whole-unit demand it is the sum of P(demand <= k) over k = 0 .. x - 1.
    """
    from scipy import stats

    x, mean, var = _arrays(x, mean, var)
    if distribution == "normal":
        sd = np.maximum(np.sqrt(var), 1e-12)
        z = (x - mean) / sd
        return np.maximum((x - mean) * stats.norm.cdf(z) + sd * stats.norm.pdf(z), 0.0)
    _check(distribution)
    out = np.zeros(x.shape)
    big = x > SUM_LIMIT  # thousands of units: the normal is as good, and a sum would be slow
    if big.any():
        out[big] = expected_leftover(x[big], mean[big], var[big], "normal")
    for i in np.flatnonzero((x > 0) & ~big):
        k = np.arange(int(np.floor(x[i])))
        out[i] = np.sum(cdf(k, mean[i], var[i])) + (x[i] - np.floor(x[i])) * (
            cdf(np.floor(x[i]), mean[i], var[i])[0]
        )
    return out


def _arrays(*values: object) -> list[np.ndarray]:
    """At least one-dimensional float arrays of a common shape (copies, safe to write)."""
    arrays = np.broadcast_arrays(*(np.asarray(a, float) for a in values))
    return [np.atleast_1d(a).copy() for a in arrays]


def _counts(mean: np.ndarray, var: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Which demands are Poisson (variance not above the mean) and which negative binomial,
    with scipy's ``nbinom(n, p)`` parameters of the latter; no demand is neither."""
    poisson = (mean > TINY) & (var <= mean * (1 + 1e-9))
    negbin = (mean > TINY) & ~poisson
    m, v = mean[negbin], var[negbin]
    return poisson, negbin, m**2 / (v - m), m / v


def _check(distribution: str) -> None:
    if distribution not in DISTRIBUTIONS:
        raise ParameterError(f"unknown demand distribution {distribution!r}",
                             fix=f"Use one of {', '.join(DISTRIBUTIONS)}")  # fmt: skip
