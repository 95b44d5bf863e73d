"""The schema of every kind of data file the forecasts and plans read: its columns, their kinds
and ranges, its key, and how a missing column is named and mapped. :mod:`forecasting.validation`
checks files against these schemas, and against those other packages describe as plain data
(:meth:`Schema.from_spec`; the receipts are :mod:`basket`'s).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from forecasting.errors import ParameterError
from forecasting.problems import Problem


@dataclass(frozen=True)
class Column:
    """What a column of a data file must hold.

    Attributes
    ----------
    name : str
        Canonical name (the default column name in the file).
    kind : str
        ``"id"`` (non-blank text), ``"text"``, ``"date"`` (a day, at most with the time
        00:00:00), ``"datetime"``, ``"hour"`` (a time at the start of an hour), ``"number"`` or
        ``"integer"``. Ids and text hold no control characters (tab aside); dates and times
        lie from 1970-01-01 to 2100-12-31 (see :data:`forecasting.dates.EARLIEST`).
    required : bool
        Whether the file must have the column.
    low, high : float, optional
        Allowed range of a numeric column, inclusive (``low`` exclusive with ``above_low``).
    above_low : bool
        Whether ``low`` itself is out of range too, e.g. a product volume must be above 0.
    low_is_error : bool
        Whether a value below ``low`` is an error (else a warning, e.g. returns on receipts).
    blank_is_error : bool
        Whether a blank value is an error; else it is a warning, and :func:`parse_table` leaves
        the row out (e.g. receipt lines without an item, which basket analysis drops and counts).
    """

    name: str
    kind: str
    required: bool = True
    low: float | None = None
    high: float | None = None
    above_low: bool = False
    low_is_error: bool = True
    blank_is_error: bool = True


@dataclass(frozen=True)
class Schema:
    """Columns and keys of one kind of data file.

    ``gap_column`` is the date column checked for missing days (or weeks, in weekly data) per
    store; ``outlier_columns`` the amounts checked for values far above the rest of each series
    of ``series_key`` (taken together as one series); ``stranded_column`` the date column
    checked for newest and oldest rows stranded by a long gap; ``interval_columns`` the lower
    bound, point and upper bound that must be in order on every row.
    """

    kind: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    duplicate_is_error: bool = True
    duplicate_hint: str = "Remove or sum the duplicate rows"
    gap_column: str | None = None
    description: str = ""
    series_key: tuple[str, ...] = ()
    outlier_columns: tuple[str, ...] = ()
    stranded_column: str | None = None
    interval_columns: tuple[str, ...] = ()

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> Schema:
        """A schema from plain data: the fields above, each column a mapping of
        :class:`Column`'s fields. Another package describes its files so (``basket`` its
        receipts, :data:`basket.columns.RECEIPTS_SCHEMA`), and they are checked as these are."""
        fields = dict(spec)
        fields["columns"] = tuple(Column(**column) for column in spec["columns"])
        for name in ("key", "series_key", "outlier_columns", "interval_columns"):
            if name in fields:
                fields[name] = tuple(fields[name])
        return cls(**fields)


SCHEMAS: dict[str, Schema] = {
    schema.kind: schema
    for schema in (
        Schema(
            "sales",
            (
                Column("date", "date"),
                Column("store", "id"),
                Column("sku", "id"),
                Column("quantity", "number", low=0),
            ),
            key=("date", "store", "sku"),
            duplicate_hint="Sum the duplicate rows into one, or remove the extra ones",
            gap_column="date",
            description="units sold per day, store and product",
            series_key=("store", "sku"),
            outlier_columns=("quantity",),
            stranded_column="date",
        ),
        Schema(
            "weather",
            (
                Column("date", "date"),
                Column("store", "id"),
                Column("temperature_c", "number", low=-60, high=50),
                Column("precipitation_mm", "number", required=False, low=0, high=500),
            ),
            key=("date", "store"),
            duplicate_hint="Keep one row per date and store",
            gap_column="date",
            description="daily weather per store, observed and forecast",
        ),
        Schema(
            "catalog",
            (
                Column("sku", "id"),
                Column("name", "id"),
                Column("category", "id"),
                Column("department", "text", required=False),
                Column("unit_volume_l", "number", required=False, low=0, above_low=True),
                Column("pack_size", "integer", required=False, low=1),
                Column("lead_time_days", "integer", required=False, low=0),
                Column("shelf_life_days", "integer", required=False, low=1),
                Column("price_eur", "number", required=False, low=0),
                Column("min_order_packs", "integer", required=False, low=1),
                Column("order_days", "text", required=False),
            ),
            key=("sku",),
            duplicate_hint="Keep one row per sku",
            description="one row per product",
        ),
        Schema(
            "stock",
            (
                Column("store", "id"),
                Column("sku", "id"),
                Column("on_hand", "number", low=0),
                Column("on_order", "number", required=False, low=0),
            ),
            key=("store", "sku"),
            duplicate_hint="Keep one row per store and sku",
            description="units on hand and on order per store and product, at the plan's start",
        ),
        Schema(
            "forecast",
            (
                Column("date", "date"),
                Column("store", "id"),
                Column("sku", "id"),
                Column("forecast", "number", low=0),
                Column("lo80", "number", low=0),
                Column("hi80", "number", low=0),
                Column("model", "text", required=False),
            ),
            key=("date", "store", "sku"),
            duplicate_hint="Keep one model's forecast per date, store and sku",
            description="a `kori forecast run` table per sku (the 80% interval is needed)",
            series_key=("store", "sku"),
            outlier_columns=("forecast", "lo80", "hi80"),
            interval_columns=("lo80", "forecast", "hi80"),
        ),
        Schema(
            "traffic",
            (
                Column("timestamp", "hour"),
                Column("store", "id"),
                Column("receipts", "integer", low=0),
            ),
            key=("timestamp", "store"),
            duplicate_hint="Keep one row per hour and store",
            description="customers (receipts) per store and hour",
        ),
    )
}
KINDS = tuple(SCHEMAS)

NEGATIVE = ("error", "clip", "drop")
"""What to do with negative quantities in a sales file (returns): refuse the file, set them to
0, or leave their rows out."""


def guess_kind(columns: Iterable[object]) -> str | None:
    """The kind of data file these columns look like: the kind whose required columns are all
    there, the one with the most of them when several are, or ``None``.

    Examples
    --------
    >>> guess_kind(["date", "store", "sku", "quantity"])
    'sales'
    >>> guess_kind(["date", "store", "sku", "forecast", "lo80", "hi80", "model"])
    'forecast'
    """
    found = {str(column) for column in columns}
    fits = [(sum(c.required for c in schema.columns), kind) for kind, schema in SCHEMAS.items()
            if all(c.name in found for c in schema.columns if c.required)]  # fmt: skip
    return max(fits)[1] if fits else None


def schema_for(kind: str | Schema) -> Schema:
    """The schema of ``kind`` (a schema is its own); a ParameterError names the known kinds."""
    if isinstance(kind, Schema):
        return kind
    if kind not in SCHEMAS:
        raise ParameterError(
            f"unknown kind of data {kind!r}", fix=f"Use one of {', '.join(KINDS)}"
        )
    return SCHEMAS[kind]


def column_names(schema: Schema, columns: Mapping[str, str]) -> dict[str, str]:
    """``{canonical: name in the file}`` for every column of ``schema``, from a partial mapping."""
    known = {column.name for column in schema.columns}
    unknown = sorted(set(columns) - known)
    if unknown:
        raise ParameterError(
            f"{schema.kind} files have no column {unknown[0]!r} to map",
            fix=f"Map one of {', '.join(sorted(known))}",
        )
    return {name: columns.get(name) or name for name in known}


def present_columns(frame: pd.DataFrame, columns: Mapping[str, str] | None) -> dict[str, str]:
    """The part of a column mapping that applies to this table (a command's sales and weather,
    or its forecast, stock and catalog, share one mapping)."""
    return {key: name for key, name in (columns or {}).items() if name in frame.columns}


def missing_column(column: Column, name: str, found: pd.Index, kind: str) -> Problem:
    """The error for a required column the file lacks, with the mapping of a likely one
    (``columns={'date': 'day'}``, which the command line writes as ``--date-col day``)."""
    options = ", ".join(map(str, found[:12])) + (", ..." if len(found) > 12 else "")
    guess = _closest(column.name, [str(c) for c in found])
    if guess:
        fix = f"Map it with `columns={{{column.name!r}: {guess!r}}}`"
    else:
        fix = f"Add the column, or map another one with `columns={{{column.name!r}: 'NAME'}}`"
    return Problem(
        "error",
        "missing_column",
        name,
        0,
        (),
        f"missing column {name!r} that {kind} files need (found: {options or 'no columns'}). "
        f"{fix}",
    )


def _closest(name: str, candidates: list[str]) -> str | None:
    """A column that is probably ``name`` under another spelling."""
    import difflib

    lowered = {c.lower().strip(): c for c in candidates}
    synonyms = {
        "date": ("day", "ds", "sales_date"),
        "sku": ("item", "product", "product_id", "itemdescription", "article", "ean"),
        "quantity": ("qty", "units", "amount", "y", "sales"),
        "receipt_id": ("receipt", "basket", "basket_id", "transaction", "transaction_id", "order_id"),
        "store": ("shop", "store_id", "location"),
        "timestamp": ("time", "datetime", "date"),
        "temperature_c": ("temperature", "temp", "temp_c"),
        "precipitation_mm": ("precipitation", "rain", "rain_mm"),
    }
    for synonym in (name, *synonyms.get(name, ())):
        if synonym in lowered:
            return lowered[synonym]
    match = difflib.get_close_matches(name, list(lowered), n=1, cutoff=0.75)
    return lowered[match[0]] if match else None
