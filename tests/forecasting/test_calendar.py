import datetime as dt

import pytest

from forecasting.calendar import holiday_names, holiday_table
from forecasting.errors import ParameterError


def test_finnish_holidays_2025_in_english():
    table = holiday_table(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    by_name = dict(zip(table["holiday"], table["date"].dt.date))
    assert by_name["Midsummer Eve"] == dt.date(2025, 6, 20)
    assert by_name["Easter Sunday"] == dt.date(2025, 4, 20)
    assert by_name["Christmas Day"] == dt.date(2025, 12, 25)
    assert table["date"].is_monotonic_increasing
    assert len(table) == 15


def test_period_bounds_are_inclusive():
    table = holiday_table(dt.date(2025, 12, 24), dt.date(2025, 12, 25))
    assert table["holiday"].tolist() == ["Christmas Eve", "Christmas Day"]


def test_other_country_and_subdivision():
    table = holiday_table(dt.date(2025, 7, 1), dt.date(2025, 7, 31), country="US", subdiv="CA")
    assert "Independence Day" in set(table["holiday"])


def test_holiday_names_lookup():
    table = holiday_table(dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    import pandas as pd

    days = pd.date_range("2025-12-23", "2025-12-26")
    names = holiday_names(days, table)
    assert names.tolist() == ["", "Christmas Eve", "Christmas Day", "Second Day of Christmas"]


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"country": "XX"}, "unknown country code 'XX'"),
        ({"country": "FI", "subdiv": "99"}, "unknown subdivision '99' of FI"),
    ],
)
def test_unknown_calendar(kwargs, fragment):
    with pytest.raises(ParameterError, match=fragment):
        holiday_table(dt.date(2025, 1, 1), dt.date(2025, 12, 31), **kwargs)


def test_period_backwards():
    with pytest.raises(ParameterError, match="ends"):
        holiday_table(dt.date(2025, 2, 1), dt.date(2025, 1, 1))
