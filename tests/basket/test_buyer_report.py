"""The buyer's report (issue 13): pairs, sorting, verdicts in words, chart labels, non-products."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from basket import find_rules
from basket.chart import CHAR_PX, bar_chart, fit_label
from basket.errors import ParameterError
from basket.nonproduct import NONPRODUCT_SHARE, flag_nonproducts, leave_out
from basket.pairs import SORT_KEYS, pair_table, sort_rules
from basket.receipts import from_baskets
from basket.report import CHANCE, VERDICTS, build_workbook, render_html, verdict


@pytest.fixture(scope="module")
def mined(sample_receipts):
    receipts, names, categories = sample_receipts
    return find_rules(receipts, names=names, categories=categories)


def _key(pair_row):
    return frozenset((pair_row["item_a"], pair_row["item_b"]))


# --------------------------------------------------------------------------- pairs


def test_pairs_fold_mirror_rules_into_one_row_with_both_confidences(mined):
    rules = mined.rules
    one = rules[(rules["antecedent"].map(len) == 1) & (rules["consequent"].map(len) == 1)]
    pairs = pair_table(rules)
    keys = [_key(row) for row in pairs.to_dict("records")]
    assert len(keys) == len(set(keys))  # one row per pair
    assert len(pairs) == len({frozenset((a[0], c[0])) for a, c in
                              zip(one["antecedent"], one["consequent"])})  # fmt: skip
    assert len(pairs) < len(one)  # the sample has mirror rules: A -> B and B -> A
    assert (pairs["confidence_a_b"] >= pairs["confidence_b_a"]).all()
    confidence = {(a[0], c[0]): conf for a, c, conf in
                  zip(one["antecedent"], one["consequent"], one["confidence"])}  # fmt: skip
    for row in pairs.to_dict("records"):
        for (x, y), column in (((row["item_a"], row["item_b"]), "confidence_a_b"),
                               ((row["item_b"], row["item_a"]), "confidence_b_a")):
            if (x, y) in confidence:
                assert row[column] == pytest.approx(confidence[(x, y)])


def test_the_planted_salmon_and_dill_pair_is_one_row(mined):
    pairs = mined.rules.pipe(pair_table)
    names = [{row["name_a"], row["name_b"]} for row in pairs.to_dict("records")]
    assert names.count({"Salmon fillet 400 g", "Dill bunch"}) == 1


def test_a_pair_with_one_direction_still_gets_both_confidences():
    rules = pd.DataFrame({
        "antecedent": [("s",)], "consequent": [("d",)], "count": [49], "support": [0.049],
        "antecedent_support": [0.1], "consequent_support": [0.4], "lift": [1.225],
        "p_value": [1e-5], "p_adjusted": [0.02], "significant": [True],
        "antecedent_names": [("Salmon",)], "consequent_names": [("Dill",)],
        "antecedent_categories": [("fish",)], "consequent_categories": [("herbs",)],
    })  # fmt: skip
    (row,) = pair_table(rules).to_dict("records")
    assert (row["item_a"], row["name_a"], row["category_b"]) == ("s", "Salmon", "herbs")
    assert row["confidence_a_b"] == pytest.approx(0.49)
    assert row["confidence_b_a"] == pytest.approx(0.1225)


def test_find_rules_pairs_table_and_summary(sample_receipts):
    receipts, names, categories = sample_receipts
    report = find_rules(receipts, names=names, categories=categories, pairs=True)
    assert list(report.table.columns[:4]) == ["item_a", "item_b", "name_a", "name_b"]
    assert "confidence_b_a" in report.table and "p_adjusted" in report.table
    line = next(x for x in report.summary() if "make" in x)
    assert re.search(r"\d+ rules of one item on each side make \d+ pairs; \d+ rules with more "
                     r"items are not in the pairs table \(`pairs=False`", line)
    assert len(report.rules) > len(report.table)  # the rules stay for the report


# --------------------------------------------------------------------------- sort


@pytest.mark.parametrize("key", SORT_KEYS)
def test_sort_orders_rules_and_pairs_descending(mined, key):
    rules = sort_rules(mined.rules, key)
    assert rules[key].is_monotonic_decreasing
    pairs = pair_table(mined.rules, key)
    column = "confidence_a_b" if key == "confidence" else key
    assert pairs[column].is_monotonic_decreasing


def test_find_rules_sorts_and_refuses_an_unknown_key(sample_receipts):
    receipts, names, _ = sample_receipts
    report = find_rules(receipts, names=names, sort="support")
    assert report.rules["support"].is_monotonic_decreasing
    with pytest.raises(ParameterError, match="`sort='lift'`"):
        find_rules(receipts, sort="p")


def test_lift_is_still_the_default_order(mined):
    assert mined.rules["lift"].is_monotonic_decreasing


# --------------------------------------------------------------------------- verdicts


def test_verdicts_in_words_with_named_thresholds():
    assert [limit for limit, _ in VERDICTS] == [0.001, 0.05]
    assert verdict(0.0) == verdict(0.000999) == "almost certainly real"
    assert verdict(0.001) == verdict(0.049) == "likely real"
    assert verdict(0.05) == verdict(1.0) == verdict(float("nan")) == CHANCE == "could be chance"


def test_the_page_says_real_or_chance_not_p(mined):
    page = mined.html()
    assert "p (adjusted)" not in page and "e-281" not in page and "&lt; 1e-300" not in page
    assert "<th>real or chance</th>" in page and "almost certainly real</td>" in page
    legend = page[page.index('class="legend"'):]
    assert "&#x27;almost certainly real&#x27; below 0.001" in legend
    assert "&#x27;likely real&#x27; below 0.05" in legend and "could be chance" in legend


def test_the_page_shows_pairs_then_longer_rules(mined):
    page = mined.html()
    assert page.index("<h2>Pairs bought together</h2>") < page.index("<h2>Longer rules</h2>")
    assert "of A receipts, share with B" in page
    svg = page[page.index("<svg"):page.index("</svg>")]
    titles = re.findall(r"<title>([^<:]*):", svg)
    assert titles.count("Dill bunch + Salmon fillet 400 g") == 1  # one bar for the pair
    assert "Salmon fillet 400 g + Dill bunch" not in titles
    rules_only = render_html(mined.rules, title="t", summary={}, pairs=False)
    assert "Pairs bought together" not in rules_only and "<h2>Rules</h2>" in rules_only


def test_the_workbook_has_pairs_and_verdicts_not_p_values(mined):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(mined.workbook()))
    assert book.sheetnames == ["Pairs", "Rules", "Summary"]
    header = [c.value for c in book["Pairs"][1]]
    assert header[:3] == ["rank", "item_a", "item_b"] and "real_or_chance" in header
    assert "confidence_a_b" in header and "confidence_b_a" in header
    rules_header = [c.value for c in book["Rules"][1]]
    assert "real_or_chance" in rules_header and "p_adjusted" not in rules_header
    verdicts = {c.value for c in book["Pairs"]["K"][1:]}
    assert verdicts <= {"almost certainly real", "likely real", "could be chance"}
    longer = [c.value for c in book["Rules"]["B"][1:]]
    assert longer and all(" + " in name for name in longer)  # only the longer rules
    rules_only = load_workbook(io.BytesIO(build_workbook(mined.rules, title="t", summary={})))
    assert rules_only.sheetnames == ["Rules", "Summary"]


def test_the_page_sorts_by_the_chosen_key(sample_receipts):
    receipts, names, categories = sample_receipts
    report = find_rules(receipts, names=names, categories=categories, sort="count")
    page = report.html()
    assert "Lift of the top pairs (by count)" in page
    table = page[page.index("<h2>Pairs bought together</h2>"):page.index("<h2>Longer rules")]
    counts = [int(c.replace(",", "")) for c in re.findall(r'<td class="n">([\d,]+)</td>'
                                                           r'<td class="n">[\d.]+%', table)]
    assert counts and counts == sorted(counts, reverse=True)


# --------------------------------------------------------------------------- chart labels


def test_long_labels_wrap_then_end_in_an_ellipsis_with_the_full_text_as_a_tooltip():
    long = "Extra-long organic free-range hand-made Karelian pasties with egg butter 12 pcs"
    svg = bar_chart([f"{long} + {long}", "Dill"], [3.0, 2.0])
    assert f"<title>{long} + {long}: 3.00</title>" in svg
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert any(line.endswith("…") for line in lines)
    width = int(re.search(r'<svg width="(\d+)"', svg)[1])
    anchor = max(float(x) for x in re.findall(r'<tspan x="([\d.]+)"', svg))
    assert all(len(line) * CHAR_PX <= anchor for line in lines)  # right-aligned, none past x=0
    assert anchor < width


def test_wrapped_lines_never_start_with_a_separator_or_a_formula():
    lines = fit_label("Aaaa bbbb cccc\u00a0-> =dd", 14)
    assert lines == ["Aaaa bbbb", "cccc\u00a0-> =dd"]
    svg = bar_chart(["Grated cheese 150 g -> =HYPERLINK(1) Tortillas and more and more and"],
                    [2.0], guard=lambda t: re.sub(r"(?:^|(?<=\n))(?=[=+\-@])", "'", t))
    assert not re.search(r">[=+\-@]", svg.replace("-&gt;", "")), svg


# --------------------------------------------------------------------------- non-products


def _shop(*extra: str) -> list[str]:
    """30 receipts of 20 products, each on 10% of them, and ``extra`` receipts."""
    return [f"p{i % 20},p{(i + 1) % 20}" for i in range(30)] + list(extra)


@pytest.mark.parametrize("name", ["Muovikassi", "Pullopantti 0.15 l", "Toimitusmaksu",
                                  "Carrier bag", "POSTAGE", "Bottle deposit", "Delivery charge",
                                  "Shopping bags", "bag", "Kestokassi"])  # fmt: skip
def test_fees_deposits_bags_and_postage_are_flagged_in_english_and_finnish(name):
    receipts = from_baskets(_shop(f"p1,{name}"))
    flagged = [f.item for f in flag_nonproducts(receipts)]
    assert flagged == [name]


@pytest.mark.parametrize("name", ["Bin bags 20 pcs", "Black tea 25 bags", "Baguette",
                                  "Postikortti", "Coffee 500 g", "Feta 200 g"])  # fmt: skip
def test_products_with_similar_words_are_not_flagged(name):
    assert flag_nonproducts(from_baskets(_shop(f"p1,{name}"))) == []


def test_an_item_on_half_the_receipts_is_flagged_a_staple_on_a_third_is_not(sample_receipts):
    receipts = from_baskets(["X1,milk", "X1,bread", "X1,eggs", "milk,cheese", "tea,jam"])
    flagged = flag_nonproducts(receipts)
    assert [(f.item, f.why) for f in flagged] == [("X1", "on 60% of receipts")]
    sample, names, _ = sample_receipts  # milk is on 34% of the sample store's receipts
    shares = sample.item_counts() / sample.n_receipts
    assert shares.max() < NONPRODUCT_SHARE and flag_nonproducts(sample, names) == []


def test_leave_out_matches_code_and_name_case_aside_and_counts_lines():
    receipts = from_baskets(["K1,K2", "K1,K9", "K9", "K2,K3"])
    kept, gone = leave_out(receipts, ["MUOVI", "^k3$"], {"K9": "Muovikassi"})
    assert sorted(map(str, kept.items)) == ["K1", "K2"] and kept.n_receipts == 3
    assert gone.items == {"K9": "Muovikassi", "K3": "K3"} and gone.lines == 3
    assert gone.emptied == 1 and gone.unmatched == ()
    assert gone.message().startswith("left out 2 items matching 'MUOVI', '^k3$' (3 receipt lines")
    with pytest.raises(ParameterError, match="`exclude_pattern` '\\[' is not a regular"):
        leave_out(receipts, ["["])


def test_find_rules_leaves_out_matching_items_and_says_so(sample_receipts):
    receipts, names, categories = sample_receipts
    milk = next(i for i, n in names.items() if n == "Milk 1 l")
    before = find_rules(receipts, names=names, categories=categories)
    assert not any("may not be a product" in line for line in before.summary())
    assert milk in before.item_counts
    after = find_rules(receipts, names=names, categories=categories,
                       exclude_pattern=["^milk 1 L$", "nothing-like-this"])  # fmt: skip
    items = {i for side in ("antecedent", "consequent") for s in after.rules[side] for i in s}
    assert milk not in items and milk not in after.item_counts
    line = next(x for x in after.summary() if x.startswith("left out 1 item"))
    assert "'^milk 1 L$'" in line and "matched no item: 'nothing-like-this'" in line
    assert not any("may not be" in x for x in after.summary())


# --------------------------------------------------------------------------- the CLI


def _run(runner, *args):
    from cli import kori

    return runner.invoke(kori, [str(a) for a in args])


GROCERIES = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "data"
                / "groceries_arules_baskets.csv")  # fmt: skip


def test_cli_mine_pairs_sorted_by_support(runner):
    result = _run(runner, "rules", "mine", GROCERIES, "--layout", "basket", "--pairs",
                  "--sort", "support")  # fmt: skip
    assert result.exit_code == 0, result.output
    pairs = pd.read_csv(io.StringIO(result.stdout))
    assert list(pairs.columns) == ["item_a", "item_b", "name_a", "name_b", "category_a",
                                   "category_b", "count", "support", "lift", "confidence_a_b",
                                   "confidence_b_a", "p_value", "p_adjusted", "significant"]
    assert pairs["support"].is_monotonic_decreasing
    assert {pairs.loc[0, "item_a"], pairs.loc[0, "item_b"]} == {"other vegetables", "whole milk"}
    assert len({frozenset(p) for p in zip(pairs["item_a"], pairs["item_b"])}) == len(pairs)
    assert "(--no-pairs lists every rule)" in result.stderr  # the flag, not the parameter


def test_cli_mine_keeps_rules_and_p_values_without_pairs(runner):
    result = _run(runner, "rules", "mine", GROCERIES, "--layout", "basket", "--sort", "count")
    assert result.exit_code == 0, result.output
    rules = pd.read_csv(io.StringIO(result.stdout))
    assert "antecedent" in rules and "p_adjusted" in rules and "p_value" in rules
    assert rules["count"].is_monotonic_decreasing


def test_cli_names_non_products_and_leaves_them_out(runner):
    flagged = _run(runner, "rules", "mine", GROCERIES, "--layout", "basket")
    assert flagged.exit_code == 0, flagged.output
    assert ("2 items may not be products (on 50% or more of receipts, or named like a fee, "
            "deposit, bag or postage): shopping bags (10% of receipts, by its name)"
            ) in flagged.stderr
    assert "--exclude-pattern '^(shopping bags|bags)$'" in flagged.stderr
    assert "shopping bags" in flagged.stdout
    result = _run(runner, "rules", "mine", GROCERIES, "--layout", "basket",
                  "--exclude-pattern", "BAGS$", "--exclude-item", "UHT-milk")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert ("left out 3 items matching 'BAGS$' (1,085 receipt lines; 54 receipts held nothing "
            "else and are left out too): bags, cling film/bags, shopping bags") in result.stderr
    assert "may not be products" not in result.stderr
    assert "shopping bags" not in result.stdout and "UHT-milk" not in result.stdout


def test_cli_bad_pattern_and_sort_are_one_line_errors(runner):
    bad = _run(runner, "rules", "mine", GROCERIES, "--layout", "basket", "--exclude-pattern", "(")
    assert bad.exit_code != 0 and "Traceback" not in bad.output
    assert "Error: --exclude-pattern '(' is not a regular expression" in bad.stderr
    sort = _run(runner, "rules", "report", GROCERIES, "--layout", "basket", "--sort", "p",
                "--html", "x.html")  # fmt: skip
    assert sort.exit_code == 2 and "'p' is not one of 'lift', 'support'" in sort.stderr


@pytest.mark.slow  # end to end or exhaustive: in CI, out of the quick run
def test_cli_report_pairs_by_default_and_rules_with_no_pairs(runner, sample_dir, tmp_path):
    base = ["rules", "report", sample_dir / "receipts.csv", "--catalog",
            sample_dir / "catalog.csv"]  # fmt: skip
    page, rules_page = tmp_path / "p.html", tmp_path / "r.html"
    result = _run(runner, *base, "--html", page, "--excel", tmp_path / "p.xlsx")
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "Pairs bought together" in text and "real or chance" in text
    assert "p (adjusted)" not in text
    assert "may not be a product" not in result.stderr  # milk, on 34% of receipts, is a staple
    plain = _run(runner, *base, "--no-pairs", "--sort", "confidence", "--html", rules_page)
    assert plain.exit_code == 0, plain.output
    text = rules_page.read_text(encoding="utf-8")
    assert "Pairs bought together" not in text and "Lift of the top rules (by confidence)" in text
