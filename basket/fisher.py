"""One-sided Fisher exact test, vectorised: the upper tail of the hypergeometric distribution.

The tail is summed from the observed count outwards, each term from the previous one by the
pmf's ratio, so only the terms that matter are computed; past the mean the lower tail is summed
instead. The first term comes from Loader's saddle-point form of the pmf (see ``_log_pmf``).

Why not ``scipy.stats.hypergeom.sf``: on 50,000 rules (``benchmarks/bench_fisher.py``, scipy
1.17) it takes 36x as long at Groceries' 9,835 receipts, where Boost computes every pmf by
prime factorisation (it does so up to 104,723 receipts), and 1.4-3x as long at 200,000 and
1,000,000 receipts, both for near-null rules (a hundred terms and more to sum) and strong ones.
Its p-values agree with these to 3e-10 (relative; both within 1e-9 of exact rational sums).
And ``scipy.stats`` takes half a second to import, which ``kori rules`` then never pays.
"""

from __future__ import annotations

import math

import numpy as np

_TINY = 1e-17  # a term this small next to the running sum no longer changes it
_LOG_2PI = float(np.log(2 * np.pi))
_S0, _S1, _S2, _S3, _S4 = 1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188  # Stirling's series
# Stirling's error for n = 0 (unused) to 15, where the series is not yet accurate.
_STIRLERR_SMALL = np.array(
    [0.0]
    + [math.lgamma(n + 1) - (n + 0.5) * math.log(n) + n - 0.5 * _LOG_2PI for n in range(1, 16)]
)


def upper_tail(k: np.ndarray, population: np.ndarray, successes: np.ndarray,
               draws: np.ndarray) -> np.ndarray:  # fmt: skip
    """P(X >= k) for X hypergeometric: ``draws`` taken from ``population`` holding ``successes``.

    In rule terms: the chance that at least ``k`` of the ``draws`` receipts with the
    antecedent hold the consequent, held by ``successes`` of all ``population`` receipts, if
    the two were independent. All arguments broadcast; the result is in [0, 1].

    Examples
    --------
    >>> float(upper_tail(np.array(3), np.array(10), np.array(4), np.array(5)).round(6))
    0.261905
    """
    k, n_pop, n_succ, n_draw = (np.asarray(v, dtype=float) for v in
                                np.broadcast_arrays(k, population, successes, draws))  # fmt: skip
    low = np.maximum(0.0, n_draw + n_succ - n_pop)
    high = np.minimum(n_draw, n_succ)
    k = np.clip(k, low, high + 1)
    fails = n_pop - n_succ

    upper = k > n_draw * n_succ / np.maximum(n_pop, 1)
    result = np.ones(k.shape)
    # Upper side: sum pmf(k), pmf(k + 1), ... while it matters.
    if upper.any():
        x, a, b = k[upper], n_succ[upper], n_draw[upper]
        term = np.exp(_log_pmf(x, n_pop[upper], a, b))
        result[upper] = _sum_terms(term, x, high[upper], 1.0, a, b, fails[upper] - b + 1)
    # Lower side: 1 - (pmf(k - 1) + pmf(k - 2) + ...).
    lower = ~upper & (k - 1 >= low)
    if lower.any():
        x, a, b = k[lower] - 1, n_succ[lower], n_draw[lower]
        term = np.exp(_log_pmf(x, n_pop[lower], a, b))
        result[lower] = 1.0 - _sum_terms(term, x, low[lower], -1.0, a, b, fails[lower] - b)
    return np.clip(result, 0.0, 1.0)


def _sum_terms(term: np.ndarray, x: np.ndarray, end: np.ndarray, step: float, a: np.ndarray,
               b: np.ndarray, d: np.ndarray) -> np.ndarray:  # fmt: skip
    """pmf(x) + pmf(x + step) + ... up to ``end`` or until the terms stop counting.

    Each term comes from the previous by the pmf's ratio, upwards
    ``(a - x)(b - x) / ((x + 1)(d + x))`` with ``d = fails - b + 1``, downwards
    ``x (d + x) / ((a - x + 1)(b - x + 1))`` with ``d = fails - b``. The rules still summing
    are packed into short arrays whenever some finish: indexing the full arrays on every step
    made near-null rules at a million receipts (a hundred steps and more) 2-3x slower than
    ``scipy.stats.hypergeom.sf``; packed, they are faster (``benchmarks/bench_fisher.py``).
    """
    total = term.copy()
    live = np.flatnonzero((x != end) & (term > 0))
    tot, term, x, end, a, b, d = (v[live] for v in (total, term, x, end, a, b, d))
    while live.size:
        if step > 0:
            term *= (a - x) * (b - x) / ((x + 1) * (d + x))
        else:
            term *= x * (d + x) / ((a - x + 1) * (b - x + 1))
        x += step
        tot += term
        done = (x == end) | (term <= _TINY * tot)
        if done.any():
            total[live[done]] = tot[done]
            keep = ~done
            live, tot, term, x, end, a, b, d = (v[keep] for v in (live, tot, term, x, end, a, b, d))
    return total


def _log_pmf(x: np.ndarray, n_pop: np.ndarray, n_succ: np.ndarray,
             n_draw: np.ndarray) -> np.ndarray:  # fmt: skip
    """log P(X = x), -inf off the support.

    As R's ``dhyper`` (Loader, "Fast and accurate computation of binomial probabilities",
    2000): the pmf is a ratio of binomial pmfs at ``p = n_draw / n_pop``, each from Stirling's
    series and the deviance ``bd0``, whose terms are the size of the deviation from the mean.
    ``log C(n, k)`` from ``gammaln`` instead subtracts numbers near ``n log n`` (1.4e7 at a
    million receipts) whose rounding alone put the p-values 3e-9 off (relative) there, against
    about 1e-10 this way (checked against exact rational sums).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p = n_draw / n_pop
        q = (n_pop - n_draw) / n_pop
        # The binomial pmf of n_draw at its own mean: both deviances are 0.
        whole = (_stirlerr(n_pop) - _stirlerr(n_draw) - _stirlerr(n_pop - n_draw)
                 - 0.5 * (_LOG_2PI + np.log(n_draw) + np.log1p(-p)))  # fmt: skip
        log_pmf = _log_binom(x, n_succ, p, q) + _log_binom(n_draw - x, n_pop - n_succ, p, q) - whole
        # No draws or all of them: the count is certain.
        point = np.where(x == np.maximum(0.0, n_draw + n_succ - n_pop), 0.0, -np.inf)
    return np.where((n_draw > 0) & (n_draw < n_pop), log_pmf, point)


def _log_binom(x: np.ndarray, n: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """log of the binomial pmf ``C(n, x) p^x q^(n - x)``, with ``0 < p = 1 - q < 1``."""
    log_p = np.where(p < 0.5, np.log(p), np.log1p(-q))
    log_q = np.where(p < 0.5, np.log1p(-p), np.log(q))
    inner = (_stirlerr(n) - _stirlerr(x) - _stirlerr(n - x) - _bd0(x, n * p) - _bd0(n - x, n * q)
             - 0.5 * (_LOG_2PI + np.log(x) + np.log1p(-x / n)))  # fmt: skip
    return np.select([(x < 0) | (x > n), x == 0, x == n], [-np.inf, n * log_q, n * log_p], inner)


def _stirlerr(n: np.ndarray) -> np.ndarray:
    """``log n! - log(sqrt(2 pi n) (n / e)^n)`` for whole ``n >= 1``: Stirling's formula's error."""
    nn = n * n
    series = (_S0 - (_S1 - (_S2 - (_S3 - _S4 / nn) / nn) / nn) / nn) / n
    return np.where(n > 15, series, _STIRLERR_SMALL[np.clip(n, 0, 15).astype(np.intp)])


def _bd0(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The deviance term ``x log(x / m) + m - x``, by its series when ``x`` is near ``m``."""
    d = x - m
    v = d / (x + m)
    v2 = v * v
    # |v| < 0.1 there: the 10th term is under 1e-18 of the first.
    tail = 1 / 19
    for j in range(8, 0, -1):
        tail = 1 / (2 * j + 1) + v2 * tail
    series = d * v + 2 * x * v * v2 * tail
    return np.where(np.abs(d) < 0.1 * (x + m), series, x * np.log(x / m) + m - x)
