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
         "service_target = 1.2 is not above 0 and at most 0.999"),
        ("[stores.X.hours]\nmon = '08:00-20:00'\n[stores.X.staffing]\nwaiting = 3\n",
         "unknown key 'waiting'"),
        ("[stores.X]\nfreezer_capacity_litres = -5\n[stores.X.hours]\nmon = '08:00-20:00'\n",
         "freezer_capacity_litres = -5 is not above 0"),
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
    [('service_level = 1.2', "service_level = 1.2 is not above 0"),
     ('order_days = ["someday"]', "are not weekdays"),
     ('service_levels = {"x" = 0}', "service_levels.x = 0 is not above 0"),
     ('lead = 3', "unknown key 'lead'")],
)  # fmt: skip
def test_bad_ordering_values_are_config_errors(table, fragment):
    with pytest.raises(ConfigError, match=fragment) as info:
        parse_store_configs(MINIMAL + "[stores.X.ordering]\n" + table + "\n", source="s.toml")
    assert "[stores.X].ordering" in str(info.value)


@pytest.mark.parametrize(
    "extra, fragments",
    [
        ("[stores.X.orderin]\norder_days = ['mon']\n",
         ["unknown table [stores.X.orderin]", "Did you mean [stores.X.ordering]?"]),
        ("[stores.X.staffing]\nservice_time = 90\n",
         ["unknown key 'service_time'", "[stores.X].staffing", "Did you mean 'service_time_s'?"]),
        ("[stores.X.special_hours]\n'Christmas Evee' = '07:00-13:00'\n",
         ["'Christmas Evee' is not a holiday of FI", "[stores.X].special_hours",
          "Did you mean 'Christmas Eve'?"]),
        ("[stores.X.special_hours]\n'02-30' = '07:00-13:00'\n", ["'02-30' is not a day of the year"]),
        ("[stores.X.special_hours]\n'13-01' = '07:00-13:00'\n", ["'13-01' is not a day of the year"]),
        ("[stores.X.special_hours]\n'2025-12-31' = '07:00-13:00'\n",
         ["'2025-12-31' is not a holiday of FI", "or give a date as MM-DD"]),
        ("[stores.X.staffing]\nservice_time_s = 1e308\n",
         ["service_time_s = 1e+308 is not between 1 and 3,600", "not hours"]),
        ("[stores.X.staffing]\nwait_target_s = 86400\n", ["wait_target_s = 86400 is not between"]),
        ("[stores.X.staffing]\nmax_cashiers = 1000000\n", ["max_cashiers = 1e+06 is not between"]),
        ("[stores.X.staffing]\nmin_cashiers = 1.5\n", ["min_cashiers = 1.5 is not a whole number"]),
        ("[stores.X.staffing]\nservice_target = 'high'\n", ["service_target = 'high' is not a number"]),
        ("[stores.X.ordering]\nservice_level = 0.99999999\n", ["service_level = 1 is not above 0"]),
        ("[stores.X.ordering]\nservice_level = 95\n", ["as a fraction"]),
        ("[store.Y]\nname = 'y'\n", ["unknown table [store]", "top of the file"]),
    ],
)  # fmt: skip
def test_every_table_key_holiday_and_date_of_the_file_is_checked(extra, fragments):
    special = "[stores.X.special_hours]\n"
    text = MINIMAL.replace(special, extra) if extra.startswith(special) else MINIMAL + extra
    with pytest.raises(ConfigError) as info:
        parse_store_configs(text, source="store.toml")
    message = str(info.value)
    assert message.startswith("store.toml: ")
    for fragment in fragments:
        assert fragment in message


def test_store_level_typos_name_the_store_key_and_closest_name_all_at_once():
    text = MINIMAL.replace('name = "Test"', 'name = "Test"\nfreezer_capacty = 900.0').replace(
        'closed_on = ["Christmas Day"]', 'closed_on = ["Christmas Day", "Goood Friday"]')
    with pytest.raises(ConfigError) as info:
        parse_store_configs(text, source="store.toml")
    message = str(info.value)
    assert message.startswith("store.toml: 2 problems: (1) unknown key 'freezer_capacty' "
                              "([stores.X]). Did you mean 'freezer_capacity_litres'?")  # fmt: skip
    assert "(2) 'Goood Friday' is not a holiday of FI ([stores.X].closed_on). Did you mean " \
           "'Good Friday'?" in message  # fmt: skip
    assert "\n" not in message


def test_holiday_names_are_those_of_the_stores_country():
    text = MINIMAL.replace('name = "Test"', 'name = "Test"\ncountry = "SE"').replace(
        '"Christmas Day"', '"Juldagen"')
    with pytest.raises(ConfigError, match="'Christmas Eve' is not a holiday of SE"):
        parse_store_configs(text)
    text = MINIMAL.replace('name = "Test"', 'name = "Test"\ncountry = "XX"')
    with pytest.raises(ConfigError, match="unknown country code 'XX'.*\\[stores.X\\]"):
        parse_store_configs(text)
    special = "[stores.X.special_hours]\n'Independence Day' = '10:00-16:00'\n'02-29' = 'closed'\n"
    config = parse_store_configs(MINIMAL.replace("[stores.X.special_hours]\n", special))["X"]
    assert config.special_hours["Independence Day"] == (600, 960) and "02-29" in config.closed_on


def test_a_config_without_freezer_capacity_renders_and_reads_back():
    config = parse_store_configs(MINIMAL)["X"]
    assert config.freezer_capacity_litres == 0.0
    assert parse_store_configs(render_store_configs({"X": config}))["X"] == config
