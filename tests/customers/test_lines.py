"""Messages about bad visit rows name the file's line (issue 14): `kori customers next`,
`segments` and `regulars` pass ``first_line`` from the file they read, and the library says
``line N`` with it and ``row <label>`` without it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import customers
from cli import kori

AS_OF = "2025-06-29"
BAD = 17  # the bad row's position among the data rows: line 19 of a CSV with a header
LINE = BAD + 2


def _visits(amounts: bool = True) -> pd.DataFrame:
    """40 customers, 6 visits each, Wednesdays 08:xx in one store, June 2025 and before."""
    rng = np.random.default_rng(3)
    n = 240
    frame = pd.DataFrame({
        "customer_id": [f"C{i % 40:02d}" for i in range(n)],
        "timestamp": [(pd.Timestamp("2025-06-25 08:10") - pd.Timedelta(weeks=i // 40)
                       + pd.Timedelta(minutes=int(m))).strftime("%Y-%m-%d %H:%M:%S")
                      for i, m in enumerate(rng.integers(0, 40, n))],
        "store": "Kamppi",
    })  # fmt: skip
    if amounts:
        frame["amount_eur"] = np.round(rng.lognormal(3.0, 0.5, n), 2).astype(str)
    return frame


def _write(frame: pd.DataFrame, path, column: str, value: str) -> str:
    frame = frame.copy()
    frame.loc[BAD, column] = value
    frame.to_csv(path, index=False)
    return str(path)


def _error(result) -> str:
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert result.exit_code == 1 and len(errors) == 1, result.output
    assert "Traceback" not in result.output
    return errors[0]


CASES = [
    # command, amounts in the file, column, bad value, words of the message
    ("next", True, "timestamp", "2025-07-02 09:00:00", "purchases after --as-of"),
    ("next", True, "timestamp", "soon", "unreadable timestamp"),
    ("next", True, "amount_eur", "12,50", "non-numeric amount_eur"),
    ("segments", True, "timestamp", "2025-07-02 09:00:00", "visit after --as-of"),
    ("segments", True, "timestamp", "soon", "unreadable timestamp"),
    ("segments", True, "amount_eur", "-4.20", "negative amount_eur"),
    ("segments", False, "timestamp", "2025-07-02 09:00:00", "visits after --as-of"),
    ("segments", False, "timestamp", "soon", "readable timestamp"),
    ("regulars", False, "timestamp", "2025-07-02 09:00:00", "visits after --as-of"),
    ("regulars", True, "timestamp", "soon", "readable timestamp"),
    # An empty or blank customer id is read as text ("" or "  "), and is a missing customer.
    ("next", True, "customer_id", "", "missing customer"),
    ("segments", True, "customer_id", "  ", "missing customer_id"),
    ("segments", False, "customer_id", "", "without a customer_id"),
    ("regulars", True, "customer_id", "", "without a customer_id"),
]


@pytest.mark.parametrize(("command", "amounts", "column", "value", "words"), CASES)
def test_commands_name_the_line_of_a_bad_row(runner, tmp_path, command, amounts, column, value,
                                             words):  # fmt: skip
    path = _write(_visits(amounts), tmp_path / "visits.csv", column, value)
    error = _error(runner.invoke(kori, ["customers", command, path, "--as-of", AS_OF]))
    assert words in error, error
    assert (f"line {LINE}:" in error or f", line {LINE})" in error) and "row " not in error, error
    assert error.startswith(f"Error: {path}:"), error


@pytest.mark.parametrize("command", ["next", "segments", "regulars"])
def test_date_format_misses_name_the_line(runner, tmp_path, command):
    frame = _visits()
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).dt.strftime("%d-%m-%Y %H:%M")
    path = _write(frame, tmp_path / "visits.csv", "timestamp", "2025-06-25 08:00")
    error = _error(runner.invoke(kori, ["customers", command, path, "--as-of", AS_OF,
                                        "--date-format", "%d-%m-%Y %H:%M"]))  # fmt: skip
    assert f"line {LINE}: '2025-06-25 08:00'" in error, error


def test_the_first_bad_lines_in_file_order(runner, tmp_path):
    frame = _visits()
    frame.loc[[5, 30], "amount_eur"] = "-1"
    frame.to_csv(tmp_path / "visits.csv", index=False)
    error = _error(runner.invoke(kori, ["customers", "segments", str(tmp_path / "visits.csv"),
                                        "--as-of", AS_OF]))  # fmt: skip
    assert "2 rows with a negative amount_eur" in error
    assert error.index("line 7:") < error.index("line 32:"), error


def test_semicolon_file_through_stdin_counts_the_header(runner):
    frame = _visits()
    frame.loc[BAD, "timestamp"] = "soon"
    text = frame.to_csv(index=False, sep=";")
    error = _error(runner.invoke(kori, ["customers", "regulars", "-", "--as-of", AS_OF],
                                 input=text))  # fmt: skip
    assert error.startswith("Error: <stdin>:") and f"line {LINE}" in error, error


# The library: `line N` with first_line, `row <label>` (the frame's index) without it.

def _frame_with(column: str, value) -> pd.DataFrame:
    frame = _visits()
    frame["amount_eur"] = frame["amount_eur"].astype(float)
    frame[column] = frame[column].astype(object)
    frame.loc[BAD, column] = value
    return frame.set_axis(pd.RangeIndex(1000, 1000 + len(frame)))


LIBRARY = [
    (customers.next_purchases, "customer_id", None),
    (customers.next_purchases, "timestamp", "2025-07-02 09:00:00"),
    (customers.customer_segments, "customer_id", None),
    (customers.customer_segments, "amount_eur", -4.2),
    (customers.next_visits, "customer_id", np.nan),
    (customers.next_visits, "timestamp", "2025-07-02 09:00:00"),
]


@pytest.mark.parametrize(("call", "column", "value"), LIBRARY)
def test_library_names_lines_with_first_line_and_rows_without(call, column, value):
    frame = _frame_with(column, value)
    with pytest.raises(customers.SchemaError) as lines:
        call(frame, as_of=AS_OF, first_line=5)
    assert f"line {BAD + 5}" in str(lines.value) and "row " not in str(lines.value)
    with pytest.raises(customers.SchemaError) as rows:
        call(frame, as_of=AS_OF)
    message = str(rows.value)
    if "purchases after" in message:  # summarise names the customer and the day, not a row
        assert "customer C17 on 2025-07-02" in message and "line " not in message
    else:
        assert f"row {1000 + BAD}" in message and "line " not in message, message


def test_summarise_and_profiles_take_first_line():
    frame = _frame_with("timestamp", "soon")
    with pytest.raises(customers.SchemaError, match=f"line {BAD + 2}: "):
        customers.summarise(frame, as_of=AS_OF, first_line=2)
    with pytest.raises(customers.SchemaError, match=f"row {1000 + BAD}: "):
        customers.profiles(frame, as_of=AS_OF)
    with pytest.raises(customers.SchemaError, match=f"line {BAD + 2}: "):
        customers.profiles(frame, as_of=AS_OF, first_line=2)


def test_blank_customer_ids_in_the_register_and_the_survey(runner, tmp_path):
    register = pd.DataFrame({"customer_id": [f"C{i}" for i in range(30)], "store": "A"})
    register.loc[4, "customer_id"] = " "
    register.to_csv(tmp_path / "customers.csv", index=False)
    error = _error(runner.invoke(kori, ["customers", "survey-sample", str(tmp_path / "customers.csv"),
                                        "--size", "5", "--seed", "1"]))  # fmt: skip
    assert "1 missing customer ids" in error, error
    survey = pd.DataFrame({"customer_id": [f"C{i}" for i in range(30)], "score": 9,
                           "store": ["A"] * 29 + [""]})  # fmt: skip
    survey.to_csv(tmp_path / "survey.csv", index=False)
    error = _error(runner.invoke(kori, ["customers", "nps", str(tmp_path / "survey.csv"),
                                        "--group", "store"]))  # fmt: skip
    assert "1 answers without a group" in error and "line 31" in error, error
