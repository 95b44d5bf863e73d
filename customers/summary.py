"""Transactions -> one row per customer: repeat purchases, recency, age and mean repeat spend."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from customers.checks import blank, require_columns, row_names
from customers.dates import as_day
from customers.errors import ParameterError, SchemaError

if TYPE_CHECKING:
    import pandas as pd

_PERIODS = {"D": 1.0, "W": 7.0}


def days_per_period(period: str | float) -> float:
    """The length of ``period`` in days: ``"D"`` 1, ``"W"`` 7, or a positive number of days."""
    if isinstance(period, str):
        if period.upper() in _PERIODS:
            return _PERIODS[period.upper()]
        raise ParameterError(
            f"unknown `period={period!r}`", fix='Use "D", "W" or a number of days per period'
        )
    if isinstance(period, bool) or not isinstance(period, (int, float)) or not period > 0:
        raise ParameterError(
            f"`period={period!r}` is not a positive number of days",
            fix='Use "D", "W" or a number of days per period such as 30.4',
        )
    return float(period)


def _purchase_days(
    transactions: pd.DataFrame, customer: str, timestamp: str, amount: str | None, source: str,
    end: pd.Timestamp, first_line: int | None,
) -> pd.DataFrame:
    """One row per customer and purchase day (same-day purchases are one), amounts summed;
    unreadable rows and purchases after ``end`` refused, naming their rows or lines."""
    import numpy as np
    import pandas as pd

    needed = [customer, timestamp] + ([amount] if amount else [])
    require_columns(transactions, needed, source=source,
                    fix="Name the columns with `customer=`, `timestamp=` and `amount=`")
    frame = pd.DataFrame({"customer": transactions[customer].to_numpy()})
    raw = transactions[timestamp]
    days = pd.to_datetime(raw, errors="coerce")
    retry = days.isna() & raw.notna()
    if retry.any():  # the format inferred from the first value does not fit them all
        days = days.where(~retry, pd.to_datetime(raw[retry], errors="coerce", format="mixed"))
    if getattr(days.dt, "tz", None) is not None:
        days = days.dt.tz_localize(None)
    frame["day"] = days.dt.normalize().to_numpy()
    bad = frame["day"].isna() | blank(transactions[customer])
    if amount:
        frame["amount"] = pd.to_numeric(transactions[amount], errors="coerce").to_numpy()
        bad |= frame["amount"].isna()
    if bad.any():
        first = np.flatnonzero(bad.to_numpy())[:3]
        rows = transactions[needed].iloc[first]
        names = row_names(transactions.index, first, first_line)
        raise SchemaError(
            f"{int(bad.sum())} rows with a missing customer, an unreadable {timestamp}"
            + (f" or a non-numeric {amount}" if amount else ""),
            source=source,
            where="first: " + "; ".join(
                f"{name}: " + ", ".join(f"{c}={r[c]!r}" for c in needed)
                for name, (_, r) in zip(names, rows.iterrows())
            ),
            fix="Drop or correct those rows",
        )
    days = frame.drop_duplicates(["customer", "day"]) if not amount else frame.groupby(
        ["customer", "day"], sort=False, as_index=False)["amount"].sum()  # fmt: skip
    late = days["day"] > end
    if late.any():
        # The earliest late day, at its first row in the file.
        stamps = frame["day"].to_numpy()
        first = int(np.flatnonzero(stamps == stamps[stamps > np.datetime64(end)].min())[0])
        line = (f", {row_names(transactions.index, [first], first_line)[0]}"
                if first_line is not None else "")
        raise SchemaError(
            f"{int(late.sum())} purchases after `as_of={end.date()}`",
            source=source,
            where=f"first: customer {frame['customer'].iloc[first]} on "
                  f"{pd.Timestamp(stamps[first]).date()}{line}",
            fix="Set `as_of` to the last day of the data, or drop the later purchases",
        )
    return days


def _per_customer(days: pd.DataFrame, end: pd.Timestamp, length: float) -> pd.DataFrame:
    """Frequency, recency, T and mean repeat spend of purchase days up to ``end`` (inclusive)."""
    import numpy as np

    days = days.sort_values(["customer", "day"], kind="stable")
    grouped = days.groupby("customer", sort=True)
    first = grouped["day"].min()
    out = first.to_frame("first_purchase")
    out["frequency"] = grouped.size() - 1
    to_periods = np.timedelta64(1, "D") * length
    out["recency"] = (grouped["day"].max() - first) / to_periods
    out["T"] = (end - first) / to_periods
    # The longest time between two purchase days: an absence the customer came back from.
    gaps = grouped["day"].diff()
    out["longest_gap"] = (gaps.groupby(days["customer"]).max() / to_periods).fillna(0.0)
    if "amount" in days.columns:
        first_amount = grouped["amount"].first()
        repeat = grouped["amount"].sum() - first_amount
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = repeat / out["frequency"]
        out["monetary_value"] = mean.where(out["frequency"] > 0)
        out["first_amount"] = first_amount
    return out


def summarise(
    transactions: pd.DataFrame,
    *,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    amount: str | None = None,
    as_of: str | date | datetime,
    period: str | float = "W",
    calibration_end: str | date | datetime | None = None,
    source: str = "transactions",
    first_line: int | None = None,
) -> pd.DataFrame:
    """One row per customer: repeat purchases, recency, age and mean repeat spend.

    Purchases on the same day count once (their amounts are summed), as in the literature:
    ``frequency`` x is the number of purchase days after the first, ``recency`` t_x the time
    from the first to the last purchase day and ``T`` the time from the first purchase day to
    ``as_of`` (or ``calibration_end``), all in ``period`` units. ``longest_gap`` is the longest
    time between two of the customer's purchase days (0 when x = 0): an absence they came back
    from, which :func:`customers.lifecycle` uses so that a seasonal customer in their usual off
    season does not count as lapsed. ``monetary_value`` is the mean spend of the repeat
    purchase days, excluding the first purchase (NaN when x = 0).

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase (a receipt, an order line...).
    customer, timestamp : str
        The columns of the customer id and of the purchase time (anything
        :func:`pandas.to_datetime` reads; the time of day is ignored).
    amount : str, optional
        The column of the amount spent; adds ``monetary_value`` and ``first_amount``.
    as_of : date
        The end of the observation (inclusive). Required: the library never assumes today.
    period : {"W", "D"} or float
        The time unit: weeks, days, or a number of days per period.
    calibration_end : date, optional
        Summarise only up to this day (inclusive) and add the holdout that follows up to
        ``as_of``: ``holdout_frequency`` (purchase days after ``calibration_end``),
        ``holdout_length`` (periods) and, with ``amount``, ``holdout_monetary_value``.
        Customers whose first purchase is after ``calibration_end`` are left out (their
        number is in ``.attrs["left_out"]``).
    source : str
        The name of the table in messages.
    first_line : int, optional
        Line number of the first transaction in its file (2 for a CSV with a header): messages
        name ``line N`` instead of ``row <label>``.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: ``first_purchase``, ``frequency``, ``recency``, ``T``,
        ``longest_gap`` (and the spend and holdout columns above).

    Raises
    ------
    SchemaError
        A missing column, unreadable rows, or a purchase after ``as_of`` (naming the customer
        and the date).
    ParameterError
        An unknown ``period``, or ``calibration_end`` not before ``as_of``.

    Examples
    --------
    >>> import pandas as pd
    >>> sales = pd.DataFrame({"customer_id": [1, 1, 1, 2],
    ...                       "timestamp": ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-08"]})
    >>> summarise(sales, as_of="2024-01-29")[["frequency", "recency", "T"]]
                 frequency  recency    T
    customer_id
    1                    1      2.0  4.0
    2                    0      0.0  3.0
    """
    import numpy as np

    length = days_per_period(period)
    end = as_day(as_of, "as_of")
    days = _purchase_days(transactions, customer, timestamp, amount, source, end, first_line)
    if calibration_end is None:
        out = _per_customer(days, end, length)
        out.index.name = customer
        return out
    cut = as_day(calibration_end, "calibration_end")
    if cut >= end:
        raise ParameterError(
            f"`calibration_end={cut.date()}` is not before `as_of={end.date()}`",
            fix="The holdout runs from the day after calibration_end to as_of",
        )
    calibration = days[days["day"] <= cut]
    out = _per_customer(calibration, cut, length)
    holdout = days[(days["day"] > cut) & days["customer"].isin(out.index)]
    counts = holdout.groupby("customer").size()
    out["holdout_frequency"] = counts.reindex(out.index, fill_value=0).astype(np.int64)
    out["holdout_length"] = (end - cut) / (np.timedelta64(1, "D") * length)
    if "amount" in days.columns:
        out["holdout_monetary_value"] = holdout.groupby("customer")["amount"].mean().reindex(
            out.index)
    out.index.name = customer
    out.attrs["left_out"] = int(days.loc[days["day"] > cut, "customer"].nunique()
                                - holdout["customer"].nunique())
    return out
