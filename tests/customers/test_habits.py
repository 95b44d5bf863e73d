"""`customers.next_visits`: regulars, their next visit and their usual basket (issue 14)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from customers import ParameterError, SchemaError, next_visits

AS_OF = "2025-11-30"  # a Sunday, the last day of the sample


@pytest.fixture(scope="module")
def found(sample):
    return next_visits(sample.loyalty_visits, as_of=AS_OF)


def test_every_planted_regular_is_found_with_its_weekday_and_hour(sample, found):
    truth = sample.loyalty_truth
    planted = truth[truth["kind"] == "regular"].set_index("customer_id")
    table = found.table.set_index("customer_id")
    assert set(planted.index) <= set(table.index)
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    for who, row in planted.iterrows():
        assert table.loc[who, "weekday"] == days[int(row["weekday"])]
        assert table.loc[who, "hours"] == f"{int(row['hour']):02d}-{int(row['hour']) + 1:02d}"
        assert table.loc[who, "status"] == "due"


def test_no_other_customer_is_called_a_regular(sample, found):
    truth = sample.loyalty_truth.set_index("customer_id")["kind"]
    kinds = truth.reindex(found.table["customer_id"])
    # Measured on the sample: exactly the six planted regulars, none of the 3,214 others.
    assert (kinds != "regular").sum() == 0
    lapsed = truth[truth == "lapsed"].index
    assert not found.table["customer_id"].isin(lapsed).any()


def test_the_wednesday_customer(found):
    row = found.table.set_index("customer_id").loc["L10024684"]
    assert (row["weekday"], row["hours"], row["store"]) == ("Wednesday", "08-09", "HKI")
    assert str(row["next_date"]) == "2025-12-03"  # the first Wednesday after as_of
    assert row["share"] == 1.0 and row["every_weeks"] == 1


def test_every_regulars_planted_basket_is_read_from_the_receipts(sample):
    """The receipts have no customer column: their customers come from the visits' receipt ids."""
    result = next_visits(sample.loyalty_visits, as_of=AS_OF, lines=sample.receipts,
                         catalog=sample.catalog)  # fmt: skip
    baskets = result.table.set_index("customer_id")["basket"]
    assert baskets["L10024684"] == "2 x Skimmed milk 1 l (100%), Coffee 500 g (100%)"
    truth = sample.loyalty_truth[sample.loyalty_truth["kind"] == "regular"]
    for who, habit in zip(truth["customer_id"], truth["habit"]):
        planted = {re.sub(r"^1 x ", "", part) for part in habit.split(": ", 1)[1].split(", ")}
        found = {part.split(" (")[0] for part in baskets[who].split("), ")}
        assert found == planted, who
    wednesday = next(line for line in result.summary() if line.startswith("L10024684"))
    assert wednesday.endswith("buys 2 x Skimmed milk 1 l, Coffee 500 g")


def test_lines_without_customers_or_receipts_are_refused(sample):
    lines = sample.receipts.drop(columns="receipt_id")
    with pytest.raises(SchemaError, match="missing column 'customer_id'"):
        next_visits(sample.loyalty_visits, as_of=AS_OF, lines=lines)
    with pytest.raises(SchemaError, match="catalog: missing column 'name'"):
        next_visits(sample.loyalty_visits, as_of=AS_OF, lines=sample.receipts,
                    catalog=sample.catalog[["sku"]])  # fmt: skip


def _visits(days, hour=8, who="A"):
    return pd.DataFrame({"customer_id": who,
                         "timestamp": [f"{d} {hour:02d}:15" for d in days]})  # fmt: skip


WEDNESDAYS = pd.date_range("2025-09-03", periods=10, freq="7D").strftime("%Y-%m-%d").tolist()


def test_a_regular_who_stopped_coming_is_overdue():
    result = next_visits(_visits(WEDNESDAYS), as_of="2025-11-30")  # last 2025-11-05
    row = result.table.iloc[0]
    assert row["missed"] == 3 and row["status"] == "overdue"
    assert row["days_since_last"] == 25 and str(row["next_date"]) == "2025-12-03"


def test_too_few_visits_or_no_habit_is_no_regular():
    spread = pd.concat([_visits(WEDNESDAYS[:6]),
                        _visits(["2025-11-14", "2025-11-15", "2025-11-16"], hour=18)])  # fmt: skip
    assert next_visits(spread, as_of="2025-11-30").table.empty  # 6 of 9 = 67%
    assert next_visits(_visits(WEDNESDAYS[:7]), as_of="2025-11-30").table.empty
    assert len(next_visits(_visits(WEDNESDAYS[:7]), as_of="2025-11-30", min_visits=7).table) == 1


def test_every_other_week():
    days = pd.date_range("2025-06-04", periods=10, freq="14D").strftime("%Y-%m-%d").tolist()
    row = next_visits(_visits(days), as_of="2025-11-01").table.iloc[0]
    assert row["every_weeks"] == 2 and str(row["next_date"]) == "2025-11-05"


def test_the_basket_on_a_hand_made_example():
    visits = _visits(WEDNESDAYS)
    receipts = {f"r{i}": day for i, day in enumerate(WEDNESDAYS)}
    rows = []
    for i, receipt in enumerate(receipts):
        rows += [(receipt, "milk"), (receipt, "coffee")]
        if i % 2 == 0:
            rows.append((receipt, "bread"))  # 5 of 10: in, on exactly half
        if i in (8, 9):
            rows.append((receipt, "buns"))  # 2 of 10: out
        if i >= 5:
            rows.append((receipt, "eggs"))  # 5 of 10, more recent than bread: before it
    lines = pd.DataFrame(rows, columns=["receipt_id", "name"]).assign(customer_id="A")
    lines["timestamp"] = lines["receipt_id"].map(receipts)
    row = next_visits(visits, as_of="2025-11-30", lines=lines, item="name").table.iloc[0]
    assert row["basket"] == "coffee (100%), milk (100%), eggs (50%), bread (50%)"


def test_bad_input_is_named():
    with pytest.raises(SchemaError, match="after `as_of=2025-11-01`"):
        next_visits(_visits(WEDNESDAYS), as_of="2025-11-01")
    with pytest.raises(SchemaError, match="missing column 'timestamp'"):
        next_visits(pd.DataFrame({"customer_id": [1]}), as_of="2025-11-01")
    with pytest.raises(ParameterError, match="min_visits"):
        next_visits(_visits(WEDNESDAYS), as_of="2025-11-30", min_visits=1)
