"""Conformal calibration: bands that hold what they promise, whatever the model thought."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.models import run_block
from forecasting.models.base import Output, Task
from forecasting.models.calibration import calibrate

PROBS = (0.025, 0.1, 0.9, 0.975)


def _task(y: np.ndarray, horizon: int, *, n_hist: int | None = None) -> Task:
    """A daily task over ``y`` (periods x series); the last ``horizon`` periods are the future."""
    n_hist = len(y) - horizon if n_hist is None else n_hist
    dates = pd.date_range("2024-01-01", periods=n_hist + horizon, freq="D")
    return Task(store="S", columns=np.arange(y.shape[1]), y=y[:n_hist], dates=dates, freq="D",
                season=7, calendar=pd.DataFrame(index=dates), weather=None,
                events=pd.DataFrame(), closed=np.zeros(len(dates), bool), probs=PROBS)  # fmt: skip


def _fixed_band(half_width: float):
    """A model that forecasts 100 with quantiles 100 -/+ half_width x (1, 2) for 80%, 95%."""

    def run(tasks: list[Task]) -> list[Output]:
        outputs = []
        for task in tasks:
            out = Output.empty(task, "fixed")
            out.point[:] = 100.0
            for i, z in enumerate((-2.0, -1.0, 1.0, 2.0)):
                out.quantiles[i] = 100.0 + z * half_width
            outputs.append(out)
        return outputs

    return run


def _coverage(output: Output, actual: np.ndarray, lo: int, hi: int) -> float:
    return float(((actual >= output.quantiles[lo]) & (actual <= output.quantiles[hi])).mean())


@pytest.mark.parametrize("half_width", [1.0, 30.0])
def test_a_band_too_narrow_or_too_wide_is_moved_to_hold_its_level(half_width):
    rng = np.random.default_rng(3)
    horizon, k = 14, 200
    y = 100 + rng.normal(0, 10, (120, k))  # 80% of outcomes within 100 -/+ 12.8
    task = _task(y, horizon)
    run = _fixed_band(half_width)
    output = run([task])[0]
    before = _coverage(output, y[-horizon:], 1, 2)
    assert calibrate([task], [output], run)
    after80 = _coverage(output, y[-horizon:], 1, 2)
    after95 = _coverage(output, y[-horizon:], 0, 3)
    assert abs(before - 0.8) > 0.15  # the model's own band was far off
    assert 0.75 <= after80 <= 0.85, after80
    assert 0.92 <= after95 <= 0.98, after95
    assert np.all(np.diff(output.quantiles, axis=0) >= 0)  # still in order
    assert (output.point == 100.0).all()  # the point forecast is not moved


def test_the_band_widens_with_the_horizon_when_errors_do():
    rng = np.random.default_rng(4)
    horizon, k = 14, 400
    walk = 100 + np.cumsum(rng.normal(0, 2, (130, k)), axis=0)  # errors grow with the step

    def last_value(tasks):
        outputs = []
        for task in tasks:
            out = Output.empty(task, "last")
            out.point[:] = task.y[-1]
            out.quantiles[:] = task.y[-1][None, None] + np.array([-1, -0.5, 0.5, 1])[:, None, None]
            outputs.append(out)
        return outputs

    task = _task(walk, horizon)
    output = last_value([task])[0]
    assert calibrate([task], [output], last_value)
    width = (output.quantiles[2] - output.quantiles[1]).mean(axis=1)
    assert width[-1] > 2 * width[0]


def test_too_short_a_history_keeps_the_models_own_quantiles():
    y = np.full((30, 50), 100.0)
    task = _task(y, 14)  # 16 periods of history: no season and a window before the origin
    run = _fixed_band(5.0)
    output = run([task])[0]
    before = output.quantiles.copy()
    assert not calibrate([task], [output], run)
    np.testing.assert_array_equal(output.quantiles, before)


def test_a_block_of_one_short_series_is_not_calibrated_on_a_handful_of_misses():
    rng = np.random.default_rng(5)
    y = 100 + rng.normal(0, 10, (120, 1))
    task = _task(y, 28)  # 28 misses: fewer than the least pool
    run = _fixed_band(1.0)
    output = run([task])[0]
    assert not calibrate([task], [output], run)


def test_every_model_is_calibrated_in_run_block():
    rng = np.random.default_rng(6)
    y = rng.poisson(20, (400, 120)).astype(float)
    task = _task(y, 28)
    raw = run_block("naive", [task], calibrate=False)[0]
    calibrated = run_block("naive", [task])[0]
    assert not np.allclose(raw.quantiles, calibrated.quantiles)
    np.testing.assert_array_equal(raw.point, calibrated.point)
    actual = y[-28:]
    assert 0.72 <= _coverage(calibrated, actual, 1, 2) <= 0.88


def test_calibration_windows_are_the_last_horizon_and_the_same_dates_a_year_earlier():
    from forecasting.models.calibration import calibration_origins

    assert calibration_origins(143, 26, 52, "W-FRI") == [117, 91]
    # 91 weeks: a year earlier, the model would have seen 39 weeks, less than a season
    assert calibration_origins(91, 26, 52, "W-FRI") == [65]
    assert calibration_origins(1096, 28, 7, "D") == [1068, 732]
    assert calibration_origins(60, 28, 7, "D") == [32]
    assert calibration_origins(30, 28, 7, "D") == []
    assert calibration_origins(1096, 365, 7, "D") == [731]  # no year-ago window past the history
