"""Conformal calibration: quantiles that hold what they promise, for every model.

A model's own quantiles rest on its assumptions (normal errors on the log scale, a negative
binomial, the spread of in-sample residuals), and on real sales they rarely hold: an 80% band
of the regression covered 65% of the Walmart hold-out weeks. Orders are set from these
quantiles, so a band that is too narrow means stock-outs, one too wide ties up money.

:func:`calibrate` therefore runs the same model again on the same series from past origins (one
horizon before the real one, and a year before it: :func:`calibration_origins`), and compares
those forecasts with what then sold.
For each quantile ``p`` and each series ``j`` the miss ``(actual - q_p) / w_j`` is measured in
units of the model's own spread ``w`` (the width of its widest band, at least a tenth of the
series' level), so that a slow mover and a best seller can share one pool. The ``p``-quantile
of the misses, pooled over the series of the block (similar series: one store's products, or one
run's for the global model) and over the horizon steps near each step, is how far ``q_p`` must
move for ``p`` of the outcomes to fall below it; every series' ``q_p`` at that step moves by that
many of its own ``w``. This is split conformal prediction in the normalised form of Lei et al.
(2018) applied to each quantile on its own (conformalised quantile regression, Romano et al.
2019), with the calibration windows taking the place of the held-out set.

The point forecast is not changed. A block whose history leaves no calibration window (see
:func:`calibration_origins`), or fewer than :data:`MIN_BLOCK` misses, keeps the model's own
quantiles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from forecasting.models.base import Output, Task, year_periods

MIN_SCORES = 1000
"""Least misses behind each step's correction: steps either side are pooled until there are
this many (all steps, when the block has few series)."""
MIN_HISTORY = 14
"""Half the least history before a calibration origin."""
MIN_BLOCK = 50
"""Least misses in a block for a correction at all (one series of 28 days has too few): below,
the model's own quantiles stand."""
WIDTH_FLOOR = 0.1
"""Least spread, as a share of the series' level: a model certain of its forecast still gets
its misses measured against something."""


def calibrate(tasks: Sequence[Task], outputs: Sequence[Output],
              run: Callable[[list[Task]], list[Output]]) -> bool:  # fmt: skip
    """Move the quantiles of ``outputs`` (in place) by the conformal correction.

    Parameters
    ----------
    tasks, outputs : sequence
        A block of tasks of one run (same dates, horizon and probabilities) and the model's
        forecasts of them, before :func:`~forecasting.models.base.finalise`.
    run : callable
        Runs the same model (with its fallbacks, without calibration) on a list of tasks.

    Returns
    -------
    bool
        Whether the quantiles were calibrated (``False`` for too short a history).
    """
    if not tasks or not tasks[0].probs or tasks[0].horizon == 0:
        return False
    first = tasks[0]
    probs = np.asarray(first.probs)
    windows = []
    for origin in calibration_origins(first.n_hist, first.horizon, first.season, first.freq):
        cuts, actuals = zip(*(task.cut(origin, first.horizon) for task in tasks))
        past = run(list(cuts))
        windows += [_misses(cut, actual, output, probs)
                    for cut, actual, output in zip(cuts, actuals, past)]  # fmt: skip
    if not windows:
        return False
    misses = np.concatenate(windows, axis=2)
    if np.isfinite(misses[0]).sum() < MIN_BLOCK:
        return False
    shift = _corrections(misses, probs)
    for task, output in zip(tasks, outputs):
        width = spread(output.quantiles, _level(task.y))
        # moved quantiles may cross; sorting them is the rearrangement of Chernozhukov et al.
        # (2010), which keeps each band as close as the correction allows
        output.quantiles = np.sort(output.quantiles + shift[:, :, None] * width[None], axis=0)
    return True


def calibration_origins(n_hist: int, horizon: int, season: int, freq: str) -> list[int]:
    """Where the calibration forecasts start: one horizon before the history ends, and a year
    before it ends (the same dates as the forecast, a year earlier); each only where it leaves a
    season of history (and twice :data:`MIN_HISTORY` periods), as the real forecast has.

    The year-ago window brings the season's own errors: an origin in late October is
    calibrated on the last Christmas as well as on the quiet weeks just before it. A window
    whose model would have seen less than a season is left out: its model is weaker than the
    real one, and its misses would widen the bands for nothing (on the Walmart origin
    2011-10-28, with 39 weeks before the year-ago window, they made the 80% band hold 89%).

    Examples
    --------
    >>> calibration_origins(143, 26, 52, "W-FRI")
    [117, 91]
    >>> calibration_origins(91, 26, 52, "W-FRI")
    [65]
    >>> calibration_origins(60, 28, 7, "D")
    [32]
    >>> calibration_origins(1096, 365, 7, "D")  # a year ago, a horizon of 365 would reach today
    [731]
    """
    year = year_periods(freq)
    least = max(season, 2 * MIN_HISTORY)
    return [origin for origin in dict.fromkeys([n_hist - horizon, n_hist - year])
            if origin >= least and origin + horizon <= n_hist]  # fmt: skip


def _misses(task: Task, actual: np.ndarray, output: Output, probs: np.ndarray) -> np.ndarray:
    """``(actual - q_p) / w`` of each quantile, step and series; NaN where nothing was sold
    or the store was closed."""
    closed = task.closed[task.n_hist:]
    actual = np.where(closed[:, None], np.nan, actual)
    width = spread(output.quantiles, _level(task.y))
    return (actual[None] - output.quantiles) / width[None]


def spread(quantiles: np.ndarray, level: np.ndarray) -> np.ndarray:
    """``(h, k)``: the widest band of the quantiles, at least :data:`WIDTH_FLOOR` of the level
    (and above zero)."""
    width = quantiles[-1] - quantiles[0] if len(quantiles) > 1 else np.zeros(quantiles.shape[1:])
    floor = np.maximum(WIDTH_FLOOR * level, 1e-6)
    return np.maximum(np.nan_to_num(width, nan=0.0), floor[None])


def _level(y: np.ndarray) -> np.ndarray:
    """Each series' mean over its last 364 periods (a year of daily history; all of a weekly
    history under seven years), 0 when it has none."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        level = np.nanmean(y[-364:], axis=0)
    return np.nan_to_num(level, nan=0.0)


def _corrections(misses: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """``(len(probs), h)``: per quantile and step, the ``p``-quantile of the pooled misses."""
    n_probs, h, k = misses.shape
    seen = np.isfinite(misses[0]).sum(axis=1)
    out = np.zeros((n_probs, h))
    for step in range(h):
        low = high = step
        while seen[low : high + 1].sum() < MIN_SCORES and (low > 0 or high < h - 1):
            low, high = max(low - 1, 0), min(high + 1, h - 1)
        pool = misses[:, low : high + 1].reshape(n_probs, -1)
        for i, p in enumerate(probs):
            values = pool[i][np.isfinite(pool[i])]
            if len(values):
                # the finite-sample quantile of split conformal prediction, on the safe side
                method = "higher" if p >= 0.5 else "lower"
                out[i, step] = np.quantile(values, p, method=method)
    return out
