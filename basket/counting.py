"""Counting frequent itemsets of up to three items with sparse matrix products.

The common case of cross-selling (pairs and triples) needs no tree: with ``X`` the receipt x
item 0/1 matrix restricted to frequent items, ``X.T @ X`` holds every pair count, and for each
item ``a`` the same product over the receipts holding ``a`` holds every triple count that starts
with ``a``. Only candidates whose every sub-pair is frequent are kept (the Apriori property),
so the result is exactly that of FP-growth with ``max_len <= 3``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from collections.abc import Callable

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

Itemsets = dict[tuple[int, ...], int]
"""Frequent itemsets: sorted tuples of item columns -> number of receipts holding them."""


def count_itemsets(
    matrix: sparse.csr_matrix,
    min_count: int,
    max_len: int,
    progress: Callable[[int, int], None] | None = None,
) -> Itemsets:
    """Every itemset of 1 to ``max_len`` (at most 3) items held by at least ``min_count`` receipts.

    Parameters
    ----------
    matrix : scipy.sparse.csr_matrix
        Receipts x items, 0/1.
    min_count : int
        Minimum number of receipts (at least 1).
    max_len : int
        Largest itemset size, 1 to 3.
    progress : callable, optional
        Called as ``progress(done, total)`` while triples are counted.

    Returns
    -------
    dict of tuple of int to int
        Item columns (ascending) to counts.
    """
    if not 1 <= max_len <= 3:
        raise ValueError("the sparse counter handles itemsets of 1 to 3 items")
    counts = np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64)
    frequent = np.flatnonzero(counts >= min_count)
    found: Itemsets = {(int(i),): int(counts[i]) for i in frequent}
    if max_len == 1 or len(frequent) < 2:
        return found
    rows = matrix[:, frequent].tocsr().astype(np.int32)
    columns = rows.tocsc()
    pairs, pair_counts = _upper_counts(columns.T @ columns, min_count)
    for (a, b), n in zip(pairs, pair_counts):
        found[(int(frequent[a]), int(frequent[b]))] = int(n)
    if max_len == 2 or len(pairs) < 3:
        return found
    partners: dict[int, list[int]] = {}
    for a, b in pairs:
        partners.setdefault(int(a), []).append(int(b))
    frequent_pair = {(int(a), int(b)) for a, b in pairs}
    starts = [a for a, bs in partners.items() if len(bs) >= 2]
    for done, a in enumerate(starts, start=1):
        candidates = np.array(partners[a])
        holders = columns.indices[columns.indptr[a] : columns.indptr[a + 1]]
        sub = rows[holders][:, candidates]
        for (i, j), count in zip(*_upper_counts(sub.T @ sub, min_count)):
            b, c = int(candidates[i]), int(candidates[j])
            if (b, c) in frequent_pair:
                found[(int(frequent[a]), int(frequent[b]), int(frequent[c]))] = int(count)
        if progress is not None:
            progress(done, len(starts))
    return found


def _upper_counts(product: sparse.csr_matrix, min_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of a symmetric count matrix with a count of at least ``min_count``."""
    coo = product.tocoo()
    keep = (coo.row < coo.col) & (coo.data >= min_count)
    pairs = np.column_stack([coo.row[keep], coo.col[keep]])
    order = np.lexsort((pairs[:, 1], pairs[:, 0])) if len(pairs) else np.arange(0)
    return pairs[order], coo.data[keep][order]
