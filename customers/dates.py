"""Dates of the customers package: date parameters, and timestamps read with a format."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from customers.checks import blank
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


def parse_times(values: pd.Series, date_format: str, column: str, source: str,
                first_line: int | None = None) -> pd.Series:  # fmt: skip
    """``values`` read with ``date_format``; the first that do not fit named (``line N`` of
    the file when ``first_line``, its line number of the first value, is given)."""
    import numpy as np
    import pandas as pd

    from customers.checks import row_names

    days = pd.to_datetime(values, format=date_format, errors="coerce")
    bad = days.isna() & values.notna()
    if bad.any():
        first = np.flatnonzero(bad.to_numpy())[:SHOWN]
        shown = ", ".join(f"{name}: {values.iloc[i]!r}"
                          for name, i in zip(row_names(values.index, first, first_line), first))
        raise SchemaError(f"{int(bad.sum()):,} {column} values not in `date_format={date_format}`",
                          source=source, where=shown,
                          fix="Give the format the dates are written in, e.g. %d-%m-%Y")  # fmt: skip
    return days


def visit_times(visits: pd.DataFrame, customer: str, timestamp: str, end: pd.Timestamp,
                source: str, first_line: int | None = None) -> pd.Series:  # fmt: skip
    """The visit times of ``visits`` (inferred formats, time zones dropped), refusing rows
    without a customer or a readable time and visits after the day ``end``.

    Messages name the first offending rows: ``line N`` of the file when ``first_line`` (the
    line number of the first row) is given, else ``row <label>``.

    Raises
    ------
    SchemaError
    """
    import numpy as np
    import pandas as pd

    from customers.checks import row_names

    values = visits[timestamp]
    times = values if pd.api.types.is_datetime64_any_dtype(values) else pd.to_datetime(
        values, errors="coerce", format="mixed")  # fmt: skip
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    bad = times.isna().to_numpy() | blank(visits[customer])
    if bad.any():
        first = np.flatnonzero(bad)[:SHOWN]
        raise SchemaError(f"{int(bad.sum()):,} rows without a {customer} or a readable "
                          f"{timestamp}", source=source,
                          where=", ".join(
                              f"{name}: {visits[customer].iloc[i]!r} at {values.iloc[i]!r}"
                              for name, i in zip(row_names(visits.index, first, first_line),
                                                 first)),
                          fix="Drop or correct those rows")  # fmt: skip
    late = (times >= end + pd.Timedelta(days=1)).to_numpy()
    if late.any():
        first = np.flatnonzero(late)[0]
        raise SchemaError(f"{int(late.sum()):,} visits after `as_of={end.date()}`", source=source,
                          where=f"{row_names(visits.index, [first], first_line)[0]}: "
                                f"{visits[customer].iloc[first]!r} at {times.iloc[first]}",
                          fix="Set `as_of` to the last day of the visits, or drop the later ones")
    return times
