"""Checkout staffing: the cashiers each opening hour needs to meet the store's service target.

The input is an hourly table of forecast customers (receipts) per store; each store's
:class:`~forecasting.stores.StaffingStandard` says how long a customer takes to serve and how
long they may wait. Within an hour customers are assumed to arrive at random at a steady rate,
so the cashiers follow from Erlang C (:mod:`forecasting.planning.erlang`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecasting.errors import ParameterError, SchemaError
from forecasting.planning.erlang import solve_cashiers
from forecasting.stores import StaffingStandard, check_staffing

__all__ = ["daily_staffing", "describe_hour", "staffing_plan"]

HOURLY_COLUMNS = ("store", "date", "hour", "open_minutes", "receipts")
PLAN_COLUMNS = (
    "store",
    "date",
    "hour",
    "open_minutes",
    "receipts",
    "arrivals_per_min",
    "service_time_s",
    "load_erlangs",
    "cashiers",
    "p_wait",
    "service_level",
    "mean_wait_s",
    "target_met",
    "staff_hours",
)
DAILY_COLUMNS = (
    "store",
    "date",
    "open_hours",
    "receipts",
    "staff_hours",
    "peak_cashiers",
    "peak_hour",
    "hours_target_missed",
)


def staffing_plan(
    hourly: pd.DataFrame, standards: Mapping[str, StaffingStandard]
) -> pd.DataFrame:
    """Cashiers needed in each opening hour, and the queue they would give.

    Parameters
    ----------
    hourly : pandas.DataFrame
        One row per store, day and opening hour: ``store``, ``date`` (midnight timestamps),
        ``hour`` (0-23), ``open_minutes`` (minutes open in that hour, 1-60) and ``receipts``
        (forecast customers in that hour, 0 or more).
    standards : Mapping of str to StaffingStandard
        The staffing standard of every store in ``hourly``.

    Returns
    -------
    pandas.DataFrame
        In the row order of ``hourly``, with columns ``store, date, hour, open_minutes,
        receipts, arrivals_per_min, service_time_s, load_erlangs, cashiers, p_wait,
        service_level, mean_wait_s, target_met, staff_hours``. Customers arrive at
        ``receipts / open_minutes`` a minute; ``cashiers`` is the fewest that serve
        ``service_target`` of them within ``wait_target_s`` (at least ``min_cashiers``, also in
        an hour without customers); when ``max_cashiers`` cannot, it is ``max_cashiers`` and
        ``target_met`` is False. ``staff_hours`` is ``cashiers * open_minutes / 60``.

    Raises
    ------
    SchemaError
        If a column is missing.
    ParameterError
        If a store has no standard, a standard is outside :data:`forecasting.stores.LIMITS`,
        or hours, minutes or receipts are out of range.

    Examples
    --------
    >>> hourly = pd.DataFrame({"store": ["HKI"], "date": [pd.Timestamp("2025-12-23")],
    ...                        "hour": [16], "open_minutes": [60], "receipts": [142.0]})
    >>> plan = staffing_plan(hourly, {"HKI": StaffingStandard(service_time_s=95.0)})
    >>> int(plan.loc[0, "cashiers"])
    5
    """
    _check_hourly(hourly, standards)
    for code, standard in standards.items():
        check_staffing(standard, where=f"store {code}")
    stores = hourly["store"].to_numpy()
    minutes = hourly["open_minutes"].to_numpy(dtype=float)
    receipts = hourly["receipts"].to_numpy(dtype=float)

    def field(name: str) -> np.ndarray:
        values = {code: getattr(standard, name) for code, standard in standards.items()}
        return pd.Series(stores).map(values).to_numpy()

    service = field("service_time_s").astype(float)
    solution = solve_cashiers(
        receipts * 60.0 / minutes,
        service,
        field("wait_target_s").astype(float),
        field("service_target").astype(float),
        field("min_cashiers").astype(np.int64),
        field("max_cashiers").astype(np.int64),
    )
    plan = pd.DataFrame(
        {
            "store": hourly["store"].to_numpy(),
            "date": hourly["date"].to_numpy(),
            "hour": hourly["hour"].to_numpy(dtype=np.int64),
            "open_minutes": hourly["open_minutes"].to_numpy(dtype=np.int64),
            "receipts": receipts,
            "arrivals_per_min": receipts / minutes,
            "service_time_s": service,
            "load_erlangs": solution.load_erlangs,
            "cashiers": solution.cashiers,
            "p_wait": solution.p_wait,
            "service_level": solution.service_level,
            "mean_wait_s": solution.mean_wait_s,
            "target_met": solution.target_met,
            "staff_hours": solution.cashiers * minutes / 60.0,
        },
        columns=list(PLAN_COLUMNS),
    )
    return plan


def daily_staffing(plan: pd.DataFrame) -> pd.DataFrame:
    """Sum a staffing plan per store and day.

    Parameters
    ----------
    plan : pandas.DataFrame
        The output of :func:`staffing_plan`.

    Returns
    -------
    pandas.DataFrame
        Sorted by store and date, with columns ``store, date, open_hours`` (hours open,
        partial hours counted in part), ``receipts``, ``staff_hours``, ``peak_cashiers`` (the
        most cashiers in any hour), ``peak_hour`` (the first hour with that many) and
        ``hours_target_missed`` (opening hours in which even the maximum misses the target).
    """
    keys = ["store", "date"]
    if plan.empty:
        return pd.DataFrame({name: [] for name in DAILY_COLUMNS})
    frame = plan.assign(missed=~plan["target_met"].astype(bool))
    daily = frame.groupby(keys, sort=True).agg(
        open_minutes=("open_minutes", "sum"),
        receipts=("receipts", "sum"),
        staff_hours=("staff_hours", "sum"),
        peak_cashiers=("cashiers", "max"),
        hours_target_missed=("missed", "sum"),
    )
    daily["open_hours"] = daily.pop("open_minutes") / 60.0
    peaks = (
        frame.sort_values(keys + ["cashiers", "hour"], ascending=[True, True, False, True])
        .drop_duplicates(keys)
        .set_index(keys)["hour"]
    )
    daily["peak_hour"] = peaks.reindex(daily.index).to_numpy()
    daily["hours_target_missed"] = daily["hours_target_missed"].astype(np.int64)
    return daily.reset_index()[list(DAILY_COLUMNS)]


def describe_hour(row: Mapping[str, object], standard: StaffingStandard | None = None) -> str:
    """One sentence on one hour of a staffing plan.

    Parameters
    ----------
    row : Mapping or pandas.Series
        A row of :func:`staffing_plan`'s output.
    standard : StaffingStandard, optional
        The store's standard, for the wait target and, when missed, the service target
        (the plan holds neither). Without it the default standard's are shown.

    Returns
    -------
    str
        E.g. ``"HKI 2025-12-23 16:00: 142 customers (2.4 a minute) x 95 s service = 3.7
        Erlangs; 5 cashiers serve 84% within 120 s, mean wait 21 s"``.
    """
    standard = standard or StaffingStandard()
    date = pd.Timestamp(row["date"])
    minutes = int(row["open_minutes"])
    open_part = "" if minutes >= 60 else f" (open {minutes} min)"
    mean_wait = float(row["mean_wait_s"])
    wait = "unbounded" if not np.isfinite(mean_wait) else f"{mean_wait:.0f} s"
    text = (
        f"{row['store']} {date:%Y-%m-%d} {int(row['hour']):02d}:00{open_part}: "
        f"{float(row['receipts']):.0f} customers ({float(row['arrivals_per_min']):.1f} a minute)"
        f" x {float(row['service_time_s']):.0f} s service = {float(row['load_erlangs']):.1f}"
        f" Erlangs; {int(row['cashiers'])} cashiers serve {float(row['service_level']):.0%}"
        f" within {standard.wait_target_s:.0f} s, mean wait {wait}"
    )
    if not bool(row["target_met"]):
        text += f" (below the {standard.service_target:.0%} target at the most cashiers allowed)"
    return text


def _check_hourly(hourly: pd.DataFrame, standards: Mapping[str, StaffingStandard]) -> None:
    """Name every problem of the hourly table at once."""
    missing = [name for name in HOURLY_COLUMNS if name not in hourly.columns]
    if missing:
        raise SchemaError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}",
            source="hourly",
            where=f"found: {', '.join(map(str, hourly.columns))}",
            fix="Give one row per store, date and opening hour with "
            + ", ".join(HOURLY_COLUMNS),
        )
    problems = []
    unknown = sorted(set(hourly["store"].astype(str)) - set(standards))
    if unknown:
        problems.append(f"no staffing standard for store {', '.join(unknown)}")
    hour = pd.to_numeric(hourly["hour"], errors="coerce")
    minutes = pd.to_numeric(hourly["open_minutes"], errors="coerce")
    receipts = pd.to_numeric(hourly["receipts"], errors="coerce")
    for name, bad, rule in (
        ("hour", ~hour.between(0, 23) | (hour % 1 != 0), "a whole hour 0-23"),
        ("open_minutes", ~minutes.between(1, 60) | (minutes % 1 != 0), "whole minutes 1-60"),
        ("receipts", ~(receipts >= 0) | ~np.isfinite(receipts), "0 or more"),
    ):
        if bad.any():
            first = hourly.loc[bad, name].head(3).tolist()
            problems.append(
                f"{int(bad.sum())} {name} values are not {rule} (first: {', '.join(map(str, first))})"
            )
    if problems:
        fix = "Check the hourly forecast"
        if unknown:
            fix = (
                f"Add [stores.{unknown[0]}.staffing] to store.toml (or give the store's "
                "standard), or drop its rows"
            )
        raise ParameterError("; ".join(problems), source="hourly", fix=fix)
