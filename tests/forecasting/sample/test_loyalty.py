"""The sample store's loyalty cards: planted truths, consistency with the receipts, files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cli import kori
from forecasting.sample.loyalty import REGULARS, net_promoter_score

LOYALTY_FILES = ["customers.csv", "loyalty.csv", "loyalty_visits.csv", "survey.csv"]


@pytest.fixture(scope="module")
def visits(sample):
    """Visits with each customer's planted truth beside them."""
    truth = sample.loyalty_truth[
        ["customer_id", "kind", "household", "lapse_date", "joined_on"]
    ]
    return sample.loyalty_visits.merge(
        truth, on="customer_id", how="left", validate="m:1"
    )


def test_about_half_of_the_receipts_carry_a_card(sample):
    share = len(sample.loyalty) / sample.receipts["receipt_id"].nunique()
    assert 0.45 < share < 0.55
    assert sample.loyalty["receipt_id"].is_unique
    assert set(sample.loyalty["customer_id"]) <= set(sample.customers["customer_id"])


def test_visits_in_the_receipt_weeks_are_the_card_receipts(sample):
    visits = sample.loyalty_visits
    late = visits[visits["receipt_id"] != ""]
    assert sorted(late["receipt_id"]) == sorted(sample.loyalty["receipt_id"])
    lines = sample.receipts.merge(sample.catalog[["sku", "price_eur"]], on="sku")
    lines["amount"] = lines["quantity"] * lines["price_eur"]
    receipts = lines.groupby("receipt_id").agg(
        timestamp=("timestamp", "first"),
        store=("store", "first"),
        amount=("amount", "sum"),
    )
    got = late.set_index("receipt_id")
    assert (got["timestamp"] == receipts.loc[got.index, "timestamp"]).all()
    assert (got["store"] == receipts.loc[got.index, "store"]).all()
    assert np.allclose(got["amount_eur"], receipts.loc[got.index, "amount"].round(2))
    # Before the receipt weeks visits carry no receipt.
    first_receipt = sample.receipts["timestamp"].min().normalize()
    assert (visits.loc[visits["timestamp"] < first_receipt, "receipt_id"] == "").all()
    assert visits["timestamp"].min() < sample.sales["date"].min() + pd.Timedelta(days=1)


def test_never_more_card_visits_in_an_hour_than_receipts(sample):
    visits = sample.loyalty_visits
    per_hour = visits.groupby([visits["timestamp"].dt.floor("h"), "store"]).size()
    traffic = sample.traffic.set_index(["timestamp", "store"])["receipts"]
    assert (per_hour <= traffic.reindex(per_hour.index, fill_value=0)).all()
    assert (visits["amount_eur"] > 0).all()


def test_the_wednesday_morning_customer(sample):
    truth = sample.loyalty_truth
    row = truth[(truth["kind"] == "regular") & (truth["weekday"] == 2)].iloc[0]
    assert row["store"] == "HKI" and row["hour"] == 8
    assert "2 x Skimmed milk 1 l" in row["habit"] and "Coffee" in row["habit"]
    assert row["joined_on"] <= sample.sales["date"].min()
    mine = sample.loyalty_visits[
        sample.loyalty_visits["customer_id"] == row["customer_id"]
    ]
    stamps = mine["timestamp"]
    assert (stamps.dt.day_of_week == 2).all() and (stamps.dt.hour == 8).all()
    assert (mine["store"] == "HKI").all() and stamps.dt.normalize().is_unique
    # Every Wednesday HKI had customers between 8 and 9, over the whole three years.
    traffic = sample.traffic
    open_hours = traffic[(traffic["store"] == "HKI") & (traffic["receipts"] > 0)
                         & (traffic["timestamp"].dt.day_of_week == 2)
                         & (traffic["timestamp"].dt.hour == 8)]  # fmt: skip
    assert sorted(stamps.dt.floor("h")) == sorted(open_hours["timestamp"])
    assert len(mine) > 150
    # Before the receipt weeks he pays for his basket: 2 x 0.99 + 5.49.
    early = mine[mine["receipt_id"] == ""]
    assert (early["amount_eur"] == 7.47).all()


def test_every_strict_regular_keeps_one_slot(sample):
    truth = sample.loyalty_truth.set_index("customer_id")
    regulars = truth[truth["kind"] == "regular"]
    assert len(regulars) == len(REGULARS) >= 5
    visits = sample.loyalty_visits[
        sample.loyalty_visits["customer_id"].isin(regulars.index)
    ]
    for customer, rows in visits.groupby("customer_id"):
        habit = regulars.loc[customer]
        assert (rows["timestamp"].dt.day_of_week == habit["weekday"]).all()
        assert (rows["timestamp"].dt.hour == habit["hour"]).all()
        assert (rows["store"] == habit["store"]).all()
        assert len(rows) > 140


def test_lapsed_customers_never_return(sample, visits):
    lapsed = visits[visits["kind"] == "lapsed"]
    truth = sample.loyalty_truth
    assert (truth["kind"] == "lapsed").sum() > 200
    assert truth.loc[truth["kind"] != "lapsed", "lapse_date"].isna().all()
    assert (lapsed["timestamp"].dt.normalize() <= lapsed["lapse_date"]).all()
    end = sample.sales["date"].max()
    assert (truth["lapse_date"].dropna() <= end - pd.Timedelta(days=90)).all()
    # They were customers before: most visited in the 90 days before their lapse.
    recent = lapsed[lapsed["timestamp"] > lapsed["lapse_date"] - pd.Timedelta(days=90)]
    assert recent["customer_id"].nunique() > 0.8 * (truth["kind"] == "lapsed").sum()


def test_seasonal_shoppers_come_only_in_their_season(visits):
    summer = visits[visits["kind"] == "summer"]["timestamp"]
    assert len(summer) > 1000 and summer.dt.month.isin([6, 7, 8]).all()
    christmas = visits[visits["kind"] == "christmas"]["timestamp"]
    month, day = christmas.dt.month, christmas.dt.day
    assert len(christmas) > 1000
    assert (((month == 11) & (day >= 15)) | ((month == 12) & (day <= 23))).all()


def test_young_families_are_a_growing_share(sample, visits):
    start = sample.sales["date"].min()
    first = visits[visits["timestamp"] < start + pd.Timedelta(days=365)]
    last = visits[visits["timestamp"] >= start + pd.Timedelta(days=730)]

    def share(rows):
        return (
            rows.drop_duplicates("customer_id")["household"] == "young family"
        ).mean()

    assert share(last) > share(first) + 0.04
    customers = sample.customers
    assert set(customers["household"]) == {"single", "couple", "young family", "senior"}
    joined_late = customers[customers["joined_on"] >= start + pd.Timedelta(days=730)]
    assert (joined_late["household"] == "young family").mean() > 0.3


def test_the_survey_is_a_random_sample_with_a_known_nps(sample):
    truth = sample.loyalty_truth.set_index("customer_id")
    survey = sample.survey
    assert survey["customer_id"].is_unique and len(survey) == 600
    assert truth.loc[survey["customer_id"], "survey_population"].all()
    assert (
        survey["score"].to_numpy() == truth.loc[survey["customer_id"], "score"]
    ).all()
    assert survey["score"].between(0, 10).all()
    population = truth.loc[truth["survey_population"], "score"]
    true_nps = net_promoter_score(population)
    assert 15 < true_nps < 25
    # Standard error of an NPS from 600 answers is about 3.3 points.
    assert abs(net_promoter_score(survey["score"]) - true_nps) < 10
    # Answered on the day of one of the respondent's visits.
    visit_days = set(zip(sample.loyalty_visits["customer_id"],
                         sample.loyalty_visits["timestamp"].dt.normalize()))  # fmt: skip
    assert all(
        pair in visit_days for pair in zip(survey["customer_id"], survey["answered_on"])
    )


def test_the_truth_stays_out_of_the_files(sample):
    for name in LOYALTY_FILES:
        columns = set(sample.loyalty_tables()[name].columns)
        assert not columns & {"kind", "lapse_date", "habit", "survey_population"}, name


@pytest.mark.slow  # end to end or exhaustive: in CI, out of the quick run
def test_kori_sample_writes_the_loyalty_files_byte_identically(
    runner, sample_dir, tmp_path
):
    again = tmp_path / "again"
    result = runner.invoke(kori, ["sample", str(again), "--seed", "1"])
    assert result.exit_code == 0, result.output
    for name in LOYALTY_FILES:
        assert f"{name} " in result.stderr
        assert (sample_dir / name).read_bytes() == (again / name).read_bytes(), name
    header = (
        (again / "loyalty_visits.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    )
    assert header == "customer_id,timestamp,store,receipt_id,amount_eur"
    assert (
        (again / "survey.csv")
        .read_text(encoding="utf-8")
        .startswith("customer_id,answered_on,score\n")
    )


def test_another_seed_gives_other_cards_over_the_same_shapes(runner, tmp_path):
    result = runner.invoke(kori, ["-q", "sample", str(tmp_path / "s"), "--years", "1",
                                  "--receipt-weeks", "0", "--seed", "2"])  # fmt: skip
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert "loyalty.csv" not in names  # no receipts, no card receipts
    assert {"customers.csv", "loyalty_visits.csv", "survey.csv"} <= set(names)
