"""Forecasting models behind one contract (see :mod:`forecasting.models.base`).

``run_model`` runs a model on a :class:`~forecasting.models.base.Task`, hands the series it
cannot forecast to its fallback (each such series' ``notes`` say why), and finalises the result:
never negative, zero on closed days.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from forecasting.errors import ParameterError
from forecasting.models.base import Output, Task, finalise

MODELS: dict[str, str] = {
    "regression": "dynamic regression on trend, seasons, holiday windows and weather (default)",
    "naive": "seasonal naive: the value a season ago (the baseline)",
    "ets": "Holt-Winters exponential smoothing (statsmodels ETS)",
    "stl": "STL decomposition + ETS (statsmodels)",
    "sarimax": "regression with ARMA errors (statsmodels SARIMAX)",
    "prophet": "prophet with holiday windows and weather regressors",
    "slow": "slow movers and seasonal items: Poisson regression, negative binomial quantiles",
    "auto": "per series, the model with the best rolling-origin backtest",
}
"""Model names and what they are."""
DEFAULT_MODEL = "regression"


def model_function(name: str) -> Callable[[Task], Output]:
    """The function that runs model ``name``.

    Raises
    ------
    ParameterError
        For an unknown model.
    """
    from forecasting.models import (
        auto,
        naive,
        prophet_model,
        regression,
        slow,
        smoothing,
    )

    functions = {
        "regression": regression.dynamic_regression,
        "naive": naive.seasonal_naive,
        "mean": naive.mean_model,
        "ets": smoothing.holt_winters,
        "stl": smoothing.stl_ets,
        "sarimax": smoothing.sarimax,
        "prophet": prophet_model.prophet,
        "slow": slow.slow_mover,
        "auto": auto.auto_model,
    }
    if name not in functions:
        raise ParameterError(f"unknown model {name!r}",
                             fix=f"Use one of {', '.join(MODELS)}")
    return functions[name]


def run_model(name: str, task: Task) -> Output:
    """Forecast ``task`` with model ``name``, falling back series by series where it cannot.

    Returns
    -------
    Output
        Finalised: never negative, zero on closed days.
    """
    return finalise(_run(name, task, depth=0), task.closed[task.n_hist:])


def _run(name: str, task: Task, depth: int) -> Output:
    output = model_function(name)(task)
    refused = np.array([f is not None for f in output.fallback], dtype=bool)
    if not refused.any():
        return output
    groups: dict[str, list[int]] = {}
    for j in np.flatnonzero(refused):
        groups.setdefault(output.fallback[j], []).append(int(j))
    for fallback, members in groups.items():
        if depth > 4 or fallback == name:
            fallback = "mean"
        inner = _run(fallback, task.subset(np.array(members)), depth + 1)
        output.point[:, members] = inner.point
        output.quantiles[:, :, members] = inner.quantiles
        for position, j in enumerate(members):
            output.models[j] = inner.models[position]
            output.fallback[j] = None
            extra = inner.notes[position]
            output.notes[j] = output.notes[j] + (f"; {extra}" if extra else "")
    return output
