"""Forecasts at chain scale (issue 16, part b): local processes against a Dask LocalCluster.

``run(series, workers, folder)`` makes sure ``folder/`` holds a simulated chain with at least
``series`` daily store-product series as a Parquet dataset partitioned by store (``kori sample
FOLDER --stores N --years 1 --format parquet``, 156 products a store), then forecasts it 28
days ahead with the default model (``forecasting.forecast_dataset``: what ``kori forecast run
FOLDER/sales --weather ... --stores ... -o OUT/`` calls), twice, each in a child process of
its own, both writing their forecasts as a partitioned dataset:

1. ``local``: ``workers`` local processes (``Engine(jobs=workers)``); figures: the driver's
   peak RSS and the largest worker's (``getrusage(RUSAGE_CHILDREN)``).
2. ``dask``: a ``LocalCluster`` of ``workers`` single-threaded processes with a memory limit
   of ``memory_limit`` each, smaller than the sales in memory; figures: the driver's peak RSS,
   each worker's (``client.run`` of ``getrusage``), the time with and without starting the
   cluster.

The size of the sales in memory is measured by reading every partition as a worker reads it
(``read_partition``) and summing ``memory_usage(deep=True)``. Both runs must write the same
forecasts (SHA-256 of the sorted tables, each read back in a child of its own so that it does
not count in the runs' memory), or ``run`` raises. ``benchmarks/bench_chain.py
--part forecasts`` calls ``run``; alone:

    python benchmarks/chain_forecasts.py --series 100000 --workers 2 --folder /tmp/kori-chain
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PRODUCTS = 156  # the sample catalog: every store sells every product
HORIZON = 28


def run(series: int = 100_000, workers: int = 2, folder: Path = Path("/tmp/kori-chain"),
        *, memory_limit: str = "512MiB", seed: int = 1) -> dict[str, Any]:  # fmt: skip
    """Both engines on a chain of at least ``series`` series; figures as a dict."""
    stores = math.ceil(series / PRODUCTS)
    made = _ensure_chain(folder, stores, seed)
    figures: dict[str, Any] = {"stores": stores, "series_asked": series, "chain": made,
                               "memory_limit": memory_limit, "workers": workers}  # fmt: skip
    figures["sales_in_memory_bytes"] = _child("size", folder, workers, memory_limit)["bytes"]
    for engine in ("local", "dask"):
        figures[engine] = _child(engine, folder, workers, memory_limit)
        digest = _child(f"digest-{engine}", folder, workers, memory_limit)
        figures[engine]["sha256"] = digest["sha256"]
    if figures["local"]["sha256"] != figures["dask"]["sha256"]:
        raise SystemExit("the engines wrote different forecasts")
    figures["same_forecasts"] = True
    return figures


def _ensure_chain(folder: Path, stores: int, seed: int) -> dict[str, Any]:
    """Simulate the chain unless ``folder`` already holds one of ``stores`` stores."""
    sales = folder / "sales"
    if sales.is_dir() and len(list(sales.glob("store=*"))) == stores:
        return {"simulated": False}
    shutil.rmtree(folder, ignore_errors=True)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from cli import main; main()", "-q", "sample",
                    str(folder), "--stores", str(stores), "--years", "1", "--seed", str(seed),
                    "--format", "parquet"], check=True, cwd=ROOT)  # fmt: skip
    return {"simulated": True, "seconds": time.perf_counter() - began}


def _child(what: str, folder: Path, workers: int, memory_limit: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", what, "--folder", str(folder),
                          "--workers", str(workers), "--memory-limit", memory_limit],
                         capture_output=True, text=True, check=False, cwd=ROOT)  # fmt: skip
    if out.returncode:
        raise SystemExit(f"{what} child failed:\n{out.stderr[-3000:]}")
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{what}: {json.dumps(figures)}", file=sys.stderr)
    return figures


def _peak(who: int) -> int:
    return resource.getrusage(who).ru_maxrss * 1024


def child(what: str, folder: Path, workers: int, memory_limit: str) -> dict[str, Any]:
    """One measurement, in this (child) process."""
    import pandas as pd

    from forecasting.datasets import partitions, read_partition
    from forecasting.engine import Engine, dask_client, worker_peak_memory
    from forecasting.partitioned import forecast_dataset

    if what == "size":
        parts = partitions(folder / "sales")
        sizes = [int(read_partition(part).memory_usage(deep=True).sum()) for part in parts]
        return {"bytes": sum(sizes), "partitions": len(parts)}
    if what.startswith("digest-"):  # apart, so that reading the forecasts back is not measured
        table = pd.read_parquet(folder / f"forecasts_{what.removeprefix('digest-')}")
        table["store"] = table["store"].astype(str)
        table = table.sort_values(["store", "sku", "date"], ignore_index=True)
        hashed = pd.util.hash_pandas_object(table, index=False).to_numpy()
        return {"sha256": hashlib.sha256(hashed).hexdigest(), "rows": len(table)}
    engine = (Engine(jobs=workers) if what == "local"
              else Engine("dask", jobs=workers, memory_limit=memory_limit))  # fmt: skip
    began = time.perf_counter()
    if engine.distributed:
        dask_client(engine).wait_for_workers(workers)
    started = time.perf_counter()
    out = folder / f"forecasts_{what}"
    shutil.rmtree(out, ignore_errors=True)
    result = forecast_dataset(folder / "sales", horizon=HORIZON, output=out, engine=engine,
                              weather=pd.read_parquet(folder / "weather.parquet"),
                              stores=folder / "store.toml")  # fmt: skip
    done = time.perf_counter()
    workers_peak = (worker_peak_memory(engine) if engine.distributed
                    else {"largest local worker": _peak(resource.RUSAGE_CHILDREN)})  # fmt: skip
    return {"series": result.series, "rows": result.rows, "partitions": result.partitions,
            "models": result.models, "seconds": done - started,
            "seconds_with_start": done - began, "driver_peak_bytes": _peak(resource.RUSAGE_SELF),
            "worker_peak_bytes": workers_peak}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/kori-chain"))
    parser.add_argument("--memory-limit", default="512MiB")
    parser.add_argument("--child", choices=["size", "local", "dask", "digest-local", "digest-dask"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.workers, args.memory_limit)))
        return
    print(json.dumps(run(args.series, args.workers, args.folder, memory_limit=args.memory_limit),
                     indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
