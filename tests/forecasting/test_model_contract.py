"""Every model forecasts ordinary series itself, at every horizon, without falling back.

A model that fails on every series hands them to its fallback, and the forecast looks fine: only
the ``model`` and ``note`` columns tell. Prophet did so at 14 and 24 days for months, because a
holiday window cut by the end of the horizon reached prophet as a window ending before its holiday.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from forecasting.forecast import forecast
from forecasting.models import MODELS
from forecasting.models.prophet_model import _holidays, _quiet_logs
from forecasting.series import future_dates, sales_series
from forecasting.tasks import Regressors, build_tasks

SLOW = {"prophet", "sarimax"}
"""Models whose fits take seconds per series: run in CI, skipped locally with -m 'not slow'."""

HORIZONS = (14, 28)
"""The sample's history ends 2025-11-30. In 14 days the event days the models see end on
2025-12-21 (the horizon and a week), inside Christmas Eve's window (17-24 December), which is
cut; 28 days hold the whole Christmas week."""

ORDINARY = [("HKI", "K1001"), ("HKI", "K1091"), ("TRE", "K1091")]
"""Daily sellers with full history: no model has a reason to hand them on."""


@pytest.fixture(scope="module")
def ordinary(sample):
    """Two years of the three ordinary series, with the sample's weather and store hours."""
    sales = sample.sales
    keep = pd.MultiIndex.from_frame(sales[["store", "sku"]]).isin(ORDINARY)
    sales = sales[keep & (sales["date"] > "2023-11-30")]
    return sales_series(sales, stores=sample.stores, source="sample")


@pytest.fixture(scope="module")
def regressors(sample):
    return Regressors(weather=sample.weather, stores=sample.stores)


def _params():
    for model in MODELS:
        marks = [pytest.mark.slow] if model in SLOW else []
        for horizon in HORIZONS:
            yield pytest.param(model, horizon, marks=marks, id=f"{model}-{horizon}d")


@pytest.mark.parametrize(("model", "horizon"), list(_params()))
def test_the_model_itself_forecasts_ordinary_series(ordinary, regressors, model, horizon):
    table = forecast(ordinary, horizon=horizon, model=model, regressors=regressors).table
    assert len(table) == horizon * len(ORDINARY)
    made = table.drop_duplicates(["store", "sku"]).set_index(["store", "sku"])
    assert sorted(made.index) == sorted(ORDINARY)
    assert (made["model"] == model).all(), made[["model", "note"]].to_string()
    assert (made["note"] == "").all(), made[["model", "note"]].to_string()
    assert np.isfinite(table["forecast"]).all()


# ------------------------------------------------------------- prophet's holidays at every horizon


def _tasks(start: str, end: str, freq: str, horizons: range):
    dates = pd.date_range(start, end, freq=freq)
    sales = pd.DataFrame({"date": dates, "store": "S", "sku": "A", "quantity": 5.0})
    series = sales_series(sales)
    for h in horizons:
        tasks, _ = build_tasks(series, future_dates(series, h), Regressors(), (0.5,))
        yield h, tasks[0]


@pytest.mark.slow  # end to end or exhaustive: in CI, out of the quick run
@pytest.mark.parametrize(("start", "end", "freq", "horizons"), [
    # the history starts a week after Easter: its window (-4..+1 days) is cut at the start
    ("2024-04-08", "2025-11-30", "D", range(1, 61)),
    ("2023-12-03", "2025-11-30", "W-SUN", range(1, 27)),
    ("2024-01-05", "2025-11-28", "W-FRI", range(1, 27)),
])  # fmt: skip
def test_prophet_accepts_the_holidays_at_every_horizon(start, end, freq, horizons):
    _quiet_logs()
    from prophet import Prophet

    for h, task in _tasks(start, end, freq, horizons):
        table = _holidays(task)
        assert table is not None
        Prophet(holidays=table)  # validates the windows: "upper_window should be >= 0"
        # every event day (week) of the calendar reaches prophet, the horizon's too
        assert len(table) == int((task.calendar.to_numpy() > 0).sum()), h
        assert set(table["ds"]) <= set(task.dates)


@pytest.mark.parametrize("horizon", [14, 24])
def test_holiday_windows_cut_at_the_end_of_the_horizon_reach_prophet_valid(horizon):
    # History to 2025-11-30; the event days run a week past the horizon, to 21 December
    # (Christmas Eve's window, 17-24 December, cut) or to 31 December (New Year's, 30 December
    # to 1 January, cut). Prophet got windows ending before their holiday, refused every series
    # with "Holiday upper_window should be >= 0", and the regression forecast them instead.
    _quiet_logs()
    from prophet import Prophet

    (_, task), = _tasks("2024-12-01", "2025-11-30", "D", range(horizon, horizon + 1))
    last = task.events.groupby(["event", "event_date"])["offset"].max()
    assert (last < 0).any()  # the case itself: a window that ends before its holiday
    table = _holidays(task)
    Prophet(holidays=table)
    assert (table["lower_window"] == 0).all() and (table["upper_window"] == 0).all()
    eve = table[table["holiday"].str.startswith("Christmas Eve") & (table["ds"].dt.year == 2024)]
    assert sorted(eve["holiday"]) == sorted(f"Christmas Eve{k:+d}" for k in range(-7, 1))
