"""The Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee 2005b).

A customer's purchase amounts are Gamma(p, nu) around their own mean p / nu, and nu varies
across customers as Gamma(q, gamma). Fitted on the customers with at least one repeat purchase
(x > 0) from their mean repeat spend zbar; it assumes spend is independent of how often they buy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from customers.checks import MIN_CUSTOMERS, check_summary
from customers.errors import NotFittedError, SchemaError, TooFewCustomersError
from customers.optimise import maximise

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

NAMES = ("p", "q", "gamma")


def log_likelihood(params: np.ndarray, x: np.ndarray, zbar: np.ndarray) -> float:
    """The Gamma-Gamma log-likelihood of mean spends ``zbar`` over ``x`` purchases (x > 0).

    ``lnΓ(px+q) - lnΓ(px) - lnΓ(q) + q ln γ + (px-1) ln zbar + px ln x - (px+q) ln(γ + x zbar)``
    """
    import numpy as np
    from scipy.special import gammaln

    p, q, gamma = params
    px = p * x
    return float(np.sum(
        gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma)
        + (px - 1) * np.log(zbar) + px * np.log(x) - (px + q) * np.log(gamma + x * zbar)
    ))


def _spend(summary: pd.DataFrame, column: str, *, fitting: bool) -> tuple[np.ndarray, ...]:
    """Frequency and mean repeat spend, checked: spend positive and finite wherever x > 0."""
    import numpy as np
    import pandas as pd

    x, _, _ = check_summary(summary, min_customers=0)
    if column not in summary.columns:
        raise SchemaError(
            f"missing column '{column}'", source="summary",
            where="found: " + ", ".join(map(str, summary.columns)),
            fix="Summarise with `amount=` (customers.summarise) or name the column with "
            "`monetary_value=`",
        )
    spend = pd.to_numeric(summary[column], errors="coerce").to_numpy(dtype=float)
    bad = (x > 0) & ~(np.isfinite(spend) & (spend > 0))
    if bad.any():
        labels = summary.index[bad][:3]
        raise SchemaError(
            f"{int(bad.sum())} customers with repeat purchases but a missing, zero or negative "
            f"'{column}'",
            source="summary",
            where="first: " + ", ".join(f"customer {k}: {column}={v}" for k, v in
                                        zip(labels, spend[bad][:3])),
            fix="The Gamma-Gamma model needs a positive mean spend per repeat purchase; drop "
            "refunds-only customers or correct the amounts",
        )
    if fitting:
        return x[x > 0], spend[x > 0]
    return x, spend


class GammaGammaModel:
    """The Gamma-Gamma spend model: expected average transaction value per customer.

    Parameters
    ----------
    monetary_value : str
        The column of the mean spend of the repeat purchases (``zbar``).
    min_customers : int
        Fewer customers with repeat purchases raise :class:`~customers.TooFewCustomersError`.

    Attributes
    ----------
    params_ : dict
        ``p`` (shape of a customer's spend), ``q`` and ``gamma`` (shape and rate of its
        inverse scale across customers).
    log_likelihood_ : float
        The maximised log-likelihood.
    n_customers_ : int
        Customers with x > 0 fitted on.
    """

    def __init__(self, *, monetary_value: str = "monetary_value",
                 min_customers: int = MIN_CUSTOMERS) -> None:
        self.monetary_value = monetary_value
        self.min_customers = min_customers

    def fit(self, summary: pd.DataFrame) -> GammaGammaModel:
        """Fit on the customers with ``frequency > 0`` (the others' spend is unknown).

        Raises
        ------
        SchemaError
            A bad summary, or a missing or non-positive spend where frequency > 0.
        TooFewCustomersError
            Fewer than ``min_customers`` customers with repeat purchases.
        FitError
            The fit did not converge or ran off to a degenerate point.
        """
        import numpy as np

        x, zbar = _spend(summary, self.monetary_value, fitting=True)
        if len(x) < self.min_customers:
            raise TooFewCustomersError(
                f"too few customers with repeat purchases to fit spend: {len(x)}",
                source="summary", where=f"need at least {self.min_customers}",
                fix="Fit on a longer history or more customers",
            )
        # Start with the right overall mean spend: p gamma / (q - 1) = mean(zbar).
        start = np.log([1.0, 2.0, float(np.mean(zbar))])
        params, value, iterations = maximise(
            lambda theta: log_likelihood(np.exp(theta), x, zbar),
            start, names=NAMES, model="Gamma-Gamma",
        )
        self.params_ = dict(zip(NAMES, (float(v) for v in params)))
        self.log_likelihood_ = value
        self.n_customers_ = len(x)
        self.n_iterations_ = iterations
        return self

    def expected_spend(self, summary: pd.DataFrame) -> np.ndarray:
        """Expected average transaction value of each customer, given x and zbar:
        ``p (γ + x zbar) / (p x + q - 1)``, a weighted mean of the population mean
        ``p γ / (q - 1)`` and the customer's own ``zbar``. Customers with x = 0 get the
        population mean (infinite when q <= 1: the population mean does not exist)."""
        import numpy as np

        if not hasattr(self, "params_"):
            raise NotFittedError("the Gamma-Gamma model is not fitted",
                                 fix="Call fit(summary) first")
        p, q, gamma = (self.params_[n] for n in NAMES)
        x, zbar = _spend(summary, self.monetary_value, fitting=False)
        zbar = np.where(x > 0, zbar, 0.0)
        with np.errstate(divide="ignore"):
            return p * (gamma + x * zbar) / np.where(p * x + q - 1 > 0, p * x + q - 1, 0.0)

    def __repr__(self) -> str:
        fitted = getattr(self, "params_", None)
        inside = ", ".join(f"{k}={v:.4g}" for k, v in fitted.items()) if fitted else "unfitted"
        return f"GammaGammaModel({inside})"
