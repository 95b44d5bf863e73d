"""BG/NBD customers with known parameters, to test that the models recover them and to time
them on large inputs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from customers.errors import ParameterError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def _draw(n: int, r: float, alpha: float, a: float, b: float, T: np.ndarray,
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per customer: repeat purchases x seen in (0, T], the Poisson count N they would have made
    had they stayed, and the Beta-distributed drop-out probability."""
    import numpy as np

    for name, value in (("r", r), ("alpha", alpha), ("a", a), ("b", b)):
        if not value > 0:
            raise ParameterError(f"`{name}={value!r}` must be positive")
    if n < 1:
        raise ParameterError(f"`n_customers={n!r}` must be at least 1")
    rate = rng.gamma(r, 1.0 / alpha, size=n)
    drop = rng.beta(a, b, size=n)
    would_buy = rng.poisson(rate * T)
    # Repeat purchases until drop-out, the drop-out one included: geometric, at least 1.
    until_dropout = rng.geometric(np.clip(drop, 1e-12, 1.0))
    return np.minimum(would_buy, until_dropout), would_buy, drop


def simulate_customers(n_customers: int, *, r: float, alpha: float, a: float, b: float,
                       T: float | np.ndarray, seed: int) -> pd.DataFrame:
    """A BG/NBD summary (``frequency``, ``recency``, ``T``) of ``n_customers`` customers.

    Each buys at rate lambda ~ Gamma(r, alpha) while alive and drops out after each repeat
    purchase with probability p ~ Beta(a, b). Given N purchases in (0, T], their times are
    sorted uniforms, so the time of the x-th is ``T * Beta(x, N - x + 1)``.

    Parameters
    ----------
    T : float or array
        Each customer's age in periods (one value for all, or one per customer).
    seed : int
        The random seed.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    ages = np.broadcast_to(np.asarray(T, dtype=float), (n_customers,)).copy()
    x, would_buy, _ = _draw(n_customers, r, alpha, a, b, ages, rng)
    recency = np.zeros(n_customers)
    seen = x > 0
    recency[seen] = ages[seen] * rng.beta(x[seen], would_buy[seen] - x[seen] + 1)
    return pd.DataFrame(
        {"frequency": x, "recency": recency, "T": ages},
        index=pd.RangeIndex(n_customers, name="customer_id"),
    )


def simulate_transactions(
    n_customers: int,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    start: str,
    end: str,
    period_days: float = 7.0,
    spend: tuple[float, float, float] | None = (6.0, 4.0, 15.0),
    seed: int,
) -> pd.DataFrame:
    """Purchases of ``n_customers`` BG/NBD customers between ``start`` and ``end``.

    Each customer's first purchase falls uniformly in the first quarter of the span; the rate
    parameters are per ``period_days``. With ``spend = (p, q, gamma)`` every purchase has an
    ``amount`` from the Gamma-Gamma model. Times are continuous, so two purchases may fall on
    the same day (:func:`customers.summarise` counts them once).

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, ``timestamp`` (and ``amount``), sorted by time within customer.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    begin, finish = pd.Timestamp(start), pd.Timestamp(end)
    span = (finish - begin) / pd.Timedelta(days=period_days)
    first = rng.uniform(0, span / 4, size=n_customers)
    ages = span - first
    x, would_buy, _ = _draw(n_customers, r, alpha, a, b, ages, rng)
    # The first x of N sorted uniforms on (0, T]: partial sums of exponentials over the sum
    # of N + 1 of them (the last N + 1 - x summed as one Gamma draw).
    owner = np.repeat(np.arange(n_customers), x)
    sums = np.cumsum(rng.exponential(size=owner.size))
    ends = np.cumsum(x)
    begins = ends - x
    has = x > 0
    offset = np.zeros(n_customers)
    offset[has & (begins > 0)] = sums[begins[has & (begins > 0)] - 1]
    partial = sums - np.repeat(offset, x)
    totals = np.ones(n_customers)
    totals[has] = partial[ends[has] - 1] + rng.gamma(would_buy[has] - x[has] + 1)
    repeat_time = first[owner] + ages[owner] * partial / totals[owner]
    customer = np.concatenate([np.arange(n_customers), owner])
    time = np.concatenate([first, repeat_time])
    order = np.lexsort((time, customer))
    frame = pd.DataFrame({
        "customer_id": customer[order],
        "timestamp": begin + pd.to_timedelta(time[order] * period_days, unit="D"),
    })
    if spend is not None:
        p, q, gamma = spend
        scale = rng.gamma(q, 1.0 / gamma, size=n_customers)  # nu per customer
        frame["amount"] = np.round(rng.gamma(p, 1.0 / scale[frame["customer_id"].to_numpy()]), 2)
    return frame
