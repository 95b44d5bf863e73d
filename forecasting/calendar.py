"""Public holidays from the ``holidays`` package, as the rest of kori sees them.

Finland is the default country. Names are in English (``en_US``) so that store configurations and
reports can refer to them (``"Christmas Day"``, ``"Midsummer Eve"``).
"""

from __future__ import annotations

import datetime as dt

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
    try:
        entity = holidays.country_holidays(country)
    except NotImplementedError:
        raise ParameterError(
            f"unknown country code {country!r}",
            where="the holidays package has no calendar for it",
            fix="Use an ISO 3166 alpha-2 code such as FI, SE, DE or US",
        ) from None
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
