"""Backtest of a Parquet dataset partitioned by store (one task per store): the scores of the
same sales in one file, in the same order; a bad partition is named in a one-line error."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli import kori
from forecasting import ForecastError, SchemaError, backtest_dataset, load_inputs
from forecasting.backtest import run_backtest


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kori sample` of 3 stores x 15 products, 1 year, as Parquet datasets, and its sales in
    one file (``sales.parquet``)."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("chain")
    result = CliRunner().invoke(kori, ["-q", "sample", str(folder), "--stores", "3", "--years",
                                       "1", "--products", "15", "--format", "parquet",
                                       "--receipt-weeks", "0"])  # fmt: skip
    assert result.exit_code == 0, result.output
    one_file(folder / "sales").to_parquet(folder / "sales.parquet", index=False)
    return folder


def one_file(dataset: Path) -> pd.DataFrame:
    """The partitions' rows with their store, in one table."""
    frames = []
    for path in sorted(dataset.glob("store=*/part-0.parquet")):
        frame = pd.read_parquet(path)
        frame.insert(1, "store", path.parent.name.split("=", 1)[1])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@pytest.mark.slow
def test_dataset_scores_are_those_of_one_file(chain: Path) -> None:
    weather = pd.read_parquet(chain / "weather.parquet")
    catalog = pd.read_parquet(chain / "catalog.parquet")
    stores = str(chain / "store.toml")
    common = {"models": ["regression"], "horizon": 14, "windows": 2, "weather_at": "origin",
              "weather_days": 3}  # fmt: skip
    inputs = load_inputs(pd.read_parquet(chain / "sales.parquet"), weather=weather,
                         catalog=catalog, stores=stores)  # fmt: skip
    single = run_backtest(inputs.series, regressors=inputs.regressors, catalog=inputs.catalog,
                          **common)  # fmt: skip
    done: list[int] = []
    dataset = backtest_dataset(chain / "sales", weather=weather, catalog=catalog, stores=stores,
                               forecasts=True, progress=done.append, **common)  # fmt: skip
    pd.testing.assert_frame_equal(dataset.overall, single.overall, check_exact=True)
    pd.testing.assert_frame_equal(dataset.per_series, single.per_series, check_exact=True)
    pd.testing.assert_frame_equal(dataset.forecasts, single.forecasts, check_exact=True)
    assert dataset.origins == single.origins and dataset.weather == single.weather
    assert list(dataset.per_series["model"].unique()) == ["naive", "regression"]
    assert "name" in dataset.per_series.columns and done == [1, 1, 1]
    assert dataset.series == len(inputs.series.keys) and dataset.partitions == 3
    assert dataset.summary()[0].startswith(f"{chain / 'sales'}/: {dataset.rows:,} rows in 3 "
                                           "partitions, 45 series")  # fmt: skip
    assert dataset.summary()[1:] == single.summary()


def test_cli_dataset_writes_the_files_of_one_file(chain: Path, runner, tmp_path: Path) -> None:
    def backtest(sales: Path, name: str) -> list[bytes]:
        paths = [tmp_path / f"{name}{part}.csv" for part in ("", "_series", "_forecasts")]
        result = runner.invoke(kori, ["forecast", "backtest", str(sales), "--models", "naive",
                                      "--horizon", "7", "--windows", "2", "--jobs", "2",
                                      "--catalog", str(chain / "catalog.parquet"),
                                      "-o", str(paths[0]), "--per-series", str(paths[1]),
                                      "--forecasts", str(paths[2])])  # fmt: skip
        assert result.exit_code == 0, result.output
        return [path.read_bytes() for path in paths]

    assert backtest(chain / "sales", "dataset") == backtest(chain / "sales.parquet", "one")


def test_plots_of_a_dataset_are_a_usage_error(chain: Path, runner, tmp_path: Path) -> None:
    result = runner.invoke(kori, ["forecast", "backtest", str(chain / "sales"), "--plots",
                                  str(tmp_path / "plots")])  # fmt: skip
    assert result.exit_code == 2
    assert "--plots needs SALES as one file, not a dataset folder" in result.stderr


def test_a_bad_row_names_the_partition_file(chain: Path, runner, tmp_path: Path) -> None:
    from forecasting.datasets import write_dataset

    write_dataset(one_file(chain / "sales"), tmp_path / "sales")
    bad = tmp_path / "sales" / "store=S0002" / "part-0.parquet"
    frame = pd.read_parquet(bad)
    frame.loc[5, "quantity"] = -3
    frame.to_parquet(bad, index=False)
    result = runner.invoke(kori, ["forecast", "backtest", str(tmp_path / "sales"), "--models",
                                  "naive", "--horizon", "7"])  # fmt: skip
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"Error: {bad}: column 'quantity': negative in 1 row")


def test_a_missing_column_names_the_partition_file(chain: Path, tmp_path: Path) -> None:
    from forecasting.datasets import write_dataset

    write_dataset(one_file(chain / "sales"), tmp_path / "sales")
    bad = tmp_path / "sales" / "store=S0003" / "part-0.parquet"
    pd.read_parquet(bad).drop(columns="quantity").to_parquet(bad, index=False)
    with pytest.raises(SchemaError) as caught:
        backtest_dataset(tmp_path / "sales", models=["naive"], horizon=7)
    assert caught.value.message.startswith(f"{bad}: sales partition lacks column 'quantity'")


def test_too_short_a_history_names_the_dataset(chain: Path) -> None:
    with pytest.raises(ForecastError) as caught:
        backtest_dataset(chain / "sales", models=["naive"], horizon=28, windows=20)
    assert caught.value.message.startswith(f"{chain / 'sales'}/: 20 windows of 28 periods")


@pytest.mark.parametrize("options, text", [
    ({"models": ["nope"], "horizon": 7}, "nope"),
    ({"models": ["naive"], "horizon": 0}, "below 1"),
    ({"models": ["naive"], "horizon": 7, "weather_days": 2}, "weather_days"),
])  # fmt: skip
def test_options_are_checked_before_reading(tmp_path: Path, options: dict, text: str) -> None:
    with pytest.raises(ForecastError, match=text):
        backtest_dataset(tmp_path / "nothing", **options)
