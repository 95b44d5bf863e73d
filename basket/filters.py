"""Keep the rules a buyer asked about: items or categories on either side, top k per antecedent."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def filter_rules(
    rules: pd.DataFrame,
    *,
    mentioning: Sequence[str] = (),
    antecedent: Sequence[str] = (),
    consequent: Sequence[str] = (),
    antecedent_from: Sequence[str] = (),
    consequent_from: Sequence[str] = (),
    top_per_antecedent: int | None = None,
) -> pd.DataFrame:
    """Rules that involve the given items or categories.

    Each term matches an item label, a product name or a category, case aside. Rules are kept
    when they mention any of ``mentioning`` on either side, hold any of ``antecedent`` on the
    left and any of ``consequent`` on the right, and have only items matching
    ``antecedent_from`` on the left and ``consequent_from`` on the right (when given). Then
    ``top_per_antecedent`` keeps the first rules of each antecedent, in the table's order.
    """
    keep = np.ones(len(rules), dtype=bool)
    for terms, side, every in (
        (mentioning, None, False),
        (antecedent, "antecedent", False),
        (consequent, "consequent", False),
        (antecedent_from, "antecedent", True),
        (consequent_from, "consequent", True),
    ):
        if terms:
            keep &= _matches(rules, {t.casefold() for t in terms}, side, every)
    out = rules[keep]
    if top_per_antecedent is not None:
        out = out.groupby(out["antecedent"].map(tuple), sort=False).head(top_per_antecedent)
    return out.reset_index(drop=True)


def _matches(rules: pd.DataFrame, terms: set[str], side: str | None, every: bool) -> np.ndarray:
    sides = ("antecedent", "consequent") if side is None else (side,)
    result = np.zeros(len(rules), dtype=bool)
    for name in sides:
        labels = [_labels(rules, name, row) for row in range(len(rules))]
        test = all if every else any
        result |= np.array([test(bool(item & terms) for item in row) for row in labels], dtype=bool)
    return result


def _labels(rules: pd.DataFrame, side: str, row: int) -> list[set[str]]:
    """For each item of a side: its label, name and category, folded."""
    items = rules[side].iloc[row]
    names = rules[f"{side}_names"].iloc[row] if f"{side}_names" in rules else items
    categories = rules[f"{side}_categories"].iloc[row] if f"{side}_categories" in rules else ()
    names = names if len(names) == len(items) else items
    categories = categories if len(categories) == len(items) else ("",) * len(items)
    return [
        {str(i).casefold(), str(n).casefold(), str(c).casefold()} - {""}
        for i, n, c in zip(items, names, categories)
    ]
