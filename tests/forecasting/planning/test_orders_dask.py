"""Order plans on a Dask ``LocalCluster`` of 2 worker processes (started here, no network) are
those of the local engine: from a dataset of forecasts, from one forecast file, and through
`kori plan orders --engine dask`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli import kori
from forecasting import SchemaError, plan_orders_dataset
from forecasting.datasets import write_dataset
from forecasting.engine import Engine

pytestmark = pytest.mark.slow


def whole(chain: dict, **options):
    from forecasting import plan_orders

    return plan_orders(chain["forecast"], chain["stock"], chain["catalog"], chain["stores"],
                       **options)  # fmt: skip


def _cli(chain: dict, *args: str) -> list[str]:
    folder = chain["folder"]
    return ["plan", "orders", *args, "--stock", str(folder / "stock.parquet"), "--catalog",
            str(folder / "catalog.parquet"), "--stores", str(folder / "store.toml")]  # fmt: skip


def test_a_dataset_on_dask_gives_the_local_lines(chain: dict, engine: Engine) -> None:
    expected = whole(chain)
    result = plan_orders_dataset(chain["folder"] / "forecasts", chain["stock"], chain["catalog"],
                                 chain["stores"], engine=engine)  # fmt: skip
    pd.testing.assert_frame_equal(result.table, expected.table)
    assert result.summary()[1:] == expected.summary()
    assert "planned on Dask scheduler tcp://" in result.summary()[0]


def test_a_file_on_dask_gives_the_local_lines(chain: dict, engine: Engine) -> None:
    expected = whole(chain, only_stores=["S0002"], order_date="2025-12-05")
    result = plan_orders_dataset(chain["forecast"], chain["stock"], chain["catalog"],
                                 chain["stores"], engine=engine, only_stores=["S0002"],
                                 order_date="2025-12-05")  # fmt: skip
    pd.testing.assert_frame_equal(result.table, expected.table)
    assert result.summary()[1:] == expected.summary()


def test_workers_write_the_partitions(chain: dict, engine: Engine, tmp_path: Path) -> None:
    expected = whole(chain).table
    result = plan_orders_dataset(chain["folder"] / "forecasts", chain["stock"], chain["catalog"],
                                 chain["stores"], engine=engine, output=tmp_path)  # fmt: skip
    assert result.table is None and len(result.files) == 3
    back = pd.read_parquet(tmp_path)
    back["store"] = back["store"].astype(str)
    back = back.sort_values(["order_date", "store", "sku"], ignore_index=True)[expected.columns]
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


def test_an_error_on_a_worker_names_the_partition(chain: dict, engine: Engine,
                                                  tmp_path: Path) -> None:  # fmt: skip
    forecast = chain["forecast"].copy()
    forecast.loc[forecast.index[forecast["store"] == "S0002"][3], "forecast"] = float("inf")
    write_dataset(forecast, tmp_path)
    with pytest.raises(SchemaError) as error:
        plan_orders_dataset(tmp_path, chain["stock"], chain["catalog"], engine=engine)
    assert str(error.value).startswith(f"{tmp_path / 'store=S0002' / 'part-0.parquet'}")
    assert "line 4" in str(error.value)


def test_cli_on_dask_writes_a_dataset(chain: dict, cluster, runner, tmp_path: Path) -> None:
    folder = chain["folder"]
    single = runner.invoke(kori, _cli(chain, str(folder / "forecast.csv")))
    assert single.exit_code == 0, single.output
    args = ["--engine", "dask", "--scheduler", cluster.scheduler_address]
    result = runner.invoke(kori, _cli(chain, f"{folder / 'forecasts'}/", *args, "-o",
                                      f"{tmp_path / 'orders'}/"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Wrote 3 partitions" in result.stderr
    back = pd.read_parquet(tmp_path / "orders")
    assert len(back) == single.stdout.count("\n") - 1
    on_file = runner.invoke(kori, _cli(chain, str(folder / "forecast.csv"), *args))
    assert on_file.exit_code == 0, on_file.output
    assert on_file.stdout == single.stdout
