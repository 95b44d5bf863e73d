"""The sample's customer register (register.csv) and the faults planted in it (issue 15)."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from forecasting.sample.names import NICKNAMES
from forecasting.sample.register import CHECKS, COLUMNS, PAIR_KINDS, simulate_register

END = pd.Timestamp("2025-11-30")
# sha256 of the files `kori sample` wrote before the register existed (commit 09b0c13).
EARLIER = {
    "catalog.csv": "4667eb41f913d49ae38f99d21356b99571644ce91bc4389b21e0fe54b276e7cf",
    "customers.csv": "7da83be906832e1c6908d2995706ba8a63142c4db49f37b74f641fbe0e82445f",
    "loyalty.csv": "3d24c7377bedd57b5edaa891d0bff75bf4c2915db9418a168cb837793102bca4",
    "loyalty_visits.csv": "84df0aac5f83caa891fc875a7d20108cae049e6f9bc0c29a841fe80927b7584c",
    "receipts.csv": "3fa1a47191e2b613524607e93542a4aec9244ce0fdcc5af62444cec13cba75b5",
    "sales.csv": "712817dbf93474468f0b14b2520569c8da4bcdb3b15d1467bf0330c606e8d7f4",
    "stock.csv": "af58aa244632559caef04b64cc02c04867aadf783ab91eb68077bd2998761d3a",
    "store.toml": "c14a7219122eb99afed6cd6a1f8c740ff2409369283bdcd3fe668b449514abff",
    "survey.csv": "0134c85e71f03a4a0d8b9b2c3f7e03437f22ae9e2a72f133c6f8e82a7012663c",
    "traffic.csv": "ab5613d690b929495b73afb0777ca8b49f1d79a6990fd2600c1b7442ef643ce2",
    "weather.csv": "24df88e5de762faa2ca2e66124bcd992c36df5efcdd8dad7d0afac82ae700c3d",
}


@pytest.fixture(scope="module")
def register(sample) -> pd.DataFrame:
    """The register beside its truth, one row per record."""
    frame = sample.register.merge(sample.register_truth, on="member_id", validate="1:1")
    assert len(frame) == len(sample.register)
    return frame


def _planted(frame: pd.DataFrame, check: str) -> set[str]:
    has = frame["faults"].str.split(";").apply(lambda faults: check in faults)
    return set(frame.loc[has, "member_id"])


def _oracle(frame: pd.DataFrame, visits: pd.DataFrame, *, stale: int = 24, address: int = 36,
            consent: int = 24, retention: int = 60) -> dict[str, set[str]]:  # fmt: skip
    """The contract's rules (thresholds in months), written out plainly."""
    import email_validator
    import phonenumbers

    def months(n: int) -> pd.Timestamp:
        return END - pd.DateOffset(months=n)

    def valid_phone(text: str) -> bool:
        try:
            return phonenumbers.is_valid_number(phonenumbers.parse(text, "FI"))
        except phonenumbers.NumberParseException:
            return False

    def valid_email(text: str) -> bool:
        try:
            email_validator.validate_email(text, check_deliverability=False)
        except email_validator.EmailNotValidError:
            return False
        return True

    ids = frame["member_id"]
    updated = pd.to_datetime(frame["updated_on"])
    joined = pd.to_datetime(frame["joined_on"])
    given = pd.to_datetime(frame["consent_date"].replace("", None))
    last = ids.map(visits.groupby("customer_id")["timestamp"].max())
    no_purchase = last.isna() | (last < months(stale))
    latest = pd.concat([last, updated, joined], axis=1).max(axis=1)
    rules = {
        "invalid_postal_code": ~frame["postal_code"].str.fullmatch(r"\d{5}"),
        "invalid_email": ~frame["email"].map(valid_email),
        "invalid_phone": ~frame["phone"].map(valid_phone),
        "stale": no_purchase & (updated < months(stale)),
        "address_unchecked": updated < months(address),
        "consent_missing": (frame["consent"] == "") | ((frame["consent"] == "yes") & given.isna()),
        "consent_expired": (frame["consent"] == "yes") & (given < months(consent)),
        "past_retention": latest < months(retention),
    }
    return {check: set(ids[mask.to_numpy(dtype=bool)]) for check, mask in rules.items()}


def test_columns_and_ids_match_the_card_holders(sample, register):
    table = sample.register
    assert tuple(table.columns) == COLUMNS
    assert table["member_id"].is_unique
    assert (table.map(lambda value: isinstance(value, str)).all()).all()  # all text
    cards = set(sample.customers["customer_id"])
    ids = set(table["member_id"])
    assert cards <= ids
    only = ids - cards
    assert only == _planted(register, "past_retention")
    assert not only & set(sample.loyalty_visits["customer_id"])
    assert 0.015 < len(only) / len(cards) < 0.025
    town = register["member_id"].map(sample.customers.set_index("customer_id")["store"])
    assert set(register.loc[town == "HKI", "town"]) == {"Helsinki"}
    assert set(register.loc[town == "TRE", "town"]) == {"Tampere"}
    clean = register[~register["faults"].str.contains("invalid_postal_code")]
    codes = clean["postal_code"].astype(int)
    helsinki = clean["town"] == "Helsinki"
    assert codes[helsinki].between(100, 990).all() and codes[~helsinki].between(33100, 33900).all()
    assert (codes % 10 == 0).all()
    same_join = register[register["member_id"].isin(cards)]
    joined = same_join["member_id"].map(sample.customers.set_index("customer_id")["joined_on"])
    assert (pd.to_datetime(same_join["joined_on"]) == joined).all()


def test_values_look_finnish_and_consistent(register):
    assert register["last_name"].str.contains("[äöå]").mean() > 0.15
    years = register["birth_year"].astype(int)
    assert years.between(1935, 2006).all()
    assert (years <= pd.to_datetime(register["joined_on"]).dt.year - 16).all()
    assert set(register["consent"]) == {"yes", "no", ""}
    assert set(register["channel"]) == {"email", "sms", "post"}
    dated = register["consent_date"] != ""
    assert (register.loc[dated, "consent_date"] >= register.loc[dated, "joined_on"]).all()
    assert (register.loc[dated, "consent_date"] <= register.loc[dated, "updated_on"]).all()
    assert (register["updated_on"] >= register["joined_on"]).all()
    assert (register["updated_on"] <= END.strftime("%Y-%m-%d")).all()
    formats = register["phone"].str.replace(r"\d", "9", regex=True).value_counts()
    assert len(formats) >= 5  # 040 123 4567, +358 40 1234567, 0401234567, ...
    clean_phone = ~register["faults"].str.contains("invalid_phone")
    assert register.loc[clean_phone, "phone"].str.replace(r"\D", "", regex=True).str[-9:-7].isin(
        ["40", "41", "44", "45", "50"]).all()  # fmt: skip


def test_planted_counts(register):
    counts = register["faults"].str.split(";").explode().value_counts()
    assert set(counts.index) - {""} <= set(CHECKS)
    n = len(register)
    assert counts["duplicate"] == 200
    assert counts["past_retention"] == 65
    for check in ("consent_missing", "consent_expired", "invalid_email", "invalid_phone",
                  "invalid_postal_code", "stale"):  # fmt: skip
        assert 0.008 * n < counts[check] < 0.04 * n, check
    # Past-retention records are stale and unchecked too, and listed so.
    retained = register[register["faults"].str.contains("past_retention")]
    assert set(retained["faults"]) == {"stale;address_unchecked;past_retention"}
    assert counts["address_unchecked"] - counts["past_retention"] > 0.02 * n
    assert (register["faults"] == "").mean() > 0.7


def test_duplicate_pairs(register):
    pairs = register[register["pair_kind"] != ""]
    assert pairs["pair_kind"].value_counts().to_dict() == {kind: 40 for kind in PAIR_KINDS}
    assert set(pairs["faults"]) == {"duplicate"}
    for person, two in pairs.groupby("person"):
        assert len(two) == 2, person
        a, b = two.iloc[0], two.iloc[1]
        kind = a["pair_kind"]
        assert b["pair_kind"] == kind and a["birth_year"] == b["birth_year"]
        assert a["town"] == b["town"]
        assert re.sub(r"\D", "", a["phone"])[-9:] == re.sub(r"\D", "", b["phone"])[-9:]
        names = {(a["first_name"], a["last_name"]), (b["first_name"], b["last_name"])}
        assert (a["street"] != b["street"]) == (kind == "moved"), person
        if kind == "swapped":
            assert (b["last_name"], b["first_name"]) in names
        elif kind == "nickname":
            assert a["last_name"] == b["last_name"]
            assert {a["first_name"], b["first_name"]} in [{k, v} for k, v in NICKNAMES.items()]
        elif kind == "diacritic":
            assert a["first_name"] == b["first_name"]
            fold = str.maketrans("äöåé", "aoae")
            assert a["last_name"].translate(fold) == b["last_name"].translate(fold)
            assert a["last_name"] != b["last_name"]
        elif kind == "typo":
            assert a["first_name"] == b["first_name"] and a["last_name"] != b["last_name"]
            assert abs(len(a["last_name"]) - len(b["last_name"])) <= 1
        else:
            assert names == {(a["first_name"], a["last_name"])}


def test_other_people_do_not_look_alike(register):
    people = register.drop_duplicates("person")
    assert people.duplicated(["first_name", "last_name"]).sum() == 0
    assert people.duplicated(["birth_year", "street", "postal_code"]).sum() == 0
    names = register.groupby(["first_name", "last_name"])["person"].nunique()
    assert (names == 1).all()
    assert register.groupby("email")["person"].nunique().max() == 1
    valid = register[~register["faults"].str.contains("invalid_phone")]
    digits = valid["phone"].str.replace(r"\D", "", regex=True).str[-9:]
    assert valid.groupby(digits)["person"].nunique().max() == 1
    assert register.groupby(["street", "postal_code"])["person"].nunique().max() == 1


def test_the_rules_find_exactly_the_planted_faults(sample, register):
    """With the contract's defaults and as_of the end of the history, and with every threshold
    moved by two months: the planted records keep their margins."""
    for shift in (0, -2, 2):
        found = _oracle(register, sample.loyalty_visits, stale=24 + shift, address=36 + shift,
                        consent=24 + shift)  # fmt: skip
        for check, ids in found.items():
            assert ids == _planted(register, check), (check, shift)
    for months in (48, 60, 64):
        found = _oracle(register, sample.loyalty_visits, retention=months)["past_retention"]
        assert found == _planted(register, "past_retention"), months


def test_stale_members_really_stopped_coming(sample, register):
    stale = register[register["faults"] == "stale"]
    assert len(stale) > 20
    last = stale["member_id"].map(sample.loyalty_visits.groupby("customer_id")["timestamp"].max())
    assert (last.isna() | (last < END - pd.DateOffset(months=29))).all()  # 913 days or more
    lapsed = set(sample.loyalty_truth.loc[sample.loyalty_truth["kind"] == "lapsed", "customer_id"])
    assert stale["member_id"].isin(lapsed).mean() > 0.5


def test_same_seed_same_register_and_another_seed_another(sample):
    again = simulate_register(sample.customers, sample.loyalty_visits, END, 1)
    assert again.table.equals(sample.register)
    assert again.truth.equals(sample.register_truth)
    other = simulate_register(sample.customers, sample.loyalty_visits, END, 2)
    assert not other.table.equals(sample.register)
    assert set(other.table["member_id"]) >= set(sample.customers["customer_id"])


@pytest.mark.slow  # writes the whole sample
def test_no_earlier_file_changed(sample_dir):
    for name, digest in EARLIER.items():
        assert hashlib.sha256((sample_dir / name).read_bytes()).hexdigest() == digest, name
    written = pd.read_csv(sample_dir / "register.csv", dtype=str, keep_default_na=False)
    assert len(written) == 3323 and tuple(written.columns) == COLUMNS
    assert written["postal_code"].str.len().value_counts().index.max() >= 5  # zeros kept


def test_other_sizes_of_sample():
    """A short history (few lapsed customers) and an early end still plant every kind."""
    import datetime as dt

    from forecasting.sample import simulate_store

    store = simulate_store(seed=2, years=1, receipt_weeks=1, end=dt.date(1995, 6, 30))
    truth = store.register_truth
    assert truth["pair_kind"].value_counts().to_dict() == {"": len(truth) - 200,
                                                           **{k: 40 for k in PAIR_KINDS}}
    assert np.isin(["stale", "past_retention", "consent_expired"],
                   truth["faults"].str.split(";").explode()).all()  # fmt: skip


def test_the_readme_gives_the_planted_counts(register):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    text = " ".join(readme[readme.index("- **Customer register.**"):].split())
    faults = register["faults"].value_counts()
    missing = register[register["faults"] == "consent_missing"]["consent"].value_counts()
    for phrase in (
        f"**{faults['duplicate'] // 2} people with two cards**", f"**{faults['stale']} stale**",
        f"**{faults['address_unchecked']} unchecked addresses**",
        f"**{faults['consent_missing']} missing consents** ({missing['']} blank, "
        f"{missing['yes']} `yes` without a date) and **{faults['consent_expired']} expired**",
        f"**{faults['invalid_postal_code']} invalid postal codes**",
        f"**{faults['invalid_email']} invalid emails** and **{faults['invalid_phone']} invalid",
        f"**{faults['stale;address_unchecked;past_retention']} members past retention**",
        f"The other {faults['']:,} records are clean",
    ):  # fmt: skip
        assert phrase in text, phrase
