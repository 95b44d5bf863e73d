"""Erlang C against the published call-centre example and the textbook factorial formula."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from forecasting.errors import ForecastError, ParameterError
from forecasting.planning.erlang import (
    cashiers_needed,
    erlang_c,
    mean_wait_s,
    service_level,
    solve_cashiers,
)


def factorial_erlang_c(n: int, a: float) -> float:
    """The textbook formula, written independently of the Erlang B recursion."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


# The classic example: 100 calls per 30 minutes (200 an hour), 180 s handling time, so
# A = 200 / 3600 * 180 = 10 Erlangs, target 80% answered within 20 s.
CALLS_PER_HOUR, HANDLE_S, TARGET_S, LOAD = 200.0, 180.0, 20.0, 10.0


def test_classic_example_eleven_agents() -> None:
    assert erlang_c(11, LOAD) == pytest.approx(0.6821, abs=5e-5)
    # Published as 39% (0.3897-0.3898 when e^(-1/9) is rounded by hand); exactly 0.38961.
    assert service_level(11, LOAD, HANDLE_S, TARGET_S) == pytest.approx(0.38961, abs=5e-5)
    # Average speed of answer 0.6821 * 180 / (11 - 10) = 122.8 s.
    assert mean_wait_s(11, LOAD, HANDLE_S) == pytest.approx(122.78, abs=0.01)


@pytest.mark.parametrize(
    ("agents", "p_wait", "level", "asa_s"),
    [
        (12, 0.4494, 0.6402, 40.44),
        (13, 0.2853, 0.7956, 17.12),
        (14, 0.1741, 0.8884, 7.84),
        (15, 0.1020, 0.9415, 3.67),
    ],
)
def test_classic_example_more_agents(agents: int, p_wait: float, level: float, asa_s: float):
    assert erlang_c(agents, LOAD) == pytest.approx(p_wait, abs=5e-5)
    assert service_level(agents, LOAD, HANDLE_S, TARGET_S) == pytest.approx(level, abs=5e-5)
    assert mean_wait_s(agents, LOAD, HANDLE_S) == pytest.approx(asa_s, abs=0.01)
    independent = factorial_erlang_c(agents, LOAD)
    assert erlang_c(agents, LOAD) == pytest.approx(independent, rel=1e-12)
    assert 1 - independent * math.exp(-(agents - LOAD) * TARGET_S / HANDLE_S) == pytest.approx(
        level, abs=5e-5
    )


def test_classic_example_agents_for_80_in_20() -> None:
    # 13 agents, often quoted as enough, serve 79.6% within 20 s; 80% takes 14.
    assert cashiers_needed(CALLS_PER_HOUR, HANDLE_S, TARGET_S, 0.8) == 14
    assert cashiers_needed(CALLS_PER_HOUR, HANDLE_S, TARGET_S, 0.79) == 13
    assert cashiers_needed(CALLS_PER_HOUR, HANDLE_S, TARGET_S, 0.3) == 11
    assert cashiers_needed(CALLS_PER_HOUR, HANDLE_S, TARGET_S, 0.8, max_cashiers=12) == 12
    assert cashiers_needed(CALLS_PER_HOUR, HANDLE_S, TARGET_S, 0.8, min_cashiers=16) == 16


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 21, 34, 60])
@pytest.mark.parametrize("fraction", [0.01, 0.2, 0.5, 0.8, 0.95, 0.999])
def test_recursion_matches_factorial_formula(n: int, fraction: float) -> None:
    a = n * fraction
    assert erlang_c(n, a) == pytest.approx(factorial_erlang_c(n, a), rel=1e-10, abs=1e-300)


def test_large_number_of_servers_is_finite() -> None:
    p_wait = erlang_c(300, 280.0)
    assert 0 < p_wait < 1
    assert math.isfinite(p_wait)
    assert 0 < service_level(300, 280.0, 90.0, 120.0) < 1
    assert math.isfinite(mean_wait_s(300, 280.0, 90.0))
    # The factorial formula overflows here: 280**300 is past the largest float.
    with pytest.raises(OverflowError):
        factorial_erlang_c(300, 280.0)


def test_edges() -> None:
    assert erlang_c(3, 0.0) == 0.0
    assert service_level(3, 0.0, 90.0, 120.0) == 1.0
    assert mean_wait_s(3, 0.0, 90.0) == 0.0
    for servers in (0, 4, 5):
        assert erlang_c(servers, 5.0) == 1.0
        assert service_level(servers, 5.0, 90.0, 120.0) == 0.0
        assert mean_wait_s(servers, 5.0, 90.0) == math.inf
    assert service_level(6, 5.0, 90.0, 0.0) == pytest.approx(1 - erlang_c(6, 5.0))
    assert cashiers_needed(0.0, 90.0, 120.0, 0.8) == 1
    assert cashiers_needed(0.0, 90.0, 120.0, 0.8, min_cashiers=3) == 3
    assert cashiers_needed(0.0, 90.0, 120.0, 0.8, min_cashiers=0) == 0
    assert cashiers_needed(1e-9, 90.0, 120.0, 0.8, min_cashiers=0) == 1


@pytest.mark.parametrize(
    ("kwargs", "fragments"),
    [
        ({"arrivals_per_hour": -1.0}, ["arrivals_per_hour", "-1.0"]),
        ({"arrivals_per_hour": math.nan}, ["arrivals_per_hour"]),
        ({"service_time_s": 0.0}, ["service_time_s must be positive"]),
        ({"wait_target_s": -5.0}, ["wait_target_s"]),
        ({"service_target": 1.0}, ["service_target must be in (0, 1), got 1.0"]),
        ({"service_target": 0.0}, ["service_target"]),
        ({"min_cashiers": -1}, ["min_cashiers"]),
        ({"min_cashiers": 4, "max_cashiers": 3}, ["max_cashiers", "got 3"]),
        (
            {"arrivals_per_hour": -1.0, "service_time_s": -2.0, "service_target": 2.0},
            ["arrivals_per_hour", "service_time_s", "service_target"],
        ),
    ],
)
def test_cashiers_needed_rejects_bad_arguments(kwargs: dict, fragments: list[str]) -> None:
    arguments = {
        "arrivals_per_hour": 100.0,
        "service_time_s": 90.0,
        "wait_target_s": 120.0,
        "service_target": 0.8,
        **kwargs,
    }
    with pytest.raises(ParameterError) as info:
        cashiers_needed(**arguments)
    assert isinstance(info.value, ForecastError)
    for fragment in fragments:
        assert fragment in str(info.value)
    assert info.value.fix


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: erlang_c(-1, 2.0), "servers"),
        (lambda: erlang_c(2, -0.5), "load"),
        (lambda: erlang_c(2, math.inf), "load"),
        (lambda: service_level(2, 1.0, 0.0, 10.0), "service_time_s"),
        (lambda: service_level(2, 1.0, 90.0, -1.0), "wait_target_s"),
        (lambda: mean_wait_s(2, 1.0, -90.0), "service_time_s"),
    ],
)
def test_measures_reject_bad_arguments(call, fragment: str) -> None:
    with pytest.raises(ParameterError, match=fragment):
        call()


def test_solve_cashiers_matches_scalar_functions() -> None:
    grid = [(rate, s) for rate in (0.0, 0.3, 5.0, 40.0, 133.0, 400.0, 2000.0) for s in (30, 95)]
    rates = np.array([rate for rate, _ in grid])
    services = np.array([s for _, s in grid], dtype=float)
    solution = solve_cashiers(rates, services, 60.0, 0.85, 1, 25)
    for i, (rate, s) in enumerate(grid):
        n = cashiers_needed(rate, s, 60.0, 0.85, 1, 25)
        load = rate * s / 3600
        assert solution.cashiers[i] == n
        assert solution.load_erlangs[i] == pytest.approx(load)
        assert solution.p_wait[i] == pytest.approx(erlang_c(n, load), rel=1e-12)
        assert solution.service_level[i] == pytest.approx(
            service_level(n, load, s, 60.0), rel=1e-12
        )
        assert solution.mean_wait_s[i] == pytest.approx(mean_wait_s(n, load, s), rel=1e-12)
        assert solution.target_met[i] == (solution.service_level[i] >= 0.85)
    # 2000 an hour x 95 s is 52.8 Erlangs: the cap of 25 leaves an unstable queue.
    last = len(grid) - 1
    assert solution.cashiers[last] == 25
    assert not solution.target_met[last]
    assert solution.service_level[last] == 0.0
    assert solution.mean_wait_s[last] == math.inf


def test_solve_cashiers_handles_empty_input() -> None:
    solution = solve_cashiers(np.array([]), 90.0, 120.0, 0.8)
    assert solution.cashiers.shape == (0,)


rates = st.floats(min_value=0.0, max_value=3000.0, allow_nan=False)
service_times = st.floats(min_value=5.0, max_value=600.0)
wait_targets = st.floats(min_value=0.0, max_value=600.0)
targets = st.floats(min_value=0.05, max_value=0.99)


@settings(max_examples=150, deadline=None)
@given(rates, rates, service_times, wait_targets, targets, st.integers(0, 5))
def test_more_arrivals_never_need_fewer_cashiers(
    rate_a: float, rate_b: float, s: float, t: float, target: float, low: int
) -> None:
    low_rate, high_rate = sorted((rate_a, rate_b))
    fewer = cashiers_needed(low_rate, s, t, target, min_cashiers=low)
    more = cashiers_needed(high_rate, s, t, target, min_cashiers=low)
    assert fewer <= more


@settings(max_examples=150, deadline=None)
@given(
    rates, service_times, wait_targets, targets, st.integers(0, 5), st.none() | st.integers(5, 40)
)
@example(5e-324, 5.0, 0.0, 0.5, 0, None)  # a load that underflows to 0.0: still one cashier
@example(0.0, 5.0, 0.0, 0.5, 0, None)  # nobody arrives: none
def test_cashiers_needed_meets_target_unless_capped(
    rate: float, s: float, t: float, target: float, low: int, high: int | None
) -> None:
    n = cashiers_needed(rate, s, t, target, min_cashiers=low, max_cashiers=high)
    load = rate * s / 3600
    assert n >= low
    if high is not None:
        assert n <= high
    if rate == 0:  # nobody arrives: the least allowed
        assert n == low
        return
    assert n >= 1  # somebody arrives, however rarely
    if load == 0:  # a rate so small that its load underflows: nothing more to compare
        return
    level = service_level(n, load, s, t)
    if high is None or n < high:
        assert level >= target
    if n > max(low, 1):
        # ... and it is the least: one fewer misses the target.
        assert service_level(n - 1, load, s, t) < target


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 200), st.floats(min_value=0.0, max_value=1.0), service_times, wait_targets)
def test_service_level_grows_with_servers(n: int, fraction: float, s: float, t: float) -> None:
    load = n * fraction
    levels = [service_level(k, load, s, t) for k in range(n, n + 4)]
    assert all(0.0 <= level <= 1.0 for level in levels)
    assert levels == sorted(levels)
    waits = [erlang_c(k, load) for k in range(n, n + 4)]
    assert all(0.0 <= w <= 1.0 for w in waits)
    assert waits == sorted(waits, reverse=True)


@settings(max_examples=100, deadline=None)
@given(rates, service_times, targets, st.integers(0, 30))
@example(5e-324, 5.0, 0.5, 0)  # a rate whose load underflows to 0.0 still needs a cashier
def test_min_cashiers_respected(rate: float, s: float, target: float, low: int) -> None:
    assert cashiers_needed(rate, s, 120.0, target, min_cashiers=low) >= low
    assert cashiers_needed(rate, s, 120.0, target, min_cashiers=low, max_cashiers=low + 1) in (
        low if rate == 0 else max(low, 1),
        low + 1,
    )
