r"""Forecast backtest windows with statsforecast's AutoETS and MSTL, outside kori's environment.

statsforecast needs ``pandas<3`` while kori runs on pandas 3, so this script imports only
numpy, pandas and statsforecast and runs in its own virtual environment::

    python3 -m venv benchmarks/.sfvenv
    benchmarks/.sfvenv/bin/pip install 'statsforecast==2.1.1' 'pandas==2.3.3' 'numpy==2.4.6'
    benchmarks/.sfvenv/bin/python benchmarks/statsforecast_side.py \
        --input IN --output OUT [--sets a,b] [--jobs 2]

``IN`` holds, per data set NAME, ``NAME.csv.gz`` (``unique_id, ds, y``: the full history, ISO
dates, ``y`` NaN on closed days) and ``NAME.json`` (``{"freq": "W-FRI" or "D", "season": 52 or 7,
"horizon": 26, "origins": [...]}``; an origin is the last date of history). For every origin each
series is fitted on ``ds <= origin`` and forecast ``horizon`` periods by

* ``AutoETS(season_length=season)``; note that statsforecast, like R's ``ets``, ignores seasons
  longer than 24, so on weekly data (52) it is a non-seasonal ETS;
* ``MSTL(season_length=..., trend_forecaster=AutoETS(model="ZZN"))`` with 52 for weekly data,
  and ``[7, 365]`` for daily data when the series holds two years (else 7).

Preparation: the series is laid on the regular grid from its first observed value to the origin;
gaps (closed days, missing rows) are filled by linear interpolation and trailing gaps carry the
last value. A model whose season needs more than the history (fewer than two seasons) falls back
to AutoETS without season, and a failed fit to the history's mean with normal intervals; all-zero
histories get zeros. Forecasts and 80%/95% bounds are clipped at 0. Writes
``OUT/NAME_statsforecast.csv.gz`` (``unique_id, origin, ds, model, forecast, lo80, hi80, lo95,
hi95``) and ``OUT/NAME_statsforecast.json`` (seconds per model, fallback counts).

``--walmart-demo CSV`` first converts the Kaggle Walmart train file into ``IN/walmart.*``
(origin 2012-04-27, h=26), then runs and prints each model's WAPE on the 26 held-out weeks. With
statsforecast 2.1.1 on 2 busy cores: 1,524 series, AutoETS 157 s and WAPE 0.138, MSTL 29 s and
WAPE 0.094 (MSTL's 80%/95% intervals covered only 66%/82%: they ignore the seasonal part's error).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import pandas as pd
import statsforecast
from statsforecast.models import MSTL, AutoETS

MODELS = ("AutoETS", "MSTL")
LEVELS = [80, 95]
Z = {80: 1.2815515655446004, 95: 1.959963984540054}
COLUMNS = ["forecast", "lo80", "hi80", "lo95", "hi95"]


def naive_mean(y: np.ndarray, h: int) -> np.ndarray:
    """Mean of the history with normal intervals from its standard deviation, shape ``(5, h)``."""
    mean, sd = float(np.mean(y)), float(np.std(y, ddof=1)) if len(y) > 1 else 0.0
    rows = [mean] + [mean + sign * Z[level] * sd for level in LEVELS for sign in (-1, 1)]
    return np.repeat(np.array(rows)[:, None], h, axis=1)


def forecast_one(task: tuple[np.ndarray, str, list[int], int]) -> tuple[np.ndarray, str]:
    """Forecast one prepared history with one model, falling back as needed.

    Parameters
    ----------
    task
        ``(y, model, seasons, h)``: gap-free history, ``"AutoETS"`` or ``"MSTL"``, the season
        lengths to use, and the horizon.

    Returns
    -------
    tuple of numpy.ndarray and str
        Array of shape ``(5, h)`` in the order of ``COLUMNS`` (not yet clipped), and how it was
        made: ``"model"``, ``"no_season"`` (AutoETS without season), ``"naive_mean"`` or
        ``"all_zero"``.
    """
    y, model, seasons, h = task
    if not np.any(y):
        return np.zeros((5, h)), "all_zero"
    attempts = []
    if len(y) >= 2 * max(seasons):
        attempts.append(("model", AutoETS(season_length=seasons[0]) if model == "AutoETS" else
                         MSTL(season_length=seasons, trend_forecaster=AutoETS(model="ZZN"))))
    attempts.append(("no_season", AutoETS(season_length=1)))
    for how, estimator in attempts:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                fc = estimator.forecast(y=y, h=h, level=LEVELS)
            out = np.vstack([fc["mean"], fc["lo-80"], fc["hi-80"], fc["lo-95"], fc["hi-95"]])
            if np.all(np.isfinite(out)):
                return out, how
        except Exception:  # noqa: BLE001 - any failed fit moves on to the next fallback
            pass
    return naive_mean(y, h), "naive_mean"


def prepare(history: pd.DataFrame, origin: pd.Timestamp, freq: str) -> dict[str, np.ndarray]:
    """Histories up to ``origin`` on the regular grid, interpolated, leading gaps dropped."""
    n = len(pd.date_range(history["ds"].min(), origin, freq=freq)) + 1
    grid = pd.date_range(end=origin, periods=n, freq=freq)
    wide = history.pivot(index="ds", columns="unique_id", values="y")
    if not wide.index.isin(grid).all():
        raise ValueError(f"dates off the {freq} grid ending {origin.date()}")
    wide = wide.reindex(grid[grid >= wide.index.min()])
    out = {}
    for uid in wide.columns:
        col = wide[uid]
        first = col.first_valid_index()
        if first is not None:
            out[uid] = col.loc[first:].interpolate("linear").ffill().to_numpy(float)
    return out


def run_set(name: str, src: Path, dst: Path, jobs: int) -> dict:
    """Forecast every series and origin of one data set; write its csv.gz and json summary."""
    meta = json.loads((src / f"{name}.json").read_text())
    freq, season, h = meta["freq"], int(meta["season"]), int(meta["horizon"])
    data = pd.read_csv(src / f"{name}.csv.gz", parse_dates=["ds"], dtype={"unique_id": str})
    t0 = time.perf_counter()
    keys, histories = [], []
    for origin in map(pd.Timestamp, meta["origins"]):
        prepared = prepare(data[data["ds"] <= origin], origin, freq)
        keys += [(uid, origin) for uid in prepared]
        histories += list(prepared.values())
    n_skipped = data["unique_id"].nunique() * len(meta["origins"]) - len(keys)
    summary: dict = {"set": name, "freq": freq, "season": season, "horizon": h,
                     "origins": meta["origins"], "n_forecasts": len(keys), "jobs": jobs,
                     "skipped_no_history": n_skipped, "statsforecast": statsforecast.__version__,
                     "prepare_seconds": round(time.perf_counter() - t0, 2),
                     "seconds": {}, "fallbacks": {}}
    frames = []
    for model in MODELS:
        tasks = []
        for y in histories:
            two_years = freq == "D" and len(y) >= 2 * 365
            seasons = [season] if model == "AutoETS" or not two_years else [7, 365]
            tasks.append((y, model, seasons, h))
        t0 = time.perf_counter()
        if jobs > 1:
            with Pool(jobs) as pool:
                results = pool.map(forecast_one, tasks, chunksize=max(1, len(tasks) // (8 * jobs)))
        else:
            results = [forecast_one(task) for task in tasks]
        summary["seconds"][model] = round(time.perf_counter() - t0, 2)
        hows = pd.Series([how for _, how in results])
        summary["fallbacks"][model] = {k: int((hows == k).sum())
                                       for k in ("no_season", "naive_mean", "all_zero")}
        values = np.clip(np.concatenate([r for r, _ in results], axis=1).T, 0, None)
        frame = pd.DataFrame(values, columns=COLUMNS)
        frame.insert(0, "model", model)
        frame.insert(0, "ds", np.concatenate(
            [pd.date_range(o, periods=h + 1, freq=freq)[1:] for _, o in keys]) if keys else [])
        frame.insert(0, "origin", np.repeat([o.strftime("%Y-%m-%d") for _, o in keys], h))
        frame.insert(0, "unique_id", np.repeat([u for u, _ in keys], h))
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    out["ds"] = pd.to_datetime(out["ds"]).dt.strftime("%Y-%m-%d")
    dst.mkdir(parents=True, exist_ok=True)
    out.to_csv(dst / f"{name}_statsforecast.csv.gz", index=False, float_format="%.4f")
    (dst / f"{name}_statsforecast.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def walmart_demo(csv: Path, src: Path) -> pd.DataFrame:
    """Write the Walmart train file as set ``walmart`` into ``src``; return ``unique_id, ds, y``."""
    raw = pd.read_csv(csv, parse_dates=["Date"])
    ids = [f"S{store:02d}/D{dept:02d}" for store, dept in zip(raw["Store"], raw["Dept"])]
    data = pd.DataFrame({"unique_id": ids, "ds": raw["Date"],
                         "y": raw["Weekly_Sales"].clip(lower=0)})
    src.mkdir(parents=True, exist_ok=True)
    data.assign(ds=data["ds"].dt.strftime("%Y-%m-%d")).to_csv(src / "walmart.csv.gz", index=False)
    meta = {"freq": "W-FRI", "season": 52, "horizon": 26, "origins": ["2012-04-27"]}
    (src / "walmart.json").write_text(json.dumps(meta) + "\n")
    return data


def wape(actual: pd.DataFrame, forecasts: pd.DataFrame) -> pd.Series:
    """WAPE per model, ``sum |y - forecast| / sum y`` over the forecast weeks that have actuals."""
    joined = forecasts.merge(actual.assign(ds=actual["ds"].dt.strftime("%Y-%m-%d")),
                             on=["unique_id", "ds"])
    err = (joined["y"] - joined["forecast"]).abs().groupby(joined["model"]).sum()
    return err / joined.groupby("model")["y"].sum()


def main() -> None:
    """Parse the command line and forecast every requested set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--sets", help="comma-separated set names (default: every NAME.json)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--walmart-demo", type=Path, metavar="CSV",
                        help="convert walmart_train_stores01-20.csv into --input first, print WAPE")
    args = parser.parse_args()
    actual = walmart_demo(args.walmart_demo, args.input) if args.walmart_demo else None
    names = args.sets.split(",") if args.sets else sorted(p.stem for p in args.input.glob("*.json"))
    if actual is not None:
        names = ["walmart"]
    for name in names:
        summary = run_set(name, args.input, args.output, args.jobs)
        print(json.dumps({k: summary[k] for k in ("set", "n_forecasts", "seconds", "fallbacks")}))
    if actual is not None:
        forecasts = pd.read_csv(args.output / "walmart_statsforecast.csv.gz")
        print("WAPE:", wape(actual, forecasts).round(4).to_dict())


if __name__ == "__main__":
    main()
