"""Every problem of a file is found at once, and said with where and how to fix it."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basket.columns import RECEIPTS_SCHEMA
from forecasting import validation
from forecasting.errors import ParameterError, SchemaError
from forecasting.validation import Schema

# The receipts are basket's (basket.columns.RECEIPTS_SCHEMA); checked here by the validator every
# kind of file shares, as `kori data validate receipts` checks them.
SCHEMAS = {**validation.SCHEMAS, "receipts": Schema.from_spec(RECEIPTS_SCHEMA)}
KINDS = tuple(SCHEMAS)


def validate_table(frame, kind, **kwargs):
    return validation.validate_table(frame, SCHEMAS.get(kind, kind), **kwargs)


def parse_table(frame, kind, **kwargs):
    return validation.parse_table(frame, SCHEMAS.get(kind, kind), **kwargs)


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
         "Map it with `columns={'date': 'day'}`"),
        (sales().rename(columns={"quantity": "Qty"}), "sales", "missing_column", "error",
         "Map it with `columns={'quantity': 'Qty'}`"),
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


def _valid_row(schema):
    """One row of valid text values for every column of a schema."""
    value = {"id": "a", "text": "x", "date": "2025-01-01", "datetime": "2025-01-01 10:00:00",
             "hour": "2025-01-01 10:00:00"}  # fmt: skip
    return {c.name: value.get(c.kind, str(int(c.low) + 1 if c.low is not None else 1))
            for c in schema.columns}  # fmt: skip


NUMERIC = [(kind, column.name) for kind, schema in SCHEMAS.items() for column in schema.columns
           if column.kind in ("number", "integer")]  # fmt: skip


@pytest.mark.parametrize("kind, column", NUMERIC)
@pytest.mark.parametrize("written", ["inf", "-inf", "Infinity", "1e400"])
def test_every_numeric_column_refuses_non_finite_values(kind, column, written):
    row = _valid_row(SCHEMAS[kind])
    frame = pd.DataFrame([row, {**row, column: written}])
    if kind != "receipts":  # keys differ on the second row
        key = SCHEMAS[kind].key[0]
        frame.loc[1, key] = "2025-01-02" if "date" in key or key == "timestamp" else "b"
        if key == "timestamp":
            frame.loc[1, key] = "2025-01-01 11:00:00"
    report = validate_table(frame, kind, source="f.csv", country=None)
    found = [p for p in report.errors if p.check == "not_finite"]
    assert len(found) == 1 and found[0].lines == (3,), report.problems
    assert f"column '{column}': not a finite number in 1 row (line 3: '{written}')" in (
        found[0].message)
    assert checks(report, "error") == ["not_finite"]  # not also below or above the range
    with pytest.raises(SchemaError, match="not a finite number"):
        parse_table(frame, kind)


def test_typed_infinity_from_parquet_is_refused():
    frame = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-01-02"]),
                          "store": "HKI", "sku": "a", "quantity": [1.0, float("inf")]})
    assert checks(validate_table(frame, "sales", first_line=1), "error") == ["not_finite"]


@pytest.mark.parametrize(
    "written, wall_clock",
    [(["2025-11-03T00:00:00+02:00", "2025-11-04T00:00:00+02:00"], ["2025-11-03", "2025-11-04"]),
     (["2025-11-03T00:00:00Z", "2025-11-04T00:00:00+02:00"], ["2025-11-03", "2025-11-04"]),
     (["2025-11-03", "2025-11-04T00:00:00-05:00"], ["2025-11-03", "2025-11-04"]),
     (["2025-11-03 00:00:00+0300", "2025-11-04 00:00:00.000+03"], ["2025-11-03", "2025-11-04"])],
)  # fmt: skip
def test_offsets_are_dropped_keeping_the_wall_clock_time(written, wall_clock):
    table = parse_table(sales(date=[*written, "2025-11-05"]), "sales")
    assert table["date"].dtype == "datetime64[ns]"
    expected = pd.to_datetime([*wall_clock, "2025-11-05"], format="ISO8601")
    assert table["date"].tolist() == expected.tolist()


def test_offsets_with_a_date_format_and_typed_time_zones():
    frame = sales(date=["03.11.2025 00:00+0200", "04.11.2025 00:00+0300", "05.11.2025 00:00"])
    for fmt in ("%d.%m.%Y %H:%M%z", "%d.%m.%Y %H:%M"):
        table = parse_table(frame, "sales", date_format=fmt)
        assert table["date"].dt.day.tolist() == [3, 4, 5]
    typed = sales(date=pd.date_range("2025-11-03", periods=3, tz="Europe/Helsinki"))
    table = parse_table(typed, "sales", first_line=1)
    assert table["date"].tolist() == pd.date_range("2025-11-03", periods=3).tolist()
    traffic = pd.DataFrame({"timestamp": ["2025-01-02T10:00:00+02:00", "2025-01-02T11:00:00Z"],
                            "store": "HKI", "receipts": ["5", "7"]})  # fmt: skip
    assert validate_table(traffic, "traffic").problems == ()
    assert parse_table(traffic, "traffic")["timestamp"].dt.hour.tolist() == [10, 11]


@pytest.mark.parametrize("fmt", ["%Q", "%Y-%m-%d %Q", "%d.%m.%"])
def test_a_date_format_that_is_not_strftime_is_a_parameter_error(fmt):
    with pytest.raises(ParameterError, match="is not a strftime format"):
        validate_table(sales(), "sales", date_format=fmt)


def test_receipts_need_only_an_id_and_an_item_as_the_rules_reader_does():
    frame = pd.DataFrame({"receipt_id": ["1", "1", "2", "", "3"], "sku": ["a", "b", "", "c", "a"]})
    report = validate_table(frame, "receipts", source="r.csv")
    assert report.ok, report.problems
    blanks = {p.column: p for p in report.warnings if p.check == "blank"}
    assert blanks["sku"].lines == (4,) and blanks["receipt_id"].lines == (5,)
    assert "left out of basket analysis and counted" in blanks["sku"].message
    table = parse_table(frame, "receipts")
    assert table[["receipt_id", "sku"]].values.tolist() == [["1", "a"], ["1", "b"], ["3", "a"]]
    frame["quantity"] = ["1", "-1", "2", "1", "x"]
    assert checks(validate_table(frame, "receipts")) == ["blank", "blank", "non_numeric",
                                                          "below_range"]  # fmt: skip
    assert validate_table(frame, "receipts").problems[3].severity == "warning"  # a return


def _daily(values, start="2024-01-01", sku="HAM"):
    days = pd.date_range(start, periods=len(values), freq="D")
    return pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "store": "HKI", "sku": sku,
                         "quantity": [str(v) for v in values]})  # fmt: skip


def test_a_christmas_peak_thirty_times_the_summer_level_is_plausible():
    # 3 a day most of the year, up to 90 (30x) over the days before Christmas, one Christmas.
    values = [3] * 340 + [10, 20, 35, 50, 70, 90, 0, 0, 5, 3]
    report = validate_table(_daily(values), "sales", country=None)
    assert report.problems == (), report.problems
    # A single genuine one-off day, alone at 30 times a slow mover's level, is under the floor.
    assert validate_table(_daily([2] * 60 + [60] + [2] * 9), "sales", country=None).ok


@pytest.mark.parametrize(
    "planted, lines",
    [({100: "1e308"}, (102,)), ({5: "6000"}, (7,)), ({100: "1e308", 101: "9e307"}, (102, 103))],
)  # fmt: skip
def test_values_far_above_the_rest_of_their_series_are_errors(planted, lines):
    values = [str(40 + day % 7 * 3) for day in range(200)]  # up to 58 a day
    for position, value in planted.items():
        values[position] = value
    frame = pd.concat([_daily(values), _daily([1] * 200, sku="OTHER")], ignore_index=True)
    report = validate_table(frame, "sales", source="s.csv", country=None)
    assert checks(report) == ["outlier"]
    problem = report.errors[0]
    assert problem.lines == lines and problem.count == len(lines)
    assert "for store HKI, sku HAM, whose next-largest is 58" in problem.message
    assert problem.message.endswith("Correct or remove the row" + ("s" if len(lines) > 1 else ""))
    with pytest.raises(SchemaError, match="more than 10 times anything else"):
        parse_table(frame, "sales")


def test_a_stray_newest_row_far_after_the_rest_is_an_error():
    frame = pd.concat([_daily([5] * 300), _daily([7], start="2025-04-30")], ignore_index=True)
    report = validate_table(frame, "sales", source="s.csv", country=None)
    late = [p for p in report.errors if p.check == "late_date"]
    assert len(late) == 1 and late[0].lines == (302,), report.problems
    assert ("1 row dated 186 days after all the others, which end on 2024-10-26 (line 302: "
            "'2025-04-30'; the dates are usually 1 day apart)") in late[0].message
    with pytest.raises(SchemaError, match="would move the forecast origin"):
        parse_table(frame, "sales")
    # Weekly data may miss a few weeks; a chain-wide closure followed by real selling passes.
    weekly = _daily([5] * 100).iloc[::7]
    assert not [p for p in validate_table(weekly, "sales", country=None).problems
                if p.check == "late_date"]  # fmt: skip
    reopened = pd.concat([_daily([5] * 300), _daily([5] * 10, start="2024-12-01")])
    assert validate_table(reopened, "sales", country=None).ok


@pytest.mark.parametrize(
    "kind, frame",
    [("sales", sales(date=["2024-12-01 13:00:00", "2024-12-02", "2024-12-03T00:00:01"])),
     ("weather", pd.DataFrame({"date": ["2024-12-01 00:00:00", "2024-12-01 13:00:00",
                                        "2024-12-03T09:30:00+02:00"],
                               "store": ["HKI", "TRE", "HKI"], "temperature_c": "1"})),
     ("forecast", pd.DataFrame({"date": ["2024-12-01 13:00:00", "2024-12-02", "2024-12-03 06:00"],
                                "store": "HKI", "sku": "K1", "forecast": "2", "lo80": "1",
                                "hi80": "3"}))],
)  # fmt: skip
def test_a_date_with_a_time_of_day_is_an_error_in_every_column_of_days(kind, frame):
    report = validate_table(frame, kind, source="f.csv", country=None)
    assert checks(report, "error") == ["time_of_day"], report.problems
    problem = report.errors[0]
    assert problem.count == 2 and problem.lines == (2, 4) or problem.lines == (3, 4)
    assert "column 'date': a date with a time of day in 2 rows (lines " in problem.message
    assert "write the day alone (2024-12-0" in problem.message
    assert "or sum the rows per day" in problem.message
    with pytest.raises(SchemaError, match="a date with a time of day"):
        parse_table(frame, kind)


def test_a_midnight_time_and_a_typed_midnight_are_days():
    table = parse_table(sales(date=["2024-12-01 00:00:00", "2024-12-02T00:00", "2024-12-03"]),
                        "sales")  # fmt: skip
    assert table["date"].tolist() == pd.date_range("2024-12-01", periods=3).tolist()
    typed = sales(date=pd.to_datetime(["2024-12-01 13:00", "2024-12-02", "2024-12-03"],
                                       format="ISO8601"))
    assert checks(validate_table(typed, "sales", first_line=1), "error") == ["time_of_day"]
    receipts = pd.DataFrame({"receipt_id": ["1"], "timestamp": ["2024-12-01 13:05:00"],
                             "sku": ["a"]})  # fmt: skip
    assert validate_table(receipts, "receipts").problems == ()  # a time, not a day


DATED = [(kind, column.name) for kind, schema in SCHEMAS.items() for column in schema.columns
         if column.kind in ("date", "datetime", "hour")]  # fmt: skip


@pytest.mark.parametrize("kind, column", DATED)
@pytest.mark.parametrize("written", ["1969-12-31", "1960-06-01", "1800-01-01", "0001-01-01",
                                     "2101-01-01", "2262-04-12", "9999-12-31"])  # fmt: skip
def test_every_date_column_refuses_dates_kori_cannot_compute_with(kind, column, written):
    row = _valid_row(SCHEMAS[kind])
    second = {**row, column: written if kind != "traffic" else f"{written} 10:00:00"}
    for name in SCHEMAS[kind].key:
        if name != column and SCHEMAS[kind].columns[0].name != "receipt_id":
            second[name] = "b" if name in ("store", "sku") else second[name]
    frame = pd.DataFrame([row, second])
    report = validate_table(frame, kind, source="f.csv")
    assert checks(report, "error") == ["date_out_of_range"], report.problems
    problem = report.errors[0]
    assert problem.lines == (3,)
    assert f"column '{column}': outside 1970-01-01 to 2100-12-31 in 1 row (line 3: '" in (
        problem.message)
    assert "overflow pandas' time arithmetic" in problem.message and "holidays" in problem.message
    with pytest.raises(SchemaError, match="outside 1970-01-01 to 2100-12-31"):
        parse_table(frame, kind)


def test_the_first_and_last_days_of_the_window_are_fine():
    frame = sales(date=["1970-01-01", "2100-12-31", "2100-12-30"])
    assert checks(validate_table(frame, "sales", country=None), "error") == []
    traffic = pd.DataFrame({"timestamp": ["2100-12-31 23:00:00"], "store": "HKI",
                            "receipts": "5"})  # fmt: skip
    assert validate_table(traffic, "traffic").ok
    typed = sales(date=pd.to_datetime(["1969-12-31", "2025-01-02", "2025-01-03"]))
    assert checks(validate_table(typed, "sales", first_line=1), "error") == ["date_out_of_range"]


ID_COLUMNS = [(kind, column.name) for kind, schema in SCHEMAS.items() for column in schema.columns
              if column.kind in ("id", "text")]  # fmt: skip


@pytest.mark.parametrize("kind, column", ID_COLUMNS)
@pytest.mark.parametrize("written, escaped", [("HK\x00I", "HK\\x00I"), ("a\x07b", "a\\x07b"),
                                               ("x\x1by", "x\\x1by"), ("c\x85d", "c\\x85d")])
def test_every_id_and_text_column_refuses_control_characters(kind, column, written, escaped):
    row = _valid_row(SCHEMAS[kind])
    second = dict(row)
    for name in SCHEMAS[kind].key:
        if SCHEMAS[kind].columns[[c.name for c in SCHEMAS[kind].columns].index(name)].kind == "id":
            second[name] = "b"
    second[column] = written
    frame = pd.DataFrame([row, second])
    report = validate_table(frame, kind, source="f.csv", country=None)
    assert checks(report, "error") == ["control_character"], report.problems
    problem = report.errors[0]
    assert problem.lines == (3,) and problem.column == column
    assert f"column '{column}': a control character in 1 row (line 3: '{escaped}')" in (
        problem.message)
    assert written not in problem.message
    with pytest.raises(SchemaError, match="a control character"):
        parse_table(frame, kind)


@pytest.mark.parametrize("written", ["a\nb", "a\rb", "a\r\nb"])
def test_a_line_break_inside_a_label_is_kept(written):
    # Valid CSV when quoted; kori writes it quoted (and neutralised in rules tables).
    frame = pd.DataFrame({"receipt_id": ["1", "1"], "sku": [written, "b"]})
    report = validate_table(frame, "receipts", source="r.csv", country=None)
    assert not report.errors, report.problems
    assert parse_table(frame, "receipts")["sku"].tolist() == [written, "b"]


def test_a_tab_and_letters_of_any_script_are_fine_in_ids():
    frame = sales(store=["HKI", "Hki\tItä", "Åbo 東京"], sku=["K1", "K1", "K1"])
    assert validate_table(frame, "sales").ok


def test_control_characters_elsewhere_in_the_report_are_escaped():
    frame = sales(store=["HK\x00I", "HK\x00I", "HKI"], date=["2025-01-01"] * 3)
    report = validate_table(frame, "sales", country=None)
    assert set(checks(report, "error")) == {"control_character", "duplicate"}
    assert not any("\x00" in p.message for p in report.problems)


def test_a_catalog_volume_must_be_above_zero():
    frame = pd.DataFrame({"sku": ["a", "b", "c"], "name": ["x", "y", "z"], "category": "c",
                          "unit_volume_l": ["0.5", "0", "-1"]})  # fmt: skip
    report = validate_table(frame, "catalog", source="catalog.csv")
    assert checks(report, "error") == ["below_range"], report.problems
    problem = report.errors[0]
    assert problem.lines == (3, 4)
    assert ("column 'unit_volume_l': zero or negative in 2 rows (lines 3, 4: '0', '-1'). "
            "Correct them: only values above 0 make sense here") in problem.message
    with pytest.raises(SchemaError, match="catalog.csv: column 'unit_volume_l': zero"):
        parse_table(frame, "catalog", source="catalog.csv")
    assert validate_table(frame.iloc[:1], "catalog").ok


def test_a_stray_oldest_row_far_before_the_rest_is_an_error():
    frame = pd.concat([_daily([7], start="1990-01-05"), _daily([5] * 300, start="2024-12-01")],
                      ignore_index=True)  # fmt: skip
    report = validate_table(frame, "sales", source="s.csv", country=None)
    early = [p for p in report.errors if p.check == "early_date"]
    assert len(early) == 1 and early[0].lines == (2,) and early[0].count == 1, report.problems
    assert ("1 row dated 12,749 days before all the others, which start on 2024-12-01 (line 2: "
            "'1990-01-05'; the dates are usually 1 day apart)") in early[0].message
    assert "correct or remove it" in early[0].message
    with pytest.raises(SchemaError, match="before all the others"):
        parse_table(frame, "sales")
    # A late opening after a first short season, holding more than 1% of the rows, passes.
    reopened = pd.concat([_daily([5] * 10, start="2024-01-01"),
                          _daily([5] * 300, start="2024-03-01")])  # fmt: skip
    assert validate_table(reopened, "sales", country=None).ok


def test_stray_rows_at_both_ends_are_both_reported():
    frame = pd.concat([_daily([7, 7], start="2020-03-01"), _daily([5] * 300, start="2024-01-01"),
                       _daily([9], start="2026-01-01")], ignore_index=True)  # fmt: skip
    report = validate_table(frame, "sales", country=None)
    found = {p.check: p for p in report.errors}
    assert set(found) == {"early_date", "late_date"}, report.problems
    assert found["early_date"].lines == (2, 3) and found["late_date"].lines == (304,)
    assert "2 rows dated" in found["early_date"].message


def _forecast_file(planted=None, horizon=7):
    days = pd.date_range("2025-12-01", periods=horizon, freq="D").strftime("%Y-%m-%d")
    frame = pd.concat([pd.DataFrame({"date": days, "store": "HKI", "sku": sku,
                                     "forecast": [f"{30 + d % 3}" for d in range(horizon)],
                                     "lo80": "20", "hi80": "45", "model": "regression"})
                       for sku in ("K1001", "K1002")], ignore_index=True)  # fmt: skip
    for (row, column), value in (planted or {}).items():
        frame.loc[row, column] = value
    return frame


@pytest.mark.parametrize("column", ["hi80", "forecast", "lo80"])
def test_a_forecast_value_far_above_the_rest_of_its_series_is_an_error(column):
    # A bound above its forecast, a forecast with its upper bound, or a whole row.
    above = {"hi80": ["hi80"], "forecast": ["forecast", "hi80"],
             "lo80": ["lo80", "forecast", "hi80"]}[column]  # fmt: skip
    values = {(3, name): "1e12" for name in above}
    frame = _forecast_file(values)
    report = validate_table(frame, "forecast", source="fc.csv")
    found = [p for p in report.errors if p.check == "outlier" and p.column == column]
    assert len(found) == 1 and found[0].lines == (5,), report.problems
    assert ("line 5: 1e+12 for store HKI, sku K1001, whose next-largest is 45" in
            found[0].message)  # fmt: skip
    assert "anything else of its series in 'forecast', 'lo80' and 'hi80' (line 5" in (
        found[0].message)
    assert set(checks(report, "error")) == {"outlier"}
    with pytest.raises(SchemaError, match="more than 10 times anything else"):
        parse_table(frame, "forecast")
    assert validate_table(_forecast_file(), "forecast").problems == ()


@pytest.mark.parametrize(
    "planted, shown",
    [({(2, "lo80"): "35"}, "line 4: lo80 35, forecast 32, hi80 45"),
     ({(2, "hi80"): "25"}, "line 4: lo80 20, forecast 32, hi80 25"),
     ({(2, "lo80"): "50", (2, "forecast"): "40"}, "line 4: lo80 50, forecast 40, hi80 45")],
)  # fmt: skip
def test_a_forecast_outside_its_interval_is_an_error(planted, shown):
    report = validate_table(_forecast_file(planted), "forecast", source="fc.csv")
    assert checks(report, "error") == ["interval_order"], report.problems
    problem = report.errors[0]
    assert problem.lines == (4,) and problem.count == 1
    assert f"column 'forecast': interval out of order in 1 row ({shown})" in problem.message
    assert "Every row needs lo80 <= forecast <= hi80" in problem.message


def test_a_mean_above_a_zero_lower_bound_count_interval_passes():
    # kori's slow-mover model: the negative binomial mean of an intermittent product can lie
    # above its 90% quantile, but only where the 10% quantile is 0.
    frame = _forecast_file({(2, "forecast"): "0.17", (2, "lo80"): "0", (2, "hi80"): "0"})
    assert validate_table(frame, "forecast").ok
    frame = _forecast_file({(2, "forecast"): "0.17", (2, "lo80"): "0.1", (2, "hi80"): "0"})
    assert checks(validate_table(frame, "forecast"), "error") == ["interval_order"]


@pytest.mark.parametrize("written", ["nan", "NaN", ""])
def test_a_forecast_without_a_number_is_an_error(written):
    report = validate_table(_forecast_file({(1, "hi80"): written}), "forecast")
    assert checks(report, "error") == ["blank" if not written else "non_numeric"]
    typed = _forecast_file().astype({"forecast": float, "lo80": float, "hi80": float})
    typed.loc[1, "lo80"] = float("nan")
    assert checks(validate_table(typed, "forecast"), "error") == ["blank"]


def test_negative_sales_are_an_error_that_names_the_option_by_default():
    frame = sales(quantity=["3", "-1", "4"])
    with pytest.raises(SchemaError, match=r"negative in 1 row \(line 3: '-1'\).*`negative='clip'`"):
        parse_table(frame, "sales")
    assert checks(validate_table(frame, "sales"), "error") == ["below_range"]


@pytest.mark.parametrize(
    "negative, quantities, dates, fragment",
    [
        ("clip", [3.0, 0.0, 0.0, 4.0], ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"],
         "column 'quantity': clipped 2 negative quantities to 0 (lines 3, 4: '-1', '-2.5')"),
        ("drop", [3.0, 4.0], ["2025-01-01", "2025-01-04"],
         "column 'quantity': dropped 2 rows with a negative quantity (lines 3, 4: '-1', '-2.5'). "
         "Their days count as missing"),
    ],
)
def test_negative_sales_are_clipped_or_dropped_and_counted(negative, quantities, dates,
                                                           fragment):
    frame = sales(date=["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"],
                  store=["HKI"] * 4, sku=["K1"] * 4, quantity=["3", "-1", "-2.5", "4"])
    told = []
    table = parse_table(frame, "sales", negative=negative, notify=told.append)
    assert table["quantity"].tolist() == quantities
    assert table["date"].dt.strftime("%Y-%m-%d").tolist() == dates
    assert len(told) == 1 and told[0].startswith(fragment)
    report = validate_table(frame, "sales", negative=negative)
    assert report.ok and [p.count for p in report.warnings if p.check == "below_range"] == [2]
    assert parse_table(sales(), "sales", negative=negative, notify=told.append).equals(
        parse_table(sales(), "sales"))  # nothing to change, nothing told
    assert len(told) == 1


def test_negative_takes_three_values_and_applies_to_sales_only():
    with pytest.raises(ParameterError, match="unknown way 'zero'"):
        parse_table(sales(), "sales", negative="zero")
    weather = pd.DataFrame({"date": ["2025-01-01"], "store": ["HKI"], "temperature_c": ["1"]})
    with pytest.raises(ParameterError, match="applies to sales files, not weather"):
        validate_table(weather, "weather", negative="clip")
    receipts = pd.DataFrame({"receipt_id": ["r1"], "sku": ["K1"], "quantity": ["-1"]})
    assert checks(validate_table(receipts, "receipts"), "warning") == ["below_range"]
