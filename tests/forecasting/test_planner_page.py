"""Names in forecasts, choosing the series to show, and the planner's page (a few skus)."""

from __future__ import annotations

import itertools
import re
import struct

import numpy as np
import pandas as pd
import pytest

from forecasting import ParameterError, forecast, load_inputs, planner_page
from forecasting.plots import _no_effects, holiday_clusters, plot_series
from forecasting.selection import (
    DEFAULT_TOP,
    match_series,
    select_series,
    series_measures,
    top_positions,
)

SKUS = ["K1001", "K1029", "K1040", "K1049", "K1091"]  # bananas, salmon, ham, milk, ice cream


@pytest.fixture(scope="module")
def inputs(sample):
    sales = sample.sales[sample.sales["sku"].isin(SKUS)]
    return load_inputs(sales, weather=sample.weather, stores=sample.stores)


@pytest.fixture(scope="module")
def named(inputs, sample):
    return forecast(inputs.series, horizon=28, regressors=inputs.regressors, components=True,
                    catalog=sample.catalog)  # fmt: skip


@pytest.fixture(scope="module")
def coded(inputs):
    return forecast(inputs.series, horizon=28, regressors=inputs.regressors, components=True)


def _position(result, store, sku):
    keys = result.series.keys
    return int(np.flatnonzero((keys["store"] == store) & (keys["sku"] == sku))[0])


# 1. Names, not codes ---------------------------------------------------------------------------


def test_a_catalog_adds_name_and_category_right_after_sku(named, coded):
    columns = list(coded.table.columns)
    assert list(named.table.columns) == columns[:3] + ["name", "category"] + columns[3:]
    ham = named.table[named.table["sku"] == "K1040"]
    assert set(ham["name"]) == {"Christmas ham salted 2 kg"} and set(ham["category"]) == {
        "christmas ham"}
    pd.testing.assert_frame_equal(named.table[columns], coded.table)


def test_labels_use_names_with_a_catalog_and_codes_without(named, coded):
    at = _position(named, "HKI", "K1040")
    assert named.labels()[at] == "HKI K1040 Christmas ham salted 2 kg"
    assert coded.labels()[at] == "HKI K1040"


def test_a_catalog_without_names_is_refused(inputs, sample):
    with pytest.raises(ParameterError, match="no column 'name'"):
        forecast(inputs.series, horizon=2, regressors=inputs.regressors, model="naive",
                 catalog=sample.catalog.drop(columns="name"))  # fmt: skip


def test_skus_missing_from_the_catalog_get_empty_names(inputs, sample):
    result = forecast(inputs.series, horizon=2, regressors=inputs.regressors, model="naive",
                      catalog=sample.catalog[sample.catalog["sku"] != "K1001"])  # fmt: skip
    bananas = result.table[result.table["sku"] == "K1001"]
    assert (bananas["name"] == "").all()
    assert result.labels()[_position(result, "HKI", "K1001")] == "HKI K1001"


# 2. Choosing what to plot ----------------------------------------------------------------------


def test_measures_count_last_years_same_days(named, sample):
    measures = series_measures(named)
    row = measures[(measures["store"] == "HKI") & (measures["sku"] == "K1001")].iloc[0]
    sales = sample.sales
    days = pd.date_range("2024-12-02", periods=28)  # the forecast's 28 days, 52 weeks back
    sold = sales[(sales["store"] == "HKI") & (sales["sku"] == "K1001")
                 & pd.to_datetime(sales["date"]).isin(days)]["quantity"].sum()  # fmt: skip
    assert row["last_year"] == sold
    assert row["change"] == pytest.approx(row["units"] / sold - 1)
    table = named.table[(named.table["store"] == "HKI") & (named.table["sku"] == "K1001")]
    assert row["width"] == pytest.approx((table["hi80"] - table["lo80"]).sum() / row["units"])
    assert row["label"] == "HKI K1001 Bananas 1 kg" and row["category"] == "fruit"


@pytest.mark.parametrize(("item", "skus"), [
    ("k1001", {"K1001"}),             # a sku, any case
    ("HAM", {"K1040"}),               # part of a name
    ("ice cream", {"K1091"}),         # a category
    ("fillet", {"K1029"}),
])  # fmt: skip
def test_items_match_skus_names_and_categories(named, item, skus):
    found = match_series(named, [item])
    assert set(named.series.keys["sku"].iloc[found]) == skus
    assert len(found) == 2  # both stores


def test_an_item_that_matches_nothing_says_so(named, coded):
    with pytest.raises(ParameterError, match="no series matches 'caviar'") as error:
        match_series(named, ["caviar", "ham"])
    assert "`plot`" in error.value.fix
    with pytest.raises(ParameterError, match="names need the catalog"):
        match_series(coded, ["ham"])


def test_select_puts_asked_items_first_then_the_top(named):
    measures = series_measures(named)
    assert len(select_series(named)) == min(DEFAULT_TOP, len(measures))
    only = select_series(named, plot=["ham"])
    assert set(named.series.keys["sku"].iloc[only]) == {"K1040"} and len(only) == 2
    mixed = select_series(named, plot=["ham"], plot_top=3)
    assert list(mixed[:2]) == list(only) and len(mixed) == 5 and len(set(mixed)) == 5
    by_units = select_series(named, plot_top=3)
    assert list(by_units) == list(np.argsort(-measures["units"].to_numpy(), kind="stable")[:3])


def test_top_by_change_and_by_width(named):
    measures = series_measures(named)
    by_width = top_positions(measures, 2, "width")
    assert measures["width"].iloc[by_width].min() >= measures["width"].drop(
        measures.index[by_width]).max()
    score = np.abs(np.log1p(measures["units"]) - np.log1p(measures["last_year"].fillna(0)))
    by_change = select_series(named, plot_top=3, plot_by="change")
    assert score.iloc[by_change].min() >= score.drop(measures.index[by_change]).max()
    with pytest.raises(ParameterError, match="plot_by='size'"):
        select_series(named, plot_by="size")
    with pytest.raises(ParameterError, match="plot_top=-1"):
        select_series(named, plot_top=-1)


# 3. The pictures and the planner's page --------------------------------------------------------


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_christmas_holidays_share_one_label_and_near_labels_alternate_rows(named):
    events = named.designs["HKI"].events
    clusters = holiday_clusters(events, pd.Timestamp("2025-12-01"), pd.Timestamp("2025-12-31"))
    labels = [c["label"] for c in clusters]
    christmas = next(c for c in clusters if "Christmas Eve" in c["names"])
    assert len(christmas["names"]) == 3 and christmas["label"] == "Christmas Eve +2"
    assert len(labels) == len(set(labels))
    for first, second in itertools.pairwise(clusters):
        if (second["dates"][0] - first["dates"][-1]).days < 12:
            assert first["row"] != second["row"]


def test_a_slow_mover_gets_a_panel_that_says_why_it_has_no_effects(named):
    ham, bananas = _position(named, "HKI", "K1040"), _position(named, "HKI", "K1001")
    assert named.table.loc[named.table["sku"] == "K1040", "model"].iloc[0] == "slow"
    assert _png_size(plot_series(named, ham)) == _png_size(plot_series(named, bananas))
    text = _no_effects("slow", "intermittent (85% zero periods): slow-mover model")
    assert "No effects panel" in text and "85% zero periods" in text and "slow-mover" in text


def test_the_page_names_products_and_explains_changes(named):
    page = planner_page(named, plot=["ham"], plot_top=2)
    assert len(page.pictures) == 4 and "HKI_K1040.png" in page.pictures
    text = page.html
    assert "Christmas ham salted 2 kg" in text and 'name=viewport' in text
    assert "data:image" not in text  # pictures are files beside the page
    assert sorted(re.findall(r'<img src="([^"]+)"', text)) == sorted(page.pictures)
    assert text.count("<img") == len(page.pictures)
    christmas = page.changes[page.changes["why"].str.contains("Christmas Eve")]
    assert len(christmas) and christmas["why"].str.contains(r"holidays [+-]\d+%").all()
    ham = page.risks[page.risks["sku"] == "K1040"]
    assert len(ham) == 2 and ham["why"].str.contains("slow model: intermittent").all()
    assert {"HKI", "TRE"} == set(page.changes["store"]) and "<h2>TRE</h2>" in text
    assert page.summary()[0].startswith("Planner's page: 4 pictures")


def test_the_page_without_a_catalog_uses_codes(coded):
    page = planner_page(coded, plot=["K1040"])
    assert "Christmas ham" not in page.html and "HKI K1040 (" in page.html
    assert set(page.changes["group"]) <= set(SKUS)

