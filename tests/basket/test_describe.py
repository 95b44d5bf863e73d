"""The catalog is held to the schema `kori data validate catalog` checks."""

import pandas as pd
import pytest

from basket.describe import catalog_maps
from basket.errors import SchemaError


def catalog(**columns):
    base = {"sku": ["K1", "K2", "K3"], "name": ["Salmon fillet 400 g", "Dill bunch", "Lemons"],
            "category": ["fresh fish", "herbs", "fruit"]}  # fmt: skip
    return pd.DataFrame({**base, **columns})


def test_a_sound_catalog_maps_names_and_categories():
    names, categories = catalog_maps(catalog())
    assert names == {"K1": "Salmon fillet 400 g", "K2": "Dill bunch", "K3": "Lemons"}
    assert categories["K1"] == "fresh fish"


@pytest.mark.parametrize("columns, fragments", [
    ({"name": ["Salmon", "", "Lemons"]}, ["column 'name': blank in 1 row (line 3: '')"]),
    ({"name": ["Salmon", None, "  "]}, ["column 'name': blank in 2 rows (lines 3, 4: '', '  ')"]),
    ({"category": ["fish", "herbs", ""]}, ["column 'category': blank in 1 row (line 4: '')"]),
    ({"sku": ["K1", "", "K3"]}, ["column 'sku': blank in 1 row (line 3: '')"]),
    ({"sku": ["K1", "K1 ", "K1"]},
     ["column 'sku': an item listed before in 2 rows (lines 3, 4: 'K1 ', 'K1')"]),
    ({"sku": ["K1", "K1", ""], "name": ["a", "", "c"]},
     ["column 'sku': blank in 1 row", "column 'name': blank in 1 row",
      "column 'sku': an item listed before in 1 row (line 3: 'K1')"]),
])  # fmt: skip
def test_blank_and_repeated_catalog_values_are_refused_all_at_once(columns, fragments):
    with pytest.raises(SchemaError) as info:
        catalog_maps(catalog(**columns), source="catalog.csv")
    message = str(info.value)
    assert message.startswith("catalog.csv: ") and "keep one row per item" in message
    for fragment in fragments:
        assert fragment in message


def test_missing_columns_are_refused_and_an_item_hierarchy_maps_with_name_none():
    hierarchy = pd.DataFrame({"item": ["ham", "sausage"], "level2": ["sausage"] * 2,
                              "level1": ["meat"] * 2})  # fmt: skip
    with pytest.raises(SchemaError, match="missing columns 'sku', 'name', 'category'"):
        catalog_maps(hierarchy)
    names, categories = catalog_maps(hierarchy, item="item", name=None, category="level2")
    assert names == {} and categories == {"ham": "sausage", "sausage": "sausage"}


def test_items_missing_from_the_catalog_are_counted_and_named():
    from basket.describe import catalog_gaps
    from basket.receipts import from_baskets

    receipts = from_baskets(["K1,K2 ", "K1,X9", "X9,K3", "K3"])
    names, categories = catalog_maps(catalog())
    assert catalog_gaps(receipts) is None and catalog_gaps(from_baskets(["K1,K2"]), names) is None
    gaps = catalog_gaps(receipts, names, categories)
    assert gaps.items == {"X9": 2, "K2 ": 1} and gaps.lines == 3 and gaps.spaced == {"K2 ": "K2"}
    assert gaps.message("catalog.csv") == (
        "2 items (3 receipt lines) are not in catalog.csv: 'X9', 'K2 '; they keep their codes. "
        "1 of them is in the catalog once spaces are stripped ('K2 ' is 'K2'): strip the spaces "
        "in the receipts or the catalog")
    by_category = catalog_gaps(receipts, names, {"K1": "fish", "K2 ": "herbs", "K3": "fruit"},
                               level="category")  # fmt: skip
    assert by_category.message("c.csv") == ("1 item (2 receipt lines) is not in c.csv: 'X9'; it "
                                            "is left as its own category")  # fmt: skip
