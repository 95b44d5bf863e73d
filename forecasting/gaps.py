"""Periods without any row for a store, between its first and last row: missing days of daily
data, missing weeks of weekly data.

The frequency is the data's own, inferred as :func:`forecasting.series.sales_series` infers it
(or given as ``freq``, as to :func:`forecasting.forecast`), so weekly data is not reported as
six missing days a week. :func:`forecasting.validation.validate_table` calls :func:`gaps`.
"""

from __future__ import annotations

import pandas as pd

from forecasting.errors import SchemaError
from forecasting.problems import SHOWN, Problem


def gaps(
    dates: pd.Series,
    stores: pd.Series,
    name: str,
    *,
    freq: str | None = None,
    country: str | None = "FI",
    subdiv: str | None = None,
    source: str = "<input>",
) -> list[Problem]:
    """Days (or weeks) without any row for a store between its first and last one.

    Parameters
    ----------
    dates, stores : pandas.Series
        The parsed date and store columns (missing values are skipped).
    name : str
        The date column's name in the file, quoted in the messages.
    freq : {"D", "W"}, optional
        Daily or weekly data; inferred from the dates as :func:`forecasting.series.infer_freq`
        infers it when not given, and daily when they are too few or neither daily nor weekly
        (so that such a file is checked day by day, as before). Weekly data's weeks end on the
        weekday of its dates; daily data checked with ``"W"`` in weeks ending Sunday.
    country : str or None, default "FI"
        Missing days that are public holidays of this country are notes, the others warnings;
        ``None`` makes them all warnings. Not used for weeks (see below), but checked.
    subdiv : str, optional
        Subdivision (state, province) of the country's holiday calendar.
    source : str, default "<input>"
        The file name, for messages.

    Returns
    -------
    list of Problem
        Per store, a note for the missing public holidays and a warning for the other missing
        days, or a warning for the missing weeks; an error (check ``frequency``) when
        ``freq="D"`` is given for weekly data, which cannot be made daily.

    Raises
    ------
    ParameterError
        If ``freq``, ``country`` or ``subdiv`` is unknown.
    """
    from forecasting.calendar import holiday_table

    frame = pd.DataFrame({"date": dates.to_numpy(), "store": stores.to_numpy()}).dropna()
    if frame.empty:
        return []
    try:
        period = data_freq(frame["date"], freq, source=source)
    except SchemaError as exc:
        return [Problem("error", "frequency", name, 0, (),
                        f"column {name!r}: {exc.problem}. {exc.fix}")]
    first, last = pd.Timestamp(frame["date"].min()), pd.Timestamp(frame["date"].max())
    # Looked up for weekly data too, so that an unknown country or subdivision is refused
    # whatever the file's frequency.
    calendar = (
        holiday_table(first.date(), last.date(), country=country, subdiv=subdiv)
        if country
        else pd.DataFrame({"date": pd.to_datetime([]), "holiday": []})
    )
    if period != "D":
        return _missing_weeks(frame, name, period)
    holidays = set(calendar["date"])
    names = dict(zip(calendar["date"], calendar["holiday"]))
    problems = []
    for store, group in frame.groupby("store", sort=True):
        days = pd.DatetimeIndex(group["date"]).normalize().unique()
        missing = pd.date_range(days.min(), days.max(), freq="D").difference(days)
        on_holiday = missing[missing.isin(list(holidays))]
        other = missing[~missing.isin(list(holidays))]
        span = f"between {days.min():%Y-%m-%d} and {days.max():%Y-%m-%d}"
        if len(on_holiday):
            named = ", ".join(dict.fromkeys(names[day] for day in on_holiday[:SHOWN]))
            problems.append(
                Problem(
                    "note", "gap", name, len(on_holiday), (),
                    f"store {store!r}: {_count(on_holiday, 'day')} without any row {span} "
                    f"{'is a public holiday' if len(on_holiday) == 1 else 'are public holidays'} "
                    f"({_list(on_holiday)}): {named}{', ...' if len(on_holiday) > SHOWN else ''}"
                    f" (holidays of `country={country!r}`). Fine if the store was closed",
                )
            )  # fmt: skip
        if len(other):
            problems.append(
                Problem(
                    "warning", "gap", name, len(other), (),
                    f"store {store!r}: {_count(other, 'day')} without any row {span} "
                    f"({_list(other)}). Add the missing rows, or ignore this if the store was "
                    "closed",
                )
            )  # fmt: skip
    return problems


def data_freq(dates: pd.Series, freq: str | None = None, *, source: str = "<input>") -> str:
    """``"D"`` or ``"W-<DAY>"``: the frequency of the dates (``freq`` resolved against it).

    Reuses :func:`forecasting.series.infer_freq` and the resolution of
    :func:`forecasting.series.sales_series`; dates too few, or neither daily nor weekly, count
    as daily.

    Raises
    ------
    SchemaError
        If ``freq="D"`` is given for weekly dates.
    ParameterError
        If ``freq`` is unknown.

    Examples
    --------
    >>> data_freq(pd.Series(pd.to_datetime(["2010-02-05", "2010-02-12", "2010-02-26"])))
    'W-FRI'
    >>> data_freq(pd.Series(pd.to_datetime(["2025-01-01", "2025-01-02"])), "W")
    'W-SUN'
    """
    from forecasting.series import _resolve_freq, infer_freq

    try:
        found = infer_freq(dates, source=source)
    except SchemaError:
        found = "D"
    return _resolve_freq(freq, found, source)


def _missing_weeks(frame: pd.DataFrame, name: str, period: str) -> list[Problem]:
    """Weeks without any row, each store's between its first and last week.

    Public holidays are left out here: a holiday closes a store for a day, not a week, so a
    week without any row is missing data whatever holiday it holds (and a weekly export's
    holiday week still has the other days' sales, as Walmart's ``IsHoliday`` weeks do).
    """
    problems = []
    for store, group in frame.groupby("store", sort=True):
        dates = pd.DatetimeIndex(group["date"])
        weeks = dates.to_period(period).unique()
        expected = pd.period_range(weeks.min(), weeks.max(), freq=period)
        missing = pd.DatetimeIndex(expected.difference(weeks).end_time).normalize()
        if len(missing):
            problems.append(
                Problem(
                    "warning", "gap", name, len(missing), (),
                    f"store {store!r}: {_count(missing, 'week')} without any row between "
                    f"{dates.min():%Y-%m-%d} and {dates.max():%Y-%m-%d} "
                    f"(week{'s' if len(missing) > 1 else ''} ending {_list(missing)}). Add the "
                    "missing rows, or ignore this if the store was closed",
                )
            )  # fmt: skip
    return problems


def _count(days: pd.DatetimeIndex, unit: str) -> str:
    return f"{len(days)} {unit}{'s' if len(days) > 1 else ''}"


def _list(days: pd.DatetimeIndex) -> str:
    shown = ", ".join(f"{day:%Y-%m-%d}" for day in days[:SHOWN])
    return shown + (", ..." if len(days) > SHOWN else "")
