"""Forecast the sample store four weeks ahead and check what was planted in it.

Run with ``python examples/forecast_sample_store.py``. It prints where Christmas ham peaks, what
three degrees more do to ice cream, and how the default model compares with seasonal naive in a
backtest of the last 12 weeks.
"""

from __future__ import annotations

from forecasting.backtest import run_backtest
from forecasting.forecast import forecast
from forecasting.sample import simulate_store
from forecasting.series import sales_series
from forecasting.tasks import Regressors


def main() -> None:
    """Print the ham peak, the ice cream what-if and the backtest."""
    store = simulate_store(seed=1)
    series = sales_series(store.sales)
    regressors = Regressors(weather=store.weather, stores=store.stores)
    result = forecast(series, horizon=28, regressors=regressors)
    table = result.table
    ham = table[table["sku"] == "K1040"].groupby("date")["forecast"].sum()
    print(f"Christmas ham peaks on {ham.idxmax():%Y-%m-%d} with {ham.max():.0f} units")
    warm = forecast(series, horizon=28, regressors=Regressors(
        weather=store.weather, stores=store.stores, temperature_offset=3.0)).table
    base_ice = table.loc[table["sku"] == "K1091", "forecast"].sum()
    warm_ice = warm.loc[warm["sku"] == "K1091", "forecast"].sum()
    print(f"vanilla ice cream, 28 days: {base_ice:.0f} units; 3 degrees warmer: {warm_ice:.0f}")
    scores = run_backtest(series, models=["regression"], horizon=28, windows=3,
                          regressors=regressors).overall  # fmt: skip
    for row in scores.itertuples():
        print(f"{row.model}: WAPE {row.wape:.1%}, MASE {row.mase:.2f}, "
              f"80% interval holds {row.coverage80:.0%}")


if __name__ == "__main__":
    main()
