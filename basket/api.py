"""One call per capability of :mod:`basket`, beside :func:`basket.crosssell.find_rules`.

Each returns a result with the ``table`` a command writes and the ``summary()`` lines it prints:

>>> from basket import find_rules, read_receipts, recommend_for     # doctest: +SKIP
>>> receipts = read_receipts(frame)
>>> recommend_for(["salmon"], receipts=receipts, catalog=catalog).table
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import pandas as pd

from basket.crosssell import RuleReport, find_rules, select_receipts
from basket.describe import catalog_gaps, catalog_maps, item_map, itemsets_table, read_rules
from basket.errors import ParameterError
from basket.mining import frequent_itemsets
from basket.partitions import ReceiptsDataset, as_receipts, read_receipts_dataset
from basket.receipts import Receipts, from_baskets, from_long
from basket.recommend import recommend, resolve_basket


def read_receipts(
    data: pd.DataFrame | Iterable[str] | PathLike[str],
    *,
    receipt: Sequence[str] = ("receipt_id",),
    item: str = "sku",
    quantity: str | None = "quantity",
    timestamp: str | None = "timestamp",
    store: str | None = "store",
    delimiter: str = ",",
    header: bool = False,
    exclude_items: Sequence[str] = (),
    dayfirst: bool = False,
    date_format: str | None = None,
    source: str = "<receipts>",
    first_line: int = 2,
) -> Receipts | ReceiptsDataset:
    """Receipts from a table with a row per receipt line, or from lines with a receipt each.

    Parameters
    ----------
    data : pandas.DataFrame or iterable of str or pathlib.Path
        A table (read by :func:`basket.receipts.from_long`: ``receipt`` columns identify a
        receipt, ``item`` the product, optional quantity, timestamp and store), or the lines of
        a basket file (:func:`basket.receipts.from_baskets`: items split by ``delimiter``, the
        first line a header with ``header``), or the path of a Parquet dataset folder
        partitioned by store (``receipts/store=S0001/part-0.parquet``): its files are listed,
        not read (:func:`basket.partitions.read_receipts_dataset`); ``engine="dask"`` reads
        them on the workers, the local engines into this process.
    Other parameters
        As in those functions.

    Returns
    -------
    Receipts or ReceiptsDataset
    """
    if isinstance(data, PathLike):
        return read_receipts_dataset(data, receipt=list(receipt), item=item, quantity=quantity,
                                     timestamp=timestamp, store=store,
                                     exclude_items=tuple(exclude_items), dayfirst=dayfirst,
                                     date_format=date_format,
                                     source=None if source == "<receipts>" else source)  # fmt: skip
    if isinstance(data, pd.DataFrame):
        return from_long(data, receipt=list(receipt), item=item, quantity=quantity,
                         timestamp=timestamp, store=store, exclude_items=exclude_items,
                         dayfirst=dayfirst, date_format=date_format, source=source,
                         first_line=first_line)  # fmt: skip
    return from_baskets(data, delimiter=delimiter, header=header, exclude_items=exclude_items,
                        source=source)  # fmt: skip


@dataclass(frozen=True)
class ItemsetReport:
    """Frequent itemsets, and how they were counted.

    Attributes
    ----------
    table : pandas.DataFrame
        ``itemset, itemset_names, length, count, support``.
    min_count : int
        The count threshold applied.
    engine : str
        Which engine counted them.
    notes : list of str
        Items of the receipts that the catalog lacks, if any.
    """

    table: pd.DataFrame
    min_count: int
    engine: str
    notes: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """What the catalog lacks, and how many itemsets held by how many receipts.

        Returns
        -------
        list of str
        """
        return self.notes + [f"{len(self.table):,} itemsets held by at least "
                             f"{self.min_count:,} receipts ({self.engine} engine)"]  # fmt: skip


def find_itemsets(
    receipts: Receipts | ReceiptsDataset,
    *,
    catalog: pd.DataFrame | None = None,
    sources: Mapping[str, str] | None = None,
    first_lines: Mapping[str, int] | None = None,
    level: str = "sku",
    stores: Sequence[str] = (),
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    min_support: float | None = 0.001,
    min_count: int | None = None,
    max_len: int = 3,
    algorithm: str = "fpgrowth",
    engine: str = "auto",
    scheduler: str | None = None,
    jobs: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> ItemsetReport:
    """The itemsets held by enough receipts, with product names from the catalog.

    Parameters
    ----------
    receipts : Receipts or ReceiptsDataset
        From :func:`read_receipts`, or a Parquet dataset
        (:func:`basket.partitions.read_receipts_dataset`).
    catalog : pandas.DataFrame, optional
        ``sku, name, category``.
    sources, first_lines : mapping of str, optional
        ``{"catalog": file name}`` and ``{"catalog": line of its first row}``, for messages.
    level, stores, start, end, scheduler, jobs
        As in :func:`basket.crosssell.find_rules` (``engine="dask"``: counted on a Dask
        cluster, the same itemsets as ``"sparse"``).
    min_support, min_count, max_len, algorithm, engine, progress
        As in :func:`basket.mining.frequent_itemsets` (``algorithm="fpmax"``: maximal
        itemsets only).

    Returns
    -------
    ItemsetReport
    """
    names, categories = _catalog(catalog, sources, first_lines)
    catalog_source = (sources or {}).get("catalog", "the catalog")
    if engine == "dask":
        from basket.dask_mining import mine_on_dask

        _, _, gaps, found = mine_on_dask(receipts, names=names, categories=categories,
                                         level=level, stores=stores, start=start, end=end,
                                         min_support=min_support, min_count=min_count,
                                         max_len=max_len, algorithm=algorithm,
                                         scheduler=scheduler, jobs=jobs, progress=progress)
    else:
        receipts = as_receipts(receipts)
        gaps = catalog_gaps(receipts, names, categories, level=level)
        receipts = select_receipts(receipts, categories=categories, level=level,
                                   stores=stores, start=start, end=end)  # fmt: skip
        found = frequent_itemsets(receipts, min_support=min_support, min_count=min_count,
                                  max_len=max_len, algorithm=algorithm, engine=engine,
                                  progress=progress)  # fmt: skip
    table = itemsets_table(found.counts, found.n_receipts, {} if level == "category" else names)
    return ItemsetReport(table=table, min_count=found.min_count, engine=found.engine,
                         notes=[gaps.message(catalog_source)] if gaps else [])  # fmt: skip


@dataclass(frozen=True)
class Recommendations:
    """What to place beside a basket.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per candidate, best first: ``rank, item, name, category, confidence, lift,
        support, because, because_names`` (see :func:`basket.recommend.recommend`).
    basket : list of str
        The items the queries resolved to.
    names : dict of str to str
        Item -> name, from the catalog and the rules.
    rules : RuleReport or None
        How the rules were mined, when they were mined from receipts.
    """

    table: pd.DataFrame
    basket: list[str]
    names: dict[str, str]
    rules: RuleReport | None = None

    def summary(self) -> list[str]:
        """The basket as resolved, and a hint when no rule applies to it.

        Returns
        -------
        list of str
        """
        lines = ["Basket: " + ", ".join(self.names.get(i, i) for i in self.basket)]
        if self.table.empty:
            lines.append("No rule applies to this basket; try more rules (a lower "
                         "`min_support`)")  # fmt: skip
        return lines


def recommend_for(
    items: Sequence[str],
    *,
    rules: pd.DataFrame | None = None,
    receipts: Receipts | None = None,
    catalog: pd.DataFrame | None = None,
    sources: Mapping[str, str] | None = None,
    first_lines: Mapping[str, int] | None = None,
    top: int = 10,
    **mining: Any,
) -> Recommendations:
    """Rank what to place beside ``items``: from a rules table, or from rules mined first.

    Parameters
    ----------
    items : sequence of str
        The basket as a buyer types it: codes, names or parts of names.
    rules : pandas.DataFrame, optional
        A rules table as :func:`basket.crosssell.find_rules` makes it or as read back from a
        rules file (``sources["rules"]`` names the file in messages).
    receipts : Receipts, optional
        Receipts to mine the rules from, when ``rules`` is not given.
    catalog : pandas.DataFrame, optional
        ``sku, name, category``, for names.
    sources, first_lines : mapping of str, optional
        As in :func:`find_itemsets`.
    top : int, default 10
        How many to list.
    **mining
        Passed to :func:`basket.crosssell.find_rules` (``min_support``, filters ...).

    Returns
    -------
    Recommendations

    Raises
    ------
    ParameterError
        Without items, without rules or receipts, or for an item that exists but is in no
        rule (the message says why).
    """
    queries = [query for query in items if query.strip()]
    if not queries:
        raise ParameterError("say what is in the basket", fix="Give an item in `items`")
    names, categories = _catalog(catalog, sources, first_lines)
    report = None
    if rules is not None:
        table = read_rules(rules, source=(sources or {}).get("rules", "<rules>"))
    elif receipts is not None:
        report = find_rules(receipts, names=names, categories=categories, sources=sources,
                            **mining)  # fmt: skip
        table = report.rules
    else:
        raise ParameterError("no rules to recommend from",
                             fix="Give a rules table in `rules`, or `receipts` to mine")
    names = {**names, **item_map(table)}
    basket = resolve_basket(queries, table, names=names, report=report,
                            source=(sources or {}).get("rules"))
    return Recommendations(table=recommend(table, basket, top=top), basket=basket, names=names,
                           rules=report)  # fmt: skip



def _catalog(catalog: pd.DataFrame | None, sources: Mapping[str, str] | None,
             first_lines: Mapping[str, int] | None) -> tuple[dict[str, str], dict[str, str]]:  # fmt: skip
    """Item -> name and item -> category of the catalog (empty without one)."""
    if catalog is None:
        return {}, {}
    return catalog_maps(catalog, source=(sources or {}).get("catalog", "the catalog"),
                        first_line=(first_lines or {}).get("catalog", 2))  # fmt: skip
