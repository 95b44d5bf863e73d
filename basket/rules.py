"""Association rules from frequent itemsets, with every measure, significance and redundancy.

Rules follow arules: the consequent has one item (more with ``max_consequent_len``), the
antecedent is never empty, and a rule is kept when its confidence reaches the threshold (ties
kept; compared exactly, not in floating point).

Whether a rule is real is a one-sided Fisher exact test of "the consequent is more frequent
with the antecedent than without". A rule with several items on the left must also be
*productive* (Webb 2007): each of its items must raise the confidence among the receipts that
hold the others, or "ham and cucumber -> mustard" would look as real as "ham -> mustard" only
because of the ham. The rule's p-value is the largest of these tests, corrected for the number
of rules tested. A rule is redundant when a more general rule with the same consequent (a subset
of its antecedent, the empty one included) is at least as confident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

import numpy as np
import pandas as pd

from basket.errors import ParameterError
from basket.fisher import upper_tail
from basket.mining import FrequentItemsets

CORRECTIONS = ("holm", "bh", "bonferroni", "none")
RULE_COLUMNS = (
    "antecedent", "consequent", "length", "receipts",
    "antecedent_count", "consequent_count", "count",
    "antecedent_support", "consequent_support", "support",
    "confidence", "lift", "leverage", "conviction", "zhangs_metric", "jaccard", "certainty",
    "kulczynski", "p_value", "p_adjusted", "significant", "redundant",
)  # fmt: skip
"""The columns of a rules table, in order (item names and categories are added by ``describe``)."""
INSIGNIFICANT_KEPT = 50
"""Most rules left out as not significant that :attr:`RuleSet.insignificant` keeps: enough for
a report's few strongest after its filters, few enough to cost nothing beside the mining."""


@dataclass(frozen=True)
class RuleSet:
    """Rules and what it took to find them.

    Attributes
    ----------
    rules : pandas.DataFrame
        One row per rule, columns :data:`RULE_COLUMNS`, sorted by lift then count (descending).
        ``antecedent`` and ``consequent`` hold sorted tuples of item labels.
    tested : int
        Rules that met the support and confidence thresholds, before the significance and
        redundancy filters (the number the p-values were corrected for).
    removed : dict of str to int
        Rules left out and why: ``"not significant"``, ``"redundant"``, ``"below min lift"``.
    tested_items : frozenset of str
        Items in a rule that met the confidence threshold (a rule tested).
    significant_items : frozenset of str
        Items in a significant rule tested, kept or not.
    insignificant : pandas.DataFrame or None
        The strongest rules the significance test left out (at most :data:`INSIGNIFICANT_KEPT`,
        columns :data:`RULE_COLUMNS`, in the order of ``rules``): those ``max_p=1`` would add,
        so that a report left with no rule can show what chance alone would have given.
        ``None`` with ``max_p=1``.
    """

    rules: pd.DataFrame
    tested: int
    removed: dict[str, int] = field(default_factory=dict)
    tested_items: frozenset[str] = frozenset()
    significant_items: frozenset[str] = frozenset()
    insignificant: pd.DataFrame | None = None


def association_rules(
    itemsets: FrequentItemsets,
    *,
    min_confidence: float = 0.1,
    min_lift: float | None = None,
    max_consequent_len: int = 1,
    max_p: float = 0.05,
    correction: str = "holm",
    keep_redundant: bool = False,
) -> RuleSet:
    """Rules ``antecedent -> consequent`` from frequent itemsets.

    Parameters
    ----------
    itemsets : FrequentItemsets
        From :func:`basket.mining.frequent_itemsets` (not maximal ones: rules need the counts
        of every subset).
    min_confidence : float, default 0.1
        Keep rules whose confidence is at least this, in [0, 1].
    min_lift : float, optional
        Keep rules whose lift is at least this.
    max_consequent_len : int, default 1
        Most items in the consequent.
    max_p : float, default 0.05
        Keep rules whose corrected p-value is at most this; 1 keeps all.
    correction : {"holm", "bh", "bonferroni", "none"}
        Multiple-testing correction of the Fisher p-values over all rules tested.
    keep_redundant : bool, default False
        Keep redundant rules (marked in the ``redundant`` column).

    Returns
    -------
    RuleSet

    Raises
    ------
    ParameterError
        If a threshold is out of range, the correction unknown, or the itemsets are maximal.

    Examples
    --------
    >>> from basket.mining import FrequentItemsets
    >>> counts = {("a",): 60, ("b",): 50, ("a", "b"): 40}
    >>> found = FrequentItemsets(counts, n_receipts=100, min_count=1, engine="sparse",
    ...                          algorithm="fpgrowth")
    >>> association_rules(found, min_confidence=0.5, max_p=1).rules[["antecedent", "confidence"]]
      antecedent  confidence
    0       (b,)    0.800000
    1       (a,)    0.666667
    """
    check_rule_thresholds(min_confidence=min_confidence, min_lift=min_lift,
                          max_consequent_len=max_consequent_len, max_p=max_p,
                          correction=correction)  # fmt: skip
    if itemsets.algorithm == "fpmax":
        raise ParameterError(
            "maximal itemsets lack the counts of their subsets that rules need",
            fix="Mine rules with `algorithm='fpgrowth'` or `algorithm='apriori'`",
        )
    counts = itemsets.counts
    n = itemsets.n_receipts
    rows = _candidate_rules(counts, min_confidence, max_consequent_len)
    rules = _measures(rows, n)
    rules["p_value"] = np.maximum(rules["p_value"].to_numpy(), _productivity_p(rules, counts))
    tested = len(rules)
    rules["p_adjusted"] = adjust(rules["p_value"].to_numpy(), correction)
    rules["significant"] = rules["p_adjusted"].to_numpy() <= max_p
    rules["redundant"] = _redundant(rules, counts, n)
    tested_items, significant_items = _items(rules), _items(rules[rules["significant"]])
    removed: dict[str, int] = {}
    keep = np.ones(len(rules), dtype=bool)
    if min_lift is not None:
        low = rules["lift"].to_numpy() < min_lift
        removed["below min lift"] = int(low.sum())
        keep &= ~low
    insignificant = None
    if max_p < 1:
        weak = ~rules["significant"].to_numpy() & keep
        removed["not significant"] = int(weak.sum())
        keep &= ~weak
        # What `max_p=1` would add: the weak rules that the redundancy filter keeps.
        shown = weak & (keep_redundant | ~rules["redundant"].to_numpy())
        insignificant = _strongest(rules[shown], INSIGNIFICANT_KEPT)[list(RULE_COLUMNS)]
    if not keep_redundant:
        redundant = rules["redundant"].to_numpy() & keep
        removed["redundant"] = int(redundant.sum())
        keep &= ~redundant
    rules = _strongest(rules[keep])
    return RuleSet(rules=rules[list(RULE_COLUMNS)], tested=tested, removed=removed,
                   tested_items=tested_items, significant_items=significant_items,
                   insignificant=insignificant)  # fmt: skip


def _strongest(rules: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """Rules by lift then count (descending), then sides; only the first ``top`` if given.

    With ``top``, only the rules whose lift reaches the ``top``-th largest are sorted (whole
    sides compare as Python tuples, slowly), so keeping a few of many rules costs little.
    """
    if top is not None and len(rules) > top:
        lift = rules["lift"].to_numpy()
        rules = rules[lift >= np.partition(lift, len(lift) - top)[len(lift) - top]]
    rules = rules.sort_values(
        ["lift", "count", "antecedent", "consequent"],
        ascending=[False, False, True, True],
        ignore_index=True,
        kind="stable",
    )
    return rules if top is None else rules.head(top)


def _items(rules: pd.DataFrame) -> frozenset[str]:
    """The items on either side of some rule."""
    sides = pd.concat([rules["antecedent"], rules["consequent"]], ignore_index=True)
    return frozenset(sides.explode().dropna())


def check_rule_thresholds(
    *,
    min_confidence: float = 0.1,
    min_lift: float | None = None,
    max_consequent_len: int = 1,
    max_p: float = 0.05,
    correction: str = "holm",
) -> None:
    """Refuse rule thresholds outside their range, with the fix, before any mining.

    Ranges: ``min_confidence`` in [0, 1], ``min_lift`` at least 0, ``max_consequent_len`` at
    least 1, ``max_p`` in (0, 1]; ``nan`` is out of every range.

    Raises
    ------
    ParameterError
    """
    if not 0 <= min_confidence <= 1:
        raise ParameterError(
            f"minimum confidence must be in [0, 1], got {min_confidence}",
            fix="Pass e.g. `min_confidence=0.2`",
        )
    if min_lift is not None and not min_lift >= 0:
        raise ParameterError(f"minimum lift must be 0 or more, got {min_lift}",
                             fix="Pass e.g. `min_lift=1.5`")  # fmt: skip
    if max_consequent_len < 1:
        raise ParameterError(
            f"the consequent needs at least one item, got {max_consequent_len}",
            fix="Pass `max_consequent_len` 1 or more",
        )
    if not 0 < max_p <= 1:
        raise ParameterError(f"the largest p-value kept must be in (0, 1], got {max_p}",
                             fix="Pass e.g. `max_p=0.05`, or 1 to keep all rules")  # fmt: skip
    if correction not in CORRECTIONS:
        raise ParameterError(f"unknown correction {correction!r}",
                             fix=f"Use one of {', '.join(CORRECTIONS)}")  # fmt: skip


def _candidate_rules(
    counts: dict[tuple[str, ...], int], min_confidence: float, max_consequent_len: int
) -> list[tuple[tuple[str, ...], tuple[str, ...], int, int, int]]:
    """(antecedent, consequent, antecedent count, consequent count, count) meeting confidence."""
    threshold = Fraction(str(min_confidence))
    p, q = threshold.numerator, threshold.denominator
    rows = []
    for itemset, n_both in counts.items():
        size = len(itemset)
        for k in range(1, min(max_consequent_len, size - 1) + 1):
            for consequent in combinations(itemset, k):
                antecedent = tuple(item for item in itemset if item not in consequent)
                n_antecedent = counts[antecedent]
                if n_both * q >= p * n_antecedent:  # confidence >= threshold, exactly
                    rows.append((antecedent, consequent, n_antecedent, counts[consequent],
                                 n_both))  # fmt: skip
    return rows


def _measures(
    rows: list[tuple[tuple[str, ...], tuple[str, ...], int, int, int]], n: int
) -> pd.DataFrame:
    """Support, confidence, lift and the other measures (as arules and mlxtend define them)."""
    a = np.array([r[2] for r in rows], dtype=float)
    c = np.array([r[3] for r in rows], dtype=float)
    both = np.array([r[4] for r in rows], dtype=float)
    s_a, s_c, s = a / n, c / n, both / n
    with np.errstate(divide="ignore", invalid="ignore"):
        confidence = both / a
        lift = confidence / s_c
        leverage = s - s_a * s_c
        conviction = np.where(confidence >= 1, np.inf, (1 - s_c) / (1 - confidence))
        zhang = leverage / np.maximum(s * (1 - s_a), s_a * (s_c - s))
        jaccard = s / (s_a + s_c - s)
        certainty = np.where(s_c >= 1, 0.0, (confidence - s_c) / (1 - s_c))
        kulczynski = (confidence + both / c) / 2
    # P(at least `both` receipts with both sides | the sides are independent): the upper tail
    # of the hypergeometric distribution, a one-sided Fisher exact test.
    p_value = upper_tail(both, n, c, a)
    return pd.DataFrame(
        {
            "antecedent": pd.Series([r[0] for r in rows], dtype=object),
            "consequent": pd.Series([r[1] for r in rows], dtype=object),
            "length": np.array([len(r[0]) + len(r[1]) for r in rows], dtype=np.int64),
            "receipts": np.full(len(rows), n, dtype=np.int64),
            "antecedent_count": a.astype(np.int64),
            "consequent_count": c.astype(np.int64),
            "count": both.astype(np.int64),
            "antecedent_support": s_a,
            "consequent_support": s_c,
            "support": s,
            "confidence": confidence,
            "lift": lift,
            "leverage": leverage,
            "conviction": conviction,
            "zhangs_metric": np.nan_to_num(zhang, nan=0.0),
            "jaccard": jaccard,
            "certainty": certainty,
            "kulczynski": kulczynski,
            "p_value": np.clip(p_value, 0.0, 1.0),
        }
    )


def _productivity_p(rules: pd.DataFrame, counts: dict[tuple[str, ...], int]) -> np.ndarray:
    """Largest p-value of "item z raises the confidence", over the items z of each antecedent.

    Among the receipts holding the antecedent without z, those with z are a draw; the test is
    whether they hold the consequent more often than the rest (hypergeometric upper tail).
    """
    rows, population, successes, draws, hits = [], [], [], [], []
    for row, (antecedent, consequent, n_both) in enumerate(
        zip(rules["antecedent"], rules["consequent"], rules["count"])
    ):
        if len(antecedent) < 2:
            continue
        n_antecedent = counts[antecedent]
        for z in antecedent:
            rest = tuple(item for item in antecedent if item != z)
            rows.append(row)
            population.append(counts[rest])
            successes.append(counts[tuple(sorted(rest + consequent))])
            draws.append(n_antecedent)
            hits.append(n_both)
    worst = np.zeros(len(rules))
    if rows:
        p = upper_tail(np.array(hits), population, successes, draws)
        np.maximum.at(worst, np.array(rows), np.clip(p, 0.0, 1.0))
    return worst


def adjust(p_values: np.ndarray, correction: str) -> np.ndarray:
    """Correct p-values for multiple testing.

    Parameters
    ----------
    p_values : numpy.ndarray
        Raw p-values.
    correction : {"holm", "bh", "bonferroni", "none"}
        Holm's step-down (controls the family-wise error rate), Benjamini-Hochberg (the false
        discovery rate), Bonferroni, or none.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, in the input's order, capped at 1.
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if m == 0 or correction == "none":
        return p.copy()
    if correction == "bonferroni":
        return np.minimum(p * m, 1.0)
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if correction == "holm":
        adjusted = np.maximum.accumulate(ranked * (m - np.arange(m)))
    else:  # Benjamini-Hochberg
        adjusted = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def _redundant(rules: pd.DataFrame, counts: dict[tuple[str, ...], int], n: int) -> np.ndarray:
    """A rule is redundant when a rule with a smaller antecedent is at least as confident."""
    flags = np.zeros(len(rules), dtype=bool)
    for row, (antecedent, consequent, confidence) in enumerate(
        zip(rules["antecedent"], rules["consequent"], rules["confidence"])
    ):
        best = counts[consequent] / n  # the empty antecedent: the consequent's own support
        for size in range(1, len(antecedent)):
            for general in combinations(antecedent, size):
                both = tuple(sorted(general + consequent))
                best = max(best, counts[both] / counts[general])
        flags[row] = confidence <= best
    return flags
