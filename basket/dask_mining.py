"""Frequent itemsets counted on a Dask cluster, partition by partition.

The counting goes in three rounds over the partitions (:mod:`basket.partition_counts`), each a
per-partition sparse count summed across partitions: item counts, then the pairs of frequent
items, then the triples that extend frequent pairs. Only those sums come back to this process;
the receipts stay on the workers. The itemsets are those of the local sparse engine
(:func:`basket.counting.count_itemsets`): same counts, same order. What reading and the
filters dropped or left out is summed over the partitions, and the checks that need every
partition (an unknown store, no receipt left) are made on those sums, with the local messages.

Only this module imports dask and distributed, inside functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import reduce
from typing import Any

import numpy as np
import pandas as pd

from basket.describe import CatalogGaps, catalog_gaps
from basket.errors import ParameterError
from basket.mining import FrequentItemsets, check_thresholds, min_count_for
from basket.nonproduct import LeftOut
from basket.partition_counts import (
    Plan,
    Summary,
    add_keyed,
    add_sparse,
    count_pairs,
    count_triples,
    prepare,
    summarise,
)
from basket.partitions import ReceiptsDataset, split_receipts
from basket.receipts import Receipts

INSTALL = "Install them with pip install 'kori[dask]'"

# The order in which reading counts what it drops (basket.receipts), so that sums over
# partitions list them as one read of all the receipts does.
_READ_DROPS = ("lines without an item", "lines of excluded items", "lines without a receipt id",
               "receipts with only excluded or blank items", "return lines (negative quantity)",
               "repeated lines of an item on a receipt", "items returned on the same receipt",
               "cancelled receipts (nothing bought)")  # fmt: skip


@dataclass(frozen=True)
class CountedReceipts:
    """All the receipts mined, as counts: what the rules need of them once counted.

    Attributes
    ----------
    items : numpy.ndarray
        Item (or category) labels, sorted, as :class:`basket.receipts.Receipts` has them.
    counts : numpy.ndarray
        Receipts holding each.
    n_receipts : int
        Receipts mined.
    dropped : dict of str to int
        What was left out on the way, summed over the partitions.
    source : str
        The input's name, for messages.
    """

    items: np.ndarray
    counts: np.ndarray
    n_receipts: int
    dropped: dict[str, int] = field(default_factory=dict)
    source: str = "<receipts>"

    def item_counts(self) -> np.ndarray:
        """Receipts holding each item."""
        return self.counts


def mine_on_dask(
    receipts: Receipts | ReceiptsDataset,
    *,
    names: Mapping[str, str] | None = None,
    categories: Mapping[str, str] | None = None,
    level: str = "sku",
    stores: Sequence[str] = (),
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    exclude_pattern: Sequence[str] = (),
    min_support: float | None = 0.001,
    min_count: int | None = None,
    max_len: int = 3,
    algorithm: str = "fpgrowth",
    by: str | None = None,
    scheduler: str | None = None,
    jobs: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[CountedReceipts, LeftOut | None, CatalogGaps | None, FrequentItemsets]:
    """Filter and count receipts on a Dask cluster, as the local sparse engine would.

    Parameters
    ----------
    receipts : Receipts or ReceiptsDataset
        A dataset's files are read by the workers; receipts already read are cut into ``2 x
        jobs`` runs of whole receipts (at least 2) and scattered.
    scheduler : str, optional
        Address of a running scheduler (``tcp://10.0.0.5:8786``); without one a
        ``LocalCluster`` of ``jobs`` worker processes is started and stopped.
    jobs : int, default 2
        Workers of that local cluster.
    Other parameters
        As in :func:`basket.crosssell.find_rules`.

    Returns
    -------
    (CountedReceipts, LeftOut or None, CatalogGaps or None, FrequentItemsets)
        The receipts mined as counts, what ``exclude_pattern`` left out, the items the catalog
        lacks, and the frequent itemsets (engine ``"dask"``).

    Raises
    ------
    ParameterError
        If dask is not installed, an option cannot run on Dask (``by``, ``fpmax``, ``max_len``
        above 3), a threshold is out of range, or a filter matches nothing.
    SchemaError
        Naming the partition file, if a partition fails a check.
    """
    check_options(min_support=min_support, min_count=min_count, max_len=max_len,
                  algorithm=algorithm, by=by, level=level, jobs=jobs)  # fmt: skip
    plan = Plan(
        read=dict(receipts.options) if isinstance(receipts, ReceiptsDataset) else {},
        exclude_pattern=tuple(p for p in exclude_pattern if p),
        names=dict(names or {}),
        categories=dict(categories or {}),
        level=level,
        stores=tuple(stores),
        start=start,
        end=end,
    )
    with dask_client(scheduler, jobs) as client:
        parts: Sequence[Any]
        if isinstance(receipts, ReceiptsDataset):
            parts = receipts.files
        else:
            n_workers = max(1, len(client.scheduler_info().get("workers", {})))
            parts = client.scatter(split_receipts(receipts, max(2, 2 * n_workers)))
        return mine_partitions(_DaskRunner(client), parts, plan, source=receipts.source,
                               min_support=min_support, min_count=min_count, max_len=max_len,
                               algorithm=algorithm, progress=progress)  # fmt: skip


def check_options(
    *, min_support: float | None, min_count: int | None, max_len: int, algorithm: str,
    by: str | None, level: str, jobs: int,
) -> None:  # fmt: skip
    """Refuse what the Dask engine cannot do, before any cluster is started.

    Raises
    ------
    ParameterError
    """
    check_thresholds(min_support, min_count, max_len)
    if algorithm not in ("fpgrowth", "apriori") or max_len > 3:
        raise ParameterError(
            "the Dask engine counts itemsets of up to 3 items, and not maximal ones",
            fix="Use `engine='mlxtend'` (in one process) for longer or maximal itemsets",
        )
    if by:
        raise ParameterError(
            f"`by={by!r}` mines each period alone in one process, not on Dask",
            fix="Leave out `by`, or use `engine='sparse'`",
        )
    if level not in ("sku", "category"):
        raise ParameterError(f"unknown level {level!r}",
                             fix="Use `level='sku'` or `level='category'`")  # fmt: skip
    if jobs < 1:
        raise ParameterError(f"`jobs` must be at least 1, got {jobs}", fix="Pass e.g. `jobs=2`")


def mine_partitions(
    runner: Any,
    parts: Sequence[Any],
    plan: Plan,
    *,
    source: str,
    min_support: float | None,
    min_count: int | None,
    max_len: int,
    algorithm: str = "fpgrowth",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[CountedReceipts, LeftOut | None, CatalogGaps | None, FrequentItemsets]:
    """The three counting rounds over ``parts``, run by ``runner`` (:class:`LocalRunner` in
    this process, or on Dask), and the sums checked and turned into itemsets."""
    shared = runner.share(plan)
    prepared = runner.map(prepare, parts, shared)
    summaries: list[Summary] = runner.gather(runner.map(summarise, prepared))
    counted, left_out, gaps = _merge(summaries, plan, source)
    n = counted.n_receipts
    threshold = min_count if min_count is not None else min_count_for(min_support or 1.0, n)
    keep = counted.counts >= threshold
    frequent = counted.items[keep].astype(str)
    found = {(str(item),): int(count) for item, count in zip(frequent, counted.counts[keep])}
    steps = 1 + (max_len > 1) + (max_len > 2)
    _tell(progress, 1, steps)
    if max_len > 1 and len(frequent) >= 2:
        shared_frequent = runner.share(frequent)
        pair_matrix = runner.reduce(add_sparse, runner.map(count_pairs, prepared, shared_frequent))
        coo = pair_matrix.tocoo()
        wanted = coo.data >= threshold
        pairs = np.column_stack([coo.row[wanted], coo.col[wanted]]).astype(np.int64)
        order = np.lexsort((pairs[:, 1], pairs[:, 0]))
        pairs, pair_counts = pairs[order], coo.data[wanted][order]
        found.update({(str(frequent[a]), str(frequent[b])): int(c)
                      for (a, b), c in zip(pairs, pair_counts)})  # fmt: skip
        _tell(progress, 2, steps)
        if max_len > 2 and len(pairs) >= 3:
            shared_pairs = runner.share(pairs)
            keys, counts = runner.reduce(add_keyed, runner.map(count_triples, prepared,
                                                               shared_frequent, shared_pairs))
            wanted = counts >= threshold
            m = len(frequent)
            for key, count in zip(keys[wanted].tolist(), counts[wanted].tolist()):
                ab, c = divmod(key, m)
                a, b = divmod(ab, m)
                found[(str(frequent[a]), str(frequent[b]), str(frequent[c]))] = int(count)
            _tell(progress, 3, steps)
    itemsets = FrequentItemsets(counts=found, n_receipts=n, min_count=threshold,
                                engine="dask", algorithm=algorithm)  # fmt: skip
    return counted, left_out, gaps, itemsets


def _merge(
    summaries: list[Summary], plan: Plan, source: str
) -> tuple[CountedReceipts, LeftOut | None, CatalogGaps | None]:
    """The partitions' summaries as one read of all receipts, checked as the local engines
    check it (:meth:`basket.receipts.Receipts.filter`, :func:`basket.crosssell.select_receipts`)."""
    read: dict[str, int] = {}
    for summary in summaries:
        for what, n in summary.read_dropped.items():
            read[what] = read.get(what, 0) + n
    rank = {what: i for i, what in enumerate(_READ_DROPS)}
    dropped = {what: read[what] for what in sorted(read, key=lambda w: rank.get(w, len(rank)))}
    left_out = _left_out([s.left_out for s in summaries])
    if left_out is not None and left_out.lines:
        dropped["lines of items matching `exclude_pattern`"] = left_out.lines
    items, counts = _sum_counts([(s.items, s.counts) for s in summaries])
    # The catalog gaps are of every receipt read, before the store and period filters.
    everything = CountedReceipts(items, counts, 0, dropped, source)
    gaps = catalog_gaps(everything, plan.names, plan.categories,  # type: ignore[arg-type]
                        level=plan.level)
    if plan.stores:
        if any(s.stores is None for s in summaries):
            raise ParameterError("the receipts have no store column to filter on", source=source,
                                 fix="Map it with `store`, or leave out `stores`")  # fmt: skip
        seen = set().union(*(s.stores or frozenset() for s in summaries))
        unknown = sorted(set(plan.stores) - seen)
        if unknown:
            raise ParameterError(f"no receipts of store {unknown[0]!r}", source=source,
                                 where=f"stores: {', '.join(sorted(seen)[:10])}",
                                 fix="Use one of those")  # fmt: skip
    if (plan.start is not None or plan.end is not None) and not all(s.timestamps
                                                                    for s in summaries):
        raise ParameterError("the receipts have no timestamps to filter a period on",
                             source=source,
                             fix="Map one with `timestamp`, or leave out `start` and `end`")
    n = sum(s.n_receipts for s in summaries)
    if n == 0:
        raise ParameterError("no receipts are left after the store and period filters",
                             source=source,
                             fix="Widen `start`/`end` or check `stores`")
    if plan.level == "category":
        if not plan.categories:
            raise ParameterError("mining categories needs a catalog with a category column",
                                 fix="Pass a `catalog` with a category column")  # fmt: skip
        missing = int(sum(str(item) not in plan.categories for item in items))
        if missing:
            dropped["items without category"] = missing
        groups = np.unique(np.array([plan.categories.get(str(i), str(i)) for i in items],
                                    dtype=object).astype(str))  # fmt: skip
    else:
        groups = items
    mined, mined_counts = _sum_counts([(s.mined, s.mined_counts) for s in summaries])
    totals = np.zeros(len(groups), dtype=np.int64)
    if len(mined):
        totals[np.searchsorted(groups, mined)] = mined_counts
    return CountedReceipts(groups, totals, n, dropped, source), left_out, gaps


def _sum_counts(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Labels (the union, sorted) and the sum of their counts over the parts."""
    labels = np.concatenate([np.asarray(items, dtype=str) for items, _ in parts])
    counts = np.concatenate([np.asarray(c, dtype=np.int64) for _, c in parts])
    unique, inverse = np.unique(labels, return_inverse=True)
    total = np.zeros(len(unique), dtype=np.int64)
    np.add.at(total, inverse, counts)
    return unique, total


def _left_out(parts: list[LeftOut | None]) -> LeftOut | None:
    """What ``exclude_pattern`` left out of each partition, as one: a pattern matched no item
    when it matched none in any partition."""
    found = [part for part in parts if part is not None]
    if not found:
        return None
    items: dict[str, str] = {}
    for part in found:
        items.update(part.items)
    unmatched = tuple(p for p in found[0].patterns if all(p in part.unmatched for part in found))
    return replace(found[0], items=dict(sorted(items.items())),
                   lines=sum(part.lines for part in found),
                   emptied=sum(part.emptied for part in found), unmatched=unmatched)  # fmt: skip


def _tell(progress: Callable[[int, int], None] | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


class LocalRunner:
    """Runs the rounds in this process: each partition in turn, sums folded left to right."""

    def share(self, value: Any) -> Any:
        return value

    def map(self, function: Callable[..., Any], parts: Sequence[Any], *args: Any) -> list[Any]:
        return [function(part, *args) for part in parts]

    def gather(self, results: list[Any]) -> list[Any]:
        return results

    def reduce(self, add: Callable[[Any, Any], Any], results: list[Any]) -> Any:
        return reduce(add, results)


class _DaskRunner:
    """Runs the rounds on a Dask client: the shared values scattered to every worker once, the
    partitions' results kept on the workers and summed pairwise there (a tree), so that only the
    final sum comes back."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def share(self, value: Any) -> Any:
        return self.client.scatter(value, broadcast=True, hash=False)

    def map(self, function: Callable[..., Any], parts: Sequence[Any], *args: Any) -> list[Any]:
        return self.client.map(function, parts, *[[arg] * len(parts) for arg in args],
                               pure=False)  # fmt: skip

    def gather(self, results: list[Any]) -> list[Any]:
        return self.client.gather(results)

    def reduce(self, add: Callable[[Any, Any], Any], results: list[Any]) -> Any:
        while len(results) > 1:
            paired = [self.client.submit(add, results[i], results[i + 1], pure=False)
                      for i in range(0, len(results) - 1, 2)]  # fmt: skip
            results = paired + results[len(results) - len(results) % 2 :]
        return results[0].result()


@contextmanager
def dask_client(scheduler: str | None, jobs: int = 2) -> Iterator[Any]:
    """A Dask client of the scheduler at ``scheduler``, or of a local cluster of ``jobs`` worker
    processes started for it; closed (and the local cluster stopped) on leaving.

    Raises
    ------
    ParameterError
        If dask or distributed is not installed, or the scheduler cannot be reached.
    """
    try:
        import distributed
    except ImportError:
        raise ParameterError("the Dask engine needs dask and distributed", fix=INSTALL) from None
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise ParameterError(
                f"cannot reach the Dask scheduler at {scheduler!r} ({exc})",
                fix="Check `scheduler` (an address such as tcp://10.0.0.5:8786), or leave it "
                "out to start a local cluster",
            ) from None
        with client:
            yield client
        return
    import logging

    # The workers' own log of a task that raised would repeat the one-line error on stderr.
    # Port 0 for the scheduler's HTTP server: with no port given it takes 8787 and warns when
    # another cluster holds it.
    with distributed.LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.CRITICAL
                                  ) as cluster, distributed.Client(cluster) as client:  # fmt: skip
        yield client
