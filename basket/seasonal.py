"""Seasonal rules: mine each month, week or store, and tell in which of them a rule holds."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from collections.abc import Callable

import numpy as np
import pandas as pd

from basket.errors import ParameterError
from basket.mining import FrequentItemsets, frequent_itemsets
from basket.receipts import Receipts
from basket.rules import RuleSet, association_rules

PERIODS = ("month", "week", "store")


def period_labels(receipts: Receipts, by: str) -> np.ndarray:
    """The month (``2025-11``), ISO week (``2025-W47``) or store of each receipt.

    Raises
    ------
    ParameterError
        If ``by`` is unknown or the receipts lack the timestamps or stores it needs.
    """
    if by not in PERIODS:
        raise ParameterError(f"cannot split receipts by {by!r}", fix=f"Use one of {PERIODS}")
    if by == "store":
        if receipts.stores is None:
            raise ParameterError("the receipts have no store column to split by",
                                 source=receipts.source, fix="Map it with `store`")  # fmt: skip
        return np.asarray(receipts.stores, dtype=str)
    if receipts.timestamps is None:
        raise ParameterError(
            f"the receipts have no timestamps to split by {by}",
            source=receipts.source,
            fix="Map one with `timestamp`",
        )
    stamps = receipts.timestamps
    if by == "month":
        return np.asarray(stamps.strftime("%Y-%m"), dtype=str)
    iso = stamps.isocalendar()
    return np.array([f"{y}-W{w:02d}" for y, w in zip(iso["year"], iso["week"])], dtype=str)


def seasonal_rules(
    receipts: Receipts,
    *,
    by: str,
    mining: dict[str, Any],
    rules: dict[str, Any],
    overall: FrequentItemsets | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[RuleSet, pd.DataFrame]:
    """Mine every period alone and report, per rule, the periods in which it holds.

    Parameters
    ----------
    receipts : Receipts
        All receipts.
    by : {"month", "week", "store"}
        How to split them.
    mining, rules : dict
        Keyword arguments of :func:`basket.mining.frequent_itemsets` and
        :func:`basket.rules.association_rules`, applied in each period.
    overall : FrequentItemsets, optional
        The itemsets of all receipts, when the caller has them already.
    progress : callable, optional
        ``progress(done, total)`` over the periods.

    Returns
    -------
    RuleSet
        The rules over all receipts (as :func:`association_rules` finds them, in its order)
        with the columns ``periods`` (the periods in which the rule passes the same thresholds
        and tests on that period's receipts alone), ``n_periods`` and ``every_period``. A
        period with few receipts may miss a rule for lack of evidence, not of the habit.
    pandas.DataFrame
        One row per rule and period in which it holds: the rule and its measures there, rules
        found only in some periods included.
    """
    labels = period_labels(receipts, by)
    periods = sorted(set(labels))
    per_period = []
    for done, period in enumerate(periods, start=1):
        part = receipts.select(labels == period)
        found = association_rules(frequent_itemsets(part, **mining), **rules).rules
        per_period.append(found.assign(period=period))
        if progress is not None:
            progress(done, len(periods))
    long = pd.concat(per_period, ignore_index=True) if per_period else pd.DataFrame()
    overall_rules = association_rules(overall or frequent_itemsets(receipts, **mining), **rules)
    held: dict[tuple, list[str]] = {}
    for ante, cons, period in zip(long.get("antecedent", []), long.get("consequent", []),
                                  long.get("period", [])):  # fmt: skip
        held.setdefault((ante, cons), []).append(period)
    table = overall_rules.rules.copy()
    keys = list(zip(table["antecedent"], table["consequent"]))
    table["periods"] = pd.Series([tuple(held.get(k, ())) for k in keys], dtype=object,
                                 index=table.index)  # fmt: skip
    table["n_periods"] = [len(held.get(k, ())) for k in keys]
    table["every_period"] = table["n_periods"] == len(periods)
    return replace(overall_rules, rules=table), long

