"""Forecasts of a Parquet dataset partitioned by store (local engine): the same forecasts as
the same sales in one file, partitions found and written, bad partitions named."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from cli import kori
from forecasting import ForecastError, load_inputs
from forecasting.datasets import partitions, read_partition, write_dataset
from forecasting.engine import Engine, map_tasks
from forecasting.forecast import forecast
from forecasting.partitioned import forecast_dataset


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A chain of 3 stores x 12 products, a year, as Parquet datasets by store."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("chain")
    result = CliRunner().invoke(kori, ["-q", "sample", str(folder), "--stores", "3", "--years", "1",
                                       "--products", "12", "--format", "parquet"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder


def _tables(chain: Path) -> dict:
    return {"weather": pd.read_parquet(chain / "weather.parquet"),
            "catalog": pd.read_parquet(chain / "catalog.parquet"),
            "stores": str(chain / "store.toml")}  # fmt: skip


@pytest.fixture(scope="module")
def whole(chain: Path) -> pd.DataFrame:
    """The forecasts of every store's sales read as one table."""
    return _whole(chain)


def _whole(chain: Path, horizon: int = 7) -> pd.DataFrame:
    sales = pd.read_parquet(chain / "sales")
    sales["store"] = sales["store"].astype(str)
    inputs = load_inputs(sales, **_tables(chain))
    return forecast(inputs.series, horizon=horizon, regressors=inputs.regressors,
                    catalog=inputs.catalog).table  # fmt: skip


def test_partitions_are_the_stores(chain: Path) -> None:
    parts = partitions(chain / "sales")
    assert [part.store for part in parts] == ["S0001", "S0002", "S0003"]
    frame = read_partition(parts[1])
    assert set(frame["store"]) == {"S0002"} and len(frame) > 1000


def test_dataset_forecasts_equal_the_whole_file(chain: Path, whole: pd.DataFrame) -> None:
    expected = whole
    result = forecast_dataset(chain / "sales", horizon=7, **_tables(chain))
    pd.testing.assert_frame_equal(result.table, expected)
    assert result.series == expected.drop_duplicates(["store", "sku"]).shape[0] == 36
    assert result.partitions == 3 and sum(result.models.values()) == 36
    assert "3 partitions, 36 series" in result.summary()[0]


def test_a_store_that_stops_early_keeps_the_common_days(chain: Path, tmp_path: Path) -> None:
    """A store whose last week is missing is forecast from the chain's last day, as in one
    file: the span of days is the dataset's, not the partition's."""
    sales = pd.read_parquet(chain / "sales")
    sales["store"] = sales["store"].astype(str)
    last = sales["date"].max()
    cut = sales[~((sales["store"] == "S0003") & (sales["date"] > last - pd.Timedelta(days=6)))]
    write_dataset(cut, tmp_path / "sales")
    result = forecast_dataset(tmp_path / "sales", horizon=7, **_tables(chain))
    inputs = load_inputs(cut.reset_index(drop=True), **_tables(chain))
    expected = forecast(inputs.series, horizon=7, regressors=inputs.regressors,
                        catalog=inputs.catalog).table  # fmt: skip
    pd.testing.assert_frame_equal(result.table, expected)
    assert result.table["date"].min() == last + pd.Timedelta(days=1)


def test_workers_write_their_partitions(chain: Path, whole: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "forecasts"
    result = forecast_dataset(chain / "sales", horizon=7, output=out,
                              **_tables(chain))  # fmt: skip
    assert result.table is None and len(result.files) == 3
    assert sorted(p.name for p in out.iterdir()) == ["store=S0001", "store=S0002", "store=S0003"]
    back = pd.read_parquet(out)
    back["store"] = back["store"].astype(str)
    back = back[list(whole.columns)].sort_values(["store", "sku", "date"], ignore_index=True)
    pd.testing.assert_frame_equal(back, whole, check_dtype=False)
    assert not list(out.rglob("*.tmp"))


def test_a_partition_without_a_column_is_named(chain: Path, tmp_path: Path) -> None:
    sales = pd.read_parquet(chain / "sales")
    sales["store"] = sales["store"].astype(str)
    write_dataset(sales, tmp_path / "sales")
    bad = tmp_path / "sales" / "store=S0002" / "part-0.parquet"
    pd.read_parquet(bad).drop(columns="quantity").to_parquet(bad)
    with pytest.raises(ForecastError) as caught:
        forecast_dataset(tmp_path / "sales", horizon=7)
    assert str(bad) in caught.value.message and "'quantity'" in caught.value.message


def test_a_bad_row_in_a_partition_names_its_file(chain: Path, tmp_path: Path) -> None:
    sales = pd.read_parquet(chain / "sales")
    sales["store"] = sales["store"].astype(str)
    write_dataset(sales, tmp_path / "sales")
    bad = tmp_path / "sales" / "store=S0003" / "part-0.parquet"
    frame = pd.read_parquet(bad)
    frame.loc[5, "quantity"] = -4
    frame.to_parquet(bad)
    with pytest.raises(ForecastError) as caught:
        forecast_dataset(tmp_path / "sales", horizon=7, engine=Engine(jobs=2))
    assert caught.value.message.startswith(str(bad)) and "negative" in caught.value.message


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ForecastError, match="no Parquet files"):
        partitions(tmp_path)


def test_errors_cross_processes_whole() -> None:
    """An error raised in a worker process keeps its file, problem and fix."""
    with pytest.raises(ForecastError) as caught:
        map_tasks(_fail, [1, 2], engine=Engine(jobs=2))
    assert caught.value.source == "x.parquet" and caught.value.fix == "Fix it"


def _fail(task: int) -> None:
    from forecasting.errors import SchemaError

    raise SchemaError("bad", source="x.parquet", fix="Fix it")


def test_engine_refuses_a_scheduler_without_dask() -> None:
    with pytest.raises(ForecastError, match="needs `engine='dask'`"):
        Engine(scheduler="tcp://127.0.0.1:8786")


def test_without_dask_the_engine_says_how_to_install_it(monkeypatch, runner, chain: Path) -> None:
    from forecasting.engine import close_clients

    close_clients()
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ForecastError, match=r"pip install 'kori\[dask\]'"):
        map_tasks(_fail, [1], engine=Engine("dask"))
    result = runner.invoke(kori, ["forecast", "run", str(chain / "sales"), "--engine", "dask"])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "needs the packages dask and distributed" in result.stderr


def test_cli_forecasts_a_dataset_into_a_folder(chain: Path, tmp_path: Path, runner) -> None:
    out = tmp_path / "forecasts"
    result = runner.invoke(kori, ["forecast", "run", str(chain / "sales"), "--horizon", "7",
                                  "--weather", str(chain / "weather.parquet"),
                                  "--stores", str(chain / "store.toml"),
                                  "-o", f"{out}/"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Wrote 3 partitions" in result.stderr
    assert len(pd.read_parquet(out)) == 36 * 7
    again = runner.invoke(kori, ["forecast", "run", str(chain / "sales"), "-o",
                                 str(chain / "sales")])  # fmt: skip
    assert again.exit_code == 2 and "SALES folder" in again.stderr
    plots = runner.invoke(kori, ["forecast", "run", str(chain / "sales"), "--plots",
                                 str(tmp_path / "p")])  # fmt: skip
    assert plots.exit_code == 2 and "--plots needs SALES as one file" in plots.stderr
