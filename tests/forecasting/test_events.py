import datetime as dt
import io

import pandas as pd
import pytest

from cli import kori
from forecasting.errors import ParameterError, SchemaError
from forecasting.events import Window, calendar_events, read_events


def test_finnish_windows():
    days = calendar_events(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    christmas = days[days["event"] == "Christmas Eve"]
    assert christmas["date"].min() == pd.Timestamp("2025-12-17")
    assert christmas["offset"].tolist() == list(range(-7, 1))
    easter = days[days["event"] == "Easter Sunday"]
    assert easter["date"].tolist() == list(pd.date_range("2025-04-16", "2025-04-21"))
    midsummer = days[days["event"] == "Midsummer Eve"]
    assert midsummer["date"].min() == pd.Timestamp("2025-06-17")
    epiphany = days[days["event"] == "Epiphany"]
    assert epiphany["offset"].tolist() == [-1, 0]
    # New Year's Day 2026 reaches back into the period.
    assert pd.Timestamp("2025-12-31") in set(days.loc[days["event"] == "New Year's Day", "date"])


def test_user_events_and_other_countries():
    events = read_events(pd.DataFrame({"date": ["2025-11-28"], "name": ["Black Friday"],
                                       "lower": ["-2"], "upper": [""]}))  # fmt: skip
    days = calendar_events(dt.date(2025, 11, 1), dt.date(2025, 11, 30), events=events,
                           windows={})  # fmt: skip
    black = days[days["source"] == "user"]
    assert black["date"].tolist() == list(pd.date_range("2025-11-26", "2025-11-28"))
    us = calendar_events(dt.date(2025, 7, 1), dt.date(2025, 7, 31), country="US",
                         windows={"Independence Day": Window(-3, 0)})  # fmt: skip
    assert len(us) == 4
    with pytest.raises(ParameterError, match="unknown country code"):
        calendar_events(dt.date(2025, 1, 1), dt.date(2025, 1, 2), country="XX")


@pytest.mark.parametrize(
    "frame, fragment",
    [(pd.DataFrame({"day": ["2025-01-01"]}), "missing column 'date'"),
     (pd.DataFrame({"date": ["1.1.2025"], "name": ["x"]}), "not a date"),
     (pd.DataFrame({"date": ["2025-01-01"], "name": ["x"], "lower": ["2"]}), "on or before")],
)  # fmt: skip
def test_bad_event_files(frame, fragment):
    with pytest.raises(SchemaError, match=fragment):
        read_events(frame)


def test_forecast_holidays_command(runner, tmp_path):
    events = tmp_path / "ev.csv"
    events.write_text("date,name,lower,upper\n2026-11-27,Black Friday,-1,0\n")
    result = runner.invoke(kori, ["forecast", "holidays", "--years", "2026", "--events",
                                  str(events), "-f", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert {"Christmas Eve", "Black Friday", "Midsummer Eve"} <= set(table["event"])
    bad = runner.invoke(kori, ["forecast", "holidays", "--years", "2026-2025"])
    assert bad.exit_code == 2 and "ends before it starts" in bad.stderr
    unknown = runner.invoke(kori, ["forecast", "holidays", "--years", "2026", "--country", "XX"])
    assert unknown.exit_code == 2 and "unknown country code 'XX'" in unknown.stderr


def test_event_dates_keep_the_day_as_written_whatever_the_offset():
    frame = pd.DataFrame({"date": ["2025-11-27T00:00:00+02:00", "2025-12-01T00:00:00Z"],
                          "name": ["Black Friday", "Cyber Monday"]})  # fmt: skip
    events = read_events(frame)
    assert events["date"].tolist() == [pd.Timestamp("2025-11-27"), pd.Timestamp("2025-12-01")]
