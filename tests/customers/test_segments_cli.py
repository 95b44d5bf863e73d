"""`kori customers segments` and `kori customers regulars` on the sample's files (issue 14)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cli import kori


def _errors(result):
    return [line for line in result.output.splitlines() if line.startswith("Error:")]


def test_segments_writes_customers_segments_and_years(runner, sample_dir, tmp_path):
    visits = str(sample_dir / "loyalty_visits.csv")
    result = runner.invoke(kori, ["customers", "segments", visits, "--as-of", "2025-11-30",
                                  "--seed", "1", "-o", str(tmp_path / "c.csv"),
                                  "--segments", str(tmp_path / "s.csv"),
                                  "--by-year", str(tmp_path / "y.csv")])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "c.csv")
    assert {"customer_id", "segment", "segment_name", "r", "f", "m", "frequency",
            "spend"} <= set(table.columns)  # fmt: skip
    assert table["segment"].nunique() == 5 and table["r"].between(1, 5).all()
    segments = pd.read_csv(tmp_path / "s.csv")
    assert len(segments) == 5 and abs(segments["share_sales"].sum() - 1) < 1e-9
    years = pd.read_csv(tmp_path / "y.csv")
    assert list(years["year_to"]) == ["2023-11-30", "2024-11-30", "2025-11-30"]
    assert "5 segments" in result.output and "% of sales" in result.output
    assert "year to 2025-11-30 (365 days)" in result.output


@pytest.mark.slow  # a segmentation of the whole sample or more
def test_segments_k_auto_and_a_bad_k(runner, sample_dir):
    visits = str(sample_dir / "loyalty_visits.csv")
    result = runner.invoke(kori, ["-q", "customers", "segments", visits, "--as-of", "2025-11-30",
                                  "--k", "auto", "-f", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert 3 <= pd.DataFrame(json.loads(result.stdout))["segment"].nunique() <= 8
    result = runner.invoke(kori, ["customers", "segments", visits, "--as-of", "2025-11-30",
                                  "--k", "1"])  # fmt: skip
    assert result.exit_code != 0 and len(_errors(result)) == 1 and "--k" in _errors(result)[0]


def test_regulars_on_the_sample(runner, sample_dir):
    result = runner.invoke(kori, ["customers", "regulars", str(sample_dir / "loyalty_visits.csv"),
                                  "--as-of", "2025-11-30", "-f", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {row["customer_id"]: row for row in json.loads(result.stdout)}
    assert len(rows) == 6
    wednesday = rows["L10024684"]
    assert (wednesday["weekday"], wednesday["hours"]) == ("Wednesday", "08-09")
    assert wednesday["next_date"] == "2025-12-03" and wednesday["status"] == "due"
    assert "6 regulars among" in result.output


def test_regulars_with_lines(runner, tmp_path):
    days = pd.date_range("2025-09-03", periods=8, freq="7D")
    visits = pd.DataFrame({"customer_id": "A", "timestamp": days + pd.Timedelta(hours=8)})
    visits.to_csv(tmp_path / "v.csv", index=False)
    lines = pd.DataFrame({"customer_id": "A", "receipt_id": range(8), "sku": "K1"})
    lines.to_csv(tmp_path / "l.csv", index=False)
    result = runner.invoke(kori, ["-q", "customers", "regulars", str(tmp_path / "v.csv"),
                                  "--as-of", "2025-11-30", "--lines", str(tmp_path / "l.csv"),
                                  "-f", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["basket"] == "K1 (100%)"


def test_a_visit_after_as_of_is_one_error_line(runner, sample_dir):
    for command in ("segments", "regulars"):
        result = runner.invoke(kori, ["customers", command,
                                      str(sample_dir / "loyalty_visits.csv"),
                                      "--as-of", "2025-11-01"])  # fmt: skip
        assert result.exit_code == 1, result.output
        lines = _errors(result)
        assert len(lines) == 1 and "--as-of 2025-11-01" in lines[0], result.output
        assert "loyalty_visits.csv" in lines[0]


def test_a_missing_column_is_one_error_line(runner, sample_dir, tmp_path):
    frame = pd.read_csv(sample_dir / "loyalty_visits.csv", dtype=str, nrows=500)
    path = tmp_path / "visits.csv"
    frame.rename(columns={"customer_id": "card"}).to_csv(path, index=False)
    for command in ("segments", "regulars"):
        result = runner.invoke(kori, ["customers", command, str(path), "--as-of", "2025-11-30"])
        assert result.exit_code == 1, result.output
        lines = _errors(result)
        assert len(lines) == 1 and "'customer_id'" in lines[0] and "--customer-col" in lines[0]


@pytest.mark.slow  # a segmentation of the whole sample or more
def test_nps_by_segment_with_the_segments_table_as_register(runner, sample_dir, tmp_path):
    visits = str(sample_dir / "loyalty_visits.csv")
    register = str(tmp_path / "segmented.csv")
    result = runner.invoke(kori, ["-q", "customers", "segments", visits, "--as-of", "2025-11-30",
                                  "-o", register])  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(kori, ["customers", "nps", str(sample_dir / "survey.csv"),
                                  "--customers", register, "--group", "segment_name",
                                  "-f", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.DataFrame(json.loads(result.stdout))
    groups = table[table["segment_name"] != table["segment_name"].iloc[0]]
    assert len(groups) == 5 and groups["n"].sum() == 600
    assert (groups["low"] < 20).all() and (groups["high"] > 20).all()  # one planted score: +20
    assert sum("segment_name " in line for line in result.output.splitlines()) == 5


def test_regulars_baskets_from_the_receipts_file(runner, sample_dir):
    result = runner.invoke(kori, ["customers", "regulars", str(sample_dir / "loyalty_visits.csv"),
                                  "--as-of", "2025-11-30",
                                  "--lines", str(sample_dir / "receipts.csv"),
                                  "--catalog", str(sample_dir / "catalog.csv"),
                                  "-f", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.DataFrame(json.loads(result.stdout)).set_index("customer_id")
    assert table.loc["L10024684", "basket"] == "2 x Skimmed milk 1 l (100%), Coffee 500 g (100%)"
    assert "L10024684: Wednesday 08-09, next 2025-12-03" in result.output
    assert "buys 2 x Skimmed milk 1 l, Coffee 500 g" in result.output


@pytest.mark.slow  # a segmentation of the whole sample or more
def test_segments_compare_the_stores(runner, tmp_path):
    """Store B's customers spend 30% more a visit: the command names it, with its interval, and
    writes the differences; with one store there is nothing to compare, and it says so."""
    import numpy as np

    rng = np.random.default_rng(5)
    who = rng.integers(0, 600, 20_000)
    store = np.where(who < 300, "A", "B")
    visits = pd.DataFrame({
        "customer_id": [f"c{w}" for w in who], "store": store,
        "timestamp": pd.Timestamp("2025-01-01") + pd.to_timedelta(
            rng.integers(0, 300 * 24, len(who)), "h"),
        "amount_eur": np.round(rng.gamma(4, 5, len(who)) * np.where(store == "B", 1.3, 1.0), 2),
    })  # fmt: skip
    visits.to_csv(tmp_path / "v.csv", index=False)
    out = tmp_path / "stores.csv"
    result = runner.invoke(kori, ["customers", "segments", str(tmp_path / "v.csv"), "--as-of",
                                  "2025-11-30", "--by-store", str(out), "-o",
                                  str(tmp_path / "c.csv")])  # fmt: skip
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("store A"))
    assert line.startswith("store A (300 customers) against B (300): basket ")
    diff = pd.read_csv(out).set_index("measure")
    assert diff.loc["mean_spend", "real"] and diff.loc["mean_spend", "high"] < 0
    assert diff.loc["mean_spend", "other"] / diff.loc["mean_spend", "value"] == \
        pytest.approx(1.3, abs=0.05)
    visits.assign(store="A").to_csv(tmp_path / "one.csv", index=False)
    result = runner.invoke(kori, ["customers", "segments", str(tmp_path / "one.csv"), "--as-of",
                                  "2025-11-30", "--by-store", str(tmp_path / "no.csv"), "-o",
                                  str(tmp_path / "c.csv")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Stores compared: not written, fewer than two stores with 30+ customers" in result.output
    assert not (tmp_path / "no.csv").exists()


@pytest.mark.slow  # a segmentation of the whole sample or more
def test_segments_with_receipt_lines_and_departments(runner, sample_dir):
    """receipts.csv has no customer column: its lines take the card of their receipt from the
    visits, and the catalog gives them a department; items per visit join the habits."""
    result = runner.invoke(kori, ["customers", "segments", str(sample_dir / "loyalty_visits.csv"),
                                  "--as-of", "2025-11-30",
                                  "--lines", str(sample_dir / "receipts.csv"),
                                  "--catalog", str(sample_dir / "catalog.csv"),
                                  "--category-col", "department", "-f", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.DataFrame(json.loads(result.stdout)).set_index("customer_id")
    assert table["items_per_visit"].notna().sum() > 1000  # card holders with receipts
    assert table.loc["L10024684", "items_per_visit"] == 3.0  # 2 x skimmed milk and a coffee
    assert "items" in " ".join(table["segment_name"].unique())
    bad = runner.invoke(kori, ["customers", "segments", str(sample_dir / "loyalty_visits.csv"),
                               "--as-of", "2025-11-30",
                               "--lines", str(sample_dir / "receipts.csv"),
                               "--catalog", str(sample_dir / "catalog.csv"),
                               "--category-col", "aisle"])  # fmt: skip
    expected = ("Error: catalog: missing column 'aisle' (found: sku, name, category, department, "
                "unit_volume_l, pack_size, lead_time_days, shelf_life_days, price_eur). Give a "
                "catalog with the item column (--item-col) and the --category-col one")
    assert bad.exit_code == 1 and _errors(bad) == [expected], bad.output
