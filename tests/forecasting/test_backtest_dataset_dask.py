"""Backtest of a Parquet dataset on a ``LocalCluster`` of 2 worker processes started here (no
network): the scores of the local engine, and a bad partition named as locally."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli import kori
from forecasting import ForecastError, backtest_dataset
from forecasting.engine import Engine
from tests.forecasting.test_backtest_dataset import chain, one_file  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


def test_dask_scores_are_those_of_the_local_engine(chain: Path, engine: Engine) -> None:  # noqa: F811
    common = {"models": ["regression"], "horizon": 14, "windows": 2, "weather_at": "origin",
              "weather_days": 3, "weather": pd.read_parquet(chain / "weather.parquet"),
              "catalog": pd.read_parquet(chain / "catalog.parquet"),
              "stores": str(chain / "store.toml"), "forecasts": True}  # fmt: skip
    local = backtest_dataset(chain / "sales", **common)
    remote = backtest_dataset(chain / "sales", engine=engine, **common)
    for name in ("overall", "per_series", "forecasts"):
        pd.testing.assert_frame_equal(getattr(remote, name), getattr(local, name),
                                      check_exact=True)  # fmt: skip
    assert remote.origins == local.origins
    assert f"Dask scheduler {engine.scheduler}" in remote.summary()[0]


def test_cli_on_the_scheduler_matches_one_file(chain: Path, cluster, runner,  # noqa: F811
                                               tmp_path: Path) -> None:  # fmt: skip
    def backtest(sales: Path, name: str, *more: str) -> bytes:
        out = tmp_path / f"{name}.csv"
        result = runner.invoke(kori, ["forecast", "backtest", str(sales), "--models", "naive",
                                      "--horizon", "7", "--windows", "2", "-o", str(out),
                                      *more], env={"KORI_SCHEDULER": cluster.scheduler_address})
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    assert backtest(chain / "sales", "dask", "--engine", "dask") == backtest(
        chain / "sales.parquet", "one")


def test_a_bad_partition_on_dask_is_named(chain: Path, engine: Engine,  # noqa: F811
                                          tmp_path: Path) -> None:  # fmt: skip
    from forecasting.datasets import write_dataset

    write_dataset(one_file(chain / "sales"), tmp_path / "sales")
    bad = tmp_path / "sales" / "store=S0002" / "part-0.parquet"
    frame = pd.read_parquet(bad)
    frame.loc[5, "quantity"] = -3
    frame.to_parquet(bad, index=False)
    with pytest.raises(ForecastError) as caught:
        backtest_dataset(tmp_path / "sales", models=["naive"], horizon=7, engine=engine)
    assert caught.value.message.startswith(f"{bad}: column 'quantity': negative in 1 row")
