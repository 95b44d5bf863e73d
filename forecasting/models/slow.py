"""Slow movers: products that sell nothing on most days, and seasonal ones like Christmas ham.

A Poisson regression (log link) on the same design as the dynamic regression: trend, yearly
cycle, weekday, holiday windows and weather. Unlike a log-linear fit of ``log1p(sales)`` it
models the zero days as zeros of a count, so its mean is right for a product that sells one
unit every third day, and a product that only sells in December is forecast to sell in December.
Coefficients are shrunk (ridge), so a holiday window with no sales does not run off to minus
infinity. Quantiles come from a negative binomial with the series' own overdispersion: whole
units, never negative. Series with fewer than :data:`MIN_SALES_DAYS` selling periods get the
mean of their last year instead.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import nbinom, poisson

from forecasting.models.base import Output, Task

MIN_SALES_DAYS = 5
"""Least selling periods for a Poisson regression."""
RIDGE_CALENDAR = 1.0
RIDGE_OTHER = 0.1
ITERATIONS = 50


def slow_mover(task: Task) -> Output:
    """Forecast every series of ``task`` by penalised Poisson regression."""
    from forecasting.models.regression import design_matrix

    output = Output.empty(task, "slow")
    design, groups = design_matrix(task)
    x_all = design.to_numpy()
    n = task.n_hist
    x_hist = x_all[:n]
    penalty = np.where(design.columns.isin(groups.get("holidays", [])), RIDGE_CALENDAR,
                       RIDGE_OTHER)  # fmt: skip
    penalty[design.columns.get_loc("intercept")] = 0.0
    observed = ~np.isnan(task.y)
    y = np.where(observed, task.y, 0.0)
    sales_days = ((y > 0) & observed).sum(axis=0)
    fit = sales_days >= MIN_SALES_DAYS
    for j in np.flatnonzero(~fit):
        recent = task.y[-365:, j]
        level = float(np.nanmean(recent)) if np.any(~np.isnan(recent)) else 0.0
        output.point[:, j] = level
        output.quantiles[:, :, j] = _count_quantiles(np.full(task.horizon, level), 1.0,
                                                     task.probs)  # fmt: skip
        output.notes[j] = f"slow: {sales_days[j]} selling periods; mean of the last year"
    members = np.flatnonzero(fit)
    if len(members) == 0:
        return output
    weights = observed[:, members].astype(float)
    beta = _poisson_irls(x_hist, y[:, members], weights, penalty)
    mu_hist = np.exp(np.clip(x_hist @ beta, -30, 30))
    mu = np.exp(np.clip(x_all[n:] @ beta, -30, 30))
    dof = np.maximum(weights.sum(axis=0) - x_hist.shape[1], 1.0)
    pearson = (weights * (y[:, members] - mu_hist) ** 2 / np.maximum(mu_hist, 1e-9)).sum(axis=0)
    dispersion = np.maximum(pearson / dof, 1.0)
    output.point[:, members] = mu
    for position, j in enumerate(members):
        output.quantiles[:, :, j] = _count_quantiles(mu[:, position], dispersion[position],
                                                     task.probs)  # fmt: skip
    return output


def _poisson_irls(x: np.ndarray, y: np.ndarray, weights: np.ndarray,
                  penalty: np.ndarray) -> np.ndarray:  # fmt: skip
    """Ridge-penalised Poisson regression of every column of ``y`` at once, by IRLS.

    Starts from a least-squares fit of ``log(y + 0.5)`` and halves a step that would raise the
    penalised deviance, so that series with long runs of zeros converge. Returns the
    coefficients, ``(columns of x, columns of y)``.
    """
    eye = np.diag(penalty)
    gram = np.einsum("np,nk,nq->kpq", x, weights, x, optimize=True) + eye + 1e-6 * np.eye(len(eye))
    rhs = np.einsum("np,nk->kp", x, weights * np.log(y + 0.5), optimize=True)
    beta = np.linalg.solve(gram, rhs[..., None])[..., 0].T
    loss = _penalised_deviance(x, y, weights, beta, penalty)
    for _ in range(ITERATIONS):
        eta = np.clip(x @ beta, -30, 30)
        mu = np.exp(eta)
        w = weights * mu
        z = eta + (y - mu) / np.maximum(mu, 1e-9)
        gram = np.einsum("np,nk,nq->kpq", x, w, x, optimize=True) + eye
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
