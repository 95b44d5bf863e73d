"""The Dask engine gives the forecasts and backtest scores of the local engine, on a
``LocalCluster`` of 2 worker processes started here (no network)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli import kori
from forecasting import ForecastError, load_inputs
from forecasting.backtest import run_backtest
from forecasting.engine import Engine, worker_peak_memory
from forecasting.forecast import forecast
from forecasting.partitioned import forecast_dataset

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("chain")
    result = CliRunner().invoke(kori, ["-q", "sample", str(folder), "--stores", "4", "--years", "1",
                                       "--products", "10", "--format", "parquet"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def inputs(chain: Path):
    sales = pd.read_parquet(chain / "sales")
    sales["store"] = sales["store"].astype(str)
    return load_inputs(sales, weather=pd.read_parquet(chain / "weather.parquet"),
                       stores=str(chain / "store.toml"))  # fmt: skip


@pytest.mark.parametrize("model", ["regression", "ets"])
def test_forecasts_are_the_same_on_dask(inputs, engine: Engine, model: str) -> None:
    local = forecast(inputs.series, horizon=7, model=model, regressors=inputs.regressors)
    remote = forecast(inputs.series, horizon=7, model=model, regressors=inputs.regressors,
                      engine=engine)  # fmt: skip
    pd.testing.assert_frame_equal(remote.table, local.table)


def test_backtest_scores_are_the_same_on_dask(inputs, engine: Engine) -> None:
    common = {"models": ["regression", "ets"], "horizon": 7, "windows": 2,
              "regressors": inputs.regressors}  # fmt: skip
    local = run_backtest(inputs.series, **common)
    remote = run_backtest(inputs.series, engine=engine, **common)
    pd.testing.assert_frame_equal(remote.overall, local.overall)
    pd.testing.assert_frame_equal(remote.per_series, local.per_series)


def test_dataset_forecasts_are_the_same_on_dask(chain: Path, engine: Engine, tmp_path: Path) -> None:
    tables = {"weather": pd.read_parquet(chain / "weather.parquet"),
              "stores": str(chain / "store.toml")}  # fmt: skip
    local = forecast_dataset(chain / "sales", horizon=7, **tables)
    remote = forecast_dataset(chain / "sales", horizon=7, engine=engine, output=tmp_path / "f",
                              **tables)  # fmt: skip
    assert remote.table is None and len(remote.files) == 4
    back = pd.read_parquet(tmp_path / "f")
    back["store"] = back["store"].astype(str)
    back = back[list(local.table.columns)].sort_values(["store", "sku", "date"], ignore_index=True)
    pd.testing.assert_frame_equal(back, local.table, check_dtype=False)
    assert remote.models == local.models and "Dask scheduler" in remote.summary()[1]
    peaks = worker_peak_memory(engine)
    assert len(peaks) == 2 and all(peak > 50e6 for peak in peaks.values())


def test_a_bad_partition_on_dask_is_named(chain: Path, engine: Engine, tmp_path: Path) -> None:
    from forecasting.datasets import write_dataset

    sales = pd.read_parquet(chain / "sales")
    sales["store"] = sales["store"].astype(str)
    write_dataset(sales, tmp_path / "sales")
    bad = tmp_path / "sales" / "store=S0002" / "part-0.parquet"
    frame = pd.read_parquet(bad)
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    frame.loc[3, "date"] = "2025-13-45"
    frame.to_parquet(bad)
    with pytest.raises(ForecastError) as caught:
        forecast_dataset(tmp_path / "sales", horizon=7, engine=engine)
    assert caught.value.message.startswith(f"{bad}: ") and "2025-13-45" in caught.value.message


def test_cli_runs_on_the_scheduler(chain: Path, cluster, tmp_path: Path, runner) -> None:
    out = tmp_path / "f.csv"
    result = runner.invoke(kori, ["forecast", "run", str(chain / "sales"), "--horizon", "7",
                                  "--engine", "dask", "-o", str(out)],
                           env={"KORI_SCHEDULER": cluster.scheduler_address})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Dask scheduler {cluster.scheduler_address}" in result.stderr
    assert len(pd.read_csv(out)) == 40 * 7


def test_an_unreachable_scheduler_is_one_line(chain: Path, runner) -> None:
    result = runner.invoke(kori, ["forecast", "run", str(chain / "sales"), "--engine", "dask",
                                  "--scheduler", "tcp://127.0.0.1:9"])  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert "Traceback" not in result.stderr


def test_the_same_tasks_twice_in_a_row(engine: Engine) -> None:
    """A backtest maps the same blocks once per model: the second call must not lose the data
    the first call's clean-up released."""
    from forecasting.engine import map_tasks

    for _ in range(30):
        assert map_tasks(abs, [-1, -2, -3, -4], engine=engine) == [1, 2, 3, 4]
