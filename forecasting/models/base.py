"""The contract every forecasting model keeps.

A model gets a :class:`Task` (a batch of series of one store that share dates and regressors)
and returns an :class:`Output`: a point forecast and the asked quantiles per series. A model that
cannot forecast a series says why and names a simpler model in ``fallback``; the runner then
asks that one (see :func:`forecasting.models.run_model`). Clipping at zero and zeroing closed
days happen once, in :func:`finalise`, not in each model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.stats import norm


@dataclass(frozen=True)
class Task:
    """Series of one store to forecast together.

    Attributes
    ----------
    store : str
    columns : numpy.ndarray
        Positions of the series in their :class:`~forecasting.series.SeriesSet`.
    y : numpy.ndarray
        ``(n_hist, k)`` history; NaN on closed days and before a series began.
    dates : pandas.DatetimeIndex
        ``n_hist`` history periods then the forecast periods.
    freq : str
    season : int
        7 (daily) or 52 (weekly).
    calendar : pandas.DataFrame
        Event indicators indexed by ``dates``.
    weather : pandas.DataFrame or None
        Weather regressors indexed by ``dates``.
    events : pandas.DataFrame
        Event days behind ``calendar`` (for prophet's holidays).
    closed : numpy.ndarray
        Whether the store is closed on each period of ``dates``.
    probs : tuple of float
        Probabilities of the quantiles to return, ascending.
    components : bool
        Whether to return the components of the forecast (where the model has them).
    """

    store: str
    columns: np.ndarray
    y: np.ndarray
    dates: pd.DatetimeIndex
    freq: str
    season: int
    calendar: pd.DataFrame
    weather: pd.DataFrame | None
    events: pd.DataFrame
    closed: np.ndarray
    probs: tuple[float, ...]
    components: bool = False

    @property
    def n_hist(self) -> int:
        """Periods of history."""
        return self.y.shape[0]

    @property
    def horizon(self) -> int:
        """Periods to forecast."""
        return len(self.dates) - self.n_hist

    def subset(self, which: np.ndarray) -> Task:
        """The same task for some of its series (positions within the task)."""
        return replace(self, columns=self.columns[which], y=self.y[:, which])

    def cut(self, origin: int, horizon: int) -> tuple[Task, np.ndarray]:
        """The task as it stood at ``origin`` (history before it), forecasting ``horizon``
        periods; and the actual values of those periods."""
        end = origin + horizon
        task = replace(
            self,
            y=self.y[:origin],
            dates=self.dates[:end],
            calendar=self.calendar.iloc[:end],
            weather=None if self.weather is None else self.weather.iloc[:end],
            closed=self.closed[:end],
        )
        return task, self.y[origin:end]


@dataclass
class Output:
    """Forecasts of the series of a :class:`Task`.

    Attributes
    ----------
    point : numpy.ndarray
        ``(horizon, k)``.
    quantiles : numpy.ndarray
        ``(len(probs), horizon, k)``.
    models : list of str
        The model that made each series' forecast.
    notes : list of str
        Why a series was not made by the asked model ("" when it was).
    fallback : list of str or None
        For series this model could not forecast: the model to ask instead.
    components : dict of str to numpy.ndarray, optional
        Multiplicative effects ``(n_hist + horizon, k)`` by component name.
    """

    point: np.ndarray
    quantiles: np.ndarray
    models: list[str]
    notes: list[str]
    fallback: list[str | None] = field(default_factory=list)
    components: dict[str, np.ndarray] | None = None

    @classmethod
    def empty(cls, task: Task, model: str) -> Output:
        """NaN forecasts for every series of ``task``, to be filled in."""
        k = task.y.shape[1]
        return cls(
            point=np.full((task.horizon, k), np.nan),
            quantiles=np.full((len(task.probs), task.horizon, k), np.nan),
            models=[model] * k,
            notes=[""] * k,
            fallback=[None] * k,
        )

    def refuse(self, j: int, note: str, fallback: str) -> None:
        """Mark series ``j`` as not forecast here, to be handed to ``fallback``."""
        self.notes[j] = note
        self.fallback[j] = fallback


class TooShort(Exception):
    """A series has too little history for a model; the message says how much it needs."""


def normal_quantiles(mean: np.ndarray, sd: np.ndarray, probs: tuple[float, ...],
                     *, log: bool = False) -> np.ndarray:  # fmt: skip
    """Quantiles of a normal forecast distribution, shape ``(len(probs),) + mean.shape``.

    With ``log=True`` the normal is on the ``log1p`` scale and the quantiles are transformed
    back with ``expm1``.
    """
    z = norm.ppf(np.asarray(probs, dtype=float)).reshape((-1,) + (1,) * np.ndim(mean))
    values = np.asarray(mean)[None] + z * np.asarray(sd)[None]
    return np.expm1(values) if log else values


def finalise(output: Output, closed: np.ndarray) -> Output:
    """Never negative, zero on closed days (``closed`` of the forecast periods), quantiles in
    order."""
    output.point = np.clip(np.nan_to_num(output.point, nan=0.0), 0.0, None)
    output.point[closed] = 0.0
    quantiles = np.clip(np.nan_to_num(output.quantiles, nan=0.0), 0.0, None)
    quantiles = np.maximum.accumulate(quantiles, axis=0)
    quantiles[:, closed] = 0.0
    output.quantiles = quantiles
    return output


def each_series(task: Task, name: str,
                fit_one: Callable[[np.ndarray, Task], tuple[np.ndarray, np.ndarray]],
                fallback: str) -> Output:  # fmt: skip
    """Run a one-series model over every series of ``task``.

    ``fit_one(y, task)`` returns the point forecast and the quantiles of one series, or raises
    :class:`TooShort` (or a numerical error), which hands the series to ``fallback``.
    """
    output = Output.empty(task, name)
    for j in range(task.y.shape[1]):
        y = task.y[:, j]
        try:
            point, quantiles = fit_one(y, task)
        except TooShort as error:
            output.refuse(j, f"{name}: {error}", fallback)
            continue
        except (ValueError, np.linalg.LinAlgError, RuntimeError) as error:
            output.refuse(j, f"{name} failed ({type(error).__name__}: {error})"[:160], fallback)
            continue
        output.point[:, j] = point
        output.quantiles[:, :, j] = quantiles
    return output


def observed(y: np.ndarray) -> np.ndarray:
    """The history from the series' first observation on (NaN only on closed days)."""
    seen = np.flatnonzero(~np.isnan(y))
    return y[seen[0]:] if len(seen) else y[:0]


def fill_closed(y: np.ndarray, season: int) -> np.ndarray:
    """Closed days replaced by the value a season before (else the nearest), for models that
    need an unbroken series."""
    out = y.copy()
    gaps = np.flatnonzero(np.isnan(out))
    for t in gaps:
        if t >= season and not np.isnan(out[t - season]):
            out[t] = out[t - season]
    if np.isnan(out).any():
        out = pd.Series(out).interpolate(limit_direction="both").to_numpy()
    return out
