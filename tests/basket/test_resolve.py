"""One resolver for every item query: the rule filters and the buyer's basket."""

import pandas as pd
import pytest

from basket.errors import ParameterError
from basket.filters import filter_rules
from basket.recommend import resolve_basket

SKUS = ["K1", "K2", "K3"]
NAMES = dict(zip(SKUS, ["Salmon fillet 400 g", "Dill bunch", "Lemons"]))
CATEGORIES = dict(zip(SKUS, ["fresh fish", "herbs", "fruit"]))


def rules():
    rows = [(("K1",), ("K2",)), (("K2",), ("K1",)), (("K3",), ("K2",)), (("K1", "K3"), ("K2",))]
    frame = pd.DataFrame({"antecedent": [r[0] for r in rows], "consequent": [r[1] for r in rows]})
    for side in ("antecedent", "consequent"):
        frame[f"{side}_names"] = [tuple(NAMES[i] for i in items) for items in frame[side]]
        frame[f"{side}_categories"] = [tuple(CATEGORIES[i] for i in items) for items in frame[side]]
    return frame


@pytest.mark.parametrize("options, kept", [
    ({"mentioning": ["salmon"]}, [0, 1, 3]),
    ({"mentioning": ["SALMON FILLET 400 G"]}, [0, 1, 3]),
    ({"mentioning": ["k3"]}, [2, 3]),
    ({"mentioning": ["herbs"]}, [0, 1, 2, 3]),
    ({"antecedent": ["salm"], "consequent": ["dill"]}, [0, 3]),
    ({"antecedent_from": ["salmon", "lemon"]}, [0, 2, 3]),
    ({"consequent_from": ["fish"]}, [1]),
])  # fmt: skip
def test_filters_resolve_codes_names_parts_and_categories(options, kept):
    table = rules()
    assert filter_rules(table, **options)["antecedent"].tolist() == table["antecedent"][kept].tolist()


def test_a_filter_term_that_matches_nothing_is_an_error_with_the_closest_items():
    with pytest.raises(ParameterError) as info:
        filter_rules(rules(), mentioning=["samlon"])
    assert "`mentioning` 'samlon' matches no item, name or category" in str(info.value)
    assert "closest: Salmon fillet 400 g [K1]" in str(info.value)
    with pytest.raises(ParameterError, match="`consequent_from` 'caviar' matches no item"):
        filter_rules(rules(), consequent_from=["caviar"])
    # an item mined but in no rule is no error: it keeps no rule
    assert filter_rules(rules(), mentioning=["K9"], known=["K1", "K2", "K3", "K9"]).empty


def test_a_basket_item_in_no_rule_says_it_exists_and_why():
    from basket.crosssell import RuleReport

    report = RuleReport(rules=rules(), receipts=1000, items=5, dropped={}, itemsets=9,
                        min_count=10, engine="sparse", tested=4,
                        item_counts={"K1": 50, "K2": 60, "K3": 40, "K4": 7, "K5": 30},
                        paired=frozenset({"K1", "K2", "K3"}))  # fmt: skip
    names = {"K4": "Milk 1 l", "K5": "Skimmed milk 1 l", "K6": "Oat milk"}
    assert resolve_basket(["salmon"], rules(), names=names, report=report) == ["K1"]
    with pytest.raises(ParameterError) as info:
        resolve_basket(["milk 1 l"], rules(), names=names, report=report)
    message = str(info.value)
    assert "Milk 1 l [K4] exists but is in no rule" in message and "spelling" not in message
    assert "in 7 receipts (0.70%), fewer than the 10 an itemset needs" in message
    assert "Pass `min_support=0.007` or lower (or `min_count=7`)" in message
    with pytest.raises(ParameterError, match="all 3 items like 'milk' exist but are in no rule"):
        resolve_basket(["milk"], rules(), names=names, report=report)
    with pytest.raises(ParameterError, match="no other item is in 10 of them"):
        resolve_basket(["skimmed"], rules(), names=names, report=report)
    with pytest.raises(ParameterError, match="Oat milk \\[K6\\] is in no rule of rules.csv"):
        resolve_basket(["oat milk"], rules(), names=names, source="rules.csv")
    with pytest.raises(ParameterError, match="no item like 'caviar' in the receipts"):
        resolve_basket(["caviar"], rules(), names=names, report=report)
