"""A tour of the simulated store through the Python API.

Run: python examples/sample_store_tour.py

Simulates the sample store, checks its sales file as `kori data validate` would, and shows three
of the truths planted in it: salmon sells with dill, ice cream with warm weather, and ham before
Christmas.
"""

from __future__ import annotations

import numpy as np

from forecasting.sample import simulate_store
from forecasting.validation import validate_table


def main() -> None:
    store = simulate_store(seed=1)
    report = validate_table(store.sales, "sales", source="sales")
    print(f"sales: {report.rows:,} rows, {len(report.errors)} errors, {len(report.notes)} notes")

    sku = store.catalog.set_index("name")["sku"]
    holders = store.receipts.groupby("sku")["receipt_id"].agg(set)
    salmon, dill = holders[sku["Salmon fillet 400 g"]], holders[sku["Dill bunch"]]
    receipts = store.receipts["receipt_id"].nunique()
    print(
        f"receipts with salmon that hold dill: {len(salmon & dill) / len(salmon):.0%} "
        f"(all receipts: {len(dill) / receipts:.0%})"
    )

    sales = store.sales[store.sales["store"] == "HKI"]
    ice = sales[sales["sku"] == sku["Ice cream vanilla 1 l"]].merge(store.weather, on=["date", "store"])
    print(f"ice cream vs temperature: r = {np.corrcoef(ice['quantity'], ice['temperature_c'])[0, 1]:.2f}")

    ham = sales[sales["sku"] == sku["Christmas ham salted 2 kg"]].set_index("date")["quantity"]
    peak = ham["2024-11-01":"2024-12-31"].idxmax()
    print(f"Christmas ham peaks on {peak:%A %d %B %Y} with {ham[peak]} hams")


if __name__ == "__main__":
    main()
