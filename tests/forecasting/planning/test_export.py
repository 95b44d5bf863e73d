"""The nightly order export: its filters (library and ``kori plan orders``), the product name
beside the sku, and the column contract that the README documents."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cli import kori
from forecasting import ParameterError, plan_orders
from forecasting.planning.orders import LINE_COLUMNS, order_plan, select_lines
from forecasting.stores import OrderingStandard, StoreConfig

README = Path(__file__).resolve().parents[3] / "README.md"
START = pd.Timestamp("2026-01-05")  # a Monday
DAYS = ("mon", "wed", "fri")


def _demand(days: int = 21) -> pd.DataFrame:
    dates = pd.date_range(START, periods=days, freq="D")
    frames = [pd.DataFrame({"date": dates, "store": store, "sku": sku, "mean": mean,
                            "var": mean * 1.5})
              for store in ("S", "T") for sku, mean in (("A", 5.0), ("B", 2.0))]  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def _catalog(names: bool = True) -> pd.DataFrame:
    catalog = pd.DataFrame({"sku": ["A", "B"], "name": ["Apples 1 kg", "Rye bread"],
                            "category": ["fruit", "bread"], "pack_size": [6, 4],
                            "lead_time_days": [1, 1]})  # fmt: skip
    return catalog if names else catalog.drop(columns="name")


def _stock() -> pd.DataFrame:
    return pd.DataFrame({"store": ["S", "S", "T", "T"], "sku": ["A", "B", "A", "B"],
                         "on_hand": [3.0, 0.0, 0.0, 1.0]})  # fmt: skip


def _stores() -> dict[str, StoreConfig]:
    return {code: StoreConfig(store=code, name=code, city="", hours={"mon": (0, 60)},
                              ordering=OrderingStandard(order_days=DAYS))
            for code in ("S", "T")}  # fmt: skip


@pytest.fixture(scope="module")
def whole():
    return plan_orders(_demand(), _stock(), _catalog(), _stores())


def _plan(**filters):
    return plan_orders(_demand(), _stock(), _catalog(), _stores(), **filters)


# --------------------------------------------------------------------------- the name column


def test_the_lines_carry_the_product_name_beside_the_sku(whole):
    assert list(whole.table.columns) == LINE_COLUMNS
    assert LINE_COLUMNS[:4] == ["store", "sku", "name", "category"]
    names = whole.table.drop_duplicates("sku").set_index("sku")["name"]
    assert names.to_dict() == {"A": "Apples 1 kg", "B": "Rye bread"}


def test_the_name_is_blank_when_the_catalog_has_none():
    plan = order_plan(_demand(), _stock(), _catalog(names=False), stores=_stores())
    assert list(plan.lines.columns) == LINE_COLUMNS
    assert (plan.lines["name"] == "").all()


# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize("filters, keep", [
    ({"only_stores": ["T"]}, lambda t: t["store"] == "T"),
    ({"only_stores": ("S", "T")}, lambda t: t["store"].isin(["S", "T"])),
    ({"categories": ["bread"]}, lambda t: t["category"] == "bread"),
    ({"categories": ["BREAD"]}, lambda t: t["category"] == "bread"),
    ({"order_date": "2026-01-09"}, lambda t: t["order_date"] == "2026-01-09"),
    ({"order_date": pd.Timestamp("2026-01-07").date()},
     lambda t: t["order_date"] == "2026-01-07"),
    ({"only_stores": ["S"], "categories": ["fruit"], "order_date": "2026-01-12"},
     lambda t: (t["store"] == "S") & (t["category"] == "fruit")
     & (t["order_date"] == "2026-01-12")),
])  # fmt: skip
def test_a_filter_keeps_the_whole_plans_rows_unchanged(whole, filters, keep):
    filtered = _plan(**filters)
    expected = whole.table[keep(whole.table).to_numpy()].reset_index(drop=True)
    assert len(expected)
    pd.testing.assert_frame_equal(filtered.table, expected)


def test_next_order_from_keeps_each_products_first_order_day_on_or_after_it(whole):
    filtered = _plan(next_order_from="2026-01-06")  # a Tuesday: the next order day is Wednesday
    assert len(filtered.table) == 4  # two stores x two products
    assert (filtered.table["order_date"] == "2026-01-07").all()
    expected = whole.table[whole.table["order_date"] == "2026-01-07"].reset_index(drop=True)
    pd.testing.assert_frame_equal(filtered.table, expected)
    on_the_day = _plan(next_order_from="2026-01-09", only_stores=["S"])
    assert (on_the_day.table["order_date"] == "2026-01-09").all() and len(on_the_day.table) == 2


def test_next_order_from_takes_each_products_own_next_day():
    catalog = _catalog().assign(order_days=["mon thu", ""])  # A on Mon/Thu, B the store's days
    whole = order_plan(_demand(), _stock(), catalog, stores=_stores())
    plan = select_lines(whole, next_order_from="2026-01-06")
    days = plan.lines.set_index(["store", "sku"])["order_date"].dt.strftime("%Y-%m-%d")
    assert days.to_dict() == {("S", "A"): "2026-01-08", ("S", "B"): "2026-01-07",
                              ("T", "A"): "2026-01-08", ("T", "B"): "2026-01-07"}  # fmt: skip
    assert plan.planned == len(whole.lines)


def test_the_summary_counts_what_was_filtered_out(whole):
    plan = _plan(only_stores=["S"], next_order_from="2026-01-06")
    total = len(whole.table)
    assert plan.summary()[0] == (f"kept 2 of {total} order lines (store S; next order on or "
                                 f"after 2026-01-06): {total - 2} filtered out")  # fmt: skip
    assert plan.summary()[1].startswith("2 order lines for 2 products on 1 order day:")
    assert not any("filtered" in line for line in whole.summary())


@pytest.mark.parametrize("filters, message", [
    ({"only_stores": ["XYZ"]}, ("no order lines for store 'XYZ' (stores: S, T). Give "
     "`only_stores` among the stores of the plan")),
    ({"only_stores": ["S", "XYZ"]}, "no order lines for store 'XYZ' (stores: S, T)"),
    ({"categories": ["frut"]}, ("no order lines for category 'frut' (categories: bread, "
     "fruit). Did you mean 'fruit'? Give `categories` among the categories of the plan")),
    ({"order_date": "2026-01-06"}, ("no order lines on 2026-01-06 (order days: 2026-01-05, "
     "2026-01-07, 2026-01-09, 2026-01-12, 2026-01-14, 2026-01-16, 2026-01-19, 2026-01-21)")),
    ({"only_stores": ["S"], "order_date": "2026-01-06"},
     "no order lines on 2026-01-06 for store S (order days: "),
    ({"next_order_from": "2026-02-01"}, ("no order lines on or after 2026-02-01 (last order "
     "day: 2026-01-21). Give `next_order_from` on or before the last order day")),
    ({"order_date": "2026-01-07", "next_order_from": "2026-01-07"},
     "`order_date` and `next_order_from` exclude each other"),
    ({"order_date": "2026-13-01"}, "`order_date='2026-13-01'` is not a date"),
])  # fmt: skip
def test_a_filter_that_leaves_no_rows_says_what_exists(filters, message):
    with pytest.raises(ParameterError) as info:
        _plan(**filters)
    assert message in str(info.value)


def test_both_dates_are_refused_before_any_planning():
    with pytest.raises(ParameterError, match="exclude each other"):
        plan_orders(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), order_date="2026-01-05",
                    next_order_from="2026-01-05")  # fmt: skip


# --------------------------------------------------------------------------- kori plan orders

SKUS = ["K1001", "K1029", "K1040", "K1091", "K1092", "K1101"]


@pytest.fixture(scope="module")
def files(sample_dir, tmp_path_factory):
    """The sample's catalog, stock and store.toml, and a 21-day forecast of six products."""
    folder = tmp_path_factory.mktemp("export")
    for name in ("catalog.csv", "store.toml", "weather.csv"):
        (folder / name).write_bytes((sample_dir / name).read_bytes())
    sales = pd.read_csv(sample_dir / "sales.csv", dtype=str)
    sales[sales["sku"].isin(SKUS)].to_csv(folder / "sales.csv", index=False)
    stock = pd.read_csv(sample_dir / "stock.csv", dtype=str)
    stock[stock["sku"].isin(SKUS)].to_csv(folder / "stock.csv", index=False)
    result = CliRunner().invoke(kori, ["-q", "forecast", "run", str(folder / "sales.csv"),
                                       "--stores", str(folder / "store.toml"), "--horizon", "21",
                                       "-o", str(folder / "forecast.csv")])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return folder


def _orders(files, *extra):
    args = ["plan", "orders", files / "forecast.csv", "--stock", files / "stock.csv",
            "--catalog", files / "catalog.csv", "--stores", files / "store.toml", *extra]
    return CliRunner().invoke(kori, [str(a) for a in args])


@pytest.fixture(scope="module")
def unfiltered(files):
    result = _orders(files)
    assert result.exit_code == 0, result.stderr
    return result


def _table(result) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("args, keep", [
    (["--store", "TRE"], lambda t: t["store"] == "TRE"),
    (["--category", "ice cream", "--category", "fruit"],
     lambda t: t["category"].isin(["ice cream", "fruit"])),
    (["--order-date", "2025-12-03"], lambda t: t["order_date"] == "2025-12-03"),
    (["--next-order-from", "2025-12-02", "--store", "HKI"],
     lambda t: (t["order_date"] == "2025-12-03") & (t["store"] == "HKI")),
])  # fmt: skip
def test_the_cli_filters_keep_the_unfiltered_rows_as_they_were(files, unfiltered, args, keep):
    result = _orders(files, *args)
    assert result.exit_code == 0, result.stderr
    whole = _table(unfiltered)
    expected = whole[keep(whole).to_numpy()].reset_index(drop=True)
    assert 0 < len(expected) < len(whole)
    pd.testing.assert_frame_equal(_table(result), expected)
    assert "filtered out" in result.stderr.splitlines()[0]
    assert f"of {len(whole):,} order lines" in result.stderr


@pytest.mark.parametrize("args, code, message", [
    (["--store", "XYZ"], 2,
     ("Error: no order lines for store 'XYZ' (stores: HKI, TRE). Give --store among the stores "
     "of the plan")),
    (["--category", "icecream"], 2,
     "Did you mean 'ice cream'? Give --category among the categories of the plan"),
    (["--store", "HKI", "--order-date", "2025-12-02"], 2,
     "Error: no order lines on 2025-12-02 for store HKI (order days: 2025-12-01, 2025-12-03, "),
    (["--next-order-from", "2026-01-30"], 2,
     "Error: no order lines on or after 2026-01-30 (last order day: "),
    (["--order-date", "2025-12-03", "--next-order-from", "2025-12-03"], 2,
     "--order-date and --next-order-from exclude each other"),
    (["--order-date", "03.12.2025"], 2, "'03.12.2025' is not a date like 2025-11-30"),
])  # fmt: skip
def test_the_cli_refuses_filters_that_leave_no_rows(files, args, code, message):
    """A parameter problem (the library's ParameterError, or Click's) exits 2, naming what the
    plan has."""
    result = _orders(files, *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output and not result.stdout


# --------------------------------------------------------------------------- the contract


def _readme_columns() -> list[list[str]]:
    """The rows of the table in the README's section "The order export"."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### The order export"):]
    section = section[:section.index("\n#", 1)]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [[cell.strip().strip("`") for cell in row.strip("|").split("|")] for row in rows]


NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")
CHECKS = {
    "text": lambda value: True,
    "date": lambda value: re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None,
    "integer": lambda value: re.fullmatch(r"\d+", value) is not None,
    "number": lambda value: NUMBER.fullmatch(value) is not None,
    "boolean": lambda value: value in ("True", "False"),
}


def test_the_readme_documents_every_column_in_order():
    rows = _readme_columns()
    assert [row[0] for row in rows] == LINE_COLUMNS
    assert all(len(row) == 4 and all(row) for row in rows), rows
    assert {row[1] for row in rows} <= set(CHECKS)


def test_the_csv_export_keeps_the_contract(files, unfiltered):
    """Header = README table = LINE_COLUMNS; ISO dates; plain numbers (no thousands
    separators); every value of the type the README gives."""
    rows = list(csv.reader(io.StringIO(unfiltered.stdout)))
    header, body = rows[0], rows[1:]
    assert header == LINE_COLUMNS == [row[0] for row in _readme_columns()]
    result = _orders(files, "-f", "csv", "-o", files / "orders.csv")
    assert result.exit_code == 0, result.stderr
    assert (files / "orders.csv").read_text(encoding="utf-8") == unfiltered.stdout
    types = {row[0]: row[1] for row in _readme_columns()}
    assert body and all(len(row) == len(header) for row in body)
    for row in body:
        for column, value in zip(header, row):
            assert CHECKS[types[column]](value), (column, value)
    quantities = [int(row[header.index("quantity")]) for row in body]
    assert max(quantities) >= 0 and all("," not in cell for row in body for cell in row[4:])
