"""Erlang C: how many checkouts keep the queue within a service target.

Customers arrive at random (Poisson) and are served in exponentially distributed times by ``n``
identical checkouts sharing one queue (the M/M/n model). The offered load ``A`` in Erlangs is the
arrival rate times the mean service time; the queue is stable only when ``n > A``.

Erlang C is computed through the Erlang B recursion, which stays finite for hundreds of servers
where the textbook formula's ``A**n / n!`` overflows::

    B(0) = 1,    B(k) = A B(k-1) / (k + A B(k-1)),    C(n) = n B(n) / (n - A (1 - B(n)))

Examples
--------
The classic call-centre example, 100 calls per half hour handled in 180 s on average (10 Erlangs):

>>> round(erlang_c(11, 10.0), 4)
0.6821
>>> round(service_level(13, 10.0, 180.0, 20.0), 4)  # 13 agents, often quoted as enough, fall short
0.7956
>>> cashiers_needed(200.0, 180.0, 20.0, 0.8)
14
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from forecasting.errors import ParameterError

__all__ = [
    "ErlangSolution",
    "cashiers_needed",
    "erlang_c",
    "mean_wait_s",
    "service_level",
    "solve_cashiers",
]


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arriving customer has to wait (Erlang C).

    Parameters
    ----------
    servers : int
        Checkouts open, ``n >= 0``.
    load : float
        Offered load ``A`` in Erlangs: arrivals per second times mean service time in seconds.

    Returns
    -------
    float
        In [0, 1]: 0.0 when ``load`` is 0 (nobody arrives), 1.0 when ``servers <= load`` (the
        queue grows without bound, so everyone waits).

    Raises
    ------
    ParameterError
        If ``servers`` is negative or ``load`` negative or not finite.

    Examples
    --------
    >>> round(erlang_c(11, 10.0), 4)
    0.6821
    """
    _check_queue(servers, load)
    if load == 0:
        return 0.0
    if servers <= load:
        return 1.0
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return servers * blocking / (servers - load * (1.0 - blocking))


def service_level(servers: int, load: float, service_time_s: float, wait_target_s: float) -> float:
    """Share of customers whose wait in the queue is at most ``wait_target_s``.

    ``1 - C exp(-(n - A) t / s)`` with ``C`` from :func:`erlang_c`, ``t`` the wait target and
    ``s`` the mean service time.

    Parameters
    ----------
    servers : int
        Checkouts open.
    load : float
        Offered load in Erlangs.
    service_time_s : float
        Mean service time, in seconds (positive).
    wait_target_s : float
        The wait target, in seconds (0 gives the share served at once, ``1 - C``).

    Returns
    -------
    float
        In [0, 1]: 1.0 when ``load`` is 0, 0.0 when ``servers <= load``.

    Raises
    ------
    ParameterError
        If an argument is out of range.

    Examples
    --------
    >>> round(service_level(11, 10.0, 180.0, 20.0), 4)
    0.3896
    """
    _check_queue(servers, load)
    _check_times(service_time_s, wait_target_s)
    if load == 0:
        return 1.0
    if servers <= load:
        return 0.0
    waiting = erlang_c(servers, load)
    return max(0.0, 1.0 - waiting * math.exp(-(servers - load) * wait_target_s / service_time_s))


def mean_wait_s(servers: int, load: float, service_time_s: float) -> float:
    """Mean wait in the queue over all customers (the average speed of answer), in seconds.

    ``C s / (n - A)``; customers served at once count with a wait of 0.

    Returns
    -------
    float
        0.0 when ``load`` is 0, ``math.inf`` when ``servers <= load``.

    Raises
    ------
    ParameterError
        If an argument is out of range.

    Examples
    --------
    >>> round(mean_wait_s(11, 10.0, 180.0), 1)
    122.8
    """
    _check_queue(servers, load)
    _check_times(service_time_s, 0.0)
    if load == 0:
        return 0.0
    if servers <= load:
        return math.inf
    return erlang_c(servers, load) * service_time_s / (servers - load)


def cashiers_needed(
    arrivals_per_hour: float,
    service_time_s: float,
    wait_target_s: float,
    service_target: float,
    min_cashiers: int = 1,
    max_cashiers: int | None = None,
) -> int:
    """The fewest checkouts that serve ``service_target`` of customers within ``wait_target_s``.

    Parameters
    ----------
    arrivals_per_hour : float
        Customers arriving at the checkouts per hour (0 or more).
    service_time_s : float
        Mean time to serve one customer, in seconds (positive).
    wait_target_s : float
        The wait target, in seconds (0 or more).
    service_target : float
        Share of customers to serve within the wait target, in (0, 1).
    min_cashiers : int, default 1
        Never fewer checkouts than this (also when nobody arrives).
    max_cashiers : int, optional
        Never more checkouts than this. When even this many miss the target, ``max_cashiers``
        is returned; check with :func:`service_level` and report the miss.

    Returns
    -------
    int
        ``min_cashiers`` when nobody arrives, else the least ``n >= max(min_cashiers, 1)`` with
        ``service_level(n, ...) >= service_target``, capped at ``max_cashiers``.

    Raises
    ------
    ParameterError
        If an argument is out of range (every problem is named at once).

    Examples
    --------
    >>> cashiers_needed(200.0, 180.0, 20.0, 0.8)
    14
    >>> cashiers_needed(200.0, 180.0, 20.0, 0.8, max_cashiers=12)
    12
    """
    solution = solve_cashiers(
        np.array([arrivals_per_hour], dtype=float),
        service_time_s,
        wait_target_s,
        service_target,
        min_cashiers,
        max_cashiers,
    )
    return int(solution.cashiers[0])


@dataclass(frozen=True)
class ErlangSolution:
    """Checkouts needed per period and how the queue then behaves; arrays of equal length.

    Attributes
    ----------
    load_erlangs : numpy.ndarray
        Offered load, in Erlangs.
    cashiers : numpy.ndarray
        Checkouts needed (int64), as :func:`cashiers_needed` gives them.
    p_wait : numpy.ndarray
        Probability of waiting with that many checkouts (:func:`erlang_c`).
    service_level : numpy.ndarray
        Share served within the wait target (:func:`service_level`).
    mean_wait_s : numpy.ndarray
        Mean wait in seconds (:func:`mean_wait_s`; ``inf`` when the queue is unstable).
    target_met : numpy.ndarray
        Whether ``service_level >= service_target`` (False only when capped at the maximum).
    """

    load_erlangs: np.ndarray
    cashiers: np.ndarray
    p_wait: np.ndarray
    service_level: np.ndarray
    mean_wait_s: np.ndarray
    target_met: np.ndarray


def solve_cashiers(
    arrivals_per_hour: np.ndarray,
    service_time_s: float | np.ndarray,
    wait_target_s: float | np.ndarray,
    service_target: float | np.ndarray,
    min_cashiers: int | np.ndarray = 1,
    max_cashiers: int | np.ndarray | None = None,
) -> ErlangSolution:
    """:func:`cashiers_needed` for many periods at once, with the resulting queue measures.

    The Erlang B recursion runs once over ``k = 1, 2, ...`` for all periods together, and each
    period leaves the loop at the first ``k`` that meets its target (or its maximum), so the
    cost is the number of periods times the largest number of checkouts needed.

    Parameters
    ----------
    arrivals_per_hour : numpy.ndarray
        Customers per hour, one value per period.
    service_time_s, wait_target_s, service_target, min_cashiers, max_cashiers
        As in :func:`cashiers_needed`; scalars or arrays broadcastable to ``arrivals_per_hour``.
        ``max_cashiers`` None means no maximum.

    Returns
    -------
    ErlangSolution

    Raises
    ------
    ParameterError
        If an argument is out of range (every problem is named at once).
    """
    arrivals = np.atleast_1d(np.asarray(arrivals_per_hour, dtype=float))
    shape = arrivals.shape
    service = np.broadcast_to(np.asarray(service_time_s, dtype=float), shape)
    wait = np.broadcast_to(np.asarray(wait_target_s, dtype=float), shape)
    target = np.broadcast_to(np.asarray(service_target, dtype=float), shape)
    low = np.broadcast_to(np.asarray(min_cashiers), shape)
    no_max = np.iinfo(np.int64).max
    high = np.broadcast_to(np.asarray(no_max if max_cashiers is None else max_cashiers), shape)
    _check_standard(arrivals, service, wait, target, low, high)
    low, high = low.astype(np.int64), high.astype(np.int64)

    load = arrivals * service / 3600.0
    # Nobody arriving, not a load of 0: a tiny rate can underflow to a load of 0.0 and still
    # needs a cashier.
    idle = arrivals == 0
    cashiers = np.where(idle, low, 0).astype(np.int64)
    p_wait = np.zeros(shape)
    level = np.ones(shape)
    mean_wait = np.zeros(shape)

    # The search starts where the queue is stable and the minimum is met; a maximum below that
    # start is returned as it is, with the measures of an unstable or under-staffed queue.
    start = np.maximum(np.maximum(low, 1), np.floor(load).astype(np.int64) + 1)
    capped_early = ~idle & (high < start)
    start = np.where(capped_early, high, start)
    todo = np.flatnonzero(~idle)
    blocking = np.ones(todo.size)
    k = 0
    while todo.size:
        k += 1
        a = load[todo]
        blocking = a * blocking / (k + a * blocking)
        at = start[todo] <= k
        if not at.any():
            continue
        rows, a, b = todo[at], a[at], blocking[at]
        stable = k > a
        # Unstable rows get harmless stand-ins before dividing and exponentiating.
        spare = np.where(stable, k - a, 1.0)
        c = np.where(stable, k * b / np.where(stable, k - a * (1.0 - b), 1.0), 1.0)
        decay = np.exp(-spare * wait[rows] / service[rows])
        ok = np.where(stable, np.maximum(0.0, 1.0 - c * decay), 0.0)
        asa = np.where(stable, c * service[rows] / spare, np.inf)
        done = (ok >= target[rows]) | (k >= high[rows])
        finished = rows[done]
        cashiers[finished] = k
        p_wait[finished] = c[done]
        level[finished] = ok[done]
        mean_wait[finished] = asa[done]
        keep = np.ones(todo.size, dtype=bool)
        keep[np.flatnonzero(at)[done]] = False
        todo, blocking = todo[keep], blocking[keep]
    return ErlangSolution(
        load_erlangs=load,
        cashiers=cashiers,
        p_wait=p_wait,
        service_level=level,
        mean_wait_s=mean_wait,
        target_met=level >= target,
    )


def _check_queue(servers: int, load: float) -> None:
    problems = []
    if isinstance(servers, bool) or not isinstance(servers, (int, np.integer)) or servers < 0:
        problems.append(f"servers must be a whole number 0 or more, got {servers!r}")
    if not math.isfinite(load) or load < 0:
        problems.append(f"load must be a finite number of Erlangs 0 or more, got {load!r}")
    if problems:
        raise ParameterError(
            "; ".join(problems),
            fix="Give the checkouts open and the load (arrivals per second x service seconds)",
        )


def _check_times(service_time_s: float, wait_target_s: float) -> None:
    problems = []
    if not math.isfinite(service_time_s) or service_time_s <= 0:
        problems.append(f"service_time_s must be positive, got {service_time_s!r}")
    if not math.isfinite(wait_target_s) or wait_target_s < 0:
        problems.append(f"wait_target_s must be 0 or more, got {wait_target_s!r}")
    if problems:
        raise ParameterError(
            "; ".join(problems),
            fix="Give the mean service time and the wait target in seconds, e.g. 90 and 120",
        )


def _check_standard(
    arrivals: np.ndarray,
    service: np.ndarray,
    wait: np.ndarray,
    target: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
) -> None:
    """Name every out-of-range argument at once, quoting the first bad value of each."""
    checks = [
        ("arrivals_per_hour", arrivals, ~(np.isfinite(arrivals) & (arrivals >= 0)),
         "must be 0 or more"),
        ("service_time_s", service, ~(np.isfinite(service) & (service > 0)), "must be positive"),
        ("wait_target_s", wait, ~(np.isfinite(wait) & (wait >= 0)), "must be 0 or more"),
        ("service_target", target, ~((target > 0) & (target < 1)), "must be in (0, 1)"),
        ("min_cashiers", low, (low < 0) | (low != np.round(low)), "must be a whole number >= 0"),
        ("max_cashiers", high, (high < np.maximum(low, 1)) | (high != np.round(high)),
         "must be a whole number >= min_cashiers and >= 1"),
    ]  # fmt: skip
    problems = [
        f"{name} {message}, got {values[bad][0].item()!r}" for name, values, bad, message in checks
        if bad.any()
    ]  # fmt: skip
    if problems:
        raise ParameterError(
            "; ".join(problems),
            fix="Give arrivals >= 0, a positive service time, a wait target >= 0, a service "
            "target between 0 and 1 (e.g. 0.8) and 0 <= min_cashiers <= max_cashiers",
        )
