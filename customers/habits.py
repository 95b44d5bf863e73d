"""Regulars: customers whose visits keep to one weekday and hour, and when they come next.

A **regular** has at least ``min_visits`` visits (default :data:`MIN_VISITS`), at least
:data:`HABIT_SHARE` of them on one weekday within one window of :data:`WINDOW_HOURS` clock
hours, and comes to that slot at least every :data:`MAX_EVERY_WEEKS` weeks (median spacing).
Their next likely visit is the next slot after ``as_of`` at their usual spacing (weekly, or
every other week ...); a regular who has missed :data:`OVERDUE_MISSED` or more expected visits
is ``"overdue"``, else ``"due"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from customers.checks import require_columns
from customers.dates import as_day, parse_times, visit_times
from customers.errors import ParameterError
from customers.lines import card_lines, catalog_map

if TYPE_CHECKING:
    import pandas as pd

MIN_VISITS = 8
"""Visits a customer needs before a habit is read from them."""
HABIT_SHARE = 0.7
"""Share of a regular's visits that fall on their weekday and hour window."""
WINDOW_HOURS = 2
"""Width of the hour window, in clock hours (08:00-09:59 is one window)."""
MAX_EVERY_WEEKS = 4
"""The widest median spacing of a regular's slot visits, in weeks."""
OVERDUE_MISSED = 3
"""Expected visits missed since the last one that make a regular overdue."""
BASKET_SHARE = 0.5
"""Share of a regular's visits (with lines) an item must be on to be in their usual basket."""
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SHOW = 5


@dataclass(frozen=True)
class NextVisits:
    """What :func:`next_visits` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per regular: ``weekday``, ``hours`` (e.g. ``"08-09"``: the clock hours their
        slot visits fall in; empty when the times have no time of day), ``next_date``,
        ``every_weeks``, ``share`` (of their visits in the slot), ``visits``, ``last_visit``,
        ``days_since_last``, ``missed`` (expected visits since the last slot visit),
        ``status`` (``"due"`` or ``"overdue"``), ``store`` (most visits, when known) and with
        lines ``basket``.
    customers : int
        Customers in the visits.
    eligible : int
        Customers with at least ``min_visits`` visits.
    as_of : pandas.Timestamp
    min_visits : int
    has_hours : bool
        Whether the times have a time of day.
    """

    table: pd.DataFrame
    customers: int
    eligible: int
    as_of: Any
    min_visits: int
    has_hours: bool

    def summary(self) -> list[str]:
        """Regulars found, due and overdue, and the first few next visits."""
        t = self.table
        n = len(t)
        lines = [(f"{n:,} regulars among {self.customers:,} customers up to "
                  f"{self.as_of.date()} ({self.eligible:,} with {self.min_visits}+ visits; a "
                  f"regular has {HABIT_SHARE:.0%} of them on one weekday within {WINDOW_HOURS} "
                  f"hours, at least every {MAX_EVERY_WEEKS} weeks)")]
        if not self.has_hours:
            lines.append("the times have no time of day: regulars are read from weekdays only")
        if n:
            overdue = int((t["status"] == "overdue").sum())
            lines.append(f"{n - overdue:,} due, {overdue:,} overdue ({OVERDUE_MISSED}+ expected "
                         "visits missed)")
            for _, row in t.head(_SHOW).iterrows():
                hours = f" {row['hours']}" if row["hours"] else ""
                lines.append(f"{row.iloc[0]}: {row['weekday']}{hours}, next {row['next_date']} "
                             f"({row['share']:.0%} of {row['visits']} visits, last "
                             f"{row['days_since_last']} days ago, {row['status']})"
                             + (f"; buys {_plain(row['basket'])}" if row.get("basket") else ""))
        return lines


def next_visits(
    visits: pd.DataFrame,
    *,
    as_of: str | date | datetime,
    min_visits: int = MIN_VISITS,
    customer: str = "customer_id",
    timestamp: str = "timestamp",
    store: str | None = "store",
    lines: pd.DataFrame | None = None,
    item: str = "sku",
    catalog: pd.DataFrame | None = None,
    date_format: str | None = None,
    source: str = "visits",
    first_line: int | None = None,
) -> NextVisits:
    """Regulars and their next likely visit (vectorised: no loop over customers).

    Visits of one customer at the same time count once. For each customer with at least
    ``min_visits`` visits the busiest slot (weekday and :data:`WINDOW_HOURS`-hour window) is
    found; with at least :data:`HABIT_SHARE` of the visits in it, at least every
    :data:`MAX_EVERY_WEEKS` weeks, the customer is a regular.
    ``every_weeks`` is the median spacing of the slot visits in whole weeks (at least 1), and
    ``next_date`` the first slot date after ``as_of`` on that spacing from the last slot visit.

    Parameters
    ----------
    visits : pandas.DataFrame
        One row per visit: customer and time (and store).
    as_of : date
        The last day of the visits (required: the library never assumes today).
    min_visits : int
        Visits needed to be a regular.
    customer, timestamp, store : str
        Columns; ``store`` is used when present.
    lines : pandas.DataFrame, optional
        Receipt lines with ``customer``, ``item`` and ``receipt_id`` or ``timestamp`` (one
        visit each): adds ``basket``, the items on at least :data:`BASKET_SHARE` of the
        regular's visits with lines, most frequent first, then most recent.
        Without a ``customer`` column the lines take the customer of their ``receipt_id``
        from ``visits`` (a loyalty visits file has the receipt of each visit).
    item : str
        The item column of ``lines`` (a sku or a name).
    catalog : pandas.DataFrame, optional
        The ``item`` column and ``name``: the basket names its items (``Skimmed milk 1 l``).
    date_format : str, optional
        strftime format of ``timestamp`` (e.g. ``"%d-%m-%Y"``; default: inferred).
    source : str
        The name of the visits in messages.
    first_line : int, optional
        Line number of the first visit in its file (2 for a CSV with a header): messages name
        ``line N`` instead of ``row <label>``.

    Raises
    ------
    SchemaError
        A missing column, an unreadable time, a visit after ``as_of`` (naming the rows).
    ParameterError
        ``min_visits`` not a whole number of at least 2.
    """
    import numpy as np
    import pandas as pd

    if isinstance(min_visits, bool) or not isinstance(min_visits, (int, np.integer)) \
            or min_visits < 2:
        raise ParameterError(f"`min_visits={min_visits!r}` is not a whole number of at least 2",
                             fix="Give the visits a regular needs, e.g. 8")
    end = as_day(as_of, "as_of")
    require_columns(visits, (customer, timestamp), source=source,
                    fix="Name the columns with `customer=` and `timestamp=`")
    if date_format is not None:
        visits = visits.assign(**{timestamp: parse_times(visits[timestamp], date_format,
                                                         timestamp, source, first_line)})
    times = visit_times(visits, customer, timestamp, end, source, first_line)
    frame = pd.DataFrame({"c": visits[customer].to_numpy(), "t": times.to_numpy()})
    if store and store in visits.columns:
        frame["s"] = visits[store].astype(str).to_numpy()
    frame = frame.drop_duplicates(["c", "t"])
    codes, ids = pd.factorize(frame["c"], sort=True)
    n = len(ids)
    t = pd.DatetimeIndex(frame["t"])
    has_hours = bool((t != t.normalize()).any())
    weekday, hour = t.day_of_week.to_numpy(), t.hour.to_numpy()
    count = np.bincount(codes, minlength=n)
    cells = np.bincount(codes * 168 + weekday * 24 + hour, minlength=n * 168).reshape(n, 7, 24)
    window = cells.copy()
    for shift in range(1, WINDOW_HOURS):
        window[:, :, :-shift] += cells[:, :, shift:]
    flat = window.reshape(n, 168)
    best = flat.argmax(axis=1)
    share = flat[np.arange(n), best] / np.maximum(count, 1)
    regular = (count >= min_visits) & (share >= HABIT_SHARE)
    day, start = best // 24, best % 24
    # The slot visits of every customer (only regulars are kept in the end).
    in_slot = (weekday == day[codes]) & (hour >= start[codes]) & (hour < start[codes] + WINDOW_HOURS)
    keep = in_slot & regular[codes]
    slot = pd.DataFrame({"c": codes[keep], "t": t[keep], "h": hour[keep]}).sort_values(["c", "t"])
    grouped = slot.groupby("c")
    gaps = grouped["t"].diff().dt.days
    every = (gaps.groupby(slot["c"]).median() / 7).round().fillna(1).clip(lower=1).astype(int)
    lo, hi = grouped["h"].min(), grouped["h"].max()
    last_slot = grouped["t"].max().dt.normalize()
    often = every.reindex(np.arange(n)).fillna(MAX_EVERY_WEEKS + 1).to_numpy() <= MAX_EVERY_WEEKS
    regular &= often
    who = np.flatnonzero(regular)
    every, lo, hi, last_slot = (s.reindex(who) for s in (every, lo, hi, last_slot))
    step = every.to_numpy() * 7
    since_slot = (end - pd.DatetimeIndex(last_slot)).days.to_numpy()
    ahead = since_slot // step + 1  # slot dates after the last slot visit up to past as_of
    next_date = pd.DatetimeIndex(last_slot) + pd.to_timedelta(ahead * step, unit="D")
    last_any = pd.Series(t).groupby(codes).max().reindex(who)
    table = pd.DataFrame({
        customer: np.asarray(ids)[who],
        "weekday": np.asarray(_DAY_NAMES)[day[who]],
        "hours": ([f"{a:02d}-{b + 1:02d}" for a, b in zip(lo, hi)] if has_hours
                  else [""] * len(who)),
        "next_date": next_date.date,
        "every_weeks": every.to_numpy(),
        "share": share[who].round(3),
        "visits": count[who],
        "last_visit": pd.DatetimeIndex(last_any).date,
        "days_since_last": (end - pd.DatetimeIndex(last_any).normalize()).days.to_numpy(),
        "missed": since_slot // step,
    })  # fmt: skip
    table["status"] = np.where(table["missed"] >= OVERDUE_MISSED, "overdue", "due")
    if "s" in frame:
        mode = frame.assign(k=codes).groupby(["k", "s"]).size().reset_index(name="v")
        mode = mode.sort_values(["k", "v", "s"], ascending=[True, False, True]).drop_duplicates("k")
        table["store"] = mode.set_index("k")["s"].reindex(who).to_numpy()
    if lines is not None:
        lines = card_lines(lines, visits, customer)
        table["basket"] = _baskets(lines, table[customer], customer, item, _names(catalog, item))
    table = table.sort_values(["status", "next_date", customer]).reset_index(drop=True)
    return NextVisits(table=table, customers=n, eligible=int((count >= min_visits).sum()),
                      as_of=end, min_visits=int(min_visits), has_hours=has_hours)


def _names(catalog: pd.DataFrame | None, item: str) -> dict[str, str]:
    """Item -> name from ``catalog`` (empty without one)."""
    if catalog is None:
        return {}
    names = catalog_map(catalog, item, "name",
                        fix="Give a catalog with the item column (`item=`) and a name column")
    return {key: str(value) for key, value in names.items()}


def _baskets(lines: pd.DataFrame, regulars: pd.Series, customer: str, item: str,
             names: dict[str, str]) -> list[str]:
    """Each regular's usual items: on at least BASKET_SHARE of their visits with lines."""
    import pandas as pd

    visit = "receipt_id" if "receipt_id" in lines.columns else "timestamp"
    require_columns(lines, (customer, item, visit), source="lines",
                    fix="Give receipt lines with the customer, `item=` and receipt_id or "
                        "timestamp of each line")
    frame = pd.DataFrame({
        "c": lines[customer].to_numpy(), "v": lines[visit].to_numpy(),
        "i": lines[item].astype(str).to_numpy(),
        "q": (pd.to_numeric(lines["quantity"], errors="coerce").to_numpy()
              if "quantity" in lines.columns else 1.0),
        "w": (pd.to_datetime(lines["timestamp"], errors="coerce", format="mixed").to_numpy()
              if "timestamp" in lines.columns else range(len(lines))),
    })  # fmt: skip
    frame = frame[frame["c"].isin(set(regulars))]
    per = frame.drop_duplicates(["c", "v"]).groupby("c").size()
    items = frame.groupby(["c", "v", "i"], sort=False).agg(q=("q", "sum"), w=("w", "max"))
    items = items.reset_index().groupby(["c", "i"]).agg(
        n=("v", "size"), last=("w", "max"), q=("q", "median")).reset_index()
    items["share"] = items["n"] / per.reindex(items["c"]).to_numpy()
    items = items[items["share"] >= BASKET_SHARE]
    items = items.sort_values(["c", "n", "last", "i"], ascending=[True, False, False, True])
    items["text"] = [f"{_units(q)}{names.get(i, i)} ({s:.0%})"
                     for i, q, s in zip(items["i"], items["q"], items["share"])]
    text = items.groupby("c")["text"].agg(", ".join)
    return [text.get(c, "") for c in regulars]


def _units(quantity: float) -> str:
    """``"2 x "`` for a usual quantity other than one (``""`` for one or unknown)."""
    import math

    if math.isnan(quantity) or quantity == 1:
        return ""
    return f"{quantity:g} x "


def _plain(basket: str) -> str:
    """A basket cell without the shares: ``"2 x Skimmed milk 1 l, Coffee 500 g"``."""
    import re

    return re.sub(r" \(\d+%\)", "", basket)
