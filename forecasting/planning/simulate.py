"""Replay an order plan against what actually sold: fill rate, stock-outs and waste.

Day by day over a past period, for every store and product: deliveries arrive in the morning,
customers buy what is on the shelf (first in, first out; a sale that finds the shelf empty is
lost), and stock whose shelf life has run out is thrown away in the evening. On each order day
the order is planned by :func:`forecasting.planning.orders.order_plan` from the stock at hand,
what is on order and a forecast made from the history *before* that day (a callable gives it,
so that this module never fits a model), and arrives after the lead time.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.planning.orders import order_plan
from forecasting.stores import WEEKDAYS, StoreConfig


@dataclass
class Simulation:
    """What happened when the plan was followed.

    Attributes
    ----------
    items : pandas.DataFrame
        Per store and sku: ``demand, sold, lost, received, wasted, orders, cycles,
        cycles_short`` (an order's cycle is the days from its delivery to the next delivery;
        it is short when a sale was lost in it), and ``category``, ``service_level``.
    days : int
        Days scored (after the warm-up).
    """

    items: pd.DataFrame
    days: int

    def totals(self, by: str | None = None) -> pd.DataFrame:
        """Fill rate, cycle service level and waste share overall or per ``by`` column.

        ``fill_rate`` is units sold over units demanded; ``cycle_service`` the share of order
        cycles without a lost sale (what the service level targets); ``waste_share`` units
        thrown away over units received.
        """
        frame = self.items.assign(_all="all")
        key = by or "_all"
        sums = frame.groupby(key)[["demand", "sold", "lost", "received", "wasted", "cycles",
                                   "cycles_short"]].sum()  # fmt: skip
        target = frame.groupby(key)["service_level"].mean()
        out = pd.DataFrame({
            "demand": sums["demand"], "fill_rate": sums["sold"] / sums["demand"],
            "cycle_service": 1 - sums["cycles_short"] / sums["cycles"].where(sums["cycles"] > 0),
            "target": target, "waste_share": sums["wasted"] / sums["received"].where(
                sums["received"] > 0),
        })  # fmt: skip
        return out.reset_index().rename(columns={"_all": "scope"})


def simulate_orders(
    actual: pd.DataFrame,
    forecast_at: Callable[[pd.Timestamp], pd.DataFrame],
    catalog: pd.DataFrame,
    stores: Mapping[str, StoreConfig],
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    warm_up: int = 14,
    service_level: float | None = None,
) -> Simulation:
    """Follow the order plan from ``start - warm_up`` days to ``end`` against actual sales.

    Parameters
    ----------
    actual : pandas.DataFrame
        ``date, store, sku, quantity``: units demanded per day over the period (days without a
        row sold nothing).
    forecast_at : callable
        ``forecast_at(day)`` returns daily demand ``date, store, sku, mean, var`` from ``day``
        on, made from the history before ``day``.
    catalog, stores
        As for :func:`~forecasting.planning.orders.order_plan`.
    start, end : pandas.Timestamp
        The days scored; the ``warm_up`` days before ``start`` fill the shelves.
    service_level : float, optional
        Overrides the stores' service levels.

    Returns
    -------
    Simulation
    """
    first = pd.Timestamp(start) - pd.Timedelta(days=warm_up)
    days = pd.date_range(first, end, freq="D")
    keys = actual[["store", "sku"]].drop_duplicates().sort_values(["store", "sku"])
    keys = list(map(tuple, keys.to_numpy()))
    index = {key: i for i, key in enumerate(keys)}
    demand = np.zeros((len(days), len(keys)))
    rows = actual[(actual["date"] >= first) & (actual["date"] <= end)]
    d = ((rows["date"] - first).dt.days).to_numpy()
    k = np.array([index[key] for key in zip(rows["store"], rows["sku"])], dtype=int)
    np.add.at(demand, (d, k), rows["quantity"].to_numpy(float))
    items = catalog.drop_duplicates("sku").set_index("sku")
    shelf = {key: _shelf(items.loc[key[1]].get("shelf_life_days")) for key in keys}
    lead = {key: int(items.loc[key[1], "lead_time_days"]) for key in keys}

    batches: dict[tuple, deque] = {key: deque() for key in keys}  # [units, last sellable day]
    arrivals: dict[tuple, dict[int, float]] = {key: {} for key in keys}
    stats = {key: dict.fromkeys(("demand", "sold", "lost", "received", "wasted", "orders"), 0.0)
             for key in keys}  # fmt: skip
    lost_days = np.zeros((len(days), len(keys)), bool)
    deliveries: dict[tuple, list[int]] = {key: [] for key in keys}
    levels: dict[tuple, float] = {}

    start_demand = forecast_at(days[0])
    opening = start_demand.groupby(["store", "sku"])["mean"].apply(lambda m: m.iloc[:7].sum())
    for key in keys:  # shelves filled with a week of expected sales
        units = float(np.ceil(opening.get(key, 0.0)))
        batches[key].append([units, _expiry(0, shelf[key])])

    for t, day in enumerate(days):
        for key in keys:
            units = arrivals[key].pop(t, 0.0)
            if units:
                batches[key].append([units, _expiry(t, shelf[key])])
                if t >= warm_up:
                    stats[key]["received"] += units
                deliveries[key].append(t)
        plan = _plan_day(day, keys, batches, arrivals, forecast_at, catalog, stores,
                         service_level)  # fmt: skip
        for key, quantity, level in plan:
            arrivals[key][t + lead[key]] = arrivals[key].get(t + lead[key], 0.0) + quantity
            levels[key] = level
            if t >= warm_up:
                stats[key]["orders"] += 1
        for j, key in enumerate(keys):
            wanted = demand[t, j]
            sold = _sell(batches[key], wanted)
            wasted = _expire(batches[key], t)
            if t >= warm_up:
                s = stats[key]
                s["demand"] += wanted
                s["sold"] += sold
                s["lost"] += wanted - sold
                s["wasted"] += wasted
            lost_days[t, j] = wanted - sold > 1e-9
    out = []
    for j, key in enumerate(keys):
        cycles, short = _cycles(deliveries[key], lost_days[:, j], warm_up)
        out.append({"store": key[0], "sku": key[1], "category": items.loc[key[1], "category"],
                    "service_level": levels.get(key, np.nan), **stats[key], "cycles": cycles,
                    "cycles_short": short})  # fmt: skip
    return Simulation(items=pd.DataFrame(out), days=len(days) - warm_up)


def _plan_day(day: pd.Timestamp, keys: list[tuple], batches: dict[tuple, deque],
              arrivals: dict[tuple, dict[int, float]],
              forecast_at: Callable[[pd.Timestamp], pd.DataFrame], catalog: pd.DataFrame,
              stores: Mapping[str, StoreConfig], service_level: float | None
              ) -> list[tuple[tuple, float, float]]:  # fmt: skip
    """Orders placed on ``day``: (key, units, service level) for every product ordering today."""
    weekday = WEEKDAYS[day.weekday()]
    ordering_today = any(weekday in config.ordering.order_days for config in stores.values())
    if not ordering_today and "order_days" not in catalog.columns:
        return []
    demand = forecast_at(day)
    stock = pd.DataFrame({
        "store": [key[0] for key in keys], "sku": [key[1] for key in keys],
        "on_hand": [sum(batch[0] for batch in batches[key]) for key in keys],
        "on_order": [sum(arrivals[key].values()) for key in keys],
    })  # fmt: skip
    stock = stock.merge(demand[["store", "sku"]].drop_duplicates(), on=["store", "sku"])
    plan = order_plan(demand, stock, catalog, stores=stores, service_level=service_level,
                      last_order_date=day).lines  # fmt: skip
    plan = plan[(plan["order_date"] == day) & (plan["quantity"] > 0)]
    return [((s, k), float(q), float(level)) for s, k, q, level in
            zip(plan["store"], plan["sku"], plan["quantity"], plan["service_level"])]  # fmt: skip


def _sell(batches: deque, wanted: float) -> float:
    """Take ``wanted`` units from the oldest batches first; the units sold."""
    sold = 0.0
    while batches and sold < wanted - 1e-12:
        take = min(batches[0][0], wanted - sold)
        batches[0][0] -= take
        sold += take
        if batches[0][0] <= 1e-12:
            batches.popleft()
    return sold


def _expire(batches: deque, t: int) -> float:
    """Throw away batches whose last sellable day is ``t``; the units thrown away."""
    wasted = 0.0
    for batch in list(batches):
        if batch[1] <= t:
            wasted += batch[0]
            batches.remove(batch)
    return wasted


def _expiry(t: int, shelf: int | None) -> float:
    return np.inf if shelf is None else t + shelf - 1


def _shelf(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _cycles(arrived: list[int], lost: np.ndarray, warm_up: int) -> tuple[int, int]:
    """Order cycles (delivery to next delivery) after the warm-up, and those with a lost sale."""
    bounds = [t for t in arrived if t >= warm_up] + [len(lost)]
    cycles = short = 0
    for a, b in itertools.pairwise(bounds):
        cycles += 1
        short += bool(lost[a:b].any())
    return cycles, short
