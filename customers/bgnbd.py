"""The BG/NBD model of repeat purchases and drop-out (Fader, Hardie and Lee 2005).

While alive, a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each repeat
purchase they drop out for good with probability p ~ Beta(a, b). A customer who made no repeat
purchase has therefore not had a chance to drop out: their P(alive) is 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from customers.checks import MIN_CUSTOMERS, check_summary
from customers.errors import NotFittedError, ParameterError
from customers.optimise import maximise

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

NAMES = ("r", "alpha", "a", "b")


def log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                   weights: np.ndarray | None = None) -> float:
    """The BG/NBD log-likelihood of customers (x, t_x, T) at ``params = (r, alpha, a, b)``.

    ``ln L = A1 + A2 + ln(exp(A3) + [x > 0] exp(A4))`` with ``A1 = lnΓ(r+x) - lnΓ(r) + r ln α``,
    ``A2 = ln B(a, b+x) - ln B(a, b)``, ``A3 = -(r+x) ln(α+T)`` and
    ``A4 = ln B(a+1, b+x-1) - ln B(a, b+x) - (r+x) ln(α+t_x)``, summed in log space
    (:func:`numpy.logaddexp`) so that neither term under- or overflows.
    """
    import numpy as np
    from scipy.special import betaln, gammaln

    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    # b + x - 1 <= 0 only where x = 0, where the term is absent; keep betaln's argument valid.
    a4 = np.where(
        repeat,
        betaln(a + 1, np.where(repeat, b + x - 1, 1.0)) - betaln(a, b + x)
        - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    per_customer = a1 + a2 + np.logaddexp(a3, a4)
    return float(np.sum(per_customer if weights is None else weights * per_customer))


def _collapse(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, ...]:
    """Identical (x, t_x, T) rows once, with their counts: the likelihood is a sum over rows."""
    import numpy as np

    rows, counts = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    return rows[:, 0], rows[:, 1], rows[:, 2], counts.astype(float)


class BetaGeoModel:
    """The BG/NBD model: how many repeat purchases, and is the customer still alive.

    Parameters
    ----------
    min_customers : int
        Fewer customers raise :class:`~customers.TooFewCustomersError` in :meth:`fit`.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha`` (purchase rate: Gamma shape and rate, in the summary's time unit),
        ``a``, ``b`` (drop-out probability: Beta).
    log_likelihood_ : float
        The maximised log-likelihood.
    n_customers_ : int
        Customers fitted on.
    n_iterations_ : int
        Optimiser iterations.

    Examples
    --------
    >>> from customers import BetaGeoModel, simulate_customers
    >>> summary = simulate_customers(2000, r=0.25, alpha=4.0, a=0.8, b=2.5, T=39.0, seed=1)
    >>> model = BetaGeoModel().fit(summary)
    >>> sorted(model.params_)
    ['a', 'alpha', 'b', 'r']
    """

    def __init__(self, *, min_customers: int = MIN_CUSTOMERS) -> None:
        self.min_customers = min_customers

    def fit(self, summary: pd.DataFrame) -> BetaGeoModel:
        """Fit by maximum likelihood on a summary with ``frequency``, ``recency`` and ``T``.

        Raises
        ------
        SchemaError, TooFewCustomersError
            From the checks of the summary (NaN, negative frequency, recency above T, T <= 0).
        FitError
            The fit did not converge or ran off to a degenerate point.
        """
        import numpy as np

        x, t_x, T = check_summary(summary, min_customers=self.min_customers)
        xs, ts, Ts, weights = _collapse(x, t_x, T)
        # Start where the rate matches the mean purchase rate and drop-out is moderate.
        rate = max(float(np.sum(x) / np.sum(T)), 1e-6)
        start = np.log([1.0, 1.0 / rate, 1.0, 1.0])
        params, value, iterations = maximise(
            lambda theta: log_likelihood(np.exp(theta), xs, ts, Ts, weights),
            start, names=NAMES, model="BG/NBD",
        )
        self.params_ = dict(zip(NAMES, (float(v) for v in params)))
        self.log_likelihood_ = value
        self.n_customers_ = len(x)
        self.n_iterations_ = iterations
        return self

    def _params(self) -> tuple[float, float, float, float]:
        if not hasattr(self, "params_"):
            raise NotFittedError("the BG/NBD model is not fitted", fix="Call fit(summary) first")
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    def _log_odds_dead(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """ln of [x > 0] a/(b+x-1) ((α+T)/(α+t_x))^(r+x); -inf where x = 0."""
        import numpy as np

        r, alpha, a, b = self._params()
        repeat = x > 0
        odds = (np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0))
                + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x)))
        return np.where(repeat, odds, -np.inf)

    def p_alive(self, summary: pd.DataFrame) -> np.ndarray:
        """P(alive at T | x, t_x, T) per customer: 1 / (1 + [x>0] a/(b+x-1) ((α+T)/(α+t_x))^(r+x)).

        Customers with no repeat purchase get exactly 1 (they have had no chance to drop out).
        """
        from scipy.special import expit

        x, t_x, T = check_summary(summary, min_customers=0)
        return expit(-self._log_odds_dead(x, t_x, T))

    def expected_purchases(self, t: float, summary: pd.DataFrame) -> np.ndarray:
        """Expected repeat purchases of each customer in the next ``t`` periods, given their
        history (x, t_x, T) (FHL 2005, equation 10).

        ``(a+b+x-1)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))]``
        divided by ``1 + [x>0] a/(b+x-1) ((α+T)/(α+t_x))^(r+x)``. The hypergeometric term is
        computed through Euler's transformation, ``((α+T)/(α+T+t))^(a-1)
        2F1(a+b-1-r, a-1; a+b+x-1; z)``, whose parameters stay small for heavy buyers (the
        direct form overflows there). Customers whose P(alive) underflows to 0 expect 0.
        """
        import numpy as np
        from scipy.special import expit

        t = _horizon(t)
        r, alpha, a, b = self._params()
        a = _off_one(a)
        x, t_x, T = check_summary(summary, min_customers=0)
        z = t / (alpha + T + t)
        shrink = np.exp((a - 1) * (np.log(alpha + T) - np.log(alpha + T + t)))
        head = (a + b + x - 1) / (a - 1) * (1 - shrink * _hyp2f1(a + b - 1 - r, a - 1,
                                                                a + b + x - 1, z))
        alive = expit(-self._log_odds_dead(x, t_x, T))
        with np.errstate(invalid="ignore"):
            return np.where(alive > 0, head * alive, 0.0)

    def expected_purchases_new(self, t: float | np.ndarray) -> np.ndarray | float:
        """Expected repeat purchases in the first ``t`` periods of a new customer (FHL 2005,
        equation 9): ``(a+b-1)/(a-1) [1 - (α/(α+t))^r 2F1(r, b; a+b-1; t/(α+t))]``."""
        import numpy as np

        r, alpha, a, b = self._params()
        a = _off_one(a)
        t_arr = np.asarray(t, dtype=float)
        if np.any(t_arr < 0) or not np.all(np.isfinite(t_arr)):
            raise ParameterError(f"`t={t!r}` must be finite and non-negative")
        # Euler's transformation of 2F1(r, b; a+b-1; z), as in expected_purchases.
        value = (a + b - 1) / (a - 1) * (
            1 - (alpha / (alpha + t_arr)) ** (a - 1)
            * _hyp2f1(a + b - 1 - r, a - 1, a + b - 1, t_arr / (alpha + t_arr)))
        return float(value) if value.ndim == 0 else value

    def __repr__(self) -> str:
        fitted = getattr(self, "params_", None)
        inside = ", ".join(f"{k}={v:.4g}" for k, v in fitted.items()) if fitted else "unfitted"
        return f"BetaGeoModel({inside})"


def _horizon(t: Any) -> float:
    """A horizon in periods: finite and non-negative."""
    import math

    try:
        value = float(t)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ParameterError(f"`t={t!r}` is not a non-negative number of periods")
    return value


def _off_one(a: float) -> float:
    """``a`` nudged off 1, where the expectations' factor 1/(a-1) has a removable singularity
    (the bracket it multiplies is 0 there too)."""
    return a if abs(a - 1) > 1e-7 else 1 + 1e-7


def _hyp2f1(a: Any, b: Any, c: Any, z: Any) -> np.ndarray:
    """Gauss's 2F1, with scipy's ``inf`` for integer ``c - a - b`` and z > 0.9 (scipy 1.17
    returns ``hyp2f1(1, 1, 101, 0.95) = inf``) replaced by the value at ``c`` moved by 1e-9
    relative, which is continuous there."""
    import numpy as np
    from scipy.special import hyp2f1

    a, b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, c, z)))
    value = np.asarray(hyp2f1(a, b, c, z), dtype=float)
    bad = ~np.isfinite(value)
    if bad.any():
        value = value.copy()
        value[bad] = hyp2f1(a[bad], b[bad], c[bad] * (1 - 1e-9), z[bad])
    return value
