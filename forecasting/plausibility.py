"""Plausibility checks: values far above the rest of their series (in sales and forecast
files), the newest or oldest rows stranded far from all the others (in sales files), and
forecasts outside their own interval (in forecast files). All would distort what is computed
from the file (a typed 1e308 forecasts 10^13 units a day, a hi80 of 1e12 orders billions of
packs; a stray row six months late moves the forecast origin of every series, one 34 years
early moves its series' forecast by a fifth), so :func:`forecasting.validation.validate_table`
reports them as errors.

The rules, and why a genuine Christmas peak passes, are in the notes of
:func:`forecasting.validation.validate_table`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.problems import SHOWN, Problem, escaped

OUTLIER_RATIO = 10.0
"""A sales value is implausible when it is more than this many times the largest of the rest
of its series (see :func:`forecasting.validation.validate_table`)."""
OUTLIER_FLOOR = 100.0
"""... and at least this many units: a slow mover's one-off bulk sale of a few dozen passes."""
OUTLIER_ROWS = 3
"""At most this many top values of a series are taken as implausible together."""
OUTLIER_HISTORY = 8
"""Series need at least this many other values before any of theirs is called implausible."""
STRANDED_GAP_DAYS = 28
"""The newest (or oldest) rows are stranded when a gap of more than this many days separates
them from all the others, ..."""
STRANDED_GAP_SPACINGS = 8
"""... a gap also more than this many times the median spacing of the file's dates, ..."""
STRANDED_SHARE = 0.01
"""... and they are at most this share of the rows (or a single row)."""


def outliers(
    columns: tuple[str, ...],
    series_key: tuple[str, ...],
    parsed: dict[str, pd.Series],
    present: dict[str, str],
    lines: np.ndarray,
) -> list[Problem]:
    """The top values of each series of ``series_key`` far above the rest of it.

    The values of all ``columns`` of a series are one series: a forecast file's ``forecast``,
    ``lo80`` and ``hi80`` are amounts of the same product, so a bound is compared with its
    own forecast and with every other day's, and a 7-day forecast is checked too. Gives one
    problem per column with implausible values.

    ``parsed`` holds the parsed columns by canonical name, ``present`` their names in the
    file, ``lines`` the line number of each row. Negative and non-finite values are left to
    the range checks.
    """
    rows_in = len(lines)
    code = np.tile(_series_code([parsed[k] for k in series_key]), len(columns))
    values = np.concatenate([parsed[c].to_numpy(dtype=float, na_value=np.nan) for c in columns])
    candidates = _candidates(values, code)
    if not len(candidates):
        return []
    frame = pd.DataFrame({"code": code[candidates], "value": values[candidates],
                          "at": candidates})  # fmt: skip
    frame = frame.sort_values(["code", "value"], ascending=[True, False], kind="stable")
    groups = frame.groupby("code", sort=False)
    rank = groups.cumcount().to_numpy()
    after = groups["value"].shift(-1).to_numpy()  # the next-largest value of the series
    rest = groups["value"].transform("size").to_numpy() - rank - 1
    value = frame["value"].to_numpy()
    jump = ((rank < OUTLIER_ROWS) & (value >= OUTLIER_FLOOR)
            & (value / OUTLIER_RATIO > after) & (rest >= OUTLIER_HISTORY))  # fmt: skip
    if not jump.any():
        return []
    # The first jump of a series cuts its implausible top values from the rest.
    group = frame["code"].to_numpy()
    cut = pd.Series(np.where(jump, rank, len(values))).groupby(group).transform("min").to_numpy()
    below = pd.Series(np.where(rank == cut + 1, value, np.nan)).groupby(group).transform("max")
    flagged = (rank <= cut) & (cut < len(values))
    at = frame["at"].to_numpy()[flagged]
    largest = below.to_numpy()[flagged]
    problems = []
    for index, column in enumerate(columns):
        mine = (at // rows_in) == index
        order = np.argsort(at[mine], kind="stable")
        rows = at[mine][order] - index * rows_in
        if len(rows):
            problems.append(_outlier_problem(column, columns, series_key, parsed, present, lines,
                                             rows, largest[mine][order]))  # fmt: skip
    return problems


def _outlier_problem(
    column: str,
    columns: tuple[str, ...],
    keys: tuple[str, ...],
    parsed: dict[str, pd.Series],
    present: dict[str, str],
    lines: np.ndarray,
    rows: np.ndarray,
    largest: np.ndarray,
) -> Problem:
    name = present[column]
    values = parsed[column]
    shown = "; ".join(
        f"line {lines[row]}: {_number(values.iloc[row])} for "
        + ", ".join(f"{present[k]} {escaped(parsed[k].iloc[row])}" for k in keys)
        + f", whose next-largest is {_number(rest_max)}"
        for row, rest_max in zip(rows[:SHOWN], largest[:SHOWN])
    ) + ("; ..." if len(rows) > SHOWN else "")
    count = len(rows)
    quoted = [repr(present[c]) for c in columns]
    scope = f" in {', '.join(quoted[:-1])} and {quoted[-1]}" if len(columns) > 1 else ""
    return Problem(
        "error", "outlier", name, count, tuple(int(lines[r]) for r in rows[:SHOWN]),
        f"column {name!r}: {count} value{'s' if count > 1 else ''} more than "
        f"{OUTLIER_RATIO:g} times anything else of {'their' if count > 1 else 'its'} "
        f"series{scope} ({shown}). Correct or remove the row{'s' if count > 1 else ''}",
    )  # fmt: skip


def _series_code(keys: list[pd.Series]) -> np.ndarray:
    """One integer per series of the ``keys`` columns, -1 where a key is missing."""
    code = np.zeros(len(keys[0]) if keys else 0, dtype=np.int64)
    usable = np.ones(len(code), dtype=bool)
    for key in keys:
        part, uniques = pd.factorize(key)
        usable &= part >= 0
        code = code * (len(uniques) + 1) + part
    return np.where(usable, code, -1)


def _candidates(values: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Rows of the series that may hold an implausible top value: a cheap screen by hashing,
    so that only those few series are sorted.

    A jump at rank r <= 2 leaves every value from rank r + 1 on below a tenth of the series'
    largest, so such a series has at most ``OUTLIER_ROWS`` values above that tenth.
    """
    usable = np.isfinite(values) & (values >= 0) & (code >= 0)
    value = pd.Series(np.where(usable, values, -1.0))
    largest = value.groupby(code).transform("max").to_numpy()
    above = pd.Series(usable & (value.to_numpy() > largest / OUTLIER_RATIO))
    n_above = above.groupby(code).transform("sum").to_numpy()
    size = pd.Series(usable).groupby(code).transform("sum").to_numpy()
    return np.flatnonzero(usable & (largest >= OUTLIER_FLOOR) & (n_above <= OUTLIER_ROWS)
                          & (size > OUTLIER_HISTORY))  # fmt: skip


def _number(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.3g}"


def stranded_dates(dates: pd.Series, name: str, lines: np.ndarray,
                   raw: pd.Series) -> list[Problem]:  # fmt: skip
    """The newest rows stranded after all the others, and the oldest stranded before them.

    Rows are stranded when a gap of more than :data:`STRANDED_GAP_DAYS` days, and of more than
    :data:`STRANDED_GAP_SPACINGS` times the median spacing of the file's dates, separates them
    from all the others, and they are at most :data:`STRANDED_SHARE` of the rows (or a single
    row). Gives a ``late_date`` problem for the newest such rows and an ``early_date`` problem
    for the oldest.

    ``dates`` are parsed, ``raw`` as written in column ``name``; ``lines`` numbers the rows.
    """
    values = dates.to_numpy()
    unit = np.datetime_data(values.dtype)[0]
    known = values.view("i8")[~np.isnat(values)]  # integers sort faster than datetime64
    unique, counts = np.unique(known, return_counts=True)
    if len(unique) < 3:
        return []
    steps = np.diff(unique) / (np.timedelta64(1, "D") / np.timedelta64(1, unit))
    usual = float(np.median(steps))
    wide = steps > max(STRANDED_GAP_SPACINGS * usual, float(STRANDED_GAP_DAYS))
    few = max(1.0, STRANDED_SHARE * len(known))
    older = np.cumsum(counts)[:-1]  # rows before each gap
    newer = len(known) - older  # rows after each gap
    problems = []
    late = np.flatnonzero(wide & (newer <= few))
    if len(late):
        at = int(late[0])
        problems.append(_stranded("late", dates, name, lines, raw, usual,
                                  *_stamps(unique[at : at + 2], unit)))
    early = np.flatnonzero(wide & (older <= few))
    if len(early):
        at = int(early[-1])
        problems.append(_stranded("early", dates, name, lines, raw, usual,
                                  *_stamps(unique[at : at + 2], unit)))
    return problems  # fmt: skip


def _stamps(ticks: np.ndarray, unit: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(np.datetime64(int(tick), unit)) for tick in ticks]


def _stranded(
    end: str,
    dates: pd.Series,
    name: str,
    lines: np.ndarray,
    raw: pd.Series,
    usual: float,
    before: pd.Timestamp,
    after: pd.Timestamp,
) -> Problem:
    """The problem of the rows on one side of the gap from ``before`` to ``after``."""
    late = end == "late"
    where = np.flatnonzero((dates > before) if late else (dates < after))
    count = len(where)
    quoted = "; ".join(f"line {lines[i]}: {str(raw.iloc[i])!r}" for i in where[:SHOWN])
    rows = f"{count} row{'s' if count > 1 else ''}"
    it, them = ("They", "them") if count > 1 else ("It", "it")
    side = (f"after all the others, which end on {before:%Y-%m-%d}" if late
            else f"before all the others, which start on {after:%Y-%m-%d}")  # fmt: skip
    harm = ("would move the forecast origin of every series" if late
            else f"would stretch the history of {'their' if count > 1 else 'its'} series over "
            "the gap and move the forecast")
    return Problem(
        "error", f"{end}_date", name, count, tuple(int(lines[i]) for i in where[:SHOWN]),
        f"column {name!r}: {rows} dated {(after - before).days:,} days {side} "
        f"({quoted}{'; ...' if count > SHOWN else ''}; the dates are usually "
        f"{_duration(pd.Timedelta(days=usual))} apart). {it} {harm}: correct or remove {them}",
    )  # fmt: skip


def _duration(delta: pd.Timedelta) -> str:
    if delta >= pd.Timedelta(days=1) and delta % pd.Timedelta(days=1) == pd.Timedelta(0):
        return f"{delta.days} day{'s' if delta.days != 1 else ''}"
    return str(delta)


def interval_order(
    columns: tuple[str, ...],
    parsed: dict[str, pd.Series],
    present: dict[str, str],
    lines: np.ndarray,
) -> list[Problem]:
    """Rows whose bounds are reversed or whose point forecast lies outside its interval.

    A point forecast (a mean) above its upper bound passes where the lower bound is 0: the
    negative binomial of a product that sells nothing on most days has a mean above its 90%
    quantile (kori's slow-mover forecast 0.17 with ``hi80`` 0). A Poisson or negative binomial
    never has it otherwise, nor a mean below its 10% quantile. A billionth of the point
    forecast is tolerated, for floating-point noise.
    """
    low, point, high = (parsed[name].to_numpy(dtype=float, na_value=np.nan) for name in columns)
    finite = np.isfinite(low) & np.isfinite(point) & np.isfinite(high)  # else refused already
    low, point, high = (np.where(finite, values, 0.0) for values in (low, point, high))
    slack = 1e-9 * np.maximum(1.0, np.abs(point))
    bad = ((low > high + slack) | (low > point + slack)
           | ((point > high + slack) & (low > slack)))  # fmt: skip
    if not bad.any():
        return []
    low_name, point_name, high_name = (present[name] for name in columns)
    where = np.flatnonzero(bad)
    shown = "; ".join(
        f"line {lines[i]}: {low_name} {low[i]:g}, {point_name} {point[i]:g}, "
        f"{high_name} {high[i]:g}"
        for i in where[:SHOWN]
    ) + ("; ..." if len(where) > SHOWN else "")
    count = len(where)
    return [
        Problem(
            "error", "interval_order", point_name, count,
            tuple(int(lines[i]) for i in where[:SHOWN]),
            f"column {point_name!r}: interval out of order in {count} row{'s' if count > 1 else ''}"
            f" ({shown}). Every row needs {low_name} <= {point_name} <= {high_name} "
            f"({point_name} above {high_name} only where {low_name} is 0, for a product that "
            "sells nothing on most days): correct the values, or make the forecast again with "
            "`kori forecast run`",
        )
    ]  # fmt: skip
