"""Order quantities: a periodic-review order-up-to policy on the forecast's distribution.

On each order day ``d`` of a store (``order_days`` in ``store.toml``), for each product:

1. The order must last until the *next* order's delivery: the lead time ``L`` plus the review
   period ``R`` (days to the next order day). Demand over those ``L + R`` days is summed as a
   distribution (:mod:`forecasting.planning.demand`), and the order-up-to level ``S`` is its
   quantile at the category's service level: the chance of no stock-out before the next
   delivery.
2. Perishables are not stocked beyond what is expected to sell before this delivery expires:
   ``S`` is capped at the mean demand from ``d`` to ``d + L + shelf life - 1``.
3. The order is ``S`` minus the inventory position (on hand plus on order, less the expected
   sales since the plan's start, plus the plan's earlier orders), rounded up to whole packs and
   at least the minimum order; never negative, zero when the position already reaches ``S``.
4. Each line reports the stock-out risk left after rounding (P(demand over the ``L + R`` days
   exceeds the position after ordering)) and the expected waste (units of the position still
   unsold when this delivery expires, at most the order).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.errors import ParameterError, SchemaError
from forecasting.planning.demand import check_level
from forecasting.planning.order_lines import catalog_order_days, plan_lines
from forecasting.stores import WEEKDAYS, StoreConfig

LINE_COLUMNS = [
    "store", "sku", "name", "category", "order_date", "delivery_date", "covers_days", "position",
    "demand_mean", "order_up_to", "quantity", "packs", "pack_size", "service_level",
    "stockout_risk", "expected_waste", "capped_by_shelf_life",
]  # fmt: skip


@dataclass
class OrderPlan:
    """Orders per store, product and order day, with what the planner should know.

    Attributes
    ----------
    lines : pandas.DataFrame
        Columns :data:`LINE_COLUMNS`: ``position`` is the inventory position before the
        order, ``demand_mean`` the mean demand over the ``covers_days``, ``quantity`` the units
        to order (``packs`` x ``pack_size``).
    skipped : int
        Order days whose ``L + R`` days run past the forecast (forecast further to plan them).
    no_stock : list of tuple
        ``(store, sku)`` forecast without a stock row; their stock was taken as 0.
    planned : int, optional
        Lines of the whole plan, when :func:`select_lines` kept only some of them.
    filters : list of str
        The filters that :func:`select_lines` applied, in words.
    """

    lines: pd.DataFrame
    skipped: int = 0
    no_stock: list[tuple[str, str]] = field(default_factory=list)
    planned: int | None = None
    filters: list[str] = field(default_factory=list)

    @property
    def table(self) -> pd.DataFrame:
        """The order lines (:attr:`lines`)."""
        return self.lines

    def summary(self) -> list[str]:
        """Short lines for planners."""
        out = []
        if self.planned is not None:
            out.append(f"kept {len(self.lines):,} of {self.planned:,} order lines "
                       f"({'; '.join(self.filters)}): {self.planned - len(self.lines):,} "
                       "filtered out")  # fmt: skip
        return out + describe_totals(line_totals(self.lines), self.skipped, self.no_stock)


def line_totals(lines: pd.DataFrame) -> dict[str, object]:
    """What :meth:`OrderPlan.summary` says of some order lines, as totals that add up over
    plans of separate stores (:func:`merge_totals`).

    Returns
    -------
    dict
        ``lines``, ``products``, ``orders``, ``packs``, ``units``, ``capped`` (int),
        ``risk``, ``level`` and ``waste`` (sums over the lines) and ``order_days`` (a set).
    """
    ordered = lines[lines["quantity"] > 0]
    return {
        "lines": len(lines), "products": lines[["store", "sku"]].drop_duplicates().shape[0],
        "order_days": set(pd.to_datetime(lines["order_date"]).unique()),
        "orders": len(ordered), "packs": int(ordered["packs"].sum()),
        "units": int(ordered["quantity"].sum()), "risk": float(lines["stockout_risk"].sum()),
        "level": float(lines["service_level"].sum()),
        "waste": float(lines["expected_waste"].sum()),
        "capped": int(lines["capped_by_shelf_life"].sum()),
    }  # fmt: skip


def merge_totals(parts: Sequence[Mapping[str, object]]) -> dict[str, object]:
    """The :func:`line_totals` of plans of separate stores, as one plan's."""
    out: dict[str, object] = {"order_days": set()}
    for part in parts:
        for key, value in part.items():
            if key == "order_days":
                out[key] |= value  # type: ignore[operator]
            else:
                out[key] = out.get(key, 0) + value  # type: ignore[operator]
    return out


def describe_totals(totals: Mapping[str, object], skipped: int,
                    no_stock: Sequence[tuple[str, str]]) -> list[str]:  # fmt: skip
    """The summary lines of a plan from its :func:`line_totals`."""
    t = totals
    n = int(t.get("lines", 0))  # type: ignore[call-overload]
    out = [
        (f"{n:,} order lines for {t.get('products', 0):,} products on "
         f"{_plural(len(t['order_days']), 'order day')}: {t.get('orders', 0):,} orders, "  # type: ignore[arg-type]
         f"{t.get('packs', 0):,} packs, {t.get('units', 0):,} units")
    ]
    if n:
        out.append(f"mean stock-out risk {t['risk'] / n:.1%} (target "  # type: ignore[operator]
                   f"{1 - t['level'] / n:.1%}); expected waste "  # type: ignore[operator]
                   f"{t['waste']:,.0f} units")  # fmt: skip
    capped = int(t.get("capped", 0))  # type: ignore[call-overload]
    if capped:
        out.append(f"{capped:,} lines capped by shelf life (their stock-out risk is above "
                   "target so that less expires)")  # fmt: skip
    if skipped:
        out.append(f"{skipped:,} order days left out: their lead time and review "
                   "period run past the forecast; forecast further ahead to plan them")  # fmt: skip
    if no_stock:
        out.append(f"{len(no_stock):,} products had no stock row and start from 0 "
                   f"(e.g. {no_stock[0][0]} {no_stock[0][1]})")  # fmt: skip
    return out


def order_plan(
    demand: pd.DataFrame,
    stock: pd.DataFrame,
    catalog: pd.DataFrame,
    *,
    stores: Mapping[str, StoreConfig] | None = None,
    service_level: float | None = None,
    distribution: str = "negbin",
    last_order_date: pd.Timestamp | None = None,
    sources: Mapping[str, str] | None = None,
    first_lines: Mapping[str, int] | None = None,
) -> OrderPlan:
    """Orders to place on each order day of the forecast.

    Parameters
    ----------
    demand : pandas.DataFrame
        ``date, store, sku, mean, var`` per day (see
        :func:`forecasting.moments.daily_moments`), daily and without gaps.
    stock : pandas.DataFrame
        ``store, sku, on_hand[, on_order]`` at the start of the forecast's first day.
    catalog : pandas.DataFrame
        ``sku, category, pack_size, lead_time_days[, shelf_life_days, min_order_packs,
        order_days]``; ``order_days`` (e.g. ``"mon thu"``) overrides the store's.
    stores : Mapping of str to StoreConfig, optional
        Order days and service levels per store; every day and 0.95 without.
    service_level : float, optional
        Overrides every store's and category's service level.
    distribution : {"negbin", "normal"}
        Of demand summed over days.
    last_order_date : pandas.Timestamp, optional
        Plan no order days after this one.
    sources : Mapping of str to str, optional
        File names of the ``"forecast"``, ``"stock"`` and ``"catalog"``, for messages.
    first_lines : Mapping of str to int, optional
        Line number of the first row of each file (2 for CSV with a header), so that messages
        can name the lines of the rows they are about.

    Returns
    -------
    OrderPlan

    Raises
    ------
    ParameterError
        For a service level outside (0, 1).
    SchemaError
        For stock of products that are not forecast, forecast products missing from the
        catalog, a catalog without pack sizes or lead times or with ``order_days`` that are not
        weekdays, or forecast dates that are not consecutive days.
    """
    if service_level is not None:
        check_level(service_level)
    names = {"forecast": "<forecast>", "stock": "<stock>", "catalog": "<catalog>", **(sources or {})}
    items = _items(demand, stock, catalog, names, (first_lines or {}).get("catalog"))
    standards = {code: config.ordering for code, config in (stores or {}).items()}
    lines, skipped, no_stock = plan_lines(demand, stock, items, standards, service_level,
                                          distribution, last_order_date,
                                          source=names["forecast"])  # fmt: skip
    if lines.empty:
        lines = pd.DataFrame(columns=LINE_COLUMNS)
    # sorted by order_date, store and sku already
    return OrderPlan(lines=lines[LINE_COLUMNS], skipped=skipped, no_stock=no_stock)


def select_lines(
    plan: OrderPlan,
    *,
    only_stores: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    order_date: object = None,
    next_order_from: object = None,
) -> OrderPlan:
    """Only some lines of a plan: the same orders, fewer rows (a nightly export's part).

    Parameters
    ----------
    plan : OrderPlan
        The whole plan (:func:`order_plan`).
    only_stores : sequence of str, optional
        Keep these stores' lines.
    categories : sequence of str, optional
        Keep the lines of products in these catalog categories (upper or lower case alike).
    order_date : date or str, optional
        Keep the lines ordered on this day (``"2025-12-03"``).
    next_order_from : date or str, optional
        Per store and product, keep only the first order day on or after this day: what to
        order next. Excludes ``order_date``.

    Returns
    -------
    OrderPlan
        The kept lines; ``planned`` and ``filters`` say what was left out, in
        :meth:`OrderPlan.summary`.

    Raises
    ------
    ParameterError
        If ``order_date`` and ``next_order_from`` are both given, a date is not a date, or a
        filter (or one of its values) leaves no line; the message lists what the plan has.
    """
    check_filters(order_date, next_order_from)
    lines, filters = plan.lines, []
    if only_stores:
        lines = _keep(lines, "store", list(only_stores), "only_stores", "store")
        filters.append(("store " if len(only_stores) == 1 else "stores ") + ", ".join(only_stores))
    if categories:
        lines = _keep(lines, "category", list(categories), "categories", "category")
        filters.append(("category " if len(categories) == 1 else "categories ")
                       + ", ".join(categories))  # fmt: skip
    dates = pd.to_datetime(lines["order_date"])
    if order_date is not None:
        day = _day(order_date, "order_date")
        keep = (dates == day).to_numpy()
        if not keep.any():
            raise ParameterError(f"no order lines on {day:%Y-%m-%d}{_scope(filters)}",
                                 where=f"order days: {_listed(_days(dates))}",
                                 fix="Give `order_date` as one of the order days, or "
                                 "`next_order_from` for each product's next order")  # fmt: skip
        lines = lines[keep]
        filters.append(f"ordered on {day:%Y-%m-%d}")
    if next_order_from is not None:
        day = _day(next_order_from, "next_order_from")
        later = (dates >= day).to_numpy()
        if not later.any():
            last = f"last order day: {dates.max():%Y-%m-%d}" if len(dates) else "no order days"
            raise ParameterError(f"no order lines on or after {day:%Y-%m-%d}{_scope(filters)}",
                                 where=last, fix="Give `next_order_from` on or before the last "
                                 "order day, or forecast further ahead")  # fmt: skip
        lines, dates = lines[later], dates[later]
        first = dates.groupby([lines["store"], lines["sku"]]).transform("min")
        lines = lines[(dates == first).to_numpy()]
        filters.append(f"next order on or after {day:%Y-%m-%d}")
    if not filters:
        return plan
    return OrderPlan(lines=lines.reset_index(drop=True), skipped=plan.skipped,
                     no_stock=plan.no_stock, planned=len(plan.lines), filters=filters)  # fmt: skip


def check_filters(order_date: object = None, next_order_from: object = None) -> None:
    """Refuse both dates at once, or one that is not a date, before any planning.

    Raises
    ------
    ParameterError
    """
    if order_date is not None and next_order_from is not None:
        raise ParameterError("`order_date` and `next_order_from` exclude each other",
                             fix="Give `order_date` for the lines of one order day, or "
                             "`next_order_from` for each product's next order")  # fmt: skip
    for value, parameter in ((order_date, "order_date"), (next_order_from, "next_order_from")):
        if value is not None:
            _day(value, parameter)


def _keep(lines: pd.DataFrame, column: str, wanted: list[str], parameter: str,
          noun: str) -> pd.DataFrame:  # fmt: skip
    """The lines whose ``column`` is one of ``wanted``; a value without lines is refused."""
    values = lines[column].astype(str)
    folded = values.str.casefold() if column == "category" else values
    present = set(folded)
    for value in wanted:
        key = value.casefold() if column == "category" else value
        if key not in present:
            plural = "categories" if noun == "category" else f"{noun}s"
            known = sorted(set(values))
            close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
            raise ParameterError(f"no order lines for {noun} {value!r}",
                                 where=f"{plural}: {_listed(known)}",
                                 fix=(f"Did you mean {close[0]!r}? " if close else "")
                                 + f"Give `{parameter}` among the {plural} of the plan")  # fmt: skip
    keys = {v.casefold() for v in wanted} if column == "category" else set(wanted)
    return lines[folded.isin(keys).to_numpy()]


def _day(value: object, parameter: str) -> pd.Timestamp:
    """``value`` as a day; a ParameterError names the parameter."""
    try:
        day = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        day = pd.NaT
    if pd.isna(day):
        raise ParameterError(f"`{parameter}={value!r}` is not a date",
                             fix="Give a day like 2025-12-01")  # fmt: skip
    return day.normalize()


def _days(dates: pd.Series) -> list[str]:
    return [f"{day:%Y-%m-%d}" for day in sorted(dates.unique())]


def _listed(values: list[str], most: int = 12) -> str:
    """``a, b, c`` (at most ``most`` of them, then how many in all); ``none`` when empty."""
    if not values:
        return "none"
    shown = ", ".join(values[:most])
    return shown + (f", ... ({len(values)} in all)" if len(values) > most else "")


def _scope(filters: list[str]) -> str:
    return f" for {' and '.join(filters)}" if filters else ""


def _plural(n: int, noun: str) -> str:
    """``"1 order day"``, ``"11 order days"``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _count(n: int, noun: str) -> str:
    """``"1 stock row is"``, ``"2 stock rows are"``."""
    return f"{n:,} {noun} is" if n == 1 else f"{n:,} {noun}s are"


def _where(catalog: pd.DataFrame, bad: np.ndarray, first_line: int | None,
           values: pd.Series) -> str:  # fmt: skip
    """The first offending catalog rows: line (when known), sku and value."""
    positions = np.flatnonzero(bad)
    shown = [(f"line {first_line + p} " if first_line is not None else "")
             + f"sku {catalog['sku'].iloc[p]}: {_shown(values.iloc[p])}" for p in positions[:5]]  # fmt: skip
    return "; ".join(shown) + (f"; and {len(positions) - 5} more" if len(positions) > 5 else "")


def _shown(value: object) -> str:
    """A catalog value as the user wrote it: ``0``, ``nan``, ``'mon funday'``."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return f"{float(value):g}"
    return repr(value)


def _items(demand: pd.DataFrame, stock: pd.DataFrame, catalog: pd.DataFrame,
           names: Mapping[str, str], first_line: int | None = None) -> pd.DataFrame:  # fmt: skip
    for column in ("pack_size", "lead_time_days", "category"):
        if column not in catalog.columns:
            raise SchemaError(f"the catalog has no {column} column", source=names["catalog"],
                              fix=f"Add {column} per sku to the catalog")  # fmt: skip
    if "order_days" in catalog.columns:
        days = catalog["order_days"].map(catalog_order_days)
        bad = days.map(lambda found: any(day not in WEEKDAYS for day in found)).to_numpy(bool)
        if bad.any():
            n = int(bad.sum())
            raise SchemaError(f"order_days are not weekdays in {n:,} row{'s' if n > 1 else ''}",
                              source=names["catalog"],
                              where=_where(catalog, bad, first_line, catalog["order_days"]),
                              fix='Write order days as weekdays, e.g. "mon thu", or leave them '
                              "blank for the store's order days")  # fmt: skip
    items = catalog.drop_duplicates("sku").set_index("sku")
    skus = demand["sku"].unique()
    missing = sorted(set(skus) - set(items.index))
    if missing:
        raise SchemaError(f"{_count(len(missing), 'forecast sku')} not in the catalog",
                          source=names["catalog"], where=", ".join(missing[:5]),
                          fix="Add them to the catalog with their pack size and lead time")  # fmt: skip
    used = catalog["sku"].isin(skus).to_numpy()
    for column, low in (("pack_size", 1), ("lead_time_days", 0)):
        bad = used & (catalog[column].isna() | (catalog[column] < low)).to_numpy()
        if bad.any():
            n = int(bad.sum())
            raise SchemaError(f"{column} is missing or below {low} for {n:,} forecast "
                              f"sku{'s' if n > 1 else ''}", source=names["catalog"],
                              where=_where(catalog, bad, first_line, catalog[column]),
                              fix=f"Give every sku a {column} of at least {low}")  # fmt: skip
    forecast_keys = pd.MultiIndex.from_frame(demand[["store", "sku"]].drop_duplicates())
    outside = ~pd.MultiIndex.from_frame(stock[["store", "sku"]]).isin(forecast_keys)
    unknown = list(map(tuple, stock.loc[outside, ["store", "sku"]].to_numpy()))
    if unknown:
        shown = ", ".join(f"{s} {k}" for s, k in unknown[:5])
        raise SchemaError(f"{_count(len(unknown), 'stock row')} for products the forecast "
                          "does not cover", source=names["stock"], where=shown,
                          fix=f"Forecast those products too ({names['forecast']} lacks them), "
                          "or remove their rows from the stock file")  # fmt: skip
    return items
