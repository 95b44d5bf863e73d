"""The global model: one LightGBM fit over the series of a run, deterministic and plausible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting import models
from forecasting.forecast import forecast
from forecasting.models import blocks
from forecasting.models.gbm import lag_distance
from forecasting.series import future_dates, sales_series
from forecasting.tasks import Regressors, build_tasks


def _sales(stores: int = 2, skus: int = 12, days: int = 600, seed: int = 0) -> pd.DataFrame:
    """Daily sales with a weekly pattern (Fridays busy), a level per product and Poisson noise."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2023-01-02", periods=days, freq="D")
    weekly = np.array([1.0, 0.9, 0.9, 1.0, 1.6, 1.4, 0.6])[dates.day_of_week]
    frames = []
    for s in range(stores):
        for k in range(skus):
            level = rng.uniform(5, 60)
            frames.append(pd.DataFrame({
                "date": dates, "store": f"S{s}", "sku": f"P{k:02d}",
                "quantity": rng.poisson(level * weekly).astype(float),
            }))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def series():
    return sales_series(_sales(), source="test")


def test_gbm_forecasts_the_weekly_pattern_and_beats_naive():
    cut = sales_series(_sales().query("date < '2024-07-25'"), source="test")
    result = forecast(cut, horizon=28, model="gbm", regressors=Regressors(holidays=False))
    table = result.table
    assert set(table["model"]) == {"gbm"}, result.fallbacks()
    actual = _sales().query("'2024-07-25' <= date < '2024-08-22'")
    merged = table.merge(actual, on=["date", "store", "sku"])
    assert len(merged) == len(table)
    wape = (merged["forecast"] - merged["quantity"]).abs().sum() / merged["quantity"].sum()
    naive = forecast(cut, horizon=28, model="naive", regressors=Regressors(holidays=False)).table
    naive = naive.merge(actual, on=["date", "store", "sku"])
    naive_wape = (naive["forecast"] - naive["quantity"]).abs().sum() / naive["quantity"].sum()
    assert wape < 0.85 * naive_wape, (wape, naive_wape)
    friday = merged[merged["date"].dt.day_of_week == 4]["forecast"].mean()
    sunday = merged[merged["date"].dt.day_of_week == 6]["forecast"].mean()
    assert friday > 2 * sunday  # 1.6 against 0.6 in the simulation


@pytest.mark.slow  # end to end or exhaustive: in CI, out of the quick run
def test_gbm_is_deterministic(series):
    one = forecast(series, horizon=14, model="gbm", regressors=Regressors(holidays=False)).table
    two = forecast(series, horizon=14, model="gbm", regressors=Regressors(holidays=False)).table
    pd.testing.assert_frame_equal(one, two)


@pytest.mark.slow  # worker processes take seconds to start: CI runs it
def test_gbm_runs_the_same_in_worker_processes(series):
    one = forecast(series, horizon=14, model="gbm", regressors=Regressors(holidays=False)).table
    two = forecast(series, horizon=14, model="gbm", regressors=Regressors(holidays=False),
                   jobs=2).table  # fmt: skip
    pd.testing.assert_frame_equal(one, two)


def test_one_block_holds_the_run_and_a_large_run_splits_between_stores(series, monkeypatch):
    tasks, _ = build_tasks(series, future_dates(series, 14), Regressors(holidays=False), (),
                           batch=5)  # fmt: skip
    assert len(tasks) == 6  # two stores, three batches each
    assert [len(block) for block in blocks("gbm", tasks)] == [6]
    assert [len(block) for block in blocks("regression", tasks)] == [1] * 6
    monkeypatch.setattr(models, "BLOCK_ROWS", tasks[0].y.size * 3)
    split = blocks("gbm", tasks)
    assert [[task.store for task in block] for block in split] == [["S0"] * 3, ["S1"] * 3]


def test_a_short_series_goes_to_the_regression_with_a_note():
    sales = _sales(stores=1, skus=3, days=400)
    late = (sales["sku"] == "P01") & (sales["date"] < sales["date"].max() - pd.Timedelta(days=20))
    sales = sales[~late]
    result = forecast(sales_series(sales, source="t"), horizon=14, model="gbm",
                      regressors=Regressors(holidays=False))  # fmt: skip
    notes = result.fallbacks().set_index("sku")["note"]
    assert notes["P01"].startswith("gbm: needs 28 periods of history, has ")
    assert "P00" not in notes.index
    assert np.isfinite(result.table["forecast"]).all()


def test_the_lag_distance_covers_the_horizon_and_keeps_the_weekday():
    assert lag_distance(28, "D") == 28
    assert lag_distance(10, "D") == 14
    assert lag_distance(26, "W-FRI") == 26
