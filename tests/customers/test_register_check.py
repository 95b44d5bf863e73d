"""The register health check on a hand-made register: each rule fires on the record planted for
it and on no clean record; the refusals; the score's arithmetic; the same input, the same check."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from customers import ParameterError, SchemaError, check_register
from customers.register_check import CHECKS, PARTS
from customers.register_fields import check_field, field_table

AS_OF = "2025-11-30"
NAMES = [("Maija", "Mäkinen"), ("Pekka", "Virtanen"), ("Anna", "Korhonen"),
         ("Juha", "Nieminen"), ("Liisa", "Laine"), ("Timo", "Heikkinen"), ("Sari", "Koskinen"),
         ("Mikko", "Järvinen"), ("Tiina", "Lehtonen"), ("Jari", "Lehtinen")]  # fmt: skip


def _clean(i: int, first: str, last: str) -> dict[str, str]:
    return {"member_id": f"L{i:03d}", "first_name": first, "last_name": last,
            "street": f"Hämeenkatu {i + 1}", "postal_code": f"{33100 + 10 * i:05d}",
            "town": "Tampere", "email": f"{first.lower()}.{i}@example.fi",
            "phone": f"040 123 45{i % 100:02d}", "birth_year": str(1950 + 3 * (i % 20)),
            "joined_on": "2022-03-01", "updated_on": "2025-06-01", "consent": "yes",
            "consent_date": "2025-01-15", "channel": "email"}  # fmt: skip


# member: (the check planted, the fields changed)
PLANTED = {
    "L100": ("invalid_postal_code", {"postal_code": "0010"}),
    "L101": ("invalid_email", {"email": "liisa@@example.fi"}),
    "L102": ("invalid_phone", {"phone": "12"}),
    "L103": ("missing", {"street": ""}),
    "L104": ("missing", {"email": "", "channel": "email"}),
    "L105": ("consent_missing", {"consent": "", "consent_date": ""}),
    "L106": ("consent_missing", {"consent_date": ""}),
    "L107": ("consent_expired", {"consent_date": "2023-05-01"}),
    "L108": ("address_unchecked", {"joined_on": "2021-01-10", "updated_on": "2022-02-01",
                                   "consent_date": "2025-01-15"}),
    # joined and updated 3 years ago, no purchase: stale (and the address unchecked)
    "L109": ("stale", {"joined_on": "2022-01-10", "updated_on": "2022-06-01"}),
    # nothing in 6 years: past retention (and stale, unchecked, its consent expired)
    "L110": ("past_retention", {"joined_on": "2018-04-01", "updated_on": "2019-05-01",
                                "consent_date": "2019-05-01"}),
}  # fmt: skip


def _register() -> pd.DataFrame:
    rows = [_clean(i, *name) for i, name in enumerate(NAMES)]
    for k, (member, (_, change)) in enumerate(PLANTED.items()):
        first, last = NAMES[k % len(NAMES)]
        row = _clean(100 + k, first + "x", last + "son")
        row.update(change)
        row["member_id"] = member
        rows.append(row)
    return pd.DataFrame(rows).astype(str)


def _visits() -> pd.DataFrame:
    """Everyone bought last month but the members planted stale or past retention."""
    members = [f"L{i:03d}" for i in range(10)] + [m for m in PLANTED if m not in ("L109", "L110")]
    return pd.DataFrame({"customer_id": members, "timestamp": "2025-11-02 10:15"})


@pytest.fixture(scope="module")
def checked():
    return check_register(_register(), as_of=AS_OF, receipts=_visits(), threshold=None)


def test_each_rule_fires_on_its_planted_record(checked):
    found = set(zip(checked.findings["member_id"], checked.findings["check"]))
    for member, (check, _) in PLANTED.items():
        assert (member, check) in found, (member, check)


def test_no_rule_fires_on_a_clean_record(checked):
    clean = checked.findings["member_id"].str.match(r"L0\d\d$")
    assert not clean.any(), checked.findings[clean]


def test_the_planted_records_have_only_their_problems_and_what_follows(checked):
    per = checked.findings.groupby("member_id")["check"].apply(set).to_dict()
    assert per["L100"] == {"invalid_postal_code"} and per["L103"] == {"missing"}
    assert per["L108"] == {"address_unchecked"}
    assert per["L109"] == {"stale", "address_unchecked"}
    assert per["L110"] == {"past_retention", "stale", "address_unchecked", "consent_expired"}


def test_findings_are_one_row_per_record_and_problem_sorted(checked):
    findings = checked.findings
    assert list(findings.columns) == ["member_id", "check", "field", "detail"]
    assert set(findings["check"]) <= set(CHECKS)
    assert findings.equals(findings.sort_values(["member_id", "check", "field"])
                           .reset_index(drop=True))  # fmt: skip
    row = findings[findings["member_id"] == "L104"].iloc[0]
    assert row["field"] == "email" and "preferred channel is email" in row["detail"]
    assert "'0010'" in findings.loc[findings["member_id"] == "L100", "detail"].iloc[0]


def test_the_parts_and_the_score_are_shares_of_clean_records(checked):
    n = 21
    expected = {"completeness": 100 * (1 - 2 / n), "validity": 100 * (1 - 3 / n),
                "currency": 100 * (1 - 3 / n), "consent": 100 * (1 - 4 / n),
                "retention": 100 * (1 - 1 / n)}  # fmt: skip
    for part, value in expected.items():
        assert checked.parts[part] == pytest.approx(value), part
    assert math.isnan(checked.parts["uniqueness"]) and set(checked.parts) == set(PARTS)
    assert checked.score == pytest.approx(sum(expected.values()) / 5)


def test_the_summary_gives_score_parts_counts_and_what_to_do(checked):
    lines = checked.summary()
    assert lines[0].startswith(f"register: health {checked.score:.0f}/100 over 21 records")
    assert "last purchases of 19 members from receipts" in lines[0]
    assert any(line.startswith("  consent 81: 4 records (19%)") for line in lines)
    assert "uniqueness: not checked" in "\n".join(lines)
    assert any(line.startswith("findings: 1 past_retention, 2 consent_missing") for line in lines)
    assert "to do: delete or anonymise 1 records past the 5-year retention" in lines
    assert not any("@" in line or "Mäkinen" in line for line in lines)  # no personal value


def test_the_same_register_gives_the_same_check(checked):
    again = check_register(_register(), as_of=AS_OF, receipts=_visits(), threshold=None)
    assert again.findings.equals(checked.findings) and again.fields.equals(checked.fields)
    assert again.parts == pytest.approx(checked.parts, nan_ok=True)
    assert again.html() == checked.html()


def test_without_receipts_updates_and_joins_decide_staleness():
    found = check_register(_register(), as_of=AS_OF, threshold=None)
    stale = set(found.findings.loc[found.findings["check"] == "stale", "member_id"])
    assert stale == {"L108", "L109", "L110"}  # all updated over 24 months ago
    assert "no `receipts`" in found.summary()[0]


def test_a_recent_purchase_keeps_a_record_current_and_within_retention():
    visits = pd.concat([_visits(), pd.DataFrame({"customer_id": ["L110"],
                                                 "timestamp": ["2025-01-02"]})])  # fmt: skip
    found = check_register(_register(), as_of=AS_OF, receipts=visits, threshold=None)
    checks = set(found.findings.loc[found.findings["member_id"] == "L110", "check"])
    assert checks == {"address_unchecked", "consent_expired"}


def test_the_limits_move_the_rules():
    found = check_register(_register(), as_of=AS_OF, receipts=_visits(), threshold=None,
                           retention_years=3, consent_months=6)  # fmt: skip
    counts = found.counts()
    assert counts["past_retention"] == 2  # L109 too: nothing since 2022-06-01
    assert counts["consent_expired"] == 21 - 2  # every dated yes but L105's and L106's


def test_the_fields_table_gives_completeness_and_validity(checked):
    fields = checked.fields.set_index("field")
    assert fields.loc["postal_code", "invalid"] == 1
    assert fields.loc["postal_code", "valid"] == pytest.approx(20 / 21)
    assert fields.loc["street", "filled"] == pytest.approx(20 / 21)
    assert math.isnan(fields.loc["street", "valid"])
    assert fields.loc["consent_date", "filled"] == pytest.approx(19 / 21)


@pytest.mark.parametrize("field, good, bad", [
    ("postal_code", ["00100", "99999"], ["0010", "00000", "1OO1O", "001000"]),
    ("email", ["a.b@example.fi", "ääkkönen@kesko.fi"], ["a@@b.fi", "a@b", "plain"]),
    ("phone", ["040 123 4567", "+358 40 1234567", "0401234567", "09 1234567"],
     ["12", "+46 70 123 45 67", "abc", "55674"]),
    ("birth_year", ["1900", "2025"], ["1899", "2026", "19x5", "1980.5"]),
    ("joined_on", ["2025-11-30"], ["30.11.2025", "2025-13-01"]),
])  # fmt: skip
def test_field_rules(field, good, bad):
    why = check_field(pd.Series(good + bad + [""]), field, last_year=2025)
    assert (why[: len(good)] == "").all(), why
    assert (why[len(good): -1] != "").all(), why
    assert why.iloc[-1] == ""  # a blank is missing, not invalid


def test_field_table_without_a_rule_has_no_validity():
    table = field_table(pd.DataFrame({"town": ["Oulu", ""]}), last_year=2025)
    assert table["field"].tolist() == ["town"] and table["filled"].iloc[0] == 0.5


def _broken(change: dict[str, str], member: str = "L003") -> pd.DataFrame:
    frame = _register()
    for column, value in change.items():
        frame.loc[frame["member_id"] == member, column] = value
    return frame


@pytest.mark.parametrize("frame, fragment", [
    (_register().drop(columns="member_id"), "missing column 'member_id'"),
    (_broken({"member_id": "L001"}), "1 repeated member_ids (line 5: 'L001'"),
    (_broken({"member_id": " "}), "1 records without a member_id (line 5"),
    (_broken({"birth_year": "2027"}), ("birth years not a year from 1900 to 2025 (line 5: "
                                      "'L003' birth_year='2027')")),
    (_broken({"birth_year": "1899"}), "birth_year='1899'"),
    (_broken({"joined_on": "1.3.2022"}), "1 joined_on values not a date YYYY-MM-DD (line 5"),
    (_broken({"consent_date": "2021-01-01"}), "1 consent dates before the join (line 5"),
    (_broken({"updated_on": "2020-01-01"}), "1 updates before the join (line 5"),
    (_broken({"email": ""}).iloc[:0], "no records"),
])  # fmt: skip
def test_refusals_name_the_problem_and_its_line(frame, fragment):
    with pytest.raises(SchemaError) as caught:
        check_register(frame, as_of=AS_OF, threshold=None, first_line=2, source="register.csv")
    assert fragment in str(caught.value) and str(caught.value).startswith("register.csv: ")


def test_every_refusal_at_once():
    frame = _broken({"birth_year": "3000", "updated_on": "2001-01-01"})
    with pytest.raises(SchemaError) as caught:
        check_register(frame, as_of=AS_OF, threshold=None)
    message = str(caught.value)
    assert "birth years" in message and "updates before the join" in message
    assert "row 3" in message  # no first_line: the frame's row


def test_receipts_after_the_day_of_the_check_are_refused():
    visits = pd.DataFrame({"customer_id": ["L001"], "timestamp": ["2025-12-02"]})
    with pytest.raises(SchemaError, match="visits after `as_of=2025-11-30`"):
        check_register(_register(), as_of=AS_OF, receipts=visits, threshold=None)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"retention_years": 0}, "`retention_years=0` must be positive"),
    ({"stale_months": -1}, "`stale_months=-1`"),
    ({"threshold": 1.5}, "`threshold=1.5` is not a probability"),
])  # fmt: skip
def test_bad_parameters(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        check_register(_register(), as_of=AS_OF, **{"threshold": None, **kwargs})


def test_the_page_is_escaped_and_shows_no_personal_value(checked):
    page = check_register(_register(), as_of=AS_OF, threshold=None,
                          source="<b>reg</b>.csv").html()  # fmt: skip
    assert "&lt;b&gt;reg&lt;/b&gt;.csv" in page and "<b>reg</b>" not in page
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<script" not in page
    for value in ("Mäkinen", "liisa@@example.fi", "Hämeenkatu", "040 123"):
        assert value not in page
    assert "Delete or anonymise 1 records past the 5-year retention." in page


def test_duplicates_are_found_and_counted_in_uniqueness():
    pytest.importorskip("customers.linkage")
    frame = _register().iloc[:10]
    twin = frame.iloc[[0]].assign(member_id="L900", last_name="Makinen")
    found = check_register(pd.concat([frame, twin], ignore_index=True), as_of=AS_OF)
    pairs = found.findings[found.findings["check"] == "duplicate"]
    assert pairs["member_id"].tolist() == ["L000", "L900"]
    assert "likely the same person as L900 (probability" in pairs["detail"].iloc[0]
    assert found.parts["uniqueness"] == pytest.approx(100 * (1 - 1 / 11))
    assert "merge 1 likely duplicate pairs (2 records)" in found.todo()
    assert "L900" in found.html() and "Likely the same as" in found.html()
