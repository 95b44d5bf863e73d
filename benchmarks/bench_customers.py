"""Time customers.summarise, the BG/NBD and Gamma-Gamma fits and the predictions on a large
simulated loyalty history: 100,000 customers, about 1,000,000 receipts (fixed seed); and, with
``--commands``, ``kori customers segments`` and ``kori customers next`` end to end on a CSV of
1,000,000 visits.

Run: ``.venv/bin/python benchmarks/bench_customers.py`` (the library steps, seconds each),
``.venv/bin/python benchmarks/bench_customers.py --commands`` (the two commands as users run
them: the library facades on the frame read, then ``kori`` in a subprocess, wall time and peak
memory, each also as a ratio to reading the same CSV, because the machine is shared and noisy),
or ``--all`` for both.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import customers

CUSTOMERS = 100_000
RECEIPTS = 1_000_000
# Weekly rates: a mean of 0.18 purchases a week while alive, about 9 purchase days per customer
# over the 78 weeks; receipts drawn again from them (a second receipt on the same day) make up
# the 1,000,000.
PARAMS = {"r": 1.8, "alpha": 10.0, "a": 1.0, "b": 12.0}
START = np.datetime64("2024-01-01")
WEEKS = 78
AS_OF = "2025-06-29"  # the last of the 78 weeks from START
STORES = ("Helsinki Kamppi", "Espoo Iso Omena", "Tampere Ratina")
OPEN_HOUR, CLOSE_HOUR = 7, 22  # visits from 07:00:00 to 21:59:59


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


def loyalty_visits(seed: int = 1) -> pd.DataFrame:
    """1,000,000 visits of 100,000 customers over 78 weeks, as ``kori sample`` writes them.

    Every customer visits at least once; the other visits go to customers in proportion to a
    gamma-distributed rate (a few weekly regulars, many occasional ones), between the day they
    join (the first day for half of them) and the day they leave (a third leave early). Each
    customer has a
    home store (80% of their visits) among three; times fall within opening hours (07-22,
    busiest in the afternoon); amounts are log-normal (median about 20 euros), always positive.
    """
    rng = np.random.default_rng(seed)
    rate = rng.gamma(0.8, 1.0, CUSTOMERS)
    extra = rng.choice(CUSTOMERS, RECEIPTS - CUSTOMERS, p=rate / rate.sum())
    who = np.concatenate([np.arange(CUSTOMERS), extra])
    home = rng.integers(0, len(STORES), CUSTOMERS)[who]
    store = np.where(rng.random(RECEIPTS) < 0.8, home, rng.integers(0, len(STORES), RECEIPTS))
    # Half the customers were there from the start, the others join during the 78 weeks; a
    # third drop out before the end. Each visits on days drawn evenly between joining and leaving.
    days = WEEKS * 7
    joined = np.where(rng.random(CUSTOMERS) < 0.5, 0, rng.integers(0, days, CUSTOMERS))
    left = np.where(rng.random(CUSTOMERS) < 1 / 3,
                    joined + (rng.random(CUSTOMERS) * (days - joined)).astype(np.int64), days - 1)
    span = (left - joined + 1)[who]
    day = joined[who] + (rng.random(RECEIPTS) * span).astype(np.int64)
    open_s = (CLOSE_HOUR - OPEN_HOUR) * 3600
    seconds = OPEN_HOUR * 3600 + (rng.beta(2.2, 1.8, RECEIPTS) * open_s).astype(np.int64)
    when = START + day.astype("timedelta64[D]") + seconds.astype("timedelta64[s]")
    order = np.argsort(when, kind="stable")  # a till export: in time order
    ids = np.char.add("L", (10_000_000 + rng.permutation(90_000_000)[:CUSTOMERS]).astype(str))
    return pd.DataFrame({
        "customer_id": ids[who[order]],
        "timestamp": pd.DatetimeIndex(when[order]).strftime("%Y-%m-%d %H:%M:%S"),
        "store": np.asarray(STORES)[store[order]],
        "amount_eur": np.round(rng.lognormal(3.0, 0.6, RECEIPTS), 2).clip(0.05),
    })  # fmt: skip


def _read(path: Path) -> pd.DataFrame:
    """The CSV as ``kori`` reads it: text columns, blanks kept."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# Linux starts a forked child's peak memory at its parent's (kept through exec), so a child of
# this large process would report at least this process's peak. A small launcher in between
# (/usr/bin/time, else a bare Python) forks the command from a clean, small process.
_LAUNCH = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
           "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN)"
           ".ru_maxrss)); sys.exit(code)")  # fmt: skip


def _run(args: list[str], log: Path) -> tuple[float, float, int]:
    """Wall seconds, peak resident memory (MiB) and exit code of one subprocess."""
    memory = log.with_suffix(".maxrss")
    if Path("/usr/bin/time").exists():
        launcher = ["/usr/bin/time", "-f", "%M", "-o", str(memory)]  # %M: peak RSS in KiB
    else:
        launcher = [sys.executable, "-c", _LAUNCH, str(memory)]
    start = time.perf_counter()
    with log.open("w") as err:
        code = subprocess.call(launcher + args, stdout=subprocess.DEVNULL, stderr=err)
    seconds = time.perf_counter() - start
    kib = float(memory.read_text().split()[-1])
    return seconds, kib / (2**20 if sys.platform == "darwin" else 1024), code


def commands() -> None:
    """Time ``customers segments`` and ``customers next`` as users run them, with baselines."""
    kori = Path(sys.executable).with_name("kori")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        path = tmp / "loyalty_visits.csv"
        start = time.perf_counter()
        loyalty_visits().to_csv(path, index=False)
        made = time.perf_counter() - start
        rows: list[tuple[str, float, float | None, float | None]] = []

        start = time.perf_counter()
        frame = _read(path)
        read = time.perf_counter() - start
        rows.append(("read_csv (baseline, in process)", read, None, None))
        print(f"{len(frame):,} visits of {frame['customer_id'].nunique():,} customers, "
              f"{path.stat().st_size / 2**20:.0f} MiB CSV written in {made:.1f} s; as of {AS_OF}")

        start = time.perf_counter()
        found = customers.customer_segments(frame, as_of=AS_OF)
        rows.append(("customer_segments(frame)", time.perf_counter() - start, None, None))
        start = time.perf_counter()
        outlook = customers.next_purchases(frame, as_of=AS_OF)
        rows.append(("next_purchases(frame)", time.perf_counter() - start, None, None))
        del frame

        script = f"import pandas as pd; pd.read_csv({str(path)!r}, dtype=str, keep_default_na=False)"
        base, base_mib, _ = _run([sys.executable, "-c", script], tmp / "base.log")
        rows.append(("python -c 'read_csv' (baseline)", base, base_mib, None))
        for command in ("segments", "next"):
            seconds, mib, code = _run([str(kori), "customers", command, str(path), "--as-of",
                                       AS_OF, "-o", str(tmp / f"{command}.csv")],
                                      tmp / f"{command}.log")  # fmt: skip
            if code:
                sys.exit(f"kori customers {command} failed:\n"
                         + (tmp / f"{command}.log").read_text())  # fmt: skip
            rows.append((f"kori customers {command} (CLI)", seconds, mib, None))

    print(f"{'step':40s} {'wall s':>7s} {'x base':>7s} {'peak MiB':>9s} {'x base':>7s}")
    cli_total = 0.0
    for step, seconds, mib, _ in rows:
        subprocess_row = mib is not None
        ref = base if subprocess_row else read
        if step.startswith("kori"):
            cli_total += seconds
        memory = (f"{mib:9.0f} {mib / base_mib:7.1f}" if subprocess_row else f"{'':9s} {'':7s}")
        print(f"{step:40s} {seconds:7.2f} {seconds / ref:7.1f} {memory}")
    print(f"{'both commands end to end':40s} {cli_total:7.2f} {cli_total / base:7.1f}")
    print(f"segments: {len(found.table):,} customers in {len(found.segments)} segments; next: "
          f"{len(outlook.table):,} customers, {int(outlook.table['lapsed'].sum()):,} lapsed")
    print("load average (1, 5, 15 min):", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", action="store_true",
                        help="time only the two commands end to end (with baselines)")
    parser.add_argument("--all", action="store_true", help="the library steps and the commands")
    options = parser.parse_args()
    if not options.commands:
        main()
    if options.commands or options.all:
        commands()
