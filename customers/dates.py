"""Dates of the customers package: date parameters, and timestamps read with a format."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from customers.errors import ParameterError, SchemaError

if TYPE_CHECKING:
    import pandas as pd

SHOWN = 5
"""Values quoted in a message."""


def as_day(value: str | date | datetime, name: str) -> pd.Timestamp:
    """A date parameter as a midnight Timestamp."""
    import pandas as pd

    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"`{name}={value!r}` is not a date", fix="Give a date such as "
                             "'1997-09-30'") from exc
    if pd.isna(stamp):
        raise ParameterError(f"`{name}` is missing", fix="Give a date such as '1997-09-30'")
    return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()


def parse_times(values: pd.Series, date_format: str, column: str, source: str) -> pd.Series:
    """``values`` read with ``date_format``; the first that do not fit named."""
    import pandas as pd

    days = pd.to_datetime(values, format=date_format, errors="coerce")
    bad = days.isna() & values.notna()
    if bad.any():
        shown = ", ".join(f"row {i}: {v!r}" for i, v in values[bad].head(SHOWN).items())
        raise SchemaError(f"{int(bad.sum()):,} {column} values not in `date_format={date_format}`",
                          source=source, where=shown,
                          fix="Give the format the dates are written in, e.g. %d-%m-%Y")  # fmt: skip
    return days
