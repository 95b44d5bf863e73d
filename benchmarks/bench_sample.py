"""Time and peak memory of simulating the sample store and of validating its files.

Run: python benchmarks/bench_sample.py [--years 1 2 3]

Validation is compared with its baseline in the same run: plain `pandas.read_csv` of the same
file, which every command pays anyway. Figures are ratios to that baseline, since machines differ.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

from forecasting.sample import simulate_store
from forecasting.validation import validate_table


def timed(function):
    """Result and wall seconds, best of three (tracemalloc would slow pandas down)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return result, best


def peak_mib(function) -> float:
    """Peak Python memory of one call, in MiB."""
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    print("| years | simulate s | peak MiB | sales rows | receipts rows |")
    print("|---|---|---|---|---|")
    store = None
    for years in args.years:
        store, seconds = timed(lambda: simulate_store(seed=1, years=years))
        peak = peak_mib(lambda: simulate_store(seed=1, years=years))
        print(f"| {years} | {seconds:.2f} | {peak:.0f} | {len(store.sales):,} | "
              f"{len(store.receipts):,} |")  # fmt: skip
    print()
    print("| file | rows | read_csv s (baseline) | validate s | validate / read |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, frame in store.tables().items():
            path = Path(folder) / name
            frame.to_csv(path, index=False)
            text, read_s = timed(lambda: pd.read_csv(path, dtype=str, keep_default_na=False))
            _, check_s = timed(lambda: validate_table(text, name.removesuffix(".csv")))
            print(f"| {name} | {len(text):,} | {read_s:.3f} | {check_s:.3f} | "
                  f"{check_s / read_s:.1f}x |")  # fmt: skip


if __name__ == "__main__":
    main()
