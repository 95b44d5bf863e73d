"""Receipts are read the way arules counts them, and nothing is dropped silently."""

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from basket.errors import ParameterError, SchemaError
from basket.receipts import from_baskets, from_long


def baskets(text, **kwargs):
    return from_baskets(io.StringIO(text, newline=""), **kwargs)


def as_sets(receipts):
    return [set(receipts.items[receipts.matrix[r].indices]) for r in range(receipts.n_receipts)]


def test_groceries_reads_like_arules(groceries):
    assert groceries.n_receipts == 9835 and len(groceries.items) == 169
    counts = dict(zip(groceries.items, groceries.item_counts()))
    assert counts["whole milk"] == 2513 and counts["other vegetables"] == 1903
    assert counts["rolls/buns"] == 1809 and counts["soda"] == 1715 and counts["yogurt"] == 1372
    assert round(groceries.matrix.nnz / groceries.n_receipts, 3) == 4.409
    assert groceries.matrix.nnz / (9835 * 169) == pytest.approx(0.02609146, abs=1e-8)
    assert "cream cheese " in set(groceries.items)  # the label really has a trailing space
    assert groceries.dropped == {}


def test_basket_layout_blank_lines_header_quotes_and_repeats():
    text = 'items\r\n\r\nsalmon,dill,dill\r\n"cheese, grated",Mämmi,<b>x</b>\r\n,,\r\nNONE\r\n'
    receipts = baskets(text, header=True, exclude_items=["NONE"])
    assert as_sets(receipts) == [{"salmon", "dill"}, {"cheese, grated", "Mämmi", "<b>x</b>"}]
    assert receipts.dropped == {
        "header lines": 1, "blank lines": 2, "lines of excluded items": 1,
        "repeated items on a receipt": 1, "receipts with only excluded items": 1,
    }  # fmt: skip


def test_basket_layout_other_delimiter_and_one_item_receipt():
    receipts = baskets("a;b\nc\n", delimiter=";")
    assert as_sets(receipts) == [{"a", "b"}, {"c"}]


def test_long_layout_duplicates_returns_and_cancelled_receipts():
    frame = pd.DataFrame({
        "receipt_id": ["r1", "r1", "r1", "r2", "r2", "r3", "r3", "r4", "r4", "r5"],
        "sku": ["a", "a", "b", "a", "c", "a", "a", "NONE", "b", ""],
        "quantity": ["1", "2", "1", "1", "-1", "1", "-1", "1", "1", "1"],
        "timestamp": ["2025-01-01 10:00"] * 10,
        "store": ["S"] * 10,
    })  # fmt: skip
    receipts = from_long(frame, exclude_items=["NONE"])
    assert list(receipts.receipt_ids) == ["r1", "r2", "r4"]
    assert as_sets(receipts) == [{"a", "b"}, {"a"}, {"b"}]
    assert receipts.dropped == {
        "lines without an item": 1,
        "lines of excluded items": 1,
        "receipts with only excluded or blank items": 1,
        "return lines (negative quantity)": 2,
        "repeated lines of an item on a receipt": 2,
        "items returned on the same receipt": 1,
        "cancelled receipts (nothing bought)": 1,
    }
    assert list(receipts.stores) == ["S", "S", "S"]


def test_kaggle_groceries_member_and_day_make_a_receipt():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "groceries_kaggle_member_date.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    receipts = from_long(frame, receipt=["Member_number", "Date"], item="itemDescription",
                         timestamp="Date", dayfirst=True)  # fmt: skip
    assert receipts.dropped["repeated lines of an item on a receipt"] == 759
    assert len(receipts.items) == 167
    assert receipts.matrix.nnz == 38765 - 759
    assert receipts.timestamps.min() == pd.Timestamp("2014-01-01")
    assert receipts.timestamps.max() == pd.Timestamp("2015-12-30")
    assert receipts.n_receipts == 14963


def test_filters_and_category_level():
    frame = pd.DataFrame({
        "receipt_id": ["1", "1", "2", "3"], "sku": ["a", "b", "a", "c"],
        "timestamp": ["2025-01-01", "2025-01-01", "2025-02-01", "2025-03-01"],
        "store": ["HKI", "HKI", "TRE", "HKI"],
    })  # fmt: skip
    receipts = from_long(frame)
    assert receipts.filter(stores=["HKI"]).n_receipts == 2
    assert receipts.filter(start=pd.Timestamp("2025-02-01"), end=pd.Timestamp("2025-02-01")).n_receipts == 1
    level = receipts.to_level({"a": "fruit", "b": "fruit"})
    assert list(level.items) == ["c", "fruit"]
    assert as_sets(level)[0] == {"fruit"}
    assert level.dropped == {"items without category": 1}
    with pytest.raises(ParameterError, match="no receipts of store 'OUL'"):
        receipts.filter(stores=["OUL"])


@pytest.mark.parametrize(
    "frame, kwargs, fragment",
    [
        (pd.DataFrame({"receipt_id": ["1"], "product": ["a"]}), {}, "missing column 'sku'"),
        (pd.DataFrame({"receipt_id": ["1"], "sku": ["a"], "quantity": ["x"]}), {},
         "column 'quantity': not a finite number in 1 row"),
        (pd.DataFrame({"receipt_id": ["1"], "sku": ["a"], "timestamp": ["31-01-2025"]}), {},
         "not a date"),
        (pd.DataFrame({"receipt_id": ["1"], "sku": ["a"], "quantity": ["-1"]}), {},
         "no receipt with a bought item"),
    ],
)  # fmt: skip
def test_bad_receipts(frame, kwargs, fragment):
    with pytest.raises(SchemaError, match=fragment):
        from_long(frame, **kwargs)


def test_dayfirst_reads_finnish_dates():
    frame = pd.DataFrame({"receipt_id": ["1"], "sku": ["a"], "timestamp": ["31-01-2025"]})
    assert from_long(frame, dayfirst=True).timestamps[0] == pd.Timestamp("2025-01-31")


def test_sparse_all_the_way(sample_receipts):
    from scipy import sparse

    receipts, _, _ = sample_receipts
    assert sparse.issparse(receipts.matrix) and receipts.matrix.dtype == np.uint8
    assert receipts.matrix.data.max() == 1


@pytest.mark.parametrize("typed", [False, True], ids=["text", "float column"])
def test_every_non_finite_quantity_is_refused_with_its_lines(typed):
    quantities = ["1", "inf", "2", "-inf", "Infinity", "nan", "1e400"]
    frame = pd.DataFrame({"receipt_id": list("1234567"), "sku": list("abcdefg"),
                          "quantity": quantities})  # fmt: skip
    if typed:
        frame["quantity"] = frame["quantity"].astype(float)
    with pytest.raises(SchemaError) as info:
        from_long(frame, source="r.csv")
    message = str(info.value)
    assert "column 'quantity': not a finite number in 5 rows" in message
    assert "line 3: 'inf'" in message and "line 5:" in message and "line 8:" in message
    assert "line 2:" not in message and "line 4:" not in message


@pytest.mark.parametrize("stamps", [
    ["2025-11-03T10:00:00+02:00", "2025-11-03T10:00:00+02:00", "2025-12-01T09:30:00+02:00"],
    ["2025-11-03T10:00:00Z", "2025-11-03T10:00:00z", "2025-12-01T09:30:00Z"],
    ["2025-11-03T10:00:00+02:00", "2025-11-03 10:00:00 -0500", "2025-12-01T09:30+03"],
], ids=["offset", "zulu", "mixed offsets"])  # fmt: skip
def test_tz_aware_text_timestamps_keep_the_wall_clock_time(stamps):
    frame = pd.DataFrame({"receipt_id": ["1", "1", "2"], "sku": ["a", "b", "a"],
                          "timestamp": stamps})  # fmt: skip
    receipts = from_long(frame)
    assert receipts.timestamps.tz is None
    assert list(receipts.timestamps) == [pd.Timestamp("2025-11-03 10:00"),
                                         pd.Timestamp("2025-12-01 09:30")]  # fmt: skip
    assert receipts.filter(start=pd.Timestamp("2025-12-01")).n_receipts == 1


def test_tz_aware_typed_timestamps_and_formats_with_an_offset():
    wall = [pd.Timestamp("2025-11-03 23:30"), pd.Timestamp("2025-11-04 08:00")]
    stamps = pd.to_datetime(["2025-11-03 23:30", "2025-11-03 23:30", "2025-11-04 08:00"])
    frame = pd.DataFrame({"receipt_id": ["1", "1", "2"], "sku": ["a", "b", "a"],
                          "timestamp": stamps.tz_localize("Europe/Helsinki")})  # fmt: skip
    receipts = from_long(frame)
    assert receipts.timestamps.tz is None and list(receipts.timestamps) == wall
    frame["timestamp"] = ["03.11.2025 23:30 +0200", "03.11.2025 23:30 +0200",
                          "04.11.2025 08:00 +0100"]  # fmt: skip
    assert list(from_long(frame, date_format="%d.%m.%Y %H:%M %z").timestamps) == wall


def test_dayfirst_reports_the_dates_it_cannot_read():
    frame = pd.DataFrame({"receipt_id": ["1", "2"], "sku": ["a", "b"],
                          "timestamp": ["x", "01.02.2025"]})  # fmt: skip
    with pytest.raises(SchemaError, match=r"not a date in 1 row \(line 2: 'x'\)"):
        from_long(frame, dayfirst=True)


@pytest.mark.parametrize("receipt, item, flags", [
    (["Member_number"], "sku", ["`receipt='NAME'`"]),
    (["receipt_id"], "itemDescription", ["`item='NAME'`"]),
    (["Member_number", "Date"], "itemDescription", ["`receipt='NAME'`", "`item='NAME'`"]),
])  # fmt: skip
def test_a_missing_column_names_the_parameter_that_maps_it(receipt, item, flags):
    frame = pd.DataFrame({"receipt_id": ["1"], "sku": ["a"]})
    with pytest.raises(SchemaError) as info:
        from_long(frame, receipt=receipt, item=item)
    fix = str(info.value).split("Map ", 1)[1]
    assert [f for f in ("`receipt='NAME'`", "`item='NAME'`") if f in fix] == flags


GROCERIES = Path(__file__).resolve().parents[1] / "data" / "groceries_arules_baskets.csv"


@pytest.mark.parametrize("sep, shown, how", [(";", "';'", "`delimiter=';'`"),
                                             ("\t", "tab", "`delimiter` tab ('\\t')"),
                                             ("|", "'|'", "`delimiter='|'`")])  # fmt: skip
def test_a_basket_file_read_with_the_wrong_delimiter_is_refused(sep, shown, how):
    text = GROCERIES.read_text(encoding="utf-8").replace(",", sep)
    with pytest.raises(SchemaError) as info:
        baskets(text, source="g.txt")
    message = str(info.value)
    assert "every one of the 9,835 receipts has one item" in message
    assert f"hold {shown}: pass {how}" in message
    assert baskets(text, delimiter=sep).n_receipts == 9835


def test_one_item_on_every_receipt_is_refused_and_a_few_receipts_are_not():
    text = "whole milk\nyogurt\nsoda\n" * 10
    with pytest.raises(SchemaError, match="every one of the 30 receipts has one item") as info:
        baskets(text)
    assert "if every receipt really has one item, there is nothing to pair" in str(info.value)
    assert baskets("whole milk\nyogurt\n" * 9).n_receipts == 18  # too few to judge
    assert baskets("a,b\n" + "c\n" * 30).n_receipts == 31  # one pair is enough
    with pytest.raises(ParameterError, match="the delimiter must be one character"):
        baskets("a;b\n", delimiter=";;")


def test_empty_items_of_a_basket_line_are_counted():
    receipts = baskets("milk,,bread\nmilk,bread,\n,,\nbread\n")
    assert as_sets(receipts) == [{"milk", "bread"}, {"milk", "bread"}, {"bread"}]
    assert receipts.dropped == {"blank lines": 1, "empty items (a,,b or a trailing delimiter)": 2}


def year_of_lines(n=400):
    """``n`` lines, two per receipt, on days spread over 2025."""
    days = pd.Timestamp("2025-01-01") + pd.to_timedelta(np.arange(n) * 364 // n, unit="D")
    return pd.DataFrame({"receipt_id": [str(i // 2) for i in range(n)],
                         "sku": ["a", "b"] * (n // 2),
                         "timestamp": days.strftime("%Y-%m-%d 10:00").tolist()})  # fmt: skip


@pytest.mark.parametrize("stamp", ["1800-01-01", "1969-12-31 23:59", "2101-01-01", "3000-06-01"])
def test_a_date_outside_1970_to_2100_is_refused_with_its_line(stamp):
    frame = year_of_lines()
    frame.loc[5, "timestamp"] = stamp
    with pytest.raises(SchemaError) as info:
        from_long(frame, source="r.csv")
    assert f"a date outside 1970-2100 in 1 row (line 7: '{stamp}')" in str(info.value)


@pytest.mark.parametrize("stamp, rows", [
    ("2019-06-01", [5]), ("2026-06-01", [5]), ("2026-06-01", [5, 300]), ("2024-10-01", [0]),
])  # fmt: skip
def test_lines_stranded_beyond_a_long_gap_are_refused_with_their_lines(stamp, rows):
    frame = year_of_lines()
    frame.loc[rows, "timestamp"] = stamp
    with pytest.raises(SchemaError) as info:
        from_long(frame, source="r.csv")
    message = str(info.value)
    assert f"{len(rows)} row{'s' if len(rows) > 1 else ''} dated more than 28 days away" in message
    assert all(f"line {r + 2}: '{stamp}'" in message for r in rows), message
    assert "(which run from 2025-01-01 to 2025-12-" in message and "`by='month'`" in message


def test_a_gap_with_more_than_one_percent_of_the_lines_beyond_it_is_real_data():
    frame = year_of_lines()
    frame.loc[[1, 2, 3, 4, 5], "timestamp"] = "2026-06-01"  # 5 of 400 lines: a new period
    assert from_long(frame).timestamps.max() == pd.Timestamp("2026-06-01 00:00")
    sparse = year_of_lines(40)  # a day with lines every 9 days: 8 spacings are 72 days
    sparse.loc[39, "timestamp"] = "2026-02-10 10:00"  # 60 days after the last but one
    assert from_long(sparse).n_receipts == 20
    sparse.loc[39, "timestamp"] = "2026-02-28 10:00"
    with pytest.raises(SchemaError, match="1 row dated more than 72 days away"):
        from_long(sparse)


@pytest.mark.parametrize("label, shown", [("\x1b[31mred", "\\x1b[31mred"), ("a\x00b", "a\\x00b"),
                                          ("t\x1b]0;x\x07", "t\\x1b]0;x\\x07")])
def test_labels_with_control_characters_are_refused_with_their_line(label, shown):
    frame = pd.DataFrame({"receipt_id": ["1", "1", "2"], "sku": ["a", label, "a"]})
    with pytest.raises(SchemaError) as info:
        from_long(frame, source="r.csv")
    assert f"column 'sku': a control character in 1 row (line 3: '{shown}')" in str(info.value)
    with pytest.raises(SchemaError, match="a control character"):
        from_baskets([f"a,{label}\n", "a,b\n"], source="b.csv")


def test_a_line_break_inside_a_label_is_kept_as_written():
    frame = pd.DataFrame({"receipt_id": ["1", "1", "2"], "sku": ["a", "x\r=2+2", "a"]})
    assert sorted(from_long(frame).items) == ["a", "x\r=2+2"]
