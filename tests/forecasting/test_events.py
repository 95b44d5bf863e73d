import datetime as dt
import io

import pandas as pd
import pytest

from cli import kori
from forecasting.errors import ParameterError, SchemaError
from forecasting.events import Window, calendar_events, read_events
from forecasting.tasks import Regressors


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


def _campaign(store: str) -> pd.DataFrame:
    days = pd.date_range(end="2025-12-09", periods=24, freq="42D")  # Tuesdays, one in the horizon
    return read_events(pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "name": "Campaign",
                                     "store": store}), source="campaigns.csv")  # fmt: skip


def test_a_campaign_for_one_store_raises_that_store_alone(sample):
    from forecasting.forecast import forecast
    from forecasting.series import sales_series

    sales = sample.sales[sample.sales["sku"].isin(["K1001", "K1002"])].copy()
    events = _campaign("HKI")
    planted = (sales["store"] == "HKI") & sales["date"].isin(events["date"])
    sales.loc[planted, "quantity"] = (sales.loc[planted, "quantity"] * 1.8).round()
    series = sales_series(sales, source="t")
    without = forecast(series, horizon=28).table.set_index(["store", "sku", "date"])["forecast"]
    with_ = forecast(series, horizon=28,
                     regressors=Regressors(events=events)).table  # fmt: skip
    with_ = with_.set_index(["store", "sku", "date"])["forecast"]
    day = pd.Timestamp("2025-12-09")
    for sku in ("K1001", "K1002"):
        assert with_["HKI", sku, day] > 1.3 * without["HKI", sku, day]
        other_days = with_.loc["HKI", sku].drop(day) / without.loc["HKI", sku].drop(day)
        assert other_days.dropna().between(0.8, 1.25).all()  # Christmas Day is 0 either way
    assert (with_.loc["TRE"] == without.loc["TRE"]).all()


def test_events_for_unknown_stores_name_the_file_line_and_stores(sample):
    from forecasting.forecast import forecast
    from forecasting.series import sales_series

    events = read_events(pd.DataFrame({"date": ["2025-12-02", "2025-12-03", "2025-12-04"],
                                       "name": ["a", "b", "c"], "store": ["", "ESP", "OUL"]}),
                         source="campaigns.csv")  # fmt: skip
    assert events["store"].tolist() == ["", "ESP", "OUL"]
    series = sales_series(sample.sales[sample.sales["sku"] == "K1001"], source="t")
    with pytest.raises(SchemaError) as error:
        forecast(series, horizon=7, regressors=Regressors(events=events))
    message = str(error.value)
    assert message.startswith("campaigns.csv: column 'store': 2 events for a store not in")
    assert "line 3: 'ESP'; stores in the sales: HKI, TRE" in message


def test_forecast_run_refuses_an_unknown_store_in_the_events(runner, sample_dir, tmp_path):
    events = tmp_path / "ev.csv"
    events.write_text("date,name,store\n2025-12-02,Campaign,HKI\n2025-12-03,Fair,ESP\n")
    result = runner.invoke(kori, ["forecast", "run", str(sample_dir / "sales.csv"), "--events",
                                  str(events), "--horizon", "7"])  # fmt: skip
    assert result.exit_code == 1
    assert f"{events}: column 'store'" in result.stderr and "line 3: 'ESP'" in result.stderr
    assert "Traceback" not in result.stderr


def test_forecast_holidays_shows_the_store_of_each_event(runner, tmp_path):
    events = tmp_path / "ev.csv"
    events.write_text("date,name,lower,upper,store\n2026-11-27,Black Friday,-1,0,\n"
                      "2026-08-15,Tampere fair,0,1,TRE\n")  # fmt: skip
    result = runner.invoke(kori, ["forecast", "holidays", "--years", "2026", "--events",
                                  str(events), "-f", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    stores = table.groupby("event")["store"].agg(set)
    assert stores["Tampere fair"] == {"TRE"}
    assert stores["Black Friday"] == {""} and stores["Christmas Eve"] == {""}
    assert (table["event"] == "Tampere fair").sum() == 2
