"""The lapsed rule on the sample's planted truth: P(alive) below 0.5 and away longer than ever
before (issue 14: lapsed customers get a low P(alive); seasonal ones are not taken for gone)."""

from __future__ import annotations

import pandas as pd
import pytest

import customers
from customers import lifecycle, summarise

AS_OF = "2025-11-30"


@pytest.fixture(scope="module")
def outlook(sample):
    result = customers.next_purchases(sample.loyalty_visits, as_of=AS_OF)
    kind = sample.loyalty_truth.set_index("customer_id")["kind"]
    table = result.table.set_index("customer_id")
    return table.assign(kind=kind.reindex(table.index)), result


def test_planted_lapsed_customers_have_a_low_p_alive_and_are_lapsed(outlook):
    """Measured: 331 of the 362 planted lapsed customers are lapsed (mean P(alive) 0.10), 9 of
    the 2,633 ordinary ones."""
    table, _ = outlook
    gone = table[table["kind"] == "lapsed"]
    assert gone["p_alive"].mean() < 0.2 and gone["lapsed"].mean() > 0.85
    ordinary = table[table["kind"] == "ordinary"]
    assert ordinary["p_alive"].mean() > 0.95 and ordinary["lapsed"].mean() < 0.01
    assert not table.loc[table["kind"] == "regular", "lapsed"].any()


def test_summer_shoppers_in_their_off_season_are_not_lapsed(outlook):
    """On 30 November a summer shopper has been away since August: P(alive) alone calls 57 of
    107 lapsed; they have come back from longer absences before, so the rule spares all but the
    15 in their first summer with us."""
    table, result = outlook
    summer = table[table["kind"] == "summer"]
    assert (summer["p_alive"] < 0.5).mean() > 0.4  # what P(alive) alone would say
    assert summer["lapsed"].mean() < 0.2
    spared_summer = summer[~summer["lapsed"] & (summer["p_alive"] < 0.5)]
    assert (spared_summer["away"] <= spared_summer["longest_gap"]).all()
    spared = int(((table["p_alive"] < 0.5) & ~table["lapsed"]).sum())
    assert f"{spared:,} more below P(alive) 0.5 not lapsed" in "\n".join(result.summary())


def test_the_rule_by_hand():
    """A comes every week, then not for 9 weeks; B came every 3 days, came back after a 20-week absence once and
    has been away 9 weeks; C buys once: P(alive) 1, never lapsed."""
    weeks = pd.Timedelta(weeks=1)
    start = pd.Timestamp("2024-01-01")
    rows = [("A", start + k * weeks) for k in range(30)]
    rows += [("B", start + pd.Timedelta(days=3 * k)) for k in range(19)] + [
        ("B", start + (28 + k) * weeks) for k in range(2)]
    rows += [("C", start)]
    base = customers.simulate_transactions(500, r=2.0, alpha=4.0, a=1.0, b=8.0, start="2024-01-01",
                                           end="2024-09-22", spend=None, seed=3)  # fmt: skip
    frame = pd.concat([pd.DataFrame(rows, columns=["customer_id", "timestamp"]),
                       base.assign(customer_id=base["customer_id"].astype(str))])  # fmt: skip
    summary = summarise(frame, as_of=start + 38 * weeks)
    assert summary.loc["B", "longest_gap"] == pytest.approx(28 - 54 / 7)  # day 54 to week 28
    assert summary.loc["C", "longest_gap"] == 0.0
    table = lifecycle(summary, horizon=4).table
    assert table.loc["A", "lapsed"] and table.loc["A", "away"] == pytest.approx(9.0)
    assert table.loc["B", "p_alive"] < 0.5 and not table.loc["B", "lapsed"]
    assert not table.loc["C", "lapsed"]
    # Without longest_gap (a published summary) the rule is P(alive) alone.
    plain = lifecycle(summary.drop(columns="longest_gap"), horizon=4).table
    assert plain.loc["B", "lapsed"] and "away" not in plain.columns
