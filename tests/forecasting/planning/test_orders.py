"""Order quantities against hand-worked cases, and their invariants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.errors import ParameterError, SchemaError
from forecasting.planning.demand import daily_moments, expected_leftover, quantile
from forecasting.planning.orders import LINE_COLUMNS, order_plan
from forecasting.stores import OrderingStandard, StoreConfig

START = pd.Timestamp("2026-01-05")  # a Monday


def _demand(mean: float, var: float, days: int = 28, sku: str = "A", store: str = "S"):
    dates = pd.date_range(START, periods=days, freq="D")
    return pd.DataFrame({"date": dates, "store": store, "sku": sku, "mean": mean, "var": var})


def _catalog(sku: str = "A", pack: int = 1, lead: int = 2, shelf=None, min_packs=None,
             category: str = "c", order_days=None):  # fmt: skip
    row = {"sku": sku, "category": category, "pack_size": pack, "lead_time_days": lead,
           "shelf_life_days": shelf}  # fmt: skip
    if min_packs is not None:
        row["min_order_packs"] = min_packs
    if order_days is not None:
        row["order_days"] = order_days
    return pd.DataFrame([row])


def _stock(on_hand: float = 0.0, sku: str = "A", store: str = "S"):
    return pd.DataFrame({"store": [store], "sku": [sku], "on_hand": [on_hand]})


def _stores(days=("mon",), **levels):
    ordering = OrderingStandard(order_days=days, **levels)
    return {"S": StoreConfig(store="S", name="S", city="", hours={"mon": (0, 60)},
                             ordering=ordering)}  # fmt: skip


def test_swanson_mean_and_sd_are_exact_for_a_normal_forecast():
    z90 = 1.2815515655446004
    table = pd.DataFrame({"forecast": [10.0, 0.0], "lo80": [10 - 3 * z90, 0.0],
                          "hi80": [10 + 3 * z90, 0.0]})  # fmt: skip
    out = daily_moments(table)
    assert out["mean"].tolist() == pytest.approx([10.0, 0.0])
    assert out["var"].tolist() == pytest.approx([9.0, 0.0])


def test_order_up_to_level_is_the_normal_quantile_of_summed_demand():
    # Daily demand N(10, 3^2), lead 2 days, ordering every day: the order covers 3 days,
    # N(30, 27); at 95% S = 30 + 1.6449 * sqrt(27) = 38.547, ordered as 39 whole units.
    plan = order_plan(_demand(10, 9), _stock(0), _catalog(lead=2),
                      stores=_stores(days=("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
                      distribution="normal")  # fmt: skip
    first = plan.lines.iloc[0]
    assert first["covers_days"] == 3
    assert first["order_up_to"] == pytest.approx(30 + 1.6448536 * math.sqrt(27), abs=1e-4)
    assert first["quantity"] == 39
    # Not the sum of daily quantiles, which would be 3 x (10 + 1.645 x 3) = 44.8.
    assert first["order_up_to"] < 44


def test_order_up_to_level_is_the_poisson_quantile_when_the_variance_is_the_mean():
    # Poisson demand of 4 a day, lead 1, ordering on Mondays: 1 + 7 = 8 days, Poisson(32).
    plan = order_plan(_demand(4, 4), _stock(0), _catalog(lead=1), stores=_stores())
    first = plan.lines.iloc[0]
    assert first["covers_days"] == 8
    cdf, k, pmf = 0.0, 0, math.exp(-32)
    while cdf + pmf < 0.95:  # the least k with P(X <= k) >= 0.95, summed by hand
        cdf += pmf
        k += 1
        pmf *= 32 / k
    assert first["order_up_to"] == k == 42
    assert first["stockout_risk"] <= 0.05


def test_orders_round_up_to_whole_packs_and_the_minimum_order():
    # Need 13 units (Poisson quantile of tiny variance is about the mean): pack 6 -> 3 packs.
    demand = _demand(13 / 8, 13 / 8 * 1.0)
    plan = order_plan(demand, _stock(0), _catalog(pack=6, lead=1), stores=_stores(),
                      distribution="normal", service_level=0.5)  # fmt: skip
    first = plan.lines.iloc[0]
    assert first["order_up_to"] == pytest.approx(13.0)
    assert (first["quantity"], first["packs"]) == (18, 3)
    plan = order_plan(demand, _stock(0), _catalog(pack=6, lead=1, min_packs=4),
                      stores=_stores(), distribution="normal", service_level=0.5)  # fmt: skip
    assert (plan.lines.iloc[0]["quantity"], plan.lines.iloc[0]["packs"]) == (24, 4)


def test_stock_on_hand_reduces_the_order_and_enough_stock_orders_nothing():
    plan = order_plan(_demand(4, 4), _stock(30), _catalog(lead=1), stores=_stores())
    assert plan.lines.iloc[0]["quantity"] == 42 - 30
    plan = order_plan(_demand(4, 4), _stock(100), _catalog(lead=1), stores=_stores())
    assert plan.lines.iloc[0]["quantity"] == 0 and plan.lines.iloc[0]["packs"] == 0


def test_shelf_life_caps_perishables_at_what_sells_before_they_expire():
    # 10 a day, weekly ordering, lead 1: 8 days need about 80+; but the delivery keeps 3 days,
    # so the stock is capped at the mean demand of the 1 + 3 days until it expires: 40.
    plan = order_plan(_demand(10, 10), _stock(0), _catalog(lead=1, shelf=3), stores=_stores())
    first = plan.lines.iloc[0]
    assert first["capped_by_shelf_life"]
    assert first["order_up_to"] == 40 and first["quantity"] == 40
    assert first["stockout_risk"] > 0.5  # the price of not wasting
    long_life = order_plan(_demand(10, 10), _stock(0), _catalog(lead=1, shelf=300),
                           stores=_stores()).lines.iloc[0]  # fmt: skip
    assert not long_life["capped_by_shelf_life"] and long_life["order_up_to"] > 80


def test_expected_waste_of_a_big_pack_of_a_perishable():
    # Mean 1 a day, pack of 24, shelf life 5 days, lead 1: most of the pack expires.
    plan = order_plan(_demand(1, 1), _stock(0), _catalog(pack=24, lead=1, shelf=5),
                      stores=_stores())  # fmt: skip
    first = plan.lines.iloc[0]
    assert first["quantity"] == 24
    # Leftover of 24 units after Poisson(6) demand (lead + shelf life = 6 days): 24 - 6 = 18.
    assert first["expected_waste"] == pytest.approx(18.0, abs=0.01)


def test_expected_leftover_matches_a_hand_sum_for_poisson():
    x, mu = 5, 3.0
    pmf = [math.exp(-mu) * mu**k / math.factorial(k) for k in range(x)]
    by_hand = sum((x - k) * p for k, p in enumerate(pmf))
    assert expected_leftover(x, mu, mu)[0] == pytest.approx(by_hand)


def test_later_order_days_use_the_projected_position():
    plan = order_plan(_demand(4, 4), _stock(0), _catalog(lead=1), stores=_stores())
    lines = plan.lines
    assert list(lines["order_date"].dt.day_name().unique()) == ["Monday"]
    second = lines.iloc[1]
    # After ordering 42 and selling 7 x 4 = 28 on average, the position is 14.
    assert second["position"] == pytest.approx(42 - 28)
    assert second["quantity"] == 42 - 14


def test_per_category_service_levels_and_the_option_winning():
    stores = _stores(service_level=0.95, service_levels={"c": 0.5})
    plan = order_plan(_demand(4, 4), _stock(0), _catalog(lead=1), stores=stores)
    assert plan.lines.iloc[0]["service_level"] == 0.5
    plan = order_plan(_demand(4, 4), _stock(0), _catalog(lead=1), stores=stores,
                      service_level=0.99)  # fmt: skip
    assert plan.lines.iloc[0]["service_level"] == 0.99


def test_catalog_order_days_override_the_store_and_unplannable_days_are_counted():
    plan = order_plan(_demand(4, 4, days=14), _stock(0), _catalog(lead=1, order_days="mon thu"),
                      stores=_stores())  # fmt: skip
    assert set(plan.lines["order_date"].dt.day_name()) == {"Monday", "Thursday"}
    # The second Thursday's cover (1 + 4 days) runs past the 14 forecast days.
    assert plan.skipped == 1
    assert list(plan.lines.columns) == LINE_COLUMNS


def test_products_without_stock_start_from_zero_and_are_reported():
    demand = pd.concat([_demand(4, 4), _demand(2, 2, sku="B")])
    catalog = pd.concat([_catalog(lead=1), _catalog(sku="B", lead=1)])
    plan = order_plan(demand, _stock(5), catalog, stores=_stores())
    assert plan.no_stock == [("S", "B")]
    assert any("no stock row" in line for line in plan.summary())


def test_stock_of_products_not_forecast_is_an_error():
    with pytest.raises(SchemaError, match="1 stock row is for products the forecast does not"
                       ) as info:  # fmt: skip
        order_plan(_demand(4, 4), pd.concat([_stock(1), _stock(1, sku="Z")]), _catalog(),
                   sources={"stock": "stock.csv"})  # fmt: skip
    assert "stock.csv" in str(info.value) and "S Z" in str(info.value)


def test_pack_size_of_zero_is_an_error():
    with pytest.raises(SchemaError, match=r"pack_size is missing or below 1 for 1 forecast "
                       r"sku \(line 2 sku A: 0\)") as info:  # fmt: skip
        order_plan(_demand(4, 4), _stock(1), _catalog(pack=0), sources={"catalog": "cat.csv"},
                   first_lines={"catalog": 2})  # fmt: skip
    assert str(info.value).startswith("cat.csv: ")


def test_catalog_order_days_that_are_not_weekdays_name_the_file_line_and_sku():
    catalog = pd.concat([_catalog(order_days="mon thu"), _catalog(sku="B", order_days="mon funday"),
                         _catalog(sku="C", order_days=None)], ignore_index=True)  # fmt: skip
    with pytest.raises(SchemaError) as info:
        order_plan(_demand(4, 4), _stock(1), catalog, sources={"catalog": "catalog.csv"},
                   first_lines={"catalog": 2})  # fmt: skip
    assert str(info.value) == (
        "catalog.csv: order_days are not weekdays in 1 row (line 3 sku B: 'mon funday'). Write "
        "order days as weekdays, e.g. \"mon thu\", or leave them blank for the store's order days"
    )


def test_service_level_outside_zero_one_is_an_error():
    with pytest.raises(ParameterError, match="service level 1.2 is not above 0 and at most 0.999"):
        order_plan(_demand(4, 4), _stock(1), _catalog(), service_level=1.2)


def test_forecast_skus_missing_from_the_catalog_is_an_error():
    with pytest.raises(SchemaError, match="1 forecast sku is not in the catalog"):
        order_plan(_demand(4, 4, sku="Q"), _stock(1, sku="Q"), _catalog())


@settings(max_examples=60, deadline=None)
@given(
    mean=st.floats(0, 50), extra=st.floats(0, 5), on_hand=st.floats(0, 300),
    pack=st.integers(1, 24), lead=st.integers(0, 6), shelf=st.one_of(st.none(), st.integers(1, 20)),
    min_packs=st.integers(1, 5), level=st.floats(0.5, 0.995),
)  # fmt: skip
def test_orders_are_never_negative_and_always_whole_packs(mean, extra, on_hand, pack, lead,
                                                         shelf, min_packs, level):  # fmt: skip
    plan = order_plan(_demand(mean, mean * (1 + extra)), _stock(on_hand),
                      _catalog(pack=pack, lead=lead, shelf=shelf, min_packs=min_packs),
                      stores=_stores(days=("mon", "thu")), service_level=level)  # fmt: skip
    q = plan.lines["quantity"].to_numpy()
    assert (q >= 0).all()
    assert (q % pack == 0).all()
    assert ((plan.lines["packs"] == 0) | (plan.lines["packs"] >= min_packs)).all()
    assert ((plan.lines["stockout_risk"] >= 0) & (plan.lines["stockout_risk"] <= 1)).all()


@settings(max_examples=40, deadline=None)
@given(mean=st.floats(0.1, 200), ratio=st.floats(1, 10), p=st.floats(0.5, 0.99))
def test_more_demand_never_lowers_the_order_up_to_level(mean, ratio, p):
    low = quantile(np.array([mean]), np.array([mean * ratio]), p)[0]
    high = quantile(np.array([mean * 1.5]), np.array([mean * 1.5 * ratio]), p)[0]
    assert high >= low


def test_expected_leftover_of_a_huge_stock_is_quick_and_right():
    assert expected_leftover(1e9, 10.0, 30.0)[0] == pytest.approx(1e9 - 10.0)


def test_slow_movers_keep_their_mean_and_at_least_poisson_variance():
    # The slow model's whole-unit interval is often 0 to 0; its forecast is the mean.
    table = pd.DataFrame({"forecast": [0.2, 0.2], "lo80": [0.0, 0.0], "hi80": [0.0, 0.0],
                          "model": ["slow", "regression"]})  # fmt: skip
    out = daily_moments(table)
    assert out["mean"].tolist() == pytest.approx([0.2, 0.08])
    assert out["var"].tolist() == pytest.approx([0.2, 0.0])


def test_blank_optional_catalog_and_stock_values_take_their_defaults():
    catalog = _catalog(lead=1, shelf=float("nan"), min_packs=float("nan"))
    stock = _stock(10).assign(on_order=float("nan"))
    first = order_plan(_demand(4, 4), stock, catalog, stores=_stores()).lines.iloc[0]
    assert first["position"] == 10 and first["quantity"] == 42 - 10
    assert not first["capped_by_shelf_life"]
