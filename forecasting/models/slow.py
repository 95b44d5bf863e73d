"""Slow movers: products that sell nothing on most days, and seasonal ones like Christmas ham.

A Poisson regression (log link) on the same design as the dynamic regression: trend, yearly
cycle, weekday, holiday windows and weather. Unlike a log-linear fit of ``log1p(sales)`` it
models the zero days as zeros of a count, so its mean is right for a product that sells one
unit every third day, and a product that only sells in December is forecast to sell in December.
Coefficients are shrunk (ridge), so a holiday window with no sales does not run off to minus
infinity. Quantiles come from a negative binomial with the series' own overdispersion: whole
units, never negative. Series with fewer than :data:`MIN_SALES_DAYS` selling periods get the
mean of their last year instead.

The trend is damped in the forecast. On the log link a linear trend compounds: a slope fitted to
a few months of a department that just opened (Walmart store 16, department 93) forecast
1.07e13 a week 26 weeks out. The forecast trend's step therefore shrinks geometrically, halving
every :data:`TREND_HALF_LIFE_DAYS` (the damped trend of ETS, ``phi`` about 0.95 a week or 0.992
a day), so however long the horizon, it adds at most the history's trend over about 1.44 half
lives (some 19 weeks); and its whole contribution past the history is capped at a factor of
:data:`MAX_TREND_FACTOR` either way, since a slow mover's trend rests on few sales. Geometric
damping keeps the trend's direction for the first weeks, where it is informative, unlike a flat
cap alone, which would let the forecast climb steeply until the cap. Series seen for less than a
year get no yearly cycle, as in the regression.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
from scipy.stats import nbinom, poisson

from forecasting.models.base import Output, Task
from forecasting.models.contract import PerTaskModel, Refusal

MIN_SALES_DAYS = 5
"""Least selling periods for a Poisson regression."""
RIDGE_CALENDAR = 1.0
RIDGE_OTHER = 0.1
ITERATIONS = 50
TREND_HALF_LIFE_DAYS = 91.0
"""The forecast trend's step halves every quarter of a year (see the module docstring)."""
MAX_TREND_FACTOR = 2.0
"""The damped trend may at most double or halve the forecast beyond the last history period."""


class SlowMover(PerTaskModel):
    """Penalised Poisson regression of every series of a task on one design.

    Series with fewer than :data:`MIN_SALES_DAYS` selling periods are not refused: they get the
    mean of their last year (and a note saying so). The others are fitted in two groups: those
    seen for a year or more, with the yearly cycle, and those seen for less, without it.

    Attributes
    ----------
    columns_ : list of pandas.Index
        Per task: the design's columns (see :func:`~forecasting.models.regression.design_matrix`).
    sales_days_ : list of numpy.ndarray
        Per task: each series' selling periods.
    level_ : list of numpy.ndarray
        Per task: the mean of the last year of the series with too few selling periods (NaN for
        the others).
    groups_ : list of list of tuple
        Per task: the positions of each group's series and the design columns it uses.
    coef_ : list of list of numpy.ndarray
        Per task and group: the Poisson coefficients ``(columns used, len(group))``, log link.
    dispersion_ : list of list of numpy.ndarray
        Per task and group: each series' variance over its mean (at least 1, Poisson).
    """

    name = "slow"
    fitted_attributes = ("columns_", "sales_days_", "level_", "groups_", "coef_", "dispersion_")

    def _fit_task(self, task: Task, refused: dict[int, Refusal]) -> dict[str, Any]:
        from forecasting.models.regression import design_matrix

        design, groups = design_matrix(task)
        x_hist = design.to_numpy()
        penalty = np.where(design.columns.isin(groups.get("holidays", [])), RIDGE_CALENDAR,
                           RIDGE_OTHER)  # fmt: skip
        penalty[design.columns.get_loc("intercept")] = 0.0
        observed = ~np.isnan(task.y)
        y = np.where(observed, task.y, 0.0)
        sales_days = ((y > 0) & observed).sum(axis=0)
        fit = sales_days >= MIN_SALES_DAYS
        level = np.full(task.y.shape[1], np.nan)
        for j in np.flatnonzero(~fit):
            recent = task.y[-365:, j]
            level[j] = float(np.nanmean(recent)) if np.any(~np.isnan(recent)) else 0.0
        state: dict[str, Any] = {"columns_": design.columns, "sales_days_": sales_days,
                                 "level_": level, "groups_": [], "coef_": [], "dispersion_": []}
        members = np.flatnonzero(fit)
        if len(members) == 0:
            return state
        yearly = design.columns.isin(groups.get("yearly", []))
        seen = np.array([_days_seen(task, j) for j in members])
        for short in (False, True):
            part = members[(seen < 364) == short]
            if len(part) == 0:
                continue
            # As in the regression: a yearly cycle fitted on less than a year of sales is a
            # guess that runs off outside the months seen.
            use = ~yearly if short else np.ones(len(yearly), bool)
            x = x_hist[:, use]
            weights = observed[:, part].astype(float)
            beta = _poisson_irls(x, y[:, part], weights, penalty[use])
            mu_hist = np.exp(np.clip(x @ beta, -30, 30))
            dof = np.maximum(weights.sum(axis=0) - x.shape[1], 1.0)
            pearson = (weights * (y[:, part] - mu_hist) ** 2 / np.maximum(mu_hist, 1e-9)
                       ).sum(axis=0)  # fmt: skip
            state["groups_"].append((part, use))
            state["coef_"].append(beta)
            state["dispersion_"].append(np.maximum(pearson / dof, 1.0))
        return state

    def _predict_task(self, task: Task, output: Output, state: SimpleNamespace) -> None:
        from forecasting.models.regression import check_design, design_matrix

        for j in np.flatnonzero(state.sales_days_ < MIN_SALES_DAYS):
            output.point[:, j] = state.level_[j]
            output.quantiles[:, :, j] = _count_quantiles(np.full(task.horizon, state.level_[j]),
                                                         1.0, task.probs)  # fmt: skip
            output.notes[j] = f"slow: {state.sales_days_[j]} selling periods; mean of the last year"
        if not state.groups_:
            return
        design, _ = design_matrix(task)
        check_design(design, state.columns_, self.name)
        x_all, n = design.to_numpy(), task.n_hist
        trend = design.columns.get_loc("trend")
        for (part, use), beta, dispersion in zip(state.groups_, state.coef_, state.dispersion_):
            x_future, x_last = x_all[n:, use], x_all[n - 1, use]
            mu = np.exp(np.clip(_damped_eta(x_future, x_last, beta, int(np.sum(use[:trend]))),
                                -30, 30))  # fmt: skip
            output.point[:, part] = mu
            for position, j in enumerate(part):
                output.quantiles[:, :, j] = _count_quantiles(mu[:, position], dispersion[position],
                                                             task.probs)  # fmt: skip


def _days_seen(task: Task, j: int) -> int:
    """Days from a series' first to its last observed period."""
    seen = task.dates[: task.n_hist][~np.isnan(task.y[:, j])]
    return (seen[-1] - seen[0]).days if len(seen) else 0


def _damped_eta(x_future: np.ndarray, x_last: np.ndarray, beta: np.ndarray,
                trend: int) -> np.ndarray:  # fmt: skip
    """The linear predictor of the forecast periods with the trend damped.

    The trend's step from one forecast period to the next shrinks by a factor ``phi`` per
    period, with ``phi`` halving it every :data:`TREND_HALF_LIFE_DAYS`; its total contribution
    past the last history period is then also capped at a factor of :data:`MAX_TREND_FACTOR`
    either way.
    """
    t = x_future[:, trend]
    if len(t) == 0:
        return x_future @ beta
    step_years = t[1] - t[0] if len(t) > 1 else t[0] - x_last[trend]
    phi = 0.5 ** (step_years * 365.25 / TREND_HALF_LIFE_DAYS)
    steps = np.cumsum(phi ** np.arange(1, len(t) + 1))
    damped = x_last[trend] + step_years * steps
    rise = np.clip(np.outer(damped - x_last[trend], beta[trend]), -np.log(MAX_TREND_FACTOR),
                   np.log(MAX_TREND_FACTOR))  # fmt: skip
    rest = np.delete(x_future, trend, axis=1) @ np.delete(beta, trend, axis=0)
    return rest + x_last[trend] * beta[trend][None, :] + rise


def _poisson_irls(x: np.ndarray, y: np.ndarray, weights: np.ndarray,
                  penalty: np.ndarray) -> np.ndarray:  # fmt: skip
    """Ridge-penalised Poisson regression of every column of ``y`` at once, by IRLS.

    Starts from a least-squares fit of ``log(y + 0.5)`` and halves a step that would raise the
    penalised deviance, so that series with long runs of zeros converge. Returns the
    coefficients, ``(columns of x, columns of y)``.
    """
    eye = np.diag(penalty)
    gram = _weighted_gram(x, weights) + eye + 1e-6 * np.eye(len(eye))
    rhs = np.einsum("np,nk->kp", x, weights * np.log(y + 0.5), optimize=True)
    beta = np.linalg.solve(gram, rhs[..., None])[..., 0].T
    loss = _penalised_deviance(x, y, weights, beta, penalty)
    for _ in range(ITERATIONS):
        eta = np.clip(x @ beta, -30, 30)
        mu = np.exp(eta)
        w = weights * mu
        z = eta + (y - mu) / np.maximum(mu, 1e-9)
        gram = _weighted_gram(x, w) + eye
        rhs = np.einsum("np,nk->kp", x, w * z, optimize=True)
        new = np.linalg.solve(gram, rhs[..., None])[..., 0].T
        for _ in range(8):
            new_loss = _penalised_deviance(x, y, weights, new, penalty)
            worse = new_loss > loss + 1e-9
            if not worse.any():
                break
            new[:, worse] = 0.5 * (beta[:, worse] + new[:, worse])
        change = np.max(np.abs(new - beta))
        beta, loss = new, np.minimum(loss, new_loss)
        if change < 1e-5:
            break
    return beta


def _weighted_gram(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``x.T @ diag(weights[:, k]) @ x`` for every column ``k``: ``(k, p, p)``.

    One batched matrix product (BLAS); ``einsum("np,nk,nq->kpq")`` gives the same sums but
    loops in C without BLAS, 20 times slower at a year of days and 25 series.
    """
    weighted = weights.T[:, :, None] * x[None, :, :]
    return weighted.transpose(0, 2, 1) @ x


def _penalised_deviance(x: np.ndarray, y: np.ndarray, weights: np.ndarray, beta: np.ndarray,
                        penalty: np.ndarray) -> np.ndarray:  # fmt: skip
    eta = np.clip(x @ beta, -30, 30)
    loss = (weights * (np.exp(eta) - y * eta)).sum(axis=0)
    return loss + 0.5 * (penalty[:, None] * beta**2).sum(axis=0)


def _count_quantiles(mean: np.ndarray, ratio: float, probs: tuple[float, ...]) -> np.ndarray:
    """Negative binomial quantiles with variance ``ratio`` x mean (Poisson when about 1)."""
    q = np.asarray(probs)[:, None]
    mu = np.maximum(mean, 1e-9)[None, :]
    if ratio <= 1.0 + 1e-3:
        return poisson.ppf(q, mu)
    return nbinom.ppf(q, mu / (ratio - 1.0), 1.0 / ratio)
