"""`kori data validate register`: the register schema of customers/schemas.py (issue 15)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cli import kori
from customers.schemas import REGISTER_SCHEMA, SCHEMAS, register_schema


def _write(frame: pd.DataFrame, path) -> str:
    frame.to_csv(path, index=False)
    return str(path)


@pytest.fixture
def register(sample) -> pd.DataFrame:
    return sample.register.copy()


def test_the_schema_is_plain_data_and_known_by_kind():
    assert SCHEMAS["register"] is REGISTER_SCHEMA
    names = [column["name"] for column in REGISTER_SCHEMA["columns"]]
    assert names[:3] == ["member_id", "first_name", "last_name"] and "consent_date" in names
    birth = {c["name"]: c for c in register_schema(2026)["columns"]}["birth_year"]
    assert (birth["low"], birth["high"]) == (1900, 2026)


def test_the_sample_register_is_valid(runner, sample, tmp_path):
    path = _write(sample.register, tmp_path / "register.csv")
    result = runner.invoke(kori, ["data", "validate", "register", path])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # no problem at all: the planted faults are the check's findings
    assert f"{path}: valid register file, {len(sample.register):,} rows, 0 warnings" in result.stderr


def test_a_register_without_member_id(runner, register, tmp_path):
    path = _write(register.drop(columns="member_id"), tmp_path / "register.csv")
    result = runner.invoke(kori, ["data", "validate", "register", path])
    assert result.exit_code == 1
    assert "Error: " in result.stderr and "missing column 'member_id'" in result.stderr
    assert "--col member_id=NAME" in result.stderr


def test_a_birth_year_in_the_future_names_its_line(runner, register, tmp_path):
    future = dt.date.today().year + 1
    register.loc[6, "birth_year"] = str(future)
    path = _write(register, tmp_path / "register.csv")
    result = runner.invoke(kori, ["data", "validate", "register", path])
    assert result.exit_code == 1
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: ") and f"line 8: '{future}'" in error
    assert f"above {dt.date.today().year}" in error


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [("birth_year", "1850", "below 1900"), ("birth_year", "19x0", "not a number"),
     ("joined_on", "31.12.2024", "not a date"), ("updated_on", "2024-02-30", "not a date")],
)  # fmt: skip
def test_bad_values_name_their_line(runner, register, tmp_path, column, value, expected):
    register.loc[10, column] = value
    path = _write(register, tmp_path / "register.csv")
    result = runner.invoke(kori, ["data", "validate", "register", path])
    assert result.exit_code == 1
    assert f"column '{column}': {expected} in 1 row (line 12: '{value}')" in result.stderr


def test_a_member_id_twice_is_an_error(runner, register, tmp_path):
    register.loc[20, "member_id"] = register.loc[3, "member_id"]
    path = _write(register, tmp_path / "register.csv")
    result = runner.invoke(kori, ["data", "validate", "register", path])
    assert result.exit_code == 1
    assert "keep one row per member_id" in result.stderr


def test_blank_optional_fields_pass(runner, register, tmp_path):
    """Blank consents, channels, postal codes: findings of the check, not schema errors."""
    register.loc[:50, ["consent", "consent_date", "channel", "postal_code", "email"]] = ""
    path = _write(register, tmp_path / "register.csv")
    result = runner.invoke(kori, ["data", "validate", "register", path])
    assert result.exit_code == 0, result.output
