"""What validation finds in a data file: one :class:`Problem` per check that failed, and the
:class:`ValidationReport` of a whole file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.errors import SchemaError

SHOWN = 5
"""Offending lines and values quoted per problem."""

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""A control character other than tab, line feed and carriage return (C0, DEL, C1): never part
of an id or a name. A quoted label may hold a line break (it is valid CSV, and kori writes it
quoted); the rules reader (``basket.columns.CONTROL``) refuses the same characters."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a file.

    Attributes
    ----------
    severity : str
        ``"error"`` (the file cannot be used as it is), ``"warning"`` (it can, but look) or
        ``"note"`` (most likely fine, e.g. no sales on a public holiday).
    check : str
        What was checked: ``missing_column``, ``blank``, ``unparseable_date``, ``non_numeric``,
        ``not_finite``, ``not_integer``, ``below_range``, ``above_range``, ``duplicate``,
        ``gap``, ``frequency`` (daily ``freq`` given for weekly dates), ``no_rows``,
        ``not_hour_start``, ``time_of_day`` (a time in a column of days),
        ``date_out_of_range`` (before 1970 or after 2100), ``control_character``,
        ``interval_order`` (a forecast outside its interval), ``outlier`` (a value far above
        the rest of its series), ``late_date`` (newest rows stranded far after all the others)
        or ``early_date`` (oldest rows stranded far before all the others).
    column : str
        The column in the file, or ``""`` for the whole file.
    count : int
        Offending rows (or missing days or weeks, for gaps).
    lines : tuple of int
        The first offending line numbers.
    message : str
        What is wrong, where, and how to fix it.
    """

    severity: str
    check: str
    column: str
    count: int
    lines: tuple[int, ...]
    message: str


@dataclass(frozen=True)
class ValidationReport:
    """All problems found in one file."""

    source: str
    kind: str
    rows: int
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems that make the file unusable."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems to look at that do not stop the file from being used."""
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def notes(self) -> tuple[Problem, ...]:
        """Findings that are most likely fine."""
        return tuple(p for p in self.problems if p.severity == "note")

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table: ``severity, check, column, count, lines, message``."""
        return pd.DataFrame(
            {
                "severity": [p.severity for p in self.problems],
                "check": [p.check for p in self.problems],
                "column": [p.column for p in self.problems],
                "count": [p.count for p in self.problems],
                "lines": [" ".join(map(str, p.lines)) for p in self.problems],
                "message": [p.message for p in self.problems],
            }
        )

    def raise_for_errors(self) -> None:
        """Raise the first error as a :class:`SchemaError`, mentioning how many more there are.

        Raises
        ------
        SchemaError
            If the report has any error.
        """
        if not self.errors:
            return
        first = self.errors[0]
        more = len(self.errors) - 1
        suffix = f"; {more} more error{'s' if more > 1 else ''}" if more else ""
        raise SchemaError(
            first.message + suffix,
            source=self.source,
            fix=f"See all of them with `kori data validate {self.kind} {self.source}`"
            if more
            else None,
        )


def problem(
    severity: str,
    check: str,
    name: str,
    mask: np.ndarray,
    lines: np.ndarray,
    values: pd.Series,
    what: str,
    fix: str,
) -> Problem:
    """A problem of the rows in ``mask``: ``column 'name': <what> in N rows (lines ...: values).
    <fix>``, quoting the first :data:`SHOWN` of them."""
    where = np.flatnonzero(mask)
    shown = where[:SHOWN]
    examples = ", ".join(repr(str(values.iloc[i])) for i in shown)
    line_list = ", ".join(str(lines[i]) for i in shown) + (", ..." if len(where) > SHOWN else "")
    count = len(where)
    message = (
        f"column {name!r}: {what} in {count} row{'s' if count > 1 else ''} "
        f"(line{'s' if count > 1 else ''} {line_list}: {examples}). {fix}"
    )
    return Problem(severity, check, name, count, tuple(int(lines[i]) for i in shown), message)


def escaped(value: object) -> str:
    """``value`` as text with its control characters escaped (``HK\\x00I``), safe to print.

    Examples
    --------
    >>> print(escaped("HK\\x00I"))
    HK\\x00I
    """
    return CONTROL.sub(lambda match: repr(match.group())[1:-1], str(value))
