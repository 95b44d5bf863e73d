"""Product names and categories beside sku codes, in the tables people read."""

from __future__ import annotations

import pandas as pd

from forecasting.errors import ParameterError
from forecasting.series import SeriesSet


def product_names(series: SeriesSet, catalog: pd.DataFrame | None) -> pd.DataFrame | None:
    """``sku, name, category`` of each sku of ``series`` ("" where the catalog lacks it).

    None without a catalog, or when the series are not per sku (categories, stores).

    Raises
    ------
    ParameterError
        If the catalog lacks one of the three columns.
    """
    if catalog is None or series.item_column != "sku":
        return None
    missing = [c for c in ("sku", "name", "category") if c not in catalog.columns]
    if missing:
        raise ParameterError(f"the catalog has no column {', '.join(map(repr, missing))} "
                             f"(found: {', '.join(map(str, catalog.columns))})",
                             fix="Give `catalog` with sku, name and category")  # fmt: skip
    known = catalog[["sku", "name", "category"]].astype(str).drop_duplicates("sku")
    skus = pd.DataFrame({"sku": pd.unique(series.keys["sku"].astype(str))})
    return skus.merge(known, on="sku", how="left").fillna("")


def with_products(table: pd.DataFrame, products: pd.DataFrame | None) -> pd.DataFrame:
    """``table`` with ``name`` and ``category`` right after ``sku`` (as it is without
    ``products``, or without a ``sku`` column)."""
    if products is None or "sku" not in table.columns:
        return table
    at = table.columns.get_loc("sku") + 1
    lookup = products.set_index("sku")
    skus = table["sku"].astype(str)
    table = table.copy()
    table.insert(at, "name", skus.map(lookup["name"]).to_numpy())
    table.insert(at + 1, "category", skus.map(lookup["category"]).to_numpy())
    return table
