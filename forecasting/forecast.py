"""Forecast every series: the entry point of the library.

>>> from forecasting.forecast import forecast                      # doctest: +SKIP
>>> result = forecast(series, horizon=28, regressors=Regressors(weather=weather))
>>> result.table.head()
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from forecasting.engine import Engine, map_tasks
from forecasting.intervals import (  # re-exported: the CLI, tests and benchmarks import them here
    LEVEL_RANGE,
    QUANTILE_RANGE,
    check_levels,
    check_probabilities,
    check_quantiles,
    level_bounds,
    level_name,
    level_probs,
    quantile_name,
)
from forecasting.models import DEFAULT_MODEL, blocks, model_function, run_block, series_count
from forecasting.models.base import Output, Task
from forecasting.products import product_names, with_products
from forecasting.regressors import Design
from forecasting.series import SeriesSet, future_dates
from forecasting.tasks import Regressors, build_tasks


@dataclass(frozen=True)
class ForecastResult:
    """Forecasts of every series.

    Attributes
    ----------
    table : pandas.DataFrame
        Long table: ``date, store, <sku|category>, model, forecast, lo<L>, hi<L> ...,
        q<P> ..., weather, note``; with a catalog and sku series, ``name`` and ``category``
        follow ``sku``. ``weather`` is ``file``, ``climatology`` or empty (no weather
        regressors).
    series : SeriesSet
        The history.
    designs : dict of str to Design
        Regressors of each store.
    components : pandas.DataFrame or None
        Multiplicative effects per series and date (``level`` in units; ``weekly``, ``yearly``,
        ``holidays``, ``weather`` as factors), for models that have them.
    closed : dict of str to list of pandas.Timestamp
        Forecast periods on which each store is closed (forecast zero).
    model : str
        The model asked for (others made the series in :meth:`fallbacks`).
    horizon : int
        Periods forecast.
    products : pandas.DataFrame or None
        ``sku, name, category`` of the series' products, from the catalog given to
        :func:`forecast` (sku series only).
    """

    table: pd.DataFrame
    series: SeriesSet
    designs: dict[str, Design]
    components: pd.DataFrame | None
    closed: dict[str, list[pd.Timestamp]]
    model: str = DEFAULT_MODEL
    horizon: int = 0
    products: pd.DataFrame | None = None

    def labels(self) -> list[str]:
        """One label per series of ``series.keys`` for people: ``HKI K1040 Christmas ham
        salted 2 kg`` with a catalog, ``HKI K1040`` without."""
        labels = self.series.labels()
        if self.products is None or self.series.item_column != "sku":
            return labels
        names = dict(zip(self.products["sku"], self.products["name"]))
        return [f"{label} {names[sku]}" if names.get(sku) else label
                for label, sku in zip(labels, self.series.keys["sku"])]  # fmt: skip

    def summary(self) -> list[str]:
        """What was forecast, by which models, and what a planner should know about it.

        Returns
        -------
        list of str
            The series and models; series another model made, their reasons grouped; forecast
            days on climatology weather, history weather interpolated, and closed days, per
            store.
        """
        keys = ["store"] + ([self.series.item_column] if self.series.item_column else [])
        models = self.table.drop_duplicates(keys)["model"].value_counts()
        counts = ", ".join(f"{n:,} {name}" for name, n in models.items())
        lines = [f"Forecast {len(self.series.keys):,} series x {self.horizon} periods: {counts}"]
        fallbacks = self.fallbacks()
        if len(fallbacks):
            lines.append(f"  {len(fallbacks):,} series not made by {self.model}:"
                         + "".join(f"\n    {line}" for line in grouped_notes(fallbacks["note"])))
        for store, days in self.climatology_days().items():
            lines.append(f"  {store}: weather of {len(days)} forecast days ({days[0]:%Y-%m-%d} "
                         f"to {days[-1]:%Y-%m-%d}) is climatology: the weather file ends before "
                         "them")  # fmt: skip
        for store, design in self.designs.items():
            if design.weather_filled:
                lines.append(f"  {store}: weather of {design.weather_filled} history periods "
                             "missing, interpolated")  # fmt: skip
        for store, days in self.closed.items():
            lines.append(f"  {store}: closed on {', '.join(f'{d:%Y-%m-%d}' for d in days)}; "
                         "forecasts are zero")  # fmt: skip
        return lines

    def fallbacks(self) -> pd.DataFrame:
        """Series not made by the asked model, with the reason: ``series, model, note``."""
        item = self.series.item_column
        keys = ["store"] + ([item] if item else [])
        notes = self.table.drop_duplicates(keys)
        notes = notes[notes["note"] != ""]
        return notes[keys + ["model", "note"]].reset_index(drop=True)

    def climatology_days(self) -> dict[str, list[pd.Timestamp]]:
        """Forecast days whose weather is climatology, by store."""
        out = {}
        future = self.table["date"] > self.series.dates[-1]
        for store, design in self.designs.items():
            days = design.dates[design.climatology]
            days = days[days > self.series.dates[-1]]
            if len(days) and future.any():
                out[store] = list(days)
        return out


def forecast(
    series: SeriesSet,
    *,
    horizon: int,
    model: str = DEFAULT_MODEL,
    regressors: Regressors | None = None,
    levels: Sequence[float] = (80, 95),
    quantiles: Sequence[float] = (),
    components: bool = False,
    catalog: pd.DataFrame | None = None,
    jobs: int = 1,
    engine: Engine | None = None,
    progress: Callable[[int], None] | None = None,
) -> ForecastResult:
    """Forecast every series of ``series`` ``horizon`` periods ahead.

    Parameters
    ----------
    series : SeriesSet
        From :func:`forecasting.series.sales_series`.
    horizon : int
        Periods to forecast (days or weeks).
    model : str, default "regression"
        A name from :data:`forecasting.models.MODELS`.
    regressors : Regressors, optional
        Holidays, events, weather, store hours; Finnish holidays only by default.
    levels : sequence of float, default (80, 95)
        Central prediction intervals, in percent.
    quantiles : sequence of float
        Extra quantiles, as fractions (0.5, 0.9, 0.95).
    components : bool
        Also return the effects of the regressors (dynamic regression only).
    catalog : pandas.DataFrame, optional
        ``sku, name, category``: sku series get the product's ``name`` and ``category`` in
        the table (right after ``sku``) and in :meth:`ForecastResult.labels`. Skus the catalog
        lacks get empty ones.
    jobs : int, default 1
        Worker processes.
    engine : Engine, optional
        Where the blocks of series run (local processes or a Dask cluster); overrides
        ``jobs``. The forecasts are the same on every engine.
    progress : callable, optional
        Called with the number of series finished, as they finish.

    Returns
    -------
    ForecastResult

    Raises
    ------
    ParameterError
        For a horizon below 1, an unknown model, a bad level or quantile, or a catalog
        without ``sku``, ``name`` and ``category`` columns.
    """
    levels, quantiles = check_levels(levels), check_quantiles(quantiles)
    model_function(model)
    products = product_names(series, catalog)
    regressors = regressors or Regressors()
    future = future_dates(series, horizon)
    probs = tuple(sorted(set(level_probs(levels)) | {float(q) for q in quantiles}))
    tasks, designs = build_tasks(series, future, regressors, probs, components=components)
    done = map_tasks(partial(run_block, model), blocks(model, tasks), jobs=jobs,
                     engine=engine, progress=progress, weight=series_count)  # fmt: skip
    outputs = [output for block in done for output in block]
    table = _long_table(series, tasks, outputs, future, designs, probs, levels, quantiles,
                        weather=regressors.weather is not None)  # fmt: skip
    parts = [_components(series, task, output) for task, output in zip(tasks, outputs)
             if output.components is not None]  # fmt: skip
    closed = {task.store: list(future[task.closed[task.n_hist:]]) for task in tasks}
    if products is not None:
        table = with_products(table, products)
    return ForecastResult(table=table, series=series, designs=designs,
                          components=pd.concat(parts, ignore_index=True) if parts else None,
                          closed={store: days for store, days in closed.items() if days},
                          model=model, horizon=horizon, products=products)


def grouped_notes(notes: Iterable[str]) -> list[str]:
    """Notes that differ only in their numbers, counted once with the numbers' range:
    ``56 x intermittent (52-97% zero periods): slow-mover model``."""
    groups: dict[str, list[list[int]]] = {}
    for note in notes:
        numbers = [int(n) for n in re.findall(r"\d+", note)]
        groups.setdefault(re.sub(r"\d+", "#", note), []).append(numbers)
    lines = []
    for pattern, found in sorted(groups.items(), key=lambda item: -len(item[1])):
        ranges = [f"{min(c)}" if min(c) == max(c) else f"{min(c)}-{max(c)}" for c in zip(*found)]
        pieces = pattern.split("#")
        text = pieces[0] + "".join(r + piece for r, piece in zip(ranges, pieces[1:]))
        lines.append(f"{len(found):,} x {text}")
    return lines


def _long_table(series: SeriesSet, tasks: list[Task], outputs: list[Output],
                future: pd.DatetimeIndex, designs: dict[str, Design], probs: tuple[float, ...],
                levels: Sequence[float], quantiles: Sequence[float],
                *, weather: bool) -> pd.DataFrame:  # fmt: skip
    h = len(future)
    frames = []
    item = series.item_column
    for task, output in zip(tasks, outputs):
        k = len(task.columns)
        keys = series.keys.iloc[task.columns]
        frame = {
            "date": np.tile(future.to_numpy(), k),
            "store": np.repeat(keys["store"].to_numpy(), h),
        }
        if item:
            frame[item] = np.repeat(keys[item].to_numpy(), h)
        frame["model"] = np.repeat(np.array(output.models, dtype=object), h)
        frame["forecast"] = output.point.T.ravel()
        for level in levels:
            lo, hi = level_bounds(level)
            frame[f"lo{level_name(level)}"] = output.quantiles[probs.index(lo)].T.ravel()
            frame[f"hi{level_name(level)}"] = output.quantiles[probs.index(hi)].T.ravel()
        for q in sorted(set(quantiles)):
            frame[quantile_name(q)] = output.quantiles[probs.index(float(q))].T.ravel()
        climate = designs[task.store].climatology[-h:]
        label = np.where(climate, "climatology", "file") if weather else np.full(h, "")
        frame["weather"] = np.tile(label, k)
        frame["note"] = np.repeat(np.array(output.notes, dtype=object), h)
        frames.append(pd.DataFrame(frame))
    table = pd.concat(frames, ignore_index=True)
    numbers = [c for c in table.columns if c == "forecast" or c[:2] in ("lo", "hi", "q")
               and c[2:3].isdigit() or (c[:1] == "q" and c[1:2].isdigit())]
    table[numbers] = table[numbers].round(3)
    order = ["store"] + ([item] if item else []) + ["date"]
    return table.sort_values(order, kind="stable", ignore_index=True)


def _components(series: SeriesSet, task: Task, output: Output) -> pd.DataFrame:
    item = series.item_column
    keys = series.keys.iloc[task.columns]
    n = len(task.dates)
    frame = {"date": np.tile(task.dates.to_numpy(), len(keys)),
             "store": np.repeat(keys["store"].to_numpy(), n)}  # fmt: skip
    if item:
        frame[item] = np.repeat(keys[item].to_numpy(), n)
    for name, values in (output.components or {}).items():
        frame[name] = values.T.ravel()
    table = pd.DataFrame(frame)
    fitted = np.array([m == "regression" for m in output.models])
    return table[np.repeat(fitted, n)].reset_index(drop=True)
