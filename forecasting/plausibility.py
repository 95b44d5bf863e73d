"""Plausibility checks of sales files: values far above the rest of their series, and newest
rows stranded far after all the others. Both would distort every forecast made from the file
(a typed 1e308 forecasts 10^13 units a day; a stray row six months late moves the forecast origin
of every series), so :func:`forecasting.validation.validate_table` reports them as errors.

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
LATE_GAP_DAYS = 28
"""The newest rows are stranded when a gap of more than this many days separates them from
all the others, ..."""
LATE_GAP_SPACINGS = 8
"""... a gap also more than this many times the median spacing of the file's dates, ..."""
LATE_SHARE = 0.01
"""... and they are at most this share of the rows (or a single row)."""


def outliers(
    column: str,
    series_key: tuple[str, ...],
    parsed: dict[str, pd.Series],
    present: dict[str, str],
    lines: np.ndarray,
) -> list[Problem]:
    """The top values of each series of ``series_key`` far above the rest of it.

    ``parsed`` holds the parsed columns by canonical name, ``present`` their names in the
    file, ``lines`` the line number of each row. Negative and non-finite values are left to
    the range checks.
    """
    keys = list(series_key)
    values = parsed[column].to_numpy(dtype=float, na_value=np.nan)
    candidates = _candidates(values, [parsed[k] for k in keys])
    if not len(candidates):
        return []
    frame = pd.DataFrame({**{k: parsed[k].to_numpy()[candidates] for k in keys},
                          "value": values[candidates], "row": candidates})  # fmt: skip
    frame = frame.sort_values([*keys, "value"], ascending=[True] * len(keys) + [False],
                              kind="stable")  # fmt: skip
    if frame.empty:
        return []
    groups = frame.groupby(keys, sort=False)
    code = groups.ngroup().to_numpy()
    rank = groups.cumcount().to_numpy()
    after = groups["value"].shift(-1).to_numpy()  # the next-largest value of the series
    rest = groups["value"].transform("size").to_numpy() - rank - 1
    value = frame["value"].to_numpy()
    jump = ((rank < OUTLIER_ROWS) & (value >= OUTLIER_FLOOR)
            & (value / OUTLIER_RATIO > after) & (rest >= OUTLIER_HISTORY))  # fmt: skip
    if not jump.any():
        return []
    # The first jump of a series cuts its implausible top values from the rest.
    cut = pd.Series(np.where(jump, rank, len(values))).groupby(code).transform("min").to_numpy()
    below = pd.Series(np.where(rank == cut + 1, value, np.nan)).groupby(code).transform("max")
    flagged = (rank <= cut) & (cut < len(values))
    order = np.argsort(frame["row"].to_numpy()[flagged], kind="stable")
    rows = frame["row"].to_numpy()[flagged][order]
    largest = below.to_numpy()[flagged][order]
    name = present[column]
    shown = "; ".join(
        f"line {lines[row]}: {_number(values[row])} for "
        + ", ".join(f"{present[k]} {escaped(parsed[k].iloc[row])}" for k in keys)
        + f", whose next-largest is {_number(rest_max)}"
        for row, rest_max in zip(rows[:SHOWN], largest[:SHOWN])
    ) + ("; ..." if len(rows) > SHOWN else "")
    count = len(rows)
    return [
        Problem(
            "error", "outlier", name, count, tuple(int(lines[r]) for r in rows[:SHOWN]),
            f"column {name!r}: {count} value{'s' if count > 1 else ''} more than "
            f"{OUTLIER_RATIO:g} times anything else of {'their' if count > 1 else 'its'} "
            f"series ({shown}). Correct or remove the row{'s' if count > 1 else ''}",
        )
    ]  # fmt: skip


def _candidates(values: np.ndarray, keys: list[pd.Series]) -> np.ndarray:
    """Rows of the series that may hold an implausible top value: a cheap screen by hashing,
    so that only those few series are sorted.

    A jump at rank r <= 2 leaves every value from rank r + 1 on below a tenth of the series'
    largest, so such a series has at most ``OUTLIER_ROWS`` values above that tenth.
    """
    usable = np.isfinite(values) & (values >= 0)
    code = np.zeros(len(values), dtype=np.int64)
    for key in keys:
        part, uniques = pd.factorize(key)
        usable &= part >= 0
        code = code * (len(uniques) + 1) + part
    value = pd.Series(np.where(usable, values, -1.0))
    largest = value.groupby(code).transform("max").to_numpy()
    above = pd.Series(usable & (value.to_numpy() > largest / OUTLIER_RATIO))
    n_above = above.groupby(code).transform("sum").to_numpy()
    size = pd.Series(usable).groupby(code).transform("sum").to_numpy()
    return np.flatnonzero(usable & (largest >= OUTLIER_FLOOR) & (n_above <= OUTLIER_ROWS)
                          & (size > OUTLIER_HISTORY))  # fmt: skip


def _number(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.3g}"


def late_dates(dates: pd.Series, name: str, lines: np.ndarray, raw: pd.Series) -> list[Problem]:
    """The newest rows, when a long gap strands them after all the other rows.

    ``dates`` are parsed, ``raw`` as written in column ``name``; ``lines`` numbers the rows.
    """
    days = pd.DatetimeIndex(dates.dropna()).as_unit("ns")
    unique, counts = np.unique(days.asi8, return_counts=True)
    if len(unique) < 3:
        return []
    steps = np.diff(unique)
    usual = float(np.median(steps))
    least = max(LATE_GAP_SPACINGS * usual, float(pd.Timedelta(days=LATE_GAP_DAYS).value))
    newer = np.cumsum(counts[::-1])[::-1][1:]  # rows after each gap
    stranded = (steps > least) & (newer <= max(1.0, LATE_SHARE * len(days)))
    if not stranded.any():
        return []
    at = int(np.flatnonzero(stranded)[0])
    last, first = pd.Timestamp(unique[at]), pd.Timestamp(unique[at + 1])
    mask = (dates > last).to_numpy()
    gap = (first - last).days
    where = np.flatnonzero(mask)
    count = len(where)
    quoted = "; ".join(f"line {lines[i]}: {str(raw.iloc[i])!r}" for i in where[:SHOWN])
    rows = f"{count} row{'s' if count > 1 else ''}"
    return [
        Problem(
            "error", "late_date", name, count, tuple(int(lines[i]) for i in where[:SHOWN]),
            f"column {name!r}: {rows} dated {gap} days after all the others, which end on "
            f"{last:%Y-%m-%d} ({quoted}{'; ...' if count > SHOWN else ''}; the dates are "
            f"usually {_duration(pd.Timedelta(int(usual)))} apart). "
            f"{'They' if count > 1 else 'It'} would move the forecast origin of every series: "
            f"correct or remove {'them' if count > 1 else 'it'}",
        )
    ]  # fmt: skip


def _duration(delta: pd.Timedelta) -> str:
    if delta >= pd.Timedelta(days=1) and delta % pd.Timedelta(days=1) == pd.Timedelta(0):
        return f"{delta.days} day{'s' if delta.days != 1 else ''}"
    return str(delta)
