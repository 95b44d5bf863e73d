"""Accuracy of every model on three data sets, beside statsforecast's AutoETS and MSTL.

One run, one markdown table per data set: WAPE, MASE, bias, 80% and 95% coverage and seconds of
the default model, the global model (``gbm``), the ridge regression, prophet, ets and seasonal
naive, all through ``forecasting.backtest.run_backtest`` (so with the calibrated intervals and
the fallbacks a user gets).

- ``walmart``: the full Walmart file of stores 1-20 (``../shared/data``; every store-department,
  negative weeks clipped to 0 as ``--negative clip`` does), with the US holidays and the weekly
  temperature; 26 weeks held out from two origins: 2011-10-28 (the test window holds
  Thanksgiving and Christmas) and 2012-04-27 (the last 26 weeks).
- ``walmart50``: the 50 complete Walmart series of the README (``walmart_backtest.py``), the
  last 26 weeks held out.
- ``sample``: the sample store (312 daily series of ``kori sample``), three windows of 28 days.

statsforecast pins pandas below 3, so its AutoETS and MSTL run in their own virtual environment
(see ``statsforecast_side.py``) on the same windows: this script writes the series there, runs
the script with that environment's python, and scores its forecasts with the same code as
kori's. Without the environment those rows are left out (and the table says so).

Run::

    python benchmarks/accuracy.py                               # everything: about an hour
    python benchmarks/accuracy.py --sets walmart50 --models regression,gbm,naive
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.backtest import mase_scale, origins, run_backtest, score, summarise
from forecasting.models import DEFAULT_MODEL
from forecasting.series import SeriesSet, sales_series
from forecasting.tasks import Regressors
from forecasting.validation import parse_table

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "data"
SFVENV = HERE / ".sfvenv" / "bin" / "python"
MODELS = ("gbm", "regression", "prophet", "ets", "naive")
LEVELS = (80, 95)


@dataclass
class DataSet:
    """Series, their regressors and the backtest windows."""

    name: str
    title: str
    series: SeriesSet
    regressors: Regressors
    horizon: int
    windows: int
    step: int


def walmart_full(data: Path) -> DataSet:
    """Every store-department of stores 1-20, two origins 26 weeks apart."""
    train = pd.read_csv(data / "walmart_train_stores01-20.csv")
    sales = pd.DataFrame({
        "date": train["Date"], "store": train["Store"].map("S{:02d}".format),
        "sku": train["Dept"].map("D{:02d}".format), "quantity": train["Weekly_Sales"],
    })  # fmt: skip
    sales = parse_table(sales, "sales", source="walmart train", negative="clip")
    series = sales_series(sales, source="walmart train")
    return DataSet("walmart", f"Walmart stores 1-20, all {len(series.keys):,} store-departments, "
                   "origins 2011-10-28 and 2012-04-27, 26 weeks each", series,
                   _walmart_regressors(data), horizon=26, windows=2, step=26)  # fmt: skip


def walmart_50(data: Path) -> DataSet:
    """The README's 50 complete series, the last 26 weeks held out."""
    sys.path.insert(0, str(HERE))
    from walmart_backtest import load_walmart

    sales, _ = load_walmart(data, 50, 0)
    sales = parse_table(sales, "sales", source="walmart train")
    series = sales_series(sales, source="walmart train")
    return DataSet("walmart50", "Walmart, 50 complete store-departments, last 26 weeks", series,
                   _walmart_regressors(data), horizon=26, windows=1, step=26)  # fmt: skip


def _walmart_regressors(data: Path) -> Regressors:
    features = pd.read_csv(data / "walmart_features_stores01-20.csv")
    weather = pd.DataFrame({
        "date": features["Date"], "store": features["Store"].map("S{:02d}".format),
        "temperature_c": ((features["Temperature"] - 32) * 5 / 9).round(2),
    })  # fmt: skip
    weather = parse_table(weather, "weather", source="walmart features")
    return Regressors(country="US", weather=weather, weather_source="walmart features")


def sample_store() -> DataSet:
    """The sample store: 312 daily series, three windows of 28 days."""
    from forecasting.sample import simulate_store

    store = simulate_store()
    series = sales_series(store.sales, stores=store.stores, source="sample")
    return DataSet("sample", "Sample store, 312 daily series, 3 windows of 28 days", series,
                   Regressors(weather=store.weather, stores=store.stores),
                   horizon=28, windows=3, step=28)  # fmt: skip


def kori_rows(data: DataSet, models: list[str], jobs: int) -> list[dict]:
    """One row per model: the backtest's overall scores and seconds."""
    rows = []
    for model in models:
        start = time.perf_counter()
        result = run_backtest(data.series, models=[model], horizon=data.horizon,
                              windows=data.windows, step=data.step, levels=LEVELS,
                              regressors=data.regressors, jobs=jobs, source=data.name)  # fmt: skip
        seconds = time.perf_counter() - start
        row = result.overall.set_index("model").loc[model].to_dict()
        label = f"{model} (default)" if model == DEFAULT_MODEL else model
        rows.append({"model": label, **row, "seconds": seconds})
        print(f"{data.name}: {label} WAPE {row['wape']:.2%} ({seconds:.0f} s)", file=sys.stderr)
    return rows


def statsforecast_rows(data: DataSet, work: Path, jobs: int) -> list[dict]:
    """AutoETS and MSTL scored on the same windows, from the separate environment's run."""
    series, h = data.series, data.horizon
    starts = origins(len(series.dates), h, data.windows, data.step, series.season)
    ids = (series.keys["store"].astype(str) + "/" + series.keys[series.item_column].astype(str))
    long = pd.DataFrame({
        "unique_id": np.tile(ids.to_numpy(), len(series.dates)),
        "ds": np.repeat(series.dates.strftime("%Y-%m-%d").to_numpy(), len(ids)),
        "y": series.values.ravel(),
    })  # fmt: skip
    long = long[long["y"].notna()]
    inputs, outputs = work / "in", work / "out"
    inputs.mkdir(exist_ok=True)
    outputs.mkdir(exist_ok=True)
    long.to_csv(inputs / f"{data.name}.csv.gz", index=False)
    spec = {"freq": "D" if series.freq == "D" else series.freq, "season": series.season,
            "horizon": h, "origins": [f"{series.dates[s - 1]:%Y-%m-%d}" for s in starts]}
    (inputs / f"{data.name}.json").write_text(json.dumps(spec))
    subprocess.run([str(SFVENV), str(HERE / "statsforecast_side.py"), "--input", str(inputs),
                    "--output", str(outputs), "--sets", data.name, "--jobs", str(jobs)],
                   check=True, stdout=sys.stderr)  # fmt: skip
    forecasts = pd.read_csv(outputs / f"{data.name}_statsforecast.csv.gz")
    timing = json.loads((outputs / f"{data.name}_statsforecast.json").read_text())
    position = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    probs = (0.025, 0.1, 0.9, 0.975)
    rows = []
    for model, frame in forecasts.groupby("model", sort=False):
        sums = []
        for window, start in enumerate(starts):
            origin = f"{series.dates[start - 1]:%Y-%m-%d}"
            part = frame[frame["origin"] == origin]
            step = pd.to_datetime(part["ds"]).map(
                {d: i for i, d in enumerate(series.dates[start:start + h])})
            column = position.loc[part["unique_id"]].to_numpy()
            arrays = {}
            for name in ("forecast", "lo95", "lo80", "hi80", "hi95"):
                grid = np.zeros((h, len(ids)))
                grid[step.to_numpy(), column] = part[name].to_numpy()
                arrays[name] = grid
            quantiles = np.stack([arrays[n] for n in ("lo95", "lo80", "hi80", "hi95")])
            actual = series.values[start:start + h]
            frame_sums = score(actual, arrays["forecast"], quantiles, probs, LEVELS,
                               scale=mase_scale(series.values[:start], series.season))
            frame_sums["model"] = model
            sums.append(frame_sums)
        overall = summarise(pd.concat(sums, ignore_index=True), ["model"], LEVELS)
        row = overall.iloc[0].to_dict()
        rows.append({**row, "model": f"statsforecast {model}",
                     "seconds": timing.get("seconds", {}).get(model, np.nan)})
    return rows


def markdown(data: DataSet, rows: list[dict], note: str = "") -> str:
    """The data set's table, lowest WAPE first."""
    lines = [f"**{data.title}**", "",
             "| model | WAPE | MASE | bias | 80% / 95% coverage | seconds |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for row in sorted(rows, key=lambda r: r["wape"]):
        lines.append(f"| {row['model']} | {row['wape']:.1%} | {row['mase']:.2f} | "
                     f"{row['bias']:+.1%} | {row['coverage80']:.0%} / {row['coverage95']:.0%} | "
                     f"{row['seconds']:.0f} |")  # fmt: skip
    if note:
        lines += ["", note]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sets", default="walmart,walmart50,sample")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-statsforecast", action="store_true")
    args = parser.parse_args(argv)
    loaders = {"walmart": lambda: walmart_full(args.data), "walmart50": lambda: walmart_50(
        args.data), "sample": sample_store}  # fmt: skip
    models = list(dict.fromkeys([DEFAULT_MODEL, *args.models.split(",")]))
    for name in args.sets.split(","):
        data = loaders[name]()
        rows = kori_rows(data, models, args.jobs)
        note = ""
        if args.no_statsforecast or not SFVENV.exists():
            note = "statsforecast left out (no environment at benchmarks/.sfvenv)."
        else:
            with tempfile.TemporaryDirectory() as work:
                rows += statsforecast_rows(data, Path(work), args.jobs)
        print(markdown(data, rows, note) + "\n", flush=True)


if __name__ == "__main__":
    main()
