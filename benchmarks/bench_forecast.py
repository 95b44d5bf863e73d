"""Speed and accuracy of the default forecast model against a plain loop of prophet.

Makes ``--series`` daily series (50 products per store) of three years, 2022-07-01 to
2025-06-30, with Finnish holidays (the shopping days before them busier, the day itself
quieter, a Christmas rush), a yearly season, a weekly pattern, a per-product temperature
effect and negative-binomial noise. The last 28 days (June 2025, Midsummer included) are held
out. Both sides see the same information: the Finnish holidays and the temperature (observed
temperature stands in for the weather forecast on the held-out days).

- kori: ``forecast()`` with the default model over all series, from the long sales table
  (validation and series building included), one worker and ``--jobs`` workers.
- prophet: ``Prophet()`` with default settings plus ``add_country_holidays("FI")`` and the
  temperature as a regressor, fitted one series at a time on a random ``--prophet`` of the
  series; its time for all series is the per-series time times the number of series.

kori runs a third time on that subset alone, so that the speed-up compares two measured times
on the same series. WAPE of both on the same random subset, and of kori on all series, over the
held-out days.
Peak memory is the resident set size of this process and of its workers.

Run::

    python benchmarks/bench_forecast.py                      # 1,000 series, prophet on 100
    python benchmarks/bench_forecast.py --series 10000 --prophet 0
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd

START, END = "2022-07-01", "2025-06-30"
HORIZON = 28
PER_STORE = 50


def simulate(n_series: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Sales history ``date, store, sku, quantity``, weather for every day, and the held-out
    sales with the true mean demand they were drawn from (``mean``)."""
    import holidays

    rng = np.random.default_rng(seed)
    dates = pd.date_range(START, END, freq="D")
    n_days, n_stores = len(dates), -(-n_series // PER_STORE)
    t = np.arange(n_days) / 365.25
    doy = dates.day_of_year.to_numpy()
    # Temperature per store: a yearly cycle, a store offset and AR(1) day-to-day weather.
    noise = np.zeros((n_stores, n_days))
    shocks = rng.normal(0, 2.0, (n_stores, n_days))
    for d in range(1, n_days):
        noise[:, d] = 0.75 * noise[:, d - 1] + shocks[:, d]
    temperature = (5 + rng.normal(0, 2, (n_stores, 1))
                   + 12 * np.sin(2 * np.pi * (doy - 110) / 365.25) + noise)  # fmt: skip
    # Holiday multipliers, shared shape, per-product strength.
    fi = holidays.country_holidays("FI", years=range(dates[0].year, dates[-1].year + 1))
    day_of = np.zeros(n_days)
    before = np.zeros(n_days)
    rush = np.zeros(n_days)
    index = {day: i for i, day in enumerate(dates.date)}
    for day in fi:
        if day in index:
            i = index[day]
            day_of[i] = 1
            before[max(i - 2, 0):i] = 1
    for i, day in enumerate(dates):
        if day.month == 12 and 18 <= day.day <= 23:
            rush[i] = (day.day - 17) / 6
    # Products.
    store_of = np.arange(n_series) // PER_STORE
    level = np.exp(rng.normal(np.log(15), 1.0, n_series))
    trend = rng.normal(0, 0.08, n_series)
    weekly = rng.normal(0, 0.15, (n_series, 7))
    weekly[:, 4:6] += 0.25  # Friday and Saturday busier
    amp = rng.normal(0, 0.2, (n_series, 4))
    beta = rng.normal(0.02, 0.03, n_series)  # log effect per degree; ice cream high, soup < 0
    beta[rng.random(n_series) < 0.1] += 0.06
    sens = rng.uniform(0.2, 1.0, n_series)
    log_mu = (np.log(level)[:, None] + trend[:, None] * t
              + weekly[:, dates.day_of_week.to_numpy()]
              + amp[:, :1] * np.sin(2 * np.pi * t) + amp[:, 1:2] * np.cos(2 * np.pi * t)
              + amp[:, 2:3] * np.sin(4 * np.pi * t) + amp[:, 3:] * np.cos(4 * np.pi * t)
              + beta[:, None] * (temperature[store_of] - 10)
              + sens[:, None] * (0.3 * before - 0.6 * day_of + 0.8 * rush))  # fmt: skip
    mu = np.exp(log_mu)
    shape = 8.0
    quantity = rng.poisson(rng.gamma(shape, mu / shape))
    stores = np.array([f"S{s:03d}" for s in range(n_stores)])
    skus = np.array([f"P{i % PER_STORE:03d}" for i in range(n_series)])
    long = pd.DataFrame({
        "date": np.tile(dates.strftime("%Y-%m-%d").to_numpy(), n_series),
        "store": np.repeat(stores[store_of], n_days),
        "sku": np.repeat(skus, n_days),
        "quantity": quantity.ravel(),
        "mean": mu.ravel(),
    })  # fmt: skip
    weather = pd.DataFrame({
        "date": np.tile(dates.strftime("%Y-%m-%d").to_numpy(), n_stores),
        "store": np.repeat(stores, n_days),
        "temperature_c": temperature.ravel().round(1),
    })  # fmt: skip
    cut = dates[-HORIZON].strftime("%Y-%m-%d")
    history = long[long["date"] < cut].drop(columns="mean")
    return history, weather, long[long["date"] >= cut]


def peak_rss_mib() -> float:
    """Peak resident memory of this process and of its finished workers, in MiB (Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run_kori(sales: pd.DataFrame, weather: pd.DataFrame, jobs: int) -> tuple[pd.DataFrame, float]:
    """Forecasts ``date, store, sku, forecast`` from the default model, and wall seconds."""
    from forecasting.forecast import DEFAULT_MODEL, forecast
    from forecasting.series import sales_series
    from forecasting.tasks import Regressors
    from forecasting.validation import parse_table

    start = time.perf_counter()
    table = parse_table(sales, "sales", source="bench sales")
    series = sales_series(table, source="bench sales")
    regressors = Regressors(country="FI", weather=parse_table(weather, "weather"))
    result = forecast(series, horizon=HORIZON, model=DEFAULT_MODEL, regressors=regressors,
                      jobs=jobs)  # fmt: skip
    seconds = time.perf_counter() - start
    out = result.table[["date", "store", "sku", "forecast"]].copy()
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    return out, seconds


def run_prophet(sales: pd.DataFrame, weather: pd.DataFrame, keys: pd.DataFrame
                ) -> tuple[pd.DataFrame, float]:  # fmt: skip
    """Plain prophet, one series at a time; forecasts and wall seconds."""
    for name in ("prophet", "cmdstanpy"):
        logging.getLogger(name).addHandler(logging.NullHandler())
        logging.getLogger(name).propagate = False
    from prophet import Prophet

    weather = weather.assign(ds=pd.to_datetime(weather["date"]))
    parts = []
    start = time.perf_counter()
    for store, sku in keys.itertuples(index=False):
        history = sales[(sales["store"] == store) & (sales["sku"] == sku)]
        temps = weather[weather["store"] == store][["ds", "temperature_c"]]
        frame = pd.DataFrame({"ds": pd.to_datetime(history["date"]).to_numpy(),
                              "y": history["quantity"].to_numpy()}).merge(temps, on="ds")  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = Prophet()
            model.add_country_holidays(country_name="FI")
            model.add_regressor("temperature_c")
            model.fit(frame)
            future = model.make_future_dataframe(HORIZON, include_history=False)
            future = future.merge(temps, on="ds")
            prediction = model.predict(future)
        parts.append(pd.DataFrame({"date": prediction["ds"].dt.strftime("%Y-%m-%d"),
                                   "store": store, "sku": sku,
                                   "forecast": prediction["yhat"].clip(lower=0)}))  # fmt: skip
    return pd.concat(parts, ignore_index=True), time.perf_counter() - start


def wape(forecasts: pd.DataFrame, actual: pd.DataFrame) -> float:
    """Sum of absolute errors over the sum of actuals, on the held-out days of ``forecasts``."""
    both = forecasts.merge(actual[["date", "store", "sku", "quantity"]], on=["date", "store", "sku"], validate="1:1")
    if len(both) != len(forecasts):
        raise RuntimeError("forecast rows without actuals")
    return float((both["forecast"] - both["quantity"]).abs().sum() / both["quantity"].sum())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--prophet", type=int, default=100, help="series for the prophet loop")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    start = time.perf_counter()
    sales, weather, actual = simulate(args.series, args.seed)
    say(f"simulated {args.series} series x {sales['date'].nunique()} days "
        f"({len(sales):,} rows) in {time.perf_counter() - start:.1f} s")  # fmt: skip
    truth = actual.rename(columns={"mean": "forecast"})[["date", "store", "sku", "forecast"]]
    rows = [("true mean demand (the noise floor)", args.series, float("nan"), wape(truth, actual))]
    kori_1, seconds_1 = run_kori(sales, weather, jobs=1)
    say(f"kori default, 1 worker: {seconds_1:.1f} s")
    rows.append(("kori default model, 1 worker", args.series, seconds_1, wape(kori_1, actual)))
    if args.jobs > 1:
        kori_n, seconds_n = run_kori(sales, weather, jobs=args.jobs)
        say(f"kori default, {args.jobs} workers: {seconds_n:.1f} s")
        rows.append((f"kori default model, {args.jobs} workers", args.series, seconds_n,
                     wape(kori_n, actual)))  # fmt: skip
    if args.prophet:
        rng = np.random.default_rng(args.seed)
        keys = sales[["store", "sku"]].drop_duplicates().reset_index(drop=True)
        keys = keys.iloc[np.sort(rng.choice(len(keys), args.prophet, replace=False))]
        subset, seconds_s = run_kori(sales.merge(keys, on=["store", "sku"]), weather, jobs=1)
        say(f"kori default on the same {args.prophet} series: {seconds_s:.1f} s")
        prophet, seconds_p = run_prophet(sales, weather, keys)
        say(f"prophet loop: {seconds_p:.1f} s for {args.prophet} series")
        per_series = seconds_p / args.prophet
        rows.append((f"true mean demand, same {args.prophet} series", args.prophet, float("nan"),
                     wape(truth.merge(keys, on=["store", "sku"]), actual)))  # fmt: skip
        rows.append((f"kori default model, same {args.prophet} series", args.prophet,
                     seconds_s, wape(subset, actual)))  # fmt: skip
        rows.append((f"prophet loop, {args.prophet} series", args.prophet, seconds_p,
                     wape(prophet, actual)))  # fmt: skip
        rows.append((f"prophet loop, extrapolated to {args.series}", args.series,
                     per_series * args.series, float("nan")))  # fmt: skip
        say(f"speed-up of kori over the prophet loop, both on the same {args.prophet} series: "
            f"{seconds_p / seconds_s:.0f}x")  # fmt: skip
    print("| run | series | seconds | WAPE (28 days held out) |")
    print("|---|---|---|---|")
    for name, n, seconds, error in rows:
        shown = "" if np.isnan(error) else f"{error:.1%}"
        time_shown = "" if np.isnan(seconds) else f"{seconds:,.1f}"
        print(f"| {name} | {n:,} | {time_shown} | {shown} |")
    if args.prophet:
        print(f"\nspeed-up, kori vs prophet loop, both measured on the same {args.prophet} series: "
              f"{seconds_p / seconds_s:.0f}x")
    print(f"peak resident memory: {peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
