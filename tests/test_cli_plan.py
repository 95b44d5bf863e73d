"""``kori plan orders|staffing|freezer`` as users run them, on the sample store."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from cli import kori
from forecasting.planning.orders import LINE_COLUMNS
from forecasting.planning.staffing import DAILY_COLUMNS, PLAN_COLUMNS

SKUS = ["K1001", "K1029", "K1040", "K1071", "K1091", "K1101"]
FROZEN = ["K1091", "K1092", "K1093", "K1101", "K1096", "K1098"]


def _run(runner, *args):
    return runner.invoke(kori, [str(a) for a in args])


def _error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr
    assert "Traceback" not in result.output
    return errors[0]


@pytest.fixture(scope="module")
def plans(sample_dir, tmp_path_factory):
    """The sample's files, a 28-day forecast of six products and a year of frozen ones."""
    folder = tmp_path_factory.mktemp("plans")
    for name in ("catalog.csv", "stock.csv", "store.toml", "traffic.csv", "weather.csv"):
        (folder / name).write_bytes((sample_dir / name).read_bytes())
    sales = pd.read_csv(sample_dir / "sales.csv", dtype=str)
    sales[sales["sku"].isin(SKUS)].to_csv(folder / "sales.csv", index=False)
    sales[sales["sku"].isin(FROZEN)].to_csv(folder / "frozen.csv", index=False)
    stock = pd.read_csv(sample_dir / "stock.csv", dtype=str)
    stock[stock["sku"].isin(SKUS)].to_csv(folder / "stock.csv", index=False)
    runner = CliRunner()
    for sales_file, horizon, out in (("sales.csv", 28, "forecast.csv"),
                                     ("frozen.csv", 365, "year.csv")):  # fmt: skip
        result = _run(runner, "-q", "forecast", "run", folder / sales_file, "--weather",
                      folder / "weather.csv", "--stores", folder / "store.toml", "--horizon",
                      horizon, "-o", folder / out)  # fmt: skip
        assert result.exit_code == 0, result.stderr
    return folder


def _orders(runner, plans, *extra):
    return _run(runner, "plan", "orders", plans / "forecast.csv", "--stock", plans / "stock.csv",
                "--catalog", plans / "catalog.csv", "--stores", plans / "store.toml", *extra)


def test_orders_table_on_stdout_with_a_summary_on_stderr(runner, plans):
    result = _orders(runner, plans)
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns) == LINE_COLUMNS
    assert set(pd.to_datetime(table["order_date"]).dt.day_name()) <= {"Monday", "Wednesday",
                                                                     "Friday"}  # fmt: skip
    assert (table["quantity"] % table["pack_size"] == 0).all() and (table["quantity"] >= 0).all()
    levels = table.groupby("category")["service_level"].first()
    assert levels["christmas ham"] == 0.98 and levels["bread"] == 0.9 and levels["fruit"] == 0.95
    assert "order lines for 12 products" in result.stderr
    assert "mean stock-out risk" in result.stderr


def test_orders_service_level_option_wins_and_parquet_output(runner, plans, tmp_path):
    result = _orders(runner, plans, "--service-level", "0.8", "-o", tmp_path / "o.parquet")
    assert result.exit_code == 0, result.stderr
    table = pd.read_parquet(tmp_path / "o.parquet")
    assert (table["service_level"] == 0.8).all()


def test_orders_bad_input_gives_one_error_line(runner, plans, tmp_path):
    stock = tmp_path / "stock.csv"
    stock.write_text("store,sku,on_hand\nHKI,K1001,3\nHKI,K9999,4\n")
    result = _run(runner, "plan", "orders", plans / "forecast.csv", "--stock", stock,
                  "--catalog", plans / "catalog.csv")  # fmt: skip
    assert result.exit_code == 1
    assert "1 stock row is for products the forecast does not cover (HKI K9999)" in _error_line(
        result)  # fmt: skip
    catalog = pd.read_csv(plans / "catalog.csv", dtype=str)
    catalog.loc[catalog["sku"] == "K1001", "pack_size"] = "0"
    catalog.to_csv(tmp_path / "catalog.csv", index=False)
    result = _run(runner, "plan", "orders", plans / "forecast.csv", "--stock",
                  plans / "stock.csv", "--catalog", tmp_path / "catalog.csv")  # fmt: skip
    assert result.exit_code == 1 and "pack_size" in _error_line(result)
    result = _orders(runner, plans, "--service-level", "1.2")
    assert result.exit_code == 2 and "--service-level 1.2 is not above 0" in result.stderr
    negative = tmp_path / "neg.csv"
    negative.write_text("store,sku,on_hand\nHKI,K1001,-3\n")
    result = _run(runner, "plan", "orders", plans / "forecast.csv", "--stock", negative,
                  "--catalog", plans / "catalog.csv")  # fmt: skip
    assert result.exit_code == 1 and "on_hand" in _error_line(result)


def test_staffing_explains_each_hour_and_sums_the_days(runner, plans, tmp_path):
    result = _run(runner, "plan", "staffing", plans / "traffic.csv", "--stores",
                  plans / "store.toml", "--weather", plans / "weather.csv", "--horizon", "14",
                  "--daily", tmp_path / "days.csv")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    hours = pd.read_csv(io.StringIO(result.stdout))
    assert list(hours.columns) == list(PLAN_COLUMNS)
    assert hours["target_met"].all() and (hours["cashiers"] >= 1).all()
    assert (hours["service_level"] >= 0.8).all()
    days = pd.read_csv(tmp_path / "days.csv")
    assert list(days.columns) == list(DAILY_COLUMNS)
    first = hours[(hours["store"] == "HKI") & (hours["date"] == days["date"].iloc[0])]
    assert days["staff_hours"].iloc[0] == pytest.approx(first["staff_hours"].sum())
    assert "HKI:" in result.stderr and "Erlangs" in result.stderr


def test_staffing_options_win_over_store_toml(runner, plans):
    def total(*extra):
        result = _run(runner, "-q", "plan", "staffing", plans / "traffic.csv", "--stores",
                      plans / "store.toml", "--horizon", "7", *extra)  # fmt: skip
        assert result.exit_code == 0, result.stderr
        return pd.read_csv(io.StringIO(result.stdout))

    base = total()
    slower = total("--service-time", "300")
    assert (slower["service_time_s"] == 300).all()
    assert slower["staff_hours"].sum() > base["staff_hours"].sum()
    assert (total("--min-staff", "3")["cashiers"] >= 3).all()


def test_staffing_store_without_opening_hours_is_an_error(runner, plans, tmp_path):
    config = tmp_path / "store.toml"
    config.write_text('[stores.HKI]\nname = "Kallio"\n')
    result = _run(runner, "plan", "staffing", plans / "traffic.csv", "--stores", config)
    assert result.exit_code == 1 and "the store has no opening hours" in _error_line(result)


def test_freezer_shifts_from_ice_cream_in_summer_to_ham_before_christmas(runner, plans):
    result = _run(runner, "plan", "freezer", plans / "year.csv", "--catalog",
                  plans / "catalog.csv", "--stores", plans / "store.toml")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), parse_dates=["week"])
    for store in ("HKI", "TRE"):
        space = table[table["store"] == store].pivot(index="week", columns="category",
                                                     values="allocated_l")  # fmt: skip
        assert space["ice cream"].idxmax().month in (6, 7, 8)
        ham_peak = space["christmas ham"].idxmax()
        assert ham_peak.month == 12 and ham_peak.day <= 24
        capacity = 1800 if store == "HKI" else 1300
        assert space.sum(axis=1).max() <= capacity + 0.01  # rounded to 3 decimals
    assert "ice cream grows from week 2026-0" in result.stderr
    assert "christmas ham grows from week 2025-12" in result.stderr


def test_freezer_capacity_option_binds(runner, plans):
    result = _run(runner, "plan", "freezer", plans / "year.csv", "--catalog",
                  plans / "catalog.csv", "--capacity", "200")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table.groupby(["store", "week"])["allocated_l"].sum().max() <= 200 + 0.01  # rounded to 3 decimals
    assert "short of capacity" in result.stderr and "do not fit" in result.stderr
    result = _run(runner, "plan", "freezer", plans / "year.csv", "--catalog",
                  plans / "catalog.csv")  # fmt: skip
    assert result.exit_code == 2 and "Give --capacity, or --stores with" in result.stderr


def test_weekly_gapped_inverted_or_category_forecasts_are_refused(runner, plans, tmp_path):
    forecast = pd.read_csv(plans / "forecast.csv", dtype=str)
    cases = {
        "weekly.csv": (forecast[pd.to_datetime(forecast["date"]).dt.day_of_week == 0],
                       "plans need a daily forecast, this one is weekly"),
        "gap.csv": (forecast[forecast["date"] != "2025-12-10"],
                    "this one is gapped (HKI K1001 jumps to 2025-12-11)"),
        "inverted.csv": (forecast.assign(lo80=forecast["lo80"].where(forecast.index > 0, "500")),
                         "lo80 500"),
        "by_category.csv": (forecast.rename(columns={"sku": "category"}),
                            "plans need forecasts per sku"),
        "no80.csv": (forecast.drop(columns=["lo80", "hi80"]), "has no 80% interval"),
    }  # fmt: skip
    for name, (frame, fragment) in cases.items():
        frame.to_csv(tmp_path / name, index=False)
        for command in (["orders", "--stock", plans / "stock.csv"], ["freezer", "--capacity", "9"]):
            result = _run(runner, "plan", command[0], tmp_path / name, *command[1:],
                          "--catalog", plans / "catalog.csv")  # fmt: skip
            assert result.exit_code == 1, (name, result.output)
            assert fragment in _error_line(result), name


def test_freezer_leaves_out_partial_weeks_and_unknown_capacity_stores(runner, plans):
    result = _run(runner, "plan", "freezer", plans / "year.csv", "--catalog",
                  plans / "catalog.csv", "--stores", plans / "store.toml")  # fmt: skip
    table = pd.read_csv(io.StringIO(result.stdout), parse_dates=["week"])
    # The year runs Mon 2025-12-01 to Mon 2026-11-30: that last Monday is left out.
    assert table["week"].max() == pd.Timestamp("2026-11-23")
    assert "Left out 1 days" in result.stderr
    result = _run(runner, "plan", "freezer", plans / "year.csv", "--catalog",
                  plans / "catalog.csv", "--capacity", "XYZ=100")  # fmt: skip
    assert result.exit_code == 2 and "--capacity names 'XYZ', which is not a store of the forecast" in result.stderr


def test_staffing_bounds_are_checked_in_options_and_config(runner, plans, tmp_path):
    result = _run(runner, "plan", "staffing", plans / "traffic.csv", "--stores",
                  plans / "store.toml", "--min-staff", "5", "--max-staff", "2")  # fmt: skip
    assert result.exit_code == 2 and "--min-staff 5 is above --max-staff 2" in result.stderr
    text = (plans / "store.toml").read_text().replace("min_cashiers = 1", "min_cashiers = 9", 1)
    (tmp_path / "store.toml").write_text(text)
    result = _run(runner, "plan", "staffing", plans / "traffic.csv", "--stores",
                  tmp_path / "store.toml")  # fmt: skip
    assert result.exit_code == 1
    line = _error_line(result)
    assert "store.toml" in line and "[stores.HKI].staffing" in line and "min_cashiers 9" in line


@pytest.mark.parametrize(
    ("given", "kind"),
    [("sales.csv", "sales"), ("traffic.csv", "traffic"), ("stock.csv", "stock")],
)
def test_another_kind_of_file_as_the_forecast_is_named(runner, plans, given, kind):
    for command in (["orders", "--stock", plans / "stock.csv"], ["freezer", "--capacity", "9"]):
        result = _run(runner, "plan", command[0], plans / given, *command[1:], "--catalog",
                      plans / "catalog.csv")  # fmt: skip
        assert result.exit_code == 1, result.output
        line = _error_line(result)
        assert f"this looks like a {kind} file, not a forecast" in line
        assert "Give a forecast from `kori forecast run`" in line
        assert "80% interval" not in line


@pytest.mark.parametrize(
    ("horizon", "message"),
    [("200000", "a horizon of 200,000 days reaches more than 5 years ahead"),
     ("1827", "Forecast at most 1,826 days after"),
     ("0", "0 is not in the range x>=1")],
)  # fmt: skip
def test_staffing_horizon_is_bounded(runner, plans, horizon, message):
    result = _run(runner, "plan", "staffing", plans / "traffic.csv", "--stores",
                  plans / "store.toml", "--horizon", horizon)  # fmt: skip
    assert result.exit_code == 2
    assert message in _error_line(result)


def test_store_toml_typos_are_one_error_line_before_any_plan(runner, plans, tmp_path):
    text = (plans / "store.toml").read_text()
    text = (text.replace("[stores.HKI.ordering]", "[stores.HKI.orderin]")
            .replace('"Christmas Eve"', '"Christmas Evee"', 1)
            .replace('"Good Friday"', '"Goood Friday"', 1)
            .replace('"12-31"', '"02-30"', 1)
            .replace("freezer_capacity_litres", "freezer_capacty", 1))  # fmt: skip
    (tmp_path / "store.toml").write_text(text)
    for command in (["staffing", plans / "traffic.csv"],
                    ["orders", plans / "forecast.csv", "--stock", plans / "stock.csv",
                     "--catalog", plans / "catalog.csv"],
                    ["freezer", plans / "year.csv", "--catalog", plans / "catalog.csv"]):  # fmt: skip
        result = _run(runner, "plan", *command, "--stores", tmp_path / "store.toml")
        assert result.exit_code == 1, result.output
        line = _error_line(result)
        assert line.startswith(f"Error: {tmp_path / 'store.toml'}: 5 problems: ")
        for fragment in ("unknown key 'freezer_capacty' ([stores.HKI]). Did you mean "
                         "'freezer_capacity_litres'?",
                         "unknown table [stores.HKI.orderin] ([stores.HKI]). Did you mean "
                         "[stores.HKI.ordering]?",
                         "'Christmas Evee' is not a holiday of FI ([stores.HKI].special_hours). "
                         "Did you mean 'Christmas Eve'?",
                         "'02-30' is not a day of the year",
                         "'Goood Friday' is not a holiday of FI ([stores.HKI].closed_on)"):  # fmt: skip
            assert fragment in line


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [("service_time_s = 95.0", "service_time_s = 1e308",
      "service_time_s = 1e+308 is not between 1 and 3,600"),
     ("wait_target_s = 120.0", "wait_target_s = 1e9", "wait_target_s = 1e+09 is not between"),
     ("max_cashiers = 6", "max_cashiers = 100000", "max_cashiers = 100000 is not between 1"),
     ("service_level = 0.95", "service_level = 0.9999999", "service_level = 1 is not above 0"),
     ("freezer_capacity_litres = 1800.0", "freezer_capacity_litres = 1e308",
      "freezer_capacity_litres = 1e+308 is not above 0 and at most 1,000,000")],
)  # fmt: skip
def test_absurd_standards_in_store_toml_are_refused_with_the_reason(runner, plans, tmp_path, old,
                                                                    new, fragment):  # fmt: skip
    (tmp_path / "store.toml").write_text((plans / "store.toml").read_text().replace(old, new, 1))
    result = _run(runner, "plan", "staffing", plans / "traffic.csv", "--stores",
                  tmp_path / "store.toml")  # fmt: skip
    assert result.exit_code == 1
    line = _error_line(result)
    assert str(tmp_path / "store.toml") in line and fragment in line and ": " in line
    assert "RuntimeWarning" not in result.stderr


@pytest.mark.parametrize(
    ("command", "args", "fragment"),
    [("staffing", ["--service-time", "1e308"], "--service-time 1e+308 is not between 1 and 3,600"),
     ("staffing", ["--wait-target", "-1"], "--wait-target -1 is not between 0 and 3,600"),
     ("staffing", ["--service-target", "0.9999"], "--service-target 0.9999 is not above 0"),
     ("staffing", ["--max-staff", "100000"], "--max-staff 100000 is not between 1 and 200"),
     ("orders", ["--service-level", "95"], "--service-level 95 is not above 0 and at most 0.999"),
     ("freezer", ["--capacity", "1e308"], "'1e308': capacity 1e+308 is not above 0"),
     ("freezer", ["--capacity", "HKI=0"], "'HKI=0': capacity 0 is not above 0"),
     ("freezer", ["--capacity", "HKI=10", "--capacity", "HKI=20"],
      "store 'HKI' is given twice (10 and 20); give each store once"),
     ("freezer", ["--capacity", "10", "--capacity", "20"], "LITRES without a store is given twice")],
)  # fmt: skip
def test_absurd_or_repeated_options_are_refused_before_any_file_is_read(runner, tmp_path, command,
                                                                        args, fragment):  # fmt: skip
    junk = tmp_path / "junk.csv"
    junk.write_text("not,a,plan input\n")  # never read: the option is refused first
    files = {"staffing": [junk, "--stores", junk],
             "orders": [junk, "--stock", junk, "--catalog", junk],
             "freezer": [junk, "--catalog", junk]}[command]  # fmt: skip
    result = _run(runner, "plan", command, *files, *args)
    assert result.exit_code == 2, result.output
    line = _error_line(result)
    assert fragment in line and "junk.csv" not in line


def test_a_store_capacity_wins_over_the_one_for_every_store_in_any_order(runner, plans):
    for args in (["HKI=150", "--capacity", "90"], ["90", "--capacity", "HKI=150"]):
        result = _run(runner, "-q", "plan", "freezer", plans / "year.csv", "--catalog",
                      plans / "catalog.csv", "--capacity", *args)  # fmt: skip
        assert result.exit_code == 0, result.stderr
        used = pd.read_csv(io.StringIO(result.stdout)).groupby("store")["allocated_l"].max()
        assert 90 < used["HKI"] <= 150 + 0.01 and used["TRE"] <= 90 + 0.01


def test_catalog_faults_name_the_catalog_its_lines_and_skus(runner, plans, tmp_path):
    catalog = pd.read_csv(plans / "catalog.csv", dtype=str)
    days = catalog.assign(order_days="")
    days.loc[days["sku"] == "K1040", "order_days"] = "mon funday"
    days.to_csv(tmp_path / "days.csv", index=False)
    line_of = 2 + int(days.index[days["sku"] == "K1040"][0])
    result = _run(runner, "plan", "orders", plans / "forecast.csv", "--stock", plans / "stock.csv",
                  "--catalog", tmp_path / "days.csv")  # fmt: skip
    assert result.exit_code == 1
    assert _error_line(result) == (
        f"Error: {tmp_path / 'days.csv'}: order_days are not weekdays in 1 row (line {line_of} "
        "sku K1040: 'mon funday'). Write order days as weekdays, e.g. \"mon thu\", or leave them "
        "blank for the store's order days")  # fmt: skip
    volume = catalog.copy()
    volume.loc[volume["sku"] == "K1091", "unit_volume_l"] = "0"
    volume.to_csv(tmp_path / "volume.csv", index=False)
    result = _run(runner, "plan", "freezer", plans / "year.csv", "--catalog",
                  tmp_path / "volume.csv", "--capacity", "500")  # fmt: skip
    assert result.exit_code == 1
    line = _error_line(result)
    assert line.startswith(f"Error: {tmp_path / 'volume.csv'}: ") and "unit_volume_l" in line
    assert f"line {2 + int(volume.index[volume['sku'] == 'K1091'][0])}" in line
    assert "in the forecast" not in line and "1.4223999" not in line


def test_a_missing_freezer_capacity_names_store_toml_and_the_store(runner, plans, tmp_path):
    text = (plans / "store.toml").read_text().replace("freezer_capacity_litres = 1300.0\n", "")
    (tmp_path / "store.toml").write_text(text)
    result = _run(runner, "plan", "freezer", plans / "year.csv", "--catalog",
                  plans / "catalog.csv", "--stores", tmp_path / "store.toml")  # fmt: skip
    assert result.exit_code == 1
    assert _error_line(result) == (
        f"Error: {tmp_path / 'store.toml'}: no freezer capacity for store TRE ([stores.TRE] has "
        "no freezer_capacity_litres). Set freezer_capacity_litres in [stores.TRE], or give "
        "--capacity TRE=LITRES")  # fmt: skip
    result = _run(runner, "-q", "plan", "freezer", plans / "year.csv", "--catalog",
                  plans / "catalog.csv", "--stores", tmp_path / "store.toml", "--capacity",
                  "TRE=700")  # fmt: skip
    assert result.exit_code == 0, result.stderr
