"""Tests of weekly freezer space allocation: hand-worked figures, seasons, errors, invariants."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.errors import ForecastError, ParameterError
from forecasting.planning.freezer import FreezerPlan, freezer_plan

Z95 = NormalDist().inv_cdf(0.95)
Z_ONE = NormalDist().cdf(1.0)  # the service level whose normal quantile is exactly 1


def rows(sku, dates, mean, var, *, volume=1.0, category="ice cream", store="HKI"):
    """Daily forecast rows of one SKU; ``mean`` and ``var`` are scalars or one per date."""
    dates = pd.DatetimeIndex(pd.to_datetime(dates))
    return pd.DataFrame(
        {
            "store": store,
            "sku": sku,
            "category": category,
            "date": dates,
            "mean": np.broadcast_to(np.asarray(mean, float), len(dates)),
            "var": np.broadcast_to(np.asarray(var, float), len(dates)),
            "unit_volume_l": volume,
        }
    )


def week_of(monday: str) -> pd.DatetimeIndex:
    return pd.date_range(monday, periods=7)


# --- hand-worked figures ----------------------------------------------------------------------


def test_one_sku_need_is_cycle_plus_safety_from_the_days_present():
    # Tue-Thu of the week of Mon 2026-06-01: mean 8, 10, 12 -> m = 10; var 3, 4, 5 -> v = 4.
    daily = rows("vanilla", ["2026-06-02", "2026-06-03", "2026-06-04"], [8, 10, 12], [3, 4, 5])
    daily["unit_volume_l"] = 0.5
    plan = freezer_plan(daily, {"HKI": 1000.0})

    sku = plan.skus.iloc[0]
    assert sku["week"] == pd.Timestamp("2026-06-01")
    assert sku["weekly_units"] == pytest.approx(70.0)
    assert sku["cycle_units"] == pytest.approx(70.0)  # review_days = 7
    assert sku["safety_units"] == pytest.approx(Z95 * math.sqrt(4 * (4 + 7)))  # 10.911
    assert sku["need_l"] == pytest.approx((70 + Z95 * math.sqrt(44)) * 0.5)  # 40.455 L
    assert sku["allocated_l"] == sku["need_l"]
    assert sku["short_l"] == 0
    assert plan.shortfalls.empty
    assert plan.capacity == {"HKI": 1000.0}


def test_review_and_lead_days_change_cycle_and_safety():
    daily = rows("vanilla", week_of("2026-06-01"), 10.0, 4.0)
    plan = freezer_plan(daily, {"HKI": 1000.0}, review_days=3, lead_days=2)
    sku = plan.skus.iloc[0]
    assert sku["cycle_units"] == pytest.approx(30.0)
    assert sku["weekly_units"] == pytest.approx(70.0)
    assert sku["safety_units"] == pytest.approx(Z95 * math.sqrt(4 * 5))


def binding_case() -> pd.DataFrame:
    """Two SKUs: A needs 50 L cycle + 30 L safety, B (2 L a unit) 40 L cycle + 20 L safety."""
    days = week_of("2026-06-01")
    a = rows("A", days, 50 / 7, 100.0, volume=1.0)  # safety 1 * sqrt(100 * 9) = 30 units
    b = rows("B", days, 20 / 7, 100 / 9, volume=2.0)  # safety 1 * sqrt(100 / 9 * 9) = 10 units
    return pd.concat([b, a], ignore_index=True)


def test_binding_capacity_fills_cycle_stock_first_then_safety_by_units_per_litre():
    plan = freezer_plan(binding_case(), {"HKI": 100.0}, service_level=Z_ONE, lead_days=2)
    skus = plan.skus.set_index("sku")
    assert skus["need_l"].to_dict() == pytest.approx({"A": 80.0, "B": 60.0})
    # Cycle A 50 + cycle B 40 = 90 L, then 10 of A's 30 L of safety stock; B's safety gets none.
    assert skus["allocated_l"].to_dict() == pytest.approx({"A": 60.0, "B": 40.0})
    assert skus["short_l"].to_dict() == pytest.approx({"A": 20.0, "B": 20.0})
    assert skus["short_units"].to_dict() == pytest.approx({"A": 20.0, "B": 10.0})
    assert skus["allocated_l"].sum() == pytest.approx(100.0)
    assert set(plan.shortfalls["sku"]) == {"A", "B"}

    category = plan.categories.iloc[0]
    assert category["need_l"] == pytest.approx(140.0)
    assert category["allocated_l"] == pytest.approx(100.0)
    assert category["share"] == pytest.approx(1.0)
    assert category["short_l"] == pytest.approx(40.0)


def test_capacity_below_cycle_stock_serves_the_smallest_units_first():
    plan = freezer_plan(binding_case(), {"HKI": 70.0}, service_level=Z_ONE, lead_days=2)
    skus = plan.skus.set_index("sku")
    assert skus["allocated_l"].to_dict() == pytest.approx({"A": 50.0, "B": 20.0})


def test_equal_volumes_serve_the_higher_weekly_demand_first_then_by_sku():
    days = week_of("2026-06-01")
    daily = pd.concat(
        [
            rows("low", days, 5.0, 0.0),
            rows("high", days, 10.0, 0.0),
            rows("b-tie", days, 5.0, 0.0),
        ],
        ignore_index=True,
    )
    # Needs: high 70, low 35, b-tie 35 L; 90 L go to high, then b-tie (before low), then low.
    plan = freezer_plan(daily, {"HKI": 90.0})
    got = plan.skus.set_index("sku")["allocated_l"].to_dict()
    assert got == pytest.approx({"high": 70.0, "b-tie": 20.0, "low": 0.0})


def test_per_category_service_levels_with_fallback():
    days = week_of("2025-12-08")
    daily = pd.concat(
        [
            rows("vanilla", days, 10.0, 9.0, category="ice cream"),
            rows("ham", days, 10.0, 9.0, category="christmas ham", volume=4.0),
            rows("peas", days, 10.0, 9.0, category="vegetables"),
        ],
        ignore_index=True,
    )
    levels = {"ice cream": 0.9, "christmas ham": 0.99, "*": 0.8}
    plan = freezer_plan(daily, {"HKI": 10_000.0}, service_level=levels)
    safety = plan.skus.set_index("sku")["safety_units"]
    root = math.sqrt(9 * 11)
    assert safety["vanilla"] == pytest.approx(NormalDist().inv_cdf(0.9) * root)
    assert safety["ham"] == pytest.approx(NormalDist().inv_cdf(0.99) * root)
    assert safety["peas"] == pytest.approx(NormalDist().inv_cdf(0.8) * root)

    # Without "*", a category not in the mapping takes 0.95.
    plan = freezer_plan(daily, {"HKI": 10_000.0}, service_level={"ice cream": 0.9})
    assert plan.skus.set_index("sku")["safety_units"]["peas"] == pytest.approx(Z95 * root)


def test_per_category_lead_days():
    days = week_of("2025-12-08")
    daily = pd.concat(
        [
            rows("vanilla", days, 10.0, 4.0, category="ice cream"),
            rows("ham", days, 10.0, 4.0, category="christmas ham"),
        ],
        ignore_index=True,
    )
    plan = freezer_plan(daily, {"HKI": 10_000.0}, lead_days={"christmas ham": 14})
    safety = plan.skus.set_index("sku")["safety_units"]
    assert safety["ham"] == pytest.approx(Z95 * math.sqrt(4 * 21))
    assert safety["vanilla"] == pytest.approx(Z95 * math.sqrt(4 * 11))


def test_low_service_level_gives_no_negative_safety_stock():
    daily = rows("vanilla", week_of("2026-06-01"), 10.0, 4.0)
    plan = freezer_plan(daily, {"HKI": 1000.0}, service_level=0.3)
    assert plan.skus["safety_units"].iloc[0] == 0.0
    assert plan.skus["need_l"].iloc[0] == pytest.approx(70.0)


# --- seasons and changes ----------------------------------------------------------------------


def seasonal_year() -> pd.DataFrame:
    """Ice cream sells 5x in June-August; hams sell only in the three weeks before Christmas."""
    days = pd.date_range("2025-01-06", "2025-12-28")  # Monday to Sunday, 51 weeks
    summer = (days.month >= 6) & (days.month <= 8)
    ice = np.where(summer, 60.0, 12.0)
    ham_days = pd.date_range("2025-12-01", "2025-12-21")
    return pd.concat(
        [
            rows("vanilla", days, ice, ice, category="ice cream", volume=1.0),
            rows("ham", ham_days, 20.0, 20.0, category="christmas ham", volume=3.0),
        ],
        ignore_index=True,
    )


def test_seasonal_changes_ice_cream_grows_in_summer_and_ham_in_december():
    plan = freezer_plan(seasonal_year(), {"HKI": 3000.0})  # threshold 150 L
    changes = plan.changes
    ice = changes[changes["category"] == "ice cream"]
    ham = changes[changes["category"] == "christmas ham"]

    assert ice["direction"].tolist() == ["grow", "shrink"]
    assert ice["week"].tolist() == [pd.Timestamp("2025-06-02"), pd.Timestamp("2025-09-01")]
    # The week of 2025-05-26 holds one summer day (Sun 1 June): too little change to report.
    assert ice["from_l"].iloc[0] == pytest.approx(84 + Z95 * math.sqrt(12 * 11))
    assert ice["to_l"].iloc[0] == pytest.approx(420 + Z95 * math.sqrt(60 * 11))

    assert ham["direction"].tolist() == ["grow", "shrink"]
    assert ham["week"].tolist() == [pd.Timestamp("2025-12-01"), pd.Timestamp("2025-12-22")]
    assert ham["from_l"].iloc[0] == 0.0  # no ham rows before December: zero space
    assert ham["to_l"].iloc[0] == pytest.approx((140 + Z95 * math.sqrt(20 * 11)) * 3)

    categories = plan.categories
    hams = categories[categories["category"] == "christmas ham"].set_index("week")
    assert len(hams) == 51  # every week of the store, zeros outside December
    assert hams.loc["2025-06-02", "allocated_l"] == 0.0
    assert hams.loc["2025-12-01", "change_l"] == pytest.approx(hams.loc["2025-12-01", "need_l"])
    assert hams["change_l"].iloc[0] == 0.0

    lines = plan.summary()
    assert any("ice cream grows from week 2025-06-02" in line for line in lines)
    assert any("shrinks from week 2025-09-01" in line for line in lines)
    assert any("christmas ham grows from week 2025-12-01" in line for line in lines)
    assert any("everything fits" in line for line in lines)


def test_slow_ramp_is_reported_when_it_adds_up():
    # Weekly need 0, 100, ..., 600 L (no variance); the threshold is 250 L of 5000 L.
    mondays = pd.date_range("2026-04-06", periods=7, freq="7D")
    days = pd.DatetimeIndex([m + pd.Timedelta(days=d) for m in mondays for d in range(7)])
    means = np.repeat(np.arange(7) * 100 / 7, 7)
    plan = freezer_plan(rows("vanilla", days, means, 0.0), {"HKI": 5000.0})
    changes = plan.changes
    assert changes["week"].tolist() == [mondays[3], mondays[6]]
    assert changes["from_l"].tolist() == pytest.approx([0.0, 300.0])
    assert changes["to_l"].tolist() == pytest.approx([300.0, 600.0])
    assert (changes["direction"] == "grow").all()
    assert plan.categories["change_l"].tolist() == pytest.approx([0.0] + [100.0] * 6)


def test_threshold_is_at_least_one_litre():
    days = pd.date_range("2026-04-06", periods=14)
    means = np.repeat([10.0, 10.1], 7)  # 70 L then 70.7 L: under 1 L, not reported
    plan = freezer_plan(rows("vanilla", days, means, 0.0), {"HKI": 5.0}, threshold_share=0.0)
    assert plan.changes.empty


def test_summary_reports_the_weeks_short_of_capacity():
    days = pd.date_range("2026-07-06", periods=21)
    means = np.repeat([10.0, 20.0, 30.0], 7)  # 70, 140, 210 L, no variance
    plan = freezer_plan(rows("vanilla", days, means, 0.0), {"HKI": 100.0})
    weeks = [pd.Timestamp("2026-07-13"), pd.Timestamp("2026-07-20")]
    assert plan.shortfalls["week"].tolist() == weeks
    assert plan.shortfalls["short_l"].tolist() == pytest.approx([40.0, 110.0])
    line = plan.summary()[-1]
    assert line == (
        "HKI: 2 weeks short of capacity; worst: 110 L of ice cream does not fit in week 2026-07-20"
    )


def test_two_stores_are_planned_with_their_own_capacities():
    days = week_of("2026-06-01")
    daily = pd.concat(
        [
            rows("vanilla", days, 10.0, 0.0, store="HKI"),
            rows("vanilla", days, 10.0, 0.0, store="TRE"),
        ]
    )
    plan = freezer_plan(daily, {"HKI": 50.0, "TRE": 500.0, "OUL": 10.0})
    got = plan.skus.set_index("store")["allocated_l"].to_dict()
    assert got == pytest.approx({"HKI": 50.0, "TRE": 70.0})
    assert plan.capacity == {"HKI": 50.0, "TRE": 500.0}
    assert isinstance(plan, FreezerPlan)


# --- errors -----------------------------------------------------------------------------------


def good() -> pd.DataFrame:
    return rows("vanilla", week_of("2026-06-01"), 10.0, 4.0)


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (lambda d: d.drop(columns=["var"]), ["missing column 'var'", "found:"]),
        (lambda d: d.assign(mean=-1.0), ["mean must be", "'vanilla'", "Fix mean"]),
        (lambda d: d.assign(var=np.nan), ["var must be", "'vanilla'"]),
        (lambda d: d.assign(unit_volume_l=0.0), ["unit_volume_l must be", "positive", "'vanilla'"]),
        (lambda d: d.assign(date="not a date"), ["date cannot be read", "YYYY-MM-DD"]),
        (lambda d: pd.concat([d, d]), ["repeat a store, SKU and date", "Keep one"]),
    ],
)
def test_bad_daily_input_names_the_problem_and_the_fix(change, fragments):
    with pytest.raises(ParameterError) as info:
        freezer_plan(change(good()), {"HKI": 100.0})
    assert info.value.fix
    for fragment in fragments:
        assert fragment in str(info.value)


def test_every_problem_in_daily_is_reported_at_once():
    daily = pd.concat([good(), rows("ham", week_of("2026-06-01"), 1.0, 1.0, volume=2.0)])
    daily.loc[daily["sku"] == "vanilla", "mean"] = -2.0
    daily.loc[daily["sku"] == "ham", "unit_volume_l"] = -1.0
    with pytest.raises(ParameterError) as info:
        freezer_plan(daily, {"HKI": 100.0})
    message = str(info.value)
    assert "sku 'vanilla'" in message and "sku 'ham'" in message
    assert "and 4 more" in message  # 7 bad rows each, the first 3 quoted


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"capacity": {"TRE": 100.0}}, "freezer_capacity_litres in store.toml or give `capacity`"),
        ({"capacity": {"HKI": 0.0}}, "store 'HKI': 0 is not above 0 and at most 1,000,000"),
        ({"capacity": {"HKI": -5.0}}, "store 'HKI': -5 is not above 0"),
        ({"capacity": {"HKI": 1e308}}, "1e+308 is not above 0 and at most 1,000,000"),
        ({"service_level": 1.0}, "service_level = 1 is not above 0 and at most 0.999"),
        ({"service_level": 0.0}, "service_level = 0 is not above 0"),
        ({"service_level": {"ice cream": 1.5}}, "service_level['ice cream']"),
        ({"review_days": 0}, "review_days"),
        ({"lead_days": -1}, "lead_days"),
        ({"lead_days": {"ice cream": 2.5}}, "lead_days['ice cream']"),
        ({"threshold_share": 2.0}, "threshold_share"),
    ],
)
def test_bad_parameters_raise_parameter_error(kwargs, fragment):
    kwargs = {"capacity": {"HKI": 100.0}} | kwargs
    capacity = kwargs.pop("capacity")
    with pytest.raises(ParameterError) as info:
        freezer_plan(good(), capacity, **kwargs)
    assert fragment in str(info.value)
    assert isinstance(info.value, ForecastError)


def test_missing_store_names_the_store():
    with pytest.raises(ParameterError, match="no freezer capacity for store 'HKI'"):
        freezer_plan(good(), {"TRE": 100.0})


# --- invariants -------------------------------------------------------------------------------


@st.composite
def forecasts(draw):
    """Small random forecasts: 1-2 stores, 1-3 weeks, 1-5 SKUs, some days missing."""
    n_skus = draw(st.integers(1, 5))
    n_days = draw(st.integers(1, 21))
    stores = draw(st.sampled_from([["HKI"], ["HKI", "TRE"]]))
    values = st.floats(0, 50, allow_nan=False)
    frames = []
    for store in stores:
        for k in range(n_skus):
            days = pd.date_range("2026-06-03", periods=n_days)
            keep = draw(st.lists(st.booleans(), min_size=n_days, max_size=n_days))
            if not any(keep):
                continue
            frames.append(
                rows(
                    f"sku{k}",
                    days[keep],
                    draw(st.lists(values, min_size=sum(keep), max_size=sum(keep))),
                    draw(st.lists(values, min_size=sum(keep), max_size=sum(keep))),
                    volume=draw(st.sampled_from([0.1, 0.5, 1.0, 2.0, 3.7])),
                    category=draw(st.sampled_from(["ice cream", "christmas ham"])),
                    store=store,
                )
            )
    if not frames:
        frames.append(rows("sku0", ["2026-06-03"], 1.0, 1.0))
    daily = pd.concat(frames, ignore_index=True)
    # One volume and category per SKU, as a forecast table would have them.
    first = daily.groupby("sku")[["unit_volume_l", "category"]].transform("first")
    return daily.assign(unit_volume_l=first["unit_volume_l"], category=first["category"])


capacities = st.floats(0.5, 3000, allow_nan=False)


def slack(capacity: float) -> float:
    return 1e-9 * max(1.0, capacity)


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
@settings(max_examples=60, deadline=None)
@given(daily=forecasts(), capacity=capacities, level=st.floats(0.01, 0.99))
def test_allocation_respects_capacity_and_need(daily, capacity, level):
    plan = freezer_plan(daily, {"HKI": capacity, "TRE": capacity / 2}, service_level=level)
    skus = plan.skus
    used = skus.groupby(["store", "week"])["allocated_l"].sum()
    limit = used.index.get_level_values("store").map(plan.capacity)
    assert (used.to_numpy() <= limit.to_numpy() + slack(capacity)).all()
    assert (skus["allocated_l"] >= 0).all()
    assert (skus["allocated_l"] <= skus["need_l"]).all()
    assert (skus["short_l"] >= 0).all()
    np.testing.assert_allclose(skus["allocated_l"] + skus["short_l"], skus["need_l"], atol=1e-9)

    need = skus.groupby(["store", "week"])["need_l"].sum()
    fits = need.to_numpy() <= limit.to_numpy()
    # The greedy never leaves space unused while something is short.
    np.testing.assert_allclose(
        used.to_numpy(), np.minimum(need.to_numpy(), limit.to_numpy()), rtol=1e-9, atol=1e-9
    )
    fit_weeks = need.index[fits]
    for store, week in fit_weeks:
        week_rows = skus[(skus["store"] == store) & (skus["week"] == week)]
        assert (week_rows["allocated_l"] == week_rows["need_l"]).all()
        assert (week_rows["short_l"] == 0).all()

    categories = plan.categories.groupby(["store", "week"])["allocated_l"].sum()
    np.testing.assert_allclose(categories.loc[used.index], used, rtol=1e-9, atol=1e-9)
    assert (plan.shortfalls["short_l"] > 0).all()


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
@settings(max_examples=60, deadline=None)
@given(daily=forecasts(), capacity=capacities, extra=st.floats(0, 3000, allow_nan=False))
def test_more_capacity_never_allocates_less(daily, capacity, extra):
    small = freezer_plan(daily, {"HKI": capacity, "TRE": capacity})
    large = freezer_plan(daily, {"HKI": capacity + extra, "TRE": capacity + extra})
    key = ["store", "week"]
    before = small.skus.groupby(key)["allocated_l"].sum()
    after = large.skus.groupby(key)["allocated_l"].sum()
    assert (after.to_numpy() >= before.to_numpy() - slack(capacity + extra)).all()
    assert large.skus["short_l"].sum() <= small.skus["short_l"].sum() + slack(capacity + extra)


@pytest.mark.slow  # seconds of real fitting or mining: CI runs it, the quick run skips it
@settings(max_examples=30, deadline=None)
@given(daily=forecasts(), capacity=capacities)
def test_everything_fits_when_total_need_is_within_capacity(daily, capacity):
    need = freezer_plan(daily, {"HKI": 1e6, "TRE": 1e6}).skus  # the most allowed
    enough = float(need.groupby(["store", "week"])["need_l"].sum().max())
    # TRE's capacity is exactly its largest weekly need when that is positive.
    plan = freezer_plan(daily, {"HKI": enough + capacity, "TRE": max(enough, 1e-3)})
    assert (plan.skus["allocated_l"] == plan.skus["need_l"]).all()
    assert plan.shortfalls.empty


def test_frozen_products_without_a_volume_name_the_catalog_lines_and_skus():
    from forecasting.errors import SchemaError
    from forecasting.planning.inputs import frozen_demand

    demand = pd.DataFrame({"date": pd.Timestamp("2026-06-01"), "store": "HKI",
                           "sku": ["A", "B", "C"], "mean": 1.4223999999999999, "var": 1.0})  # fmt: skip
    catalog = pd.DataFrame({"sku": ["A", "B", "C", "D"], "category": "ice cream",
                            "department": ["frozen", "frozen", "dairy", "frozen"],
                            "unit_volume_l": [0.0, float("nan"), 0.0, 0.0]})  # fmt: skip
    with pytest.raises(SchemaError) as info:
        frozen_demand(demand, catalog, source="catalog.csv", first_line=2)
    assert str(info.value) == (
        "catalog.csv: unit_volume_l is missing or not above 0 for 2 frozen skus of the forecast "
        "(line 2 sku A: 0; line 3 sku B: nan). Give the litres one unit takes in the freezer, "
        "e.g. 0.75")  # fmt: skip
    with pytest.raises(ParameterError, match=r"sku 'A' at store 'HKI' on 2026-06-01: mean "
                       r"1\.4224, var 1, unit_volume_l 0;"):  # fmt: skip
        freezer_plan(demand.assign(category="c", unit_volume_l=0.0), {"HKI": 10.0})
