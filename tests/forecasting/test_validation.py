"""Every problem of a file is found at once, and said with where and how to fix it."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.errors import ParameterError, SchemaError
from forecasting.validation import KINDS, SCHEMAS, validate_table


def sales(**columns):
    base = {
        "date": ["2025-01-01", "2025-01-02", "2025-01-03"],
        "store": ["HKI", "HKI", "HKI"],
        "sku": ["K1", "K1", "K1"],
        "quantity": ["3", "0", "2.5"],
    }
    base.update(columns)
    return pd.DataFrame(base)


def checks(report, severity=None):
    return [p.check for p in report.problems if severity in (None, p.severity)]


def test_a_clean_file_has_no_problems():
    report = validate_table(sales(), "sales", source="s.csv")
    assert report.ok and report.problems == () and report.rows == 3


@pytest.mark.parametrize(
    "frame, kind, check, severity, fragment",
    [
        (sales().drop(columns="date"), "sales", "missing_column", "error",
         "missing column 'date' that sales files need (found: store, sku, quantity)"),
        (sales().rename(columns={"date": "day"}), "sales", "missing_column", "error",
         "Map it with --date-col day"),
        (sales().rename(columns={"quantity": "Qty"}), "sales", "missing_column", "error",
         "Map it with --quantity-col Qty"),
        (sales(date=["2025-01-01", "2025-02-30", "soon"]), "sales", "unparseable_date", "error",
         "column 'date': not a date in 2 rows (lines 3, 4: '2025-02-30', 'soon')"),
        (sales(quantity=["3", "abc", "4"]), "sales", "non_numeric", "error",
         "column 'quantity': not a number in 1 row (line 3: 'abc')"),
        (sales(quantity=["3", "-1", "4"]), "sales", "below_range", "error", "negative"),
        (sales(quantity=["3", "", "4"]), "sales", "blank", "error", "blank in 1 row (line 3"),
        (sales(sku=["K1", " ", "K1"]), "sales", "blank", "error", "column 'sku': blank"),
        (sales(date=["2025-01-01", "2025-01-01", "2025-01-03"]), "sales", "duplicate", "error",
         "1 row repeats a (date, store, sku) seen before (line 3; first: date=2025-01-01,"),
        (sales(date=["2025-01-01", "2025-01-02", "2025-01-09"]), "sales", "gap", "warning",
         "store 'HKI': 5 days without any row between 2025-01-01 and 2025-01-09"),
        (sales(date=["2024-12-24", "2024-12-26", "2024-12-27"]), "sales", "gap", "note",
         "is a public holiday (2024-12-25)"),
        (sales().iloc[:0], "sales", "no_rows", "error", "header but no rows"),
        (pd.DataFrame({"receipt_id": ["1", "1"], "timestamp": ["2025-01-01 10:00"] * 2,
                       "sku": ["a", "a"], "quantity": ["1", "-1"]}),
         "receipts", "below_range", "warning", "Returns and cancellations"),
        (pd.DataFrame({"receipt_id": ["1", "1"], "timestamp": ["2025-01-01 10:00"] * 2,
                       "sku": ["a", "a"], "quantity": ["1", "1"]}),
         "receipts", "duplicate", "warning", "count once"),
        (pd.DataFrame({"date": ["2025-01-01"], "store": ["HKI"], "temperature_c": ["75"]}),
         "weather", "above_range", "error", "above 50"),
        (pd.DataFrame({"sku": ["a", "b"], "name": ["x", "y"], "category": ["c", "c"],
                       "pack_size": ["0", "2.5"]}),
         "catalog", "below_range", "error", "below 1"),
        (pd.DataFrame({"sku": ["a", "b"], "name": ["x", "y"], "category": ["c", "c"],
                       "pack_size": ["6", "2.5"]}),
         "catalog", "not_integer", "error", "not a whole number"),
        (pd.DataFrame({"sku": ["a", "a"], "name": ["x", "y"], "category": ["c", "c"]}),
         "catalog", "duplicate", "error", "repeats a (sku)"),
        (pd.DataFrame({"timestamp": ["2025-01-01 10:00"], "store": ["HKI"], "receipts": ["x"]}),
         "traffic", "non_numeric", "error", "not a number"),
    ],
)  # fmt: skip
def test_each_problem_is_found_and_explained(frame, kind, check, severity, fragment):
    report = validate_table(frame, kind, source="f.csv")
    found = [p for p in report.problems if (p.check, p.severity) == (check, severity)]
    assert found, report.problems
    assert fragment in found[0].message
    assert report.ok == (severity != "error" and not report.errors)


def test_all_problems_are_reported_at_once():
    frame = sales(
        date=["2025-01-01", "bad", "2025-01-01"], quantity=["x", "-2", "1"]
    ).drop(columns="store")
    report = validate_table(frame, "sales")
    assert checks(report, "error") == ["missing_column", "unparseable_date", "non_numeric",
                                       "below_range"]  # fmt: skip


def test_mapped_columns_and_date_format():
    frame = pd.DataFrame({"day": ["24.12.2025", "27.12.2025"], "shop": ["HKI", "HKI"],
                          "item": ["a", "a"], "units": ["1", "2"]})  # fmt: skip
    mapping = {"date": "day", "store": "shop", "sku": "item", "quantity": "units"}
    report = validate_table(frame, "sales", columns=mapping, date_format="%d.%m.%Y")
    assert report.ok
    assert [p.severity for p in report.problems] == ["note"]  # 25 and 26 December


def test_typed_columns_from_parquet_validate_too():
    frame = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-01-02"]),
                          "store": ["HKI", "HKI"], "sku": ["a", "a"], "quantity": [1.0, -2.0]})
    assert checks(validate_table(frame, "sales", first_line=1), "error") == ["below_range"]


def test_first_line_offset_is_used():
    report = validate_table(sales(quantity=["x", "1", "1"]), "sales", first_line=1)
    assert report.problems[0].lines == (1,)


def test_raise_for_errors_gives_the_first_error_and_a_count():
    report = validate_table(sales(quantity=["x", "-1", "1"]), "sales", source="s.csv")
    with pytest.raises(SchemaError, match=r"s.csv: column 'quantity': not a number .*1 more error"):
        report.raise_for_errors()
    validate_table(sales(), "sales").raise_for_errors()


def test_report_as_a_table():
    frame = validate_table(sales(quantity=["x", "-1", "1"]), "sales").to_frame()
    assert list(frame.columns) == ["severity", "check", "column", "count", "lines", "message"]
    assert frame["lines"].tolist() == ["2", "3"]


@pytest.mark.parametrize(
    "kind, columns, fragment",
    [("stocks", None, "unknown kind of data 'stocks'"),
     ("sales", {"price": "p"}, "sales files have no column 'price' to map")],
)  # fmt: skip
def test_bad_parameters(kind, columns, fragment):
    with pytest.raises(ParameterError, match=fragment):
        validate_table(sales(), kind, columns=columns)


def test_sample_files_are_valid(sample):
    for name, frame in sample.tables().items():
        report = validate_table(frame, name.removesuffix(".csv"))
        assert report.ok and not report.warnings, (name, report.problems)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(-5, 50).map(str), st.text(max_size=4)), min_size=1,
                max_size=30))  # fmt: skip
def test_every_bad_quantity_is_counted_once(values):
    frame = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=len(values)).astype(str),
                          "store": "HKI", "sku": "a", "quantity": values})  # fmt: skip
    report = validate_table(frame, "sales", country=None)
    numbers = pd.to_numeric(pd.Series(values).str.strip(), errors="coerce")
    blank = pd.Series(values).str.strip() == ""
    counted = {p.check: p.count for p in report.problems}
    assert counted.get("blank", 0) == blank.sum()
    assert counted.get("non_numeric", 0) == (numbers.isna() & ~blank).sum()
    assert counted.get("below_range", 0) == (numbers < 0).sum()


def test_schemas_cover_the_kinds():
    assert set(KINDS) == {"receipts", "sales", "weather", "catalog", "stock", "forecast", "traffic"}
    for schema in SCHEMAS.values():
        assert set(schema.key) <= {column.name for column in schema.columns}


def test_traffic_hours_and_catalog_names():
    traffic = pd.DataFrame({"timestamp": ["2025-01-02 10:00:00", "2025-01-02 11:30:00"],
                            "store": ["HKI", "HKI"], "receipts": ["5", "7"]})  # fmt: skip
    assert checks(validate_table(traffic, "traffic"), "warning") == ["not_hour_start"]
    catalog = pd.DataFrame({"sku": ["a", "b"], "name": ["Milk", ""], "category": ["d", "d"]})
    assert checks(validate_table(catalog, "catalog"), "error") == ["blank"]
