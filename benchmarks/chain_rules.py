"""Rule counting at chain scale (issue 16, part c): the local sparse engine against Dask.

``run(lines, workers, folder)`` makes sure ``folder/receipts/`` holds a Parquet dataset of at
least ``lines`` receipt lines partitioned by store (simulating one with ``kori sample FOLDER
--stores N --receipt-weeks W --years 1 --format parquet`` when it does not), then mines rules
(``basket.find_rules``, ``min_support`` 0.001) twice, each in a child process of its own:

1. ``local``: every partition read into one process (``ReceiptsDataset.load``) and counted
   with the sparse engine; the figure is that process's peak RSS.
2. ``dask``: a ``LocalCluster`` of ``workers`` processes (one thread each) started in the
   child; the driver only lists the files, each worker reads, checks and counts its
   partitions. Figures: the driver's peak RSS and each worker's (``client.run`` of
   ``getrusage``), and the time with and without starting the cluster.

Both must give the same rules (the SHA-256 of their CSV) and the same number of itemsets, or
``run`` raises. ``benchmarks/bench_chain.py --part rules`` calls ``run``; alone:

    python benchmarks/chain_rules.py --lines 10000000 --workers 2 --folder /tmp/kori-chain
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LINES_PER_STORE_WEEK = 9_500  # about what the simulator writes (stores differ in size)
MIN_SUPPORT = 0.001


def run(
    lines: int = 10_000_000,
    workers: int = 2,
    folder: Path = Path("/tmp/kori-chain-rules"),
    *,
    weeks: int = 8,
    min_support: float = MIN_SUPPORT,
    seed: int = 1,
) -> dict[str, Any]:
    """Time and peak memory of rule counting on both engines, counts checked equal.

    Returns
    -------
    dict
        ``lines``, ``receipts``, ``partitions``, ``simulate_s`` (0 when reused), and one dict
        per engine (``local``, ``dask``) of the child's figures; ``speedup`` local / dask
        (without the cluster's start).
    """
    folder = Path(folder)
    simulate_s = 0.0
    found, partitions = count_lines(folder / "receipts")
    if found < lines:
        stores = math.ceil(lines / (LINES_PER_STORE_WEEK * weeks) * 1.05)
        began = time.perf_counter()
        kori = Path(sys.executable).with_name("kori")
        subprocess.run([str(kori), "-q", "sample", str(folder), "--stores", str(stores),
                        "--receipt-weeks", str(weeks), "--years", "1", "--format", "parquet",
                        "--seed", str(seed)], check=True)  # fmt: skip
        simulate_s = time.perf_counter() - began
        found, partitions = count_lines(folder / "receipts")
        if found < lines:
            raise RuntimeError(f"simulated {found:,} lines, fewer than {lines:,}: raise weeks")
    local = _child("local", folder / "receipts", min_support, workers)
    dask = _child("dask", folder / "receipts", min_support, workers)
    for key in ("rules_sha256", "itemsets", "receipts", "rules"):
        if local[key] != dask[key]:
            raise AssertionError(f"the engines differ in {key}: {local[key]} != {dask[key]}")
    return {"lines": found, "partitions": partitions, "receipts": local["receipts"],
            "workers": workers, "min_support": min_support, "simulate_s": round(simulate_s, 1),
            "local": local, "dask": dask,
            "speedup": round(local["seconds"] / dask["seconds"], 2)}  # fmt: skip


def count_lines(receipts: Path) -> tuple[int, int]:
    """Rows and files of a Parquet dataset, from the files' footers (no data read)."""
    import pyarrow.parquet as pq

    files = sorted(receipts.rglob("*.parquet")) if receipts.is_dir() else []
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files), len(files)


def _child(engine: str, receipts: Path, min_support: float, workers: int) -> dict[str, Any]:
    """One engine's run in a fresh process; its figures from the last line it prints."""
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", engine,
                          "--receipts", str(receipts), "--min-support", str(min_support),
                          "--workers", str(workers)],
                         capture_output=True, text=True, cwd=ROOT, check=False)  # fmt: skip
    if out.returncode:
        raise RuntimeError(f"the {engine} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _mine(engine: str, receipts: Path, min_support: float, workers: int) -> dict[str, Any]:
    """What a child does: read (or list) the dataset and mine it, timed."""
    from basket import find_rules, read_receipts

    figures: dict[str, Any] = {"engine": engine}
    began = time.perf_counter()
    dataset = read_receipts(Path(receipts))  # listed, not read
    if engine == "local":
        data: Any = dataset.load()
        figures["read_s"] = round(time.perf_counter() - began, 2)
        report = find_rules(data, engine="sparse", min_support=min_support)
        figures["seconds"] = round(time.perf_counter() - began, 2)
    else:
        import distributed

        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=":0", silence_logs=50) as cluster, \
                distributed.Client(cluster) as client:  # fmt: skip
            figures["cluster_start_s"] = round(time.perf_counter() - began, 2)
            began = time.perf_counter()
            report = find_rules(dataset, engine="dask", scheduler=cluster.scheduler_address,
                                min_support=min_support)  # fmt: skip
            figures["seconds"] = round(time.perf_counter() - began, 2)
            peaks = client.run(_peak_mb)
            figures["worker_peak_rss_mb"] = sorted(peaks.values())
    figures["peak_rss_mb"] = _peak_mb()
    csv = report.rules.to_csv(index=False).encode()
    figures.update(receipts=report.receipts, itemsets=report.itemsets, rules=len(report.rules),
                   min_count=report.min_count,
                   rules_sha256=hashlib.sha256(csv).hexdigest()[:16])  # fmt: skip
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/kori-chain-rules"))
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--min-support", type=float, default=MIN_SUPPORT)
    parser.add_argument("--child", choices=["local", "dask"], help=argparse.SUPPRESS)
    parser.add_argument("--receipts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_mine(args.child, args.receipts, args.min_support, args.workers)))
        return
    print(json.dumps(run(args.lines, args.workers, args.folder, weeks=args.weeks,
                         min_support=args.min_support), indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
