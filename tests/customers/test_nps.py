"""Net Promoter Score: exact figures, the finite-population correction, interval coverage,
sample sizes and seeded (stratified) survey samples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from customers.errors import ParameterError, SchemaError
from customers.net_promoter import SMALL_SAMPLE, margin_of_error, nps, sample_size
from customers.survey_sample import allocate, draw_survey_sample

Z95 = 1.959963984540054
HAND = [10] * 6 + [9] * 4 + [8] * 3 + [7] * 2 + [6, 4, 3, 0, 0]  # 10 / 5 / 5


# --- the score ---------------------------------------------------------------------------


def test_ten_promoters_five_passives_five_detractors() -> None:
    row = nps(HAND).table.iloc[0]
    se = 100 * math.sqrt((0.5 + 0.25 - 0.25**2) / 20)  # var = p + d - (p - d)^2 over n
    assert (row["n"], row["promoters"], row["passives"], row["detractors"]) == (20, 10, 5, 5)
    assert (row["promoter_share"], row["passive_share"], row["detractor_share"]) == (0.5, 0.25,
                                                                                      0.25)
    assert row["nps"] == 25.0
    assert row["se"] == pytest.approx(se) == pytest.approx(18.5405, abs=1e-4)
    assert row["margin"] == pytest.approx(Z95 * se)
    assert (row["low"], row["high"]) == pytest.approx((25 - Z95 * se, 25 + Z95 * se))
    assert math.isnan(row["population"]) and row["small_sample"]


def test_each_answer_counts_in_its_class() -> None:
    row = nps(list(range(11))).table.iloc[0]
    assert (row["promoters"], row["passives"], row["detractors"]) == (2, 2, 7)
    assert row["nps"] == pytest.approx(100 * (2 - 7) / 11)


def test_answers_as_read_from_a_file_are_the_same() -> None:
    typed = nps(pd.DataFrame({"score": HAND})).table
    text = nps(pd.DataFrame({"rating": [f" {v}" for v in HAND]}), score="rating").table
    pd.testing.assert_frame_equal(typed, text)
    pd.testing.assert_frame_equal(typed, nps(pd.Series(HAND, dtype=float)).table)


def test_the_level_widens_the_interval() -> None:
    row95 = nps(HAND).table.iloc[0]
    row80 = nps(HAND, level=0.8).table.iloc[0]
    assert row80["margin"] == pytest.approx(1.2815516 * row95["se"])
    assert row80["se"] == row95["se"]


def test_the_interval_is_clipped_to_the_scale() -> None:
    row = nps([10] * 25 + [0]).table.iloc[0]
    assert row["nps"] + row["margin"] > 100
    assert row["high"] == 100 and row["low"] == pytest.approx(row["nps"] - row["margin"])


def test_the_summary_says_the_score_in_words_and_flags_few_answers() -> None:
    lines = nps(HAND).summary()
    assert lines[0].startswith("overall: NPS 25.0 (95% interval -11.3 to 61.3, margin of error "
                               "36.3 points) from 20 answers: 10 promoters (50%)")
    assert "only 20 answers, the interval is rough" in lines[0]
    many = nps(HAND * 2)
    assert not many.table["small_sample"].any() and "rough" not in " ".join(many.summary())
    assert SMALL_SAMPLE == 30


def test_answers_all_alike_are_said_to_give_no_interval() -> None:
    result = nps([10] * 40)
    assert result.table.iloc[0][["nps", "se", "low", "high"]].tolist() == [100, 0, 100, 100]
    assert "standard error is 0" in result.summary()[0]


# --- the finite-population correction ----------------------------------------------------


def test_the_finite_population_correction_shrinks_the_standard_error() -> None:
    base = nps(HAND).table.iloc[0]["se"]
    corrected = nps(HAND, population=100).table.iloc[0]
    assert corrected["se"] == pytest.approx(base * math.sqrt(80 / 99))
    assert corrected["population"] == 100
    huge = nps(HAND, population=10**9).table.iloc[0]["se"]
    assert huge == pytest.approx(base, rel=1e-7) and huge < base


def test_a_census_has_no_sampling_error() -> None:
    result = nps(HAND, population=20)
    row = result.table.iloc[0]
    assert row["se"] == 0 and row["low"] == row["high"] == row["nps"] == 25
    assert "a census" in result.summary()[0]


@pytest.mark.parametrize("population, fragment", [
    (19, "`population=19` smaller than the 20 answers"),
    (0, "`population=0` is not a number of customers"),
    (12.5, "`population=12.5` is not a number of customers"),
    (True, "`population=True` is not a number of customers"),
])  # fmt: skip
def test_a_bad_population_is_refused(population: object, fragment: str) -> None:
    with pytest.raises(ParameterError, match=fragment):
        nps(HAND, population=population)  # type: ignore[arg-type]


# --- groups ------------------------------------------------------------------------------


def _by_store() -> pd.DataFrame:
    return pd.DataFrame({"score": HAND + [9, 9, 9, 2],
                         "store": ["Espoo"] * 20 + ["Turku"] * 4})  # fmt: skip


def test_one_row_overall_then_one_per_group() -> None:
    table = nps(_by_store(), by="store").table
    assert table["store"].tolist() == ["all", "Espoo", "Turku"]
    assert table["n"].tolist() == [24, 20, 4]
    assert table["nps"].tolist() == pytest.approx([100 * (13 - 6) / 24, 25, 50])
    pd.testing.assert_series_equal(table.iloc[1, 1:], nps(HAND).table.iloc[0],
                                   check_names=False)  # fmt: skip


def test_populations_per_group_and_a_group_without_answers() -> None:
    result = nps(_by_store(), by="store", population={"Espoo": 200, "Turku": 4, "Oulu": 50})
    table = result.table.set_index("store")
    assert table["population"].to_dict() == {"all": 254, "Espoo": 200, "Turku": 4, "Oulu": 50}
    assert table.loc["Turku", "se"] == 0  # all four Turku customers answered
    assert table.loc["Espoo", "se"] == pytest.approx(
        nps(HAND).table.iloc[0]["se"] * math.sqrt(180 / 199))
    oulu = table.loc["Oulu"]
    assert oulu["n"] == 0 and np.isnan(oulu[["nps", "se", "low", "high"]].astype(float)).all()
    assert not oulu["small_sample"]
    assert "store Oulu: no answers, no score" in result.summary()


def test_an_empty_category_is_reported() -> None:
    frame = _by_store().astype({"store": pd.CategoricalDtype(["Espoo", "Oulu", "Turku"])})
    table = nps(frame, by="store").table
    assert table["store"].tolist() == ["all", "Espoo", "Oulu", "Turku"]
    assert table["n"].tolist() == [24, 20, 0, 4]


def test_two_grouping_columns_and_tuple_keys() -> None:
    frame = _by_store().assign(segment=["new", "loyal"] * 12)
    population = {("Espoo", "loyal"): 100, ("Espoo", "new"): 100, ("Turku", "loyal"): 10,
                  ("Turku", "new"): 10}
    result = nps(frame, by=["store", "segment"], population=population)
    assert result.table[["store", "segment"]].values.tolist()[:2] == [["all", "all"],
                                                                      ["Espoo", "loyal"]]
    assert result.table["n"].tolist() == [24, 10, 10, 2, 2]
    assert result.summary()[1].startswith("store Espoo, segment loyal: NPS")


def test_a_population_must_name_every_group() -> None:
    with pytest.raises(ParameterError, match="no number of customers for 'Turku'"):
        nps(_by_store(), by="store", population={"Espoo": 200})
    with pytest.raises(ParameterError, match="smaller than the answers"):
        nps(_by_store(), by="store", population={"Espoo": 10, "Turku": 4})


# --- bad answers -------------------------------------------------------------------------


@pytest.mark.parametrize("bad, shown", [
    (11, "'11'"), (-1, "'-1'"), (7.5, "'7.5'"), ("great", "'great'"), (float("nan"), "blank"),
    (None, "blank"), (pd.NA, "blank"), ("nan", "'nan'"), ("", "''"), (True, "'True'"),
])  # fmt: skip
def test_an_answer_outside_0_to_10_is_named(bad: object, shown: str) -> None:
    answers = pd.DataFrame({"score": [10, 8, bad, 3]})
    with pytest.raises(SchemaError, match="1 answer not a whole number from 0 to 10") as error:
        nps(answers)
    assert f"row 2: {shown}" in str(error.value)
    with pytest.raises(SchemaError) as error:
        nps(answers, first_line=2, source="survey.csv")
    assert str(error.value).startswith("survey.csv: column 'score'")
    assert f"line 4: {shown}" in str(error.value)


def test_every_bad_answer_is_counted() -> None:
    with pytest.raises(SchemaError, match=r"3 answers .* \(line 3: '12', line 5: 'x', "
                                          r"line 6: '-2'\)"):  # fmt: skip
        nps(pd.DataFrame({"score": ["9", "12", "7", "x", "-2"]}), first_line=2)


@pytest.mark.parametrize("answers, kwargs, error, fragment", [
    ([], {}, SchemaError, "no answers"),
    (pd.DataFrame({"score": []}), {}, SchemaError, "no answers"),
    (pd.DataFrame({"rating": [9]}), {}, SchemaError, "missing column 'score'"),
    (pd.DataFrame({"score": [9]}), {"by": "store"}, SchemaError, "missing column 'store'"),
    (pd.DataFrame({"score": [9, 8], "store": ["A", None]}), {"by": "store"}, SchemaError,
     "1 answers without a group"),
    ([9, 8], {"by": "store"}, ParameterError, "needs a table of answers"),
    ([9, 8], {"level": 95}, ParameterError, "`level=95` is not a probability"),
    ([9, 8], {"population": {"A": 5}}, ParameterError, "per group needs `by`"),
])  # fmt: skip
def test_unusable_input_is_refused(answers: object, kwargs: dict, error: type,
                                   fragment: str) -> None:  # fmt: skip
    with pytest.raises(error, match=fragment):
        nps(answers, **kwargs)  # type: ignore[arg-type]


# --- coverage: the interval holds the true score about 95% of the time -------------------


def _coverage(table: pd.DataFrame, truth: float) -> float:
    rows = table.iloc[1:]
    return float(((rows["low"] <= truth) & (truth <= rows["high"])).mean())


def test_the_95_interval_covers_the_true_score_from_a_large_population() -> None:
    surveys, n = 800, 150
    rng = np.random.default_rng(2024)
    # Promoters 45%, passives 30%, detractors 25%: NPS 20.
    scores = rng.choice([10, 8, 3], p=[0.45, 0.30, 0.25], size=surveys * n)
    answers = pd.DataFrame({"score": scores, "survey": np.repeat(np.arange(surveys), n)})
    coverage = _coverage(nps(answers, by="survey").table, 20.0)
    assert 0.92 <= coverage <= 0.975, coverage


def test_the_corrected_interval_covers_the_true_score_of_a_small_population() -> None:
    surveys, population, n = 600, 1000, 400
    # Exactly 450 promoters, 300 passives, 250 detractors: the true NPS is 20.
    customers = np.repeat([10, 7, 0], [450, 300, 250])
    rng = np.random.default_rng(7)
    drawn = np.argsort(rng.random((surveys, population)), axis=1)[:, :n]  # without replacement
    answers = pd.DataFrame({"score": customers[drawn].ravel(),
                            "survey": np.repeat(np.arange(surveys), n)})  # fmt: skip
    corrected = nps(answers, by="survey", population=dict.fromkeys(range(surveys), population))
    coverage = _coverage(corrected.table, 20.0)
    assert 0.92 <= coverage <= 0.975, coverage
    # Without the correction the interval is too wide for 40% of the customers: it over-covers.
    assert _coverage(nps(answers, by="survey").table, 20.0) > 0.975


# --- sample size -------------------------------------------------------------------------


def test_the_worst_case_sample_sizes() -> None:
    assert sample_size(10) == 385  # 1.96^2 * 100 = 384.1 rounded up
    assert sample_size(5) == 1537
    assert sample_size(10, population=1000) == 278  # 384.1 * 1000 / (999 + 384.1)
    assert sample_size(10, level=0.9) == 271
    assert sample_size(0.001, population=500) == 500  # never more than everyone


def test_an_expected_score_lowers_the_sample_size() -> None:
    assert sample_size(5, expected_nps=40) == 1291  # variance 1 - 0.4^2
    # Expected shares: 50% promoters, 20% detractors, variance 0.7 - 0.09 = 0.61.
    assert sample_size(5, expected_nps=(0.5, 0.2)) == math.ceil(Z95**2 * 400 * 0.61)
    assert sample_size(5, expected_nps=(1.0, 0.0)) == 1


@pytest.mark.parametrize("margin", [1, 2.5, 5, 7, 10, 15, 33])
@pytest.mark.parametrize("population", [None, 50, 400, 2_000, 100_000])
@pytest.mark.parametrize("expected", [None, 30, (0.6, 0.1)])
def test_the_sample_size_round_trips(margin: float, population: int | None,
                                     expected: object) -> None:  # fmt: skip
    n = sample_size(margin, population=population, expected_nps=expected)  # type: ignore[arg-type]
    variance = {None: 1.0, 30: 1 - 0.3**2}.get(expected, 0.7 - 0.25)  # type: ignore[call-overload]
    assert margin_of_error(n, population=population, variance=variance) <= margin
    if n > 1:
        assert margin_of_error(n - 1, population=population, variance=variance) > margin


def test_the_margin_of_error_is_the_one_nps_reports() -> None:
    answers = [10] * 60 + [8] * 20 + [2] * 20
    row = nps(answers, population=500).table.iloc[0]
    assert row["margin"] == pytest.approx(
        margin_of_error(100, population=500, variance=0.8 - 0.4**2))


@pytest.mark.parametrize("kwargs, fragment", [
    ({"margin": 0}, "`margin=0` is not a positive"),
    ({"margin": -5}, "`margin=-5` is not a positive"),
    ({"margin": 5, "expected_nps": 120}, "`expected_nps=120` is not an NPS"),
    ({"margin": 5, "expected_nps": (0.7, 0.5)}, "shares outside 0-1 or above 1"),
    ({"margin": 5, "expected_nps": "high"}, "neither points nor"),
    ({"margin": 5, "population": 0}, "`population=0` is not a number of customers"),
    ({"margin": 5, "level": 1.0}, "`level=1.0` is not a probability"),
])  # fmt: skip
def test_bad_sample_size_parameters(kwargs: dict, fragment: str) -> None:
    with pytest.raises(ParameterError, match=fragment):
        sample_size(**kwargs)


# --- drawing whom to survey --------------------------------------------------------------


def _customers() -> pd.DataFrame:
    stores = np.repeat(["Espoo", "Helsinki", "Tampere", "Oulu"], [500, 333, 160, 7])
    return pd.DataFrame({"customer": [f"K{i:04d}" for i in range(1000)], "store": stores})


def test_the_same_seed_gives_the_same_sample() -> None:
    customers = _customers()
    first = draw_survey_sample(customers, 100, seed=5, strata="store")
    again = draw_survey_sample(customers, 100, seed=5, strata="store")
    other = draw_survey_sample(customers, 100, seed=6, strata="store")
    pd.testing.assert_frame_equal(first.table, again.table)
    assert set(first.table["customer"]) != set(other.table["customer"])
    plain = draw_survey_sample(customers["customer"], 50, seed=5)
    assert plain.table["customer"].is_unique and len(plain.table) == 50
    assert plain.table.equals(draw_survey_sample(customers["customer"], 50, seed=5).table)


def test_a_stratified_sample_is_proportional_and_exactly_n() -> None:
    result = draw_survey_sample(_customers(), 100, seed=1, strata="store")
    drawn = result.table["store"].value_counts().to_dict()
    # Quotas 50, 33.3, 16, 0.7: the one place left goes to the largest remainder (Oulu's 0.7).
    assert drawn == {"Espoo": 50, "Helsinki": 33, "Tampere": 16, "Oulu": 1}
    allocation = result.allocation.set_index("store")
    assert allocation["sample"].to_dict() == drawn and allocation["sample"].sum() == 100
    assert allocation.loc["Helsinki", "quota"] == pytest.approx(33.3)
    assert result.table["customer"].is_unique
    assert result.summary()[0] == ("drew 100 of 1,000 customers to survey (seed 1), in "
                                   "proportion to store")


def test_strata_are_sampled_at_random_within() -> None:
    """Over many seeds every Helsinki customer is drawn about equally often (33 of 333)."""
    customers = _customers()
    counts = pd.concat([draw_survey_sample(customers, 100, seed=s, strata="store").table
                        for s in range(300)])["customer"].value_counts()  # fmt: skip
    helsinki = counts.reindex(customers.loc[customers["store"] == "Helsinki", "customer"],
                              fill_value=0)  # fmt: skip
    assert helsinki.mean() == pytest.approx(300 * 33 / 333)
    assert helsinki.min() > 10 and helsinki.max() < 55  # Binomial(300, 0.099): mean 29.7


def test_largest_remainder_allocation_adds_up() -> None:
    assert allocate([50, 30, 20], 7) == [4, 2, 1]
    assert allocate([1, 1, 1], 2) == [1, 1, 0]  # ties to the earlier stratum
    assert allocate([3, 7], 10) == [3, 7]
    rng = np.random.default_rng(0)
    for _ in range(200):
        sizes = rng.integers(1, 50, size=rng.integers(1, 8)).tolist()
        n = int(rng.integers(1, sum(sizes) + 1))
        parts = allocate(sizes, n)
        exact = np.array(sizes) * n / sum(sizes)
        assert sum(parts) == n and all(p <= s for p, s in zip(parts, sizes))
        assert np.all(np.abs(np.array(parts) - exact) < 1)


@pytest.mark.parametrize("customers, kwargs, error, fragment", [
    (_customers(), {"n": 1001}, ParameterError, "`n=1001` is not a number of customers"),
    (_customers(), {"n": 0}, ParameterError, "`n=0`"),
    (["a", "b", "b", "c"], {"n": 2}, SchemaError, "1 customer ids appear more than once"),
    (["a", None], {"n": 1}, SchemaError, "1 missing customer ids"),
    (_customers(), {"n": 5, "strata": "segment"}, SchemaError, "missing column 'segment'"),
    (_customers().assign(store=None), {"n": 5, "strata": "store"}, SchemaError,
     "1,000 customers without a store"),
    (["a", "b"], {"n": 1, "strata": "store"}, ParameterError, "needs a table of customers"),
    ([], {"n": 1}, SchemaError, "no customers"),
])  # fmt: skip
def test_bad_draws_are_refused(customers: object, kwargs: dict, error: type,
                               fragment: str) -> None:  # fmt: skip
    with pytest.raises(error, match=fragment):
        draw_survey_sample(customers, seed=1, **kwargs)  # type: ignore[arg-type]


def test_the_package_exports_the_functions() -> None:
    """``customers.nps`` is the function even after its module was imported (the module is
    named otherwise, so that importing it does not shadow the export)."""
    import customers

    assert customers.nps is nps and customers.sample_size is sample_size
    assert customers.draw_survey_sample is draw_survey_sample
    assert {"nps", "sample_size", "draw_survey_sample"} <= set(customers.__all__)
