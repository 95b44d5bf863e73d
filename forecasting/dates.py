"""Dates and times as data files write them, parsed to the local wall-clock time as written.

An offset (``+02:00``, ``Z``), mixed offsets, or the time zone of a typed Parquet column are
dropped, not converted: ``2025-11-03T00:00:00+02:00`` is 2025-11-03 00:00, the day and hour the
store recorded.

Kori computes with dates from :data:`EARLIEST` to :data:`LATEST` only; :func:`outside_window`
finds the others, so that validation refuses them before anything is computed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from forecasting.errors import ParameterError

_OFFSET = re.compile(r"^(.*\d:\d\d(?:[.,]\d+)?)\s*(?:[zZ]|UTC|GMT|[+-]\d\d(?::?\d\d)?)$")
"""A time followed by a UTC offset (``+02:00``, ``+0200``, ``-05``, ``Z``)."""

EARLIEST = pd.Timestamp("1970-01-01")
"""The first day kori computes with. Before it, the time left until pandas' last timestamp
(2262-04-11) is longer than the longest ``pandas.Timedelta`` (292 years), and measuring a
forecast horizon from the last date of the history fails (sales of 1960 crash
``kori forecast run``)."""
LATEST = pd.Timestamp("2100-12-31")
"""The last day kori computes with: the ``holidays`` package has public holidays of every
country up to 2100 only, and after it closures and holidays vanish silently (a Christmas Day of
2151 is forecast like any other day). It also leaves the horizon far from pandas' last
timestamp (2262-04-11), which dates of 2262 overflow."""
WINDOW = f"{EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}"
"""The window of dates kori computes with, as messages quote it."""


def check_date_format(date_format: str | None) -> None:
    """Refuse a date format that ``strftime``/``strptime`` would not understand.

    Raises
    ------
    ParameterError
        If ``date_format`` has an unknown directive (``%Q``) or a stray ``%``.

    Examples
    --------
    >>> check_date_format("%d.%m.%Y")
    """
    if not date_format:
        return
    try:
        pd.to_datetime(pd.Series(["2000-01-01"]), format=date_format, errors="coerce")
    except ValueError as exc:
        raise ParameterError(
            f"date format {date_format!r} is not a strftime format ({exc})",
            fix="Use strftime directives such as %d.%m.%Y or %Y-%m-%d %H:%M",
        ) from None


def parse_dates(values: pd.Series, date_format: str | None = None) -> pd.Series:
    """Dates and times as ``datetime64`` without time zone, ``NaT`` where they do not parse.

    The local wall-clock time is kept as written: a UTC offset (``+02:00``, ``Z``), mixed
    offsets, or the time zone of a typed column are dropped, not converted.

    Parameters
    ----------
    values : pandas.Series
        Text (ISO 8601 unless ``date_format`` is given) or typed datetimes.
    date_format : str, optional
        ``strftime`` format of the text; ``%z``/``%Z`` in it may match an offset or not.

    Returns
    -------
    pandas.Series

    Examples
    --------
    >>> parse_dates(pd.Series(["2025-11-03T00:00:00+02:00", "2025-11-03T10:00:00Z"])).tolist()
    [Timestamp('2025-11-03 00:00:00'), Timestamp('2025-11-03 10:00:00')]
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize(None) if values.dt.tz is not None else values
    text = values.astype("string").str.strip()
    parsed = _naive_datetimes(text, date_format or "ISO8601")
    if parsed is None or parsed.isna().any():
        # Mixed offsets (which pandas will not put in one column), or offsets the format does
        # not expect: drop them from the text and parse the wall-clock time.
        fmt = re.sub(r"\s*%[zZ]", "", date_format).strip() if date_format else "ISO8601"
        retry = _naive_datetimes(text.str.replace(_OFFSET, r"\1", regex=True), fmt)
        if retry is not None:
            parsed = retry if parsed is None else parsed.fillna(retry)
    if parsed is None:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    return parsed


def _naive_datetimes(text: pd.Series, fmt: str) -> pd.Series | None:
    """``text`` parsed with ``fmt``, offsets dropped; ``None`` when pandas refuses the mix."""
    try:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    except ValueError:
        return None
    return parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed


def outside_window(parsed: pd.Series) -> np.ndarray:
    """Which parsed dates (or times) fall outside :data:`EARLIEST` to :data:`LATEST`.

    Times on the last day count as inside. ``NaT`` is not outside.

    Examples
    --------
    >>> outside_window(parse_dates(pd.Series(["1960-01-01", "2025-01-01", None]))).tolist()
    [True, False, False]
    """
    values = parsed.to_numpy()
    end = np.datetime64(LATEST + pd.Timedelta(days=1))
    return (values < np.datetime64(EARLIEST)) | (values >= end)


def time_of_day(parsed: pd.Series) -> np.ndarray:
    """Which parsed dates carry a time of day other than midnight. ``NaT`` does not.

    Examples
    --------
    >>> time_of_day(parse_dates(pd.Series(["2024-12-01 13:00", "2024-12-01", None]))).tolist()
    [True, False, False]
    """
    values = parsed.to_numpy()
    return (values != values.astype("datetime64[D]")) & ~np.isnat(values)
