"""`kori sample --stores N`: a simulated chain, written store by store as CSV or Parquet."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from cli import Settings, _write_sample, kori
from forecasting.errors import ParameterError
from forecasting.sample import simulate_store
from forecasting.sample.chain import MAX_STORES, pick_products
from forecasting.sample.products import PRODUCTS
from forecasting.stores import load_store_configs

# `kori sample` (seed 1, one year, one receipt week, three forecast days) before the chain was
# added (commit 8f22b25): the default sample must not change by a byte.
DEFAULT_DIGESTS = {
    "catalog.csv": "4667eb41f913d49ae38f99d21356b99571644ce91bc4389b21e0fe54b276e7cf",
    "customers.csv": "1fddc45e59d9354b9a3d9f3023019132c4710512b07abe74a4fd4dd9692a6e2f",
    "loyalty.csv": "cd1f10c7f2c8d56c0abe23d825ab766994e6f72f3e9d4d675ab376fd3ab65be2",
    "loyalty_visits.csv": "98a87c8fb83a60a3098e0d651dfe952aa3c5dc7942765424036abd7ba8aa040a",
    "receipts.csv": "2a36e72aa09acaa991846f3d9223c4d77c681a74ce2fd5a1e52f8d798c438b4b",
    "register.csv": "7ed79d7bf4f0958be6e33f6119a9af1c5f0ec0b00ec26b8b15291e0c67f22128",
    "sales.csv": "2d61a2ec17ba0179e61ebf714873b5b1e160d3068314d81286271154fb4315a1",
    "stock.csv": "c7642f8794e0c88cdc8e1b13809dbce37988608ae1942dc1e1e7c9ddefd13006",
    "store.toml": "c14a7219122eb99afed6cd6a1f8c740ff2409369283bdcd3fe668b449514abff",
    "survey.csv": "996b8d0afe142c49ef6b425a749de79ddb6f47884a957018f1f6adc561327a82",
    "traffic.csv": "01983381257113ddbd68d0ede991192a8c4e79f08f1e1de17c6d0045993d243b",
    "weather.csv": "1dd40181332f20bee975e96902df23356cdfa236023ca63e9a81afb115337854",
}


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def run(runner, *args: str):
    result = runner.invoke(kori, ["sample", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # the summary goes to stderr
    return result


@pytest.fixture(scope="module")
def five(tmp_path_factory) -> Path:
    """`kori sample --stores 5 --years 1` (CSV)."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("five")
    run(CliRunner(), str(folder), "--stores", "5", "--years", "1")
    return folder


def test_default_sample_is_byte_identical_to_before_the_chain(tmp_path):
    _write_sample(tmp_path, Settings(quiet=True), seed=1, years=1, receipt_weeks=1,
                  forecast_days=3)  # fmt: skip
    assert digests(tmp_path) == DEFAULT_DIGESTS


def test_five_stores_of_different_sizes_sell_every_product(five):
    assert sorted(p.name for p in five.iterdir()) == [
        "catalog.csv", "sales.csv", "stock.csv", "store.toml", "traffic.csv", "weather.csv",
    ]  # no receipts without --receipt-weeks, no loyalty files, no temporary files
    configs = load_store_configs(five / "store.toml")
    assert list(configs) == ["S0001", "S0002", "S0003", "S0004", "S0005"]
    sales = pd.read_csv(five / "sales.csv", parse_dates=["date"])
    assert sales["date"].min() == pd.Timestamp("2024-12-01")
    assert sales["date"].max() == pd.Timestamp("2025-11-30")
    catalog = pd.read_csv(five / "catalog.csv")
    assert len(catalog) == len(PRODUCTS)
    assert (sales.groupby("store")["sku"].nunique() == len(catalog)).all()
    # Sizes from a neighbourhood shop to a hypermarket: units a day per store.
    per_day = sales.groupby("store")["quantity"].sum() / 365
    assert per_day.between(200, 20_000).all(), per_day  # the Helsinki sample store: ~2,000
    assert per_day.max() / per_day.min() > 3, per_day
    # Bigger stores get bigger freezers and more checkouts.
    freezer = pd.Series({code: c.freezer_capacity_litres for code, c in configs.items()})
    assert freezer.rank().corr(per_day.rank()) > 0.8
    weather = pd.read_csv(five / "weather.csv")
    assert weather.groupby("store").size().eq(365 + 14).all()
    stock = pd.read_csv(five / "stock.csv")
    assert len(stock) == 5 * len(catalog) and (stock["on_hand"] >= 0).all()
    traffic = pd.read_csv(five / "traffic.csv")
    assert set(traffic["store"]) == set(configs) and (traffic["receipts"] >= 0).all()


def test_chain_is_deterministic_and_each_store_has_a_stream_of_its_own(runner, five, tmp_path):
    run(runner, str(tmp_path / "again"), "--stores", "5", "--years", "1")
    assert digests(tmp_path / "again") == digests(five)
    run(runner, str(tmp_path / "three"), "--stores", "3", "--years", "1")
    sales = pd.read_csv(five / "sales.csv")
    three = pd.read_csv(tmp_path / "three" / "sales.csv")
    pd.testing.assert_frame_equal(three, sales[sales["store"].isin(["S0001", "S0002", "S0003"])]
                                  .reset_index(drop=True))  # fmt: skip
    run(runner, str(tmp_path / "other"), "--stores", "3", "--years", "1", "--seed", "2")
    other, three = (tmp_path / name / "sales.csv" for name in ("other", "three"))
    assert other.read_bytes() != three.read_bytes()


def test_parquet_dataset_partitioned_by_store_holds_whole_series(runner, tmp_path):
    csv, parquet = tmp_path / "csv", tmp_path / "parquet"
    common = ["--stores", "3", "--products", "40", "--years", "1", "--receipt-weeks", "1"]
    run(runner, str(csv), *common)
    result = run(runner, str(parquet), *common, "--format", "parquet")
    assert "parquet/sales/" in result.stderr
    assert sorted(p.name for p in parquet.iterdir()) == [
        "catalog.parquet", "receipts", "sales", "stock.parquet", "store.toml", "traffic",
        "weather.parquet",
    ]  # fmt: skip
    files = sorted((parquet / "sales").glob("*/*.parquet"))
    assert [f.relative_to(parquet).as_posix() for f in files] == [
        f"sales/store=S000{i}/part-0.parquet" for i in (1, 2, 3)
    ]
    dataset = pd.read_parquet(parquet / "sales")
    assert len(dataset) == len(pd.read_csv(csv / "sales.csv"))
    from_csv = pd.read_csv(csv / "sales.csv", parse_dates=["date"])
    for file in files:  # each partition: one store's series, every product, the whole history
        part = pd.read_parquet(file)
        store = file.parent.name.removeprefix("store=")
        assert part["sku"].nunique() == 40
        assert part["date"].min() == pd.Timestamp("2024-12-01")
        assert part["date"].max() == pd.Timestamp("2025-11-30")
        expected = from_csv[from_csv["store"] == store].drop(columns="store")
        pd.testing.assert_frame_equal(part, expected.reset_index(drop=True), check_dtype=False)
    receipts = pd.read_parquet(parquet / "receipts")
    last_week = from_csv[from_csv["date"] >= pd.Timestamp("2025-11-24")]
    assert receipts["quantity"].sum() == last_week["quantity"].sum()  # receipts add up to sales
    assert receipts["receipt_id"].str[:5].eq(receipts["store"].astype(str)).all()


def test_a_chain_replaces_an_earlier_run_in_the_folder(runner, tmp_path):
    for name in ("customers.csv", "receipts.csv", "sales.csv"):
        (tmp_path / name).write_text("old\n", encoding="utf-8")
    result = run(runner, str(tmp_path), "--stores", "1", "--products", "5", "--years", "1",
                 "--forecast-days", "0")  # fmt: skip
    assert "customers.csv: removed" in result.stderr
    assert not (tmp_path / "customers.csv").exists() and not (tmp_path / "receipts.csv").exists()
    assert (tmp_path / "sales.csv").read_text(encoding="utf-8").startswith("date,store,sku")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stores", "0"], "Error: stores must be between 1 and 2,000, got 0. Pass e.g. --stores"),
        (["--stores", "2001"], "Error: stores must be between 1 and 2,000, got 2001."),
        (["--stores", "2", "--products", "0"], "Error: products must be between 1 and the"),
        (["--products", "10"], "Error: a number of products picks products for a chain"),
        (["--format", "parquet"], "Error: --format parquet is for a chain: add --stores N"),
    ],
)
def test_bad_chain_options_give_one_error_line(runner, tmp_path, args, message):
    result = runner.invoke(kori, ["sample", str(tmp_path / "out"), *args])
    assert result.exit_code != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and errors[0].startswith(message), result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_library_checks_and_picks_products_over_the_catalog():
    with pytest.raises(ParameterError, match="stores must be between"):
        simulate_store(stores=MAX_STORES + 1, years=1)
    picked = pick_products(20)
    assert len(set(picked)) == 20 and picked[0] == PRODUCTS[0] and picked[-1] == PRODUCTS[-1]
    assert len({p.department for p in picked}) >= 8
    chain = simulate_store(stores=2, products=20, years=1, end=dt.date(2024, 6, 30),
                           receipt_weeks=0, forecast_days=0)  # fmt: skip
    assert list(chain.catalog["sku"]) == [f"K{1001 + PRODUCTS.index(p)}" for p in picked]
    parts = list(chain.parts())
    assert [part.store for part in parts] == ["S0001", "S0002"]
    assert parts[0].receipts.empty and parts[0].sales["date"].max() == pd.Timestamp("2024-06-30")


@pytest.mark.parametrize("kind", ["sales", "traffic", "weather", "catalog", "stock"])
def test_chain_files_pass_validation(runner, five, kind):
    result = runner.invoke(kori, ["data", "validate", kind, str(five / f"{kind}.csv"), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert f"valid {kind} file" in result.stderr and ", 0 warnings" in result.stderr
