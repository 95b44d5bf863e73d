"""When the significance test leaves out (nearly) every rule, the summary says so in a buyer's
words and shows what the rules would have been without it (issue 13). The rules table stays
honest: it never holds a rule that failed the test."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from basket import find_rules
from basket.crosssell import RuleReport
from basket.receipts import from_long
from cli import kori

DATA = Path(__file__).resolve().parents[1] / "data"
KAGGLE = DATA / "groceries_kaggle_member_date.csv"
KAGGLE_ARGS = ["rules", "mine", str(KAGGLE), "--receipt-col", "Member_number,Date",
               "--item-col", "itemDescription"]  # fmt: skip


@pytest.fixture(scope="module")
def kaggle():
    frame = pd.read_csv(KAGGLE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return from_long(frame, receipt=["Member_number", "Date"], item="itemDescription",
                     timestamp=None)  # fmt: skip


def test_no_significant_rule_says_why_and_shows_the_strongest(kaggle):
    report = find_rules(kaggle)
    assert report.rules.empty and report.removed["not significant"] == 131
    lines = _from_mining(report.summary())
    assert lines[0].endswith("131 rules tested, left out 131 not significant; 0 rules")
    assert lines[1].startswith("No rule is left: 131 rules that met support and confidence "
                               "could be chance (adjusted p-value above 0.05 with 14,963 "
                               "receipts)")  # fmt: skip
    assert lines[2].startswith("The strongest of them, by lift")
    assert lines[3] == ("  whole milk, yogurt -> sausage: lift 2.18, confidence 13%, on 22 "
                        "receipts, adjusted p-value 0.1")  # fmt: skip
    assert len(lines) == 3 + 5 + 1 and "`max_p=1`" in lines[-1]
    shown = report.insignificant
    assert len(shown) == 5 and (shown["p_adjusted"] > 0.05).all()
    assert {"antecedent_names", "consequent_names"} <= set(shown.columns)
    assert shown["lift"].is_monotonic_decreasing
    # They are what `max_p=1` shows first.
    everything = find_rules(kaggle, max_p=1)
    assert everything.insignificant is None and len(_from_mining(everything.summary())) == 1
    sides = ["antecedent", "consequent", "p_adjusted"]
    pd.testing.assert_frame_equal(shown[sides], everything.rules.head(5)[sides])


def test_nearly_no_significant_rule_says_so_too(kaggle):
    report = find_rules(kaggle, max_p=0.5)
    assert len(report.rules) == 1
    lines = _from_mining(report.summary())
    assert lines[1].startswith("Only 1 rule is left: 130 rules that met support and confidence "
                               "could be chance (adjusted p-value above 0.5")  # fmt: skip
    assert "whole milk, yogurt -> sausage" not in "\n".join(lines[2:])  # it is in the table
    assert (report.insignificant["p_adjusted"] > 0.5).all()


def test_significant_rules_need_no_explanation(groceries):
    report = find_rules(groceries, min_support=0.01)
    assert len(report.rules) >= 5 and report.removed["not significant"] > 10
    assert len(_from_mining(report.summary())) == 1
    assert not any("chance" in line for line in report.summary())


def _from_mining(lines: list[str]) -> list[str]:
    """The lines from the one on itemsets and rules on (the lines before it are of the input)."""
    start = next(i for i, line in enumerate(lines) if " frequent itemsets (" in line)
    return lines[start:]


def _report(rules: int, weak: int) -> RuleReport:
    table = pd.DataFrame({"antecedent": [("a",)] * rules, "consequent": [("b",)] * rules})
    return RuleReport(rules=table, receipts=100, items=2, dropped={}, itemsets=3, min_count=1,
                      engine="sparse", tested=rules + weak,
                      removed={"not significant": weak})  # fmt: skip


@pytest.mark.parametrize("rules, weak, said", [
    (0, 1, True),     # every rule left out: always said
    (0, 0, False),    # nothing tested, nothing left out
    (4, 11, True),    # fewer than 5 left, more than 10 left out
    (4, 10, False),
    (5, 100, False),
])  # fmt: skip
def test_when_the_summary_explains(rules, weak, said):
    lines = _from_mining(_report(rules, weak).summary())
    assert (len(lines) > 1) is said
    if said:
        assert "`max_p=1`" in lines[-1] and "strongest" not in "\n".join(lines)  # none kept


def test_cli_stderr_explains_and_stdout_has_no_rules(runner):
    result = runner.invoke(kori, KAGGLE_ARGS)
    assert result.exit_code == 0, result.output
    assert pd.read_csv(io.StringIO(result.stdout)).empty
    err = _from_mining(result.stderr.splitlines())
    assert "left out 131 not significant; 0 rules" in err[0]
    assert err[1].startswith("No rule is left: 131 rules")
    assert err[3].startswith("  whole milk, yogurt -> sausage: lift 2.18")
    assert err[-1].startswith("See them all with --max-p 1, or mine more receipts")
    assert "`" not in result.stderr
    quiet = runner.invoke(kori, [*KAGGLE_ARGS, "--max-p", "1"])
    assert quiet.exit_code == 0 and "chance" not in quiet.stderr
    assert len(pd.read_csv(io.StringIO(quiet.stdout))) >= 5
