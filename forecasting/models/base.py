"""What every forecasting model takes and returns: :class:`Task` and :class:`Output`.

A :class:`Task` is a batch of series of one store that share dates and regressors: the history
``y`` and the regressors (calendar, weather, closed days) over the history *and* the horizon.
A model (:class:`forecasting.models.contract.Model`) is fitted on the tasks' history
(:meth:`Task.history`: ``y`` and the regressors' first ``n_hist`` rows) and then forecasts them
with the future rows, returning one :class:`Output` per task: a point forecast and the asked
quantiles per series. A series the model cannot forecast comes back refused
(:meth:`Output.refuse`): a note saying why and a simpler model in ``fallback``, which the runner
then asks (see :func:`forecasting.models.run_block`). Clipping at zero and zeroing closed days
happen once, in :func:`finalise`, not in each model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.stats import norm

from forecasting.errors import ForecastError


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

    def history(self) -> Task:
        """The task as a model's ``fit`` sees it: the history, and the regressors' first
        ``n_hist`` rows (a horizon of 0). Event days after the history are left out too."""
        task, _ = self.cut(self.n_hist, 0)
        if "date" in self.events and self.n_hist:
            seen = self.events["date"] <= self.dates[self.n_hist - 1]
            task = replace(task, events=self.events[seen])
        return task

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


def year_periods(freq: str) -> int:
    """Periods in a year that keep the weekday: 364 days, or 52 weeks."""
    return 364 if freq == "D" else 52


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


def finalise(output: Output, closed: np.ndarray, *, task: Task | None = None) -> Output:
    """Never negative, zero on closed days (``closed`` of the forecast periods), quantiles in
    order.

    Raises
    ------
    ForecastError
        If a forecast is still NaN or infinite on an open period. The runner's guard
        (:func:`forecasting.models.implausible`) hands such series to a fallback, so this is a
        bug; it is raised, naming the series (position in ``task``'s store), rather than written
        as 0.
    """
    output.point, output.quantiles = output.point.copy(), output.quantiles.copy()
    output.point[closed] = 0.0
    output.quantiles[:, closed] = 0.0
    bad = ~np.isfinite(output.point).all(axis=0) | ~np.isfinite(output.quantiles).all(axis=(0, 1))
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        where = f"series {j}" if task is None else \
            f"store {task.store}, series {int(task.columns[j])}"  # fmt: skip
        raise ForecastError(f"model {output.models[j]} returned a forecast that is not a number",
                            where=where, fix="This is a bug in kori; please report it")  # fmt: skip
    output.point = np.clip(output.point, 0.0, None)
    quantiles = np.clip(output.quantiles, 0.0, None)
    quantiles = np.maximum.accumulate(quantiles, axis=0)
    quantiles[:, closed] = 0.0
    output.quantiles = quantiles
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
