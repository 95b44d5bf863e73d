"""``kori forecast run --catalog --plots --plot ... --plot-top ... --plot-by ...`` and the plans
that read a forecast with names."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from cli import kori

SKUS = ["K1001", "K1040", "K1049", "K1091", "K1101"]  # K1101 a frozen Christmas ham


@pytest.fixture(scope="module")
def few(sample_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("few")
    sales = pd.read_csv(sample_dir / "sales.csv", dtype=str)
    sales[sales["sku"].isin(SKUS)].to_csv(folder / "sales.csv", index=False)
    stock = pd.read_csv(sample_dir / "stock.csv", dtype=str)
    stock[stock["sku"].isin(SKUS)].to_csv(folder / "stock.csv", index=False)
    for name in ("weather.csv", "store.toml", "catalog.csv"):
        (folder / name).write_bytes((sample_dir / name).read_bytes())
    return folder


def _run(runner, *args):
    return runner.invoke(kori, [str(a) for a in args])


@pytest.fixture(scope="module")
def named(few, tmp_path_factory):
    """A forecast with --catalog, its page showing the hams and the top one by change."""
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("named")
    result = _run(CliRunner(), "forecast", "run", few / "sales.csv", "--weather",
                  few / "weather.csv", "--stores", few / "store.toml", "--catalog",
                  few / "catalog.csv", "--plots", out / "plots", "--plot", "christmas ham",
                  "--plot-top", "1", "--plot-by", "change", "-o", out / "forecast.csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, result


def test_the_table_has_names_and_categories_after_sku(named):
    out, _ = named
    table = pd.read_csv(out / "forecast.csv")
    assert list(table.columns[:6]) == ["date", "store", "sku", "name", "category", "model"]
    assert set(table.loc[table["sku"] == "K1040", "name"]) == {"Christmas ham salted 2 kg"}


def test_plot_picks_names_and_categories_then_the_top(named):
    out, result = named
    pictures = sorted(p.name for p in (out / "plots").glob("*.png"))
    # "christmas ham" is the category of K1040 and K1101 (and part of both names), two stores
    assert {"HKI_K1040.png", "TRE_K1040.png", "HKI_K1101.png", "TRE_K1101.png"} <= set(pictures)
    assert len(pictures) == 5
    page = (out / "plots" / "index.html").read_text(encoding="utf-8")
    assert page.count("<img") == 5 and "HKI K1040 Christmas ham salted 2 kg" in page
    assert "the top by change" not in page or "asked for: christmas ham" in page
    assert "Plots of 5 series" in result.stderr and "Planner's page: 5 pictures" in result.stderr


def test_plans_read_a_forecast_with_names(runner, few, named):
    out, _ = named
    orders = _run(runner, "-q", "plan", "orders", out / "forecast.csv", "--stock",
                  few / "stock.csv", "--catalog", few / "catalog.csv", "--stores",
                  few / "store.toml")  # fmt: skip
    assert orders.exit_code == 0, orders.output
    assert len(pd.read_csv(io.StringIO(orders.stdout))) > 0
    freezer = _run(runner, "-q", "plan", "freezer", out / "forecast.csv", "--catalog",
                   few / "catalog.csv", "--stores", few / "store.toml")  # fmt: skip
    assert freezer.exit_code == 0, freezer.output
    assert "christmas ham" in set(pd.read_csv(io.StringIO(freezer.stdout))["category"])


@pytest.mark.parametrize(("args", "message"), [
    (["--plot", "caviar"], "no series matches 'caviar'. Give --plot a sku"),
    (["--plot", "ham", "--no-catalog"], "product names need the catalog"),
])  # fmt: skip
def test_an_item_that_matches_nothing_is_one_error_line(runner, few, tmp_path, args, message):
    catalog = [] if "--no-catalog" in args else ["--catalog", few / "catalog.csv"]
    args = [a for a in args if a != "--no-catalog"]
    result = _run(runner, "forecast", "run", few / "sales.csv", "--model", "naive", "--horizon",
                  "3", *catalog, "--plots", tmp_path / "plots", *args)  # fmt: skip
    assert result.exit_code == 2  # a parameter problem, as Click's own
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: ") and message in lines[-1], result.stderr
    assert "Traceback" not in result.output


def test_without_a_catalog_pictures_and_table_use_codes(runner, few, tmp_path):
    result = _run(runner, "-q", "forecast", "run", few / "sales.csv", "--model", "naive",
                  "--horizon", "7", "--plots", tmp_path / "plots", "--plot", "k1040")  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert "name" not in table.columns
    assert sorted(p.name for p in (tmp_path / "plots").glob("*.png")) == ["HKI_K1040.png",
                                                                         "TRE_K1040.png"]
    page = (tmp_path / "plots" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<figcaption>HKI K1040 \(", page)
