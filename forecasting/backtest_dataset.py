"""Backtest a Parquet dataset partitioned by store, one store per task, on any engine.

As :func:`forecasting.partitioned.forecast_dataset` forecasts a dataset: the driver lists the
partitions, reads only their date columns (every store's series run over the same days, so
every store has the same origins), slices the weather and the store hours per store and sends
each task its store. A worker reads its partition, checks it as a sales file is checked,
backtests every model on its series (:func:`forecasting.backtest.backtest_sums`) and returns
only the small table of error sums per series and window. The driver puts the stores' sums
together and scores them as :func:`forecasting.backtest.run_backtest` does
(:func:`forecasting.backtest.assemble`): the scores are those of the same sales in one file,
on every engine (except for a global model, ``gbm``, which is fitted per store here and over
several stores together in one file).

>>> result = backtest_dataset("chain/sales", models=["regression"], horizon=28,
...                           engine=Engine("dask", jobs=2))      # doctest: +SKIP
>>> result.overall[["model", "wape", "wape_vs_naive"]]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecasting.backtest import (
    BacktestResult,
    assemble,
    backtest_sums,
    check_counts,
    check_options,
    origins,
    weather_words,
)
from forecasting.engine import Engine, map_tasks
from forecasting.errors import SchemaError
from forecasting.intervals import check_levels
from forecasting.products import product_names, with_products
from forecasting.store_tasks import SalesJob, sales_jobs
from forecasting.stores import StoreConfig

__all__ = ["DatasetBacktest", "backtest_dataset"]


@dataclass(frozen=True)
class DatasetBacktest(BacktestResult):
    """A backtest of a partitioned dataset: :class:`forecasting.backtest.BacktestResult` and
    what was read.

    Attributes
    ----------
    overall, per_series, origins, horizon, weather
        As for :class:`forecasting.backtest.BacktestResult`.
    forecasts : pandas.DataFrame
        As there when asked for (``forecasts=True``), else empty.
    source : str
        The dataset folder.
    partitions, rows, series : int
        Partitions and sales rows read, series backtested.
    notes : list of str
        What reading changed, per partition file.
    engine : str
        Where it ran.
    first, last : pandas.Timestamp or None
        The days the sales cover.
    """

    source: str = ""
    partitions: int = 0
    rows: int = 0
    series: int = 0
    notes: list[str] = field(default_factory=list)
    engine: str = ""
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None

    def summary(self) -> list[str]:
        """What was read, where it ran, and the origins.

        Returns
        -------
        list of str
        """
        read = (f"{self.source}: {self.rows:,} rows in {self.partitions:,} partitions, "
                f"{self.series:,} series ({self.first:%Y-%m-%d} to {self.last:%Y-%m-%d}), "
                f"backtested on {self.engine}")  # fmt: skip
        return [*(f"  {note}" for note in self.notes), read, *super().summary()]


@dataclass(frozen=True)
class _Job:
    sales: SalesJob
    run: dict[str, Any]
    source: str


@dataclass(frozen=True)
class _Sums:
    sums: pd.DataFrame
    forecasts: pd.DataFrame
    products: pd.DataFrame | None
    keys: list[str]
    origins: list[pd.Timestamp]
    weather: str
    rows: int
    series: int
    notes: list[str]


def backtest_dataset(
    folder: str | os.PathLike[str],
    *,
    models: Sequence[str],
    horizon: int,
    windows: int = 3,
    step: int | None = None,
    levels: Sequence[float] = (80, 95),
    weather_at: str = "observed",
    weather_days: int = 0,
    weather: pd.DataFrame | None = None,
    stores: Mapping[str, StoreConfig] | str | os.PathLike[str] | None = None,
    events: pd.DataFrame | None = None,
    catalog: pd.DataFrame | None = None,
    sources: Mapping[str, str] | None = None,
    forecasts: bool = False,
    engine: Engine | None = None,
    progress: Callable[[int], None] | None = None,
    **load: Any,
) -> DatasetBacktest:
    """Rolling-origin backtest of ``models`` on every store partition of the sales dataset in
    ``folder`` (seasonal naive is always added).

    Parameters
    ----------
    folder : path
        Sales as a Parquet dataset partitioned by store (see :mod:`forecasting.datasets`).
    models, horizon, windows, step, levels, weather_at, weather_days
        As for :func:`forecasting.backtest.run_backtest`; the origins are the same for every
        store.
    weather, stores, events, catalog
        As for :func:`forecasting.load_inputs`; weather and store hours go to each store's
        task, events and the catalog to every task.
    sources : mapping, optional
        File names of the optional tables, for messages.
    forecasts : bool, default False
        Whether to return every model's forecasts too (:attr:`DatasetBacktest.forecasts`, all
        in this process: for small datasets).
    engine : Engine, optional
        Local processes or a Dask cluster; one task per store.
    progress : callable, optional
        Called with the number of stores finished.
    **load
        Further arguments of :func:`forecasting.load_inputs`
        (:data:`forecasting.store_tasks.LOAD_OPTIONS`).

    Returns
    -------
    DatasetBacktest
        The scores of the same sales in one file, in the same order.

    Raises
    ------
    ParameterError
        As :func:`forecasting.backtest.run_backtest` does.
    SchemaError
        For an empty folder, a partition lacking a column or holding a bad row (naming its
        file), or partitions whose series do not have the same periods.
    """
    engine = engine or Engine()
    levels = check_levels(levels)
    names = check_options(models, weather_at, weather_days)
    step = step or horizon
    check_counts(horizon, windows, step)
    label = f"{os.fspath(folder).rstrip('/')}/"
    sales = sales_jobs(folder, load=load, weather=weather, stores=stores, events=events,
                       catalog=catalog, sources=sources, engine=engine,
                       caller="backtest_dataset")  # fmt: skip
    parts = [job.part for job in sales]
    run = {"names": names, "horizon": horizon, "windows": windows, "step": step,
           "levels": tuple(levels), "weather_at": weather_at, "weather_days": weather_days,
           "forecasts": forecasts}  # fmt: skip
    jobs = [_Job(sales=job, run=run, source=label) for job in sales]
    done = map_tasks(_backtest_part, jobs, engine=engine, progress=progress)
    for part, result in zip(parts, done):
        if result.origins != done[0].origins:
            raise SchemaError(
                "the partition's series end on other days than the first partition's "
                f"({_days(result.origins)} against {_days(done[0].origins)})",
                source=part.partition.label, fix="Give every partition sales of the same frequency "
                "(daily or weekly on one weekday), or give `freq`",
            )  # fmt: skip
    table = _by_model(pd.concat([result.sums for result in done], ignore_index=True), names)
    found = [result.products for result in done if result.products is not None]
    products = pd.concat(found).drop_duplicates("sku") if found else None
    overall, per_series = assemble(table, done[0].keys, levels, products)
    rows = [result.forecasts for result in done if len(result.forecasts)]
    return DatasetBacktest(
        overall=overall, per_series=per_series, origins=done[0].origins,
        forecasts=pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(),
        horizon=horizon, weather=done[0].weather, source=label, partitions=len(parts),
        rows=sum(result.rows for result in done), series=sum(result.series for result in done),
        notes=[note for result in done for note in result.notes], engine=engine.describe(),
        first=parts[0].span[0], last=parts[0].span[1],
    )  # fmt: skip


def _by_model(table: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The stores' sums with the models in ``names`` order, each model's rows in store order
    (as one backtest of every series has them)."""
    codes = pd.Categorical(table["model"], categories=names).codes
    return table.iloc[np.argsort(codes, kind="stable")].reset_index(drop=True)


def _days(days: Sequence[pd.Timestamp]) -> str:
    return ", ".join(f"{day:%Y-%m-%d}" for day in days)


def _backtest_part(job: _Job) -> _Sums:
    """One store's partition: read, check, and the error sums of every model and window."""
    inputs = job.sales.inputs()
    series, regressors, run = inputs.series, inputs.regressors, job.run
    starts = origins(len(series.dates), run["horizon"], run["windows"], run["step"],
                     series.season, source=job.source)  # fmt: skip
    sums, forecasts = backtest_sums(
        series, names=run["names"], starts=starts, horizon=run["horizon"], levels=run["levels"],
        regressors=regressors, weather_at=run["weather_at"], weather_days=run["weather_days"],
        forecasts=run["forecasts"],
    )  # fmt: skip
    products = product_names(series, inputs.catalog)
    return _Sums(sums=sums, forecasts=with_products(forecasts, products) if len(forecasts)
                 else forecasts, products=products, keys=list(series.keys.columns),
                 origins=[series.dates[start - 1] for start in starts],
                 weather=weather_words(regressors, run["weather_at"], run["weather_days"]),
                 rows=series.report.rows, series=len(series.keys),
                 notes=[f"{inputs.source}: {note}" for note in inputs.notes])  # fmt: skip
