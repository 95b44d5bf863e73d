"""Checkout staffing tables: hand-worked Erlang figures, partial hours, caps and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.errors import ParameterError, SchemaError
from forecasting.planning.staffing import (
    DAILY_COLUMNS,
    PLAN_COLUMNS,
    daily_staffing,
    describe_hour,
    staffing_plan,
)
from forecasting.stores import StaffingStandard

# The classic call-centre example as a store: 180 s per customer, 80% within 20 s.
CLASSIC = StaffingStandard(service_time_s=180.0, wait_target_s=20.0, service_target=0.8,
                           min_cashiers=1, max_cashiers=30)  # fmt: skip
DAY = pd.Timestamp("2025-12-23")


def hourly(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (store, date, hour, open_minutes, receipts)."""
    frame = pd.DataFrame(rows, columns=["store", "date", "hour", "open_minutes", "receipts"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_plan_reproduces_the_classic_example() -> None:
    # 200 customers in a full hour and 100 in a half hour are both 10 Erlangs.
    plan = staffing_plan(
        hourly([("HKI", DAY, 9, 60, 200.0), ("HKI", DAY, 21, 30, 100.0)]), {"HKI": CLASSIC}
    )
    assert list(plan.columns) == list(PLAN_COLUMNS)
    for i in (0, 1):
        row = plan.iloc[i]
        assert row["arrivals_per_min"] == pytest.approx(200 / 60)
        assert row["service_time_s"] == 180.0
        assert row["load_erlangs"] == pytest.approx(10.0)
        assert row["cashiers"] == 14
        assert row["p_wait"] == pytest.approx(0.1741, abs=5e-5)
        assert row["service_level"] == pytest.approx(0.8884, abs=5e-5)
        assert row["mean_wait_s"] == pytest.approx(7.84, abs=0.01)
        assert bool(row["target_met"])
    assert plan["staff_hours"].tolist() == [14.0, 7.0]
    assert plan["cashiers"].dtype == np.int64
    assert plan["target_met"].dtype == bool
    assert plan["hour"].tolist() == [9, 21]


def test_partial_hour_raises_the_arrival_rate() -> None:
    standards = {"HKI": StaffingStandard()}
    plan = staffing_plan(
        hourly([("HKI", DAY, 9, 60, 60.0), ("HKI", DAY, 21, 30, 60.0)]), standards
    )
    full, half = plan.iloc[0], plan.iloc[1]
    assert half["arrivals_per_min"] == pytest.approx(2 * full["arrivals_per_min"])
    assert half["load_erlangs"] == pytest.approx(2 * full["load_erlangs"])
    assert half["cashiers"] > full["cashiers"]
    assert half["staff_hours"] == pytest.approx(half["cashiers"] / 2)


def test_target_missed_when_capped_by_max_cashiers() -> None:
    small = StaffingStandard(service_time_s=180.0, wait_target_s=20.0, max_cashiers=12)
    plan = staffing_plan(
        hourly([("HKI", DAY, 16, 60, 200.0), ("HKI", DAY, 17, 60, 300.0),
                ("HKI", DAY, 18, 60, 20.0)]),
        {"HKI": small},
    )  # fmt: skip
    # 20 an hour is 1 Erlang: 2 cashiers serve 70% within 20 s, 3 serve 94%.
    assert plan["cashiers"].tolist() == [12, 12, 3]
    assert plan["target_met"].tolist() == [False, False, True]
    assert plan.loc[0, "service_level"] == pytest.approx(0.6402, abs=5e-5)
    # 300 an hour x 180 s is 15 Erlangs: 12 cashiers cannot keep up at all.
    assert plan.loc[1, "service_level"] == 0.0
    assert plan.loc[1, "p_wait"] == 1.0
    assert plan.loc[1, "mean_wait_s"] == np.inf
    daily = daily_staffing(plan)
    assert daily.loc[0, "hours_target_missed"] == 2


def test_quiet_hour_keeps_the_minimum() -> None:
    standard = StaffingStandard(min_cashiers=2)
    plan = staffing_plan(hourly([("HKI", DAY, 7, 60, 0.0), ("HKI", DAY, 8, 45, 1.0)]),
                         {"HKI": standard})  # fmt: skip
    assert plan["cashiers"].tolist() == [2, 2]
    assert plan.loc[0, "service_level"] == 1.0
    assert plan.loc[0, "mean_wait_s"] == 0.0
    assert plan["target_met"].all()
    assert plan["staff_hours"].tolist() == [2.0, 1.5]


def test_each_store_uses_its_own_standard() -> None:
    standards = {"HKI": CLASSIC, "TRE": StaffingStandard(service_time_s=90.0, max_cashiers=20)}
    plan = staffing_plan(
        hourly([("TRE", DAY, 9, 60, 200.0), ("HKI", DAY, 9, 60, 200.0)]), standards
    )
    assert plan["store"].tolist() == ["TRE", "HKI"]
    assert plan["service_time_s"].tolist() == [90.0, 180.0]
    assert plan.loc[1, "cashiers"] == 14
    assert plan.loc[0, "load_erlangs"] == pytest.approx(5.0)
    assert plan.loc[0, "cashiers"] < 14


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(min_value=0.0, max_value=1500.0), min_size=1, max_size=15),
    st.floats(min_value=1.0, max_value=5.0),
    st.integers(min_value=1, max_value=60),
)
def test_more_receipts_never_lower_cashiers(receipts: list[float], scale: float, minutes: int):
    standards = {"HKI": StaffingStandard(max_cashiers=40)}
    base = hourly([("HKI", DAY, 8 + i % 14, minutes, r) for i, r in enumerate(receipts)])
    scaled = base.assign(receipts=base["receipts"] * scale)
    before = staffing_plan(base, standards)["cashiers"].to_numpy()
    after = staffing_plan(scaled, standards)["cashiers"].to_numpy()
    assert (after >= before).all()
    assert (before >= 1).all() and (after <= 40).all()


def test_unknown_store_is_named() -> None:
    frame = hourly([("HKI", DAY, 9, 60, 10.0), ("OUL", DAY, 9, 60, 10.0)])
    with pytest.raises(ParameterError) as info:
        staffing_plan(frame, {"HKI": StaffingStandard()})
    message = str(info.value)
    assert "OUL" in message
    assert "[stores.OUL.staffing]" in message
    assert "store.toml" in message


def test_absurd_standards_are_refused_with_the_reason_not_planned_as_inf() -> None:
    frame = hourly([("HKI", DAY, 9, 60, 10.0)])
    absurd = StaffingStandard(service_time_s=1e308, max_cashiers=10**6)
    with pytest.raises(ParameterError) as info:
        staffing_plan(frame, {"HKI": absurd})
    message = str(info.value)
    assert "service_time_s = 1e+308 is not between 1 and 3,600" in message
    assert "max_cashiers = 1e+06 is not between 1 and 200" in message and "(store HKI)" in message


def test_missing_columns_and_bad_values() -> None:
    with pytest.raises(SchemaError, match="'open_minutes'"):
        staffing_plan(pd.DataFrame({"store": [], "date": [], "hour": [], "receipts": []}), {})
    frame = hourly([("HKI", DAY, 24, 0, -3.0), ("HKI", DAY, 9, 61, float("nan"))])
    with pytest.raises(ParameterError) as info:
        staffing_plan(frame, {"HKI": StaffingStandard()})
    message = str(info.value)
    for fragment in ("hour", "open_minutes", "receipts", "24", "61"):
        assert fragment in message


def test_empty_input_gives_empty_tables() -> None:
    empty = hourly([])
    plan = staffing_plan(empty, {})
    assert list(plan.columns) == list(PLAN_COLUMNS)
    assert plan.empty
    daily = daily_staffing(plan)
    assert list(daily.columns) == list(DAILY_COLUMNS) and daily.empty


def test_daily_staffing_sums_per_store_and_day() -> None:
    next_day = DAY + pd.Timedelta(days=1)
    rows = [
        ("HKI", DAY, 8, 60, 20.0),
        ("HKI", DAY, 12, 60, 200.0),
        ("HKI", DAY, 16, 60, 200.0),
        ("HKI", DAY, 21, 30, 10.0),
        ("HKI", next_day, 10, 60, 40.0),
        ("AAA", DAY, 10, 60, 100.0),
    ]
    standards = {"HKI": CLASSIC, "AAA": CLASSIC}
    plan = staffing_plan(hourly(rows), standards)
    daily = daily_staffing(plan)
    assert list(daily.columns) == list(DAILY_COLUMNS)
    assert daily[["store", "date"]].apply(tuple, axis=1).tolist() == [
        ("AAA", DAY),
        ("HKI", DAY),
        ("HKI", next_day),
    ]
    hki = daily.iloc[1]
    hki_plan = plan[(plan["store"] == "HKI") & (plan["date"] == DAY)]
    assert hki["open_hours"] == 3.5
    assert hki["receipts"] == 430.0
    assert hki["staff_hours"] == pytest.approx(hki_plan["staff_hours"].sum())
    assert hki["peak_cashiers"] == 14
    assert hki["peak_hour"] == 12  # the first of the two peak hours
    assert hki["hours_target_missed"] == 0
    assert daily["hours_target_missed"].dtype == np.int64


def test_describe_hour() -> None:
    standard = StaffingStandard(service_time_s=95.0, wait_target_s=120.0)
    plan = staffing_plan(hourly([("HKI", DAY, 16, 60, 142.0)]), {"HKI": standard})
    text = describe_hour(plan.iloc[0], standard)
    assert text == (
        "HKI 2025-12-23 16:00: 142 customers (2.4 a minute) x 95 s service = 3.7 Erlangs; "
        "5 cashiers serve 91% within 120 s, mean wait 35 s"
    )
    capped = StaffingStandard(service_time_s=180.0, wait_target_s=20.0, max_cashiers=12)
    plan = staffing_plan(hourly([("HKI", DAY, 21, 30, 150.0)]), {"HKI": capped})
    text = describe_hour(plan.iloc[0].to_dict(), capped)
    assert text.startswith("HKI 2025-12-23 21:00 (open 30 min): 150 customers (5.0 a minute)")
    assert "12 cashiers serve 0% within 20 s, mean wait unbounded" in text
    assert text.endswith("(below the 80% target at the most cashiers allowed)")
