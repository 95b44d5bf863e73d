"""Time kori's one-sided Fisher test (``basket.fisher.upper_tail``) against scipy's hypergeom.sf.

Run, from the repository root:

    python benchmarks/bench_fisher.py [--rules 50000] [--repeat 3] [--seed 1]
        [--groceries tests/data/groceries_arules_baskets.csv]

Both get the same rules, as arrays of counts: ``k`` receipts with both sides, ``draws`` with
the antecedent, ``successes`` with the consequent, out of ``population`` receipts; kori's
``upper_tail(k, population, successes, draws)`` is ``hypergeom.sf(k - 1, population,
successes, draws)``. The regimes:

- **groceries**: the arules Groceries receipts (9,835), mined by kori with support 0.0005 and at
  most 3 items; every rule with a one-item consequent (67,242) counted from the itemsets, and
  ``--rules`` of them drawn at random.
- **near-null** at 200,000 and 1,000,000 receipts: antecedent and consequent counts
  log-uniform between 0.05% and 5% of the receipts (the range a support threshold of 0.0005
  leaves), the joint count drawn around its expectation ``draws x successes / population``
  (normal, one standard deviation of the hypergeometric), so the tail sums have many terms.
- **strong** at the same sizes: the same sides, the joint count ``lift`` times its
  expectation with lift log-uniform in [1.5, 10], capped at the smaller side: p-values from
  about 0.1 down to underflow.

Each time is the best of ``--repeat`` runs, kori and scipy alternating in the same process, so
the ratio scipy / kori is what to compare across machines, not the seconds. ``scipy.stats``
is imported before the timing; its import (which kori avoids) is timed apart in a fresh
interpreter. Results must agree: ``np.testing.assert_allclose`` with ``rtol=RTOL`` on
every p-value of at least ``FLOOR`` (below it doubles are subnormal or zero and carry fewer
significant bits), and within ``FLOOR`` absolutely below it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RTOL = 1e-9
FLOOR = 1e-300
LOW_SHARE, HIGH_SHARE = 0.0005, 0.05
LIFTS = (1.5, 10.0)

Rules = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # k, population, successes, draws


def groceries_rules(path: Path, n_rules: int, rng: np.random.Generator) -> Rules:
    """Counts of ``n_rules`` Groceries rules with one-item consequents, mined by kori."""
    from basket.mining import frequent_itemsets
    from basket.receipts import from_baskets

    with open(path, encoding="utf-8", newline="") as handle:
        receipts = from_baskets(handle, source=path.name)
    found = frequent_itemsets(receipts, min_support=0.0005, max_len=3)
    counts = found.counts
    rows = [(both, counts[tuple(i for i in items if i != item)], counts[(item,)])
            for items, both in counts.items() if len(items) > 1 for item in items]  # fmt: skip
    rows = np.array(rows, dtype=float)
    rows = rows[rng.choice(len(rows), size=min(n_rules, len(rows)), replace=False)]
    population = np.full(len(rows), float(found.n_receipts))
    return rows[:, 0], population, rows[:, 2], rows[:, 1]


def simulated_rules(n_receipts: int, n_rules: int, kind: str, rng: np.random.Generator) -> Rules:
    """Counts of ``n_rules`` near-null or strong rules over ``n_receipts`` receipts."""
    low, high = np.log(LOW_SHARE * n_receipts), np.log(HIGH_SHARE * n_receipts)
    draws = np.round(np.exp(rng.uniform(low, high, n_rules)))
    successes = np.round(np.exp(rng.uniform(low, high, n_rules)))
    n = float(n_receipts)
    mean = draws * successes / n
    if kind == "near-null":
        sd = np.sqrt(mean * (1 - draws / n) * (n - successes) / (n - 1))
        k = np.round(mean + sd * rng.standard_normal(n_rules))
    else:
        k = np.round(mean * np.exp(rng.uniform(*np.log(LIFTS), n_rules)))
    k = np.clip(k, np.maximum(0, draws + successes - n), np.minimum(draws, successes))
    return k, np.full(n_rules, n), successes, draws


def best_of(repeat: int, *calls: Callable[[], np.ndarray]) -> list[float]:
    """The best wall seconds of each call over ``repeat`` rounds, the calls alternating."""
    best = [float("inf")] * len(calls)
    for _ in range(repeat):
        for i, call in enumerate(calls):
            start = time.perf_counter()
            call()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def scipy_stats_import_s() -> float:
    """Seconds to import scipy.stats in a fresh interpreter that already has scipy.special."""
    code = ("import time, scipy.special; t = time.perf_counter(); import scipy.stats; "
            "print(time.perf_counter() - t)")  # fmt: skip
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--groceries", type=Path,
                        default=ROOT / "tests" / "data" / "groceries_arules_baskets.csv")
    args = parser.parse_args()

    from scipy.stats import hypergeom

    from basket.fisher import upper_tail

    rng = np.random.default_rng(args.seed)
    cases = [("groceries", groceries_rules(args.groceries, args.rules, rng))]
    for n_receipts in (200_000, 1_000_000):
        for kind in ("near-null", "strong"):
            cases.append((kind, simulated_rules(n_receipts, args.rules, kind, rng)))

    print("| regime | receipts | rules | kori s | scipy s | scipy / kori | smallest p | "
          "max relative difference (p >= 1e-300) |")
    print("|---|---|---|---|---|---|---|---|")
    for regime, (k, population, successes, draws) in cases:
        kori, scipy = upper_tail(k, population, successes, draws), hypergeom.sf(
            k - 1, population, successes, draws)
        normal = scipy >= FLOOR
        np.testing.assert_allclose(kori[normal], scipy[normal], rtol=RTOL, atol=0)
        np.testing.assert_allclose(kori[~normal], scipy[~normal], rtol=0, atol=FLOOR)
        difference = np.abs(kori - scipy)[normal] / scipy[normal]
        kori_s, scipy_s = best_of(
            args.repeat,
            partial(upper_tail, k, population, successes, draws),
            partial(hypergeom.sf, k - 1, population, successes, draws),
        )
        print(f"| {regime} | {int(population[0]):,} | {len(k):,} | {kori_s:.3f} | {scipy_s:.3f} | "
              f"{scipy_s / kori_s:.1f}x | {scipy.min():.1e} | {difference.max():.1e} |")
    print(f"\nimport scipy.stats (after scipy.special, fresh interpreter): "
          f"{scipy_stats_import_s():.2f} s")


if __name__ == "__main__":
    main()
