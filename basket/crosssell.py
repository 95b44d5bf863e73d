"""From receipts to the rules a buyer reads: the one function behind ``kori rules``."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from basket.describe import CatalogGaps, catalog_gaps, catalog_maps, describe
from basket.errors import ParameterError
from basket.filters import filter_rules
from basket.mining import check_thresholds, frequent_itemsets
from basket.nonproduct import LeftOut, NonProduct, flag_nonproducts, leave_out, nonproduct_lines
from basket.pairs import check_sort, pair_lines, pair_table, sort_rules
from basket.partitions import ReceiptsDataset, as_receipts
from basket.receipts import Receipts
from basket.rules import association_rules, check_rule_thresholds
from basket.seasonal import seasonal_rules


@dataclass(frozen=True)
class RuleReport:
    """Rules with names and what happened on the way.

    Attributes
    ----------
    rules : pandas.DataFrame
        The rules (see :data:`basket.rules.RULE_COLUMNS`) with names and categories of both
        sides, and with ``periods``, ``n_periods`` and ``every_period`` when split by period.
    receipts : int
        Receipts mined (after the store and period filters).
    items : int
        Distinct items (or categories) in them.
    dropped : dict of str to int
        Lines and receipts left out while reading.
    itemsets : int
        Frequent itemsets found over all receipts.
    min_count : int
        The count threshold applied.
    engine : str
        Which engine counted the itemsets.
    tested : int
        Rules that met support and confidence, before the significance and redundancy filters.
    removed : dict of str to int
        Rules left out and why.
    by_period : pandas.DataFrame or None
        With ``by``: one row per rule and period in which it holds.
    item_counts : dict of str to int
        Receipts holding each item (or category) mined.
    paired : frozenset of str
        Items in a frequent itemset of two or more; the others can be in no rule.
    tested_items, significant_items : frozenset of str
        Items in a rule that met the confidence threshold, and in a significant one.
    catalog_gaps : CatalogGaps or None
        Items of the receipts (before the store and period filters) that the catalog maps
        lack, with their receipt lines; None without a catalog or when it has them all.
    insignificant : pandas.DataFrame or None
        The strongest (by lift, at most :data:`SHOWN_INSIGNIFICANT`) of the rules the
        significance test left out, named and filtered like :attr:`rules`: what ``max_p=1``
        would add. :meth:`summary` shows them when the test left out (nearly) every rule.
    max_p : float
        The largest adjusted p-value kept.
    pairs, sort : bool or None, str
        As passed to :func:`find_rules`: the shape of :attr:`table` and the report, and the
        order of the rows.
    left_out : LeftOut or None
        Items left out by ``exclude_pattern``, with their receipt lines.
    nonproducts : tuple of NonProduct
        Items mined that may not be products (fees, bags, items on most receipts).
    """

    rules: pd.DataFrame
    receipts: int
    items: int
    dropped: dict[str, int]
    itemsets: int
    min_count: int
    engine: str
    tested: int
    removed: dict[str, int] = field(default_factory=dict)
    by_period: pd.DataFrame | None = None
    item_counts: dict[str, int] = field(default_factory=dict)
    paired: frozenset[str] = frozenset()
    tested_items: frozenset[str] = frozenset()
    significant_items: frozenset[str] = frozenset()
    catalog_gaps: CatalogGaps | None = None
    catalog_source: str = "the catalog"
    pairs: bool | None = None
    sort: str = "lift"
    left_out: LeftOut | None = None
    nonproducts: tuple[NonProduct, ...] = ()
    insignificant: pd.DataFrame | None = None
    max_p: float = 0.05

    @property
    def table(self) -> pd.DataFrame:
        """The rules (:attr:`rules`), one row per pair of items with ``pairs=True``."""
        return pair_table(self.rules, self.sort) if self.pairs else self.rules

    def summary(self) -> list[str]:
        """What was mined: items the catalog lacks, itemsets, rules tested and left out.

        When the significance test left out every rule, or all but a few (fewer than
        :data:`FEW_LEFT` left, more than :data:`MANY_LEFT_OUT` left out), the lines say so in
        plain words and list the strongest rules it left out, each with its adjusted p-value,
        and how to see them all (``max_p=1``). The rules table itself keeps none of them.

        Returns
        -------
        list of str
        """
        lines = [self.catalog_gaps.message(self.catalog_source)] if self.catalog_gaps else []
        lines += nonproduct_lines(self.left_out, self.nonproducts)
        lines += pair_lines(self.rules) if self.pairs else []
        removed = ", ".join(f"{n:,} {why}" for why, n in self.removed.items() if n)
        lines.append(
            f"{self.itemsets:,} frequent itemsets (at least {self.min_count:,} receipts, "
            f"{self.engine} engine); {self.tested:,} rules tested"
            + (f", left out {removed}" if removed else "")
            + f"; {len(self.rules):,} rules"
        )
        return lines + self._chance_lines()

    def _chance_lines(self) -> list[str]:
        """Why (nearly) no rule is left, and what the rules would be without the test."""
        weak, left = self.removed.get("not significant", 0), len(self.rules)
        if not weak or (left and (left >= FEW_LEFT or weak <= MANY_LEFT_OUT)):
            return []
        s = "s" if weak != 1 else ""
        head = ("No rule is left" if not left
                else f"Only {left} rule{'s are' if left > 1 else ' is'} left")  # fmt: skip
        lines = [
            f"{head}: {weak:,} rule{s} that met support and confidence could be chance "
            f"(adjusted p-value above {self.max_p:g} with {self.receipts:,} receipts), so "
            f"the significance test left {'them' if weak != 1 else 'it'} out."
        ]
        shown = self.insignificant if self.insignificant is not None else pd.DataFrame()
        if len(shown):
            lines.append("The strongest of them, by lift (hunches to test, not findings):")
            lines += [f"  {_side(rule, 'antecedent')} -> {_side(rule, 'consequent')}: lift "
                      f"{rule.lift:.2f}, confidence {rule.confidence:.0%}, on {rule.count:,} "
                      f"receipts, adjusted p-value {rule.p_adjusted:.2g}"
                      for rule in shown.itertuples(index=False)]  # fmt: skip
        lines.append("See them all with `max_p=1`, or mine more receipts (a longer period, "
                     "more stores) for rules that are more than chance.")
        return lines

    def html(self, *, title: str = "Cross-sell rules", top: int = 50) -> str:
        """The buyer report as a self-contained HTML page (see :func:`basket.report.render_html`)."""
        from basket.report import render_html

        return render_html(self.rules, title=title, summary=self.figures(), top=top,
                           pairs=self.pairs is not False, sort=self.sort)  # fmt: skip

    def workbook(self, *, title: str = "Cross-sell rules", top: int = 200) -> bytes:
        """The buyer report as an Excel workbook (see :func:`basket.report.build_workbook`)."""
        from basket.report import build_workbook

        return build_workbook(self.rules, title=title, summary=self.figures(), top=top,
                              pairs=self.pairs is not False, sort=self.sort)  # fmt: skip

    def figures(self) -> dict[str, object]:
        """Figures for a report header, as label -> value."""
        out: dict[str, object] = {
            "Receipts": self.receipts,
            "Items": self.items,
            "Minimum receipts per itemset": self.min_count,
            "Rules tested": self.tested,
        }
        out.update({f"Left out: {k}": v for k, v in self.removed.items() if v})
        out["Rules reported"] = len(self.rules)
        out.update({f"Input: {k}": v for k, v in self.dropped.items()})
        if self.catalog_gaps:
            out["Items not in the catalog"] = len(self.catalog_gaps.items)
            out["Receipt lines of items not in the catalog"] = self.catalog_gaps.lines
        return out


FEW_LEFT = 5
"""Fewer rules than this left by the significance test, ..."""
MANY_LEFT_OUT = 10
"""... after it left out more than this many, and the summary says why and shows what it left
out (it always does when it left out every rule)."""
SHOWN_INSIGNIFICANT = 5
"""Rules left out as not significant that :class:`RuleReport` keeps to show."""


def _side(rule: object, side: str) -> str:
    """One side of a rule by its names (its items where it has none)."""
    names = getattr(rule, f"{side}_names", None) or getattr(rule, side)
    return ", ".join(map(str, names))


def select_receipts(
    receipts: Receipts,
    *,
    categories: Mapping[str, str] | None = None,
    level: str = "sku",
    stores: Sequence[str] = (),
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> Receipts:
    """The receipts of some stores and a period, at product or category level.

    Raises
    ------
    ParameterError
        If the level is unknown, no receipt is left, or categories are asked for without them.
    """
    if level not in ("sku", "category"):
        raise ParameterError(f"unknown level {level!r}", fix="Use `level='sku'` or `level='category'`")
    receipts = receipts.filter(stores=stores, start=start, end=end)
    if receipts.n_receipts == 0:
        raise ParameterError(
            "no receipts are left after the store and period filters",
            source=receipts.source,
            fix="Widen `start`/`end` or check `stores`",
        )
    if level == "category":
        if not categories:
            raise ParameterError(
                "mining categories needs a catalog with a category column",
                fix="Pass a `catalog` with a category column",
            )
        receipts = receipts.to_level(categories)
    return receipts


def find_rules(
    receipts: Receipts | ReceiptsDataset,
    *,
    catalog: pd.DataFrame | None = None,
    sources: Mapping[str, str] | None = None,
    first_lines: Mapping[str, int] | None = None,
    names: Mapping[str, str] | None = None,
    categories: Mapping[str, str] | None = None,
    level: str = "sku",
    stores: Sequence[str] = (),
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    min_support: float | None = 0.001,
    min_count: int | None = None,
    max_len: int = 3,
    algorithm: str = "fpgrowth",
    engine: str = "auto",
    min_confidence: float = 0.1,
    min_lift: float | None = None,
    max_consequent_len: int = 1,
    max_p: float = 0.05,
    correction: str = "holm",
    keep_redundant: bool = False,
    by: str | None = None,
    mentioning: Sequence[str] = (),
    antecedent: Sequence[str] = (),
    consequent: Sequence[str] = (),
    antecedent_from: Sequence[str] = (),
    consequent_from: Sequence[str] = (),
    top_per_antecedent: int | None = None,
    exclude_pattern: Sequence[str] = (),
    pairs: bool | None = None,
    sort: str = "lift",
    scheduler: str | None = None,
    jobs: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> RuleReport:
    """Mine cross-sell rules from receipts and describe them.

    The receipts are filtered by store and period, lifted to categories with
    ``level="category"``, mined (:func:`basket.mining.frequent_itemsets`), turned into rules
    with their measures, significance and redundancy (:func:`basket.rules.association_rules`),
    named from the catalog maps (:func:`basket.describe.describe`) and filtered
    (:func:`basket.filters.filter_rules`). With ``by``, every month, week or store is mined
    alone as well (:func:`basket.seasonal.seasonal_rules`).

    Parameters
    ----------
    receipts : Receipts or ReceiptsDataset
        From :func:`basket.receipts.from_long` or :func:`basket.receipts.from_baskets`, or a
        Parquet dataset from :func:`basket.partitions.read_receipts_dataset` (read on the
        workers with ``engine="dask"``, into this process otherwise).
    catalog : pandas.DataFrame, optional
        ``sku, name, category``: names and categories of the items (checked as
        :func:`basket.describe.catalog_maps` checks them).
    sources, first_lines : mapping of str, optional
        ``{"catalog": file name}`` and ``{"catalog": line of its first row}``, for messages.
    names, categories : Mapping of str to str, optional
        Item -> product name and item -> category, instead of ``catalog``.
    level : {"sku", "category"}
        Mine products, or their categories (needs ``categories``).
    exclude_pattern : sequence of str
        Regular expressions (case ignored) of items to leave out before mining, matched
        against code and name (:func:`basket.nonproduct.leave_out`). Items that look like
        fees, deposits, bags or postage, or sit on most receipts, are named in the summary
        (:func:`basket.nonproduct.flag_nonproducts`).
    pairs : bool, optional
        True: :attr:`RuleReport.table` has one row per pair of items
        (:func:`basket.pairs.pair_table`); False: one row per rule, in the report too; None
        (default): rules in the table, pairs (and longer rules) in the report.
    sort : {"lift", "support", "confidence", "count"}
        Order of the rules and pairs, descending (:func:`basket.pairs.sort_rules`).
    engine : {"auto", "sparse", "mlxtend", "dask"}
        As in :func:`basket.mining.frequent_itemsets`; ``"dask"`` filters and counts on a
        Dask cluster (:func:`basket.dask_mining.mine_on_dask`: the same itemsets and rules as
        ``"sparse"``; not with ``by``).
    scheduler : str, optional
        With ``engine="dask"``: the address of a running scheduler; without one a local
        cluster of ``jobs`` worker processes is started.
    jobs : int, default 2
        Workers of that local cluster.
    Other parameters
        As in the functions above.

    Returns
    -------
    RuleReport

    Raises
    ------
    ParameterError
        If a parameter is out of range (checked before anything is mined),
        ``level="category"`` comes without categories, or a filter term matches no item, name
        or category of the receipts (the items are resolved as
        :func:`basket.resolve.match_items` does, against every item mined).
    """
    check_thresholds(min_support, min_count, max_len)
    check_sort(sort)
    check_rule_thresholds(min_confidence=min_confidence, min_lift=min_lift,
                          max_consequent_len=max_consequent_len, max_p=max_p,
                          correction=correction)  # fmt: skip
    catalog_source = (sources or {}).get("catalog", "the catalog")
    if catalog is not None:
        names, categories = catalog_maps(catalog, source=catalog_source,
                                         first_line=(first_lines or {}).get("catalog", 2))
    itemsets = None
    if engine == "dask":
        from basket.dask_mining import mine_on_dask

        receipts, left_out, gaps, itemsets = mine_on_dask(  # type: ignore[assignment]
            receipts, names=names, categories=categories, level=level, stores=stores,
            start=start, end=end, exclude_pattern=exclude_pattern, min_support=min_support,
            min_count=min_count, max_len=max_len, algorithm=algorithm, by=by,
            scheduler=scheduler, jobs=jobs, progress=progress)  # fmt: skip
    else:
        receipts, left_out = leave_out(as_receipts(receipts), exclude_pattern, names)
        gaps = catalog_gaps(receipts, names, categories, level=level)
        receipts = select_receipts(receipts, categories=categories, level=level, stores=stores,
                                   start=start, end=end)  # fmt: skip
    nonproducts = tuple(flag_nonproducts(receipts, names))
    if level == "category":
        names, categories = {}, {}
    mining = {"min_support": min_support, "min_count": min_count, "max_len": max_len,
              "algorithm": algorithm, "engine": engine}  # fmt: skip
    rule_options = {"min_confidence": min_confidence, "min_lift": min_lift,
                    "max_consequent_len": max_consequent_len, "max_p": max_p,
                    "correction": correction, "keep_redundant": keep_redundant}  # fmt: skip
    if itemsets is None:
        itemsets = frequent_itemsets(receipts, **mining, progress=None if by else progress)
    by_period = None
    if by:
        found, by_period = seasonal_rules(receipts, by=by, mining=mining, rules=rule_options,
                                          overall=itemsets, progress=progress)  # fmt: skip
    else:
        found = association_rules(itemsets, **rule_options)
    rules = describe(found.rules, names, categories)
    rules = rules if sort == "lift" else sort_rules(rules, sort)
    rules = filter_rules(
        rules,
        mentioning=mentioning,
        antecedent=antecedent,
        consequent=consequent,
        antecedent_from=antecedent_from,
        consequent_from=consequent_from,
        top_per_antecedent=top_per_antecedent,
        known=receipts.items,
        names=names,
        categories=categories,
    )
    if by_period is not None and len(by_period):
        by_period = describe(by_period, names, categories)
    insignificant = found.insignificant
    if insignificant is not None and len(insignificant):
        insignificant = filter_rules(
            describe(insignificant, names, categories), mentioning=mentioning,
            antecedent=antecedent, consequent=consequent, antecedent_from=antecedent_from,
            consequent_from=consequent_from, top_per_antecedent=top_per_antecedent,
            known=receipts.items, names=names, categories=categories,
        ).head(SHOWN_INSIGNIFICANT)  # fmt: skip
    return RuleReport(
        rules=rules,
        receipts=receipts.n_receipts,
        items=len(receipts.items),
        dropped=dict(receipts.dropped),
        itemsets=len(itemsets.counts),
        min_count=itemsets.min_count,
        engine=itemsets.engine,
        tested=found.tested,
        removed=found.removed,
        by_period=by_period,
        item_counts=dict(zip(receipts.items.tolist(), receipts.item_counts().tolist())),
        paired=frozenset(item for items in itemsets.counts if len(items) > 1 for item in items),
        tested_items=found.tested_items,
        significant_items=found.significant_items,
        catalog_gaps=gaps,
        catalog_source=catalog_source,
        pairs=pairs,
        sort=sort,
        left_out=left_out,
        nonproducts=nonproducts,
        insignificant=insignificant,
        max_p=max_p,
    )

