"""Per customer: still a customer, how many more purchases, how much per purchase, lapsed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from customers.errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

    from customers.bgnbd import BetaGeoModel
    from customers.gammagamma import GammaGammaModel

LAPSED_BELOW = 0.5
"""A customer has lapsed when the BG/NBD model puts their P(alive) below this (more likely gone
than still buying) and, when the summary has ``longest_gap``, they have been away longer than
any absence they came back from before. Customers with no repeat purchase never lapse under
BG/NBD (P(alive) = 1)."""


@dataclass
class LifecycleResult:
    """What :func:`lifecycle` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per customer: ``frequency``, ``recency``, ``T``, ``p_alive``,
        ``expected_purchases`` (in the next ``horizon`` periods), ``expected_spend`` (expected
        average purchase value, with spend), ``expected_value`` (their product), with a
        ``longest_gap`` in the summary ``away`` (``T - recency``) and ``longest_gap``, and
        ``lapsed``.
    purchases : BetaGeoModel
        The fitted purchase model.
    spend : GammaGammaModel or None
        The fitted spend model (None without a ``monetary_value`` column).
    horizon : float
        The periods ahead the expectations cover.
    lapsed_below : float
        The P(alive) threshold of ``lapsed``.
    """

    table: pd.DataFrame
    purchases: BetaGeoModel
    spend: GammaGammaModel | None
    horizon: float
    lapsed_below: float

    def summary(self) -> list[str]:
        """Lines for a person: customers, lapsed share, purchases and spend expected."""
        table = self.table
        n = len(table)
        p = self.purchases.params_
        lapsed, returning = lapsed_words(table, self.lapsed_below)
        lines = [
            f"{n:,} customers; {lapsed}",
            (f"expected repeat purchases in the next {self.horizon:g} periods: "
             f"{table['expected_purchases'].sum():,.0f} in all, "
             f"{table['expected_purchases'].mean():.2f} per customer"),
            "BG/NBD: " + ", ".join(f"{k}={v:.3g}" for k, v in p.items())
            + f" (log-likelihood {self.purchases.log_likelihood_:,.1f})",
        ]
        lines += returning
        if self.spend is not None:
            lines.append(
                f"expected spend in that time: {table['expected_value'].sum():,.0f}; Gamma-Gamma: "
                + ", ".join(f"{k}={v:.3g}" for k, v in self.spend.params_.items())
            )
        return lines


def lapsed_words(table: pd.DataFrame, lapsed_below: float) -> tuple[str, list[str]]:
    """``"404 lapsed (13%, P(alive) below 0.5 ...)"`` and a line on those the rule spares."""
    n, lapsed = len(table), int(table["lapsed"].sum())
    rule = " and away longer than ever before" if "away" in table.columns else ""
    head = f"{lapsed:,} lapsed ({lapsed / max(n, 1):.0%}, P(alive) below {lapsed_below:g}{rule})"
    spared = int(((table["p_alive"] < lapsed_below) & ~table["lapsed"]).sum())
    note = (f"{spared:,} more below P(alive) {lapsed_below:g} not lapsed: away no longer than "
            "an absence they came back from before (seasonal or irregular customers)")
    return head, [note] if spared else []


def lifecycle(
    summary: pd.DataFrame,
    *,
    horizon: float,
    lapsed_below: float = LAPSED_BELOW,
    purchases: BetaGeoModel | None = None,
    spend: GammaGammaModel | None = None,
) -> LifecycleResult:
    """P(alive), expected purchases and spend in the next ``horizon`` periods, and lapsed.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`customers.summarise`: ``frequency``, ``recency``, ``T`` and, for spend,
        ``monetary_value``.
    horizon : float
        Periods ahead (in the summary's time unit: weeks by default).
    lapsed_below : float
        A customer with P(alive) below this has lapsed (default :data:`LAPSED_BELOW`, 0.5),
        unless the summary's ``longest_gap`` is at least their time away (``T - recency``):
        they have come back from as long an absence before.
    purchases, spend : fitted models, optional
        Use these instead of fitting a :class:`BetaGeoModel` (and a :class:`GammaGammaModel`
        when the summary has ``monetary_value``) on ``summary``.

    Returns
    -------
    LifecycleResult
        ``table`` one row per customer and ``summary()`` lines.

    Raises
    ------
    ParameterError
        ``horizon`` negative or ``lapsed_below`` outside (0, 1).
    SchemaError, TooFewCustomersError, FitError
        From the checks and fits of the models.
    """
    from customers.bgnbd import BetaGeoModel, _horizon
    from customers.gammagamma import GammaGammaModel

    horizon = _horizon(horizon)
    if not 0 < lapsed_below < 1:
        raise ParameterError(f"`lapsed_below={lapsed_below!r}` is not a probability in (0, 1)")
    model = purchases if purchases is not None else BetaGeoModel().fit(summary)
    table = summary[["frequency", "recency", "T"]].copy()
    table["p_alive"] = model.p_alive(summary)
    table["expected_purchases"] = model.expected_purchases(horizon, summary)
    spend_model = spend
    if spend_model is None and "monetary_value" in summary.columns:
        spend_model = GammaGammaModel().fit(summary)
    if spend_model is not None:
        table["expected_spend"] = spend_model.expected_spend(summary)
        table["expected_value"] = table["expected_purchases"] * table["expected_spend"]
    lapsed = (table["p_alive"] < lapsed_below).to_numpy(copy=True)
    if "longest_gap" in summary.columns:
        # Away longer than ever before: a customer in their usual off season is not gone.
        table["away"] = summary["T"] - summary["recency"]
        table["longest_gap"] = summary["longest_gap"]
        lapsed &= (table["away"] > table["longest_gap"]).to_numpy()
    table["lapsed"] = lapsed
    return LifecycleResult(table=table, purchases=model, spend=spend_model, horizon=horizon,
                           lapsed_below=lapsed_below)
