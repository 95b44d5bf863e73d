"""The sample store holds the truths the README promises, and is reproducible."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting.errors import ParameterError
from forecasting.sample import simulate_store
from forecasting.sample.products import CROSS_SELLS, PRODUCTS


def sku(sample, name):
    return sample.catalog.set_index("name").at[name, "sku"]


def daily(sample, name, store="HKI"):
    """Units per day of one product in one store, zeros filled over the whole history."""
    sales = sample.sales
    rows = sales[(sales["sku"] == sku(sample, name)) & (sales["store"] == store)]
    days = pd.date_range(sales["date"].min(), sales["date"].max())
    return rows.set_index("date")["quantity"].reindex(days, fill_value=0)


@pytest.fixture(scope="module")
def baskets(sample):
    """Receipt x sku membership as a sparse-friendly set of (receipt, sku) pairs."""
    return sample.receipts.groupby("sku")["receipt_id"].agg(set)


def rate(baskets, sample, anchor, companion):
    """Share of receipts with `anchor` that hold `companion`, and the lift over all receipts."""
    with_anchor = baskets[sku(sample, anchor)]
    with_companion = baskets[sku(sample, companion)]
    receipts = sample.receipts["receipt_id"].nunique()
    confidence = len(with_anchor & with_companion) / len(with_anchor)
    return confidence, confidence / (len(with_companion) / receipts)


@pytest.mark.slow  # end to end or exhaustive: in CI, out of the quick run
def test_same_seed_same_tables_other_seed_other_tables(sample):
    again = simulate_store(seed=1)
    for name, frame in sample.tables().items():
        pd.testing.assert_frame_equal(frame, again.tables()[name], check_exact=True, obj=name)
    assert sample.store_toml() == again.store_toml()
    other = simulate_store(seed=2, years=1, receipt_weeks=1)
    assert not other.sales.head(1000).equals(sample.sales.head(1000))


def test_shapes_and_columns(sample):
    assert 140 <= len(sample.catalog) <= 170
    assert sample.catalog["sku"].is_unique and sample.catalog["name"].is_unique
    assert {"frozen", "fish", "dairy", "bakery", "produce", "meat", "beverages", "spices"} <= set(
        sample.catalog["department"]
    )
    assert list(sample.sales.columns) == ["date", "store", "sku", "quantity"]
    assert list(sample.receipts.columns) == ["receipt_id", "timestamp", "store", "sku", "quantity"]
    assert sample.sales["date"].min() == pd.Timestamp("2022-12-01")
    assert sample.sales["date"].max() == pd.Timestamp("2025-11-30")
    assert set(sample.sales["store"]) == {"HKI", "TRE"}
    assert (sample.sales["quantity"] > 0).all()
    receipts = sample.receipts["receipt_id"].nunique()
    assert 20_000 <= receipts <= 80_000
    assert sample.receipts["timestamp"].min() >= pd.Timestamp("2025-09-08")
    assert not sample.receipts.duplicated(["receipt_id", "sku"]).any()


def test_basket_sizes_are_plausible(sample):
    sizes = sample.receipts.groupby("receipt_id").size()
    assert 6 <= sizes.mean() <= 10
    assert sizes.min() >= 1 and sizes.max() >= 18


def test_receipts_add_up_to_sales(sample):
    receipts = sample.receipts.assign(date=sample.receipts["timestamp"].dt.normalize())
    summed = receipts.groupby(["date", "store", "sku"])["quantity"].sum()
    sales = sample.sales.set_index(["date", "store", "sku"])["quantity"]
    window = sales[sales.index.get_level_values("date") >= pd.Timestamp("2025-09-08")]
    pd.testing.assert_series_equal(summed.sort_index(), window.sort_index(), check_names=False)


def test_traffic_counts_the_receipts(sample):
    first = sample.receipts.drop_duplicates("receipt_id")
    per_hour = first.groupby([first["timestamp"].dt.floor("h"), "store"]).size()
    traffic = sample.traffic.set_index(["timestamp", "store"])["receipts"]
    recent = traffic[traffic.index.get_level_values("timestamp") >= pd.Timestamp("2025-09-08")]
    pd.testing.assert_series_equal(
        per_hour.sort_index(), recent[recent > 0].sort_index(), check_names=False
    )


@pytest.mark.parametrize(
    "anchor, companion",
    [
        ("Salmon fillet 400 g", "Dill bunch"),
        ("Salmon fillet 400 g", "Coarse sea salt 1 kg"),
        ("Grill sausages 400 g", "Mustard 275 g"),
        ("Grill sausages 400 g", "Beer 6 x 0.33 l"),
        ("Tortillas 8 pcs", "Salsa 300 g"),
        ("Tortillas 8 pcs", "Grated cheese 150 g"),
        ("Gingerbread cookies 500 g", "Glögi 0.75 l"),
    ],
)
def test_planted_cross_sells_show_in_receipts(sample, baskets, anchor, companion):
    share = next(h.share for h in CROSS_SELLS if (h.anchor, h.companion) == (anchor, companion))
    confidence, lift = rate(baskets, sample, anchor, companion)
    assert confidence >= share - 0.05
    assert lift >= 3


@pytest.mark.parametrize(
    "first, second",
    [
        ("Bananas 1 kg", "Toilet paper 8 rolls"),
        ("Milk 1 l", "Rye bread 6 pcs"),
        ("Salmon fillet 400 g", "Potato chips 175 g"),
        ("Coffee 500 g", "Cucumber"),
    ],
)
def test_unrelated_products_are_independent(sample, baskets, first, second):
    _, lift = rate(baskets, sample, first, second)
    assert 0.85 <= lift <= 1.15


def test_salmon_receipts_hold_dill_far_more_often(sample, baskets):
    salmon, dill = baskets[sku(sample, "Salmon fillet 400 g")], baskets[sku(sample, "Dill bunch")]
    everyone = set(sample.receipts["receipt_id"])
    with_salmon = len(salmon & dill) / len(salmon)
    without_salmon = len(dill - salmon) / len(everyone - salmon)
    assert with_salmon > 5 * without_salmon


def test_crayfish_sells_with_dill_only_in_season(sample):
    crayfish = daily(sample, "Crayfish 1 kg")
    in_season = crayfish[(crayfish.index.month >= 8) & (crayfish.index.month <= 9)]
    assert in_season.mean() > 5
    assert crayfish[crayfish.index.month.isin([11, 12, 1, 2, 3, 4, 5])].sum() == 0


def test_ice_cream_rises_with_temperature_and_in_summer(sample):
    ice = daily(sample, "Ice cream vanilla 1 l")
    weather = sample.weather[sample.weather["store"] == "HKI"].set_index("date")
    temperature = weather["temperature_c"].reindex(ice.index)
    open_days = ice > 0
    assert np.corrcoef(ice[open_days], temperature[open_days])[0, 1] > 0.4
    # Within July alone (same season), warmer days still sell more.
    july = open_days & (ice.index.month == 7)
    assert np.corrcoef(ice[july], temperature[july])[0, 1] > 0.2
    assert ice[ice.index.month == 7].mean() > 3 * ice[ice.index.month == 1].mean()


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_christmas_ham_and_porridge_rice_peak_before_christmas(sample, year):
    for name in ("Christmas ham salted 2 kg", "Porridge rice 1 kg", "Frozen Christmas ham 5 kg"):
        units = daily(sample, name)
        december = units[f"{year}-11-01":f"{year}-12-31"]
        peak = december.idxmax()
        assert pd.Timestamp(f"{year}-12-18") <= peak <= pd.Timestamp(f"{year}-12-24"), name
        assert december[f"{year}-12-18":f"{year}-12-23"].mean() > 4 * units.mean()
    ham = daily(sample, "Christmas ham salted 2 kg")
    assert ham[f"{year + 1}-01-01":f"{year + 1}-10-31"].sum() == 0


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_midsummer_barbecue(sample, year):
    eve = {2023: "2023-06-23", 2024: "2024-06-21", 2025: "2025-06-20"}[year]
    sausages = daily(sample, "Grill sausages 400 g")
    before = sausages[pd.Timestamp(eve) - pd.Timedelta(days=3) : pd.Timestamp(eve)]
    june = sausages[f"{year}-06-01":f"{year}-06-10"]
    assert before.mean() > 3 * june.mean()


@pytest.mark.parametrize("easter", ["2023-04-09", "2024-03-31", "2025-04-20"])
def test_mammi_sells_only_before_easter(sample, easter):
    mammi = daily(sample, "Mämmi 700 g")
    year = easter[:4]
    season = mammi[pd.Timestamp(easter) - pd.Timedelta(days=35) : easter]
    assert season.sum() > 50
    assert mammi[f"{year}-05-01":f"{year}-12-31"].sum() == 0


def test_weekly_pattern(sample):
    total = sample.sales[sample.sales["store"] == "HKI"].groupby("date")["quantity"].sum()
    ordinary = total[(total.index.month.isin([2, 3, 9, 10]))]
    by_weekday = ordinary.groupby(ordinary.index.day_of_week).mean()
    assert by_weekday[[4, 5]].min() > 1.2 * by_weekday[[0, 1]].max()


def test_stores_close_on_holidays_and_rush_before(sample):
    total = sample.sales.groupby(["date", "store"])["quantity"].sum().unstack()
    for closed in ("2023-12-25", "2024-12-25", "2024-03-29", "2025-04-18", "2025-06-21"):
        assert pd.Timestamp(closed) not in total.index
    assert pd.Timestamp("2024-12-26") in total.index  # Boxing Day is open
    # Thursday before Good Friday vs the other Thursdays of March and April.
    thursdays = total[(total.index.day_of_week == 3) & total.index.month.isin([3, 4])]
    assert total.loc["2025-04-17", "HKI"] > 1.2 * thursdays["HKI"].drop(
        pd.Timestamp("2025-04-17")
    ).loc["2025"].median()
    assert sample.traffic["timestamp"].dt.normalize().isin([pd.Timestamp("2024-12-25")]).sum() == 0


def test_christmas_eve_closes_at_one(sample):
    eve = sample.traffic[sample.traffic["timestamp"].dt.normalize() == pd.Timestamp("2024-12-24")]
    assert eve["timestamp"].dt.hour.max() == 12
    assert eve["timestamp"].dt.hour.min() == 7


def test_slow_movers_have_many_zero_days(sample):
    days = sample.sales["date"].nunique()
    hki = sample.sales[sample.sales["store"] == "HKI"]
    share_zero = 1 - hki.groupby("sku")["date"].nunique() / days
    year_round = {
        sku(sample, p.name) for p in PRODUCTS if p.season in ("flat", "summer", "winter")
    }
    slow = share_zero[share_zero.index.isin(year_round) & (share_zero > 0.5)]
    assert len(slow) >= 5


def test_weather_has_forecast_days_after_history(sample):
    weather = sample.weather
    assert weather["date"].max() == pd.Timestamp("2025-12-14")
    assert len(weather) == 2 * (len(pd.date_range("2022-12-01", "2025-12-14")))
    hki = weather[weather["store"] == "HKI"].set_index("date")["temperature_c"]
    assert hki[hki.index.month == 7].mean() > hki[hki.index.month == 1].mean() + 15


def test_options_move_the_history():
    small = simulate_store(seed=3, years=1, end=dt.date(2024, 6, 30), receipt_weeks=2,
                           forecast_days=0)  # fmt: skip
    assert small.sales["date"].max() == pd.Timestamp("2024-06-30")
    assert small.sales["date"].min() == pd.Timestamp("2023-07-01")
    assert small.weather["date"].max() == pd.Timestamp("2024-06-30")
    assert small.receipts["timestamp"].min() >= pd.Timestamp("2024-06-17")
    assert simulate_store(seed=3, years=1, receipt_weeks=0).receipts.empty


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"years": 0}, "years must be between 1 and 20"),
        ({"years": 1, "receipt_weeks": 60}, "receipt weeks"),
        ({"years": 1, "forecast_days": -1}, "forecast days"),
    ],
)
def test_bad_parameters(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        simulate_store(**kwargs)
