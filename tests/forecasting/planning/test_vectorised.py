"""The vectorised order plan against a plain one: one store-product and order day at a time,
with scalar scipy calls (``nbinom.ppf``, ``nbinom.cdf``), as the policy is written down in
:mod:`forecasting.planning.orders`. Every column must be the same, to the last bit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecasting.planning.demand import expected_leftover
from forecasting.planning.order_lines import round_half_even
from forecasting.planning.orders import LINE_COLUMNS, order_plan
from forecasting.stores import WEEKDAYS, OrderingStandard, StoreConfig

CATEGORIES = ["fruit", "bread", "milk", "dry goods", "frozen"]


def _scalar(mean: float, var: float) -> tuple[str, float, float]:
    """The distribution of demand with this mean and variance, as scipy's parameters."""
    if mean <= 1e-9:
        return "none", 0.0, 0.0
    if var <= mean * (1 + 1e-9):
        return "poisson", mean, 0.0
    return "negbin", mean**2 / (var - mean), mean / var


def _ppf(p: float, mean: float, var: float) -> float:
    kind, a, b = _scalar(mean, var)
    if kind == "none":
        return 0.0
    if kind == "poisson":
        return float(stats.poisson.ppf(p, a))
    return float(stats.nbinom.ppf(p, a, b))


def _cdf(x: float, mean: float, var: float) -> float:
    kind, a, b = _scalar(mean, var)
    if kind == "none":
        return 1.0 if x >= 0 else 0.0
    if kind == "poisson":
        return float(stats.poisson.cdf(math.floor(x), a))
    return float(stats.nbinom.cdf(math.floor(x), a, b))


def _leftover(x: float, mean: float, var: float) -> float:
    if x > 5000:
        sd = max(math.sqrt(var), 1e-12)
        z = (x - mean) / sd
        return max((x - mean) * stats.norm.cdf(z) + sd * stats.norm.pdf(z), 0.0)
    if x <= 0:
        return 0.0
    values = np.array([_cdf(k, mean, var) for k in range(math.floor(x))])
    return float(np.sum(values)) + (x - math.floor(x)) * _cdf(math.floor(x), mean, var)


def _window(cum: np.ndarray, start: int, end: int, per_day: float) -> float:
    n = len(cum) - 1
    return float(cum[min(end, n)] - cum[min(start, n)] + max(end - max(start, n), 0) * per_day)


def reference(demand: pd.DataFrame, stock: pd.DataFrame, catalog: pd.DataFrame,
              stores: dict[str, StoreConfig], last: pd.Timestamp | None
              ) -> tuple[pd.DataFrame, int]:  # fmt: skip
    """The plan, one store-product and order day at a time."""
    items = catalog.set_index("sku")
    held = stock.set_index(["store", "sku"])
    rows, skipped = [], 0
    for (store, sku), series in demand.sort_values("date").groupby(["store", "sku"]):
        item = items.loc[sku]
        ordering = stores[store].ordering if store in stores else OrderingStandard()
        level = ordering.level_for(item["category"])
        days = (tuple(item["order_days"].split()) if isinstance(item["order_days"], str)
                else ordering.order_days)  # fmt: skip
        position = 0.0
        if (store, sku) in held.index:
            on_order = held.loc[(store, sku), "on_order"]
            position = float(held.loc[(store, sku), "on_hand"]) + (
                0.0 if pd.isna(on_order) else float(on_order))
        dates = pd.DatetimeIndex(series["date"])
        m, v = series["mean"].to_numpy(float), series["var"].to_numpy(float)
        cm, cv = np.concatenate([[0.0], np.cumsum(m)]), np.concatenate([[0.0], np.cumsum(v)])
        lead, pack = int(item["lead_time_days"]), int(item["pack_size"])
        least = 1 if pd.isna(item["min_order_packs"]) else int(item["min_order_packs"])
        shelf = None if pd.isna(item["shelf_life_days"]) else int(item["shelf_life_days"])
        done = 0
        for i, day in enumerate(dates):
            if WEEKDAYS[day.weekday()] not in days:
                continue
            if last is not None and day > last:
                break
            review = next((s for s in range(1, 8) if WEEKDAYS[(day.weekday() + s) % 7] in days), 7)
            end = i + lead + review
            if end > len(dates):
                skipped += 1
                continue
            position = max(position - (cm[i] - cm[done]), 0.0)
            done = i
            mean, var = cm[end] - cm[i], cv[end] - cv[i]
            target, capped = _ppf(level, mean, var), False
            if shelf is not None:
                cap = math.ceil(_window(cm, i, i + lead + shelf, float(m.mean())))
                if target > cap:
                    target, capped = float(cap), True
            short = max(target - position, 0.0)
            packs = math.ceil(short / pack - 1e-9) if short > 0 else 0
            packs = max(packs, least) if packs else 0
            units = packs * pack
            after = position + units
            waste = 0.0
            if shelf is not None and units:
                left = _leftover(after, _window(cm, i, i + lead + shelf, float(m.mean())),
                                 _window(cv, i, i + lead + shelf, float(v.mean())))  # fmt: skip
                waste = float(min(left, units))
            rows.append({
                "store": store, "sku": sku, "order_date": day, "covers_days": lead + review,
                "position": float(np.round(np.float64(position), 2)),
                "demand_mean": float(np.round(mean, 2)), "order_up_to": target,
                "quantity": units, "packs": packs,
                "stockout_risk": round(max(1.0 - _cdf(after, mean, var), 0.0), 4),
                "expected_waste": round(waste, 2), "capped_by_shelf_life": capped,
            })  # fmt: skip
            position = after
    return pd.DataFrame(rows), skipped


def chain(seed: int, products: int = 240) -> tuple:
    """Random demand, stock, catalog and stores: series of different starts and lengths, slow
    and fast movers, Poisson and over-dispersed, products with and without shelf lives,
    minimum orders and their own order days, stock rows missing."""
    rng = np.random.default_rng(seed)
    skus = [f"K{i:03d}" for i in range(60)]
    catalog = pd.DataFrame({
        "sku": skus, "category": rng.choice(CATEGORIES, len(skus)),
        "pack_size": rng.choice([1, 4, 6, 12, 24], len(skus)),
        "lead_time_days": rng.integers(0, 5, len(skus)),
        "shelf_life_days": np.where(rng.random(len(skus)) < 0.6,
                                    rng.choice([2, 3, 5, 10, 30, 400], len(skus)), np.nan),
        "min_order_packs": np.where(rng.random(len(skus)) < 0.3, 2.0, np.nan),
        "order_days": np.where(rng.random(len(skus)) < 0.2, "tue fri", None),
    })  # fmt: skip
    stores = {
        "A": StoreConfig(store="A", name="A", city="Helsinki", hours={}, ordering=OrderingStandard(
            service_level=0.95, service_levels={"bread": 0.9}, order_days=("mon", "wed", "fri"))),
        "B": StoreConfig(store="B", name="B", city="Turku", hours={}, ordering=OrderingStandard(
            service_level=0.97, order_days=("mon", "tue", "wed", "thu", "fri", "sat"))),
    }  # fmt: skip
    frames = []
    pairs = [(s, k) for s in ("A", "B", "C", "D") for k in skus][:products]
    for store, sku in pairs:
        days = int(rng.integers(10, 36))
        start = pd.Timestamp("2026-03-02") + pd.Timedelta(days=int(rng.integers(0, 7)))
        level = float(np.exp(rng.normal(0.5, 1.5)))
        mean = np.round(level * rng.lognormal(0, 0.3, days), 4)
        mean[rng.random(days) < 0.05] = 0.0  # closed days
        spread = rng.choice([1.0, 1.0 + 1e-12, 1.5, 3.0])
        frames.append(pd.DataFrame({"date": pd.date_range(start, periods=days), "store": store,
                                    "sku": sku, "mean": mean, "var": mean * spread}))  # fmt: skip
    demand = pd.concat(frames, ignore_index=True)
    keys = demand[["store", "sku"]].drop_duplicates()
    stock = keys[rng.random(len(keys)) < 0.9].copy()
    stock["on_hand"] = rng.integers(0, 60, len(stock))
    stock["on_order"] = np.where(rng.random(len(stock)) < 0.5, rng.integers(0, 30, len(stock)),
                                 np.nan)  # fmt: skip
    return demand, stock, catalog, stores


@pytest.mark.parametrize("seed, last", [(1, None), (2, pd.Timestamp("2026-03-20"))])
def test_the_vectorised_plan_is_the_plain_one_to_the_last_bit(seed, last):
    demand, stock, catalog, stores = chain(seed)
    plan = order_plan(demand, stock, catalog, stores=stores, last_order_date=last)
    expected, skipped = reference(demand, stock, catalog, stores, last)
    assert len(expected) > 1000 and expected["capped_by_shelf_life"].any()
    assert (expected["expected_waste"] > 0).any() and (expected["quantity"] == 0).any()
    got = plan.lines.sort_values(["store", "sku", "order_date"]).reset_index(drop=True)
    assert list(plan.lines.columns) == LINE_COLUMNS
    for column in expected.columns:
        left, right = got[column].to_numpy(), expected[column].to_numpy()
        assert (left == right).all(), (column, got[left != right].head(), expected[left != right].head())  # fmt: skip
    assert plan.skipped == skipped


def test_expected_leftover_of_many_is_each_one_alone():
    rng = np.random.default_rng(3)
    mean = np.exp(rng.normal(2, 1.5, 400))
    var = mean * rng.choice([0.8, 1.0, 2.0, 7.0], 400)
    x = np.concatenate([rng.uniform(0, 3, 100), rng.uniform(0, 400, 290), [6000.0] * 10])
    mean[:5] = 0.0
    got = expected_leftover(x, mean, var)
    alone = [_leftover(a, b, c) for a, b, c in zip(x, mean, var)]
    assert np.array_equal(got, np.array(alone))


def test_rounding_is_pythons_even_near_ties():
    rng = np.random.default_rng(4)
    values = np.concatenate([np.round(rng.uniform(0, 100, 5000), 3), rng.uniform(-5, 5, 5000),
                             [2.675, 32.265, 0.125, 0.005, -0.0, np.nan, np.inf]])  # fmt: skip
    for digits in (2, 4):
        got = round_half_even(values, digits)
        want = np.array([round(float(v), digits) for v in values])
        assert np.array_equal(got, want, equal_nan=True)


def test_waste_in_cents_is_that_of_the_full_sum():
    # the closed form of the waste, rounded to cents, against the sum of P(demand <= k) term by
    # term, also where the waste is capped at the units ordered (units just below the leftover)
    from forecasting.planning.order_lines import _waste

    rng = np.random.default_rng(5)
    count = 20_000
    mean = np.exp(rng.normal(2.5, 1.5, count))
    var = mean * rng.choice([1.0, 1.3, 3.0, 10.0], count)
    x = rng.uniform(0, 3, count) * mean + rng.uniform(0, 5, count)
    x[:50] = 6000.0 + rng.uniform(0, 100, 50)  # above SUM_LIMIT: the normal approximation
    mean[50:60] = 0.0  # no demand
    full = expected_leftover(x, mean, var)
    units = np.where(rng.random(count) < 0.2, np.floor(full), rng.integers(1, 500, count))
    units[:200] = np.maximum(np.floor(full[:200]), 1)
    whole, waste = _waste(x, mean, var, units.astype(np.int64), "negbin")
    want = [min(f, int(u)) for f, u in zip(full, units)]
    assert np.array_equal(whole, units < full)
    assert np.array_equal(waste, np.array([float(round(w, 2)) for w in want]))
    assert whole.sum() > 1000 and (~whole).sum() > 1000
