"""customers.find_duplicates: the FEBRL record-linkage benchmarks (real true matches), hand-made
duplicates (diacritics, swapped names, a mover), determinism, refusals and silence."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import pandas as pd
import pytest

import customers

DATA = Path(__file__).resolve().parents[1] / "data"


def febrl(*names: str) -> pd.DataFrame:
    """FEBRL files (tests/data/febrl*.csv) in the register's columns; ``rec_id`` as member_id."""
    frames = [pd.read_csv(DATA / f"{name}.csv", dtype=str, skipinitialspace=True,
                          keep_default_na=False) for name in names]  # fmt: skip
    raw = pd.concat(frames, ignore_index=True)
    return pd.DataFrame({
        "member_id": raw["rec_id"],
        "first_name": raw["given_name"],
        "last_name": raw["surname"],
        "street": (raw["street_number"] + " " + raw["address_1"]).str.strip(),
        "postal_code": raw["postcode"],
        "town": raw["suburb"],
        "birth_year": raw["date_of_birth"].str[:4],
    })


def true_pairs(register: pd.DataFrame) -> set[tuple[str, str]]:
    """Pairs of records of one original: FEBRL ids ``rec-N-org`` and ``rec-N-dup-k``."""
    original = register["member_id"].str.extract(r"rec-(\d+)-")[0]
    pairs = set()
    for _, ids in register.groupby(original)["member_id"]:
        pairs.update(itertools.combinations(sorted(ids), 2))
    return pairs


def scores(found: customers.Duplicates, truth: set[tuple[str, str]],
           threshold: float) -> tuple[float, float]:  # fmt: skip
    """Precision and recall of the pairs at or above ``threshold``."""
    pairs = found.pairs[found.pairs["match_probability"] >= threshold]
    got = {tuple(sorted(p)) for p in zip(pairs["id_l"], pairs["id_r"])}
    hits = len(got & truth)
    return hits / len(got), hits / len(truth)


@pytest.fixture(scope="module")
def febrl4() -> tuple[customers.Duplicates, set[tuple[str, str]]]:
    register = febrl("febrl4a", "febrl4b")
    return customers.find_duplicates(register, threshold=0.5), true_pairs(register)


@pytest.mark.slow
def test_febrl4_precision_and_recall(febrl4) -> None:
    # FEBRL 4: 5,000 originals (A) and one duplicate of each (B) in one register, 5,000 true
    # pairs. Measured: threshold 0.9 precision 0.9985 recall 0.9330; 0.5: 0.9960, 0.9398;
    # 0.99: 0.9989, 0.9130.
    found, truth = febrl4
    assert len(truth) == 5000
    precision, recall = scores(found, truth, 0.9)
    assert precision >= 0.99
    assert recall >= 0.92
    precision, recall = scores(found, truth, 0.99)
    assert precision >= 0.99
    assert recall >= 0.9


@pytest.mark.slow
def test_febrl3_precision_and_recall() -> None:
    # FEBRL 3: 5,000 records, 2,000 originals with 3,000 duplicates (up to 5 each, heavier
    # corruption), 6,538 true pairs. Measured at 0.9: precision 1.0000, recall 0.8417.
    register = febrl("febrl3")
    truth = true_pairs(register)
    assert len(truth) == 6538
    precision, recall = scores(customers.find_duplicates(register), truth, 0.9)
    assert precision >= 0.99
    assert recall >= 0.83


def hand_made() -> pd.DataFrame:
    """1,500 FEBRL originals with a phone and email each, plus four planted people with a second
    record: a lost diacritic, swapped names, a mover (new street and postal code, same phone)
    and a typo. (Movers are found in the sample, test_linkage_sample.py; here, with four true
    pairs among a million, EM has too few to learn that a new address is no proof.)"""
    register = febrl("febrl4a").head(1500).reset_index(drop=True)
    register["email"] = [f"member{i}@example.fi" for i in range(len(register))]
    register["phone"] = [f"040 {1000000 + i * 7}" for i in range(len(register))]
    people = pd.DataFrame([
        ["A1", "Aino", "Mäkinen", "Hämeentie 12", "00530", "Helsinki", "1980",
         "aino.makinen@example.fi", "040 111 2222"],
        ["B1", "Pekka", "Virtanen", "Kauppakatu 3", "33100", "Tampere", "1975",
         "pekka.v@example.fi", "050 333 4444"],
        ["C1", "Sanna", "Korhonen", "Puistotie 8", "02100", "Espoo", "1990",
         "sanna.k@example.fi", "044 555 6666"],
        ["D1", "Jukka", "Heikkinen", "Rantatie 5", "90100", "Oulu", "1966", "", "045 777 8888"],
    ], columns=["member_id", "first_name", "last_name", "street", "postal_code", "town",
                "birth_year", "email", "phone"])  # fmt: skip
    seconds = pd.DataFrame([
        ["A2", "Aino", "Makinen", "Hameentie 12", "00530", "Helsinki", "1980", "", ""],
        ["B2", "Virtanen", "Pekka", "Kauppakatu 3", "33100", "Tampere", "1975",
         "pekka.v@example.fi", ""],
        ["C2", "Sanna", "Korhonen", "Ratakatu 14", "40100", "Jyväskylä", "1990", "",
         "+358 44 5556666"],
        ["D2", "Jukka", "Heikinen", "Rantatie 5", "90100", "Oulu", "1966", "", ""],
    ], columns=people.columns)  # fmt: skip
    return pd.concat([register, people, seconds], ignore_index=True)


@pytest.fixture(scope="module")
def planted() -> customers.Duplicates:
    return customers.find_duplicates(hand_made())


def test_finds_diacritic_swapped_mover_and_typo(planted) -> None:
    pairs = {tuple(sorted(p)) for p in zip(planted.pairs["id_l"], planted.pairs["id_r"])}
    for pair in [("A1", "A2"), ("B1", "B2"), ("D1", "D2")]:
        assert pair in pairs
    # No pairs among the unrelated FEBRL originals (distinct people).
    assert len(pairs) <= 6


def test_pairs_table(planted) -> None:
    pairs = planted.pairs
    assert list(pairs.columns[:3]) == ["id_l", "id_r", "match_probability"]
    assert {"first_name_l", "first_name_r", "postal_code_l", "phone_r"} <= set(pairs.columns)
    assert pairs["match_probability"].is_monotonic_decreasing
    assert (pairs["match_probability"] >= 0.9).all() and planted.threshold == 0.9
    row = pairs[(pairs["id_l"] == "A1") & (pairs["id_r"] == "A2")].iloc[0]
    assert (row["last_name_l"], row["last_name_r"]) == ("Mäkinen", "Makinen")


def test_summary_names_counts_not_people(planted) -> None:
    lines = planted.summary()
    assert lines[0].startswith(f"likely duplicates: {len(planted.pairs)} pairs of ")
    assert "1,508" in lines[0]
    text = " ".join(lines)
    assert "Aino" not in text and "Virtanen" not in text


def test_same_seed_same_pairs(planted) -> None:
    again = customers.find_duplicates(hand_made(), seed=0)
    pd.testing.assert_frame_equal(again.pairs, planted.pairs)


def test_silent_and_logs_no_personal_values(capfd, caplog) -> None:
    before = logging.getLogger("splink").level
    with caplog.at_level(logging.DEBUG):
        customers.find_duplicates(hand_made().head(800))
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "Aino" not in logged and "Mäkinen" not in logged and "michaela" not in logged
    assert not [r for r in caplog.records if r.name.startswith("splink")]
    assert logging.getLogger("splink").level == before


def test_refusals() -> None:
    register = hand_made().head(50)
    with pytest.raises(customers.SchemaError, match="missing column 'card'"):
        customers.find_duplicates(register, id="card")
    with pytest.raises(customers.SchemaError, match="missing column 'first_name'"):
        customers.find_duplicates(register.drop(columns="first_name"))
    twice = pd.concat([register, register.head(2)], ignore_index=True)
    with pytest.raises(customers.SchemaError, match="repeated member_id"):
        customers.find_duplicates(twice)
    blank = register.copy()
    blank.loc[3, "member_id"] = " "
    with pytest.raises(customers.SchemaError, match="blank member_id"):
        customers.find_duplicates(blank)
    for threshold in (0, 1, 1.5, -0.1):
        with pytest.raises(customers.ParameterError, match="`threshold="):
            customers.find_duplicates(register, threshold=threshold)
