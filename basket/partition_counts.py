"""What one worker does with one partition of receipts: read, filter, count.

Each function takes one partition and returns a small result that sums across partitions:
:func:`prepare` reads and filters it (as :func:`basket.crosssell.find_rules` filters all the
receipts: ``exclude_pattern``, stores, period, level) and says what it holds;
:func:`count_pairs` counts the pairs of frequent items its receipts hold, as a sparse upper
triangle; :func:`count_triples` counts the triples that extend frequent pairs. Receipts never
span two partitions, so the sums are the counts of all the receipts (:mod:`basket.counting`
does the same products on one matrix).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from basket.nonproduct import LeftOut, leave_out
from basket.partitions import PartitionFile, read_partition
from basket.receipts import Receipts

if TYPE_CHECKING:
    from scipy import sparse


@dataclass(frozen=True)
class Plan:
    """How every partition is read and filtered (shipped once to each worker)."""

    read: dict[str, Any] = field(default_factory=dict)
    exclude_pattern: tuple[str, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    level: str = "sku"
    stores: tuple[str, ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None


@dataclass(frozen=True)
class Summary:
    """What one partition holds, small enough to gather from every worker.

    ``items``/``counts`` are the items left after ``exclude_pattern`` and the receipts holding
    each before the store and period filters (for the catalog gaps); ``mined``/``mined_counts``
    and ``n_receipts`` are those of the receipts mined (filtered, at the level asked).
    """

    read_dropped: dict[str, int]
    left_out: LeftOut | None
    items: np.ndarray
    counts: np.ndarray
    stores: frozenset[str] | None
    timestamps: bool
    mined: np.ndarray
    mined_counts: np.ndarray
    n_receipts: int


@dataclass(frozen=True)
class Prepared:
    """A partition's receipts ready to count (kept on its worker), and its summary."""

    receipts: Receipts
    summary: Summary


def prepare(part: PartitionFile | Receipts, plan: Plan) -> Prepared:
    """Read (a file) and filter one partition as the local engines filter all receipts.

    The store and period filters keep what they match without refusing an unknown store or a
    missing column here: those are judged over all partitions (by the caller).

    Raises
    ------
    SchemaError
        Naming the partition file, if a line fails a check of :func:`basket.receipts.from_long`.
    ParameterError
        If an ``exclude_pattern`` is not a regular expression.
    """
    receipts = read_partition(part, plan.read) if isinstance(part, PartitionFile) else part
    read_dropped = dict(receipts.dropped)
    receipts, left_out = leave_out(receipts, plan.exclude_pattern, plan.names)
    items, counts = receipts.items, receipts.item_counts()
    keep = np.ones(receipts.n_receipts, dtype=bool)
    if plan.stores and receipts.stores is not None:
        keep &= np.isin(receipts.stores, list(plan.stores))
    if (plan.start is not None or plan.end is not None) and receipts.timestamps is not None:
        days = receipts.timestamps.normalize()
        if plan.start is not None:
            keep &= np.asarray(days >= plan.start)
        if plan.end is not None:
            keep &= np.asarray(days <= plan.end)
    mined = receipts.select(keep)
    if plan.level == "category" and plan.categories:
        mined = mined.to_level(plan.categories)
    summary = Summary(
        read_dropped=read_dropped,
        left_out=left_out,
        items=items,
        counts=counts,
        stores=None if receipts.stores is None else frozenset(map(str, receipts.stores)),
        timestamps=receipts.timestamps is not None,
        mined=mined.items,
        mined_counts=mined.item_counts(),
        n_receipts=mined.n_receipts,
    )
    return Prepared(receipts=mined, summary=summary)


def summarise(prepared: Prepared) -> Summary:
    """The summary of a prepared partition (what the driver gathers)."""
    return prepared.summary


def frequent_rows(receipts: Receipts, frequent: np.ndarray) -> sparse.csr_matrix:
    """Receipts x frequent items (0/1, int32), columns in the order of ``frequent`` (sorted)."""
    from scipy import sparse

    items = receipts.items.astype(str)
    where = np.searchsorted(frequent, items)
    hit = where < len(frequent)
    hit[hit] = frequent[where[hit]] == items[hit]
    coo = receipts.matrix[:, np.flatnonzero(hit)].tocoo()
    return sparse.csr_matrix(
        (np.ones(coo.nnz, dtype=np.int32), (coo.row, where[hit][coo.col])),
        shape=(receipts.n_receipts, len(frequent)),
    )


def count_pairs(prepared: Prepared, frequent: np.ndarray) -> sparse.csr_matrix:
    """Receipts of the partition holding each pair of frequent items: the upper triangle
    (``i < j``) of a frequent x frequent count matrix, no threshold applied."""
    from scipy import sparse

    rows = frequent_rows(prepared.receipts, frequent)
    return sparse.triu(rows.T.tocsr() @ rows, k=1, format="csr")


def count_triples(
    prepared: Prepared, frequent: np.ndarray, pairs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Receipts of the partition holding each triple ``a < b < c`` of frequent items whose
    three pairs are frequent (``pairs``: frequent pairs ``(a, b)``, sorted), no threshold.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Keys ``(a x F + b) x F + c`` (F frequent items) and counts, keys sorted.
    """
    from scipy import sparse

    n = len(frequent)
    rows = frequent_rows(prepared.receipts, frequent)
    columns = rows.tocsc()
    pair_keys = pairs[:, 0].astype(np.int64) * n + pairs[:, 1]
    starts, first = np.unique(pairs[:, 0], return_index=True)
    keys, counts = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for a, lo, hi in zip(starts, first, [*first[1:], len(pairs)]):
        holders = columns.indices[columns.indptr[a] : columns.indptr[a + 1]]
        if hi - lo < 2 or len(holders) < 2:
            continue
        candidates = pairs[lo:hi, 1].astype(np.int64)
        sub = rows[holders][:, candidates]
        product = sparse.triu(sub.T.tocsr() @ sub, k=1).tocoo()
        b, c = candidates[product.row], candidates[product.col]
        keep = np.isin(b * n + c, pair_keys)
        keys.append((int(a) * n + b[keep]) * n + c[keep])
        counts.append(product.data[keep].astype(np.int64))
    return add_keyed((np.concatenate(keys), np.concatenate(counts)))


def add_keyed(*parts: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Keyed counts summed: the union of the keys (sorted), each with its total."""
    keys = np.concatenate([k for k, _ in parts])
    counts = np.concatenate([c for _, c in parts])
    unique, inverse = np.unique(keys, return_inverse=True)
    total = np.zeros(len(unique), dtype=np.int64)
    np.add.at(total, inverse, counts)
    return unique, total


def add_sparse(left: sparse.csr_matrix, right: sparse.csr_matrix) -> sparse.csr_matrix:
    """Two count matrices summed."""
    return (left + right).tocsr()
