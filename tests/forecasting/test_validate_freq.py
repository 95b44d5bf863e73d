"""Validation knows the data: weekly data has missing weeks, not missing days, and the holidays
that excuse a missing day are the given country's (issue 13)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from cli import kori
from forecasting import validate_table
from forecasting.errors import ParameterError
from forecasting.gaps import data_freq

DATA = Path(__file__).resolve().parents[1] / "data"
WALMART = DATA / "walmart_sales_sample.csv"
COLUMNS = {"date": "Date", "store": "Store", "sku": "Dept", "quantity": "Weekly_Sales"}
MAPPING = ["--date-col", "Date", "--store-col", "Store", "--sku-col", "Dept",
           "--quantity-col", "Weekly_Sales"]  # fmt: skip


@pytest.fixture(scope="module")
def walmart() -> pd.DataFrame:
    return pd.read_csv(WALMART, dtype=str)


def _daily(days: pd.DatetimeIndex) -> pd.DataFrame:
    return pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "store": "S1", "sku": "K1",
                         "quantity": "3"})  # fmt: skip


def gaps(report):
    return [p for p in report.problems if p.check == "gap"]


def test_weekly_walmart_sample_has_no_gaps(walmart):
    report = validate_table(walmart, "sales", source="walmart", columns=COLUMNS)
    assert report.ok and report.problems == ()


def test_a_missing_week_is_one_week_per_store(walmart):
    holed = walmart[walmart["Date"] != "2011-03-04"]
    report = validate_table(holed, "sales", columns=COLUMNS, country="US")
    found = gaps(report)
    assert len(found) == 7 and {p.severity for p in found} == {"warning"}
    assert all(p.count == 1 and "1 week without any row" in p.message
               and "(week ending 2011-03-04)" in p.message for p in found)  # fmt: skip
    assert not any("day" in p.message for p in found)
    # Given as "W", the same weeks (on the data's own weekday, Friday).
    assert validate_table(holed, "sales", columns=COLUMNS, freq="W").problems == report.problems


def test_daily_data_checked_by_week():
    days = pd.date_range("2025-01-06", "2025-02-02")  # Monday to Sunday: four whole weeks
    week_two = (days >= "2025-01-13") & (days <= "2025-01-19")
    frame = _daily(days[~week_two | (days == "2025-01-15")])  # one day left of week two
    assert [p.check for p in validate_table(frame, "sales", freq="W").problems] == []
    assert gaps(validate_table(frame, "sales", country=None))[0].count == 6  # days, inferred
    frame = _daily(days[~week_two])
    (gap,) = gaps(validate_table(frame, "sales", freq="W"))
    assert gap.count == 1 and "(week ending 2025-01-19)" in gap.message


def test_daily_freq_for_weekly_data_is_an_error(walmart):
    report = validate_table(walmart, "sales", columns=COLUMNS, freq="D")
    (error,) = report.errors
    assert error.check == "frequency" and "cannot be made daily" in error.message
    assert "Leave out `freq`, or give `freq='W'`" in error.message


def test_frequency_is_inferred_as_forecasting_infers_it():
    fridays = pd.Series(pd.to_datetime(["2010-02-05", "2010-02-12", "2010-02-26"]))
    assert data_freq(fridays) == "W-FRI"
    assert data_freq(pd.Series(pd.to_datetime(["2025-01-01", "2025-01-02"]))) == "D"
    assert data_freq(pd.Series(pd.to_datetime(["2025-01-01", "2025-01-02"])), "W") == "W-SUN"
    # Too few dates, or neither daily nor weekly: checked day by day, as before.
    assert data_freq(pd.Series(pd.to_datetime(["2025-01-01"]))) == "D"
    assert data_freq(pd.Series(pd.to_datetime(["2025-01-01", "2025-01-04", "2025-01-07"]))) == "D"


def test_the_holidays_are_the_given_countrys():
    days = pd.date_range("2024-11-20", "2024-12-31")
    missing = pd.to_datetime(["2024-11-28", "2024-12-25", "2024-12-06"])  # Thanksgiving, ...
    frame = _daily(days.difference(missing))
    us = validate_table(frame, "sales", country="US")
    (note,) = us.notes
    assert note.count == 2 and "(2024-11-28, 2024-12-25): Thanksgiving" in note.message
    assert "Christmas Day" in note.message and "`country='US'`" in note.message
    (warning,) = us.warnings
    assert warning.count == 1 and "(2024-12-06)" in warning.message  # Finland's, not the US's
    fi = validate_table(frame, "sales")
    (note,) = fi.notes
    assert "(2024-12-06, 2024-12-25): Independence Day, Christmas Day" in note.message
    assert "2024-11-28" in fi.warnings[0].message


@pytest.mark.parametrize("options, fragment", [
    ({"country": "XX"}, "unknown country code 'XX'"),
    ({"country": "US", "subdiv": "ZZ"}, "unknown subdivision 'ZZ' of US"),
    ({"freq": "M"}, "unknown frequency 'M'"),
])  # fmt: skip
def test_unknown_calendar_or_frequency_is_refused(walmart, options, fragment):
    with pytest.raises(ParameterError, match=fragment):
        validate_table(walmart, "sales", columns=COLUMNS, **options)


def test_cli_weekly_file_and_a_missing_week(runner, walmart, tmp_path):
    result = runner.invoke(kori, ["data", "validate", "sales", str(WALMART), *MAPPING])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "valid sales file, 1,144 rows, 0 warnings, 0 notes" in result.stderr
    path = tmp_path / "holed.csv"
    walmart[walmart["Date"] != "2011-03-04"].to_csv(path, index=False)
    result = runner.invoke(kori, ["data", "validate", "sales", str(path), *MAPPING,
                                  "--freq", "w", "--country", "US", "-f", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table["count"]) == [1] * 7 and set(table["check"]) == {"gap"}
    assert "7 warnings, 0 notes" in result.stderr


def test_cli_names_the_countrys_holidays(runner, tmp_path):
    days = pd.date_range("2024-11-20", "2024-12-31")
    path = tmp_path / "daily.csv"
    _daily(days.difference(pd.to_datetime(["2024-11-28"]))).to_csv(path, index=False)
    result = runner.invoke(kori, ["data", "validate", "sales", str(path), "--country", "US",
                                  "-f", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    (message,) = pd.read_csv(io.StringIO(result.stdout))["message"]
    assert "Thanksgiving" in message and "(holidays of --country US)" in message


@pytest.mark.parametrize("args, fragment", [
    (["--country", "XX"], "Error: unknown country code 'XX'"),
    (["--country", "US", "--subdiv", "ZZ"], "Error: unknown subdivision 'ZZ' of US"),
    (["--freq", "D"], "Leave out --freq, or give --freq W"),
])  # fmt: skip
def test_cli_refuses_an_unknown_calendar_and_a_daily_freq_for_weekly_data(runner, args,
                                                                           fragment):
    result = runner.invoke(kori, ["data", "validate", "sales", str(WALMART), *MAPPING, *args])
    assert result.exit_code == (1 if args[0] == "--freq" else 2), result.output
    assert fragment in result.stderr and "Traceback" not in result.output
