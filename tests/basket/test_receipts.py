"""Receipts are read the way arules counts them, and nothing is dropped silently."""

import io

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
         "column 'quantity': not a number in 1 rows"),
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
