"""``kori forecast run|backtest`` and the demo's forecast step, as users run them."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from cli import kori


@pytest.fixture(scope="module")
def small(sample_dir, tmp_path_factory):
    """Eight series of the sample (four skus, two stores) with its weather and store.toml."""
    folder = tmp_path_factory.mktemp("small")
    sales = pd.read_csv(sample_dir / "sales.csv", dtype=str)
    keep = sales[sales["sku"].isin(["K1001", "K1040", "K1091", "K1049"])]
    keep.to_csv(folder / "sales.csv", index=False)
    for name in ("weather.csv", "store.toml", "catalog.csv"):
        (folder / name).write_bytes((sample_dir / name).read_bytes())
    return folder


def _run(runner, *args):
    return runner.invoke(kori, [str(a) for a in args])


def _error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr
    assert "Traceback" not in result.output
    return errors[0]


def test_run_writes_the_long_table_to_stdout(runner, small):
    result = _run(runner, "forecast", "run", small / "sales.csv", "--weather",
                  small / "weather.csv", "--stores", small / "store.toml", "--interval", "80", "90",
                  "--quantiles", "0.5,0.95")
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns) == ["date", "store", "sku", "model", "forecast", "lo80", "hi80",
                                   "lo90", "hi90", "q50", "q95", "weather", "note"]
    assert len(table) == 8 * 28
    assert (table.loc[table["date"] == "2025-12-25", "forecast"] == 0).all()
    assert "closed on 2025-12-25" in result.stderr
    assert "climatology" in result.stderr


def test_run_writes_jsonl_and_parquet_atomically(runner, small, tmp_path):
    for name in ("f.jsonl", "f.parquet"):
        result = _run(runner, "-q", "forecast", "run", small / "sales.csv", "--horizon", "7",
                      "-o", tmp_path / name)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "" and result.stderr == ""
    first = json.loads((tmp_path / "f.jsonl").read_text().splitlines()[0])
    assert first["date"].startswith("2025-12-01") and first["model"] == "regression"
    assert len(pd.read_parquet(tmp_path / "f.parquet")) == 8 * 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.jsonl", "f.parquet"]


def test_temperature_offset_lifts_ice_cream(runner, small):
    def ice_cream(*extra):
        result = _run(runner, "-q", "forecast", "run", small / "sales.csv", "--weather",
                      small / "weather.csv", *extra)
        assert result.exit_code == 0, result.stderr
        table = pd.read_csv(io.StringIO(result.stdout))
        return table.loc[table["sku"] == "K1091", "forecast"].sum()

    assert ice_cream("--temperature-offset", "3") > 1.1 * ice_cream()


def test_plots_and_components(runner, small, tmp_path):
    result = _run(runner, "forecast", "run", small / "sales.csv", "--weather",
                  small / "weather.csv", "--plots", tmp_path / "plots", "--plot-top", "2",
                  "--components", tmp_path / "parts.csv", "-o", tmp_path / "f.csv")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "plots" / "index.html").read_text().count("<img") == 2
    assert len(list((tmp_path / "plots").glob("*.png"))) == 2
    parts = pd.read_csv(tmp_path / "parts.csv")
    assert {"holidays", "weather", "weekly", "yearly"} <= set(parts.columns)


def test_category_level_weekly(runner, small):
    result = _run(runner, "-q", "forecast", "run", small / "sales.csv", "--series", "category",
                  "--catalog", small / "catalog.csv", "--freq", "W", "--horizon", "4")
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert "category" in table.columns and table["date"].nunique() == 4


@pytest.mark.slow  # end to end or exhaustive: in CI, out of the quick run
def test_backtest_reports_every_model_beside_naive(runner, small, tmp_path):
    result = _run(runner, "forecast", "backtest", small / "sales.csv", "--weather",
                  small / "weather.csv", "--models", "regression,slow", "--windows", "2",
                  "-f", "csv", "--per-series", tmp_path / "series.csv")
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table["model"]) == ["naive", "regression", "slow"]
    assert {"mae", "rmse", "wape", "mase", "bias", "coverage80", "coverage95",
            "wape_vs_naive"} <= set(table.columns)
    assert table.loc[0, "wape_vs_naive"] == 1.0
    assert len(pd.read_csv(tmp_path / "series.csv")) == 3 * 8
    assert "Origins: 2025-10-05, 2025-11-02" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--horizon", "0"], 2, "a horizon of 0 periods"),
        (["--country", "XX"], 2, "unknown country code 'XX'"),
        (["--interval", "120"], 2, "interval level 120 is not above 0 and at most 99.9"),
        (["--quantiles", "0.5,x"], 2, "not a comma-separated list"),
        (["--temperature-offset", "2"], 2, "--temperature-offset needs --weather"),
        (["--horizon", "200000"], 2, "a horizon of 200,000 days reaches more than 5 years"),
        (["--horizon", "-3"], 2, "a horizon of -3 periods"),
        (["--date-format", "%Q"], 2, "date format '%Q' is not a strftime format"),
    ],
)
def test_bad_parameters(runner, small, args, code, message):
    result = _run(runner, "forecast", "run", small / "sales.csv", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_duplicate_dates_are_one_error_line(runner, small, tmp_path):
    sales = pd.read_csv(small / "sales.csv", dtype=str)
    pd.concat([sales, sales.head(2)]).to_csv(tmp_path / "dup.csv", index=False)
    result = _run(runner, "forecast", "run", tmp_path / "dup.csv")
    assert result.exit_code == 1
    line = _error_line(result)
    assert str(tmp_path / "dup.csv") in line and "duplicate" in line


def test_weather_without_a_store_is_one_error_line(runner, small, tmp_path):
    weather = pd.read_csv(small / "weather.csv", dtype=str)
    weather[weather["store"] == "HKI"].to_csv(tmp_path / "w.csv", index=False)
    result = _run(runner, "forecast", "run", small / "sales.csv", "--weather", tmp_path / "w.csv")
    assert result.exit_code == 1
    assert "no weather rows for store 'TRE'" in _error_line(result)


def test_weather_missing_forecast_days_falls_back_to_climatology(runner, small, tmp_path):
    weather = pd.read_csv(small / "weather.csv", dtype=str)
    weather[weather["date"] <= "2025-11-30"].to_csv(tmp_path / "w.csv", index=False)
    result = _run(runner, "forecast", "run", small / "sales.csv", "--weather", tmp_path / "w.csv",
                  "--horizon", "5")
    assert result.exit_code == 0, result.stderr
    assert "weather of 5 forecast days (2025-12-01 to 2025-12-05) is climatology" in result.stderr
    assert set(pd.read_csv(io.StringIO(result.stdout))["weather"]) == {"climatology"}


def test_short_series_fall_back_and_say_so(runner, tmp_path):
    days = pd.date_range("2025-11-01", periods=10, freq="D")
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "store": "S", "sku": "A",
                  "quantity": range(10)}).to_csv(tmp_path / "short.csv", index=False)
    result = _run(runner, "forecast", "run", tmp_path / "short.csv", "--model", "ets",
                  "--horizon", "3")
    assert result.exit_code == 0, result.stderr
    assert "1 series not made by ets" in result.stderr
    assert "needs two full seasons" in result.stderr
    assert set(pd.read_csv(io.StringIO(result.stdout))["model"]) == {"naive"}


def test_too_little_history_for_the_backtest(runner, tmp_path):
    days = pd.date_range("2025-11-01", periods=30, freq="D")
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "store": "S", "sku": "A",
                  "quantity": 3}).to_csv(tmp_path / "short.csv", index=False)
    result = _run(runner, "forecast", "backtest", tmp_path / "short.csv")
    assert result.exit_code == 2
    line = _error_line(result)
    assert "leave 0 periods of history before the first origin" in line
    assert line.startswith(f"Error: {tmp_path / 'short.csv'}: ")
    assert "(the history has 30 periods)" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quantiles", "1.5"], "quantile 1.5 is not between 0.001 and 0.999"),
        (["--quantiles", "0.999999999"], "quantile 0.999999999 is not between 0.001 and 0.999"),
        (["--quantiles", "0.9,0.9"], "quantiles 0.9 and 0.9 would both be column q90"),
        (["--quantiles", "0.12345678"], "quantile 0.12345678 has more than 6 decimals"),
        (["--interval", "120"], "interval level 120 is not above 0 and at most 99.9"),
        (["--interval", "99.9999999"], "interval level 99.9999999 is not above 0 and at most 99.9"),
        (["--interval", "80", "80"], "interval levels 80 and 80 would both be column lo80"),
        (["--interval", "nan"], "interval level nan is not above 0"),
    ],
)  # fmt: skip
def test_levels_and_quantiles_are_refused_before_any_file_is_read(runner, tmp_path, args,
                                                                  message):  # fmt: skip
    sales = tmp_path / "sales.csv"
    sales.write_text("not, a sales file\n")  # never read: the option is refused first
    for command in (["run"], ["backtest"]) if args[0] == "--interval" else (["run"],):
        result = _run(runner, "forecast", *command, sales, *args)
        assert result.exit_code == 2, result.output
        line = _error_line(result)
        assert message in line and "sales.csv" not in line


def test_interval_and_quantile_columns_are_named_exactly(runner, small):
    result = _run(runner, "-q", "forecast", "run", small / "sales.csv", "--horizon", "3",
                  "--interval", "99.9", "--interval", "80", "--quantiles", "0.001,0.999,0.125")
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert [c for c in table.columns if c[:2] in ("lo", "hi") or c.startswith("q")] == [
        "lo99.9", "hi99.9", "lo80", "hi80", "q0.1", "q12.5", "q99.9"]
    assert table[["hi99.9", "q99.9"]].apply(lambda c: c.between(0, 1e9)).all().all()


def test_weekly_series_from_daily_sales_leave_out_partial_weeks(runner, small, tmp_path):
    sales = pd.read_csv(small / "sales.csv", dtype=str)
    # Wednesday 2024-12-04 to Wednesday 2025-11-26: 5 days of the first week, 3 of the last.
    sales[(sales["date"] >= "2024-12-04") & (sales["date"] <= "2025-11-26")].to_csv(
        tmp_path / "mid.csv", index=False)
    result = _run(runner, "forecast", "run", tmp_path / "mid.csv", "--freq", "W", "--horizon", "2")
    assert result.exit_code == 0, result.stderr
    assert "(weekly, 2024-12-15 to 2025-11-23)" in result.stderr
    assert "of a partial week (5 days, 2024-12-04 to 2024-12-08)" in result.stderr
    assert "of a partial week (3 days, 2025-11-24 to 2025-11-26)" in result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert sorted(table["date"].unique()) == ["2025-11-30", "2025-12-07"]


def test_fallback_notes_are_grouped_with_the_range_of_their_numbers():
    from forecasting.forecast import grouped_notes as _grouped_notes

    notes = ["intermittent (52% zero periods): slow", "intermittent (97% zero periods): slow",
             "ets: needs 14 periods, has 10"]  # fmt: skip
    assert _grouped_notes(notes) == ["2 x intermittent (52-97% zero periods): slow",
                                     "1 x ets: needs 14 periods, has 10"]  # fmt: skip


def _write(frame, path):
    frame.to_csv(path, index=False)
    return path


def _bad_sales(small, tmp_path):
    """The small sales with one kind of bad value each, and the message each must give."""
    sales = pd.read_csv(small / "sales.csv", dtype=str)
    bananas = sales.index[(sales["sku"] == "K1001") & (sales["store"] == "HKI")]
    infinite = sales.copy()
    infinite.loc[bananas[10], "quantity"] = "inf"
    huge = sales.copy()
    huge.loc[bananas[20], "quantity"] = "1e308"
    stray = pd.concat([sales, pd.DataFrame([{"date": "2026-05-30", "store": "HKI",
                                             "sku": "K1001", "quantity": "12"}])])
    return {
        "inf": (_write(infinite, tmp_path / "inf.csv"),
                f"not a finite number in 1 row (line {bananas[10] + 2}: 'inf')"),
        "outlier": (_write(huge, tmp_path / "huge.csv"),
                    f"1 value more than 10 times anything else of its series (line "
                    f"{bananas[20] + 2}: 1e+308 for store HKI, sku K1001"),
        "stray": (_write(stray, tmp_path / "stray.csv"),
                  f"1 row dated 181 days after all the others, which end on 2025-11-30 (line "
                  f"{len(sales) + 2}: '2026-05-30'"),
    }  # fmt: skip


@pytest.mark.parametrize("case", ["inf", "outlier", "stray"])
@pytest.mark.parametrize("command", [["forecast", "run"], ["forecast", "backtest"],
                                     ["data", "validate", "sales"]])  # fmt: skip
def test_implausible_sales_are_one_error_line_everywhere(runner, small, tmp_path, case, command):
    path, message = _bad_sales(small, tmp_path)[case]
    result = _run(runner, *command, path)
    assert result.exit_code == 1, result.output
    line = _error_line(result)
    assert message in line
    assert line.endswith(("correct or remove it", "Correct or remove the row",
                          "Write the real value, or remove those rows"))  # fmt: skip


def test_offsets_in_dates_keep_the_day_as_written(runner, tmp_path):
    days = pd.date_range("2025-10-01", periods=60, freq="D").strftime("%Y-%m-%d")
    offsets = ["T00:00:00+02:00", "T00:00:00Z", "T00:00:00-05:00"]
    dates = [day + offsets[i % 3] for i, day in enumerate(days)]
    frame = pd.DataFrame({"date": dates, "store": "S", "sku": "A", "quantity": "5"})
    path = _write(frame, tmp_path / "tz.csv")
    assert _run(runner, "data", "validate", "sales", path).exit_code == 0
    result = _run(runner, "-q", "forecast", "run", path, "--model", "naive", "--horizon", "3")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table["date"].tolist() == ["2025-11-30", "2025-12-01", "2025-12-02"]
    assert (table["forecast"] == 5).all()


@pytest.mark.parametrize("command", [["forecast", "backtest"], ["data", "validate", "sales"]])
def test_a_date_format_that_is_not_strftime_is_a_usage_error(runner, small, command):
    result = _run(runner, *command, small / "sales.csv", "--date-format", "%Q")
    assert result.exit_code == 2
    assert "date format '%Q' is not a strftime format" in _error_line(result)


@pytest.mark.parametrize(
    ("years", "message"),
    [("0", "the year 0 is outside the holidays package's calendar of FI (1853-2100)"),
     ("1-99999", "the years 1-99999 are outside"),
     ("2000-2099", "span 100 years. Give at most 50 years at once"),
     ("2027-2025", "ends before it starts")],
)  # fmt: skip
def test_holiday_years_are_bounded(runner, years, message):
    result = _run(runner, "forecast", "holidays", "--years", years)
    assert result.exit_code == 2
    assert message in _error_line(result)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--end", "9999-12-31"], "'9999-12-31' is outside 1990-01-01 to 2099-12-31"),
     (["--end", "1850-01-01"], "'1850-01-01' is outside"),
     (["--forecast-days", "1000000000"], "forecast days must be between 0 and 366")],
)  # fmt: skip
def test_sample_dates_are_bounded(runner, tmp_path, args, message):
    result = _run(runner, "sample", tmp_path / "s", *args)
    assert result.exit_code == 2
    assert message in _error_line(result)
    assert not (tmp_path / "s").exists()


def test_plot_names_are_unique_when_skus_differ_only_in_unsafe_characters(runner, tmp_path):
    days = pd.date_range("2025-10-01", periods=60, freq="D").strftime("%Y-%m-%d")
    frame = pd.concat([pd.DataFrame({"date": days, "store": "S", "sku": sku, "quantity": q})
                       for sku, q in (("A/B", 5), ("A_B", 6), ("A?B", 7))])  # fmt: skip
    path = _write(frame, tmp_path / "s.csv")
    plots = tmp_path / "plots"
    result = _run(runner, "forecast", "run", path, "--model", "naive", "--horizon", "3",
                  "--plots", plots, "-o", tmp_path / "f.csv")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in plots.iterdir())
    assert len(names) == 4 and "S_A_B.png" in names and "index.html" in names
    assert all(re.fullmatch(r"S_A_B(-[0-9a-f]{8})?\.png", n) for n in names if n != "index.html")
    page = (plots / "index.html").read_text()
    assert all(f'href="{name}"' in page for name in names if name != "index.html")
    again = tmp_path / "again"
    assert _run(runner, "-q", "forecast", "run", path, "--model", "naive", "--horizon", "3",
                "--plots", again, "-o", tmp_path / "g.csv").exit_code == 0
    assert sorted(p.name for p in again.iterdir()) == names


def _returns(small, tmp_path):
    """The small sales with two returns (negative quantities) of bananas in Helsinki."""
    sales = pd.read_csv(small / "sales.csv", dtype=str)
    bananas = sales.index[(sales["sku"] == "K1001") & (sales["store"] == "HKI")]
    sales.loc[bananas[[30, 40]], "quantity"] = ["-3", "-1.5"]
    return _write(sales, tmp_path / "returns.csv"), [bananas[30] + 2, bananas[40] + 2]


@pytest.mark.parametrize("command", [["forecast", "run", "--model", "naive", "--horizon", "7"],
                                     ["forecast", "backtest", "--models", "naive",
                                      "--horizon", "7", "--windows", "1"]])  # fmt: skip
@pytest.mark.parametrize(
    ("negative", "code", "said"),
    [(None, 1, "negative in 2 rows (lines {}, {}: '-3', '-1.5'). Counts cannot be negative"),
     ("error", 1, "--negative clip (set to 0) or --negative drop (rows left out)"),
     ("clip", 0, "clipped 2 negative quantities to 0 (lines {}, {}: '-3', '-1.5')"),
     ("drop", 0, "dropped 2 rows with a negative quantity (lines {}, {}: '-3', '-1.5')")],
)  # fmt: skip
def test_negative_sales_are_refused_clipped_or_dropped(runner, small, tmp_path, command,
                                                       negative, code, said):
    path, lines = _returns(small, tmp_path)
    option = ["--negative", negative] if negative else []
    result = _run(runner, *command[:2], path, *command[2:], *option)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    if code:
        assert said.format(*lines) in _error_line(result)
    else:
        assert f"{path}: column 'quantity': {said.format(*lines)}" in result.stderr
        assert not result.stdout.startswith("Error")


def test_dropped_returns_are_missing_open_days_filled_with_zero(runner, small, tmp_path):
    path, _ = _returns(small, tmp_path)
    results = {negative: _run(runner, "forecast", "run", path, "--model", "naive", "--horizon",
                              "7", "--stores", small / "store.toml", "--negative", negative)
               for negative in ("clip", "drop")}  # fmt: skip
    assert all(r.exit_code == 0 for r in results.values())
    filled = [re.search(r"([\d,]+) missing open days filled", r.stderr).group(1)
              for r in results.values()]  # fmt: skip
    assert int(filled[1].replace(",", "")) == int(filled[0].replace(",", "")) + 2


def test_validate_sales_keeps_negatives_an_error_unless_told(runner, small, tmp_path):
    path, _ = _returns(small, tmp_path)
    assert _run(runner, "data", "validate", "sales", path).exit_code == 1
    result = _run(runner, "data", "validate", "sales", path, "--negative", "clip", "-f", "csv")
    assert result.exit_code == 0, result.output
    report = pd.read_csv(io.StringIO(result.stdout))
    row = report[report["check"] == "below_range"].iloc[0]
    assert row["severity"] == "warning" and row["count"] == 2
