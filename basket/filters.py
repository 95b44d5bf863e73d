"""Keep the rules a buyer asked about: items or categories on either side, top k per antecedent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from basket.describe import item_map
from basket.resolve import match_items, no_match


def filter_rules(
    rules: pd.DataFrame,
    *,
    mentioning: Sequence[str] = (),
    antecedent: Sequence[str] = (),
    consequent: Sequence[str] = (),
    antecedent_from: Sequence[str] = (),
    consequent_from: Sequence[str] = (),
    top_per_antecedent: int | None = None,
    known: Iterable[str] | None = None,
    names: Mapping[str, str] | None = None,
    categories: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Rules that involve the given items or categories.

    Each term is resolved to items as :func:`basket.resolve.match_items` does: an item code, a
    product name or a category (case aside), else every item whose code, name or category
    contains it (``"salmon"`` finds ``Salmon fillet 400 g``). Rules are kept when they
    mention any of ``mentioning`` on either side, hold any of ``antecedent`` on the left and
    any of ``consequent`` on the right, and have only items matching ``antecedent_from`` on
    the left and ``consequent_from`` on the right (when given). Then ``top_per_antecedent``
    keeps the first rules of each antecedent, in the table's order.

    Parameters
    ----------
    rules : pandas.DataFrame
        Rules with ``antecedent`` and ``consequent`` (tuples of item labels), and optionally
        their ``_names`` and ``_categories`` columns from :func:`basket.describe.describe`.
    mentioning, antecedent, consequent, antecedent_from, consequent_from : sequence of str
        The terms of each filter.
    top_per_antecedent : int, optional
        Rules kept per antecedent.
    known : iterable of str, optional
        Every item a term may name (the items mined); by default the items of ``rules``. A
        term that names a known item in no rule keeps no rule, without an error.
    names, categories : mapping of str to str, optional
        Item -> name and item -> category; by default read from the rules' columns.

    Returns
    -------
    pandas.DataFrame
        The rules kept, index reset.

    Raises
    ------
    ParameterError
        If a term matches no known item, name or category (the closest are listed).
    """
    names = {**item_map(rules, "names"), **(names or {})}
    categories = {**item_map(rules, "categories"), **(categories or {})}
    if known is None:
        known = _items(rules)
    known = sorted(set(known))
    keep = np.ones(len(rules), dtype=bool)
    for option, terms, side, every in (
        ("mentioning", mentioning, None, False),
        ("antecedent", antecedent, "antecedent", False),
        ("consequent", consequent, "consequent", False),
        ("antecedent_from", antecedent_from, "antecedent", True),
        ("consequent_from", consequent_from, "consequent", True),
    ):
        if terms:
            wanted = set()
            for term in terms:
                matches = match_items(term, known, names, categories)
                if not matches:
                    raise no_match(term, known, names, categories,
                                   problem=f"`{option}` {term!r} matches no item, name "
                                   "or category")  # fmt: skip
                wanted.update(matches)
            keep &= _matches(rules, wanted, side, every)
    out = rules[keep]
    if top_per_antecedent is not None:
        out = out.groupby(out["antecedent"].map(tuple), sort=False).head(top_per_antecedent)
    return out.reset_index(drop=True)


def _matches(rules: pd.DataFrame, wanted: set[str], side: str | None, every: bool) -> np.ndarray:
    """Rows with any (or only, ``every``) items in ``wanted`` on ``side`` (or either side)."""
    result = np.zeros(len(rules), dtype=bool)
    for name in ("antecedent", "consequent") if side is None else (side,):
        items = rules[name].reset_index(drop=True).explode()
        grouped = items.isin(wanted).groupby(level=0)
        hit = grouped.all() if every else grouped.any()
        result |= hit.reindex(range(len(rules)), fill_value=False).to_numpy(dtype=bool)
    return result


def _items(rules: pd.DataFrame) -> set[str]:
    return {item for side in ("antecedent", "consequent") if side in rules
            for items in rules[side] for item in items}  # fmt: skip
