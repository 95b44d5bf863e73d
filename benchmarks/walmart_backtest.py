"""Backtest every model on real weekly sales: 50 Walmart store-department series.

The data are the Kaggle "Walmart Recruiting - Store Sales Forecasting" files for stores 1-20
(``../shared/data/walmart_*``; see ``SOURCES.md`` there). A series qualifies when it has all 143
weeks and no week at or below zero (negative weeks are returns); 50 of them are drawn with a
fixed seed. The last 26 weeks are held out (one origin). Each model runs twice: with the US
holiday calendar and the weekly temperature (converted from Fahrenheit), and with neither.

Run::

    python benchmarks/walmart_backtest.py            # prints a markdown table on stdout
    python benchmarks/walmart_backtest.py --models naive,regression,stl --series 20
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.backtest import run_backtest
from forecasting.models import MODELS
from forecasting.series import SeriesSet, sales_series
from forecasting.tasks import Regressors
from forecasting.validation import parse_table

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
WEEKS = 143


def load_walmart(data: Path, n_series: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sales (``date, store, sku, quantity``) of ``n_series`` complete series, and their weather."""
    train = pd.read_csv(data / "walmart_train_stores01-20.csv", parse_dates=["Date"])
    stats = train.groupby(["Store", "Dept"])["Weekly_Sales"].agg(["size", "min"])
    complete = stats[(stats["size"] == WEEKS) & (stats["min"] > 0)].index
    rng = np.random.default_rng(seed)
    chosen = complete[np.sort(rng.choice(len(complete), size=n_series, replace=False))]
    rows = train.set_index(["Store", "Dept"]).loc[chosen].reset_index()
    sales = pd.DataFrame({
        "date": rows["Date"].dt.strftime("%Y-%m-%d"),
        "store": rows["Store"].map("S{:02d}".format),
        "sku": rows["Dept"].map("D{:02d}".format),
        "quantity": rows["Weekly_Sales"].round(2),
    })  # fmt: skip
    features = pd.read_csv(data / "walmart_features_stores01-20.csv", parse_dates=["Date"])
    features = features[features["Store"].isin(rows["Store"].unique())]
    weather = pd.DataFrame({
        "date": features["Date"].dt.strftime("%Y-%m-%d"),
        "store": features["Store"].map("S{:02d}".format),
        "temperature_c": ((features["Temperature"] - 32) * 5 / 9).round(2),
    })  # fmt: skip
    return sales, weather


def backtest(series: SeriesSet, weather: pd.DataFrame, models: list[str], jobs: int) -> pd.DataFrame:
    """One row per model and setting: WAPE, ratio to naive, MASE, bias, coverage, seconds."""
    settings = {
        "with": Regressors(country="US", weather=weather, weather_source="walmart features"),
        "without": Regressors(country="US", holidays=False),
    }
    rows = []
    for label, regressors in settings.items():
        for model in models:
            start = time.perf_counter()
            result = run_backtest(series, models=[model], horizon=26, windows=1,
                                  regressors=regressors, jobs=jobs)  # fmt: skip
            seconds = time.perf_counter() - start
            row = result.overall.set_index("model").loc[model]
            rows.append({"model": model, "regressors": label, "wape": row["wape"],
                         "vs_naive": row["wape_vs_naive"], "mase": row["mase"],
                         "bias": row["bias"], "coverage80": row["coverage80"],
                         "coverage95": row["coverage95"], "seconds": seconds})  # fmt: skip
            print(f"{label:>7} {model:<10} WAPE {row['wape']:.1%} ({seconds:.1f} s)",
                  file=sys.stderr)  # fmt: skip
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame) -> str:
    """The README table: each model with and without regressors, beside naive."""
    wide = table.pivot(index="model", columns="regressors")
    order = [m for m in MODELS if m in wide.index]
    lines = [
        ("| model | WAPE with holidays + temperature | vs naive | WAPE without | vs naive "
         "| MASE (with) | 80% / 95% coverage (with) | seconds (with) |"),
        "|---|---|---|---|---|---|---|---|",
    ]
    for model in order:
        r = wide.loc[model]
        lines.append(
            f"| {model} | {r[('wape', 'with')]:.1%} | {r[('vs_naive', 'with')]:.2f}x "
            f"| {r[('wape', 'without')]:.1%} | {r[('vs_naive', 'without')]:.2f}x "
            f"| {r[('mase', 'with')]:.2f} | {r[('coverage80', 'with')]:.0%} / "
            f"{r[('coverage95', 'with')]:.0%} | {r[('seconds', 'with')]:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", default=",".join(m for m in MODELS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--csv", type=Path, help="also write the long table here")
    args = parser.parse_args(argv)
    sales, weather = load_walmart(args.data, args.series, args.seed)
    sales = parse_table(sales, "sales", source="walmart train")
    weather = parse_table(weather, "weather", source="walmart features")
    series = sales_series(sales, source="walmart train")
    print(f"{len(series.keys)} series, {len(series.dates)} weeks ({series.freq}), "
          f"{series.dates[0]:%Y-%m-%d} to {series.dates[-1]:%Y-%m-%d}", file=sys.stderr)
    models = [m for m in args.models.split(",") if m != "naive"]
    table = backtest(series, weather, ["naive", *models], args.jobs)
    if args.csv:
        table.to_csv(args.csv, index=False)
    print(markdown(table))


if __name__ == "__main__":
    main()
