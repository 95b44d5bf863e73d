"""Frequent itemsets: the one place that talks to mlxtend.

Thresholds count like arules: an itemset is frequent when at least ``ceil(min_support x
receipts)`` receipts hold it, computed exactly (support 0.001 of 9,835 receipts means 10, not
9.835). Items below that count are dropped before mining, and mlxtend gets a sparse frame of the
rest, never a dense one-hot frame of every item. For itemsets of up to three items the default
engine counts with sparse matrix products instead (:mod:`basket.counting`), which gives the
same itemsets as mlxtend's FP-growth in a fraction of the time and memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from collections.abc import Callable

import numpy as np

from basket.counting import count_itemsets
from basket.errors import ParameterError
from basket.receipts import Receipts

ALGORITHMS = ("fpgrowth", "apriori", "fpmax")
ENGINES = ("auto", "sparse", "mlxtend")


@dataclass(frozen=True)
class FrequentItemsets:
    """Frequent itemsets and how they were found.

    Attributes
    ----------
    counts : dict of tuple of str to int
        Item labels (sorted) to the number of receipts holding all of them.
    n_receipts : int
        Receipts mined.
    min_count : int
        The count threshold applied.
    engine : str
        ``"sparse"`` or ``"mlxtend"``.
    algorithm : str
        ``"fpgrowth"``, ``"apriori"`` or ``"fpmax"`` (maximal itemsets only).
    """

    counts: dict[tuple[str, ...], int]
    n_receipts: int
    min_count: int
    engine: str
    algorithm: str


def min_count_for(min_support: float, n_receipts: int) -> int:
    """The count threshold of a support threshold: ``ceil(min_support x n)``, exactly.

    Examples
    --------
    >>> min_count_for(0.001, 9835)
    10
    >>> min_count_for(0.0005, 200_000)
    100
    """
    return max(1, math.ceil(Fraction(str(min_support)) * n_receipts))


def check_thresholds(
    min_support: float | None, min_count: int | None, max_len: int
) -> None:
    """Refuse thresholds outside their range, with the fix.

    Raises
    ------
    ParameterError
    """
    if min_support is not None and not 0 < min_support <= 1:
        raise ParameterError(
            f"minimum support must be in (0, 1], got {min_support}",
            fix="Give a fraction of receipts such as 0.001, or a count with `min_count`",
        )
    if min_count is not None and min_count < 1:
        raise ParameterError(
            f"minimum count must be at least 1, got {min_count}", fix="Pass e.g. `min_count=10`"
        )
    if max_len < 1:
        raise ParameterError(
            f"maximum length must be at least 1, got {max_len}", fix="Pass e.g. `max_len=3`"
        )


def frequent_itemsets(
    receipts: Receipts,
    *,
    min_support: float | None = 0.001,
    min_count: int | None = None,
    max_len: int = 3,
    algorithm: str = "fpgrowth",
    engine: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> FrequentItemsets:
    """Find the itemsets held by enough receipts.

    Parameters
    ----------
    receipts : Receipts
        The receipts to mine.
    min_support : float, default 0.001
        Minimum share of receipts, in (0, 1]; ignored when ``min_count`` is given.
    min_count : int, optional
        Minimum number of receipts.
    max_len : int, default 3
        Largest itemset.
    algorithm : {"fpgrowth", "apriori", "fpmax"}
        mlxtend's algorithm; ``fpmax`` returns maximal itemsets only.
    engine : {"auto", "sparse", "mlxtend"}
        ``auto`` counts with sparse products when ``algorithm`` is fpgrowth or apriori and
        ``max_len <= 3``, and hands everything else to mlxtend.
    progress : callable, optional
        ``progress(done, total)`` while counting.

    Returns
    -------
    FrequentItemsets

    Raises
    ------
    ParameterError
        If a threshold is out of range, or the algorithm or engine is unknown or cannot do what
        is asked (the sparse engine with ``max_len > 3`` or ``fpmax``).
    """
    check_thresholds(min_support, min_count, max_len)
    if algorithm not in ALGORITHMS:
        raise ParameterError(f"unknown algorithm {algorithm!r}", fix=f"Use one of {ALGORITHMS}")
    if engine not in ENGINES:
        raise ParameterError(f"unknown engine {engine!r}", fix=f"Use one of {ENGINES}")
    n = receipts.n_receipts
    threshold = min_count if min_count is not None else min_count_for(min_support or 1.0, n)
    sparse_ok = algorithm != "fpmax" and max_len <= 3
    if engine == "sparse" and not sparse_ok:
        raise ParameterError(
            "the sparse engine counts itemsets of up to 3 items, and not maximal ones",
            fix="Use `engine='mlxtend'` (or `engine='auto'`) for longer or maximal itemsets",
        )
    use_sparse = engine == "sparse" or (engine == "auto" and sparse_ok)
    if use_sparse:
        by_column = count_itemsets(receipts.matrix, threshold, max_len, progress)
    else:
        by_column = _mlxtend_itemsets(receipts, threshold, max_len, algorithm)
    labels = receipts.items
    counts = {
        tuple(sorted(str(labels[i]) for i in columns)): n_held
        for columns, n_held in by_column.items()
    }
    return FrequentItemsets(
        counts=counts,
        n_receipts=n,
        min_count=threshold,
        engine="sparse" if use_sparse else "mlxtend",
        algorithm=algorithm,
    )


def _mlxtend_itemsets(
    receipts: Receipts, min_count: int, max_len: int, algorithm: str
) -> dict[tuple[int, ...], int]:
    import pandas as pd
    from mlxtend.frequent_patterns import apriori, fpgrowth, fpmax

    counts = receipts.item_counts()
    frequent = np.flatnonzero(counts >= min_count)
    if len(frequent) == 0:
        return {}
    n = receipts.n_receipts
    frame = pd.DataFrame.sparse.from_spmatrix(receipts.matrix[:, frequent].astype(bool))
    # mlxtend takes ceil(min_support * n) itself: half a receipt below the count keeps the
    # float product from rounding up past it.
    support = (min_count - 0.5) / n
    mine = {"fpgrowth": fpgrowth, "apriori": apriori, "fpmax": fpmax}[algorithm]
    found = mine(frame, min_support=support, use_colnames=False, max_len=max_len)
    return {
        tuple(sorted(int(frequent[i]) for i in itemset)): int(round(s * n))
        for itemset, s in zip(found["itemsets"], found["support"])
    }
