"""Receipt lines beside the visits: the card of each line, and a catalog column on each line.

Loyalty files keep the card on the visit (``loyalty_visits.csv`` has the ``receipt_id`` of each
card visit) and the products on the receipt lines (``receipts.csv``, no customer column), so
the lines take their customer from the visit of their receipt, and their category or name
from the catalog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from customers.checks import require_columns

if TYPE_CHECKING:
    import pandas as pd


def card_lines(lines: pd.DataFrame, visits: pd.DataFrame, customer: str) -> pd.DataFrame:
    """``lines`` with the customer of each line's receipt, taken from ``visits``.

    Lines that already have the ``customer`` column, or that cannot be joined (no
    ``receipt_id`` in the lines or the visits), are returned as they are. Lines of receipts
    without a card are left out (they belong to no customer).
    """
    if customer in lines.columns or "receipt_id" not in lines.columns \
            or "receipt_id" not in visits.columns:
        return lines
    card = visits.loc[visits["receipt_id"].notna() & (visits["receipt_id"].astype(str) != ""),
                      ["receipt_id", customer]].drop_duplicates("receipt_id")
    card = card.assign(receipt_id=card["receipt_id"].astype(str))
    ids = lines["receipt_id"].astype(str).map(card.set_index("receipt_id")[customer])
    return lines.assign(**{customer: ids.to_numpy()})[ids.notna().to_numpy()]


def with_catalog(lines: pd.DataFrame, catalog: pd.DataFrame | None, item: str,
                 column: str) -> pd.DataFrame:
    """``lines`` with the catalog's ``column`` (a category, a department) of each ``item``.

    Returned as they are when they have the column already or no catalog is given; an item
    missing from the catalog gets no value (and is refused by the profile's checks).
    """
    if column in lines.columns or catalog is None:
        return lines
    names = catalog_map(catalog, item, column,
                        fix="Give a catalog with the item column (`item=`) and the `category=` one")
    require_columns(lines, (item,), source="lines",
                    fix="Give receipt lines with the item column (`item=`)")
    return lines.assign(**{column: lines[item].astype(str).map(names).to_numpy()})


def catalog_map(catalog: pd.DataFrame, item: str, column: str, *, fix: str) -> dict:
    """Item (as text) -> the catalog's ``column`` (a name, a category); a catalog without the
    two columns is refused with ``fix``."""
    require_columns(catalog, (item, column), source="catalog", fix=fix)
    return dict(zip(catalog[item].astype(str), catalog[column]))
