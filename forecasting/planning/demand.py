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

import itertools

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
CHUNK = 1 << 22
"""Values of P(demand <= k) that :func:`expected_leftover` holds at once (32 MiB)."""


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
        with np.errstate(invalid="ignore"):  # no spread (a closed day) gives NaN, not a warning
            return np.maximum(stats.norm.ppf(p, mean, np.sqrt(var)), 0.0)
    _check(distribution)
    out = np.zeros(mean.shape)
    poisson, negbin, n, q = _counts(mean, var)
    out[poisson] = _core_ppf(stats.poisson, p[poisson], mean[poisson])
    out[negbin] = _core_ppf(stats.nbinom, p[negbin], n, q)
    return out


def _core_ppf(distribution: object, p: np.ndarray, *shape: np.ndarray) -> np.ndarray:
    """``distribution.ppf(p, *shape)`` for ``0 < p < 1`` and valid shapes (as
    :func:`_counts` gives them): the same values from scipy's own core, without the public
    function's argument checks and broadcasting (a fifth of its time at a million lines)."""
    core = getattr(distribution, "_ppf", None)
    if core is None:  # another scipy: the public function
        return distribution.ppf(p, *shape)  # type: ignore[attr-defined]
    with np.errstate(over="ignore"):
        return np.asarray(core(p, *shape), dtype=float)


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
    out[poisson] = poisson_cdf(x[poisson], mean[poisson])
    out[negbin] = nbinom_cdf(x[negbin], n, q)
    return out


def poisson_cdf(x: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """``scipy.stats.poisson.cdf(x, mu)`` for ``mu > 0``: the same values, without its argument
    checks (a third of its time)."""
    from scipy import special

    k = np.floor(x)
    return np.where(k < 0, 0.0, special.pdtr(np.maximum(k, 0.0), mu))


def nbinom_cdf(x: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``scipy.stats.nbinom.cdf(x, n, p)`` for ``n > 0`` and ``0 < p < 1``: the same values
    (scipy's own core), without its argument checks (two thirds of its time)."""
    from scipy import stats

    k = np.floor(x)
    core = getattr(stats.nbinom, "_cdf", None)
    if core is None:  # another scipy: the public function
        return stats.nbinom.cdf(k, n, p)
    return np.where(k < 0, 0.0, core(np.maximum(k, 0.0), n, p))


def expected_leftover(x: np.ndarray, mean: np.ndarray, var: np.ndarray,
                      distribution: str = "negbin") -> np.ndarray:  # fmt: skip
    """E[max(x - demand, 0)]: the units of a stock ``x`` that demand does not take.

    For whole-unit demand it is the sum of P(demand <= k) over k = 0 .. x - 1 (plus the
    fraction of ``x`` times P(demand <= floor(x))), for all ``x`` at once.
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
    rows = np.flatnonzero((x > 0) & ~big)
    whole = np.floor(x[rows])
    counts = whole.astype(np.int64)
    # the P(demand <= k) of all rows in one array, in chunks of about CHUNK values
    bounds = _chunks(counts)
    for first, stop in itertools.pairwise(bounds):
        part, n = rows[first:stop], counts[first:stop]
        offsets = np.concatenate([[0], np.cumsum(n)[:-1]])
        owner = np.repeat(np.arange(len(part)), n)
        k = (np.arange(int(n.sum())) - np.repeat(offsets, n)).astype(float)
        values = _cdf_rows(k, owner, mean[part], var[part])
        sums = np.zeros(len(part))
        for length in np.unique(n[n > 0]):  # np.sum of each row, as summed one row at a time
            same = np.flatnonzero(n == length)
            sums[same] = values[offsets[same][:, None] + np.arange(length)].sum(axis=1)
        top = whole[first:stop]
        out[part] = sums + (x[part] - top) * cdf(top, mean[part], var[part])
    return out


def _cdf_rows(k: np.ndarray, owner: np.ndarray, mean: np.ndarray, var: np.ndarray
              ) -> np.ndarray:  # fmt: skip
    """:func:`cdf` of whole ``k >= 0``, each with the mean and variance of row ``owner``:
    the same values, with each row's parameters computed once."""
    poisson, negbin, n, q = _counts(mean, var)
    kind = np.zeros(len(mean), np.int8)
    kind[poisson], kind[negbin] = 1, 2
    size, prob = np.ones(len(mean)), np.ones(len(mean))
    size[negbin], prob[negbin] = n, q
    of = kind[owner]
    out = np.ones(len(k))  # no demand: P(0 <= k) = 1
    at = np.flatnonzero(of == 1)
    out[at] = poisson_cdf(k[at], mean[owner[at]])
    at = np.flatnonzero(of == 2)
    rows = owner[at]
    out[at] = nbinom_cdf(k[at], size[rows], prob[rows])
    return out


def _chunks(counts: np.ndarray) -> np.ndarray:
    """Boundaries of consecutive rows whose ``counts`` add up to about :data:`CHUNK` each."""
    if not len(counts):
        return np.zeros(1, np.int64)
    total = np.cumsum(counts)
    cuts = np.searchsorted(total, np.arange(CHUNK, int(total[-1]), CHUNK), side="right")
    return np.unique(np.concatenate([[0], cuts, [len(counts)]]))


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
