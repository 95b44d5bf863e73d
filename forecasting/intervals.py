"""Central prediction intervals and quantiles: their checks, their column names and the
quantile probabilities that bound them.

An interval at ``level`` percent runs from the quantile ``(1 - level / 100) / 2`` to
``(1 + level / 100) / 2``: :func:`level_bounds` is the one place that says so, and the forecast,
the backtest and their scores ask it.

>>> level_bounds(80)
(0.1, 0.9)
>>> level_name(80), quantile_name(0.999)
('80', 'q99.9')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from forecasting.errors import ParameterError

LEVEL_RANGE = (0.0, 99.9)
"""Interval levels in percent, above the first and at most the second: a 100% interval of a
count is unbounded (its upper end is infinite)."""
QUANTILE_RANGE = (0.001, 0.999)
"""Quantiles, inclusive: further out in the tails the models' distributions are guesses."""
_LEVEL_DECIMALS, _QUANTILE_DECIMALS = 3, 6  # so that the names lo<L> and q<100 P> are exact


def level_name(level: float) -> str:
    """The number in the interval columns of ``level``: ``80`` for ``lo80`` and ``hi80``."""
    return f"{round(float(level), _LEVEL_DECIMALS):g}"


def quantile_name(q: float) -> str:
    """The column of quantile ``q``: ``q90`` for 0.9, ``q99.9`` for 0.999."""
    return f"q{round(100 * float(q), _QUANTILE_DECIMALS - 2):g}"


def check_levels(levels: Sequence[float]) -> tuple[float, ...]:
    """Interval levels, checked and rounded to the digits their names show; see
    :func:`check_probabilities`."""
    low, high = LEVEL_RANGE
    return _checked(levels, "interval level", low, high, _LEVEL_DECIMALS, level_name,
                    lower_open=True,
                    fix="Give levels in percent up to 99.9 (a 100% interval is unbounded), e.g. "
                    "`levels=(80, 95)`")  # fmt: skip


def check_quantiles(quantiles: Sequence[float]) -> tuple[float, ...]:
    """Quantiles, checked and rounded to the digits their names show; see
    :func:`check_probabilities`."""
    low, high = QUANTILE_RANGE
    return _checked(quantiles, "quantile", low, high, _QUANTILE_DECIMALS, quantile_name,
                    lower_open=False,
                    fix="Give quantiles as fractions from 0.001 to 0.999 (further out the tails "
                    "are guesses), e.g. `quantiles` 0.5,0.9,0.95")  # fmt: skip


def _number(value: float) -> str:
    """``value`` as written: ``120`` rather than ``120.0``, every digit of ``80.00001``."""
    short = f"{value:g}"
    return short if float(short) == value else repr(float(value))


def check_probabilities(levels: Sequence[float], quantiles: Sequence[float]) -> None:
    """Refuse interval levels and quantiles that would make columns that are wrong or not unique.

    Levels are percentages in (0, 99.9] with at most 3 decimals (``lo99.9``, ``hi99.9``);
    quantiles fractions in [0.001, 0.999] with at most 6 decimals (``q0.1`` .. ``q99.9``). Two
    that would name one column are refused too.

    Raises
    ------
    ParameterError
        Naming the first value that is not a number, out of range, too precise or repeated.

    Examples
    --------
    >>> check_probabilities([80, 95], [0.5, 0.999])
    """
    check_levels(levels)
    check_quantiles(quantiles)


def _checked(values: Sequence[float], what: str, low: float, high: float, decimals: int,
             name: Callable[[float], str], *, lower_open: bool, fix: str) -> tuple[float, ...]:  # fmt: skip
    def column(value: float) -> str:
        return name(value) if name is quantile_name else f"lo{name(value)}"

    seen: dict[str, float] = {}
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ParameterError(f"{what} {value!r} is not a number", fix=fix)
        inside = (low < value if lower_open else low <= value) and value <= high
        if not inside:
            bounds = f"above {low:g} and at most {high:g}" if lower_open else f"between {low:g} " \
                     f"and {high:g}"  # fmt: skip
            raise ParameterError(f"{what} {_number(value)} is not {bounds}", fix=fix)
        if abs(round(value, decimals) - value) > 1e-9:
            raise ParameterError(f"{what} {_number(value)} has more than {decimals} decimals, "
                                 "more than its column name can tell", fix=fix)  # fmt: skip
        if name(value) in seen:
            raise ParameterError(f"{what}s {_number(seen[name(value)])} and {_number(value)} "
                                 f"would both be column {column(value)}",
                                 fix=f"Give each {what} once")  # fmt: skip
        seen[name(value)] = value
    return tuple(round(float(v), decimals) for v in values)


def level_bounds(level: float) -> tuple[float, float]:
    """The quantile probabilities ``(lo, hi)`` of the central interval at ``level`` percent.

    Rounded to 6 decimals so that the same level always finds the same quantile.

    Examples
    --------
    >>> level_bounds(95)
    (0.025, 0.975)
    """
    return round((1 - level / 100) / 2, 6), round((1 + level / 100) / 2, 6)


def level_probs(levels: Sequence[float]) -> tuple[float, ...]:
    """The lower and upper quantile probabilities of central intervals at ``levels`` percent,
    sorted and without repeats.

    Examples
    --------
    >>> level_probs([80, 95])
    (0.025, 0.1, 0.9, 0.975)
    """
    probs: set[float] = set()
    for level in levels:
        probs |= set(level_bounds(level))
    return tuple(sorted(probs))
