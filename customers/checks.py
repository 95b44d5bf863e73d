"""Checks of a customer summary before a model trusts it: every problem at once, named."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from customers.errors import SchemaError, TooFewCustomersError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# Fewer customers than this cannot pin down four (or three) parameters.
MIN_CUSTOMERS = 20

SUMMARY_COLUMNS = ("frequency", "recency", "T")


def require_columns(frame: pd.DataFrame, needed: Sequence[str], *, source: str,
                    fix: str) -> None:  # fmt: skip
    """Refuse ``frame`` when it lacks a column of ``needed``: one SchemaError naming every
    missing column and the columns found.

    Raises
    ------
    SchemaError
    """
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise SchemaError("missing column " + ", ".join(f"'{c}'" for c in missing),
                          source=source, where="found: " + ", ".join(map(str, frame.columns)),
                          fix=fix)  # fmt: skip


def blank(values: pd.Series) -> np.ndarray:
    """True where a value is missing: NaN, or text that is empty or only spaces (files are read
    as text, so an empty field is ``""``, not NaN)."""
    import numpy as np
    import pandas as pd

    missing = values.isna().to_numpy()
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return missing
    text = values.astype(str).str.strip().to_numpy()
    return np.asarray(missing | (text == ""), dtype=bool)


def row_names(index: pd.Index, positions: Iterable[int], first_line: int | None) -> list[str]:
    """Where rows are, for a message: ``line N`` of the file (``first_line`` + position) when
    ``first_line`` is known, else ``row <label>`` (the frame's index label).

    Parameters
    ----------
    index : pandas.Index
        The index of the frame the rows are in.
    positions : iterable of int
        0-based positions of the rows in the frame.
    first_line : int, optional
        The line number of the frame's first row in its file (2 for a CSV with a header).

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pandas as pd
    >>> row_names(pd.RangeIndex(10), [0, 4], first_line=2)
    ['line 2', 'line 6']
    >>> row_names(pd.RangeIndex(10), [0, 4], first_line=None)
    ['row 0', 'row 4']
    """
    if first_line is None:
        return [f"row {index[i]}" for i in positions]
    return [f"line {first_line + int(i)}" for i in positions]


def _first(frame: pd.DataFrame, mask: pd.Series, columns: list[str], limit: int = 3) -> str:
    """The first offending customers of ``mask`` as ``customer 17: recency=40.1, T=38.9``."""
    rows = frame.loc[mask, columns].head(limit)
    parts = [
        f"customer {label}: " + ", ".join(f"{c}={row[c]:g}" for c in columns)
        for label, row in rows.iterrows()
    ]
    more = int(mask.sum()) - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def check_summary(
    summary: pd.DataFrame,
    *,
    source: str = "summary",
    columns: tuple[str, ...] = SUMMARY_COLUMNS,
    min_customers: int = MIN_CUSTOMERS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check a summary's ``frequency``, ``recency`` and ``T`` and return them as float arrays.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer (the index names the customer in messages).
    source : str
        The name of the table in messages.
    columns : tuple of str
        The frequency, recency and age columns.
    min_customers : int
        Fewer rows than this raise :class:`TooFewCustomersError` (0 turns the check off, for
        predictions).

    Returns
    -------
    (frequency, recency, T) : tuple of numpy.ndarray

    Raises
    ------
    SchemaError
        A missing column, or NaN, a negative or fractional frequency, a negative recency,
        non-positive T, or recency above T; all problems are named in one message.
    TooFewCustomersError
        Fewer than ``min_customers`` rows.
    """
    import pandas as pd

    missing = [c for c in columns if c not in summary.columns]
    if missing:
        raise SchemaError(
            f"missing column{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"'{c}'" for c in missing),
            source=source,
            where="found: " + ", ".join(map(str, summary.columns)),
            fix="Make the summary with customers.summarise(), or rename the columns to "
            "frequency, recency and T",
        )
    freq_col, rec_col, age_col = columns
    values = summary[list(columns)].apply(pd.to_numeric, errors="coerce").astype(float)
    checks = [
        ("NaN or non-numeric values", values.isna().any(axis=1), list(columns)),
        ("negative frequency", values[freq_col] < 0, [freq_col]),
        ("fractional frequency (it counts purchases)",
         (values[freq_col] % 1).fillna(0) != 0, [freq_col]),
        ("negative recency", values[rec_col] < 0, [rec_col]),
        ("non-positive T (the customer's age)", values[age_col] <= 0, [age_col]),
        ("recency above T", values[rec_col] > values[age_col] * (1 + 1e-9), [rec_col, age_col]),
        ("positive recency with frequency 0",
         (values[freq_col] == 0) & (values[rec_col] > 0), [freq_col, rec_col]),
    ]
    problems = [
        f"{name}: {_first(values, mask, cols)}" for name, mask, cols in checks if mask.any()
    ]
    if problems:
        raise SchemaError(
            "; ".join(problems),
            source=source,
            fix="Frequency counts repeat purchases (0 or more), recency is the time of the last "
            "one and T the time since the first purchase, with 0 <= recency <= T and T > 0",
        )
    if len(values) < min_customers:
        raise TooFewCustomersError(
            f"too few customers to fit: {len(values)}",
            source=source,
            where=f"need at least {min_customers}",
            fix="Fit on a longer history or more customers",
        )
    return (values[freq_col].to_numpy(), values[rec_col].to_numpy(), values[age_col].to_numpy())
