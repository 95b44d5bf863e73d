"""The contract every forecasting model keeps: ``fit`` on the history, ``predict`` the horizon.

Models are estimators in the manner of scikit-learn and statsforecast:

- ``__init__`` stores parameters only (kori's models have none yet);
- :meth:`Model.fit` learns from the *history* of one or many :class:`~forecasting.models.base.Task`
  (``task.y`` and the regressors' first ``n_hist`` rows, :meth:`Task.history
  <forecasting.models.base.Task.history>`), returns the model, and keeps what it learned in
  attributes whose names end in ``_``; fitting again replaces the old fit;
- :meth:`Model.predict` forecasts the same tasks' horizon from that fitted state, the future rows
  of their regressors and ``task.probs``, without refitting: predicting twice gives the same
  forecast, and predicting before fitting raises :class:`~forecasting.errors.NotFittedError`.

A series a model cannot fit (too short, intermittent, a numerical failure) is refused at fit:
:attr:`Model.refused_` holds a :class:`Refusal` (why, and the simpler model to ask instead) per
task and series, and ``predict`` returns it refused (:meth:`Output.refuse
<forecasting.models.base.Output.refuse>`). The runner (:func:`forecasting.models.run_block`)
hands those series to their fallback and keeps the note, so every fallback is reported.

A *global* model (:attr:`Model.is_global`) fits one model over all series of all the tasks; a
per-series model derives from :class:`PerTaskModel` (one fit per task, the series of a task
sharing a design) or :class:`PerSeriesModel` (one fit per series), which hold the loops, the
refusals and the checks, so that a model writes only what it estimates and how it forecasts.

Examples
--------
>>> from forecasting.models import model_class
>>> model = model_class("regression")().fit(tasks)
>>> model.coef_[0][0].shape          # task 0, first group of series: (regressors, series)
>>> outputs = model.predict(tasks)   # one Output per task
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, ClassVar, NamedTuple, TypeVar

import numpy as np

from forecasting.errors import NotFittedError
from forecasting.models.base import Output, Task, TooShort

M = TypeVar("M", bound="Model")

NUMERICAL_ERRORS = (ValueError, np.linalg.LinAlgError, RuntimeError)
"""Errors of a fit or forecast that refuse the series to the fallback instead of failing the
run (a singular matrix, a diverged optimiser)."""


class Refusal(NamedTuple):
    """Why a model does not forecast a series, and the model to ask instead."""

    note: str
    fallback: str


def failure(name: str, error: Exception) -> str:
    """The note for a series whose fit or forecast failed: ``ets failed (ValueError: ...)``."""
    return f"{name} failed ({type(error).__name__}: {error})"[:160]


class Model(ABC):
    """A forecasting model: ``fit(tasks)`` on the history, then ``predict(tasks)``.

    Attributes
    ----------
    name : str
        The model's name in :data:`forecasting.models.MODELS` (class attribute).
    is_global : bool
        Whether one model is fitted over every series of every task (class attribute).
    fitted_on_ : list of tuple
        After ``fit``: each task's store, series positions and history length, which
        ``predict`` checks its tasks against.
    refused_ : list of dict of int to Refusal
        After ``fit``: per task, the series (positions within the task) not fitted, and why.
    """

    name: ClassVar[str]
    is_global: ClassVar[bool] = False

    @abstractmethod
    def fit(self: M, tasks: Sequence[Task]) -> M:
        """Learn from the history of ``tasks``; return the model.

        Reads only ``task.y`` and the regressors' first ``n_hist`` rows (a global model also
        the horizon's length, for its lags).
        """

    @abstractmethod
    def predict(self, tasks: Sequence[Task]) -> list[Output]:
        """Forecast the horizon of the tasks the model was fitted on, one Output per task.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`, or for other tasks than it was fitted on.
        """

    def check_is_fitted(self) -> None:
        """Raise :class:`~forecasting.errors.NotFittedError` unless :meth:`fit` has run."""
        if not hasattr(self, "refused_"):
            raise NotFittedError(f"model {self.name} is not fitted",
                                 fix="Call fit(tasks) before predict(tasks)")  # fmt: skip

    def _forget(self) -> None:
        """Drop a previous fit (every attribute ending in ``_``)."""
        for key in [key for key in vars(self) if key.endswith("_")]:
            delattr(self, key)

    @staticmethod
    def _key(task: Task) -> tuple[str, tuple[int, ...], int]:
        return task.store, tuple(int(c) for c in task.columns), task.n_hist

    def _check_tasks(self, tasks: Sequence[Task]) -> None:
        """Predict's tasks must be the fitted ones: the same stores, series and history."""
        self.check_is_fitted()
        keys = [self._key(task) for task in tasks]
        if keys != self.fitted_on_:
            raise NotFittedError(
                f"model {self.name} was fitted on other series than it was asked to forecast",
                where=f"fitted on {len(self.fitted_on_)} tasks, asked for {len(keys)}",
                fix="Call predict with the tasks given to fit (their future regressors may "
                    "differ)",
            )  # fmt: skip

    def _empty(self, task: Task, i: int) -> Output:
        """NaN forecasts of fitted task ``i``, its refused series marked."""
        output = Output.empty(task, self.name)
        for j, refusal in self.refused_[i].items():
            output.refuse(j, refusal.note, refusal.fallback)
        return output

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class PerTaskModel(Model):
    """A model fitted task by task (the series of a task may share a design and one solve).

    A subclass names its per-task fitted attributes in :attr:`fitted_attributes` and implements
    :meth:`_fit_task` and :meth:`_predict_task`; ``fit`` stores each attribute as a list with
    one entry per task (``model.coef_[i]`` is task ``i``'s).
    """

    fitted_attributes: ClassVar[tuple[str, ...]] = ()
    """Names of the per-task fitted attributes, each ending in ``_``."""

    def fit(self: M, tasks: Sequence[Task]) -> M:
        """Fit every task on its history; see :meth:`Model.fit`."""
        self._forget()
        tasks = list(tasks)
        state: dict[str, list[Any]] = {name: [] for name in self.fitted_attributes}
        refused: list[dict[int, Refusal]] = []
        for task in tasks:
            refused.append({})
            values = self._fit_task(task.history(), refused[-1])
            for name in self.fitted_attributes:
                state[name].append(values[name])
        for name, values_ in state.items():
            setattr(self, name, values_)
        self.fitted_on_ = [self._key(task) for task in tasks]
        self.refused_ = refused
        return self

    def predict(self, tasks: Sequence[Task]) -> list[Output]:
        """Forecast every fitted task; see :meth:`Model.predict`."""
        self._check_tasks(tasks)
        outputs = []
        for i, task in enumerate(tasks):
            output = self._empty(task, i)
            self._predict_task(task, output, self._state(i))
            outputs.append(output)
        return outputs

    def _state(self, i: int) -> SimpleNamespace:
        """Task ``i``'s fitted attributes: ``state.coef_`` is ``self.coef_[i]``."""
        names = self.fitted_attributes
        return SimpleNamespace(**{name: getattr(self, name)[i] for name in names})

    @abstractmethod
    def _fit_task(self, task: Task, refused: dict[int, Refusal]) -> dict[str, Any]:
        """Fit one task's history (``task`` has a horizon of 0); return the task's values of
        :attr:`fitted_attributes`.

        Series not fitted go into ``refused`` (position -> :class:`Refusal`).
        """

    @abstractmethod
    def _predict_task(self, task: Task, output: Output, state: SimpleNamespace) -> None:
        """Fill ``output`` (refused series already marked) with the forecast of ``task``."""


class PerSeriesModel(PerTaskModel):
    """A model fitted series by series: :meth:`_fit_series` and :meth:`_predict_series`.

    A series whose fit raises :class:`~forecasting.models.base.TooShort` or a numerical error
    (:data:`NUMERICAL_ERRORS`) is refused to :attr:`fallback` with a note; a forecast that fails
    too. Per-series fitted attributes are lists over the task's series (``None`` where
    refused): ``model.results_[i][j]`` is series ``j`` of task ``i``.
    """

    fallback: ClassVar[str]
    """The model asked for the series this one refuses."""

    def _prepare_fit(self, task: Task) -> dict[str, Any]:
        """What the series of a task share in fit (a design); its keys listed in
        :attr:`fitted_attributes` are stored per task."""
        return {}

    def _prepare_predict(self, task: Task, state: SimpleNamespace) -> dict[str, Any]:
        """What the series of a task share in predict."""
        return {}

    @abstractmethod
    def _fit_series(self, y: np.ndarray, task: Task, shared: dict[str, Any]) -> dict[str, Any]:
        """Fit one series' history ``y``: its values of the per-series fitted attributes."""

    @abstractmethod
    def _predict_series(self, task: Task, state: SimpleNamespace, shared: dict[str, Any],
                        j: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """Series ``j``'s point forecast ``(horizon,)`` and quantiles ``(len(probs), horizon)``."""

    def _fit_task(self, task: Task, refused: dict[int, Refusal]) -> dict[str, Any]:
        shared = self._prepare_fit(task)
        k = task.y.shape[1]
        values = {name: shared[name] if name in shared else [None] * k
                  for name in self.fitted_attributes}  # fmt: skip
        for j in range(k):
            try:
                fitted = self._fit_series(task.y[:, j], task, shared)
            except TooShort as error:
                refused[j] = Refusal(f"{self.name}: {error}", self.fallback)
                continue
            except NUMERICAL_ERRORS as error:
                refused[j] = Refusal(failure(self.name, error), self.fallback)
                continue
            for name, value in fitted.items():
                values[name][j] = value
        return values

    def _predict_task(self, task: Task, output: Output, state: SimpleNamespace) -> None:
        shared = self._prepare_predict(task, state)
        for j in range(task.y.shape[1]):
            if output.fallback[j] is not None:
                continue
            try:
                point, quantiles = self._predict_series(task, state, shared, j)
            except NUMERICAL_ERRORS as error:
                output.refuse(j, failure(self.name, error), self.fallback)
                continue
            output.point[:, j] = point
            output.quantiles[:, :, j] = quantiles
