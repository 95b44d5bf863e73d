"""Weekly freezer space per product category, from daily demand forecasts of frozen products.

A store's big freezer holds ice cream in summer and Christmas hams before Christmas. For every
store, week and SKU, :func:`freezer_plan` works out the space a full delivery plus safety stock
needs, shares the freezer out when it is too small, and reports when each category's space should
grow or shrink and what does not fit.

Space per SKU and week (weeks start on Monday), from the mean ``m`` and variance ``v`` of daily
demand over the week's days::

    cycle_units  = m * review_days                       # one delivery's worth
    safety_units = z * sqrt(v * (lead_days + review_days))
    need_l       = (cycle_units + safety_units) * unit_volume_l

where ``z`` is the standard normal quantile of the category's service level. When a week's need
is more than the capacity, the space goes to the stock that serves the most forecast demand per
litre (a fractional knapsack): first the cycle stock of every SKU, in order of units per litre,
then the safety stock in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from forecasting.errors import ParameterError
from forecasting.stores import limit_problem

COLUMNS = ("store", "sku", "category", "date", "mean", "var", "unit_volume_l")
"""Columns :func:`freezer_plan` reads from the daily forecast."""

DEFAULT_SERVICE_LEVEL = 0.95
_SOURCE = "daily freezer forecast"
_SHOW = 3  # offending rows quoted per problem
_SNAP_L = 1e-10  # a shortfall below this many litres is float rounding, not a shortfall
_RUNS = 4  # runs of changes per category spelled out in the summary

_SKU_COLUMNS = [
    "store", "week", "sku", "category", "unit_volume_l", "weekly_units", "cycle_units",
    "safety_units", "need_l", "allocated_l", "short_l", "short_units",
]  # fmt: skip
_CATEGORY_COLUMNS = [
    "store", "week", "category", "weekly_units", "need_l", "allocated_l", "share", "short_l",
    "change_l",
]  # fmt: skip
_CHANGE_COLUMNS = ["store", "week", "category", "direction", "from_l", "to_l"]


@dataclass(frozen=True, eq=False)
class FreezerPlan:
    """Freezer space per store and week, by SKU and by category.

    Attributes
    ----------
    skus : pandas.DataFrame
        One row per store, week and SKU: ``store, week, sku, category, unit_volume_l,
        weekly_units, cycle_units, safety_units, need_l, allocated_l, short_l, short_units``.
        ``week`` is the Monday the week starts on; volumes are litres.
    categories : pandas.DataFrame
        One row per store, week and category: ``store, week, category, weekly_units, need_l,
        allocated_l, share, short_l, change_l``. ``share`` is of the store's capacity and
        ``change_l`` is against the previous week (0 in the first). A category with no SKU in a
        week of the store has a row of zeros, so its space is seen to grow from nothing.
    changes : pandas.DataFrame
        The weeks a category's space should grow or shrink: ``store, week, category, direction,
        from_l, to_l``. A row is reported when the allocated space moves more than the threshold
        away from the level last reported (the first week's level to begin with).
    shortfalls : pandas.DataFrame
        The rows of ``skus`` with ``short_l > 0``: the stock that does not fit.
    capacity : dict
        Freezer capacity in litres of every store in the plan.
    """

    skus: pd.DataFrame
    categories: pd.DataFrame
    changes: pd.DataFrame
    shortfalls: pd.DataFrame
    capacity: dict[str, float]

    def summary(self) -> list[str]:
        """Short lines for planners: space changes, peak weeks and shortfalls per store.

        Returns
        -------
        list of str
            For each store: when each category's space grows or shrinks (a run of reported
            changes in one direction is one phrase, from its first week), the peak week of each
            category, and the weeks the freezer is too small.

        Examples
        --------
        >>> plan.summary()[0]  # doctest: +SKIP
        'HKI: ice cream grows from week 2026-05-04 (120 L -> 480 L), shrinks from week ...'
        """
        lines: list[str] = []
        for store in self.categories["store"].drop_duplicates():
            categories = self.categories[self.categories["store"] == store]
            changes = self.changes[self.changes["store"] == store]
            short = self.skus[(self.skus["store"] == store) & (self.skus["short_l"] > 0)]
            lines.append(_change_line(store, changes))
            lines.append(_peak_line(store, categories, self.capacity[store]))
            lines.append(_short_line(store, categories, short))
        return lines


def freezer_plan(
    daily: pd.DataFrame,
    capacity: Mapping[str, float],
    *,
    service_level: float | Mapping[str, float] = DEFAULT_SERVICE_LEVEL,
    review_days: int = 7,
    lead_days: Mapping[str, int] | int = 4,
    threshold_share: float = 0.05,
) -> FreezerPlan:
    """Plan weekly freezer space per store, SKU and category from daily demand forecasts.

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per store, SKU and day: ``store, sku, category, date, mean, var,
        unit_volume_l``. ``mean`` is the expected units sold that day and ``var`` its variance
        (both >= 0); ``unit_volume_l`` is the litres one unit takes in the freezer (> 0, one
        value per store and SKU).
    capacity : mapping of str to float
        Freezer capacity in litres per store (> 0); every store in ``daily`` needs one.
    service_level : float or mapping of str to float, default 0.95
        Chance of not running out before the next delivery, in (0, 1): one value, or one per
        category. Categories missing from the mapping take its ``"*"`` entry if there is one,
        else 0.95. A level below 0.5 gives no safety stock (it is never negative).
    review_days : int, default 7
        Days between deliveries (>= 1): the freezer must hold this many days of demand.
    lead_days : int or mapping of str to int, default 4
        Days from order to delivery (>= 0): one value, or one per category (a category's
        supplier sets it), with ``"*"`` as the fallback as for ``service_level``, else 4.
    threshold_share : float, default 0.05
        A category's space is reported in ``changes`` when it moves more than
        ``max(threshold_share * capacity, 1 litre)`` from the level last reported, in [0, 1].

    Returns
    -------
    FreezerPlan
        Space needed and allocated per SKU and category, changes, shortfalls and a summary.

    Raises
    ------
    ParameterError
        If a column is missing, a ``mean`` or ``var`` is negative or missing, a
        ``unit_volume_l`` is not positive or differs within a store and SKU, a date cannot be
        read, a store and SKU has two rows for a day, a store has no capacity or a capacity is not
        positive, or a service level, day count or threshold is out of range. All problems in
        ``daily`` are reported at once, naming the SKUs.

    Examples
    --------
    >>> daily = pd.DataFrame({
    ...     "store": "HKI", "sku": "vanilla 1 l", "category": "ice cream",
    ...     "date": pd.date_range("2026-06-01", periods=7), "mean": 10.0, "var": 4.0,
    ...     "unit_volume_l": 1.0})
    >>> plan = freezer_plan(daily, {"HKI": 500.0})
    >>> round(float(plan.skus["need_l"].iloc[0]), 1)  # 70 + 1.645 * sqrt(4 * 11)
    80.9
    """
    levels = _per_category(service_level, "service_level", DEFAULT_SERVICE_LEVEL, _check_level)
    leads = _per_category(lead_days, "lead_days", 4, _check_days)
    _check_scalars(review_days, threshold_share)
    frame = _validated(daily)
    capacities = _capacities(capacity, frame["store"].drop_duplicates().tolist())

    skus = _weekly(frame, levels, leads, review_days)
    skus = _allocate(skus, capacities)
    categories = _categories(skus, capacities)
    changes = _changes(categories, capacities, threshold_share)
    shortfalls = skus[skus["short_l"] > 0].reset_index(drop=True)
    return FreezerPlan(skus, categories, changes, shortfalls, capacities)


# --- validation -------------------------------------------------------------------------------


def _per_category(
    value: float | Mapping[str, float],
    name: str,
    default: float,
    check: Callable[[object, str], None],
) -> dict[str, float]:
    """A per-category setting as a dict with a ``"*"`` fallback."""
    if not isinstance(value, Mapping):
        check(value, name)
        return {"*": value}
    for key, item in value.items():
        check(item, f"{name}[{key!r}]")
    return {"*": default, **value}


def _check_level(value: object, name: str) -> None:
    problem = limit_problem("service_level", value)
    if problem is not None:
        raise ParameterError(problem.replace("service_level", name, 1),
                             fix="Give a chance of no stock-out such as 0.95")  # fmt: skip


def _check_days(value: object, name: str) -> None:
    if not _is_int(value) or value < 0:
        raise ParameterError(
            f"{name} must be a whole number of days >= 0 (got {value!r})",
            fix="Give the days from order to delivery, such as 4",
        )


def _check_scalars(review_days: object, threshold_share: object) -> None:
    if not _is_int(review_days) or review_days < 1:
        raise ParameterError(
            f"review_days must be a whole number of days >= 1 (got {review_days!r})",
            fix="Give the days between deliveries, such as 7",
        )
    if not isinstance(threshold_share, (int, float)) or not 0 <= threshold_share <= 1:
        raise ParameterError(
            f"threshold_share must be between 0 and 1 (got {threshold_share!r})",
            fix="Give a share of the freezer capacity, such as 0.05",
        )


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _capacities(capacity: Mapping[str, float], stores: list) -> dict[str, float]:
    missing = [store for store in stores if store not in capacity]
    if missing:
        raise ParameterError(
            f"no freezer capacity for store {_names(missing)}",
            where=f"capacities given for: {_names(list(capacity)) or 'none'}",
            fix="Set freezer_capacity_litres in store.toml or give `capacity`",
        )
    out: dict[str, float] = {}
    for store in stores:
        litres = capacity[store]
        problem = limit_problem("freezer_capacity_litres", litres)
        if problem is not None:
            raise ParameterError(
                f"freezer capacity of store {store!r}: {problem.split(' = ', 1)[1]}",
                fix="Set freezer_capacity_litres in store.toml or give `capacity`",
            )
        out[store] = float(litres)
    return out


def _validated(daily: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``daily`` that are used, checked; every problem is raised at once."""
    missing = [c for c in COLUMNS if c not in daily.columns]
    if missing:
        raise ParameterError(
            f"missing column {_names(missing)}",
            source=_SOURCE,
            where=f"found: {', '.join(map(str, daily.columns))}",
            fix="Derive the daily forecast with columns " + ", ".join(COLUMNS),
        )
    frame = daily[list(COLUMNS)].copy()
    problems: list[tuple[str, str]] = []
    for column in ("mean", "var", "unit_volume_l"):
        values = pd.to_numeric(frame[column], errors="coerce").astype(float)
        bad = ~np.isfinite(values) | (values <= 0 if column == "unit_volume_l" else values < 0)
        if bad.any():
            rule = "positive" if column == "unit_volume_l" else ">= 0"
            problem = (
                f"{column} must be a finite number {rule} in {int(bad.sum())} rows "
                f"({_rows(frame, bad)})"
            )
            problems.append((problem, f"Fix {column} of these SKUs in the forecast"))
        frame[column] = values
    dates = frame["date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = pd.to_datetime(dates, errors="coerce", format="ISO8601")
    if dates.isna().any():
        bad = dates.isna()
        problems.append(
            (
                f"date cannot be read in {int(bad.sum())} rows ({_rows(frame, bad)})",
                "Write dates as YYYY-MM-DD",
            )
        )
    frame["date"] = dates.dt.normalize()
    volumes = frame.drop_duplicates(["store", "sku", "unit_volume_l"])
    mixed = volumes.duplicated(["store", "sku"], keep=False)
    if mixed.any():
        problems.append(
            (
                f"unit_volume_l differs within a store and SKU ({_rows(volumes, mixed)})",
                "Give one volume per SKU",
            )
        )
    twice = frame.duplicated(["store", "sku", "date"], keep=False) & dates.notna()
    if twice.any():
        problems.append(
            (
                f"{int(twice.sum())} rows repeat a store, SKU and date ({_rows(frame, twice)})",
                "Keep one forecast row per store, SKU and day",
            )
        )
    if problems:
        raise ParameterError(
            "; ".join(p for p, _ in problems),
            source=_SOURCE,
            fix=". ".join(f for _, f in problems),
        )
    return frame


def _rows(frame: pd.DataFrame, bad: pd.Series) -> str:
    """The first offending rows: store, SKU, date and the values."""
    shown = frame[bad].head(_SHOW)
    text = "; ".join(
        f"sku {row.sku!r} at store {row.store!r} on {_day(row.date)}: mean {_num(row.mean)}, "
        f"var {_num(row.var)}, unit_volume_l {_num(row.unit_volume_l)}"
        for row in shown.itertuples(index=False)
    )
    more = int(bad.sum()) - len(shown)
    return text + (f"; and {more} more" if more > 0 else "")


def _num(value: object) -> str:
    """A number to 6 significant digits (``1.4224``, not ``1.4223999999999999``)."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return f"{float(value):.6g}"
    return repr(value)


def _day(value: object) -> str:
    stamp = pd.to_datetime(value, errors="coerce")
    return str(value) if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")


def _names(values: list) -> str:
    return ", ".join(repr(v) for v in values)


# --- computation ------------------------------------------------------------------------------


def _weekly(
    frame: pd.DataFrame,
    levels: dict[str, float],
    leads: dict[str, float],
    review_days: int,
) -> pd.DataFrame:
    """Mean daily demand and variance per store, week and SKU, and the space they need."""
    frame["week"] = frame["date"] - pd.to_timedelta(frame["date"].dt.day_of_week, unit="D")
    weekly = (
        frame.groupby(["store", "week", "sku"], sort=True, observed=True)
        .agg(
            category=("category", "first"),
            unit_volume_l=("unit_volume_l", "first"),
            m=("mean", "mean"),
            v=("var", "mean"),
        )
        .reset_index()
    )
    category = weekly["category"]
    level = category.map(lambda c: levels.get(c, levels["*"])).astype(float)
    lead = category.map(lambda c: leads.get(c, leads["*"])).astype(float)
    z = level.map(NormalDist().inv_cdf).astype(float).clip(lower=0.0)
    weekly["weekly_units"] = weekly["m"] * 7
    weekly["cycle_units"] = weekly["m"] * review_days
    weekly["safety_units"] = z * np.sqrt(weekly["v"] * (lead + review_days))
    weekly["cycle_l"] = weekly["cycle_units"] * weekly["unit_volume_l"]
    weekly["safety_l"] = weekly["safety_units"] * weekly["unit_volume_l"]
    weekly["need_l"] = weekly["cycle_l"] + weekly["safety_l"]
    return weekly


def _allocate(weekly: pd.DataFrame, capacities: dict[str, float]) -> pd.DataFrame:
    """Share each store-week's capacity out greedily: cycle stock first, then safety stock.

    Within each tier, SKUs are served in order of units per litre (smallest unit volume first),
    ties by higher weekly demand, then by SKU, so the litres serve the most forecast demand.
    """
    order = weekly.assign(_neg=-weekly["weekly_units"]).sort_values(
        ["store", "week", "unit_volume_l", "_neg", "sku"], kind="mergesort"
    )
    cap = order["store"].map(capacities).to_numpy(float)
    keys = [order["store"], order["week"]]
    cycle = order["cycle_l"].to_numpy(float)
    safety = order["safety_l"].to_numpy(float)
    cycle_end = order.groupby(keys, sort=False, observed=True)["cycle_l"].cumsum().to_numpy()
    cycle_total = (
        order.groupby(keys, sort=False, observed=True)["cycle_l"].transform("sum").to_numpy()
    )
    safety_end = (
        order.groupby(keys, sort=False, observed=True)["safety_l"].cumsum().to_numpy()
        + cycle_total
    )
    # A piece that ends within the capacity fits whole; the first one past it gets the rest.
    got_cycle = np.where(cycle_end <= cap, cycle, np.clip(cap - (cycle_end - cycle), 0, cycle))
    got_safety = np.where(
        safety_end <= cap, safety, np.clip(cap - (safety_end - safety), 0, safety)
    )
    allocated = pd.Series(got_cycle + got_safety, index=order.index).reindex(weekly.index)
    out = weekly.copy()
    out["allocated_l"] = np.minimum(allocated.to_numpy(), out["need_l"].to_numpy())
    short = out["need_l"] - out["allocated_l"]
    snap = short < _SNAP_L
    out.loc[snap, "allocated_l"] = out.loc[snap, "need_l"]
    out["short_l"] = np.where(snap, 0.0, short)
    out["short_units"] = out["short_l"] / out["unit_volume_l"]
    return out[_SKU_COLUMNS].reset_index(drop=True)


def _categories(skus: pd.DataFrame, capacities: dict[str, float]) -> pd.DataFrame:
    """Totals per store, week and category, with zeros for categories absent in a week."""
    sums = (
        skus.groupby(["store", "week", "category"], sort=False, observed=True)[
            ["weekly_units", "need_l", "allocated_l", "short_l"]
        ]
        .sum()
        .reset_index()
    )
    grid = (
        skus[["store", "week"]]
        .drop_duplicates()
        .merge(skus[["store", "category"]].drop_duplicates(), on="store")
    )
    table = grid.merge(sums, on=["store", "week", "category"], how="left").fillna(
        {"weekly_units": 0.0, "need_l": 0.0, "allocated_l": 0.0, "short_l": 0.0}
    )
    table = table.sort_values(["store", "category", "week"], kind="mergesort")
    table["share"] = table["allocated_l"] / table["store"].map(capacities).astype(float)
    change = table.groupby(["store", "category"], sort=False, observed=True)["allocated_l"].diff()
    table["change_l"] = change.fillna(0.0)
    table = table.sort_values(["store", "week", "category"], kind="mergesort")
    return table[_CATEGORY_COLUMNS].reset_index(drop=True)


def _changes(
    categories: pd.DataFrame, capacities: dict[str, float], threshold_share: float
) -> pd.DataFrame:
    """Weeks a category's space moves past the threshold from the level last reported."""
    table = categories.sort_values(["store", "category", "week"], kind="mergesort")
    rows: list[tuple] = []
    # The level to compare with depends on the last report, so this walks each series in
    # order; the series are short (one value per week) and few (stores x categories).
    for (store, category), index in table.groupby(
        ["store", "category"], sort=False, observed=True
    ).indices.items():
        weeks = table["week"].to_numpy()[index]
        litres = table["allocated_l"].to_numpy()[index]
        threshold = max(threshold_share * capacities[store], 1.0)
        level = litres[0]
        for week, value in zip(weeks[1:], litres[1:]):
            if abs(value - level) > threshold:
                direction = "grow" if value > level else "shrink"
                rows.append((store, pd.Timestamp(week), category, direction, level, value))
                level = value
    changes = pd.DataFrame(rows, columns=_CHANGE_COLUMNS)
    changes["week"] = pd.to_datetime(changes["week"])
    changes[["from_l", "to_l"]] = changes[["from_l", "to_l"]].astype(float)
    return changes.sort_values(["store", "week", "category"], kind="mergesort").reset_index(
        drop=True
    )


# --- summary ----------------------------------------------------------------------------------


def _litres(value: float) -> str:
    return f"{value:,.0f} L"


def _week(value: pd.Timestamp) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _change_line(store: object, changes: pd.DataFrame) -> str:
    if changes.empty:
        return f"{store}: space per category stays within the threshold every week"
    phrases = []
    for category, rows in changes.groupby("category", sort=False):
        runs = (rows["direction"] != rows["direction"].shift()).cumsum()
        parts = []
        for number, (_, run) in enumerate(rows.groupby(runs, sort=False)):
            if number == _RUNS:
                parts.append(f"and {runs.nunique() - _RUNS} more changes")
                break
            first, last = run.iloc[0], run.iloc[-1]
            verb = "grows" if first["direction"] == "grow" else "shrinks"
            parts.append(
                f"{verb} from week {_week(first['week'])} "
                f"({_litres(first['from_l'])} -> {_litres(last['to_l'])})"
            )
        phrases.append(f"{category} " + ", ".join(parts))
    return f"{store}: " + "; ".join(phrases)


def _peak_line(store: object, categories: pd.DataFrame, capacity: float) -> str:
    peaks = categories.loc[categories.groupby("category", sort=False)["need_l"].idxmax()]
    parts = []
    for row in peaks.itertuples(index=False):
        text = f"{row.category} in week {_week(row.week)} (needs {_litres(row.need_l)}"
        if row.allocated_l < row.need_l:
            text += f", gets {_litres(row.allocated_l)}"
        parts.append(text + f", {row.allocated_l / capacity:.0%} of the freezer)")
    return f"{store}: peak need of " + "; ".join(parts)


def _short_line(store: object, categories: pd.DataFrame, short: pd.DataFrame) -> str:
    if short.empty:
        return f"{store}: everything fits in every week"
    weeks = short["week"].nunique()
    per_week = categories.groupby("week")["short_l"].sum()
    worst = per_week.idxmax()
    in_worst = categories[(categories["week"] == worst) & (categories["short_l"] > 0)]
    in_worst = in_worst.sort_values("short_l", ascending=False)
    what = ", ".join(
        f"{_litres(r.short_l)} of {r.category}" for r in in_worst.itertuples(index=False)
    )
    noun = "week" if weeks == 1 else "weeks"
    verb = "does" if len(in_worst) == 1 else "do"
    return (
        f"{store}: {weeks} {noun} short of capacity; worst: {what} {verb} not fit in week "
        f"{_week(worst)}"
    )
