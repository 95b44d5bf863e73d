"""Public holidays from the ``holidays`` package, as the rest of kori sees them.

Finland is the default country. Names are in English (``en_US``) so that store configurations and
reports can refer to them (``"Christmas Day"``, ``"Midsummer Eve"``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from forecasting.errors import ParameterError

DEFAULT_COUNTRY = "FI"


def holiday_table(
    start: dt.date,
    end: dt.date,
    *,
    country: str = DEFAULT_COUNTRY,
    subdiv: str | None = None,
    language: str = "en_US",
) -> pd.DataFrame:
    """Public holidays between two dates, inclusive.

    Parameters
    ----------
    start, end : datetime.date or pandas.Timestamp
        First and last day of the period.
    country : str, default "FI"
        ISO 3166 alpha-2 code understood by the ``holidays`` package.
    subdiv : str, optional
        Subdivision code (state, province) where the country has them.
    language : str, default "en_US"
        Language of the names; falls back to the country's default when it has no such
        translation.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (datetime64) and ``holiday`` (str), one row per holiday, sorted by date.
        Two holidays on one day are joined with ``"; "``.

    Raises
    ------
    ParameterError
        If the country or subdivision is unknown, or ``end`` is before ``start``.

    Examples
    --------
    >>> import datetime as dt
    >>> holiday_table(dt.date(2025, 12, 24), dt.date(2025, 12, 26))["holiday"].tolist()
    ['Christmas Eve', 'Christmas Day', 'Second Day of Christmas']
    """
    import holidays

    start, end = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    if end < start:
        raise ParameterError(
            f"the period ends ({end}) before it starts ({start})",
            fix="Give an end date on or after the start date",
        )
    entity = _country(country)
    languages = getattr(entity, "supported_languages", ())
    years = range(start.year, end.year + 1)
    try:
        calendar = holidays.country_holidays(
            country,
            subdiv=subdiv,
            years=years,
            language=language if language in languages else None,
        )
    except NotImplementedError:
        known = ", ".join(getattr(entity, "subdivisions", ())) or "none"
        raise ParameterError(
            f"unknown subdivision {subdiv!r} of {country}",
            where=f"known: {known}",
            fix="Pick one of the known subdivision codes or leave it out",
        ) from None
    rows = sorted((day, name) for day, name in calendar.items() if start <= day <= end)
    return pd.DataFrame(
        {
            "date": pd.to_datetime([day for day, _ in rows]).astype("datetime64[ns]"),
            "holiday": pd.Series([name for _, name in rows], dtype=object),
        }
    )


MAX_CALENDAR_YEARS = 50
"""Most years :func:`check_years` lets a calendar span at once."""


def check_years(first: int, last: int, *, country: str = DEFAULT_COUNTRY) -> None:
    """Refuse years outside the ``holidays`` package's calendar of ``country``, or too many.

    Parameters
    ----------
    first, last : int
        First and last calendar year, inclusive.
    country : str, default "FI"
        ISO 3166 alpha-2 code.

    Raises
    ------
    ParameterError
        If the country is unknown, ``last`` is before ``first``, a year is outside the years
        the package has holidays of the country for (Finland: 1853-2100), or the span is over
        :data:`MAX_CALENDAR_YEARS` years.

    Examples
    --------
    >>> check_years(2025, 2027)
    """
    entity = _country(country)
    start, end = int(entity.start_year), int(entity.end_year)
    if last < first:
        raise ParameterError(f"the years {first}-{last} end before they start",
                             fix="Give the earlier year first, e.g. 2025-2027")  # fmt: skip
    if first < start or last > end:
        what = f"the year {first} is" if first == last else f"the years {first}-{last} are"
        raise ParameterError(
            f"{what} outside the holidays package's calendar of {country} ({start}-{end})",
            fix=f"Give years from {start} to {end}",
        )
    if last - first + 1 > MAX_CALENDAR_YEARS:
        raise ParameterError(
            f"the years {first}-{last} span {last - first + 1} years",
            fix=f"Give at most {MAX_CALENDAR_YEARS} years at once",
        )


def _country(country: str) -> Any:
    """The ``holidays`` calendar class of a country, instantiated without years."""
    import holidays

    try:
        return holidays.country_holidays(country)
    except NotImplementedError:
        raise ParameterError(
            f"unknown country code {country!r}",
            where="the holidays package has no calendar for it",
            fix="Use an ISO 3166 alpha-2 code such as FI, SE, DE or US",
        ) from None


def holiday_names(dates: pd.DatetimeIndex, holidays: pd.DataFrame) -> pd.Series:
    """The holiday name of each date, or an empty string on ordinary days.

    Parameters
    ----------
    dates : pandas.DatetimeIndex
        Days to look up (normalised to midnight).
    holidays : pandas.DataFrame
        A table from :func:`holiday_table`.

    Returns
    -------
    pandas.Series
        Indexed like ``dates``.
    """
    lookup = dict(zip(holidays["date"], holidays["holiday"]))
    return pd.Series([lookup.get(day, "") for day in dates], index=dates, dtype=object)
