"""Cross-sell lookup: what to place beside an item, or beside a whole basket."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from basket.errors import ParameterError

RECOMMENDATION_COLUMNS = (
    "rank", "item", "name", "category", "confidence", "lift", "support", "count",
    "because", "because_names", "p_adjusted",
)  # fmt: skip


def resolve_items(
    queries: Iterable[str], known: Iterable[str], names: Mapping[str, str] | None = None
) -> list[str]:
    """Turn what a buyer typed into item labels.

    A query matches an item label or its name exactly (case aside), else the one item whose
    label or name contains it.

    Raises
    ------
    ParameterError
        If a query matches nothing, or several items and none exactly.
    """
    names = names or {}
    known = sorted(set(known))
    resolved = []
    for query in queries:
        wanted = query.strip().casefold()
        exact = [i for i in known if wanted in (i.casefold(), names.get(i, i).casefold())]
        partial = [i for i in known if wanted in i.casefold() or wanted in names.get(i, i).casefold()]
        matches = exact or partial
        if len(matches) == 1:
            resolved.append(matches[0])
            continue
        if not matches:
            raise ParameterError(
                f"no rule mentions an item like {query!r}",
                where=f"{len(known):,} items have rules, e.g. "
                + ", ".join(names.get(i, i) for i in known[:5]),
                fix="Check the spelling, or mine with a lower --min-support",
            )
        shown = ", ".join(f"{names.get(i, i)} [{i}]" if names.get(i, i) != i else i
                          for i in matches[:6])  # fmt: skip
        raise ParameterError(
            f"{query!r} matches {len(matches)} items",
            where=shown + (", ..." if len(matches) > 6 else ""),
            fix="Use the full name or the code",
        )
    return resolved


def recommend(rules: pd.DataFrame, basket: Iterable[str], *, top: int = 10) -> pd.DataFrame:
    """Rank the items to place beside a basket.

    Every rule whose antecedent lies in the basket and whose consequent does not proposes its
    consequent; each item is ranked by its most confident rule (lift breaks ties).

    Parameters
    ----------
    rules : pandas.DataFrame
        A rules table (from :func:`basket.rules.association_rules`, optionally with names from
        :func:`basket.describe.describe`).
    basket : iterable of str
        Item labels in the basket.
    top : int, default 10
        How many items to return.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RECOMMENDATION_COLUMNS`, best first; empty when no rule applies.

    Raises
    ------
    ParameterError
        If ``top`` is below 1.
    """
    if top < 1:
        raise ParameterError(f"--top must be at least 1, got {top}", fix="Pass e.g. --top 10")
    held = set(basket)
    applies = [
        set(ante) <= held and not set(cons) & held
        for ante, cons in zip(rules["antecedent"], rules["consequent"])
    ]
    found = rules[applies]
    rows = []
    for _, rule in found.iterrows():
        items = rule["consequent"]
        names = _side(rule, "consequent_names", items)
        categories = _side(rule, "consequent_categories", ("",) * len(items))
        for item, name, category in zip(items, names, categories):
            rows.append({
                "item": item, "name": name, "category": category,
                "confidence": rule["confidence"], "lift": rule["lift"],
                "support": rule["support"], "count": rule["count"],
                "because": rule["antecedent"],
                "because_names": _side(rule, "antecedent_names", rule["antecedent"]),
                "p_adjusted": rule.get("p_adjusted", float("nan")),
            })  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=list(RECOMMENDATION_COLUMNS))
    table = pd.DataFrame(rows).sort_values(
        ["confidence", "lift", "item"], ascending=[False, False, True], kind="stable"
    )
    table = table.drop_duplicates("item").head(top).reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table[list(RECOMMENDATION_COLUMNS)]


def _side(rule: pd.Series, column: str, default: tuple) -> tuple:
    """A per-item column of a rule, or ``default`` when it is missing or of another length
    (a CSV file without a catalog reads its empty categories back as no items)."""
    value = rule.get(column)
    return tuple(value) if value is not None and len(value) == len(default) else tuple(default)
