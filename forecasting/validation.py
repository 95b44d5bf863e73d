"""Check a data file of the store before anything is computed from it.

Every problem is reported at once, not only the first: missing columns, unparseable dates,
dates outside 1970-2100, times of day in columns of days, control characters in ids and names,
non-numeric, non-finite or negative quantities, duplicates and gaps, forecasts outside their
interval, values far above the rest of their series (in sales and forecast files), and the
newest or oldest rows of a sales file stranded far from all the others. Each problem says where
it is (the first offending lines and values) and how to fix it.

Dates and times keep the local wall-clock time as written: an offset (``+02:00``, ``Z``) or the
time zone of a typed Parquet column is dropped, so ``2025-11-03T00:00:00+02:00`` is
2025-11-03 00:00.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from forecasting.dates import WINDOW, check_date_format, outside_window, parse_dates, time_of_day
from forecasting.errors import ParameterError
from forecasting.gaps import gaps
from forecasting.plausibility import interval_order, outliers, stranded_dates
from forecasting.problems import CONTROL, Problem, ValidationReport, escaped
from forecasting.problems import SHOWN as _SHOW
from forecasting.problems import problem as _problem
from forecasting.schemas import (
    KINDS,
    NEGATIVE,
    SCHEMAS,
    Column,
    Schema,
    column_names,
    guess_kind,
    missing_column,
    schema_for,
)

__all__ = ["KINDS", "NEGATIVE", "SCHEMAS", "Column", "Problem", "Schema",
           "ValidationReport", "check_date_format", "guess_kind", "parse_dates", "parse_table",
           "validate_table"]


def validate_table(
    frame: pd.DataFrame,
    kind: str | Schema,
    *,
    source: str = "<input>",
    columns: Mapping[str, str] | None = None,
    date_format: str | None = None,
    first_line: int = 2,
    freq: str | None = None,
    country: str | None = "FI",
    subdiv: str | None = None,
    negative: str = "error",
) -> ValidationReport:
    """Check a table of one of the known kinds and report every problem.

    Parameters
    ----------
    frame : pandas.DataFrame
        The file as read; values may be text (as read from CSV) or typed (Parquet).
    kind : str or Schema
        ``"sales"``, ``"weather"``, ``"catalog"``, ``"stock"``, ``"forecast"`` or ``"traffic"``,
        or the schema of another kind (receipts: ``Schema.from_spec`` of
        :data:`basket.columns.RECEIPTS_SCHEMA`).
    source : str, default "<input>"
        The file name, quoted in the messages.
    columns : Mapping of str to str, optional
        Names in the file of the canonical columns, e.g. ``{"date": "day"}``.
    date_format : str, optional
        ``strftime`` format of the dates (e.g. ``"%d.%m.%Y"``); ISO 8601 when not given.
    first_line : int, default 2
        Line number of the first row in the file (2 for CSV with a header, 1 for JSON Lines).
    freq : {"D", "W"}, optional
        Daily or weekly data, for the gaps: days without any row of a store, or weeks (on the
        weekday of weekly dates, else ending Sunday). Inferred from the dates as
        :func:`forecasting.series.infer_freq` infers it when not given (daily when they are
        too few or neither daily nor weekly); ``"D"`` for weekly data is an error, as in
        :func:`forecasting.forecast`. See :func:`forecasting.gaps.gaps`.
    country : str or None, default "FI"
        Days without rows that are public holidays of this country are reported as notes
        (stores close on some), other missing days as warnings. ``None`` treats all alike.
        Missing weeks are warnings whatever holiday they hold: a holiday closes a store for a
        day, not a week.
    subdiv : str, optional
        Subdivision (state, province) of the country's holiday calendar.
    negative : str, default "error"
        Negative quantities of a sales file (returns): an ``"error"``, or a warning that says
        how many :func:`parse_table` sets to 0 (``"clip"``) or leaves out (``"drop"``). Only
        sales files take another value than ``"error"``.

    Returns
    -------
    ValidationReport

    Raises
    ------
    ParameterError
        If ``kind`` is unknown, ``columns`` maps a column the kind does not have,
        ``date_format`` is not a ``strftime`` format, ``negative`` is not one of
        :data:`NEGATIVE` (or not ``"error"`` outside sales files), or (in files with dates
        per store: sales, weather) ``freq``, ``country`` or ``subdiv`` is unknown.

    Notes
    -----
    Numbers must be finite (``inf`` is refused like ``nan``). Dates and times must lie from
    :data:`~forecasting.dates.EARLIEST` (1970-01-01) to :data:`~forecasting.dates.LATEST`
    (2100-12-31): before 1970 the time from a date to pandas' last timestamp overflows
    ``pandas.Timedelta`` (a forecast of sales from 1960 crashes), after 2100 the ``holidays``
    package has no public holidays (Christmas would be forecast as an ordinary day). A column of
    days (sales, weather and forecast ``date``) may not hold a time of day other than
    00:00:00: a row stamped 13:00 would put the day's sales beside, not on, that day's
    closures and holidays. Ids and names may not hold control characters (tab aside): a NUL
    makes ``HK\\x00I`` a second store. In a forecast file every row needs
    ``lo80 <= forecast <= hi80``.

    Three checks guard against values that would distort everything computed from the file:

    * **outlier** (sales ``quantity``; forecast ``forecast``, ``lo80`` and ``hi80`` taken
      together as one series): the top values of a series (store and sku) are implausible
      when they are more than :data:`~forecasting.plausibility.OUTLIER_RATIO` (10) times the
      largest of the rest of that series and at least
      :data:`~forecasting.plausibility.OUTLIER_FLOOR` (100) units; at most
      :data:`~forecasting.plausibility.OUTLIER_ROWS` (3) values of a series are taken
      together, and only in series with at least
      :data:`~forecasting.plausibility.OUTLIER_HISTORY` (8) other values. Comparing with the
      series' *next-largest* value, not its typical level, lets seasonal peaks pass: a
      Christmas ham selling 30 times its summer level peaks over several days and several
      Christmases, each near the others (the sample's largest ratio of a series' peak to its
      next-largest value is 2.2; real Walmart departments with eight weeks or more stay below
      8.3); a forecast's peak day has its own interval and point beside it. A typed 1e308, a
      hi80 of 1e12, or 5,000 for a product that never sold more than 60, is more than ten
      times anything else of its series.
    * **late_date** and **early_date** (sales): the newest (or oldest) rows are stranded when
      a gap of more than :data:`~forecasting.plausibility.STRANDED_GAP_DAYS` (28) days, and of
      more than :data:`~forecasting.plausibility.STRANDED_GAP_SPACINGS` (8) times the median
      spacing of the file's dates, separates them from all the others, and they are at most
      :data:`~forecasting.plausibility.STRANDED_SHARE` (1%) of the rows (or a single row).
      Such rows (a mistyped year, a test row) would move the forecast origin of every series,
      or stretch the history of a series over decades; a whole chain closed for four weeks,
      then selling for more than 1% of its history, passes.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": ["2025-01-01", "2025-13-01"], "store": ["HKI", "HKI"],
    ...                       "sku": ["K1", "K1"], "quantity": ["3", "x"]})
    >>> [p.check for p in validate_table(frame, "sales").errors]
    ['unparseable_date', 'non_numeric']
    """
    return _validate(frame, kind, source=source, columns=columns, date_format=date_format,
                     first_line=first_line, freq=freq, country=country, subdiv=subdiv,
                     negative=negative)[0]  # fmt: skip


def parse_table(
    frame: pd.DataFrame,
    kind: str | Schema,
    *,
    source: str = "<input>",
    columns: Mapping[str, str] | None = None,
    date_format: str | None = None,
    first_line: int = 2,
    negative: str = "error",
    notify: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """A table of one of the known kinds with typed, canonically named columns.

    Takes the same parameters as :func:`validate_table`; optional columns that the file lacks
    are left out.

    Parameters
    ----------
    negative : str, default "error"
        Negative quantities of a sales file (returns): refuse the file (``"error"``), set them
        to 0 (``"clip"``), or leave their rows out (``"drop"``). A dropped row's day is then a
        day without a row: :func:`forecasting.series.sales_series` fills it with zero sales if
        the store was open, and leaves it missing if the store was closed (without a store
        configuration, a day on which the whole store has no positive sale counts as closed).
    notify : callable, optional
        Called with one sentence per change ``negative`` made, e.g. ``"column 'quantity':
        clipped 466 negative quantities to 0 (lines 1204, ...)"``; the count is never silent.

    Returns
    -------
    pandas.DataFrame
        Dates as ``datetime64`` (wall-clock time as written, without time zone), numbers as
        ``float64``, ids as strings, columns renamed to their canonical names. Rows with a
        blank value where a blank is only a warning (receipt lines without an item or receipt
        id) are left out.

    Raises
    ------
    SchemaError
        On the first error :func:`validate_table` finds (warnings and notes pass).
    ParameterError
        As :func:`validate_table`.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": ["2025-01-01", "2025-01-02"], "store": ["HKI", "HKI"],
    ...                       "sku": ["K1", "K1"], "quantity": ["3", "-2"]})
    >>> parse_table(frame, "sales", negative="clip", notify=print)["quantity"].tolist()
    column 'quantity': clipped 1 negative quantity to 0 (line 3: '-2')
    [3.0, 0.0]
    """
    report, parsed = _validate(frame, kind, source=source, columns=columns,
                               date_format=date_format, first_line=first_line, country=None,
                               negative=negative)  # fmt: skip
    report.raise_for_errors()
    table = pd.DataFrame(parsed)
    lenient = [c.name for c in schema_for(kind).columns
               if not c.blank_is_error and c.name in table]  # fmt: skip
    if lenient:
        table = table[table[lenient].notna().all(axis=1)]
    if negative != "error":
        below = (table["quantity"] < 0).to_numpy()
        if negative == "clip":
            table.loc[below, "quantity"] = 0.0
        else:
            table = table[~below]
        for found in report.problems:
            if found.check == "below_range" and found.severity == "warning" and notify:
                notify(found.message)
    table = table.reset_index(drop=True)
    for name, values in table.items():
        if pd.api.types.is_numeric_dtype(values):
            table[name] = values.astype("float64")
        elif pd.api.types.is_datetime64_any_dtype(values):
            table[name] = values.astype("datetime64[ns]")
    return table


def _validate(
    frame: pd.DataFrame,
    kind: str | Schema,
    *,
    source: str,
    columns: Mapping[str, str] | None,
    date_format: str | None,
    first_line: int,
    country: str | None,
    negative: str = "error",
    freq: str | None = None,
    subdiv: str | None = None,
) -> tuple[ValidationReport, dict[str, pd.Series]]:
    schema = schema_for(kind)
    kind = schema.kind
    _check_negative(negative, kind)
    mapping = column_names(schema, columns or {})
    check_date_format(date_format)
    problems: list[Problem] = []
    present = {}
    for column in schema.columns:
        name = mapping[column.name]
        if name in frame.columns:
            present[column.name] = name
        elif column.required:
            problems.append(missing_column(column, name, frame.columns, kind))
    if len(frame) == 0:
        problems.append(
            Problem("error", "no_rows", "", 0, (),
                "the file has a header but no rows. Check that the export finished")
        )
    line_numbers = np.arange(first_line, first_line + len(frame))
    parsed: dict[str, pd.Series] = {}
    for column in schema.columns:
        if column.name in present:
            values, found = _check_column(
                frame[present[column.name]], column, present[column.name], line_numbers,
                date_format, negative if (kind, column.name) == ("sales", "quantity") else None,
            )  # fmt: skip
            parsed[column.name] = values
            problems += found
    if all(name in parsed for name in schema.key) and len(frame):
        problems += _duplicates(schema, parsed, present, line_numbers)
    if schema.gap_column in parsed and "store" in parsed:
        problems += gaps(parsed[schema.gap_column], parsed["store"], present[schema.gap_column],
                         freq=freq, country=country, subdiv=subdiv, source=source)  # fmt: skip
    if schema.interval_columns and all(name in parsed for name in schema.interval_columns):
        problems += interval_order(schema.interval_columns, parsed, present, line_numbers)
    amounts = tuple(name for name in schema.outlier_columns if name in parsed)
    if amounts and all(name in parsed for name in schema.series_key):
        problems += _outliers(amounts, schema.series_key, parsed, present, line_numbers)
    if schema.stranded_column in parsed and len(frame):
        problems += stranded_dates(parsed[schema.stranded_column],
                                   present[schema.stranded_column], line_numbers,
                                   frame[present[schema.stranded_column]])  # fmt: skip
    report = ValidationReport(source=source, kind=kind, rows=len(frame), problems=tuple(problems))
    return report, parsed


def _check_negative(negative: str, kind: str) -> None:
    if negative not in NEGATIVE:
        raise ParameterError(f"unknown way {negative!r} to treat negative quantities",
                             fix=f"Use one of {', '.join(NEGATIVE)}")  # fmt: skip
    if negative != "error" and kind != "sales":
        raise ParameterError(f"negative={negative!r} applies to sales files, not {kind}",
                             fix='Leave it at "error"')  # fmt: skip


def _check_column(
    values: pd.Series,
    column: Column,
    name: str,
    lines: np.ndarray,
    date_format: str | None,
    negative: str | None = None,
) -> tuple[pd.Series, list[Problem]]:
    """Parse a column and report what does not parse or is out of range.

    ``negative`` (sales quantities only): ``"clip"`` or ``"drop"`` turn negative values from an
    error into a warning (check ``below_range``) that counts what :func:`parse_table` does to them.
    """
    problems: list[Problem] = []
    typed = _typed(values, column)
    if typed:  # numbers and datetimes as Parquet types them: their text is never needed
        text, blank = values, values.isna()
    else:
        text = values.astype("string").str.strip()
        blank = text.isna() | (text == "")
    if blank.any() and column.kind != "text":
        if column.blank_is_error:
            problems.append(
                _problem("error", "blank", name, blank.to_numpy(), lines, values,
                         "blank", "Fill them in or drop those rows")
            )  # fmt: skip
        else:
            problems.append(
                _problem("warning", "blank", name, blank.to_numpy(), lines, values, "blank",
                         "Those lines are left out of basket analysis and counted")
            )  # fmt: skip
    if column.kind in ("id", "text"):
        control = _control_characters(text)
        if control.any():
            problems.append(
                _problem("error", "control_character", name, control, lines, values,
                         "a control character",
                         "Ids and names hold printable text only: remove the control "
                         "characters (a NUL or line break left by a broken export), or "
                         "export the file again")
            )  # fmt: skip
        return (text.mask(blank) if column.kind == "id" else text), problems
    if column.kind in ("date", "datetime", "hour"):
        parsed = parse_dates(values, date_format)
        bad = parsed.isna().to_numpy() & ~blank.to_numpy()
        if bad.any():
            example = "YYYY-MM-DD" if column.kind == "date" else "YYYY-MM-DD HH:MM:SS"
            hint = (
                f"Write them as {date_format!r}"
                if date_format
                else f"Write them as {example}, or give their format with `date_format` "
                f"(e.g. {'%d.%m.%Y' if column.kind == 'date' else '%d.%m.%Y %H:%M'})"
            )
            what = "not a date" if column.kind == "date" else "not a date and time"
            problems.append(_problem("error", "unparseable_date", name, bad, lines, values, what,
                                     hint))  # fmt: skip
        outside = outside_window(parsed)
        if outside.any():
            problems.append(
                _problem("error", "date_out_of_range", name, outside, lines, values,
                         f"outside {WINDOW}",
                         "Correct the year: kori computes with dates from 1970 (earlier ones "
                         "overflow pandas' time arithmetic) to 2100 (the last year the "
                         "holidays package has public holidays for)")
            )  # fmt: skip
            parsed = parsed.mask(outside)  # so that the checks of the whole file can trust it
        if column.kind == "date":
            timed = time_of_day(parsed)
            if timed.any():
                day = parsed.iloc[int(np.flatnonzero(timed)[0])]
                problems.append(
                    _problem("error", "time_of_day", name, timed, lines, values,
                             "a date with a time of day",
                             f"The column holds days: write the day alone ({day:%Y-%m-%d}), "
                             "or sum the rows per day (a time of 00:00:00 passes)")
                )  # fmt: skip
        if column.kind == "hour":
            off = (parsed.notna() & (parsed != parsed.dt.floor("h"))).to_numpy()
            if off.any():
                problems.append(
                    _problem("warning", "not_hour_start", name, off, lines, values,
                             "not the start of an hour",
                             "Count receipts per whole hour, stamped 10:00:00 for 10-11")
                )  # fmt: skip
        return parsed, problems
    numbers = values.copy() if typed else pd.to_numeric(text.where(~blank), errors="coerce")
    bad = numbers.isna().to_numpy() & ~blank.to_numpy()
    if bad.any():
        comma = text[bad].str.fullmatch(r"-?\d+,\d+").fillna(False).any()
        fix = (
            "Write decimals with a point (1.5, not 1,5)"
            if comma
            else "Use plain numbers such as 12 or 3.5"
        )
        problems.append(_problem("error", "non_numeric", name, bad, lines, values,
                                 "not a number", fix))  # fmt: skip
    known = numbers.notna().to_numpy()
    finite = np.isfinite(numbers.to_numpy(dtype=float, na_value=np.nan))
    infinite = known & ~finite
    if infinite.any():
        problems.append(_problem("error", "not_finite", name, infinite, lines, values,
                                 "not a finite number",
                                 "Write the real value, or remove those rows"))  # fmt: skip
    valid = known & finite
    if column.kind == "integer":
        fractional = valid & (np.floor(numbers.fillna(0)) != numbers.fillna(0)).to_numpy()
        if fractional.any():
            problems.append(
                _problem("error", "not_integer", name, fractional, lines, values,
                         "not a whole number", "Use whole numbers")
            )  # fmt: skip
    if column.low is not None and column.above_low:
        low = valid & (numbers.fillna(column.low + 1) <= column.low).to_numpy()
        if low.any():
            what = "zero or negative" if column.low == 0 else f"not above {column.low:g}"
            problems.append(
                _problem("error", "below_range", name, low, lines, values, what,
                         f"Correct them: only values above {column.low:g} make sense here")
            )  # fmt: skip
    elif column.low is not None:
        low = valid & (numbers.fillna(column.low) < column.low).to_numpy()
        if low.any() and negative in ("clip", "drop"):
            problems.append(_negative(name, low, lines, values, negative))
        elif low.any():
            severity = "error" if column.low_is_error else "warning"
            what = "negative" if column.low == 0 else f"below {column.low:g}"
            if negative == "error":
                fix = ("Counts cannot be negative: correct or remove those rows, or treat them "
                       "as returns with `negative='clip'` (set to 0) or `negative='drop'` (rows left "
                       "out)")
            elif column.low == 0 and column.low_is_error:
                fix = "Counts cannot be negative: correct or remove those rows"
            elif column.low == 0:
                fix = "Returns and cancellations are left out of basket analysis and counted"
            else:
                fix = f"Check the unit: at least {column.low:g} is expected"
            problems.append(_problem(severity, "below_range", name, low, lines, values, what, fix))
    if column.high is not None:
        high = valid & (numbers.fillna(column.high) > column.high).to_numpy()
        if high.any():
            problems.append(
                _problem("error", "above_range", name, high, lines, values,
                         f"above {column.high:g}",
                         f"Check the unit: at most {column.high:g} is expected")
            )  # fmt: skip
    return numbers, problems


def _typed(values: pd.Series, column: Column) -> bool:
    """Whether ``values`` already hold the column's type, so that the column is checked
    without going through its text (the same problems and values as from the text, which
    would be the numbers' shortest round-trip repr and the dates' ISO form, at a fraction of
    the time: a forecast of 100,000 series has 8 million numbers)."""
    dtype = values.dtype
    if column.kind in ("date", "datetime", "hour"):
        return isinstance(dtype, np.dtype) and dtype.kind == "M"
    if column.kind in ("id", "text"):
        return False
    return isinstance(dtype, np.dtype) and dtype in (np.dtype("float64"), np.dtype("int64"))


def _negative(name: str, mask: np.ndarray, lines: np.ndarray, values: pd.Series,
              negative: str) -> Problem:
    """The warning that negative quantities were clipped to 0 or their rows dropped."""
    where = np.flatnonzero(mask)
    shown = where[:_SHOW]
    examples = ", ".join(repr(str(values.iloc[i])) for i in shown)
    listed = ", ".join(str(lines[i]) for i in shown) + (", ..." if len(where) > _SHOW else "")
    count = len(where)
    many = count > 1
    if negative == "clip":
        what, after = f"clipped {count:,} negative quantit{'ies' if many else 'y'} to 0", ""
    else:
        what = f"dropped {count:,} row{'s' if many else ''} with a negative quantity"
        after = ". Their days count as missing: zero sales where the store was open"
    return Problem("warning", "below_range", name, count, tuple(int(lines[i]) for i in shown),
                   f"column {name!r}: {what} (line{'s' if many else ''} {listed}: {examples})"
                   f"{after}")  # fmt: skip


def _control_characters(text: pd.Series) -> np.ndarray:
    """Which values hold a control character other than tab.

    Ids repeat: the distinct values are searched, not every row.
    """
    codes, uniques = pd.factorize(text)
    hit = pd.Series(uniques, dtype="string").str.contains(CONTROL.pattern, regex=True)
    if not hit.any():
        return np.zeros(len(text), dtype=bool)
    return np.isin(codes, np.flatnonzero(hit.to_numpy(dtype=bool, na_value=False)))


def _duplicates(
    schema: Schema,
    parsed: dict[str, pd.Series],
    present: dict[str, str],
    lines: np.ndarray,
) -> list[Problem]:
    code = _key_code([parsed[name] for name in schema.key])
    # a row repeats a key when an earlier row has the same code; rows with a blank key never
    repeated = pd.Series(code).duplicated(keep="first").to_numpy() & (code >= 0)
    if not repeated.any():
        return []
    where = np.flatnonzero(repeated)
    shown = where[:_SHOW]
    first = ", ".join(str(lines[i]) for i in shown) + (", ..." if len(where) > _SHOW else "")
    example = ", ".join(
        f"{present[name]}={escaped(_show(parsed[name].iloc[where[0]]))}" for name in schema.key
    )
    key = ", ".join(present[name] for name in schema.key)
    count = len(where)
    return [
        Problem(
            "error" if schema.duplicate_is_error else "warning",
            "duplicate",
            key,
            count,
            tuple(int(lines[i]) for i in shown),
            f"{count} row{'s' if count > 1 else ''} repeat{'s' if count == 1 else ''} a ({key}) "
            "seen before "
            f"(line{'s' if count > 1 else ''} {first}; first: {example}). "
            f"{schema.duplicate_hint}",
        )
    ]


def _key_code(keys: list[pd.Series]) -> np.ndarray:
    """One integer per distinct combination of the ``keys`` columns' values, -1 where one of
    them is missing: equal codes, equal keys (integers hash and compare far faster than rows
    of text and dates)."""
    code = np.zeros(len(keys[0]) if keys else 0, dtype=np.int64)
    usable = np.ones(len(code), dtype=bool)
    for key in keys:
        part, uniques = pd.factorize(key)
        usable &= part >= 0
        if len(code) and int(code.max()) >= (2**62) // (len(uniques) + 1):
            code = pd.factorize(code)[0].astype(np.int64)  # dense again, so it cannot overflow
        code = code * (len(uniques) + 1) + (part + 1)
    return np.where(usable, code, -1)


def _outliers(amounts: tuple[str, ...], series_key: tuple[str, ...],
              parsed: dict[str, pd.Series], present: dict[str, str],
              lines: np.ndarray) -> list[Problem]:  # fmt: skip
    """:func:`forecasting.plausibility.outliers` on the series that can hold an outlier only.

    A top value is implausible only at :data:`~forecasting.plausibility.OUTLIER_FLOOR` units or
    more, so a series whose largest (finite, non-negative) value of ``amounts`` stays below it
    has none; the others are checked whole, with their line numbers, so the problems are the
    same as from checking every series. Most series of a chain's forecast sell a few units a
    day: the check then sorts a few series, not millions of values.
    """
    from forecasting.plausibility import OUTLIER_FLOOR

    code = _key_code([parsed[name] for name in series_key])
    largest = np.full(len(code), -1.0)
    for name in amounts:
        values = parsed[name].to_numpy(dtype=float, na_value=np.nan)
        usable = np.isfinite(values) & (values >= 0)
        np.maximum(largest, np.where(usable, values, -1.0), out=largest)
    high = (largest >= OUTLIER_FLOOR) & (code >= 0)
    if not high.any():
        return []
    keep = np.isin(code, np.unique(code[high]))
    if keep.all():
        return outliers(amounts, series_key, parsed, present, lines)
    subset = {name: parsed[name][keep] for name in (*amounts, *series_key)}
    return outliers(amounts, series_key, subset, present, lines[keep])


def _show(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else f"{value:%Y-%m-%d %H:%M:%S}"
    return str(value)
