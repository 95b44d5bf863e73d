import pandas as pd
import pytest

from basket.errors import ParameterError
from basket.recommend import recommend, resolve_items

NAMES = {"K1": "Salmon fillet 400 g", "K2": "Cold-smoked salmon 200 g", "K3": "Dill bunch",
         "K4": "Coarse sea salt 1 kg", "K5": "Lemons 500 g"}  # fmt: skip


def rules():
    rows = [(("K1",), ("K3",), 0.48, 4.9), (("K1",), ("K4",), 0.31, 7.7),
            (("K1", "K3"), ("K4",), 0.40, 9.0), (("K3",), ("K1",), 0.5, 4.9),
            (("K2",), ("K5",), 0.2, 1.5)]  # fmt: skip
    return pd.DataFrame({
        "antecedent": [r[0] for r in rows], "consequent": [r[1] for r in rows],
        "confidence": [r[2] for r in rows], "lift": [r[3] for r in rows],
        "support": 0.01, "count": 10, "p_adjusted": 1e-9,
    })  # fmt: skip


def test_resolve_by_code_name_and_unique_part():
    known = set(NAMES)
    assert resolve_items(["k3", "salmon fillet 400 G", "lemon"], known, NAMES) == ["K3", "K1", "K5"]
    with pytest.raises(ParameterError, match="'salmon' matches 2 items"):
        resolve_items(["salmon"], known, NAMES)
    with pytest.raises(ParameterError, match="no rule mentions an item like 'caviar'"):
        resolve_items(["caviar"], known, NAMES)
    with pytest.raises(ParameterError, match=r"closest: Salmon fillet 400 g \[K1\]"):
        resolve_items(["salmn fillet"], known, NAMES)


def test_recommend_ranks_by_the_best_rule_and_skips_what_is_in_the_basket():
    out = recommend(rules(), ["K1"])
    assert out["item"].tolist() == ["K3", "K4"]
    out = recommend(rules(), ["K1", "K3"])
    assert out["item"].tolist() == ["K4"]
    assert out["because"].iloc[0] == ("K1", "K3") and out["confidence"].iloc[0] == 0.40
    assert recommend(rules(), ["K5"]).empty
    assert len(recommend(rules(), ["K1"], top=1)) == 1
    with pytest.raises(ParameterError):
        recommend(rules(), ["K1"], top=0)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from basket.describe import for_output, parse_itemsets  # noqa: E402


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(alphabet="ab|\\=+-@' \r\n\t", min_size=1, max_size=6),
                         min_size=1, max_size=3), min_size=1, max_size=4))  # fmt: skip
def test_itemsets_survive_a_csv_round_trip(itemsets):
    frame = pd.DataFrame({"antecedent": pd.Series([tuple(i) for i in itemsets], dtype=object)})
    text = for_output(frame, "csv")["antecedent"]
    assert parse_itemsets(text) == [tuple(i) for i in itemsets]


def test_recommend_from_rules_without_categories():
    table = rules().assign(consequent_categories=[()] * 5, consequent_names=[()] * 5)
    assert recommend(table, ["K1"])["item"].tolist() == ["K3", "K4"]


def test_csv_cells_guard_every_line_and_read_back_exactly():
    frame = pd.DataFrame({"antecedent": pd.Series([("\r=2+2", "ok\n=HYPERLINK(1)")], dtype=object)})
    cell = for_output(frame, "csv")["antecedent"].iloc[0]
    assert cell == "'\r'=2+2|ok\n'=HYPERLINK(1)"
    assert parse_itemsets(pd.Series([cell])) == [("\r=2+2", "ok\n=HYPERLINK(1)")]
