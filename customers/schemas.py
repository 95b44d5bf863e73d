"""What the loyalty files hold, as plain data (as :data:`basket.columns.RECEIPTS_SCHEMA`).

Each schema is a mapping of the fields of :class:`forecasting.schemas.Schema`, its columns
mappings of :class:`forecasting.schemas.Column`'s: ``kori data validate loyalty|customers|
loyalty_visits|survey FILE`` checks a file against them with the validator the other data files
share. This package does not import :mod:`forecasting`; only the command line joins the two.
"""

from __future__ import annotations

from typing import Any

LOYALTY_SCHEMA: dict[str, Any] = {
    "kind": "loyalty",
    "columns": (
        {"name": "receipt_id", "kind": "id"},
        {"name": "customer_id", "kind": "id"},
    ),
    "key": ("receipt_id",),
    "duplicate_hint": "A receipt belongs to one card: keep one row per receipt",
    "description": "the card behind each loyalty receipt",
}
"""``loyalty.csv``: one row per receipt paid with a loyalty card, the card's customer id."""

CUSTOMERS_SCHEMA: dict[str, Any] = {
    "kind": "customers",
    "columns": (
        {"name": "customer_id", "kind": "id"},
        {"name": "store", "kind": "id", "required": False},
        {"name": "joined_on", "kind": "date", "required": False},
        {"name": "household", "kind": "text", "required": False},
    ),
    "key": ("customer_id",),
    "duplicate_hint": "List every customer once (one row per customer)",
    "description": "the register of card holders",
}
"""``customers.csv``: one row per card holder, their home store, when they joined and the
household they declared."""

VISITS_SCHEMA: dict[str, Any] = {
    "kind": "loyalty_visits",
    "columns": (
        {"name": "customer_id", "kind": "id"},
        {"name": "timestamp", "kind": "datetime"},
        {"name": "store", "kind": "id", "required": False},
        {"name": "receipt_id", "kind": "text", "required": False},
        {"name": "amount_eur", "kind": "number", "required": False, "low": 0},
    ),
    "key": ("customer_id", "timestamp", "store"),
    "duplicate_is_error": False,
    "duplicate_hint": "Two visits of a card at one time and store may be one visit written twice",
    "description": "one row per visit of a card holder",
}
"""``loyalty_visits.csv``: one row per visit (a receipt) of a card holder over the history; the
receipt id is blank before the receipt weeks, the amount is in euros (0 or more)."""

SURVEY_SCHEMA: dict[str, Any] = {
    "kind": "survey",
    "columns": (
        {"name": "customer_id", "kind": "id"},
        {"name": "answered_on", "kind": "date", "required": False},
        {"name": "score", "kind": "integer", "low": 0, "high": 10},
    ),
    "key": ("customer_id",),
    "duplicate_hint": "Keep one answer per customer",
    "description": "NPS answers, 0 to 10",
}
"""``survey.csv``: one answer per customer surveyed, the score 0-10 they would recommend us
with."""

SCHEMAS: dict[str, dict[str, Any]] = {
    spec["kind"]: spec
    for spec in (LOYALTY_SCHEMA, CUSTOMERS_SCHEMA, VISITS_SCHEMA, SURVEY_SCHEMA)
}
"""The loyalty schemas by kind, as ``kori data validate`` names them."""
