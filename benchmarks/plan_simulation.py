"""Follow the order plan over the sample store's last 8 weeks: fill rate, service and waste.

On every order day (Monday, Wednesday, Friday in the sample's ``store.toml``) the default model
forecasts 28 days from the history before that day, with the observed weather and the stores'
hours, and ``order_plan`` turns the forecast and the stock then on the shelves into orders.
Deliveries arrive after each product's lead time; customers buy first-in first-out, and a sale
that finds the shelf empty is lost; stock past its shelf life is thrown away. Two weeks of
warm-up fill the shelves before the 8 weeks are scored.

Run::

    python benchmarks/plan_simulation.py                 # the whole sample, ~1 minute
    python benchmarks/plan_simulation.py --skus 40 --service-level 0.9
    python benchmarks/plan_simulation.py --order-daily bread,pastries   # catalog order_days
"""

from __future__ import annotations

import argparse
import sys
import time

import pandas as pd

from forecasting.planning.simulate import simulate_orders
from forecasting.rolling import demand_as_of
from forecasting.sample import simulate_store


def run(seed: int = 1, weeks: int = 8, skus: int | None = None,
        service_level: float | None = None, daily: tuple[str, ...] = ()
        ) -> tuple[object, float]:  # fmt: skip
    """The simulation of the sample store and its wall time; ``daily`` categories are ordered
    every day but Sunday (the catalog's ``order_days``) instead of the stores' order days."""
    sample = simulate_store(seed=seed)
    catalog = sample.catalog.copy()
    if daily:
        catalog["order_days"] = ""
        catalog.loc[catalog["category"].isin(daily), "order_days"] = "mon tue wed thu fri sat"
    sales = sample.sales
    if skus:
        keep = sorted(sales["sku"].unique())[:: max(1, sales["sku"].nunique() // skus)][:skus]
        sales = sales[sales["sku"].isin(keep)]
    end = sales["date"].max()
    start = end - pd.Timedelta(weeks=weeks) + pd.Timedelta(days=1)
    forecast_at = demand_as_of(sales, stores=sample.stores, weather=sample.weather)
    began = time.perf_counter()
    result = simulate_orders(sales, forecast_at, catalog, sample.stores, start=start,
                             end=end, service_level=service_level)  # fmt: skip
    return result, time.perf_counter() - began


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--skus", type=int, help="only about this many products")
    parser.add_argument("--service-level", type=float)
    parser.add_argument("--order-daily", default="", metavar="CATEGORY,...",
                        help="categories ordered Monday to Saturday")
    args = parser.parse_args(argv)
    daily = tuple(c for c in args.order_daily.split(",") if c)
    result, seconds = run(args.seed, args.weeks, args.skus, args.service_level, daily)
    print(f"{len(result.items)} store-products, {result.days} days scored, {seconds:.0f} s",
          file=sys.stderr)  # fmt: skip
    overall = result.totals()
    by_category = result.totals("category").sort_values("demand", ascending=False)
    print("| scope | units demanded | fill rate | order cycles without a lost sale | target | "
          "waste (share of units received) |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for table in (overall, by_category.head(12)):
        for row in table.itertuples(index=False):
            print(f"| {row[0]} | {row.demand:,.0f} | {row.fill_rate:.1%} | "
                  f"{row.cycle_service:.1%} | {row.target:.0%} | {row.waste_share:.1%} |")


if __name__ == "__main__":
    main()
