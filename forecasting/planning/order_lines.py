"""The order lines of every store and product at once: the policy of
:mod:`forecasting.planning.orders` on arrays.

The forecast becomes two matrices, one row per store and product and one column per day (mean
and variance, padded with zeros past a series' end), and their running sums. Every order day of
every series is a line; its cover, order-up-to level and shelf-life cap do not depend on earlier
orders, so the quantiles of all lines come from one call. Only the inventory position carries
from one order to the next, so the one Python loop is over the rank of an order day within its
series (at most the forecast's days), each step over all series together. Stock-out risks and
expected waste then come from one call each.

Every number is computed with the same floating-point operations, in the same order, as the
line-by-line policy, so the lines are the same to the last bit: running sums per series from
zero, means per series, and the rounding of each number's type there: ``numpy.round`` for
positions and mean demand (NumPy floats), Python's for risks and waste (:func:`round_half_even`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecasting.errors import SchemaError
from forecasting.planning.demand import (
    cdf,
    expected_leftover,
    nbinom_cdf,
    poisson_cdf,
    quantile,
)
from forecasting.stores import WEEKDAYS, OrderingStandard

MARGIN = 1e-6
"""Closer than this to a cent's rounding boundary, waste is summed term by term (:func:`_waste`)."""


def plan_lines(demand: pd.DataFrame, stock: pd.DataFrame, items: pd.DataFrame,
               standards: Mapping[str, OrderingStandard], service_level: float | None,
               distribution: str, last: pd.Timestamp | None, *, source: str = "<forecast>",
               ) -> tuple[pd.DataFrame, int, list[tuple[str, str]]]:  # fmt: skip
    """Order lines of all store-products, order days left out, products without stock.

    Parameters
    ----------
    demand : pandas.DataFrame
        ``date, store, sku, mean, var``, daily without gaps (checked by the caller).
    stock : pandas.DataFrame
        ``store, sku, on_hand[, on_order]``.
    items : pandas.DataFrame
        The catalog indexed by sku, covering every forecast sku (checked by the caller).
    standards : Mapping of str to OrderingStandard
        Per store; the default standard for other stores.
    service_level : float, optional
        Overrides the standards' levels.
    distribution : {"negbin", "normal"}
    last : pandas.Timestamp, optional
        No order days after it.
    source : str
        The forecast's name, for messages.

    Raises
    ------
    SchemaError
        Unless each store and sku's dates are consecutive days (as
        :func:`forecasting.planning.demand.require_daily`, from the sort the lines need anyway).

    Returns
    -------
    tuple
        The lines (columns of :data:`forecasting.planning.orders.LINE_COLUMNS`, sorted by
        order day, store and sku), the number of order days whose cover runs past the forecast, and the
        ``(store, sku)`` without a stock row.
    """
    size = len(demand)
    if size == 0:
        return pd.DataFrame(), 0, []
    # by store, sku and date: codes of the sorted stores and skus, so no strings are compared
    store_code, stores = pd.factorize(demand["store"], sort=True)
    sku_code, skus = pd.factorize(demand["sku"], sort=True)
    order = np.lexsort((pd.DatetimeIndex(demand["date"]).asi8, sku_code, store_code))
    store_code, sku_code = store_code[order], sku_code[order]
    dates = demand["date"].to_numpy()[order]
    new = np.ones(size, bool)
    new[1:] = (store_code[1:] != store_code[:-1]) | (sku_code[1:] != sku_code[:-1])
    starts = np.flatnonzero(new)
    _require_daily(dates, new, store_code, sku_code, stores, skus, source)
    lengths = np.diff(np.append(starts, size))
    store = np.asarray(stores, dtype=object)[store_code[starts]]
    sku = np.asarray(skus, dtype=object)[sku_code[starts]]
    series = _series(store, sku, items, standards, service_level)
    days = pd.DatetimeIndex(dates)
    row = np.repeat(np.arange(len(starts)), lengths)
    col = np.arange(size) - np.repeat(starts, lengths)
    width = int(lengths.max())
    cm, cv, per_day, per_day_var = _running_sums(
        demand["mean"].to_numpy(float)[order], demand["var"].to_numpy(float)[order], row, col,
        lengths, width)  # fmt: skip

    # order days: each series' own weekdays, within the forecast and not after `last`
    first_weekday = np.asarray(days[starts].day_of_week)
    weekday = (first_weekday[:, None] + np.arange(width)) % 7
    inside = np.arange(width) < lengths[:, None]
    is_order = series["weekdays"][np.arange(len(starts))[:, None], weekday] & inside
    if last is not None:
        after_last = np.zeros((len(starts), width), bool)
        after_last[row, col] = np.asarray(days > last)
        is_order &= ~after_last
    review = series["review"][np.arange(len(starts))[:, None], weekday]
    end = np.arange(width) + series["lead"][:, None] + review
    fits = end <= lengths[:, None]
    skipped = int((is_order & ~fits).sum())
    s, j = np.nonzero(is_order & fits)
    no_stock, position0 = _stock(stock, store, sku)
    if len(s) == 0:
        return pd.DataFrame(), skipped, no_stock

    lead, pack, level = series["lead"][s], series["pack"][s], series["level"][s]
    end, review = end[s, j], review[s, j]
    mean_cover, var_cover = cm[s, end] - cm[s, j], cv[s, end] - cv[s, j]
    target = quantile(mean_cover, var_cover, level, distribution)
    shelf = series["shelf"][s]
    has_shelf = series["has_shelf"][s]
    expiry = j + lead + shelf
    n = lengths[s]
    cap = np.ceil(_window(cm, s, j, expiry, n, per_day[s])) + 0.0  # + 0.0: no -0.0
    capped = has_shelf & (target > cap)
    target = np.where(capped, cap, target)

    position, after, packs, units = _positions(s, j, cm, target, position0, pack,
                                               series["min_packs"][s])  # fmt: skip
    risk = 1.0 - cdf(after, mean_cover, var_cover, distribution)
    risk = np.where(0.0 > risk, 0.0, risk)
    waste = np.zeros(len(s))
    w = np.flatnonzero(has_shelf & (units != 0))
    whole = np.zeros(len(s), bool)  # min(leftover, units) is the int units
    if w.size:
        w_mean = _window(cm, s[w], j[w], expiry[w], n[w], per_day[s[w]])
        w_var = _window(cv, s[w], j[w], expiry[w], n[w], per_day_var[s[w]])
        whole[w], waste[w] = _waste(after[w], w_mean, w_var, units[w], distribution)
    order_date = dates[starts[s] + j]
    lines = pd.DataFrame({
        "store": _take(store, s), "sku": _take(sku, s), "name": _take(series["name"], s),
        "category": _take(series["category"], s), "order_date": order_date,
        "delivery_date": pd.DatetimeIndex(order_date) + pd.to_timedelta(lead, unit="D"),
        "covers_days": lead + review, "position": np.round(position, 2),
        "demand_mean": np.round(mean_cover, 2), "order_up_to": target,
        "quantity": units, "packs": packs, "pack_size": pack, "service_level": level,
        "stockout_risk": round_half_even(risk, 4), "expected_waste": waste,
        "capped_by_shelf_life": capped,
    })  # fmt: skip
    if whole.all():  # every waste an int, as the line-by-line policy would leave it
        lines["expected_waste"] = units
    # by order day, store and sku (the codes sort as the names do)
    by = np.lexsort((sku_code[starts][s], store_code[starts][s], days.asi8[starts[s] + j]))
    return lines.take(by).reset_index(drop=True), skipped, no_stock


def _require_daily(dates: np.ndarray, new: np.ndarray, store_code: np.ndarray,
                   sku_code: np.ndarray, stores: pd.Index, skus: pd.Index, source: str) -> None:  # fmt: skip
    """Refuse a series (rows sorted by store, sku and date) whose days are not consecutive,
    naming its first jump, with the message of
    :func:`forecasting.planning.demand.require_daily`."""
    ticks = pd.DatetimeIndex(dates).as_unit("ns").asi8
    day = 86_400 * 10**9
    bad = np.flatnonzero(~new[1:] & (np.diff(ticks) != day)) + 1
    if not len(bad):
        return
    at = bad[0]
    kind = "weekly" if ticks[at] - ticks[at - 1] == 7 * day else "gapped"
    raise SchemaError(f"plans need a daily forecast, this one is {kind}", source=source,
                      where=f"{stores[store_code[at]]} {skus[sku_code[at]]} jumps to "
                      f"{pd.Timestamp(dates[at]):%Y-%m-%d}",
                      fix="Forecast daily sales (`freq='D'`) and keep every row")  # fmt: skip


def _take(values: np.ndarray, at: np.ndarray) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """``values[at]`` with the type pandas gives a column of such values (text as ``str``),
    inferred once from the few distinct values rather than from every line."""
    return pd.Series(values).take(at).array


def round_half_even(values: np.ndarray, digits: int) -> np.ndarray:
    """``round(value, digits)`` of Python for every value: the nearest decimal, ties to even.

    ``numpy.round`` scales by ``10**digits`` first, which moves values close to a tie (2.675 is
    2.67499999...) to the wrong side; those few are rounded by Python.
    """
    values = np.asarray(values, float)
    out = np.round(values, digits)
    scaled = values * 10.0**digits
    with np.errstate(invalid="ignore"):
        near = ~(np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6) | ~(np.abs(scaled) < 1e9)
    for i in np.flatnonzero(near):
        out[i] = round(float(values[i]), digits)
    return out


def _series(store: np.ndarray, sku: np.ndarray, items: pd.DataFrame,
            standards: Mapping[str, OrderingStandard], service_level: float | None,
            ) -> dict[str, np.ndarray]:  # fmt: skip
    """Per store-product: catalog values, service level, order weekdays and review periods."""
    item = items.reindex(pd.Index(sku, dtype=object))
    count = len(sku)

    def column(name: str, default: float) -> np.ndarray:
        if name not in item.columns:
            return np.full(count, default)
        values = pd.to_numeric(item[name]).to_numpy(float)
        return np.where(np.isnan(values), default, values)

    out = {
        "store": store, "sku": sku,
        "lead": np.trunc(item["lead_time_days"].to_numpy(float)).astype(np.int64),
        "pack": np.trunc(item["pack_size"].to_numpy(float)).astype(np.int64),
        "min_packs": np.trunc(column("min_order_packs", 1.0)).astype(np.int64),
        "shelf": np.trunc(column("shelf_life_days", 0.0)).astype(np.int64),
        "has_shelf": (item["shelf_life_days"].notna().to_numpy() if "shelf_life_days"
                      in item.columns else np.zeros(count, bool)),
        "category": item["category"].to_numpy(object),
    }  # fmt: skip
    names = item["name"] if "name" in item.columns else pd.Series([None] * count, dtype=object)
    out["name"] = names.astype(object).where(names.notna(), "").astype(str).to_numpy(object)

    keys = pd.DataFrame({"store": store, "category": out["category"]})
    if service_level is not None:
        out["level"] = np.full(count, service_level)
    else:
        group = keys.groupby(["store", "category"], dropna=False, sort=False).ngroup().to_numpy()
        firsts = np.unique(group, return_index=True)[1]
        levels = np.array([standards.get(store[i], OrderingStandard()).level_for(out["category"][i])
                           for i in firsts])  # fmt: skip
        out["level"] = levels[group]
    given = item["order_days"].to_numpy(object) if "order_days" in item.columns else \
        np.full(count, None, object)
    keys = pd.DataFrame({"store": store, "days": given})
    group = keys.groupby(["store", "days"], dropna=False, sort=False).ngroup().to_numpy()
    firsts = np.unique(group, return_index=True)[1]
    weekdays, reviews = [], []
    for i in firsts:  # one per store and catalog order days
        chosen = catalog_order_days(given[i]) or standards.get(store[i], OrderingStandard()).order_days
        weekdays.append([WEEKDAYS[d] in chosen for d in range(7)])
        reviews.append([_to_next(d, chosen) for d in range(7)])
    out["weekdays"] = np.array(weekdays, bool).reshape(-1, 7)[group]
    out["review"] = np.array(reviews, np.int64).reshape(-1, 7)[group]
    return out


def catalog_order_days(value: object) -> tuple[str, ...]:
    """The weekdays of a catalog's ``order_days`` (``"mon thu"``); empty when blank."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ()
    return tuple(part[:3].lower() for part in str(value).replace(",", " ").split())

def _to_next(weekday: int, days: tuple[str, ...]) -> int:
    """Days from an order day to the next order day (7 when ordering once a week)."""
    for step in range(1, 8):
        if WEEKDAYS[(weekday + step) % 7] in days:
            return step
    return 7


def _running_sums(mean: np.ndarray, var: np.ndarray, row: np.ndarray, col: np.ndarray,
                  lengths: np.ndarray, width: int,
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Running sums of mean and variance per series from 0 (one column more than days), and
    each series' mean daily mean and variance."""
    sums, means = [], []
    for daily in (mean, var):
        values = np.zeros((len(lengths), width))
        values[row, col] = daily
        running = np.zeros((len(lengths), width + 1))
        np.cumsum(values, axis=1, out=running[:, 1:])
        mean = np.zeros(len(lengths))
        for length in np.unique(lengths):  # a series' mean over its own days only
            rows = np.flatnonzero(lengths == length)
            mean[rows] = values[rows, :length].mean(axis=1)
        sums.append(running)
        means.append(mean)
    return sums[0], sums[1], means[0], means[1]


def _waste(x: np.ndarray, mean: np.ndarray, var: np.ndarray, units: np.ndarray,
           distribution: str) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """``round(min(leftover, units), 2)`` and whether the minimum is ``units``, with the
    leftover of :func:`expected_leftover`.

    For whole-unit demand that leftover is a sum of ``floor(x)`` values of the distribution
    function. Its value rounded to cents needs only three: with ``X = floor(x)``,
    ``sum(F(k), k < X) = X F(X - 1) - mean G(X - 2)``, where ``G`` is the distribution function
    of the same family one size up (``k P(D = k) = mean P(D' = k - 1)`` for a Poisson or negative
    binomial ``D``). That closed form agrees with the sum to about 1e-9; where it falls within
    :data:`MARGIN` of a rounding boundary or of ``units``, or demand is 0 or ``x`` above
    :data:`forecasting.planning.demand.SUM_LIMIT`, the sum itself is taken.
    """
    from forecasting.planning.demand import SUM_LIMIT, TINY, _counts

    exact = np.ones(len(x), bool)
    approx = np.zeros(len(x))
    if distribution != "normal":
        top = np.floor(x)
        poisson, negbin, n, q = _counts(mean, var)
        for rows, family, below in (
            (poisson, lambda k: poisson_cdf(k, mean[poisson]),
             lambda k: poisson_cdf(k, mean[poisson])),
            (negbin, lambda k: nbinom_cdf(k, n, q), lambda k: nbinom_cdf(k, n + 1, q)),
        ):  # fmt: skip
            k = top[rows]
            approx[rows] = (k * family(k - 1) - mean[rows] * below(k - 2)
                            + (x[rows] - k) * family(k))  # fmt: skip
        cents = approx * 100.0
        exact = ((mean <= TINY) | (x > SUM_LIMIT) | ~np.isfinite(approx)
                 | (np.abs(cents - np.floor(cents) - 0.5) < MARGIN * 100)
                 | (np.abs(approx - units) < MARGIN) | (approx < -MARGIN))  # fmt: skip
    leftover = approx
    if exact.any():
        leftover = approx.copy()
        leftover[exact] = expected_leftover(x[exact], mean[exact], var[exact], distribution)
    whole = units < leftover
    cents = round_half_even(leftover, 2)
    return whole, np.where(whole, units, np.where(cents == 0.0, 0.0, cents))  # not -0.0


def _stock(stock: pd.DataFrame, store: np.ndarray, sku: np.ndarray
           ) -> tuple[list[tuple[str, str]], np.ndarray]:  # fmt: skip
    """The products without a stock row, and every product's on hand plus on order."""
    on_hand = pd.to_numeric(stock["on_hand"]).astype(float).fillna(0.0)
    on_order = (pd.to_numeric(stock["on_order"]).astype(float).fillna(0.0)
                if "on_order" in stock.columns else 0.0)  # fmt: skip
    held = (on_hand + on_order).to_numpy(float)
    index = pd.MultiIndex.from_arrays([stock["store"].to_numpy(), stock["sku"].to_numpy()])
    found = index.get_indexer(pd.MultiIndex.from_arrays([store, sku]))
    missing = np.flatnonzero(found < 0)
    position = np.where(found < 0, 0.0, held[np.maximum(found, 0)] if len(held) else 0.0)
    return [(store[i], sku[i]) for i in missing], position


def _window(cumulative: np.ndarray, s: np.ndarray, start: np.ndarray, end: np.ndarray,
            n: np.ndarray, per_day: np.ndarray) -> np.ndarray:  # fmt: skip
    """Sums of days ``start .. end - 1`` of series ``s``, past a series' ``n`` days at its
    ``per_day``."""
    inside = cumulative[s, np.minimum(end, n)] - cumulative[s, np.minimum(start, n)]
    return inside + np.maximum(end - np.maximum(start, n), 0) * per_day


def _positions(s: np.ndarray, j: np.ndarray, cm: np.ndarray, target: np.ndarray,
               position0: np.ndarray, pack: np.ndarray, min_packs: np.ndarray,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Position before each order, position after it, packs and units, order by order.

    Lines are by series and day; the k-th order of every series is one step.
    """
    count = len(s)
    first = np.ones(count, bool)
    first[1:] = s[1:] != s[:-1]
    starts = np.flatnonzero(first)
    rank = np.arange(count) - np.repeat(starts, np.diff(np.append(starts, count)))
    position, after = np.zeros(count), np.zeros(count)
    packs = np.zeros(count, np.int64)
    by_rank = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[by_rank], np.arange(rank.max() + 2))
    for k in range(rank.max() + 1):
        at = by_rank[bounds[k]:bounds[k + 1]]
        if k == 0:
            held, done = position0[s[at]], np.zeros(len(at), np.int64)
        else:
            held, done = after[at - 1], j[at - 1]
        held = held - (cm[s[at], j[at]] - cm[s[at], done])  # expected sales since then
        held = np.where(0.0 > held, 0.0, held)
        short = target[at] - held
        short = np.where(0.0 > short, 0.0, short)
        with np.errstate(invalid="ignore"):
            n = np.where(short > 0, np.ceil(short / pack[at] - 1e-9), 0.0).astype(np.int64)
        n = np.where(n != 0, np.maximum(n, min_packs[at]), n)
        position[at], packs[at] = held, n
        after[at] = held + n * pack[at]
    return position, after, packs, packs * pack
