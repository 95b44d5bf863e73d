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
