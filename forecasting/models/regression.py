"""Dynamic regression: kori's default model.

``log1p(sales)`` is a linear function of a trend, the yearly cycle (Fourier terms), the weekday,
the days of every holiday window and user event, and the weather. Effects are multiplicative on
the sales scale, as they are in shops (a hot day lifts ice cream by a share, not by a number of
units). Series of a store share one design matrix, so one least-squares solve fits them all at
once: this is what makes thousands of series take seconds. Calendar coefficients are lightly
shrunk (ridge), since each holiday day is seen once a year.

Series that sell nothing on most days go to the slow-mover model instead: a log-linear mean fits
them badly.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from forecasting.errors import NotFittedError
from forecasting.models.base import Output, Task, normal_quantiles
from forecasting.models.contract import PerTaskModel, Refusal
from forecasting.regressors import base_features

INTERMITTENT_SHARE = 0.5
"""Share of zero-sale open periods above which a series counts as a slow mover."""
RIDGE = 1.0
"""Penalty on the event coefficients: an effect seen on n days is shrunk by n / (n + RIDGE)."""
MIN_PERIODS = 14
"""Least open periods of history for a regression."""


class Regression(PerTaskModel):
    """Dynamic regression of ``log1p(sales)`` on one design per task.

    ``fit`` refuses series with fewer than :data:`MIN_PERIODS` observed periods (to seasonal
    naive) and intermittent ones (to the slow-mover model), then solves one ridge regression per
    group of series observed on the same periods.

    Attributes
    ----------
    columns_ : list of pandas.Index
        Per task: the design's columns (see :func:`design_matrix`); ``None`` when no series was
        fitted.
    groups_ : list of list of numpy.ndarray
        Per task: the positions of the series of each group (observed on the same periods).
    coef_ : list of list of numpy.ndarray
        Per task and group: the coefficients ``(len(columns_), len(group))`` on the ``log1p``
        scale; 0 for the yearly terms of series seen for less than a year.
    sigma_ : list of list of numpy.ndarray
        Per task and group: each series' residual standard deviation on the ``log1p`` scale.
    """

    name = "regression"
    fitted_attributes = ("columns_", "groups_", "coef_", "sigma_")

    def _fit_task(self, task: Task, refused: dict[int, Refusal]) -> dict[str, Any]:
        n, k = task.y.shape
        observed = ~np.isnan(task.y)
        counts = observed.sum(axis=0)
        zeros = ((task.y == 0) & observed).sum(axis=0)
        for j in range(k):
            if counts[j] < MIN_PERIODS:
                refused[j] = Refusal(f"regression: needs {MIN_PERIODS} periods of history, has "
                                     f"{counts[j]}", "naive")  # fmt: skip
            elif zeros[j] > INTERMITTENT_SHARE * counts[j]:
                refused[j] = Refusal(f"intermittent ({zeros[j] / counts[j]:.0%} zero periods): "
                                     "slow-mover model", "slow")  # fmt: skip
        fit = np.array([j not in refused for j in range(k)], dtype=bool)
        state: dict[str, Any] = {"columns_": None, "groups_": [], "coef_": [], "sigma_": []}
        if not fit.any():
            return state
        design, groups = design_matrix(task)
        x_hist = design.to_numpy()
        penalty = ridge_penalty(design, groups)
        yearly = design.columns.isin(groups.get("yearly", []))
        patterns: dict[bytes, list[int]] = {}
        for j in np.flatnonzero(fit):
            patterns.setdefault(observed[:, j].tobytes(), []).append(j)
        state["columns_"] = design.columns
        for members in patterns.values():
            rows = observed[:, members[0]]
            seen = task.dates[:n][rows]
            # The yearly cycle of a series seen for less than a year is a guess; leave it out.
            use = ~yearly if (seen[-1] - seen[0]).days < 364 else np.ones(len(yearly), bool)
            x = x_hist[rows][:, use]
            y = np.log1p(task.y[rows][:, members])
            beta = np.zeros((len(use), len(members)))
            beta[use], dof = ridge(x, y, penalty[use])
            sd = np.sqrt(((y - x @ beta[use]) ** 2).sum(axis=0) / max(rows.sum() - dof, 1.0))
            state["groups_"].append(np.array(members))
            state["coef_"].append(beta)
            state["sigma_"].append(sd)
        return state

    def _predict_task(self, task: Task, output: Output, state: SimpleNamespace) -> None:
        if not state.groups_:
            return
        design, groups = design_matrix(task)
        check_design(design, state.columns_, self.name)
        n, k = task.y.shape
        x_all = design.to_numpy()
        for members, beta, sd in zip(state.groups_, state.coef_, state.sigma_):
            # exp(30): no overflow, however wild the fit; the runner's guard refuses wild fits
            # (forecasting.models.MAX_RISE) and hands them to seasonal naive.
            mu = np.clip(x_all[n:] @ beta, -30, 30)
            output.point[:, members] = np.expm1(mu)
            output.quantiles[:, :, members] = normal_quantiles(
                mu, np.broadcast_to(sd, mu.shape), task.probs, log=True)  # fmt: skip
            if task.components:
                output.components = output.components or {
                    name: np.full((len(task.dates), k), np.nan) for name in groups
                }
                for name, columns in groups.items():
                    position = design.columns.get_indexer(columns)
                    effect = np.clip(x_all[:, position] @ beta[position], -30, 30)
                    if name == "level":
                        output.components[name][:, members] = np.expm1(effect)
                    else:
                        output.components[name][:, members] = np.exp(effect)


def check_design(design: pd.DataFrame, fitted: pd.Index, model: str) -> None:
    """The design of predict's task must have the columns the model was fitted on (it does
    when the task's history is the fitted one)."""
    if not design.columns.equals(fitted):
        raise NotFittedError(f"model {model} was fitted on other regressors than it was asked "
                             "to forecast with", where=f"fitted on {list(fitted)[:5]}..., "
                             f"given {list(design.columns)[:5]}...",
                             fix="Call predict with the tasks given to fit")  # fmt: skip


def design_matrix(task: Task) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The regression matrix over history and forecast, and its columns by component."""
    history = task.dates[: task.n_hist]
    span_days = (history[-1] - history[0]).days
    yearly = (6 if task.freq == "D" else 10) if span_days >= 364 else 0
    base = base_features(task.dates, task.freq, history[0], yearly=yearly, weekly=True)
    base.insert(0, "intercept", 1.0)
    hist_calendar = task.calendar.iloc[: task.n_hist]
    calendar = task.calendar.loc[:, hist_calendar.sum(axis=0) > 0]
    parts = [base, calendar]
    if task.weather is not None:
        parts.append(task.weather)
    design = pd.concat(parts, axis=1)
    groups = {
        "level": ["intercept", "trend"],
        "weekly": [c for c in base.columns if c.startswith("weekday")],
        "yearly": [c for c in base.columns if c.startswith("year_")],
        "holidays": list(calendar.columns),
        "weather": list(task.weather.columns) if task.weather is not None else [],
    }
    return design, {name: cols for name, cols in groups.items() if cols}


def ridge_penalty(design: pd.DataFrame, groups: dict[str, list[str]]) -> np.ndarray:
    """Penalty per column: :data:`RIDGE` on holiday and event columns, next to none elsewhere."""
    return np.where(design.columns.isin(groups.get("holidays", [])), RIDGE, 1e-8)


def ridge(x: np.ndarray, y: np.ndarray, penalty: np.ndarray) -> tuple[np.ndarray, float]:
    """Ridge coefficients of every column of ``y`` on ``x``, and the fit's degrees of freedom
    (the trace of its hat matrix)."""
    gram = x.T @ x + np.diag(penalty)
    beta = np.linalg.solve(gram, x.T @ y)
    return beta, float(np.trace(np.linalg.solve(gram, x.T @ x)))
