"""The columns of a receipts table that need reading: quantities and timestamps.

Each is refused as a whole when a value cannot be read or cannot be right, with how many rows
and the first line numbers and values, so that one run shows every problem of the column.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from basket.errors import ParameterError, SchemaError

_SHOW = 5
# A UTC offset or zone letter after a time of day (never after a bare date: 03-11-2025).
_OFFSET = r"(?i)(\d:\d\d(?::\d\d(?:[.,]\d+)?)?)\s*(?:z|utc|gmt|[+-]\d\d(?::?\d\d)?)$"


RECEIPTS_SCHEMA: dict[str, Any] = {
    "kind": "receipts",
    "columns": (
        {"name": "receipt_id", "kind": "id", "blank_is_error": False},
        {"name": "timestamp", "kind": "datetime", "required": False},
        {"name": "store", "kind": "id", "required": False},
        {"name": "sku", "kind": "id", "blank_is_error": False},
        {"name": "quantity", "kind": "number", "required": False, "low": 0,
         "low_is_error": False},
    ),
    "key": ("receipt_id", "sku"),
    "duplicate_is_error": False,
    "duplicate_hint": "Repeated lines of a receipt count once in basket analysis",
    "description": "one row per receipt line",
}
"""What a receipts file holds, as plain data: one row per receipt line; the receipt and the item
are required (a blank one is a line basket analysis drops and counts), the time, store and
quantity optional (a negative quantity is a return, a warning). :func:`basket.api.read_receipts`
reads these columns by default, and ``kori data validate receipts`` checks a file against this
description with the validator the other data files share."""


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""A control character other than tab, line feed and carriage return: never part of a label.
(A quoted label may hold a line break; kori writes it quoted and neutralised.) The validator,
``kori data validate receipts``, refuses the same characters."""


def refuse_control(
    codes: np.ndarray, labels: np.ndarray, name: str, source: str, first_line: int | None
) -> None:
    """Refuse labels holding a control character (an escape sequence, a NUL, a bell).

    ``codes`` gives each row's label in ``labels`` (as from :func:`pandas.factorize`); only
    the distinct labels are searched. ``first_line`` None quotes the labels without lines (a
    basket file, whose rows are not lines).
    """
    text = pd.Series(labels, dtype="string")
    hit = text.str.contains(CONTROL.pattern, regex=True).to_numpy(dtype=bool, na_value=False)
    if not hit.any():
        return
    bad = np.isin(codes, np.flatnonzero(hit))
    if first_line is None:
        shown = ", ".join(repr(str(label)) for label in labels[hit][:_SHOW])
    else:
        shown = ", ".join(f"line {first_line + i}: {str(labels[codes[i]])!r}"
                          for i in np.flatnonzero(bad)[:_SHOW])  # fmt: skip
    raise SchemaError(
        f"column {name!r}: a control character in {_rows(bad)}",
        source=source,
        where=shown + (", ..." if bad.sum() > _SHOW else ""),
        fix="Labels hold printable text only: remove the control characters (an escape "
        "sequence or NUL left by a broken export), or export the file again",
    )


def read_quantities(values: pd.Series, name: str, source: str, first_line: int) -> np.ndarray:
    """The quantities as floats; blanks, text, ``nan`` and infinities are refused together."""
    numbers = pd.to_numeric(values.astype("string").str.strip(), errors="coerce")
    finite = np.isfinite(numbers.to_numpy(dtype=float, na_value=np.nan))
    if not finite.all():
        bad = ~finite
        raise SchemaError(
            f"column {name!r}: not a finite number in {_rows(bad)}",
            source=source,
            where=_where(values, bad, first_line),
            fix="Use plain numbers (not blank, nan or inf), or map another column with "
            "`quantity`",
        )
    return numbers.to_numpy(dtype=float)


def read_timestamps(
    values: pd.Series,
    name: str,
    source: str,
    first_line: int,
    dayfirst: bool,
    date_format: str | None,
) -> pd.DatetimeIndex:
    """The timestamps as local wall-clock times, checked by :func:`check_dates`.

    Text is read as ISO 8601, or day first (``dayfirst``), or with ``date_format``; a UTC
    offset is dropped, not applied. Values that do not parse are refused together.

    Raises
    ------
    SchemaError
        If a value is not a date, or a date is implausible (see :func:`check_dates`).
    ParameterError
        If ``date_format`` is not a ``strftime`` format.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.DatetimeIndex(values)  # tz-aware: its wall-clock time, below
    else:
        # Receipts are read in the store's local time, so an offset is dropped, not applied:
        # 10:00+02:00 stays 10:00, and mixed offsets (summer time) parse together.
        text = values.astype("string").str.strip().str.replace(_OFFSET, r"\1", regex=True)
        if date_format:
            date_format = re.sub(r"\s*%[zZ]$", "", date_format)
            try:
                parsed = pd.DatetimeIndex(pd.to_datetime(text, format=date_format,
                                                         errors="coerce"))  # fmt: skip
            except ValueError as exc:  # a directive strftime does not know, e.g. %Q
                raise ParameterError(
                    f"`date_format` {date_format!r} is not a strftime format ({exc})",
                    source=source,
                    fix="Use directives such as %d.%m.%Y %H:%M",
                ) from None
        else:
            parsed = pd.DatetimeIndex(pd.to_datetime(text, format="ISO8601", errors="coerce"))
            missing = np.asarray(parsed.isna())
            if dayfirst and missing.any():  # ISO dates stay ISO; the rest are read day first
                rest = pd.to_datetime(text[missing], format="mixed", dayfirst=True, errors="coerce")
                merged = parsed.to_numpy().copy()
                merged[missing] = np.asarray(rest, dtype=merged.dtype)
                parsed = pd.DatetimeIndex(merged)
    if parsed.tz is not None:  # an offset the pattern does not know, e.g. after a bare date
        parsed = parsed.tz_localize(None)
    bad = np.asarray(parsed.isna())
    if bad.any():
        raise SchemaError(
            f"column {name!r}: not a date in {_rows(bad)}",
            source=source,
            where=_where(values, bad, first_line),
            fix="Write YYYY-MM-DD HH:MM:SS, or use `dayfirst=True` or `date_format` for others",
        )
    check_dates(parsed, values, name, source, first_line)
    return parsed


# The window of every date kori reads (forecasting.dates.EARLIEST to LATEST): the holidays
# package has no calendar after 2100.
_END_DAY = int(np.datetime64("2101-01-01", "D").astype(np.int64))  # days since 1970-01-01
_GAP_DAYS = 28  # a gap longer than this, and longer than ...
_GAP_SPACINGS = 8  # ... this many median spacings between receipt days, strands the lines
_STRANDED_SHARE = 0.01  # beyond it when they are at most this share of all lines (or one)


def check_dates(
    parsed: pd.DatetimeIndex, values: pd.Series, name: str, source: str, first_line: int
) -> None:
    """Refuse dates outside 1970-2100 and dates stranded far from all the others.

    A line dated 1800, or 2019 among a year of 2025 lines, is a typing error or a
    placeholder: let through, it would open a month of its own under ``--split month`` and
    stretch any period. Lines are stranded when a gap of more than ``max(28 days, 8 x the
    median spacing between receipt days)`` separates them, before or after it, from the rest
    and they are at most 1% of the lines (or a single one).

    Raises
    ------
    SchemaError
        Naming how many lines and the first of them, with their values.
    """
    # Whole days since 1970, whatever the unit pandas parsed to (microseconds reach 3000).
    days = parsed.to_numpy().astype("datetime64[D]").astype(np.int64)
    outside = (days < 0) | (days >= _END_DAY)
    if outside.any():
        raise SchemaError(
            f"column {name!r}: a date outside 1970-2100 in {_rows(outside)}",
            source=source,
            where=_where(values, outside, first_line),
            fix="Correct or remove those lines (a mistyped year, or a placeholder date)",
        )
    stranded, gap_days = _stranded(days)
    if stranded is None:
        return
    rest = parsed[~stranded]
    raise SchemaError(
        f"column {name!r}: {_rows(stranded)} dated more than {gap_days:g} days away from the "
        f"other {len(rest):,} (which run from {rest.min():%Y-%m-%d} to {rest.max():%Y-%m-%d})",
        source=source,
        where=_where(values, stranded, first_line),
        fix="Correct or remove those lines: dates so far out would bend `by='month'` splits and "
        "`start`/`end`",
    )


def _stranded(days: np.ndarray) -> tuple[np.ndarray | None, float]:
    """Lines cut off from the rest by a long gap between receipt days (None if none are), and
    the longest spacing of days let through.

    ``days`` are whole days since 1970 (at most 84,000 of them), so counting the lines of each
    day is one ``bincount``, not a sort.
    """
    n = len(days)
    if n < 2:
        return None, 0.0
    held = np.bincount(days)
    day = np.flatnonzero(held)
    if len(day) < 2:
        return None, 0.0
    spacing = np.diff(day)
    longest = float(max(_GAP_DAYS, _GAP_SPACINGS * np.median(spacing)))
    gaps = np.flatnonzero(spacing > longest)
    if not len(gaps):
        return None, 0.0
    before = np.cumsum(held[day])[gaps]  # lines on or before the day in front of each gap
    few = max(1.0, _STRANDED_SHARE * n)
    early = gaps[(before <= few) & (n - before > few)]
    late = gaps[(n - before <= few) & (before > few)]
    stranded = np.zeros(n, dtype=bool)
    if len(early):
        stranded |= days <= day[early.max()]
    if len(late):
        stranded |= days >= day[late.min() + 1]
    return (stranded if stranded.any() else None), longest


def _where(values: pd.Series, bad: np.ndarray, first_line: int) -> str:
    rows = np.flatnonzero(bad)[:_SHOW]
    shown = ", ".join(f"line {first_line + i}: {str(values.iloc[i])!r}" for i in rows)
    return shown + (", ..." if bad.sum() > _SHOW else "")


def _rows(mask: np.ndarray) -> str:
    n = int(mask.sum())
    return f"{n:,} row{'s' if n != 1 else ''}"
