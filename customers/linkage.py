"""Likely duplicate people in a customer register, found with splink (Fellegi-Sunter on DuckDB).

Each record's names, street, postal code, birth year, email and phone are compared with those of
the records it is blocked with; splink weighs every level of agreement (exact, close by
Jaro-Winkler, swapped first and last name, ...) by how much likelier it is for two records of
one person (``m``) than for two random records (``u``), and turns the sum of the weights into a
match probability; agreeing exactly on a common name is worth less than on a rare one (term
frequency adjustment). Nothing is labelled: ``u`` comes from random pairs, ``m`` from expectation
maximisation on two blocking rules, the prior from exact agreement on names and birth year,
email or phone.

Records are compared only within blocks, so that a million records stay feasible:

- the same sound of both names (in either order) and the same birth year (movers, swapped names);
- the same postal code and the same sound of the last name, or of the first name (typos);
- the same street and birth year;
- the same email, or the same phone number.

Names are compared without diacritics (Mäkinen = Makinen).
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from customers.checks import blank
from customers.errors import ParameterError, SchemaError
from customers.linkage_prep import FIELDS, prepare

if TYPE_CHECKING:
    import pandas as pd

U_PAIRS = 5_000_000
"""Random pairs sampled to estimate the ``u`` probabilities (at most)."""

EM_PAIRS = 2_000_000
"""Blocked pairs each expectation-maximisation session trains on (at most)."""

PRIOR_RECALL = 0.7
"""The share of true duplicates assumed to agree exactly on names and birth year, email or
phone: it scales the prior probability that two random records are one person."""

_JW = "jaro_winkler_similarity"


@dataclass(frozen=True)
class Duplicates:
    """What :func:`find_duplicates` returns.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per likely duplicate pair at or above ``threshold``, most likely first:
        ``id_l``, ``id_r`` (the records' ids, in register order), ``match_probability``, then each
        compared field of both records as given (``first_name_l``, ``first_name_r``, ...).
    threshold : float
        The match probability a pair needs.
    records : int
        Records in the register.
    """

    pairs: pd.DataFrame
    threshold: float
    records: int

    def summary(self) -> list[str]:
        """How many pairs and records, in words (no personal values).

        Returns
        -------
        list of str
        """
        people = len(set(self.pairs["id_l"]) | set(self.pairs["id_r"])) if len(self.pairs) else 0
        line = (f"likely duplicates: {len(self.pairs):,} pairs of {people:,} records among "
                f"{self.records:,} at match probability {self.threshold:g} or more")  # fmt: skip
        return [line]


def find_duplicates(
    register: pd.DataFrame,
    *,
    id: str = "member_id",
    threshold: float = 0.9,
    seed: int = 0,
) -> Duplicates:
    """Pairs of records in ``register`` that are likely the same person.

    Parameters
    ----------
    register : pandas.DataFrame
        One row per record: the ``id`` column and any of ``first_name``, ``last_name``,
        ``street``, ``postal_code``, ``town``, ``email``, ``phone``, ``birth_year`` (text or
        numbers; absent or blank fields are not compared). First and last name are required.
    id : str
        The column of unique record ids.
    threshold : float
        The match probability (0-1, exclusive) a pair needs to be reported.
    seed : int
        Seed of the random pairs behind the ``u`` probabilities: the same register and seed give
        the same pairs and probabilities.

    Returns
    -------
    Duplicates

    Raises
    ------
    SchemaError
        No ``id`` column, no name columns, or an id that is blank or repeated.
    ParameterError
        ``threshold`` outside (0, 1).
    """
    import numpy as np

    if not 0 < threshold < 1:
        raise ParameterError(f"`threshold={threshold!r}` is outside (0, 1)", source="register",
                             fix="Give a match probability such as `threshold=0.9`")
    missing = [c for c in (id, "first_name", "last_name") if c not in register.columns]
    if missing:
        raise SchemaError("missing column " + ", ".join(f"'{c}'" for c in missing),
                          source="register", where="found: " + ", ".join(map(str, register.columns)),
                          fix=f"Name the record id column with `id=` (now `id={id!r}`) and give "
                              "first_name and last_name")  # fmt: skip
    ids = register[id]
    empty = np.flatnonzero(blank(ids))
    if len(empty):
        raise SchemaError(f"blank {id}", source="register",
                          where=f"{len(empty):,} rows, first at position {empty[0]}",
                          fix="Give every record its id")  # fmt: skip
    repeated = ids[ids.duplicated(keep=False)]
    if len(repeated):
        shown = ", ".join(map(str, repeated.drop_duplicates().head(3)))
        raise SchemaError(f"repeated {id}", source="register",
                          where=f"{repeated.nunique():,} ids, e.g. {shown}",
                          fix="Give each record its own id (a second card of one person is a "
                              "record with its own id)")  # fmt: skip
    table = prepare(register)
    with _quiet():
        predictions = _predict(table, threshold, seed)
    return Duplicates(pairs=_pairs(register, id, predictions), threshold=threshold,
                      records=len(register))  # fmt: skip


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence splink's loggers and warnings for the duration of the block."""
    splink_logger = logging.getLogger("splink")
    level, propagate = splink_logger.level, splink_logger.propagate
    splink_logger.setLevel(logging.CRITICAL + 10)
    splink_logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        splink_logger.setLevel(level)
        splink_logger.propagate = propagate


def _levels(column: str, *rest: dict[str, Any]) -> list[dict[str, Any]]:
    """A null level on ``column``, the given levels, an else level."""
    null = {"sql_condition": f'"{column}_l" IS NULL OR "{column}_r" IS NULL',
            "label_for_charts": "null", "is_null_level": True}  # fmt: skip
    return [null, *rest, {"sql_condition": "ELSE", "label_for_charts": "else"}]


def _level(sql: str, label: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label}


def _comparisons(present: set[str]) -> list[Any]:
    """The splink comparisons of the columns that hold values."""
    import splink.comparison_library as cl

    swapped = _level('"fn_l" = "ln_r" AND "ln_l" = "fn_r"', "first and last name swapped")
    comparisons = []
    for name, label in (("fn", "first name"), ("ln", "last name")):
        comparisons.append(cl.CustomComparison(_levels(
            name,
            {**_level(f'"{name}_l" = "{name}_r"', "exact"), "tf_adjustment_column": name},
            swapped,
            _level(f'{_JW}("{name}_l", "{name}_r") >= 0.92', "Jaro-Winkler >= 0.92"),
            _level(f'{_JW}("{name}_l", "{name}_r") >= 0.8', "Jaro-Winkler >= 0.8"),
        ), output_column_name=name, comparison_description=label))  # fmt: skip
    optional = {
        "street": [_level('"street_l" = "street_r"', "exact"),
                   _level(f'{_JW}("street_l", "street_r") >= 0.88', "Jaro-Winkler >= 0.88")],
        "postal_code": [_level('"postal_code_l" = "postal_code_r"', "exact"),
                        _level('"postal_area_l" = "postal_area_r"', "same first three digits")],
        "birth_year": [_level('"birth_year_l" = "birth_year_r"', "exact"),
                       _level('abs("birth_year_l" - "birth_year_r") <= 1', "one year apart")],
        # Exact only: namesakes' addresses differ in a digit or two (matti.virtanen71@...).
        "email": [_level('"email_l" = "email_r"', "exact")],
        "phone": [_level('"phone_l" = "phone_r"', "exact")],
    }  # fmt: skip
    for column, levels in optional.items():
        if column in present:
            comparisons.append(cl.CustomComparison(_levels(column, *levels),
                                                   output_column_name=column))
    return comparisons


def _rules(present: set[str]) -> dict[str, list[Any]]:
    """The blocking rules for prediction, training and the prior, of the present columns."""
    from splink import block_on

    def keep(*columns: str) -> bool:
        return all(c in present for c in columns)

    candidates = [("name_key", "birth_year"), ("postal_code", "ln_key"),
                  ("postal_code", "fn_key"), ("street", "birth_year"), ("email",), ("phone",)]  # fmt: skip
    if "birth_year" not in present:
        candidates[0] = ("name_key", "postal_area")
    predict = [block_on(*c) for c in candidates if keep(*c)]
    if not predict:
        predict = [block_on("name_key")]
    by_place = ("postal_code", "birth_year") if keep("postal_code", "birth_year") else (
        ("postal_code",) if "postal_code" in present else ("birth_year",))
    train = [block_on("fn", "ln")]
    if keep(*by_place):
        train.insert(0, block_on(*by_place))
    exact = ("fn", "ln", "birth_year") if "birth_year" in present else ("fn", "ln", "postal_code")
    prior = [c for c in (exact, ("email",), ("phone",)) if keep(*c) or c == exact]
    return {"predict": predict, "train": train, "prior": prior}


def _prior(table: pd.DataFrame, rules: list[tuple[str, ...]]) -> float:
    """The probability that two random records are one person: pairs agreeing exactly on one
    of ``rules`` (summed, so pairs agreeing on two count twice) over all pairs, divided by
    :data:`PRIOR_RECALL`; at least one pair in all, at most 0.5."""
    import numpy as np

    pairs = len(table) * (len(table) - 1) / 2
    agree = 0
    for rule in rules:
        sizes = table.dropna(subset=list(rule)).groupby(list(rule)).size().to_numpy(np.int64)
        agree += int((sizes * (sizes - 1) // 2).sum())
    return float(min(max(agree / PRIOR_RECALL, 1.0) / max(pairs, 1.0), 0.5))


def _predict(table: pd.DataFrame, threshold: float, seed: int) -> pd.DataFrame:
    """Train the model on ``table`` and score its blocked pairs: ``row_id_l``, ``row_id_r``,
    ``match_probability`` for pairs at or above ``threshold``."""
    import duckdb
    from splink import DuckDBAPI, Linker, SettingsCreator

    present = {c for c in table.columns if table[c].notna().any()} | {"fn", "ln"}
    rules = _rules(present)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="row_id",
        comparisons=_comparisons(present),
        blocking_rules_to_generate_predictions=rules["predict"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        probability_two_random_records_match=_prior(table, rules["prior"]),
    )
    connection = duckdb.connect(":memory:")
    connection.execute("SET enable_progress_bar = false")
    try:
        db_api = DuckDBAPI(connection)
        linker = Linker(db_api.register(table, table_name="register"), settings, log_level=None)
        pairs = len(table) * (len(table) - 1) / 2
        linker.training.estimate_u_using_random_sampling(max_pairs=min(U_PAIRS, pairs),
                                                         seed=seed)  # fmt: skip
        for rule in rules["train"]:
            # A rule whose pairs hold no duplicates drives EM's match share to 0, and splink
            # fails on its logarithm: the m values stay as the other rule (or splink) set them.
            with contextlib.suppress(ValueError, ZeroDivisionError):
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True, max_pairs=EM_PAIRS)
        scored = linker.inference.predict(threshold_match_probability=threshold)
        frame = scored.as_pandas_dataframe()
    finally:
        connection.close()
    frame = frame[frame["match_probability"] >= threshold]
    return frame[["row_id_l", "row_id_r", "match_probability"]]


def _pairs(register: pd.DataFrame, id: str, predictions: pd.DataFrame) -> pd.DataFrame:
    """The predicted pairs with the records' ids and fields, most likely first."""
    import numpy as np
    import pandas as pd

    fields = [c for c in FIELDS if c in register.columns]
    records = register.reset_index(drop=True)
    a = predictions["row_id_l"].to_numpy()
    b = predictions["row_id_r"].to_numpy()
    left, right = np.minimum(a, b), np.maximum(a, b)
    probability = predictions["match_probability"].to_numpy()
    order = np.lexsort((right, left, -probability))
    left, right, probability = left[order], right[order], probability[order]
    out = pd.DataFrame({"id_l": records[id].to_numpy()[left],
                        "id_r": records[id].to_numpy()[right],
                        "match_probability": probability})
    for field in fields:
        out[f"{field}_l"] = records[field].to_numpy()[left]
        out[f"{field}_r"] = records[field].to_numpy()[right]
    return out
