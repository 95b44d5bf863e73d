"""Order plans one store per task (forecasting.plan_orders_dataset, `kori plan orders FOLDER/`):
the same lines as the whole forecast planned at once, errors that name the partition file, and
the fast input checks giving the problems of the checks through text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli import kori
from forecasting import ParameterError, SchemaError, plan_orders, plan_orders_dataset
from forecasting.datasets import write_dataset


def whole(chain: dict, **options) -> pd.DataFrame:
    return plan_orders(chain["forecast"], chain["stock"], chain["catalog"], chain["stores"],
                       **options)  # fmt: skip


def test_a_dataset_gives_the_lines_of_the_whole_forecast(chain: dict) -> None:
    expected = whole(chain)
    result = plan_orders_dataset(chain["folder"] / "forecasts", chain["stock"], chain["catalog"],
                                 chain["stores"])  # fmt: skip
    assert result.partitions == 3
    assert len(expected.table) > 100 and expected.no_stock
    pd.testing.assert_frame_equal(result.table, expected.table)
    assert result.table.to_csv(index=False) == expected.table.to_csv(index=False)
    assert result.summary()[0] == f"{chain['folder'] / 'forecasts'}/: 3 stores planned on 1 local process"
    assert result.summary()[1:] == expected.summary()


def test_a_table_planned_per_store_and_filtered_is_the_whole_plan_filtered(chain: dict) -> None:
    options = {"categories": ["fruit"], "next_order_from": "2025-12-03", "service_level": 0.9}
    expected = whole(chain, **options)
    result = plan_orders_dataset(chain["forecast"], chain["stock"], chain["catalog"],
                                 chain["stores"], **options)  # fmt: skip
    pd.testing.assert_frame_equal(result.table, expected.table)
    assert result.summary()[1:] == expected.summary()


def test_written_partitions_hold_each_stores_lines(chain: dict, tmp_path: Path) -> None:
    expected = whole(chain)
    result = plan_orders_dataset(chain["folder"] / "forecasts", chain["stock"], chain["catalog"],
                                 chain["stores"], output=tmp_path / "orders")  # fmt: skip
    assert result.table is None and len(result.files) == 3
    assert result.summary()[1:-1] == expected.summary()  # totals added up over the stores
    assert result.summary()[-1] == f"Wrote 3 partitions: {tmp_path / 'orders'}/"
    back = pd.read_parquet(tmp_path / "orders")
    back["store"] = back["store"].astype(str)
    back = back.sort_values(["order_date", "store", "sku"], ignore_index=True)[expected.table.columns]
    pd.testing.assert_frame_equal(back, expected.table, check_dtype=False)


def test_a_filter_with_an_output_folder_is_refused(chain: dict, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="`only_stores` filters the whole plan"):
        plan_orders_dataset(chain["folder"] / "forecasts", chain["stock"], chain["catalog"],
                            only_stores=["S0001"], output=tmp_path / "orders")  # fmt: skip


def test_a_partition_missing_a_column_is_named(chain: dict, tmp_path: Path) -> None:
    forecast = chain["forecast"].drop(columns="hi80")
    write_dataset(chain["forecast"][chain["forecast"]["store"] != "S0002"], tmp_path)
    write_dataset(forecast[forecast["store"] == "S0002"], tmp_path)
    with pytest.raises(SchemaError) as error:
        plan_orders_dataset(tmp_path, chain["stock"], chain["catalog"], chain["stores"])
    message = str(error.value)
    assert message.startswith(f"{tmp_path / 'store=S0002' / 'part-0.parquet'}: forecast "
                              "partition lacks column 'hi80'")  # fmt: skip


def test_stock_of_a_store_without_a_forecast_is_refused(chain: dict, tmp_path: Path) -> None:
    write_dataset(chain["forecast"][chain["forecast"]["store"] != "S0003"], tmp_path)
    with pytest.raises(SchemaError, match="stock rows are for products the forecast does not "
                       "cover") as error:  # fmt: skip
        plan_orders_dataset(tmp_path, chain["stock"], chain["catalog"], chain["stores"])
    assert "S0003 K1001" in str(error.value)


def test_an_error_in_one_partition_names_its_file(chain: dict, tmp_path: Path) -> None:
    forecast = chain["forecast"].copy()
    bad = forecast.index[forecast["store"] == "S0003"][5]
    forecast.loc[bad, "lo80"] = -1.0
    write_dataset(forecast, tmp_path)
    with pytest.raises(SchemaError) as error:
        plan_orders_dataset(tmp_path, chain["stock"], chain["catalog"], chain["stores"])
    assert str(error.value).startswith(f"{tmp_path / 'store=S0003' / 'part-0.parquet'}")
    assert "line 6" in str(error.value)


def _cli(chain: dict, *args: str) -> list[str]:
    folder = chain["folder"]
    return ["plan", "orders", *args, "--stock", str(folder / "stock.parquet"), "--catalog",
            str(folder / "catalog.parquet"), "--stores", str(folder / "store.toml")]  # fmt: skip


def test_cli_writes_the_dataset_and_matches_the_file(chain: dict, runner, tmp_path: Path) -> None:
    folder = chain["folder"]
    single = runner.invoke(kori, _cli(chain, str(folder / "forecast.csv")))
    assert single.exit_code == 0, single.output
    result = runner.invoke(kori, _cli(chain, f"{folder / 'forecasts'}/", "-o",
                                      f"{tmp_path / 'orders'}/"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 stores planned on 1 local process" in result.stderr
    assert f"Wrote 3 partitions: {tmp_path / 'orders'}/" in result.stderr
    back = pd.read_parquet(tmp_path / "orders")
    assert len(back) == len(pd.read_csv(__import__("io").StringIO(single.stdout)))
    listed = runner.invoke(kori, _cli(chain, f"{folder / 'forecasts'}/", "--jobs", "2"))
    assert listed.exit_code == 0, listed.output
    assert listed.stdout == single.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "FORECASTS"], "-o is the FORECAST folder"),
    (["-o", "OUT/", "--category", "fruit"], "--category filters the whole plan"),
    (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler runs the work on Dask"),
])  # fmt: skip
def test_cli_usage_errors(chain: dict, runner, tmp_path: Path, args: list[str],
                          message: str) -> None:  # fmt: skip
    forecasts = str(chain["folder"] / "forecasts")
    args = [forecasts if a == "FORECASTS" else f"{tmp_path}/" if a == "OUT/" else a for a in args]
    result = runner.invoke(kori, _cli(chain, forecasts + "/", *args))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ the fast input checks


def _checked(frame: pd.DataFrame, kind: str = "forecast") -> list[tuple]:
    from forecasting.validation import validate_table

    report = validate_table(frame, kind, country=None)
    return [(p.check, p.column, p.count, p.lines) for p in report.problems]


def test_typed_columns_give_the_problems_of_their_text() -> None:
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({
        "date": np.tile(pd.date_range("2025-01-01", periods=40).to_numpy(), 10),
        "store": np.repeat(["A", "B"], n // 2), "sku": np.repeat([f"K{i}" for i in range(10)], 40),
        "forecast": rng.gamma(2.0, 3.0, n).round(2),
    })  # fmt: skip
    frame["lo80"] = (frame["forecast"] * 0.5).round(2)
    frame["hi80"] = (frame["forecast"] * 1.8).round(2)
    frame.loc[[3, 50], "forecast"] = np.nan
    frame.loc[7, "lo80"] = np.inf
    frame.loc[[9, 11], "hi80"] = -2.0
    frame.loc[12, "date"] = pd.NaT
    frame.loc[13, "date"] = pd.Timestamp("1960-01-01")
    frame.loc[14, "date"] = pd.Timestamp("2025-01-02 13:00")
    frame.loc[200, "forecast"] = 5_000.0  # an outlier of its series
    frame.loc[41:43, "sku"] = "K0"  # repeats of another series' keys
    texts = frame.astype(object).where(frame.notna(), "").astype(str)
    typed = _checked(frame)
    assert {check for check, *_ in typed} >= {"blank", "not_finite", "below_range",
                                               "date_out_of_range",
                                               "time_of_day", "outlier", "duplicate"}  # fmt: skip
    assert typed == _checked(texts)


def test_the_outlier_screen_finds_what_checking_every_series_finds() -> None:
    from forecasting.plausibility import outliers
    from forecasting.validation import _outliers

    rng = np.random.default_rng(5)
    n = 30_000
    keys = {"store": pd.Series(rng.choice(["A", "B", None], n, p=[0.5, 0.49, 0.01])),
            "sku": pd.Series(rng.integers(0, 500, n).astype(str))}  # fmt: skip
    values = rng.lognormal(1.0, 1.5, n)
    values[rng.choice(n, 40, replace=False)] *= 60  # some far above the rest of their series
    parsed = {**keys, "forecast": pd.Series(values), "lo80": pd.Series(values * 0.5),
              "hi80": pd.Series(values * 2)}  # fmt: skip
    present = {name: name for name in parsed}
    lines = np.arange(2, n + 2)
    amounts, series = ("forecast", "lo80", "hi80"), ("store", "sku")
    expected = outliers(amounts, series, parsed, present, lines)
    assert expected
    assert _outliers(amounts, series, parsed, present, lines) == expected


def test_duplicate_keys_are_those_of_the_rows() -> None:
    from forecasting.validation import _key_code

    rng = np.random.default_rng(8)
    n = 5_000
    keys = pd.DataFrame({"store": rng.choice(["A", "B", None], n),
                         "sku": rng.choice([f"K{i}" for i in range(30)] + [None], n),
                         "date": pd.to_datetime(rng.integers(0, 20, n), unit="D")})  # fmt: skip
    keys.loc[rng.choice(n, 50), "date"] = pd.NaT
    code = _key_code([keys[c] for c in keys.columns])
    expected = keys.duplicated().to_numpy() & keys.notna().all(axis=1).to_numpy()
    assert ((pd.Series(code).duplicated().to_numpy() & (code >= 0)) == expected).all()
    assert ((code < 0) == keys.isna().any(axis=1).to_numpy()).all()


@pytest.mark.parametrize("change", ["weekly", "gap", "repeat", "daily"])
def test_the_daily_check_of_the_plan_is_that_of_require_daily(chain: dict, change: str) -> None:
    from forecasting.planning.demand import require_daily
    from forecasting.planning.orders import order_plan

    demand = chain["forecast"].assign(mean=1.0, var=2.0)
    demand = demand.sample(frac=1.0, random_state=4).reset_index(drop=True)  # any row order
    series = (demand["store"] == "S0002") & (demand["sku"] == demand["sku"].iloc[7])
    if change == "weekly":
        demand = demand[~series | (demand["date"].dt.day_of_week == 0)]
    elif change == "gap":
        demand = demand.drop(demand.index[series & (demand["date"] == "2025-12-10")])
    elif change == "repeat":
        demand = pd.concat([demand, demand[series].head(1)], ignore_index=True)
    try:
        require_daily(demand, "f.csv")
    except SchemaError as error:
        with pytest.raises(SchemaError) as planned:
            order_plan(demand, chain["stock"], chain["catalog"], sources={"forecast": "f.csv"})
        assert str(planned.value) == str(error)
    else:
        assert change == "daily"
        assert len(order_plan(demand, chain["stock"], chain["catalog"]).lines)
