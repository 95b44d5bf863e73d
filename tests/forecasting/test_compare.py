"""Two forecasts compared (``forecasting.compare_forecasts``, ``kori forecast compare``): exact
sums on hand-made tables, what only one side has, refusals, and a real hot-week what-if."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from cli import kori
from forecasting import SchemaError, compare_forecasts
from forecasting.compare import TABLE_COLUMNS

DATES = pd.date_range("2026-01-05", periods=3, freq="D")
SOURCES = {"base": "base.csv", "other": "other.csv", "catalog": "catalog.csv"}


def _forecast(per_day: dict[tuple[str, str], float], dates=DATES) -> pd.DataFrame:
    """A forecast table as `kori forecast run` writes it: one row per date and series."""
    rows = [{"date": f"{day:%Y-%m-%d}", "store": store, "sku": sku, "model": "regression",
             "forecast": units, "lo80": units * 0.5, "hi80": units * 1.5}
            for (store, sku), units in per_day.items() for day in dates]  # fmt: skip
    return pd.DataFrame(rows)


CATALOG = pd.DataFrame({"sku": ["A", "B", "C", "D", "E"], "name": list("abcde"),
                        "category": ["x", "x", "y", "y", "y"]})  # fmt: skip


@pytest.fixture
def pair():
    """Base: S sells A 10, B 5, C 2, E 1 a day, T sells A 4; the other forecast has A 12, C 1
    in S and A 6 in T, a new sku D, no E, and one day more."""
    base = _forecast({("S", "A"): 10, ("S", "B"): 5, ("S", "C"): 2, ("S", "E"): 1, ("T", "A"): 4})
    other = _forecast({("S", "A"): 12, ("S", "B"): 5, ("S", "C"): 1, ("S", "D"): 7, ("T", "A"): 6},
                      dates=DATES.append(pd.DatetimeIndex(["2026-01-08"])))  # fmt: skip
    return base, other


def test_sums_per_store_and_category_with_a_total_row_first(pair):
    result = compare_forecasts(*pair, catalog=CATALOG, sources=SOURCES)
    assert list(result.table.columns) == TABLE_COLUMNS
    rows = result.table.to_dict("records")
    # S over the 3 common days: x = (10 + 5) x 3 = 45 -> (12 + 5) x 3 = 51; y = 2 x 3 -> 1 x 3;
    # E and D are in one forecast only and left out.
    assert rows == [
        {"store": "S", "category": "(total)", "base_units": 51.0, "units": 54.0,
         "change_units": 3.0, "change_pct": 5.9},
        {"store": "S", "category": "x", "base_units": 45.0, "units": 51.0, "change_units": 6.0,
         "change_pct": 13.3},
        {"store": "S", "category": "y", "base_units": 6.0, "units": 3.0, "change_units": -3.0,
         "change_pct": -50.0},
        {"store": "T", "category": "(total)", "base_units": 12.0, "units": 18.0,
         "change_units": 6.0, "change_pct": 50.0},
        {"store": "T", "category": "x", "base_units": 12.0, "units": 18.0, "change_units": 6.0,
         "change_pct": 50.0},
    ]  # fmt: skip
    assert (result.days, result.series) == (3, 4)


def test_the_summary_tells_each_stores_change_and_what_only_one_side_has(pair):
    lines = compare_forecasts(*pair, catalog=CATALOG, sources=SOURCES).summary()
    assert lines == [
        "Compared 4 series over 3 days (2026-01-05 to 2026-01-07): other.csv against base.csv",
        "S: +5.9% units (+3); most: x +13% (+6), y -50% (-3)",
        "T: +50.0% units (+6); most: x +50% (+6)",
        "1 series only in base.csv, left out: S E",
        "1 series only in other.csv, left out: S D",
        "1 date only in other.csv, left out: 2026-01-08",
    ]


def test_without_a_catalog_the_rows_are_skus_sorted_by_the_largest_change(pair):
    table = compare_forecasts(*pair).table
    assert list(table.columns) == ["store", "sku", *TABLE_COLUMNS[2:]]
    assert table["sku"].tolist() == ["(total)", "A", "C", "B", "(total)", "A"]
    assert table["change_units"].tolist() == [3.0, 6.0, -3.0, 0.0, 6.0, 6.0]


def test_skus_the_catalog_lacks_are_counted_apart(pair):
    result = compare_forecasts(*pair, catalog=CATALOG[CATALOG["sku"] != "C"], sources=SOURCES)
    assert "(not in catalog)" in set(result.table["category"])
    assert result.summary()[-1] == "1 skus not in the catalog, counted as (not in catalog) (e.g. C)"


def test_forecasts_per_category_compare_without_a_catalog():
    base = _forecast({("S", "x"): 2}).rename(columns={"sku": "category"})
    other = _forecast({("S", "x"): 3}).rename(columns={"sku": "category"})
    table = compare_forecasts(base, other).table
    assert table[["category", "base_units", "units"]].to_dict("records") == [
        {"category": "(total)", "base_units": 6.0, "units": 9.0},
        {"category": "x", "base_units": 6.0, "units": 9.0},
    ]  # fmt: skip


def test_a_base_of_zero_has_no_percentage():
    base, other = _forecast({("S", "A"): 0}), _forecast({("S", "A"): 2})
    result = compare_forecasts(base, other)
    assert result.table["change_pct"].isna().all()
    assert result.summary()[1] == "S: new (+6); most: A new (+6)"


@pytest.mark.parametrize("base, other, message", [
    (_forecast({("S", "A"): 1}),
     pd.DataFrame({"date": ["2026-01-05"], "store": ["S"], "sku": ["A"], "quantity": [3]}),
     "other.csv: this is a sales file, not a forecast (columns: date, store, sku, quantity)"),
    (pd.DataFrame({"a": [1]}), _forecast({("S", "A"): 1}),
     "base.csv: this is a table, not a forecast (columns: a)"),
    (_forecast({("S", "A"): 1}), _forecast({("S", "x"): 1}).rename(columns={"sku": "category"}),
     "other.csv: a forecast per category, but base.csv is per sku"),
    (_forecast({("S", "A"): 1}),
     _forecast({("S", "A"): 1}, dates=pd.date_range("2026-02-01", periods=2)),
     ("other.csv: no dates in common with base.csv (2026-02-01 to 2026-02-02 against "
     "2026-01-05 to 2026-01-07)")),
    (_forecast({("S", "A"): 1}), _forecast({("T", "B"): 1}),
     "other.csv: no series in common with base.csv (e.g. T B against S A)"),
    (_forecast({("S", "A"): 1}), _forecast({("S", "A"): 1}).assign(forecast="lots"),
     "other.csv"),
])  # fmt: skip
def test_refusals_name_the_file(base, other, message):
    with pytest.raises(SchemaError) as info:
        compare_forecasts(base, other, sources=SOURCES)
    assert message in str(info.value)


# --------------------------------------------------------------------------- kori forecast compare

SKUS = ["K1001", "K1049", "K1083", "K1091", "K1092", "K1093"]


def test_kori_forecast_compare_shows_ice_cream_up_in_a_hot_week(sample_dir, tmp_path):
    runner = CliRunner()
    sales = pd.read_csv(sample_dir / "sales.csv", dtype=str)
    sales[sales["sku"].isin(SKUS)].to_csv(tmp_path / "sales.csv", index=False)
    common = ["-q", "forecast", "run", str(tmp_path / "sales.csv"), "--stores",
              str(sample_dir / "store.toml"), "--weather", str(sample_dir / "weather.csv"),
              "--horizon", "7"]  # fmt: skip
    for name, extra in (("base.csv", []), ("hot.csv", ["--temperature-offset", "5"])):
        result = runner.invoke(kori, [*common, *extra, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.stderr
    result = runner.invoke(kori, ["forecast", "compare", str(tmp_path / "base.csv"),
                                  str(tmp_path / "hot.csv"), "--catalog",
                                  str(sample_dir / "catalog.csv")])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns) == TABLE_COLUMNS
    ice = table[table["category"] == "ice cream"].set_index("store")
    assert (ice["change_units"] > 0).all() and (ice["change_pct"] > 10).all(), ice
    assert sorted(ice.index) == ["HKI", "TRE"]
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Compared 12 series over 7 days") and "hot.csv against" in lines[0]
    assert all(any(line.startswith(f"{store}: +") and "ice cream +" in line for line in lines)
               for store in ("HKI", "TRE"))  # fmt: skip
    refused = runner.invoke(kori, ["forecast", "compare", str(tmp_path / "base.csv"),
                                   str(tmp_path / "sales.csv")])  # fmt: skip
    assert refused.exit_code == 1
    assert "sales.csv: this is a sales file, not a forecast" in refused.stderr


def test_the_demos_what_if_step_writes_the_hot_week_against_the_base(sample_dir, tmp_path,
                                                                     capsys):  # fmt: skip
    """The step `kori demo` runs after its forecast (on six products here, for speed)."""
    from cli import Settings, _demo_whatif, read_table
    from forecasting import forecast, load_inputs

    (tmp_path / "catalog.csv").write_bytes((sample_dir / "catalog.csv").read_bytes())
    sales = pd.read_csv(sample_dir / "sales.csv", dtype=str)
    inputs = load_inputs(sales[sales["sku"].isin(SKUS)],
                         weather=read_table(str(sample_dir / "weather.csv"))[0],
                         stores=sample_dir / "store.toml")  # fmt: skip
    base = forecast(inputs.series, horizon=28, regressors=inputs.regressors).table
    _demo_whatif(Settings(), tmp_path, inputs, base)
    table = pd.read_csv(tmp_path / "whatif.csv")
    assert list(table.columns) == TABLE_COLUMNS
    ice = table[table["category"] == "ice cream"]
    assert len(ice) == 2 and (ice["change_units"] > 0).all()
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"  What if the first week is 5 degrees warmer: {tmp_path / 'whatif.csv'}"
    assert err[1] == ("    Compared 12 series over 7 days (2025-12-01 to 2025-12-07): a week at "
                      "+5 degrees against forecast.csv")  # fmt: skip
    assert err[2].startswith("    HKI: +") and err[3].startswith("    TRE: +") and len(err) == 4
