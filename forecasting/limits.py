"""Sane ranges of the store standards of ``store.toml`` (service times, targets, service levels,
freezer capacities, cashiers), with the reason for each, and the checks that hold a value to them.
The store configuration, the plans and the command line's options use the same checks.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from forecasting.errors import ParameterError

LIMITS: dict[str, tuple[float, float, str]] = {
    "service_time_s": (1.0, 3600.0, "serving one customer takes seconds or minutes, not hours"),
    "wait_target_s": (0.0, 3600.0, "a wait target is seconds or minutes, not hours"),
    "service_target": (0.0, 0.999, "the share of customers served in time, as a fraction; "
                       "above 0.999 no staffing plan can tell the difference"),
    "service_level": (0.0, 0.999, "the chance of no stock-out, as a fraction; above 0.999 the "
                      "safety stock guards against demand no forecast can see"),
    "freezer_capacity_litres": (0.0, 1_000_000.0, "the usable volume of a store's freezers; "
                                "1,000 m3 is more than a store's freezer room"),
    "min_cashiers": (0, 200, "checkouts open at once; 200 is more than any store has"),
    "max_cashiers": (1, 200, "checkouts open at once; 200 is more than any store has"),
}  # fmt: skip
"""Sane ranges of the store standards, inclusive except the zero of probabilities and
capacities, with the reason: values outside them are typing slips (``1e308``, ``95`` for
``0.95``) that would plan nonsense."""

OPEN_LOW = ("service_target", "service_level", "freezer_capacity_litres")
WHOLE = ("min_cashiers", "max_cashiers")
EXAMPLES = {"service_time_s": "90", "wait_target_s": "120", "service_target": "0.8",
             "service_level": "0.95", "freezer_capacity_litres": "2600",
             "min_cashiers": "1", "max_cashiers": "6"}  # fmt: skip


def limit_problem(name: str, value: object) -> str | None:
    """Why ``value`` cannot be the store standard ``name`` (see :data:`LIMITS`), or None.

    Examples
    --------
    >>> limit_problem("service_time_s", 1e308).split(":")[0]
    'service_time_s = 1e+308 is not between 1 and 3,600'
    >>> limit_problem("service_level", 0.95) is None
    True
    """
    low, high, why = LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return f"{name} = {value!r} is not a number"
    if name in WHOLE and float(value) != int(value):
        return f"{name} = {value!r} is not a whole number"
    if name in OPEN_LOW:
        if not low < value <= high:
            return f"{name} = {value:g} is not above {low:g} and at most {_plain(high)}: {why}"
    elif not low <= value <= high:
        return f"{name} = {value:g} is not between {_plain(low)} and {_plain(high)}: {why}"
    return None


def _plain(bound: float) -> str:
    """A bound as people write it: ``1,000,000`` rather than ``1e+06``, ``0.999``."""
    return f"{bound:,.0f}" if float(bound).is_integer() else f"{bound:g}"


def check_limit(name: str, value: float, *, label: str | None = None) -> float:
    """``value`` as a float when it is a sane store standard ``name``, else raise.

    ``label`` names the value in the message; by default the parameter in backticks
    (`` `service_level` ``), which the command line writes as its option.

    Raises
    ------
    ParameterError
        If ``value`` is outside :data:`LIMITS`.
    """
    problem = limit_problem(name, value)
    if problem is not None:
        label = label or f"`{name}`"
        problem = problem.replace(f"{name} =", label, 1)
        raise ParameterError(problem, fix=f"Give e.g. {label} {EXAMPLES[name]}")
    return float(value)


class Staffing(Protocol):
    """What :func:`check_staffing` reads of a :class:`forecasting.stores.StaffingStandard`
    (typed by shape, so that the limits sit below the store configuration and never import it)."""

    @property
    def min_cashiers(self) -> int: ...

    @property
    def max_cashiers(self) -> int: ...


def check_staffing(standard: Staffing, *, source: str | None = None,
                   where: str | None = None) -> None:  # fmt: skip
    """Raise :class:`ParameterError` naming every field of ``standard`` outside :data:`LIMITS`,
    or a ``min_cashiers`` above ``max_cashiers``."""
    problems = [p for name, value in vars(standard).items()
                if (p := limit_problem(name, value)) is not None]  # fmt: skip
    if not problems and standard.min_cashiers > standard.max_cashiers:
        problems.append(f"min_cashiers {standard.min_cashiers} and max_cashiers "
                        f"{standard.max_cashiers} do not make a range")  # fmt: skip
    if problems:
        raise ParameterError("; ".join(problems), source=source, where=where,
                             fix="Give e.g. service_time_s = 90, wait_target_s = 120, "
                             "service_target = 0.8, min_cashiers = 1, max_cashiers = 6")  # fmt: skip
