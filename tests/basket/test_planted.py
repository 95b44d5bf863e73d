"""On the sample store, kori finds the planted cross-sells and nothing else."""

import pandas as pd
import pytest

from basket.crosssell import find_rules
from forecasting.sample.products import CROSS_SELLS


@pytest.fixture(scope="module")
def report(sample_receipts):
    receipts, names, categories = sample_receipts
    return find_rules(receipts, names=names, categories=categories)


def pairs(rules):
    return {(a[0], c[0]) for a, c in zip(rules["antecedent_names"], rules["consequent_names"])
            if len(a) == 1}  # fmt: skip


@pytest.mark.parametrize(
    "anchor, companion",
    [(h.anchor, h.companion) for h in CROSS_SELLS
     # seasonal habits whose season is outside the receipts' weeks (September to November)
     if h.anchor not in ("Mämmi 700 g", "Doughnuts 4 pcs")],
)  # fmt: skip
def test_planted_pairs_are_found_significant_and_not_redundant(report, anchor, companion):
    rules = report.rules
    assert (anchor, companion) in pairs(rules)
    row = rules[[a == (anchor,) and c == (companion,) for a, c in
                 zip(rules["antecedent_names"], rules["consequent_names"])]].iloc[0]  # fmt: skip
    assert row["significant"] and not row["redundant"]
    assert row["p_adjusted"] < 1e-6 and row["lift"] > 2


def test_salmon_goes_with_dill_and_coarse_salt(report):
    found = pairs(report.rules)
    assert ("Salmon fillet 400 g", "Dill bunch") in found
    assert ("Salmon fillet 400 g", "Coarse sea salt 1 kg") in found


def test_unrelated_products_are_not_reported(report):
    planted = {h.anchor for h in CROSS_SELLS} | {h.companion for h in CROSS_SELLS}
    for names in list(report.rules["antecedent_names"]) + list(report.rules["consequent_names"]):
        assert set(names) <= planted, names
    assert report.removed["not significant"] > 10_000  # many pairs were tested and rejected


def test_unrelated_pairs_are_tested_and_rejected(sample_receipts):
    receipts, names, categories = sample_receipts
    every = find_rules(receipts, names=names, categories=categories, max_p=1,
                       keep_redundant=True, max_len=2).rules  # fmt: skip
    row = every[[a == ("Bananas 1 kg",) and c == ("Milk 1 l",) for a, c in
                 zip(every["antecedent_names"], every["consequent_names"])]]  # fmt: skip
    assert len(row) == 1 and row["p_adjusted"].item() > 0.05
    assert 0.9 < row["lift"].item() < 1.1


def test_category_level(sample_receipts):
    receipts, names, categories = sample_receipts
    report = find_rules(receipts, names=names, categories=categories, level="category")
    assert ("tex-mex",) in set(report.rules["antecedent"]) | set(report.rules["consequent"])
    assert report.items == len({categories[item] for item in receipts.items})


def test_items_missing_from_the_catalog_are_reported(sample_receipts, report):
    receipts, names, categories = sample_receipts
    assert report.catalog_gaps is None
    short = {item: name for item, name in names.items() if item != "K1029"}
    partial = find_rules(receipts, names=short, categories={}, max_len=2)
    held = int(receipts.item_counts()[list(receipts.items).index("K1029")])
    assert partial.catalog_gaps.items == {"K1029": held}
    assert partial.figures()["Receipt lines of items not in the catalog"] == held


def test_seasonal_rules_tell_all_year_from_seasonal(sample_receipts):
    receipts, names, categories = sample_receipts
    report = find_rules(receipts, names=names, categories=categories, by="month", max_len=2)
    rules = report.rules.set_index([
        report.rules["antecedent_names"].map(lambda t: t[0]),
        report.rules["consequent_names"].map(lambda t: t[0]),
    ])  # fmt: skip
    salmon = rules.loc[("Salmon fillet 400 g", "Dill bunch")]
    assert salmon["periods"] == ("2025-09", "2025-10", "2025-11") and salmon["every_period"]
    crayfish = rules.loc[("Crayfish 1 kg", "Dill bunch")]
    assert crayfish["periods"] == ("2025-09",)
    glogi = rules.loc[("Gingerbread cookies 500 g", "Glögi 0.75 l")]
    assert glogi["periods"] == ("2025-11",)
    assert set(report.by_period["period"]) == {"2025-09", "2025-10", "2025-11"}


def test_filters_and_top_k(sample_receipts):
    receipts, names, categories = sample_receipts
    only_salmon = find_rules(receipts, names=names, categories=categories,
                             mentioning=["salmon fillet 400 g"]).rules  # fmt: skip
    assert len(only_salmon) and all(
        "Salmon fillet 400 g" in a + c
        for a, c in zip(only_salmon["antecedent_names"], only_salmon["consequent_names"])
    )
    left = find_rules(receipts, names=names, categories=categories, antecedent=["tex-mex"],
                      consequent_from=["cheese"], top_per_antecedent=1).rules  # fmt: skip
    assert len(left) and all(c == ("cheese",) for c in left["consequent_categories"])
    assert not left["antecedent"].duplicated().any()
    assert pd.Series([any(x == "tex-mex" for x in a) for a in left["antecedent_categories"]]).all()
