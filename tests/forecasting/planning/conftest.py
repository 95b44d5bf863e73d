"""Fixtures of the order plans per store: a small chain with its forecast as one file and as a
dataset partitioned by store."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cli import kori
from forecasting.datasets import write_dataset
from forecasting.stores import load_store_configs


def chain_forecast(stock: pd.DataFrame, seed: int = 16, days: int = 28) -> pd.DataFrame:
    """A 28-day forecast with 80% intervals for every store and sku of the stock, as
    `kori forecast run` writes it (dates, text ids, floats)."""
    rng = np.random.default_rng(seed)
    keys = stock[["store", "sku"]].astype(str)
    level = np.exp(rng.normal(np.log(4.0), 1.0, len(keys)))
    dates = pd.date_range("2025-12-01", periods=days, freq="D")
    point = level[:, None] * rng.lognormal(0, 0.1, (len(keys), days))
    sd = np.sqrt(point + point**2 / 4)
    return pd.DataFrame({
        "date": np.tile(dates.to_numpy(), len(keys)),
        "store": np.repeat(keys["store"].to_numpy(), days),
        "sku": np.repeat(keys["sku"].to_numpy(), days),
        "forecast": np.round(point, 3).ravel(),
        "lo80": np.round(np.maximum(point - 1.2816 * sd, 0), 3).ravel(),
        "hi80": np.round(point + 1.2816 * sd, 3).ravel(),
    })  # fmt: skip


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three stores of `kori sample --format parquet`, their forecast as one file and as a
    dataset partitioned by store."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("chain")
    result = CliRunner().invoke(kori, ["-q", "sample", str(folder), "--stores", "3", "--years",
                                       "1", "--products", "12", "--format", "parquet"])  # fmt: skip
    assert result.exit_code == 0, result.output
    stock = pd.read_parquet(folder / "stock.parquet")
    forecast = chain_forecast(stock)
    stock = stock[stock.index % 11 != 3].reset_index(drop=True)  # some products without stock
    stock.to_parquet(folder / "stock.parquet")
    forecast.to_csv(folder / "forecast.csv", index=False)
    write_dataset(forecast, folder / "forecasts")
    return {"folder": folder, "forecast": forecast, "stock": stock,
            "catalog": pd.read_parquet(folder / "catalog.parquet"),
            "stores": load_store_configs(folder / "store.toml")}  # fmt: skip
