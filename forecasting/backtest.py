"""Rolling-origin backtests: forecast from several past origins and score against what sold.

Each window cuts the history at an origin, forecasts ``horizon`` periods and compares them with
the actual sales of those periods (closed days are not scored). Regressors of the test periods
are what the design holds for them, so weather is the observed weather: the backtest measures
the model, not the weather forecast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd

from forecasting.engine import map_tasks
from forecasting.errors import ParameterError
from forecasting.models import run_model
from forecasting.models.base import Task
from forecasting.series import SeriesSet
from forecasting.tasks import Regressors, build_tasks

SUMS = ("n", "abs_error", "sq_error", "actual", "error", "scaled_mae")


def origins(n_hist: int, horizon: int, windows: int, step: int, season: int, *,
            source: str | None = None) -> list[int]:  # fmt: skip
    """Positions of the rolling origins, oldest first: the last window ends with the history.

    ``source`` names the sales in the message when the history is too short.

    Raises
    ------
    ParameterError
        If a count is below 1, or the first origin leaves less than two seasons of history.
    """
    for name, value in (("horizon", horizon), ("windows", windows), ("step", step)):
        if value < 1:
            raise ParameterError(f"--{name} {value} is below 1", fix=f"Give --{name} 1 or more")
    first = n_hist - horizon - (windows - 1) * step
    if first < 2 * season:
        raise ParameterError(
            f"{windows} windows of {horizon} periods {step} apart leave {max(first, 0)} periods "
            f"of history before the first origin; at least {2 * season} are needed",
            source=source, where=f"the history has {n_hist} periods",
            fix="Give fewer --windows, a shorter --horizon or --step, or more history",
        )
    return [first + i * step for i in range(windows)]


def level_probs(levels: Sequence[float]) -> tuple[float, ...]:
    """The lower and upper quantile probabilities of central intervals at ``levels`` percent."""
    probs = set()
    for level in levels:
        probs |= {round((1 - level / 100) / 2, 6), round((1 + level / 100) / 2, 6)}
    return tuple(sorted(probs))


def score_task(task: Task, model: str, starts: Sequence[int], horizon: int,
               levels: Sequence[float]) -> pd.DataFrame:  # fmt: skip
    """Error sums of one model on every series of ``task`` and every window.

    ``task`` holds the whole history and no forecast periods. Returns one row per series and
    window: ``column, window`` and the sums in :data:`SUMS`, plus ``covered<level>``.
    """
    probs = level_probs(levels)
    frames = []
    for window, origin in enumerate(starts):
        cut, actual = task.cut(origin, horizon)
        cut = _with_probs(cut, probs)
        output = run_model(model, cut)
        frame = score(actual, output.point, output.quantiles, probs, levels,
                      scale=_mase_scale(cut.y, task.season))
        frame.insert(0, "window", window)
        frame.insert(0, "column", task.columns)
        frame["model_used"] = output.models
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _with_probs(task: Task, probs: tuple[float, ...]) -> Task:
    return replace(task, probs=probs)


def score(actual: np.ndarray, point: np.ndarray, quantiles: np.ndarray, probs: Sequence[float],
          levels: Sequence[float], *, scale: np.ndarray) -> pd.DataFrame:  # fmt: skip
    """Error sums of forecasts ``(h, k)`` against ``actual`` (NaN where not scored)."""
    seen = ~np.isnan(actual)
    a = np.where(seen, actual, 0.0)
    error = np.where(seen, point - a, 0.0)
    n = seen.sum(axis=0)
    out = {
        "n": n,
        "abs_error": np.abs(error).sum(axis=0),
        "sq_error": (error**2).sum(axis=0),
        "actual": a.sum(axis=0),
        "error": error.sum(axis=0),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        out["scaled_mae"] = np.where((n > 0) & (scale > 0), out["abs_error"] / np.maximum(n, 1)
                                     / scale, np.nan)  # fmt: skip
    probs = list(probs)
    for level in levels:
        lo = quantiles[probs.index(round((1 - level / 100) / 2, 6))]
        hi = quantiles[probs.index(round((1 + level / 100) / 2, 6))]
        out[f"covered{level:g}"] = (seen & (a >= lo) & (a <= hi)).sum(axis=0)
    return pd.DataFrame(out)


def _mase_scale(y: np.ndarray, season: int) -> np.ndarray:
    """Mean absolute seasonal difference of the training history, per series."""
    diffs = np.abs(y[season:] - y[:-season])
    if len(diffs) == 0:
        return np.full(y.shape[1], np.nan)
    seen = ~np.isnan(diffs)
    return np.where(seen, diffs, 0.0).sum(axis=0) / np.maximum(seen.sum(axis=0), 1)


def summarise(sums: pd.DataFrame, by: list[str], levels: Sequence[float]) -> pd.DataFrame:
    """Metrics from error sums, grouped by ``by`` (e.g. ``["model"]``)."""
    grouped = sums.groupby(by, sort=False)
    total = grouped[list(SUMS[:-1]) + [f"covered{level:g}" for level in levels]].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        table = pd.DataFrame(index=total.index)
        table["mae"] = total["abs_error"] / total["n"]
        table["rmse"] = np.sqrt(total["sq_error"] / total["n"])
        table["wape"] = total["abs_error"] / total["actual"]
        table["mase"] = grouped["scaled_mae"].mean()
        table["bias"] = total["error"] / total["actual"]
        for level in levels:
            table[f"coverage{level:g}"] = total[f"covered{level:g}"] / total["n"]
        table["periods"] = total["n"].astype(int)
    return table.reset_index()


@dataclass(frozen=True)
class BacktestResult:
    """Scores of every model, beside seasonal naive.

    Attributes
    ----------
    overall : pandas.DataFrame
        One row per model: ``model, mae, rmse, wape, mase, bias, coverage<L>..., periods,
        wape_vs_naive`` (the model's WAPE over naive's: below 1 beats the baseline).
    per_series : pandas.DataFrame
        The same metrics per model and series.
    origins : list of pandas.Timestamp
        Last history period before each window.
    """

    overall: pd.DataFrame
    per_series: pd.DataFrame
    origins: list[pd.Timestamp]


def run_backtest(
    series: SeriesSet,
    *,
    models: Sequence[str],
    horizon: int,
    windows: int = 3,
    step: int | None = None,
    levels: Sequence[float] = (80, 95),
    regressors: Regressors | None = None,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    source: str = "<sales>",
) -> BacktestResult:
    """Rolling-origin backtest of ``models`` (seasonal naive is always added).

    Parameters
    ----------
    series : SeriesSet
    models : sequence of str
        Names from :data:`forecasting.models.MODELS`.
    horizon : int
        Periods forecast from each origin.
    windows : int, default 3
        Number of origins.
    step : int, optional
        Periods between origins; defaults to ``horizon`` (windows side by side).
    levels : sequence of float
        Interval levels whose coverage is reported.
    regressors : Regressors, optional
    jobs : int
    progress : callable, optional
        Called with the number of series finished per model.
    source : str
        The sales file, for messages.

    Raises
    ------
    ParameterError
        For counts below 1, unknown models, or too little history for the windows.
    """
    from forecasting.forecast import check_levels
    from forecasting.models import model_function

    levels = check_levels(levels)
    names = list(dict.fromkeys(["naive", *models]))
    for name in names:
        model_function(name)
    step = step or horizon
    starts = origins(len(series.dates), horizon, windows, step, series.season, source=source)
    tasks, _ = build_tasks(series, series.dates[:0], regressors or Regressors(), ())
    frames = []
    for name in names:
        sums = map_tasks(partial(score_task, model=name, starts=starts, horizon=horizon,
                                 levels=tuple(levels)),
                         tasks, jobs=jobs, progress=progress,
                         weight=lambda task: len(task.columns))  # fmt: skip
        frame = pd.concat(sums, ignore_index=True)
        frame.insert(0, "model", name)
        frames.append(frame)
    sums = pd.concat(frames, ignore_index=True)
    keys = series.keys.iloc[sums["column"].to_numpy()].reset_index(drop=True)
    sums = pd.concat([keys, sums], axis=1)
    key_columns = list(series.keys.columns)
    overall = summarise(sums, ["model"], levels)
    naive = overall.loc[overall["model"] == "naive", "wape"].iloc[0]
    overall["wape_vs_naive"] = overall["wape"] / naive
    per_series = summarise(sums, key_columns + ["model"], levels)
    return BacktestResult(overall=overall, per_series=per_series,
                          origins=[series.dates[s - 1] for s in starts])  # fmt: skip
