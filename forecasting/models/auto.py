"""``auto``: per series, the model with the lowest error in a rolling-origin backtest.

The candidates are backtested on the series' own history (two windows of the forecast horizon),
each series takes the model with the least absolute error, and its note says what was compared.
The backtest histories are shorter than the real one, so a candidate may fall back there (STL
needs two seasons) where it would not on the whole history; it is judged by what it would have
forecast then. A history too short to leave one season before the windows uses the first
candidate.
"""

from __future__ import annotations

import numpy as np

from forecasting.models.base import Output, Task

CANDIDATES = ("regression", "naive", "stl", "slow")
"""Models ``auto`` compares (prophet and SARIMAX only when asked for: they are slow)."""
WINDOWS = 2


def auto_model(task: Task, candidates: tuple[str, ...] = CANDIDATES) -> Output:
    """Backtest ``candidates`` on each series of ``task`` and forecast with the best."""
    from forecasting.backtest import score_task
    from forecasting.models import run_model

    history = task.cut(task.n_hist, 0)[0]
    h = task.horizon
    first = task.n_hist - WINDOWS * h
    if first <= task.season:
        output = run_model(candidates[0], task)
        output.notes = [f"auto: too short to compare models; {candidates[0]}" + (f"; {n}" if n
                        else "") for n in output.notes]  # fmt: skip
        return output
    starts = [first + i * h for i in range(WINDOWS)]
    errors = np.vstack([
        score_task(history, name, starts, h, levels=()).groupby("column", sort=False)[
            "abs_error"].sum().to_numpy()
        for name in candidates
    ])  # fmt: skip
    best = np.argmin(errors, axis=0)
    output = Output.empty(task, "auto")
    output.fallback = [None] * task.y.shape[1]
    for index in np.unique(best):
        members = np.flatnonzero(best == index)
        inner = run_model(candidates[index], task.subset(members))
        output.point[:, members] = inner.point
        output.quantiles[:, :, members] = inner.quantiles
        for position, j in enumerate(members):
            compared = ", ".join(f"{name} {errors[c, j]:.4g}" for c, name in enumerate(candidates))
            output.models[j] = inner.models[position]
            note = inner.notes[position]
            output.notes[j] = f"auto: chose {candidates[index]} (backtest abs. error: {compared})" \
                + (f"; {note}" if note else "")
    return output
