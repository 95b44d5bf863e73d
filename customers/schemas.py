"""What the loyalty files hold, as plain data (as :data:`basket.columns.RECEIPTS_SCHEMA`).

Each schema is a mapping of the fields of :class:`forecasting.schemas.Schema`, its columns
mappings of :class:`forecasting.schemas.Column`'s: ``kori data validate loyalty|customers|
loyalty_visits|survey|register FILE`` checks a file against them with the validator the other
data files share. This package does not import :mod:`forecasting`; only the command line joins
the two.
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

LATEST_YEAR = 2100
"""Last year any date of a data file may have (as the validator's date window)."""


def register_schema(latest_birth_year: int = LATEST_YEAR) -> dict[str, Any]:
    """The schema of ``register.csv``, birth years up to ``latest_birth_year``.

    The command line passes the current year, so that a birth year in the future is an error
    (this package never reads the clock). Postal codes, emails and phone numbers are text here:
    an invalid one is a finding of ``kori customers register check``, not a broken file; so is
    the consent date, blank for a member never asked (``check_register`` refuses an unreadable
    one, or one before the join date).

    Parameters
    ----------
    latest_birth_year : int, default 2100
        Last birth year accepted.

    Returns
    -------
    dict
        A plain-data schema, as the others of this module.
    """
    return {
        "kind": "register",
        "columns": (
            {"name": "member_id", "kind": "id"},
            {"name": "first_name", "kind": "text"},
            {"name": "last_name", "kind": "text"},
            {"name": "street", "kind": "text", "required": False},
            {"name": "postal_code", "kind": "text", "required": False},
            {"name": "town", "kind": "text", "required": False},
            {"name": "email", "kind": "text", "required": False},
            {"name": "phone", "kind": "text", "required": False},
            {"name": "birth_year", "kind": "integer", "required": False, "low": 1900,
             "high": latest_birth_year},
            {"name": "joined_on", "kind": "date"},
            {"name": "updated_on", "kind": "date", "required": False, "blank_is_error": False},
            {"name": "consent", "kind": "text", "required": False},
            # Blank where no consent was asked: as text, for the validator warns of blank dates.
            {"name": "consent_date", "kind": "text", "required": False},
            {"name": "channel", "kind": "text", "required": False},
        ),
        "key": ("member_id",),
        "duplicate_hint": "A member id is one card: keep one row per member_id (a second card of "
        "the same person has an id of its own)",
        "description": "the customer register, one row per loyalty member",
    }  # fmt: skip


REGISTER_SCHEMA: dict[str, Any] = register_schema()
"""``register.csv``: one row per loyalty member, their name, address, contact details, birth
year, when they joined and were last updated, their marketing consent (``yes``, ``no`` or blank)
with its date, and their preferred channel."""

SCHEMAS: dict[str, dict[str, Any]] = {
    spec["kind"]: spec
    for spec in (LOYALTY_SCHEMA, CUSTOMERS_SCHEMA, VISITS_SCHEMA, SURVEY_SCHEMA, REGISTER_SCHEMA)
}
"""The loyalty schemas by kind, as ``kori data validate`` names them."""
