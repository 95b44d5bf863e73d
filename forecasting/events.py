"""Calendar events as forecasting models see them: holidays with windows, and user events.

Shoppers react to a holiday before it comes: the Christmas rush runs for a week, Midsummer and
Easter shopping for days. Each event has a window of days relative to its date (``lower`` days
before, ``upper`` after), and every day of the window is its own effect (``offset``), as in
prophet's ``lower_window`` and ``upper_window``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from forecasting.calendar import DEFAULT_COUNTRY, holiday_table
from forecasting.dates import parse_dates
from forecasting.errors import SchemaError


@dataclass(frozen=True)
class Window:
    """Days around an event that carry its effect: ``lower`` before (<= 0), ``upper`` after."""

    lower: int = -1
    upper: int = 0


DEFAULT_WINDOW = Window(-1, 0)
"""Any holiday: the shopping day before it and the day itself."""

FINNISH_WINDOWS: Mapping[str, Window] = {
    "Christmas Eve": Window(-7, 0),
    "Midsummer Eve": Window(-3, 0),
    "Easter Sunday": Window(-4, 1),  # Maundy Thursday to Easter Monday
    "May Day": Window(-2, 0),  # Vappu eve shopping
    "New Year's Day": Window(-2, 0),
}
"""Longer windows for the Finnish holidays that move the most shopping."""


def calendar_events(
    start: dt.date,
    end: dt.date,
    *,
    country: str = DEFAULT_COUNTRY,
    subdiv: str | None = None,
    windows: Mapping[str, Window] | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every day between ``start`` and ``end`` touched by a holiday or a user event.

    Parameters
    ----------
    start, end : datetime.date
        The period (inclusive).
    country, subdiv : str
        Holiday calendar of the ``holidays`` package (Finland by default).
    windows : Mapping of str to Window, optional
        Windows by holiday name; others get :data:`DEFAULT_WINDOW`. Defaults to
        :data:`FINNISH_WINDOWS` for Finland, none otherwise.
    events : pandas.DataFrame, optional
        User events (campaigns, local events): ``date``, ``name``, optional ``lower``,
        ``upper`` and ``store`` (see :func:`read_events`).

    Returns
    -------
    pandas.DataFrame
        ``date, event, offset, event_date, source, store``: ``source`` is ``holiday`` or
        ``user``; ``store`` is the one store a user event applies to, blank for holidays and
        chain-wide events. Sorted by date then event; a day in two windows appears twice.

    Raises
    ------
    ParameterError
        For an unknown country or subdivision (from :func:`forecasting.calendar.holiday_table`).

    Examples
    --------
    >>> days = calendar_events(dt.date(2025, 12, 20), dt.date(2025, 12, 24))
    >>> sorted(set(days["event"]))
    ['Christmas Eve']
    """
    if windows is None:
        windows = FINNISH_WINDOWS if country == "FI" else {}
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    reach = pd.Timedelta(days=max([8, *(w.upper - w.lower + 1 for w in windows.values())]))
    holidays = holiday_table((first - reach).date(), (last + reach).date(), country=country,
                             subdiv=subdiv)  # fmt: skip
    rows = []
    for day, names in zip(holidays["date"], holidays["holiday"]):
        for name in names.split("; "):
            rows += _window_rows(day, name, windows.get(name, DEFAULT_WINDOW), "holiday")
    if events is not None:
        stores = events["store"] if "store" in events.columns else [""] * len(events)
        for day, name, lower, upper, store in zip(events["date"], events["name"],
                                                  events["lower"], events["upper"], stores):
            rows += _window_rows(pd.Timestamp(day), str(name), Window(int(lower), int(upper)),
                                 "user", str(store))  # fmt: skip
    table = pd.DataFrame(rows, columns=["date", "event", "offset", "event_date", "source",
                                        "store"])  # fmt: skip
    table = table[(table["date"] >= first) & (table["date"] <= last)]
    return table.sort_values(["date", "event", "offset"], ignore_index=True)


def _window_rows(day: pd.Timestamp, name: str, window: Window, source: str,
                 store: str = "") -> list[tuple]:  # fmt: skip
    return [
        (day + pd.Timedelta(days=offset), name, offset, day, source, store)
        for offset in range(window.lower, window.upper + 1)
    ]


def read_events(frame: pd.DataFrame, *, source: str = "<events>") -> pd.DataFrame:
    """User events from a table: ``date``, ``name``, optional ``lower``, ``upper``, ``store``.

    A blank or missing ``store`` makes the event chain-wide; a store code makes it apply to that
    store alone (a local event, one store's campaign). Which stores exist is known only with the
    sales: :func:`check_event_stores` checks the codes then.

    Returns
    -------
    pandas.DataFrame
        ``date, name, lower, upper, store`` (``store`` blank for chain-wide events), one row per
        line of the file and in its order; ``attrs["source"]`` is ``source``.

    Raises
    ------
    SchemaError
        If a column is missing, a date does not parse, or a window is the wrong way round.

    Examples
    --------
    >>> read_events(pd.DataFrame({"date": ["2025-11-28"], "name": ["Black Friday"],
    ...                           "store": ["TRE"]}))["store"].tolist()
    ['TRE']
    """
    missing = [c for c in ("date", "name") if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"missing column {missing[0]!r} that event files need",
            source=source,
            where=f"found: {', '.join(map(str, frame.columns)) or 'no columns'}",
            fix="Write date,name[,lower,upper], e.g. 2025-11-27,Black Friday,-1,0",
        )
    dates = parse_dates(frame["date"])
    bad = dates.isna().to_numpy()
    if bad.any():
        first = int(bad.argmax())
        raise SchemaError(
            f"column 'date': not a date in {int(bad.sum())} rows",
            source=source,
            where=f"line {first + 2}: {frame['date'].iloc[first]!r}",
            fix="Write dates as YYYY-MM-DD",
        )
    out = pd.DataFrame({"date": dates, "name": frame["name"].astype("string").fillna("")})
    for column, default in (("lower", 0), ("upper", 0)):
        values = frame[column] if column in frame.columns else pd.Series(default, index=frame.index)
        numbers = pd.to_numeric(values.astype("string").str.strip().replace("", str(default)),
                                errors="coerce")  # fmt: skip
        if numbers.isna().any() or (numbers % 1 != 0).any():
            raise SchemaError(f"column {column!r}: not a whole number of days", source=source,
                              fix="Write e.g. -3 for three days before")  # fmt: skip
        out[column] = numbers.astype(int)
    wrong = (out["lower"] > 0) | (out["upper"] < 0)
    if wrong.any():
        row = int(wrong.to_numpy().argmax())
        raise SchemaError(
            "an event window must start on or before the event and end on or after it",
            source=source,
            where=f"line {row + 2}: lower={out['lower'].iloc[row]}, upper={out['upper'].iloc[row]}",
            fix="Use lower <= 0 <= upper",
        )
    if "store" in frame.columns:
        out["store"] = frame["store"].astype("string").str.strip().fillna("").astype(str)
    else:
        out["store"] = ""
    out = out.reset_index(drop=True)
    out.attrs["source"] = source
    return out


def check_event_stores(events: pd.DataFrame, stores: list[str],
                       *, source: str | None = None) -> None:  # fmt: skip
    """Refuse events given for a store that is not in the sales.

    Parameters
    ----------
    events : pandas.DataFrame
        From :func:`read_events` (lines are counted from its rows, the header being line 1).
    stores : list of str
        The stores of the sales.
    source : str, optional
        The events file, for the message; defaults to ``events.attrs["source"]``.

    Raises
    ------
    SchemaError
        Naming the file, the first line with an unknown store, how many lines have one, and the
        stores known.
    """
    if "store" not in events.columns:
        return
    given = events["store"].astype(str)
    unknown = ((given != "") & ~given.isin(stores)).to_numpy()
    if unknown.any():
        first = int(unknown.argmax())
        raise SchemaError(
            f"column 'store': {int(unknown.sum())} events for a store not in the sales",
            source=source or events.attrs.get("source", "<events>"),
            where=f"line {first + 2}: {given.iloc[first]!r}; stores in the sales: "
            f"{', '.join(sorted(stores))}",
            fix="Use one of those store codes, or leave store blank for every store",
        )
