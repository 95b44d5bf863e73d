"""Visits -> one row per customer of habits: when, where, how often, how much and what they buy."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from customers.checks import blank, require_columns, row_names
from customers.dates import as_day
from customers.errors import SchemaError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Suffixes of the weekday share columns (``share_mon`` ... ``share_sun``)."""
HOUR_BINS = (("morning", 0, 11), ("midday", 11, 14), ("afternoon", 14, 17), ("evening", 17, 24))
"""Hour-of-day bins ``(name, first hour, end hour)``: before 11, 11-14, 14-17, from 17."""
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
"""Suffixes of the month columns (``season_jan`` ... ``season_dec``)."""


def _bad_rows(frame: pd.DataFrame, bad, columns: list[str], source: str, problem: str,
              fix: str, first_line: int | None = None) -> None:  # fmt: skip
    """Refuse the rows of ``bad``, naming the first three (``line N`` with ``first_line``)."""
    import numpy as np

    if bad.any():
        first = np.flatnonzero(bad)[:3]
        rows = frame[columns].iloc[first]
        names = row_names(frame.index, first, first_line)
        raise SchemaError(
            f"{int(bad.sum())} rows with {problem}",
            source=source,
            where="first: " + "; ".join(
                f"{name}: " + ", ".join(f"{c}={r[c]!r}" for c in columns)
                for name, (_, r) in zip(names, rows.iterrows())),
            fix=fix,
        )


def profiles(
    visits: pd.DataFrame,
    *,
    as_of: str | date | datetime,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    amount: str = "amount_eur",
    store: str | None = "store",
    lines: pd.DataFrame | None = None,
    category: str = "category",
    quantity: str | None = "quantity",
    source: str = "visits",
    first_line: int | None = None,
) -> pd.DataFrame:
    """One row per customer: recency, frequency, spend, basket, stores, weekdays, hours, categories.

    Vectorised (integer codes and :func:`numpy.bincount`, no loop over customers).

    Parameters
    ----------
    visits : pandas.DataFrame
        One row per visit (a receipt): customer, time, amount and (optionally) store.
    as_of : date
        The end of the observation (inclusive): recency is counted to it and a visit after it
        is an error. Required: the library never assumes today.
    customer, timestamp, amount, store : str
        Column names; ``store=None`` leaves the store columns out.
    lines : pandas.DataFrame, optional
        Receipt lines with the ``customer`` and ``category`` columns (and ``quantity``, else
        each line counts 1; and ``receipt_id`` to count items per receipt, else per visit).
        Adds ``items_per_visit`` and one ``cat_<category>`` share column per category.
    category, quantity : str
        Columns of ``lines``.
    source : str
        The name of ``visits`` in messages.
    first_line : int, optional
        Line number of the first visit in its file (2 for a CSV with a header): messages name
        ``line N`` instead of ``row <label>``.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: ``first_visit``, ``last_visit``, ``recency_days`` (days from the
        last visit to ``as_of``), ``frequency`` (visits), ``spend`` (total), ``mean_spend``
        (the basket size in money), ``main_store`` (most visits; ties to the first in sort
        order) and ``stores``, ``share_mon`` .. ``share_sun`` and ``share_morning``,
        ``share_midday``, ``share_afternoon``, ``share_evening`` (of the customer's visits,
        bins :data:`HOUR_BINS`), and with ``lines`` ``items_per_visit`` and ``cat_*``.

    Raises
    ------
    SchemaError
        A missing column, a missing customer, an unreadable time, a missing or negative amount,
        or a visit after ``as_of`` (naming the rows).

    Examples
    --------
    >>> import pandas as pd
    >>> visits = pd.DataFrame({"customer_id": [1, 1, 2], "store": ["A", "A", "B"],
    ...                        "timestamp": ["2024-01-03 08:10", "2024-01-10 08:20",
    ...                                      "2024-01-06 15:00"], "amount_eur": [7.5, 8.5, 40.0]})
    >>> p = profiles(visits, as_of="2024-01-14")
    >>> p[["recency_days", "frequency", "mean_spend", "main_store", "share_wed"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                 recency_days  frequency  mean_spend main_store  share_wed
    customer_id
    1                       4          2         8.0          A        1.0
    2                       8          1        40.0          B        0.0
    """
    import numpy as np
    import pandas as pd

    end = as_day(as_of, "as_of")
    needed = [customer, timestamp, amount] + ([store] if store else [])
    require_columns(visits, needed, source=source,
                    fix="Name the columns with `customer=`, `timestamp=`, `amount=` and `store=`")
    who = visits[customer]
    times = pd.to_datetime(visits[timestamp], errors="coerce", format="mixed")
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    spent = pd.to_numeric(visits[amount], errors="coerce")
    bad = blank(who) | (times.isna() | spent.isna()).to_numpy()
    _bad_rows(visits, bad, needed, source,
              f"a missing {customer}, an unreadable {timestamp} or a non-numeric {amount}",
              "Drop or correct those rows", first_line)
    _bad_rows(visits, (spent < 0).to_numpy(), needed, source, f"a negative {amount}",
              "Returns and refunds are not visits: drop them or net them into their visit",
              first_line)
    late = (times >= end + pd.Timedelta(days=1)).to_numpy()
    _bad_rows(visits, late, needed, source, f"a visit after `as_of={end.date()}`",
              "Set `as_of` to the last day of the data, or drop the later visits", first_line)

    codes, ids = pd.factorize(who, sort=True)
    n = len(ids)
    stamp = times.to_numpy()
    money = spent.to_numpy(dtype=float)
    frequency = np.bincount(codes, minlength=n)
    total = np.bincount(codes, weights=money, minlength=n)
    first = pd.Series(stamp).groupby(codes).min().to_numpy()
    last = pd.Series(stamp).groupby(codes).max().to_numpy()
    index = pd.Index(ids, name=customer)
    out = pd.DataFrame({
        "first_visit": first, "last_visit": last,
        "recency_days": ((end - pd.DatetimeIndex(last).normalize()).days).to_numpy(),
        "frequency": frequency, "spend": total.round(2), "mean_spend": total / frequency,
    }, index=index)  # fmt: skip
    if store:
        shop_codes, shops = pd.factorize(visits[store].astype(str), sort=True)
        pair = codes.astype(np.int64) * len(shops) + shop_codes
        keys, counts = np.unique(pair, return_counts=True)
        owner, shop = keys // len(shops), keys % len(shops)
        # For each customer the store with most visits (first in sort order on ties).
        order = np.lexsort((shop, -counts, owner))
        firsts = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
        out["main_store"] = np.asarray(shops)[shop[firsts]]
        out["stores"] = np.bincount(owner, minlength=n)
    weekday = times.dt.day_of_week.to_numpy()
    days = np.bincount(codes * 7 + weekday, minlength=7 * n).reshape(n, 7)
    for d, name in enumerate(WEEKDAYS):
        out[f"share_{name}"] = days[:, d] / frequency
    hour = times.dt.hour.to_numpy()
    bins = np.searchsorted([b[2] for b in HOUR_BINS], hour, side="right")
    hours = np.bincount(codes * len(HOUR_BINS) + bins, minlength=len(HOUR_BINS) * n)
    hours = hours.reshape(n, len(HOUR_BINS))
    for b, (name, _, _) in enumerate(HOUR_BINS):
        out[f"share_{name}"] = hours[:, b] / frequency
    seasons = _seasons(codes, times, pd.DatetimeIndex(first).normalize(), end, n)
    for m, name in enumerate(MONTHS):
        out[f"season_{name}"] = seasons[:, m]
    if lines is not None:
        _add_lines(out, lines, customer, category, quantity, index)
    return out


def _seasons(codes: np.ndarray, times: pd.Series, first: pd.DatetimeIndex, end: pd.Timestamp,
             n: int) -> np.ndarray:
    """Per customer and month, the share of visits in that month minus the share expected.

    The expected share is what the base's visits per day of each month would give over the
    days the customer has been a customer (first visit to ``end``): a customer who joined in
    October is not an autumn shopper for lack of a summer, and one seen over whole years has
    an expected share of about the base's. Positive values mean more visits in that month than
    the customer's time with us explains.
    """
    import numpy as np
    import pandas as pd

    start = first.min()
    days = pd.date_range(start, end, freq="D")
    month = days.month.to_numpy() - 1
    # Days of each month from the first day up to (and including) each day.
    so_far = np.zeros((len(days) + 1, 12))
    so_far[np.arange(1, len(days) + 1), month] = 1
    so_far = so_far.cumsum(axis=0)
    since = (first - start).days.to_numpy()
    exposure = so_far[-1] - so_far[since]  # (n, 12): days of each month as a customer
    visit_month = times.dt.month.to_numpy() - 1
    counts = np.bincount(codes * 12 + visit_month, minlength=12 * n).reshape(n, 12)
    # Visits per customer-day in each month across the base.
    rate = counts.sum(0) / np.maximum(exposure.sum(0), 1)
    expected = exposure * rate
    expected /= np.maximum(expected.sum(1, keepdims=True), 1e-12)
    return counts / np.maximum(counts.sum(1, keepdims=True), 1) - expected


def _add_lines(out: pd.DataFrame, lines: pd.DataFrame, customer: str, category: str,
               quantity: str | None, index: pd.Index) -> None:
    """Items per visit and category shares from receipt lines (in place)."""
    import numpy as np
    import pandas as pd

    require_columns(lines, [customer, category], source="lines",
                    fix="Give receipt lines with the customer and category of each line")
    who = index.get_indexer(lines[customer])
    qty = (pd.to_numeric(lines[quantity], errors="coerce").to_numpy(dtype=float)
           if quantity and quantity in lines.columns else np.ones(len(lines)))
    bad = lines[category].isna().to_numpy() | np.isnan(qty) | (qty < 0)
    _bad_rows(lines, bad, [customer, category], "lines",
              "a missing category or a missing or negative quantity", "Drop or correct them")
    keep = who >= 0
    out.attrs["lines_without_visits"] = int((~keep).sum())
    who, qty = who[keep], qty[keep]
    cats, names = pd.factorize(lines[category][keep].astype(str), sort=True)
    n = len(index)
    items = np.bincount(who, weights=qty, minlength=n)
    if "receipt_id" in lines.columns:
        receipts = pd.DataFrame({"c": who, "r": lines["receipt_id"].to_numpy()[keep]})
        per = np.bincount(receipts.drop_duplicates()["c"].to_numpy(), minlength=n)
    else:
        per = out["frequency"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["items_per_visit"] = np.where(per > 0, items / np.maximum(per, 1), np.nan)
        table = np.bincount(who * len(names) + cats, weights=qty,
                            minlength=n * len(names)).reshape(n, len(names))
        shares = table / items[:, None]
    for c, name in enumerate(names):
        out[f"cat_{name}"] = shares[:, c]
