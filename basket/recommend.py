"""Cross-sell lookup: what to place beside an item, or beside a whole basket."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from basket.describe import item_map
from basket.errors import ParameterError
from basket.resolve import ambiguous, match_items, no_match, resolve_items, show

if TYPE_CHECKING:
    from basket.crosssell import RuleReport

__all__ = ["RECOMMENDATION_COLUMNS", "check_top", "recommend", "resolve_basket", "resolve_items"]

RECOMMENDATION_COLUMNS = (
    "rank", "item", "name", "category", "confidence", "lift", "support", "count",
    "because", "because_names", "p_adjusted",
)  # fmt: skip


def resolve_basket(
    queries: Iterable[str],
    rules: pd.DataFrame,
    *,
    names: Mapping[str, str] | None = None,
    report: RuleReport | None = None,
    source: str | None = None,
) -> list[str]:
    """The items of a basket as typed (codes, names, parts of names), each in some rule.

    A query is matched (:func:`basket.resolve.match_items`) to an item code or name exactly
    among every item known, else to a part of the name of an item in a rule, else to a part
    of the name of any item known. Items known are those in ``rules``, in ``names`` (the
    catalog) and, with ``report``, in the receipts mined.

    An item that exists but is in no rule is an error, not an empty answer, and says why where
    that can be known from ``report``: too few receipts for ``--min-support``, no other item
    often enough beside it, or rules that did not pass confidence, significance, redundancy or
    the filters. It is a :class:`ParameterError` (exit 2 at the command line) because the data
    are sound: the mining parameters, or the question, have to change.

    Parameters
    ----------
    queries : iterable of str
        What the buyer typed.
    rules : pandas.DataFrame
        The rules recommendations come from.
    names : mapping of str to str, optional
        Item -> name from the catalog.
    report : RuleReport, optional
        What :func:`basket.crosssell.find_rules` found the rules with.
    source : str, optional
        The rules file, for messages.

    Returns
    -------
    list of str
        One item label per query.

    Raises
    ------
    ParameterError
        If a query matches nothing (the closest items are listed), several items, or items in
        no rule (with the reason).
    """
    names = {**(names or {}), **item_map(rules)}
    known = sorted({item for side in ("antecedent", "consequent") for items in rules[side]
                    for item in items})  # fmt: skip
    universe = sorted(set(known) | set(names) | set(report.item_counts if report else ()))
    resolved = []
    for query in queries:
        matches = (match_items(query, universe, names, partial=False)
                   or match_items(query, known, names) or match_items(query, universe, names))
        if len(matches) == 1 and matches[0] in known:
            resolved.append(matches[0])
        elif not matches:
            within = "the receipts" if report else (source or "the rules")
            raise no_match(query, universe, names, problem=f"no item like {query!r} in {within}")
        elif set(matches) & set(known):
            raise ambiguous(query, matches, names)
        else:
            raise _in_no_rule(query, matches, names, report, source)
    return resolved


def _in_no_rule(
    query: str,
    items: list[str],
    names: Mapping[str, str],
    report: RuleReport | None,
    source: str | None,
) -> ParameterError:
    one = len(items) == 1
    what = show(items, names) if one else f"all {len(items)} items like {query!r}"
    if report is None:
        return ParameterError(
            f"{what} {'is' if one else 'are'} in no rule of {source or 'the rules'}",
            where=None if one else show(items, names),
            fix="Mine the rules with a lower `min_support`, or resolve the basket against the "
            "receipts mined to learn why",
        )
    why = [_why(item, report) for item in items[:3]]
    reasons = [reason if one else f"{show([item], names)}: {reason}"
               for item, (reason, _) in zip(items, why)]  # fmt: skip
    return ParameterError(
        f"{what} {'exists but is' if one else 'exist but are'} in no rule",
        where="; ".join(reasons) + ("; ..." if len(items) > 3 else ""),
        fix=why[0][1],
    )


def _why(item: str, report: RuleReport) -> tuple[str, str]:
    """Why an item mined is in no rule, and what would change that."""
    count = report.item_counts.get(item, 0)
    if count == 0:
        return (f"in none of the {report.receipts:,} receipts mined",
                "Check the item, `stores`, `start` and `end`")  # fmt: skip
    held = f"in {count:,} receipts ({count / report.receipts:.2%})"
    if count < report.min_count:
        support = math.floor(count / report.receipts * 1e4) / 1e4  # rounded down: it reaches
        return (f"{held}, fewer than the {report.min_count:,} an itemset needs",
                f"Pass `min_support={support:g}` or lower (or `min_count={count}`)")
    if item not in report.paired:
        return (f"{held}, but no other item is in {report.min_count:,} of them",
                "Lower `min_support` (or `min_count`) to count its pairs")
    if item not in report.tested_items:
        return (f"{held}, but none of its rules reaches `min_confidence`",
                "Lower `min_confidence`")
    if item not in report.significant_items:
        return (f"{held}, but none of its rules is significant (`max_p`, after `correction` for "
                f"the rules tested)", "See them with `max_p=1`; they may be chance")
    return (f"{held}; its significant rules are redundant (a simpler rule is as confident), "
            "below `min_lift` or left out by the filters",
            "See them with `keep_redundant=True`, without `min_lift` and the filters")


def check_top(top: int) -> None:
    """Refuse a number of recommendations below 1.

    Raises
    ------
    ParameterError
    """
    if top < 1:
        raise ParameterError(f"the number of recommendations must be at least 1, got {top}",
                             fix="Pass e.g. `top=10`")  # fmt: skip


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
    check_top(top)
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
