"""Forecasting models behind one contract, and the runner that applies it.

Every model is a class (:func:`model_class`) that keeps the contract of
:mod:`forecasting.models.contract`: ``fit(tasks)`` learns from the tasks' history alone and keeps
what it learned in attributes ending in ``_``; ``predict(tasks)`` forecasts their horizon from
that fitted state and the future regressors, one :class:`~forecasting.models.base.Output` per
task. A per-series model fits each task (or series) on its own; a global model (:data:`GLOBAL`)
fits one model over a block of tasks (:func:`blocks`). Series a model cannot fit come back
refused, with a note and a fallback model.

:func:`run_block` runs a model on a block of tasks, hands the series it refused to their
fallback (each such series' ``notes`` say why, so every fallback is reported), calibrates the
quantiles (:mod:`forecasting.models.calibration`) and finalises the result: never negative,
zero on closed days.

One guard checks every model's output before it is used (:func:`implausible`): a series whose
forecast is NaN or infinite, or rises above :data:`MAX_RISE` times its highest sales, is refused
to a simpler model (:data:`FALLBACKS`) with a note saying why. The guard sits here, not in the
models, so that no model (a new one included) can hand a planner an absurd number silently.

To add a model: write a class in its own module deriving from
:class:`~forecasting.models.contract.PerSeriesModel` (one fit per series),
:class:`~forecasting.models.contract.PerTaskModel` (one fit per task) or
:class:`~forecasting.models.contract.Model` (global), give it a ``name``, and list it in
:data:`MODELS`, :data:`FALLBACKS` and :func:`model_class` (and :data:`GLOBAL` if global);
``tests/forecasting/test_model_classes.py`` then runs the contract's tests on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from forecasting.errors import ParameterError
from forecasting.models.base import Output, Task, finalise
from forecasting.models.contract import Model

MODELS: dict[str, str] = {
    "gbm": "one LightGBM model over all series of a store: lags, calendar, holidays, weather",
    "regression": "dynamic regression on trend, seasons, holiday windows and weather (default)",
    "naive": "seasonal naive: the value a season ago (the baseline)",
    "ets": "Holt-Winters exponential smoothing (statsmodels ETS)",
    "stl": "STL decomposition + ETS (statsmodels)",
    "sarimax": "regression with ARMA errors (statsmodels SARIMAX)",
    "prophet": "prophet with holiday windows and weather regressors",
    "slow": "slow movers and seasonal items: Poisson regression, negative binomial quantiles",
}
"""Model names and what they are."""
DEFAULT_MODEL = "regression"

MAX_RISE = 4.0
"""A point forecast above this multiple of the series' highest observed sales (plus one, so that
a series that sold 0 or 1 may still be forecast a few units) is refused as implausible."""
FALLBACKS: dict[str, str] = {
    "gbm": "regression",
    "regression": "naive",
    "ets": "naive",
    "stl": "naive",
    "sarimax": "regression",
    "prophet": "regression",
    "slow": "mean",
    "naive": "mean",
}
"""Where the guard sends a series a model forecast implausibly: a simpler model that cannot
itself run away. Seasonal naive repeats observed values, so it never exceeds the history;
``slow`` goes to the mean instead, because for an intermittent series seasonal naive would copy
single sales to the same date a season later, while the mean of the last season is the usual
forecast of intermittent demand. ``mean`` is the last resort and is not guarded: it averages
observed values, and a non-finite mean is a bug that :func:`~forecasting.models.base.finalise`
reports."""


def model_class(name: str) -> type[Model]:
    """The class of model ``name``: ``model_class(name)().fit(tasks).predict(tasks)``.

    Raises
    ------
    ParameterError
        For an unknown model.

    Examples
    --------
    >>> model = model_class("regression")().fit(tasks)
    >>> outputs = model.predict(tasks)
    """
    from forecasting.models import gbm, naive, prophet_model, regression, slow, smoothing

    classes: dict[str, type[Model]] = {
        "gbm": gbm.GlobalGBM,
        "regression": regression.Regression,
        "naive": naive.SeasonalNaive,
        "mean": naive.Mean,
        "ets": smoothing.HoltWinters,
        "stl": smoothing.STLETS,
        "sarimax": smoothing.Sarimax,
        "prophet": prophet_model.Prophet,
        "slow": slow.SlowMover,
    }
    if name not in classes:
        raise ParameterError(f"unknown model {name!r}",
                             fix=f"Use one of {', '.join(MODELS)}")
    return classes[name]


def model_function(name: str) -> Callable:
    """Model ``name`` as a function, fitting and forecasting in one call: ``Task -> Output``,
    or for a global model (:data:`GLOBAL`) ``list[Task] -> list[Output]``. Without the
    runner's fallbacks, guard and calibration (see :func:`run_block` for those).

    Raises
    ------
    ParameterError
        For an unknown model.
    """
    cls = model_class(name)
    if cls.is_global:
        return lambda tasks: cls().fit(tasks).predict(tasks)
    return lambda task: cls().fit([task]).predict([task])[0]


GLOBAL = frozenset({"gbm"})
"""Models fitted once over a block of tasks (many stores' series) rather than per task: those
whose class is global (:attr:`~forecasting.models.contract.Model.is_global`)."""


BLOCK_ROWS = 2_000_000
"""Most history rows (periods x series) in one block of a global model: about 1 GB of
features. A larger run is split into blocks of whole stores."""


def blocks(name: str, tasks: Sequence[Task]) -> list[list[Task]]:
    """The tasks grouped as model ``name`` fits them: one task per block, or for a global model
    consecutive tasks (a store's batches stay together) up to :data:`BLOCK_ROWS` rows."""
    if name not in GLOBAL:
        return [[task] for task in tasks]
    out: list[list[Task]] = []
    rows = 0
    for task in tasks:
        size = task.y.size
        new_store = not out or out[-1][-1].store != task.store
        if not out or (new_store and rows + size > BLOCK_ROWS):
            out.append([])
            rows = 0
        out[-1].append(task)
        rows += size
    return out


def series_count(block: Sequence[Task]) -> int:
    """Series in a block (for progress counts)."""
    return sum(len(task.columns) for task in block)


def run_model(name: str, task: Task, *, calibrate: bool = True) -> Output:
    """Forecast ``task`` with model ``name``; see :func:`run_block`."""
    return run_block(name, [task], calibrate=calibrate)[0]


def run_block(name: str, tasks: Sequence[Task], *, calibrate: bool = True) -> list[Output]:
    """Forecast a block of tasks with model ``name``, falling back series by series where it
    cannot.

    A global model (:data:`GLOBAL`) is fitted once over the whole block; the others task by
    task. With ``calibrate`` the quantiles are moved by the conformal correction of
    :func:`forecasting.models.calibration.calibrate`.

    The block runs with one BLAS thread: its matrices are small (a store's days by a few dozen
    regressors), where BLAS threads cost more in start-up and spinning than they save, and
    many times more on a busy machine (a slow-mover block of a chain store took 4.5 times as
    long with the machine's default threads, measured on this project's two cores). Parallel
    work comes from the engine's processes instead.

    Returns
    -------
    list of Output
        Finalised: never negative, zero on closed days.
    """
    from threadpoolctl import threadpool_limits

    from forecasting.models.calibration import calibrate as conformal

    tasks = list(tasks)
    with threadpool_limits(limits=1, user_api="blas"):
        outputs = _run(name, tasks, depth=0)
        if calibrate:
            conformal(tasks, outputs, partial(_run, name, depth=0))
    return [finalise(output, task.closed[task.n_hist:], task=task)
            for task, output in zip(tasks, outputs)]  # fmt: skip


def implausible(output: Output, task: Task) -> None:
    """Refuse, in place, every series whose forecast cannot be ordered from.

    A series is refused to its model's entry in :data:`FALLBACKS` (with a note) when, on an open
    forecast period, its point forecast or a quantile is NaN or infinite, or its point forecast
    is above :data:`MAX_RISE` x (its highest observed value + 1). Series the model already
    refused, and the ``mean`` model (the last resort), are left alone. Closed periods are not
    checked: :func:`~forecasting.models.base.finalise` sets them to zero.

    Examples
    --------
    A model that forecast 1.07e13 for a series that sold at most 1,362 gets the note
    ``slow: forecast 1.07e13, over 4 times the highest sales 1,362 of the history``.
    """
    open_ = ~task.closed[task.n_hist:]
    history = np.where(np.isnan(task.y), 0.0, task.y)
    highest = history.max(axis=0) if len(history) else np.zeros(task.y.shape[1])
    point = output.point[open_]
    quantiles = output.quantiles[:, open_]
    for j in range(task.y.shape[1]):
        model = output.models[j]
        if output.fallback[j] is not None or model == "mean" or model not in FALLBACKS:
            continue
        if not np.isfinite(point[:, j]).all():
            bad = point[:, j][~np.isfinite(point[:, j])][0]
            note = f"{model}: forecast {bad} (not a number); not used"
        elif not np.isfinite(quantiles[:, :, j]).all():
            bad = quantiles[:, :, j][~np.isfinite(quantiles[:, :, j])][0]
            note = f"{model}: quantile {bad} (not a number); not used"
        elif len(point) and point[:, j].max() > MAX_RISE * (highest[j] + 1.0):
            note = (f"{model}: forecast {_amount(point[:, j].max())}, over {MAX_RISE:g} times "
                    f"the highest sales {_amount(highest[j])} of the history")
        else:
            continue
        output.refuse(j, note, FALLBACKS[model])


def _amount(value: float) -> str:
    """``1,362`` or ``42.6`` or ``1.07e13``: readable at any size."""
    if abs(value) >= 1e6:
        return f"{value:.3g}".replace("e+", "e")
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _run(name: str, tasks: list[Task], depth: int) -> list[Output]:
    """Fit model ``name`` on ``tasks``, forecast them, guard the forecasts and hand the refused
    series to their fallbacks."""
    outputs = model_class(name)().fit(tasks).predict(tasks)
    for task, output in zip(tasks, outputs):
        implausible(output, task)
        _fall_back(name, task, output, depth)
    return outputs


def _fall_back(name: str, task: Task, output: Output, depth: int) -> None:
    """Forecast, in place, the series ``output`` refused with their fallback models."""
    refused = np.array([f is not None for f in output.fallback], dtype=bool)
    groups: dict[str, list[int]] = {}
    for j in np.flatnonzero(refused):
        groups.setdefault(output.fallback[j], []).append(int(j))
    for fallback, members in groups.items():
        if depth > 4 or fallback == name:
            fallback = "mean"
        inner = _run(fallback, [task.subset(np.array(members))], depth + 1)[0]
        output.point[:, members] = inner.point
        output.quantiles[:, :, members] = inner.quantiles
        for position, j in enumerate(members):
            output.models[j] = inner.models[position]
            output.fallback[j] = None
            extra = inner.notes[position]
            output.notes[j] = output.notes[j] + (f"; {extra}" if extra else "")
