"""One-sided Fisher exact test, vectorised: the upper tail of the hypergeometric distribution.

``scipy.stats.hypergeom.sf`` is exact but slow for tens of thousands of rules over hundreds of
thousands of receipts, and ``scipy.stats`` takes most of a second to import. The tail is summed
here from the observed count outwards, each term from the previous one by the pmf's ratio, so
only the terms that matter are computed; past the mean the lower tail is summed instead.
"""

from __future__ import annotations

import numpy as np

_TINY = 1e-17  # a term this small next to the running sum no longer changes it


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
    from scipy.special import gammaln

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
        term = np.exp(_log_pmf(x, n_pop[upper], a, b, gammaln))
        result[upper] = _sum_terms(term, x, high[upper], 1.0, a, b, fails[upper] - b + 1)
    # Lower side: 1 - (pmf(k - 1) + pmf(k - 2) + ...).
    lower = ~upper & (k - 1 >= low)
    if lower.any():
        x, a, b = k[lower] - 1, n_succ[lower], n_draw[lower]
        term = np.exp(_log_pmf(x, n_pop[lower], a, b, gammaln))
        result[lower] = 1.0 - _sum_terms(term, x, low[lower], -1.0, a, b, fails[lower] - b)
    return np.clip(result, 0.0, 1.0)


def _sum_terms(term: np.ndarray, x: np.ndarray, end: np.ndarray, step: float, a: np.ndarray,
               b: np.ndarray, d: np.ndarray) -> np.ndarray:  # fmt: skip
    """pmf(x) + pmf(x + step) + ... up to ``end`` or until the terms stop counting.

    Each term comes from the previous by the pmf's ratio, upwards
    ``(a - x)(b - x) / ((x + 1)(d + x))`` with ``d = fails - b + 1``, downwards
    ``x (d + x) / ((a - x + 1)(b - x + 1))`` with ``d = fails - b``. The rules still summing
    are packed into short arrays whenever some finish: indexing the full arrays on every step
    made near-null rules at a million receipts (a hundred steps and more) 3-5x slower than
    ``scipy.stats.hypergeom.sf``; packed they are faster (``benchmarks/bench_fisher.py``).
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


def _log_pmf(x: np.ndarray, n_pop: np.ndarray, n_succ: np.ndarray, n_draw: np.ndarray,
             gammaln) -> np.ndarray:  # noqa: ANN001  # fmt: skip
    return (_log_choose(n_succ, x, gammaln) + _log_choose(n_pop - n_succ, n_draw - x, gammaln)
            - _log_choose(n_pop, n_draw, gammaln))  # fmt: skip


def _log_choose(n: np.ndarray, k: np.ndarray, gammaln) -> np.ndarray:  # noqa: ANN001
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
