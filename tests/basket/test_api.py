"""The one-call functions of basket: the same answers as the steps they chain, and clear refusals."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from basket import BasketError, ParameterError, find_itemsets, find_rules, read_receipts, recommend_for
from basket.mining import frequent_itemsets
from basket.recommend import recommend


def test_read_receipts_takes_a_table_or_the_lines_of_a_basket_file() -> None:
    table = pd.DataFrame({"receipt_id": ["1", "1", "2"], "sku": ["milk", "bread", "milk"]})
    lines = io.StringIO("milk,bread\nmilk\n")
    from_table, from_lines = read_receipts(table, source="t.csv"), read_receipts(lines, source="b")
    assert from_table.n_receipts == from_lines.n_receipts == 2
    assert sorted(from_table.items) == sorted(from_lines.items) == ["bread", "milk"]
    assert from_table.summary() == ["t.csv: 2 receipts, 2 items"]


def test_find_rules_with_a_catalog_equals_find_rules_with_its_maps(sample, sample_receipts) -> None:
    receipts, names, categories = sample_receipts
    by_catalog = find_rules(receipts, catalog=sample.catalog, sources={"catalog": "catalog.csv"})
    by_maps = find_rules(receipts, names=names, categories=categories)
    pd.testing.assert_frame_equal(by_catalog.table, by_maps.table)
    assert by_catalog.summary() == by_maps.summary()
    assert by_catalog.summary()[-1].endswith(f"; {len(by_catalog.table):,} rules")
    assert by_catalog.figures()["Rules reported"] == len(by_catalog.table)
    first = by_catalog.table["antecedent_names"].iloc[0][0]
    assert first in by_catalog.html(title="t", top=5)
    assert by_catalog.workbook(title="t")[:2] == b"PK"  # an xlsx is a zip


def test_find_rules_names_the_catalog_file_of_missing_items(sample, sample_receipts) -> None:
    receipts = sample_receipts[0]
    partial = sample.catalog.iloc[5:]
    report = find_rules(receipts, catalog=partial, sources={"catalog": "cat.csv"})
    assert report.catalog_gaps is not None
    assert "cat.csv" in report.summary()[0]


def test_find_itemsets_counts_as_the_miner_does(groceries) -> None:
    found = find_itemsets(groceries, min_support=0.01, max_len=2)
    counts = frequent_itemsets(groceries, min_support=0.01, max_len=2).counts
    assert len(found.table) == len(counts)
    assert dict(zip(found.table["itemset"], found.table["count"])) == dict(counts)
    assert found.summary() == [f"{len(counts):,} itemsets held by at least {found.min_count:,} "
                               "receipts (sparse engine)"]  # fmt: skip


def test_find_itemsets_of_categories_has_no_product_names(sample, sample_receipts) -> None:
    found = find_itemsets(sample_receipts[0], catalog=sample.catalog, level="category",
                          min_support=0.05, max_len=1)  # fmt: skip
    assert set(found.table["itemset"].str[0]) <= set(sample.catalog["category"])
    assert (found.table["itemset"] == found.table["itemset_names"]).all()


def test_recommend_for_from_rules_or_from_receipts_gives_the_same_ranking(sample, sample_receipts):
    receipts = sample_receipts[0]
    rules = find_rules(receipts, catalog=sample.catalog)
    from_table = recommend_for(["salmon"], rules=rules.table, catalog=sample.catalog)
    mined = recommend_for(["salmon"], receipts=receipts, catalog=sample.catalog)
    pd.testing.assert_frame_equal(from_table.table, mined.table)
    pd.testing.assert_frame_equal(from_table.table, recommend(rules.table, from_table.basket))
    assert from_table.summary() == ["Basket: Salmon fillet 400 g"]
    assert mined.rules is not None and from_table.rules is None


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"items": [" "], "rules": pd.DataFrame()}, "say what is in the basket"),
    ({"items": ["milk"]}, "no rules to recommend from"),
])  # fmt: skip
def test_recommend_for_refuses_an_empty_basket_and_no_rules(kwargs, message) -> None:
    items = kwargs.pop("items")
    with pytest.raises(ParameterError, match=message):
        recommend_for(items, **kwargs)


def test_an_item_in_no_rule_is_an_error_that_says_why(groceries) -> None:
    with pytest.raises(BasketError, match="not in any rule|in no rule|none of its rules"):
        recommend_for(["baby food"], receipts=groceries, min_support=0.01)
