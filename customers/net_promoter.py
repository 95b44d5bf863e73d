"""Net Promoter Score from survey answers: the score, its standard error and interval, per group.

A customer answers "How likely are you to recommend us to a friend?" from 0 to 10: 9 and 10 are
promoters, 7 and 8 passives, 0 to 6 detractors. The NPS is ``100 (p - d)`` points, with ``p``
and ``d`` the promoter and detractor shares, from -100 (all detractors) to 100 (all promoters).

Each answer scores ``x = +1`` (promoter), 0 (passive) or -1 (detractor); the NPS is 100 times
their mean, so its standard error is that of a mean: ``var(x) = p + d - (p - d)^2`` and
``se = 100 sqrt(var(x) / n)``, times the finite-population correction ``sqrt((N - n) / (N - 1))``
when the ``n`` answers were drawn without replacement from ``N`` customers (0 for a census).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from customers.checks import blank, require_columns
from customers.errors import ParameterError, SchemaError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

SMALL_SAMPLE = 30
"""Fewer answers than this and the normal interval is rough: the table flags the row and the
summary says so."""

OVERALL = "all"
"""The label of the overall row in each ``by`` column of :attr:`NpsResult.table`."""

_SHOW = 5  # offending rows quoted in a message
_SHOW_GROUPS = 20  # groups described in the summary


@dataclass(frozen=True)
class NpsResult:
    """What :func:`nps` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row overall, then one per group of ``by`` (the ``by`` columns hold
        :data:`OVERALL`, ``"all"``, in the overall row): ``n``, ``promoters``, ``passives``,
        ``detractors`` (counts), ``promoter_share``, ``passive_share``, ``detractor_share``
        (0-1), ``nps`` (points, -100..100), ``se`` (its standard error, points), ``low`` and
        ``high`` (the normal interval, clipped to -100..100), ``margin`` (the interval's
        half-width, ``z * se``), ``population`` (customers the answers were drawn from, NaN when
        unknown) and ``small_sample`` (fewer than :data:`SMALL_SAMPLE` answers: the interval is
        rough). A group with no answers has ``n`` 0 and NaN shares, score and interval.
    level : float
        The confidence level of the interval.
    by : list of str
        The grouping columns (empty without ``by``).
    """

    table: pd.DataFrame
    level: float
    by: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """The score overall and per group in words, with the rough and empty groups named.

        Returns
        -------
        list of str
        """
        rows = self.table.to_dict("records")
        lines = [_describe(rows[0], "overall", self.level)]
        groups = rows[1:]
        for row in groups[:_SHOW_GROUPS]:
            label = ", ".join(f"{column} {row[column]}" for column in self.by)
            lines.append(_describe(row, label, self.level))
        if len(groups) > _SHOW_GROUPS:
            lines.append(f"... and {len(groups) - _SHOW_GROUPS:,} more groups (see the table)")
        small = [row for row in groups if 0 < row["n"] < SMALL_SAMPLE]
        if small and len(groups) > _SHOW_GROUPS:
            lines.append(f"fewer than {SMALL_SAMPLE} answers in {len(small):,} groups (marked "
                         "small_sample): their normal intervals are rough")  # fmt: skip
        return lines


def _describe(row: dict[str, Any], label: str, level: float) -> str:
    """One line: the score, its interval and margin, the counts, the population if known."""
    n = int(row["n"])
    if n == 0:
        return f"{label}: no answers, no score"
    text = (
        f"{label}: NPS {row['nps']:.1f} ({level:.0%} interval {row['low']:.1f} to "
        f"{row['high']:.1f}, margin of error {row['margin']:.1f} points) from {n:,} answers: "
        f"{row['promoters']:,} promoters ({row['promoter_share']:.0%}), {row['passives']:,} "
        f"passives ({row['passive_share']:.0%}), {row['detractors']:,} detractors "
        f"({row['detractor_share']:.0%})"
    )
    census = n == row["population"]
    if not math.isnan(row["population"]):
        text += f"; {n:,} of {int(row['population']):,} customers answered"
        text += " (a census: no sampling error)" if census else ""
    if row["se"] == 0 and not census:
        text += "; every answer in one class, so the standard error is 0: the interval says nothing"
    if n < SMALL_SAMPLE:
        text += f"; only {n} answers, the interval is rough"
    return text


def z_value(level: float) -> float:
    """The two-sided normal quantile of ``level`` (1.96 for 0.95).

    Raises
    ------
    ParameterError
        ``level`` not strictly between 0 and 1.
    """
    from scipy.stats import norm

    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ParameterError(f"`level={level!r}` is not a probability in (0, 1)",
                             fix="Give a confidence level such as 0.95")  # fmt: skip
    return float(norm.ppf(0.5 + level / 2))


def score_columns(
    promoters: np.ndarray,
    passives: np.ndarray,
    detractors: np.ndarray,
    population: np.ndarray,
    z: float,
) -> dict[str, np.ndarray]:
    """Shares, NPS, standard error, interval and margin from counts (vectorised over groups).

    ``population`` is NaN where unknown (no correction). Rows with no answers get NaN.
    """
    import numpy as np

    n = promoters + passives + detractors
    with np.errstate(divide="ignore", invalid="ignore"):
        p, o, d = promoters / n, passives / n, detractors / n
        variance = np.clip(p + d - (p - d) ** 2, 0.0, None)
        fpc = np.where(np.isnan(population), 1.0,
                       np.sqrt(np.clip((population - n) / (population - 1), 0.0, None)))
        fpc = np.where(population == n, 0.0, fpc)  # a census, also of one customer
        se = 100.0 * np.sqrt(variance / n) * fpc
    score = 100.0 * (p - d)
    margin = z * se
    return {
        "n": n,
        "promoters": promoters,
        "passives": passives,
        "detractors": detractors,
        "promoter_share": p,
        "passive_share": o,
        "detractor_share": d,
        "nps": score,
        "se": se,
        "low": np.clip(score - margin, -100.0, 100.0),
        "high": np.clip(score + margin, -100.0, 100.0),
        "margin": margin,
        "population": population,
        "small_sample": (n > 0) & (n < SMALL_SAMPLE),
    }


def _where(values: pd.Series, bad: np.ndarray, first_line: int | None) -> str:
    """The first offending rows as ``line 7: '11'`` (or ``row <label>: '11'`` without lines);
    a missing value is ``blank``."""
    import numpy as np
    import pandas as pd

    def show(value: Any) -> str:
        return "blank" if pd.isna(value) else repr(str(value))

    rows = np.flatnonzero(bad)[:_SHOW]
    if first_line is None:
        shown = ", ".join(f"row {values.index[i]!r}: {show(values.iloc[i])}" for i in rows)
    else:
        shown = ", ".join(f"line {first_line + i}: {show(values.iloc[i])}" for i in rows)
    more = int(bad.sum()) - len(rows)
    return shown + (f", and {more:,} more" if more > 0 else "")


def read_answers(
    answers: pd.DataFrame | pd.Series | Sequence[Any],
    score: str,
    by: list[str],
    source: str,
    first_line: int | None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The answers as a frame and their scores as integers 0..10; every bad value refused.

    Raises
    ------
    SchemaError
        A missing column, no answers, a score that is not a whole number from 0 to 10 (11, -1,
        7.5, text, blank, NaN), or a blank group.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(answers, pd.DataFrame):
        if by:
            raise ParameterError(
                f"`by={by!r}` needs a table of answers",
                fix="Pass a DataFrame with the score and the grouping columns",
            )
        answers = pd.DataFrame({score: pd.Series(answers, dtype=object)
                                if not isinstance(answers, pd.Series) else answers})  # fmt: skip
    require_columns(answers, [score, *by], source=source,
                    fix="Name the columns with `score=` and `by=`")
    if len(answers) == 0:
        raise SchemaError("no answers", source=source,
                          fix="An NPS needs at least one answer from 0 to 10")  # fmt: skip
    raw = answers[score]
    text = raw.astype("string").str.strip()
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(numbers) | (numbers % 1 != 0) | (numbers < 0) | (numbers > 10)
    if bad.any():
        count = int(bad.sum())
        raise SchemaError(
            f"column {score!r}: {count:,} answer{'s' if count != 1 else ''} not a whole number "
            "from 0 to 10",
            source=source,
            where=_where(raw, bad, first_line),
            fix="NPS answers are 0 to 10 (9-10 promoters, 7-8 passives, 0-6 detractors); remove "
            "or correct these rows",
        )
    for column in by:
        missing = blank(answers[column])
        if missing.any():
            raise SchemaError(
                f"column {column!r}: {int(missing.sum()):,} answers without a group",
                source=source,
                where=_where(answers[column], missing, first_line),
                fix=f"Fill in {column} for every answer, or leave the column out of `by=`",
            )
    return answers, numbers.astype(int)


def _populations(
    population: int | Mapping[Hashable, int] | None,
    groups: list[Hashable],
) -> tuple[float, dict[Hashable, float]]:
    """The overall population and the population of each group (NaN where unknown)."""
    if population is None:
        return math.nan, {}
    if isinstance(population, Mapping) or hasattr(population, "items"):
        sizes = {key: _size(value, f"population[{key!r}]") for key, value in population.items()}
        if not groups:
            raise ParameterError(
                "`population` per group needs `by`",
                fix="Give one number of customers without `by=`, or group the answers",
            )
        missing = [g for g in groups if g not in sizes]
        if missing:
            raise ParameterError(
                "`population` gives no number of customers for "
                + ", ".join(map(repr, missing[:_SHOW])) + (", ..." if len(missing) > _SHOW else ""),
                where="it has " + ", ".join(map(repr, list(sizes)[:_SHOW]))
                + (", ..." if len(sizes) > _SHOW else ""),
                fix="Give every group of `by` its number of customers (keys as in the data)",
            )
        return float(sum(sizes.values())), sizes
    return _size(population, "population"), {}


def _size(value: Any, name: str) -> float:
    import numpy as np

    if (isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number))
            or not np.isfinite(value) or value % 1 or value < 1):  # fmt: skip
        raise ParameterError(f"`{name}={value!r}` is not a number of customers",
                             fix="Give a whole number of customers, 1 or more")  # fmt: skip
    return float(value)


def nps(
    answers: pd.DataFrame | pd.Series | Sequence[Any],
    *,
    population: int | Mapping[Hashable, int] | None = None,
    by: str | Iterable[str] | None = None,
    level: float = 0.95,
    score: str = "score",
    source: str = "answers",
    first_line: int | None = None,
) -> NpsResult:
    """The Net Promoter Score of survey answers, with its standard error and interval.

    Parameters
    ----------
    answers : pandas.DataFrame, pandas.Series or sequence
        One answer per row, a whole number from 0 to 10 in column ``score`` (as read: text such
        as ``"9"`` is fine), or the answers themselves.
    population : int or mapping, optional
        How many customers the answers were drawn from, for the finite-population correction
        ``sqrt((N - n) / (N - 1))`` of the standard error (0 for a census). An int is the whole
        population (the overall row; the groups are then not corrected); a mapping gives each
        group of ``by`` its customers (keys as the group values, tuples for several ``by``
        columns), the overall population being their sum. A group in the mapping without
        answers is reported with ``n`` 0.
    by : str or list of str, optional
        Columns to score by (e.g. ``"store"`` or ``["store", "segment"]``).
    level : float, default 0.95
        Confidence level of the normal interval ``nps +- z se``, clipped to -100..100.
    score : str, default "score"
        The column of the answers.
    source : str
        Name of the input, for messages.
    first_line : int, optional
        Line number of the first row in the file read, so messages name lines (``line 7``);
        without it they name the index label (``row 5``).

    Returns
    -------
    NpsResult
        ``table`` one row overall and one per group; ``summary()`` lines in words.

    Raises
    ------
    SchemaError
        A missing column, no answers, an answer that is not a whole number from 0 to 10 (11,
        -1, 7.5, text, blank, NaN: every one counted, the first named), or an answer with no
        group.
    ParameterError
        ``level`` outside (0, 1); a population that is not a whole number of customers, lacks a
        group, or is smaller than the answers drawn from it.

    Examples
    --------
    >>> result = nps([10] * 10 + [8] * 5 + [3] * 5)
    >>> round(float(result.table["nps"][0]), 1), round(float(result.table["se"][0]), 2)
    (25.0, 18.54)
    """
    import numpy as np
    import pandas as pd

    z = z_value(level)
    columns = [by] if isinstance(by, str) else list(by or [])
    frame, values = read_answers(answers, score, columns, source, first_line)
    kind = np.select([values >= 9, values >= 7], [0, 1], 2)
    counts = pd.DataFrame({"promoters": kind == 0, "passives": kind == 1,
                           "detractors": kind == 2}).astype(np.int64)  # fmt: skip
    if columns:
        keys = [frame[c].reset_index(drop=True) for c in columns]
        grouped = counts.groupby(keys, sort=True, observed=False).sum()
        grouped.index.names = columns
    else:
        grouped = counts.iloc[:0]
    groups = list(grouped.index)
    overall_n, sizes = _populations(population, groups)
    extra = [key for key in sizes if key not in set(groups)]
    if extra:  # groups known to exist that nobody answered for
        index = grouped.index.append(pd.MultiIndex.from_tuples(extra, names=columns)
                                     if len(columns) > 1 else pd.Index(extra, name=columns[0]))
        grouped = grouped.reindex(index, fill_value=0)
    pop = np.array([sizes.get(key, math.nan) for key in grouped.index], dtype=float)
    totals = counts.sum()
    _check_population(totals.sum(), overall_n, grouped, pop)

    promoters = np.concatenate([[totals["promoters"]], grouped["promoters"].to_numpy()])
    passives = np.concatenate([[totals["passives"]], grouped["passives"].to_numpy()])
    detractors = np.concatenate([[totals["detractors"]], grouped["detractors"].to_numpy()])
    population_all = np.concatenate([[overall_n], pop])
    table = pd.DataFrame(score_columns(promoters.astype(float), passives.astype(float),
                                       detractors.astype(float), population_all, z))  # fmt: skip
    for name in ("n", "promoters", "passives", "detractors"):
        table[name] = table[name].astype(np.int64)
    if columns:
        labels = grouped.index.to_frame(index=False)
        head = pd.DataFrame({c: [OVERALL] for c in columns})
        table = pd.concat([pd.concat([head, labels], ignore_index=True).astype(object), table],
                          axis=1)  # fmt: skip
    return NpsResult(table=table, level=float(level), by=columns)


def _check_population(n: int, overall: float, grouped: pd.DataFrame, pop: np.ndarray) -> None:
    """Refuse a population smaller than the answers drawn from it."""
    import numpy as np

    answered = grouped[["promoters", "passives", "detractors"]].sum(axis=1).to_numpy()
    short = np.flatnonzero(pop < answered)
    if short.size:
        shown = ", ".join(f"{grouped.index[i]!r}: {int(answered[i])} answers, population "
                          f"{int(pop[i])}" for i in short[:_SHOW])  # fmt: skip
        raise ParameterError("`population` smaller than the answers drawn from it", where=shown,
                             fix="Give the number of customers each group was sampled from")  # fmt: skip
    if overall < n:
        raise ParameterError(f"`population={int(overall)}` smaller than the {n:,} answers",
                             fix="Give the number of customers the survey was sent to or "
                             "sampled from")  # fmt: skip


def margin_of_error(n: int, *, population: int | None = None, variance: float = 1.0,
                    level: float = 0.95) -> float:  # fmt: skip
    """The margin of error, in NPS points, of ``n`` answers: ``z 100 sqrt(variance / n) fpc``.

    ``variance`` is that of one answer scored +1/0/-1 (1 at worst); ``fpc`` is
    ``sqrt((N - n) / (N - 1))`` with ``N = population`` (1 without it).
    """
    z = z_value(level)
    fpc = 1.0
    if population is not None:
        fpc = 0.0 if population == n else math.sqrt(max(population - n, 0) / (population - 1))
    return z * 100.0 * math.sqrt(variance / n) * fpc


def sample_size(
    margin: float,
    *,
    population: int | None = None,
    expected_nps: float | tuple[float, float] | None = None,
    level: float = 0.95,
) -> int:
    """How many answers give an NPS within ``margin`` points at confidence ``level``.

    With ``v`` the variance of one answer scored +1/0/-1 and ``z`` the normal quantile of
    ``level``, ``n0 = (100 z / margin)^2 v`` answers suffice from a large population; from ``N``
    customers the finite-population correction lowers it to ``n = n0 N / (N - 1 + n0)`` (solving
    ``margin = 100 z sqrt(v / n) sqrt((N - n) / (N - 1))`` for ``n``), rounded up: the smallest
    whole ``n`` whose margin is at most ``margin``.

    ``v = p + d - (p - d)^2``. At worst (half promoters, half detractors) ``v = 1``: 385 answers
    for +-10 points at 95%. An expected NPS ``s`` (points) bounds it by ``1 - (s / 100)^2``
    (no passives); an expected split ``(p, d)`` gives it exactly.

    Parameters
    ----------
    margin : float
        The target margin of error (half the interval), in NPS points, above 0.
    population : int, optional
        The number of customers the sample is drawn from (the answer is at most this).
    expected_nps : float or (float, float), optional
        An expected NPS in points (-100..100), or the expected promoter and detractor shares
        ``(p, d)`` (0-1, ``p + d <= 1``); without it the worst case.
    level : float, default 0.95
        The confidence level.

    Returns
    -------
    int
        Answers needed (at least 1).

    Raises
    ------
    ParameterError
        ``margin`` not above 0, ``level`` outside (0, 1), ``population`` not a whole number of
        customers, or ``expected_nps`` out of range.

    Examples
    --------
    >>> sample_size(10), sample_size(10, population=1000), sample_size(5, expected_nps=40)
    (385, 278, 1291)
    """
    z = z_value(level)
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or not 0 < margin < math.inf:
        raise ParameterError(f"`margin={margin!r}` is not a positive number of NPS points",
                             fix="Give the margin of error wanted, e.g. 5 for +-5 points")  # fmt: skip
    variance = _variance(expected_nps)
    size = None if population is None else int(_size(population, "population"))
    if variance == 0:
        return 1
    n0 = (100.0 * z / margin) ** 2 * variance
    guess = n0 if size is None else n0 * size / (size - 1 + n0)
    n = max(1, math.ceil(guess))
    if size is not None:
        n = min(n, size)
    # Settle the rounding exactly against the margin itself.
    while n > 1 and margin_of_error(n - 1, population=size, variance=variance, level=level) <= margin:
        n -= 1
    while margin_of_error(n, population=size, variance=variance, level=level) > margin:
        n += 1
    return n


def _variance(expected: float | tuple[float, float] | None) -> float:
    """The variance of one answer scored +1/0/-1: at worst, bounded by an NPS, or exact."""
    if expected is None:
        return 1.0
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        if not -100 <= expected <= 100:
            raise ParameterError(f"`expected_nps={expected!r}` is not an NPS from -100 to 100",
                                 fix="Give points such as 30, or shares such as (0.5, 0.2)")  # fmt: skip
        return 1.0 - (expected / 100.0) ** 2
    try:
        p, d = (float(share) for share in expected)  # type: ignore[union-attr]
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"`expected_nps={expected!r}` is neither points nor (p, d) shares",
                             fix="Give points such as 30, or shares such as (0.5, 0.2)") from exc
    if not (0 <= p <= 1 and 0 <= d <= 1 and p + d <= 1 + 1e-12):
        raise ParameterError(f"`expected_nps={expected!r}`: shares outside 0-1 or above 1 "
                             "together", fix="Give promoter and detractor shares, e.g. "
                             "(0.5, 0.2)")  # fmt: skip
    return max(p + d - (p - d) ** 2, 0.0)
