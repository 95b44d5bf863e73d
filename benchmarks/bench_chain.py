"""kori at chain scale (issue 16): time and peak memory of each part, in one run.

Run, from the repository root (with kori installed in the interpreter's environment):

    python benchmarks/bench_chain.py --part orders                 # 100,000 store-products
    python benchmarks/bench_chain.py --part orders --products 20000 --sample 500
    python benchmarks/bench_chain.py --part orders --old /tmp/old_orders
    python benchmarks/bench_chain.py --part all --json chain.json    # (a), (b), (c), cost model
    python benchmarks/bench_chain.py --cost-model chain.json          # the model alone, again

Parts (``--part``, repeatable; ``all`` runs every part there is):

``orders``
    Order plans for a simulated chain (``--products`` store-products, 20 stores by default:
    5,000 products each), built in code from ``--seed``: a 28-day daily forecast per
    store-product with its 80% interval (levels log-normal from 0.1 to some 100 units a day, a
    weekly profile, negative-binomial spread), a catalog of 5,000 products in eleven categories
    (pack sizes 1 to 24, lead times 1 to 7 days, shelf lives of 2 to 21 days for perishables
    and months to years for the rest, minimum orders), stock on hand (2% without a stock row) and a ``store.toml`` with order
    days (Monday, Wednesday and Friday; every weekday but Sunday; or Tuesday and Friday, store
    by store) and service levels per category.
    ``forecasting.plan_orders`` (what ``kori plan orders`` calls, from reading the forecast's
    interval to the sorted lines, without file input and output) runs in a child process on:

    1. all store-products with this tree's code ("after");
    2. a random ``--sample`` of them (1,000 by default) with this tree's code, and
    3. the same sample with the code before the vectorisation ("before"), from ``--old``, a
       checkout of it (``git worktree add /tmp/old_orders 8f22b25``), put first on the child's
       ``PYTHONPATH``; skipped, and said so, without it.

    "Before" for all store-products is the sample's time scaled by the number of order lines
    (it grows linearly: one loop step per store-product and order day) and is labelled
    extrapolated. The sample's two times give a measured like-for-like ratio. Both codes'
    lines on the sample must be the same bytes (their CSV's SHA-256 is compared).

``forecasts``
    Forecasts of a simulated chain of ``--series`` daily series (``kori sample --stores N
    --format parquet``, kept in ``--folder``) on ``--workers`` local processes and on a
    ``LocalCluster`` of as many workers with ``--memory-limit`` each, smaller than the sales
    in memory: time and peak memory per worker; the forecasts must be the same. See
    ``benchmarks/chain_forecasts.py``.

``rules``
    Rule counting of at least ``--lines`` receipt lines of a simulated chain, the local sparse
    engine against the Dask engine: time and peak memory; the rules must be the same. See
    ``benchmarks/chain_rules.py``.

Each child reports its wall time (planning only, data built first), its peak RSS and its RSS
before planning (``getrusage`` and ``/proc/self/status``) as JSON on its last stdout line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
START = "2026-01-05"  # a Monday
CATEGORIES = [
    # name, share, pack sizes, lead days (low, high), shelf life days (low, high), level
    ("fruit", 0.08, (6, 12, 18), (1, 2), (5, 21), 0.95),
    ("vegetables", 0.08, (5, 10, 20), (1, 2), (4, 14), 0.95),
    ("milk", 0.05, (6, 12), (1, 1), (7, 12), 0.97),
    ("yoghurt", 0.06, (6, 12), (1, 2), (14, 21), 0.95),
    ("bread", 0.06, (1, 5, 10), (1, 1), (2, 4), 0.90),
    ("meat", 0.07, (4, 6, 8), (1, 2), (4, 10), 0.95),
    ("dry goods", 0.25, (6, 12, 24), (2, 5), (180, 720), 0.95),
    ("drinks", 0.10, (6, 12, 24), (2, 4), (90, 365), 0.95),
    ("frozen", 0.08, (4, 8, 12), (3, 7), (180, 540), 0.95),
    ("household", 0.12, (6, 12, 24), (3, 7), (3650, 3650), 0.92),
    ("spices", 0.05, (1, 6, 10), (3, 7), (365, 1080), 0.95),
]
PER_STORE = 5_000


def chain_tables(products: int, seed: int = 16, days: int = 28
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, str]:  # fmt: skip
    """A chain's forecast, stock, catalog and ``store.toml`` text for ``products``
    store-products (``PER_STORE`` products in each store, the last store maybe fewer)."""
    rng = np.random.default_rng(seed)
    skus = min(products, PER_STORE)
    shares = np.array([c[1] for c in CATEGORIES])
    kind = rng.choice(len(CATEGORIES), size=skus, p=shares / shares.sum())
    pack = np.array([rng.choice(CATEGORIES[k][2]) for k in kind])
    lead = np.array([rng.integers(CATEGORIES[k][3][0], CATEGORIES[k][3][1] + 1) for k in kind])
    shelf = np.array([rng.integers(CATEGORIES[k][4][0], CATEGORIES[k][4][1] + 1) for k in kind])
    catalog = pd.DataFrame({
        "sku": [f"P{i:05d}" for i in range(skus)],
        "name": [f"Product {i}" for i in range(skus)],
        "category": [CATEGORIES[k][0] for k in kind],
        "pack_size": pack, "lead_time_days": lead, "shelf_life_days": shelf,
        "min_order_packs": np.where(rng.random(skus) < 0.1, 2, 1),
    })  # fmt: skip
    n_stores = -(-products // PER_STORE)
    stores = [f"S{s:03d}" for s in range(n_stores)]
    store = np.repeat(np.arange(n_stores), PER_STORE)[:products]
    product = np.tile(np.arange(PER_STORE), n_stores)[:products] % skus
    level = np.exp(rng.normal(np.log(3.0), 1.2, products)).clip(0.05, 400)
    dates = pd.date_range(START, periods=days, freq="D")
    profile = np.array([0.85, 0.9, 0.95, 1.05, 1.25, 1.3, 0.7])[dates.day_of_week]
    point = level[:, None] * profile[None, :] * rng.lognormal(0, 0.08, (products, days))
    size = 4.0  # negative-binomial spread: var = mu + mu^2 / size
    sd = np.sqrt(point + point**2 / size)
    forecast = pd.DataFrame({
        "date": np.tile(dates.to_numpy(), products),
        "store": np.repeat(np.array(stores, object)[store], days),
        "sku": np.repeat(catalog["sku"].to_numpy()[product], days),
        "forecast": np.round(point, 3).ravel(),
        "lo80": np.round(np.maximum(point - 1.2816 * sd, 0.0), 3).ravel(),
        "hi80": np.round(point + 1.2816 * sd, 3).ravel(),
    })  # fmt: skip
    stock = pd.DataFrame({
        "store": np.array(stores, object)[store], "sku": catalog["sku"].to_numpy()[product],
        "on_hand": rng.poisson(level * 3), "on_order": np.where(rng.random(products) < 0.2,
                                                                pack[product], 0),
    })  # fmt: skip
    stock = stock[rng.random(products) >= 0.02].reset_index(drop=True)
    toml = ""
    levels = "\n".join(f'"{c[0]}" = {c[5]}' for c in CATEGORIES)
    hours = "\n".join(f'{d} = "07:00-22:00"' for d in ("mon", "tue", "wed", "thu", "fri",
                                                        "sat", "sun"))  # fmt: skip
    weeks = ('"mon", "wed", "fri"', '"mon", "tue", "wed", "thu", "fri", "sat"', '"tue", "fri"')
    for number, code in enumerate(stores):
        toml += (f'[stores.{code}]\ncountry = "FI"\n[stores.{code}.hours]\n{hours}\n'
                 f'[stores.{code}.ordering]\nservice_level = 0.95\n'
                 f'order_days = [{weeks[number % 3]}]\n[stores.{code}.ordering.service_levels]\n'
                 f'{levels}\n')  # fmt: skip
    return forecast, stock, catalog, toml


def sample_keys(products: int, sample: int, seed: int) -> np.ndarray:
    """Positions of ``sample`` store-products drawn from ``products`` (sorted)."""
    rng = np.random.default_rng(seed + 1)
    return np.sort(rng.choice(products, size=min(sample, products), replace=False))


def orders_child(products: int, sample: int, seed: int) -> dict:
    """In a child: build the chain (or its sample), plan its orders, report time and memory."""
    import forecasting
    from forecasting.stores import parse_store_configs

    forecast, stock, catalog, toml = chain_tables(products, seed)
    if sample:
        keep = sample_keys(products, sample, seed)
        keys = forecast[["store", "sku"]].drop_duplicates().iloc[keep]
        forecast = forecast.merge(keys, on=["store", "sku"])
        stock = stock.merge(keys, on=["store", "sku"])
    for frame in (forecast, stock, catalog):  # text columns as kori's file reader gives them
        for column in frame.columns[frame.dtypes == object]:
            frame[column] = frame[column].astype("str")
    stores = parse_store_configs(toml)
    import scipy.stats  # noqa: F401  (imported before the clock starts, for both codes)

    from forecasting.planning.orders import order_plan
    from forecasting.planning.plans import _demand, _parsed

    before = _rss_mib()
    start = time.perf_counter()
    plan = forecasting.plan_orders(forecast, stock, catalog, stores)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the planning step alone, on the checked inputs (what the vectorisation changed)
    demand = _demand(forecast, None, {}, {})
    stock, catalog = _parsed(stock, "stock", None, {}, {}), _parsed(catalog, "catalog", None, {}, {})
    start = time.perf_counter()
    alone = order_plan(demand, stock, catalog, stores=stores)
    planning = time.perf_counter() - start
    table = plan.table
    assert alone.table.equals(table)
    digest = hashlib.sha256(table.to_csv(index=False).encode()).hexdigest()
    return {"code": str(Path(forecasting.__file__).resolve().parent.parent),
            "store_products": int(forecast[["store", "sku"]].drop_duplicates().shape[0]),
            "forecast_rows": len(forecast), "lines": len(table), "seconds": round(seconds, 3),
            "planning_seconds": round(planning, 3), "rss_before_mib": round(before, 1),
            "peak_rss_mib": round(peak, 1), "sha256": digest, "summary": plan.summary()}  # fmt: skip


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _run_child(products: int, sample: int, seed: int, code: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(code), *filter(None, [os.environ.get("PYTHONPATH")])])}  # fmt: skip
    out = subprocess.run([sys.executable, __file__, "--child", "orders", "--products",
                          str(products), "--sample", str(sample), "--seed", str(seed)],
                         env=env, capture_output=True, text=True, check=False)  # fmt: skip
    if out.returncode:
        raise SystemExit(f"child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def part_orders(args: argparse.Namespace) -> dict:
    """Part (a): order plans for ``--products`` store-products, before and after."""
    after = _run_child(args.products, 0, args.seed, ROOT)
    print(f"after, all: {after['store_products']:,} store-products, {after['lines']:,} order "
          f"lines in {after['seconds']:.2f} s (planning alone {after['planning_seconds']:.2f} s), "
          f"peak RSS {after['peak_rss_mib']:,.0f} MiB "
          f"({after['rss_before_mib']:,.0f} MiB before planning)", file=sys.stderr)  # fmt: skip
    new_sample = _run_child(args.products, args.sample, args.seed, ROOT)
    print(f"after, sample: {new_sample['store_products']:,} store-products, "
          f"{new_sample['lines']:,} lines in {new_sample['seconds']:.3f} s (planning alone "
          f"{new_sample['planning_seconds']:.3f} s)", file=sys.stderr)  # fmt: skip
    result = {"after": after, "after_sample": new_sample}
    if args.old is None or not Path(args.old, "forecasting").is_dir():
        print("before: skipped (give --old, a checkout of the code before issue 16)",
              file=sys.stderr)  # fmt: skip
        return result
    old = _run_child(args.products, args.sample, args.seed, Path(args.old))
    same = old["sha256"] == new_sample["sha256"]
    result.update(before_sample=old, same_lines=same)
    print(f"before, sample: {old['lines']:,} lines in {old['seconds']:.2f} s (planning alone "
          f"{old['planning_seconds']:.2f} s), peak RSS {old['peak_rss_mib']:,.0f} MiB; lines "
          f"{'identical' if same else 'DIFFERENT'} to after's", file=sys.stderr)  # fmt: skip
    for key, what in (("seconds", "plan_orders"), ("planning_seconds", "order_plan alone")):
        per_line = old[key] / max(old["lines"], 1)
        extrapolated = per_line * after["lines"]
        ratio, speedup = old[key] / new_sample[key], extrapolated / after[key]
        result[key] = {"before_per_line_ms": per_line * 1e3, "before_extrapolated_s": extrapolated,
                       "after_s": after[key], "like_for_like_sample": ratio,
                       "speedup": speedup}  # fmt: skip
        print(f"{what}: before {per_line * 1e3:.3f} ms a line on the sample, "
              f"{extrapolated:,.0f} s for all {after['lines']:,} lines (extrapolated); after "
              f"{after[key]:.2f} s (measured): {speedup:,.0f}x; on the sample itself "
              f"{old[key]:.2f} s vs {new_sample[key]:.3f} s: {ratio:,.0f}x", file=sys.stderr)
    return result


def part_forecasts(args: argparse.Namespace) -> dict:
    """Part (b): forecasts of ``--series`` daily series, local processes and Dask."""
    import chain_forecasts

    return chain_forecasts.run(args.series, args.workers, Path(args.folder, "forecasts"),
                               memory_limit=args.memory_limit)  # fmt: skip


def part_rules(args: argparse.Namespace) -> dict:
    """Part (c): rule counting of ``--lines`` receipt lines, local and Dask."""
    import chain_rules

    return chain_rules.run(args.lines, args.workers, Path(args.folder, "rules"))


PARTS = {"orders": part_orders, "forecasts": part_forecasts, "rules": part_rules}

#: The chain the cost model is for: 20 million store-product series (1,000 stores x 20,000
#: products) and a billion receipt lines, in a nightly window of an hour.
CHAIN_SERIES, CHAIN_LINES, WINDOW_S = 20_000_000, 1_000_000_000, 3600.0
#: Share of a worker's time spent on tasks (start-up, stragglers, the last store's tail).
EFFICIENCY = 0.75


def cost_model(figures: dict) -> dict:
    """Workers for the chain's nightly run, from this run's measured Dask costs.

    Worker-seconds per series and per receipt line are the Dask runs' wall times times their
    workers over their sizes (a worker is one single-threaded process, one core). Scaled
    linearly to the chain (tasks are per store and independent), divided by the window and
    by :data:`EFFICIENCY`. An extrapolation from measured costs, labelled so.
    """
    forecasts, rules = figures["forecasts"], figures["rules"]
    per_series = forecasts["dask"]["seconds"] * forecasts["workers"] / forecasts["dask"]["series"]
    per_line = rules["dask"]["seconds"] * rules["workers"] / rules["lines"]
    series_s, lines_s = CHAIN_SERIES * per_series, CHAIN_LINES * per_line
    orders = figures.get("orders", {}).get("after")  # one process: its time is worker time
    per_order = orders["seconds"] / orders["store_products"] if orders else 0.0
    orders_s = CHAIN_SERIES * per_order
    workers = (series_s + lines_s + orders_s) / WINDOW_S / EFFICIENCY
    model = {"worker_s_per_series": per_series, "worker_s_per_line": per_line,
             "worker_s_per_store_product_plan": per_order,
             "chain_series": CHAIN_SERIES, "chain_lines": CHAIN_LINES,
             "forecast_worker_hours": series_s / 3600, "rules_worker_hours": lines_s / 3600,
             "orders_worker_hours": orders_s / 3600,
             "efficiency": EFFICIENCY, "workers_for_one_hour": int(np.ceil(workers))}  # fmt: skip
    print(f"cost model (extrapolated from the measured costs): per worker {per_series * 1e3:.1f} "
          f"ms a series forecast, {per_order * 1e3:.2f} ms a store-product planned, "
          f"{per_line * 1e6:.2f} us a receipt line counted; 20 million series take "
          f"{series_s / 3600:,.1f} worker-hours to forecast and {orders_s / 3600:,.1f} to plan, "
          f"a billion lines {lines_s / 3600:,.1f}: {model['workers_for_one_hour']:,} single-core "
          f"workers for an hour at {EFFICIENCY:.0%} efficiency", file=sys.stderr)  # fmt: skip
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", action="append", choices=[*PARTS, "all"])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--old", default="/tmp/old_orders",
                        help="checkout of the code before the vectorisation")
    parser.add_argument("--series", type=int, default=100_000,
                        help="forecasts: daily store-product series (156 a store)")
    parser.add_argument("--lines", type=int, default=10_000_000, help="rules: receipt lines")
    parser.add_argument("--workers", type=int, default=2,
                        help="local processes and LocalCluster workers")
    parser.add_argument("--memory-limit", default="512MiB", help="of each Dask worker")
    parser.add_argument("--folder", default="/tmp/kori-chain",
                        help="where the simulated chains are kept between runs")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--cost-model", metavar="JSON",
                        help="only the cost model, from the figures of an earlier --json run")
    parser.add_argument("--child", choices=list(PARTS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cost_model:
        print(json.dumps(cost_model(json.loads(Path(args.cost_model).read_text())), indent=1))
        return
    if args.child == "orders":
        print(json.dumps(orders_child(args.products, args.sample, args.seed)))
        return
    parts = list(PARTS) if not args.part or "all" in args.part else args.part
    figures = {part: PARTS[part](args) for part in parts}
    if "forecasts" in figures and "rules" in figures:
        figures["cost_model"] = cost_model(figures)
    text = json.dumps(figures, indent=1, default=str)
    if args.json:
        Path(args.json).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
