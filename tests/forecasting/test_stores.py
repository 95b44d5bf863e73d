import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecasting.calendar import holiday_names, holiday_table
from forecasting.errors import ConfigError
from forecasting.sample import SAMPLE_STORES
from forecasting.stores import (
    format_hours,
    parse_hours,
    parse_store_configs,
    render_store_configs,
)

MINIMAL = """
[stores.X]
name = "Test"
closed_on = ["Christmas Day"]
[stores.X.hours]
mon = "08:00-20:00"
sat = "09:00-18:00"
sun = "closed"
[stores.X.special_hours]
"Christmas Eve" = "08:00-12:00"
"12-31" = "08:00-16:00"
"""


def test_render_then_parse_gives_the_same_configs():
    text = render_store_configs(SAMPLE_STORES, comment="a comment\nover two lines")
    assert text.startswith("# a comment\n# over two lines\n")
    assert parse_store_configs(text) == SAMPLE_STORES


def test_opening_hours_follow_holidays_fixed_dates_and_weekdays():
    config = parse_store_configs(MINIMAL)["X"]
    days = pd.date_range("2025-12-21", "2025-12-31")
    hours = config.opening_hours(days, holiday_names(days, holiday_table(days[0], days[-1])))
    row = hours.loc
    assert not row["2025-12-21", "is_open"]  # a Sunday, closed every week
    assert (row["2025-12-22", "open_min"], row["2025-12-22", "close_min"]) == (480, 1200)
    assert (row["2025-12-24", "close_min"], row["2025-12-24", "reason"]) == (720, "Christmas Eve")
    assert not row["2025-12-25", "is_open"] and row["2025-12-25", "reason"] == "Christmas Day"
    assert not row["2025-12-23", "is_open"]  # Tuesday: no hours given
    assert (row["2025-12-31", "close_min"], row["2025-12-31", "reason"]) == (960, "12-31")


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "no [stores.<code>] tables"),
        ("[stores.X]\nname = 'x'\n", "no opening hours"),
        ("[stores.X.hours]\nmon = '8-20'\n", "not of the form HH:MM-HH:MM"),
        ("[stores.X.hours]\nmon = '20:00-08:00'\n", "close before they open"),
        ("[stores.X.hours]\nmonday = '08:00-20:00'\n", "unknown weekday 'monday'"),
        ("[stores.X.hours]\nmon = 'closed'\n", "closed on every weekday"),
        ("[stores.X.hours]\nmon = '08:00-20:00'\n[stores.X.staffing]\nservice_target = 1.2\n",
         "service_target must be in"),
        ("[stores.X.hours]\nmon = '08:00-20:00'\n[stores.X.staffing]\nwaiting = 3\n",
         "wrong name or type"),
        ("[stores.X]\nfreezer_capacity_litres = -5\n[stores.X.hours]\nmon = '08:00-20:00'\n",
         "negative"),
        ("[stores.X\n", "not valid TOML"),
    ],
)
def test_bad_configs_say_what_and_where(text, fragment):
    with pytest.raises(ConfigError, match=fragment.replace("[", r"\[").replace(".", r"\.")):
        parse_store_configs(text, source="store.toml")


@given(st.integers(0, 24 * 60 - 1), st.integers(1, 24 * 60))
def test_hours_round_trip(start, length):
    end = min(start + length, 24 * 60)
    hours = (start, end)
    assert parse_hours(format_hours(hours), source="s", where="w") == hours


def test_ordering_standard_defaults_and_per_category_levels():
    default = parse_store_configs(MINIMAL)["X"].ordering
    assert default.service_level == 0.95 and len(default.order_days) == 7
    text = MINIMAL + """
[stores.X.ordering]
service_level = 0.9
order_days = ["Monday", "thu"]
[stores.X.ordering.service_levels]
"ice cream" = 0.8
"""
    ordering = parse_store_configs(text)["X"].ordering
    assert ordering.order_days == ("mon", "thu")
    assert ordering.level_for("ice cream") == 0.8 and ordering.level_for("bread") == 0.9


@pytest.mark.parametrize(
    "table, fragment",
    [('service_level = 1.2', "service_level = 1.2 is not a probability"),
     ('order_days = ["someday"]', "are not weekdays"),
     ('service_levels = {"x" = 0}', "service_levels.x = 0 is not a probability"),
     ('lead = 3', "unknown key 'lead'")],
)  # fmt: skip
def test_bad_ordering_values_are_config_errors(table, fragment):
    with pytest.raises(ConfigError, match=fragment) as info:
        parse_store_configs(MINIMAL + "[stores.X.ordering]\n" + table + "\n", source="s.toml")
    assert "[stores.X].ordering" in str(info.value)
