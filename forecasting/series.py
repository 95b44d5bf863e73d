"""Sales as a panel of series, one column per sku x store, category x store or store.

A missing day is a zero sale only when the store was open: closed days (from the store
configuration, or inferred as days on which the whole store sold nothing) stay missing, so that
no model learns that Christmas Day sells nothing and no metric scores it. Days before a series'
first sale (its first positive value) are missing too, rows of zero sales among them: the
product was not yet listed. Every fill and every row left out is counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from forecasting.calendar import holiday_names as _names
from forecasting.calendar import holiday_table
from forecasting.errors import ParameterError, SchemaError
from forecasting.stores import StoreConfig

LEVELS = ("sku", "category", "store")
"""What one series is: a product in a store, a category in a store, or a whole store."""

_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


@dataclass(frozen=True)
class FillReport:
    """What was done to the sales to make whole series.

    Attributes
    ----------
    rows : int
        Sales rows read.
    zero_filled : int
        Open days without a row that became zero sales.
    closed_days : int
        Store-days treated as closed (left missing).
    closures_inferred : bool
        Whether closed days were inferred from the data (no store configuration given).
    sales_on_closed_days : int
        Rows with sales on a day the configuration says is closed (kept as they are).
    partial_weeks : tuple of (pandas.Timestamp, pandas.Timestamp, int)
        Daily sales summed into weeks: the first and last day sold and the rows of a first or
        last week that the sales do not cover whole, left out.
    before_first_sale : int
        Rows of zero (or, summed, not positive) sales before a series' first positive sale,
        left missing (see :func:`first_sale_onwards`).
    """

    rows: int
    zero_filled: int
    closed_days: int
    closures_inferred: bool
    sales_on_closed_days: int = 0
    partial_weeks: tuple[tuple[pd.Timestamp, pd.Timestamp, int], ...] = ()
    before_first_sale: int = 0

    def lines(self) -> list[str]:
        """The report as sentences for the command line."""
        how = "days the whole store sold nothing" if self.closures_inferred else "store hours"
        out = [(
            f"{self.zero_filled:,} missing open days filled with zero sales; "
            f"{self.closed_days:,} closed store-days left out (closures from {how})"
        )]
        if self.sales_on_closed_days:
            out.append(f"{self.sales_on_closed_days:,} rows have sales on a day the store "
                       "configuration says is closed; they were kept")  # fmt: skip
        if self.before_first_sale:
            out.append(f"{self.before_first_sale:,} rows of zero sales before a series' first "
                       "sale left out: a product is not history before it first sells")  # fmt: skip
        for first, last, rows in self.partial_weeks:
            days = (last - first).days + 1
            span = f"{first:%Y-%m-%d}" + (f" to {last:%Y-%m-%d}" if days > 1 else "")
            out.append(f"left out {rows:,} row{'s' if rows != 1 else ''} of a partial week "
                       f"({days} day{'s' if days > 1 else ''}, {span}): weekly series hold "
                       "whole weeks")
        return out


@dataclass(frozen=True)
class SeriesSet:
    """Sales series on one grid of dates.

    Attributes
    ----------
    freq : str
        ``"D"`` or a weekly alias such as ``"W-SUN"`` (weeks labelled by their last day).
    dates : pandas.DatetimeIndex
        Every period from the first to the last date of the sales.
    keys : pandas.DataFrame
        One row per series: ``store`` and, below store level, ``sku`` or ``category``.
    values : numpy.ndarray
        ``(len(dates), len(keys))`` units sold; NaN on closed days and before a series began.
    is_open : pandas.DataFrame
        Whether each store was open each period (dates x stores).
    level : str
        One of :data:`LEVELS`.
    report : FillReport
    """

    freq: str
    dates: pd.DatetimeIndex
    keys: pd.DataFrame
    values: np.ndarray
    is_open: pd.DataFrame
    level: str
    report: FillReport

    @property
    def season(self) -> int:
        """Periods in the shortest seasonal cycle: 7 days, or 52 weeks."""
        return 7 if self.freq == "D" else 52

    @property
    def item_column(self) -> str | None:
        """The column of :attr:`keys` below the store, or None at store level."""
        return None if self.level == "store" else self.level

    @property
    def stores(self) -> list[str]:
        """Store codes in order of first appearance in :attr:`keys`."""
        return list(dict.fromkeys(self.keys["store"]))

    def labels(self) -> list[str]:
        """One readable label per series, e.g. ``HKI K1001``."""
        if self.item_column is None:
            return list(self.keys["store"])
        return [f"{s} {i}" for s, i in zip(self.keys["store"], self.keys[self.item_column])]

    def select(self, mask: np.ndarray) -> SeriesSet:
        """Only the series where ``mask`` is true."""
        return replace(self, keys=self.keys[mask].reset_index(drop=True),
                       values=self.values[:, mask])  # fmt: skip


def infer_freq(dates: pd.Series, *, source: str = "<sales>") -> str:
    """``"D"`` for daily dates, ``"W-<DAY>"`` for weekly ones.

    Raises
    ------
    SchemaError
        If the dates are neither daily nor weekly on one weekday.
    """
    unique = pd.DatetimeIndex(dates.dropna().unique()).sort_values()
    if len(unique) < 2:
        raise SchemaError(
            f"only {len(unique)} distinct date{'s' if len(unique) != 1 else ''}: too short a "
            "history to forecast",
            source=source,
            fix="Give at least two weeks of daily or several months of weekly sales",
        )
    step = pd.Series(np.diff(unique.to_numpy())).mode().iloc[0]
    if step == pd.Timedelta(days=1):
        return "D"
    weekdays = set(unique.day_of_week)
    if step % pd.Timedelta(days=7) == pd.Timedelta(0) and len(weekdays) == 1:
        return f"W-{_WEEKDAYS[weekdays.pop()]}"
    raise SchemaError(
        "cannot tell whether the sales are daily or weekly",
        source=source,
        where=f"most common step {step.days} days, dates on {len(weekdays)} weekdays",
        fix="Give `freq='D'` or `freq='W'`, with weekly dates all on one weekday",
    )


def sales_series(
    sales: pd.DataFrame,
    *,
    level: str = "sku",
    freq: str | None = None,
    catalog: pd.DataFrame | None = None,
    stores: Mapping[str, StoreConfig] | None = None,
    holiday_names: pd.Series | None = None,
    source: str = "<sales>",
    span: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> SeriesSet:
    """Whole series from long sales rows.

    Parameters
    ----------
    sales : pandas.DataFrame
        ``date, store, sku, quantity`` with typed values (see
        :func:`forecasting.validation.parse_table`).
    level : str, default "sku"
        One of :data:`LEVELS`; ``category`` needs ``catalog``.
    freq : str, optional
        ``"D"`` or ``"W"`` (weeks ending Sunday, or on the weekday of weekly data); inferred
        from the dates when not given. Daily sales are summed into weeks for ``"W"``.
    catalog : pandas.DataFrame, optional
        ``sku, category`` (for ``level="category"``).
    stores : Mapping of str to StoreConfig, optional
        Opening hours and closed days of daily data. Without them a day on which a store sold
        nothing at all counts as closed.
    holiday_names : pandas.Series, optional
        Holiday name per day (see :func:`forecasting.calendar.holiday_names`), for ``stores``;
        each store's own country's holidays when not given.
    source : str
        File name for messages.
    span : (Timestamp, Timestamp), optional
        First and last day of the whole data when ``sales`` is a part of it (one store's
        partition of a dataset): the series then run over the same periods as they would with
        all the sales, and forecasts start on the same day.

    Returns
    -------
    SeriesSet

    Raises
    ------
    ParameterError
        For an unknown level or frequency.
    SchemaError
        If the dates are irregular, skus lack a category, weekly data is asked to be daily, or
        daily data asked to be weekly holds no whole week.

    Notes
    -----
    Daily sales summed into weeks leave out a first or last week that the sales do not cover
    from its first to its last day: a week of a few days' sales would look like a slump. The
    report counts them.
    """
    if level not in LEVELS:
        raise ParameterError(f"unknown level {level!r}", fix=f"Use one of {', '.join(LEVELS)}")
    if len(sales) == 0:
        raise SchemaError("no sales rows", source=source, fix="Check that the export finished")
    data = sales[["date", "store", "sku", "quantity"]].copy()
    data["store"] = data["store"].astype(str)
    data["sku"] = data["sku"].astype(str)
    found = infer_freq(data["date"], source=source)
    freq = _resolve_freq(freq, found, source)
    partial: tuple[tuple[pd.Timestamp, pd.Timestamp, int], ...] = ()
    if freq != found:
        if found == "D":
            data, partial = _whole_weeks(data, freq, source)
        data["date"] = data["date"].dt.to_period(freq).dt.end_time.dt.normalize()
    item = _item_column(data, level, catalog, source)
    keys = ["date", "store"] + ([item] if item else [])
    data = data.groupby(keys, sort=False, observed=True)["quantity"].sum().reset_index()
    first, last = data["date"].min(), data["date"].max()
    if span is not None:
        bounds = pd.DatetimeIndex(span)
        if freq != "D":
            bounds = bounds.to_period(freq).end_time.normalize()
        first, last = min(first, bounds[0]), max(last, bounds[1])
    dates = pd.date_range(first, last, freq=freq)
    store_codes = list(dict.fromkeys(sorted(data["store"])))
    series_keys = data[keys[1:]].drop_duplicates().sort_values(keys[1:], ignore_index=True)
    values = np.full((len(dates), len(series_keys)), np.nan)
    row = dates.get_indexer(data["date"])
    column = pd.MultiIndex.from_frame(series_keys).get_indexer(
        pd.MultiIndex.from_frame(data[keys[1:]]))
    values[row, column] = data["quantity"].to_numpy(dtype=float)

    is_open, inferred = _open_days(data, dates, store_codes, freq, stores, holiday_names)
    store_of = series_keys["store"].to_numpy()
    open_matrix = is_open[store_of].to_numpy()
    present = ~np.isnan(values)
    started = first_sale_onwards(values)
    on_closed = int((present & ~open_matrix).sum())
    before_sale = present & ~started
    values[before_sale] = np.nan
    fill = started & ~present & open_matrix
    values[fill] = 0.0
    report = FillReport(
        rows=len(sales),
        zero_filled=int(fill.sum()),
        closed_days=int((~is_open.to_numpy()).sum()),
        closures_inferred=inferred,
        sales_on_closed_days=on_closed if not inferred else 0,
        partial_weeks=partial,
        before_first_sale=int(before_sale.sum()),
    )
    return SeriesSet(freq=freq, dates=dates, keys=series_keys, values=values, is_open=is_open,
                     level=level, report=report)  # fmt: skip


def first_sale_onwards(values: np.ndarray) -> np.ndarray:
    """Whether each period of each column of ``values`` is at or after the series' first sale.

    The first sale is the first positive value. Periods before it are not history: a Walmart
    department that opened mid-history, or whose only early row is a return (a negative week
    clipped to 0), would otherwise look like a series of zero sales, be called intermittent
    and get a count model fitted to weeks in which it did not exist. A series that never sold
    starts at its first row, so that its zeros still say it sells nothing.

    Examples
    --------
    >>> first_sale_onwards(np.array([[np.nan], [0.0], [3.0], [0.0]]))[:, 0].tolist()
    [False, False, True, True]
    """
    present = ~np.isnan(values)
    sold = present & (values > 0)
    never = ~sold.any(axis=0)
    marks = np.where(never[None, :], present, sold)
    return np.maximum.accumulate(marks, axis=0)


def _whole_weeks(data: pd.DataFrame, freq: str, source: str
                 ) -> tuple[pd.DataFrame, tuple[tuple[pd.Timestamp, pd.Timestamp, int], ...]]:  # fmt: skip
    """Daily rows without the first and last week when the sales do not cover them whole."""
    weeks = data["date"].dt.to_period(freq)
    first, last = data["date"].min(), data["date"].max()
    partial = [week for week, cut in ((weeks.min(), first > weeks.min().start_time),
                                      (weeks.max(), last < weeks.max().end_time.normalize()))
               if cut]  # fmt: skip
    drop = weeks.isin(set(partial)).to_numpy()
    if drop.all():
        raise SchemaError(
            f"the sales ({first:%Y-%m-%d} to {last:%Y-%m-%d}) hold no whole week",
            source=source,
            where=f"weeks run {weeks.min().start_time:%a} to {weeks.min().end_time:%a}",
            fix="Give at least a whole week of sales, or leave out `freq='W'`",
        )
    left = tuple((data.loc[drop & (weeks == week).to_numpy(), "date"].min(),
                  data.loc[drop & (weeks == week).to_numpy(), "date"].max(),
                  int((drop & (weeks == week).to_numpy()).sum())) for week in partial)  # fmt: skip
    return data[~drop].reset_index(drop=True), left


def _resolve_freq(given: str | None, found: str, source: str) -> str:
    if given is None:
        return found
    given = given.upper()
    if given == "D":
        if found != "D":
            raise SchemaError(
                "the sales are weekly and cannot be made daily",
                source=source,
                fix="Leave out `freq`, or give `freq='W'`",
            )
        return "D"
    if given == "W":
        return found if found.startswith("W-") else "W-SUN"
    if given.startswith("W-") and given[2:] in _WEEKDAYS:
        return given
    raise ParameterError(f"unknown frequency {given!r}", fix="Use D (daily) or W (weekly)")


def _item_column(data: pd.DataFrame, level: str, catalog: pd.DataFrame | None,
                 source: str) -> str | None:  # fmt: skip
    if level == "store":
        return None
    if level == "sku":
        return "sku"
    if catalog is None:
        raise ParameterError("forecasting by category needs the catalog",
                             fix="Give `catalog`")  # fmt: skip
    category = dict(zip(catalog["sku"].astype(str), catalog["category"].astype(str)))
    data["category"] = data["sku"].map(category)
    unknown = data.loc[data["category"].isna(), "sku"].unique()
    if len(unknown):
        shown = ", ".join(map(str, unknown[:3]))
        raise SchemaError(
            f"{len(unknown)} skus are not in the catalog",
            source=source,
            where=f"e.g. {shown}",
            fix="Add them to the catalog, or forecast at `level='sku'`",
        )
    return "category"


def _open_days(
    data: pd.DataFrame,
    dates: pd.DatetimeIndex,
    store_codes: list[str],
    freq: str,
    stores: Mapping[str, StoreConfig] | None,
    holiday_names: pd.Series | None,
) -> tuple[pd.DataFrame, bool]:
    """Whether each store was open each period, and whether that was inferred from sales."""
    if freq != "D":
        return pd.DataFrame(True, index=dates, columns=store_codes), False
    if stores:
        columns = {}
        own: dict[tuple[str, str | None], pd.Series] = {}
        for code in store_codes:
            config = stores.get(code)
            if config is None:
                raise ParameterError(
                    f"store {code!r} is in the sales but not in the store configuration",
                    where=f"configured: {', '.join(stores) or 'none'}",
                    fix=f"Add a [stores.{code}] table, or leave out `stores`",
                )
            names = holiday_names
            if names is None:  # the store's own country's holidays
                calendar = (config.country, config.subdiv)
                if calendar not in own:
                    own[calendar] = _names(dates, holiday_table(
                        dates[0], dates[-1], country=config.country, subdiv=config.subdiv))  # fmt: skip
                names = own[calendar]
            columns[code] = config.opening_hours(dates, names.reindex(dates).fillna(""))["is_open"]
        return pd.DataFrame(columns, index=dates), False
    totals = data.groupby(["date", "store"])["quantity"].sum().unstack("store")
    totals = totals.reindex(index=dates, columns=store_codes)
    return (totals.fillna(0) > 0), True


MAX_HORIZON_YEARS = 5
"""Forecasts reach at most this many years past the history: further out, a grocery's demand
is no longer the history's (assortment, stores and prices change), and the pandas calendar
ends in 2262."""


def future_dates(series: SeriesSet, horizon: int) -> pd.DatetimeIndex:
    """The ``horizon`` periods after the last date of ``series``.

    Raises
    ------
    ParameterError
        If ``horizon`` is out of range (see :func:`check_horizon`).
    """
    check_horizon(series.dates[-1], horizon, series.freq)
    return pd.date_range(series.dates[-1], periods=horizon + 1, freq=series.freq)[1:]


def check_horizon(last: pd.Timestamp, horizon: int, freq: str = "D") -> None:
    """Refuse a horizon below one period or beyond :data:`MAX_HORIZON_YEARS` after ``last``.

    Parameters
    ----------
    last : pandas.Timestamp
        The last date of the history.
    horizon : int
        Periods ahead.
    freq : str, default "D"
        ``"D"`` (days) or a weekly frequency such as ``"W-SUN"``.

    Raises
    ------
    ParameterError
        If ``horizon`` is below 1, more than :data:`MAX_HORIZON_YEARS` years, or would end
        after the last date pandas can hold (2262-04-11).

    Examples
    --------
    >>> check_horizon(pd.Timestamp("2025-11-30"), 365)
    """
    unit = "week" if str(freq).upper().startswith("W") else "day"
    if horizon < 1:
        raise ParameterError(f"a horizon of {horizon} periods",
                             fix="Forecast at least 1 period ahead, e.g. `horizon=28`")  # fmt: skip
    step = pd.Timedelta(days=7 if unit == "week" else 1)
    most = int(pd.Timedelta(days=round(365.25 * MAX_HORIZON_YEARS)) // step)
    room = int((pd.Timestamp.max - pd.Timestamp(last)) // step)
    limit = min(most, room)
    if horizon > limit:
        if horizon > most:
            reach = f"more than {MAX_HORIZON_YEARS} years ahead, further than sales history can tell"
        else:
            reach = f"past {pd.Timestamp.max:%Y-%m-%d}, the last date pandas can hold"
        example = min(limit, 365 if unit == "day" else 52)
        raise ParameterError(
            f"a horizon of {horizon:,} {unit}s reaches {reach}",
            fix=f"Forecast at most {limit:,} {unit}s after {pd.Timestamp(last):%Y-%m-%d}, "
            f"e.g. `horizon={example}`",
        )
