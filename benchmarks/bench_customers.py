"""Time customers.summarise, the BG/NBD and Gamma-Gamma fits and the predictions on a large
simulated loyalty history: 100,000 customers, about 1,000,000 receipts (fixed seed).

Run: ``.venv/bin/python benchmarks/bench_customers.py``. Prints the seconds of each step.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import customers

CUSTOMERS = 100_000
RECEIPTS = 1_000_000
# Weekly rates: a mean of 0.18 purchases a week while alive, about 9 purchase days per customer
# over the 78 weeks; receipts drawn again from them (a second receipt on the same day) make up
# the 1,000,000.
PARAMS = {"r": 1.8, "alpha": 10.0, "a": 1.0, "b": 12.0}


def main() -> None:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    receipts = customers.simulate_transactions(
        CUSTOMERS, start="2024-01-01", end="2025-06-30", seed=1, **PARAMS)
    rng = np.random.default_rng(2)
    again = receipts.sample(n=RECEIPTS - len(receipts), replace=True, random_state=rng)
    receipts = pd.concat([receipts, again], ignore_index=True)
    timings["simulate"] = time.perf_counter() - start

    start = time.perf_counter()
    summary = customers.summarise(receipts, amount="amount", as_of="2025-06-30")
    timings["summarise"] = time.perf_counter() - start

    start = time.perf_counter()
    purchases = customers.BetaGeoModel().fit(summary)
    timings["fit BG/NBD"] = time.perf_counter() - start

    start = time.perf_counter()
    spend = customers.GammaGammaModel().fit(summary)
    timings["fit Gamma-Gamma"] = time.perf_counter() - start

    start = time.perf_counter()
    result = customers.lifecycle(summary, horizon=13, purchases=purchases, spend=spend)
    timings["predict (lifecycle, 13 weeks)"] = time.perf_counter() - start

    print(f"{len(receipts):,} receipts of {len(summary):,} customers")
    for step, seconds in timings.items():
        print(f"{step:32s} {seconds:6.2f} s")
    print("BG/NBD:", purchases, " true:", PARAMS)
    print("Gamma-Gamma:", spend)
    print("\n".join(result.summary()))
    segments()


def segments() -> None:
    """Time profiles and segment on 1,000,000 visits of 100,000 customers (random times of
    day over 78 weeks, three stores, log-normal amounts; fixed seed)."""
    rng = np.random.default_rng(1)
    n = RECEIPTS
    when = (np.datetime64("2024-01-01T07:00") + rng.integers(0, 78 * 7, n).astype("timedelta64[D]")
            + rng.integers(0, 14 * 3600, n).astype("timedelta64[s]"))
    visits = pd.DataFrame({"customer_id": rng.integers(0, CUSTOMERS, n), "timestamp": when,
                           "store": rng.choice(["A", "B", "C"], n),
                           "amount_eur": np.round(rng.lognormal(3.0, 0.6, n), 2)})
    start = time.perf_counter()
    profile = customers.profiles(visits, as_of="2025-06-30")
    middle = time.perf_counter()
    customers.segment(profile, seed=1)
    end = time.perf_counter()
    print(f"{n:,} visits of {len(profile):,} customers")
    print(f"{'profiles':32s} {middle - start:6.2f} s")
    print(f"{'segment (RFM, k-means, k=5)':32s} {end - middle:6.2f} s")


if __name__ == "__main__":
    main()
