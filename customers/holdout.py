"""Fit on a calibration period, predict the holdout that follows, compare with what happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from customers.bgnbd import BetaGeoModel


@dataclass
class HoldoutResult:
    """What :func:`holdout_check` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per number of calibration repeat purchases (``0``, ``1``, ..., ``"7+"``):
        ``customers``, ``predicted`` and ``actual`` mean holdout repeat purchases per customer.
    customers : pandas.DataFrame
        The calibration summary with ``holdout_frequency`` (actual) and ``predicted``.
    model : BetaGeoModel
        The model fitted on the calibration period.
    newcomers : int
        Customers left out because their first purchase is on the last calibration day (no
        calibration time to fit on).
    """

    table: pd.DataFrame
    customers: pd.DataFrame
    model: BetaGeoModel
    newcomers: int = 0

    @property
    def predicted_total(self) -> float:
        """Repeat purchases predicted for the holdout, all customers."""
        return float(self.customers["predicted"].sum())

    @property
    def actual_total(self) -> int:
        """Repeat purchases (purchase days) made in the holdout, all customers."""
        return int(self.customers["holdout_frequency"].sum())

    def summary(self) -> list[str]:
        """Lines for a person: the fit and the total predicted against the actual."""
        params = ", ".join(f"{k}={v:.3f}" for k, v in self.model.params_.items())
        length = float(self.customers["holdout_length"].iloc[0])
        error = self.predicted_total / self.actual_total - 1 if self.actual_total else float("nan")
        return [
            f"{len(self.customers):,} customers; BG/NBD on the calibration period: {params}",
            (f"holdout of {length:g} periods: {self.predicted_total:,.1f} repeat purchases "
             f"predicted, {self.actual_total:,} made ({error:+.1%})"),
        ] + ([(f"{self.newcomers:,} first seen on the last calibration day left out: no "
               "calibration time")] if self.newcomers else [])


def holdout_check(
    transactions: pd.DataFrame,
    calibration_end: str | date | datetime,
    holdout_end: str | date | datetime,
    *,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    period: str | float = "W",
    top_bucket: int = 7,
    source: str = "transactions",
) -> HoldoutResult:
    """Fit BG/NBD up to ``calibration_end``, predict each customer's repeat purchases up to
    ``holdout_end`` and compare with what they did, by number of calibration purchases.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase (see :func:`customers.summarise`).
    calibration_end, holdout_end : date
        The last day of the calibration period and of the holdout (both inclusive).
    customer, timestamp, period, source
        As in :func:`customers.summarise`.
    top_bucket : int
        Calibration purchase counts from this one up are one row (``"7+"``).

    Returns
    -------
    HoldoutResult
        ``table`` (the conditional expectations by calibration purchases, as in Fader, Hardie
        and Lee 2005, figure 5), ``customers``, ``model`` and the totals.

    Raises
    ------
    SchemaError, ParameterError, TooFewCustomersError, FitError
        From :func:`customers.summarise` and :meth:`BetaGeoModel.fit`.
    """
    import numpy as np
    import pandas as pd

    from customers.bgnbd import BetaGeoModel
    from customers.errors import ParameterError
    from customers.summary import summarise

    if isinstance(top_bucket, bool) or not isinstance(top_bucket, int) or top_bucket < 1:
        raise ParameterError(f"`top_bucket={top_bucket!r}` is not a positive whole number")
    summary = summarise(transactions, customer=customer, timestamp=timestamp, as_of=holdout_end,
                        period=period, calibration_end=calibration_end, source=source)
    # A first purchase on calibration_end leaves no calibration time (T = 0) to fit on.
    newcomers = int((summary["T"] <= 0).sum())
    summary = summary[summary["T"] > 0].copy()
    model = BetaGeoModel().fit(summary)
    length = float(summary["holdout_length"].iloc[0])
    summary["predicted"] = model.expected_purchases(length, summary)
    bucket = np.minimum(summary["frequency"].to_numpy(), top_bucket)
    labels = [str(k) for k in range(top_bucket)] + [f"{top_bucket}+"]
    grouped = summary.groupby(bucket)
    table = pd.DataFrame({
        "customers": grouped.size(),
        "predicted": grouped["predicted"].mean(),
        "actual": grouped["holdout_frequency"].mean(),
    }).reindex(range(top_bucket + 1))
    table["customers"] = table["customers"].fillna(0).astype(np.int64)
    table.index = pd.Index(labels, name="calibration_purchases")
    return HoldoutResult(table=table, customers=summary, model=model, newcomers=newcomers)
