"""Shape a rules table for a buyer: one row per pair of items, and the order of the rows.

A rule ``A -> B`` and its mirror ``B -> A`` describe the same pair of items: same receipts with
both, same support, same lift, same Fisher test. :func:`pair_table` folds them into one row
that gives both directions' confidence. :func:`sort_rules` orders a rules or pairs table by
one measure.
"""

from __future__ import annotations

import pandas as pd

from basket.errors import ParameterError

__all__ = ["PAIR_COLUMNS", "SORT_KEYS", "check_sort", "longer_rules", "pair_lines", "pair_table",
           "sort_rules"]  # fmt: skip

SORT_KEYS = ("lift", "support", "confidence", "count")
"""The measures a rules or pairs table can be sorted by (descending); ``lift`` is the default."""

PAIR_COLUMNS = (
    "item_a", "item_b", "name_a", "name_b", "category_a", "category_b", "count", "support",
    "lift", "confidence_a_b", "confidence_b_a", "p_value", "p_adjusted", "significant",
)  # fmt: skip
"""The columns of a pairs table, in order."""


def check_sort(sort: str) -> None:
    """Refuse an unknown sort key.

    Raises
    ------
    ParameterError
        If ``sort`` is not one of :data:`SORT_KEYS`.
    """
    if sort not in SORT_KEYS:
        raise ParameterError(
            f"cannot sort by {sort!r}",
            fix="Use `sort='lift'`, `sort='support'`, `sort='confidence'` or `sort='count'`",
        )


def sort_rules(table: pd.DataFrame, sort: str = "lift") -> pd.DataFrame:
    """A rules or pairs table sorted by ``sort`` (descending), ties by lift, then count.

    On a pairs table ``confidence`` is the larger direction's (``confidence_a_b``). The sort is
    stable, so rows that tie on every key keep their order.

    Parameters
    ----------
    table : pandas.DataFrame
        Rules (as from :func:`basket.rules.association_rules`) or pairs (:func:`pair_table`).
    sort : {"lift", "support", "confidence", "count"}

    Returns
    -------
    pandas.DataFrame
        The rows in the new order, index reset.

    Examples
    --------
    >>> rules = pd.DataFrame({"lift": [2.0, 5.0], "count": [90, 10], "support": [.09, .01],
    ...                       "confidence": [.5, .2]})
    >>> sort_rules(rules, "count")["count"].tolist()
    [90, 10]
    """
    check_sort(sort)
    if sort == "confidence" and "confidence" not in table.columns:
        sort = "confidence_a_b"
    keys = list(dict.fromkeys([sort, "lift", "count"]))
    keys = [k for k in keys if k in table.columns]
    if not keys or table.empty:
        return table.reset_index(drop=True)
    ordered = table.sort_values(keys, ascending=False, kind="mergesort", na_position="last")
    return ordered.reset_index(drop=True)


def _one_to_one(rules: pd.DataFrame) -> pd.Series:
    return (rules["antecedent"].map(len) == 1) & (rules["consequent"].map(len) == 1)


def pair_lines(rules: pd.DataFrame) -> list[str]:
    """A summary line: how many pairs the one-to-one rules make, and the longer rules left out."""
    if rules.empty:
        return []
    one = _one_to_one(rules)
    longer = int((~one).sum())
    pairs = len({frozenset((a[0], c[0])) for a, c in
                 zip(rules.loc[one, "antecedent"], rules.loc[one, "consequent"])})  # fmt: skip
    return [f"{int(one.sum()):,} rules of one item on each side make {pairs:,} pairs"
            + (f"; {longer:,} rules with more items are not in the pairs table (`pairs=False` "
               "lists every rule)" if longer else "")]


def longer_rules(rules: pd.DataFrame) -> pd.DataFrame:
    """The rules with more than one item on a side (those :func:`pair_table` does not fold)."""
    if rules.empty:
        return rules
    return rules[~_one_to_one(rules)].reset_index(drop=True)


def pair_table(rules: pd.DataFrame, sort: str = "lift") -> pd.DataFrame:
    """One row per pair of items, from the rules with one item on each side.

    ``A -> B`` and ``B -> A`` become one row. Both confidences come from the supports, so a pair
    whose mirror rule was filtered out (below ``min_confidence``, say) still shows both. The
    items are ordered so that ``confidence_a_b >= confidence_b_a``: ``item_a`` is the rarer
    item, the one that tells more about the other ("of receipts with salmon, 49% have dill").
    When both directions are in ``rules``, the pair takes the smaller adjusted p-value and is
    significant if either is. Rules with more items are left out (see :func:`longer_rules`).

    Parameters
    ----------
    rules : pandas.DataFrame
        Rules with ``antecedent``, ``consequent`` (tuples), ``count``, ``support``,
        ``antecedent_support``, ``consequent_support``, ``lift``, ``p_value``, ``p_adjusted``,
        ``significant``, and optionally the ``_names`` and ``_categories`` columns of
        :func:`basket.describe.describe`.
    sort : {"lift", "support", "confidence", "count"}
        Order of the rows (see :func:`sort_rules`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PAIR_COLUMNS`.

    Raises
    ------
    ParameterError
        If ``sort`` is unknown or a required column is missing.

    Examples
    --------
    >>> rules = pd.DataFrame({"antecedent": [("s",), ("d",)], "consequent": [("d",), ("s",)],
    ...     "count": [49, 49], "support": [.049, .049], "antecedent_support": [.1, .2],
    ...     "consequent_support": [.2, .1], "lift": [2.45, 2.45], "p_value": [1e-9, 1e-9],
    ...     "p_adjusted": [1e-8, 1e-8], "significant": [True, True]})
    >>> pair_table(rules)[["item_a", "item_b", "confidence_a_b", "confidence_b_a"]].values.tolist()
    [['s', 'd', 0.49, 0.245]]
    """
    check_sort(sort)
    needed = ("antecedent", "consequent", "count", "support", "antecedent_support",
              "consequent_support", "lift", "p_value", "p_adjusted", "significant")  # fmt: skip
    missing = [c for c in needed if c not in rules.columns]
    if missing:
        raise ParameterError(
            "a pairs table needs rule columns missing from the frame: "
            + ", ".join(map(repr, missing)),
            fix="Pass the rules frame from rule mining",
        )
    if rules.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PAIR_COLUMNS})
    one = rules[_one_to_one(rules)]
    records = {}
    for row in one.to_dict("records"):
        a, b = row["antecedent"][0], row["consequent"][0]
        sup_a, sup_b = float(row["antecedent_support"]), float(row["consequent_support"])
        support = float(row["support"])
        side = {"a": _side(row, "antecedent"), "b": _side(row, "consequent")}
        conf_ab = support / sup_a if sup_a else float("nan")
        conf_ba = support / sup_b if sup_b else float("nan")
        if conf_ba > conf_ab or (conf_ba == conf_ab and b < a):
            a, b, conf_ab, conf_ba = b, a, conf_ba, conf_ab
            side = {"a": side["b"], "b": side["a"]}
        pair = {"item_a": a, "item_b": b, "name_a": side["a"][0], "name_b": side["b"][0],
                "category_a": side["a"][1], "category_b": side["b"][1],
                "count": row["count"], "support": support, "lift": row["lift"],
                "confidence_a_b": conf_ab, "confidence_b_a": conf_ba,
                "p_value": row["p_value"], "p_adjusted": row["p_adjusted"],
                "significant": bool(row["significant"])}  # fmt: skip
        key = (a, b)
        if key in records:  # the mirror rule: the same pair, perhaps another adjusted p
            seen = records[key]
            seen["p_value"] = min(seen["p_value"], pair["p_value"])
            seen["p_adjusted"] = min(seen["p_adjusted"], pair["p_adjusted"])
            seen["significant"] = seen["significant"] or pair["significant"]
        else:
            records[key] = pair
    table = pd.DataFrame(list(records.values()), columns=list(PAIR_COLUMNS))
    return sort_rules(table, sort)


def _side(row: dict, side: str) -> tuple[str, str]:
    """The name and category of a one-item side (the code, and "", without them)."""
    names = row.get(f"{side}_names")
    categories = row.get(f"{side}_categories")
    names = names if isinstance(names, (tuple, list)) else ()
    categories = categories if isinstance(categories, (tuple, list)) else ()
    return (str(names[0]) if len(names) else row[side][0],
            str(categories[0]) if len(categories) else "")  # fmt: skip
