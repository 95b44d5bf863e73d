"""Forecast a Parquet dataset partitioned by store, one store per task, on any engine.

The driver lists the partitions, reads only their date columns (so that every store's series
run over the same days), slices the small tables (weather, store hours) per store and sends
each task its store. A worker reads its partition, checks it as a sales file is checked, and
forecasts it with :func:`forecasting.forecast.forecast`; with an output folder it writes its
store's forecasts there (``forecasts/store=S0001/part-0.parquet``) and returns only counts, so
no process holds every forecast. The forecasts are those of the same sales in one file.

>>> result = forecast_dataset("chain/sales", horizon=28, engine=Engine("dask", jobs=2),
...                           output="forecasts/")                 # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from forecasting.datasets import write_partition
from forecasting.engine import Engine, map_tasks
from forecasting.forecast import forecast, grouped_notes
from forecasting.store_tasks import SalesJob, sales_jobs
from forecasting.stores import StoreConfig


@dataclass(frozen=True)
class DatasetForecast:
    """Forecasts of a partitioned dataset.

    Attributes
    ----------
    table : pandas.DataFrame or None
        The forecasts of every store (as :attr:`ForecastResult.table`), or None when they were
        written to ``output``.
    files : list of str
        The partition files written (with ``output``).
    source : str
        The dataset folder.
    partitions : int
    rows, series : int
        Sales rows read and series forecast, over all partitions.
    models : dict of str to int
        Series per model that made them.
    notes : list of str
        Fallback reasons (each once with its count), and what reading changed.
    engine : str
        Where it ran.
    horizon : int
    first, last : pandas.Timestamp
        The days the sales cover.
    """

    table: pd.DataFrame | None
    files: list[str]
    source: str
    partitions: int
    rows: int
    series: int
    models: dict[str, int]
    notes: list[str]
    engine: str
    horizon: int
    first: pd.Timestamp
    last: pd.Timestamp
    climatology_stores: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """What was read and forecast, and where it went."""
        ranked = sorted(self.models.items(), key=lambda item: -item[1])
        counts = ", ".join(f"{n:,} {name}" for name, n in ranked)
        read = (f"{self.source}: {self.rows:,} rows in {self.partitions:,} partitions, "
                f"{self.series:,} series ({self.first:%Y-%m-%d} to {self.last:%Y-%m-%d})")
        made = f"Forecast {self.series:,} series x {self.horizon} periods on {self.engine}: "
        made += counts
        lines = [read, made]
        lines += [f"  {note}" for note in self.notes]
        if self.climatology_stores:
            lines.append(f"  {len(self.climatology_stores):,} stores: weather of some forecast "
                         "days is climatology (the weather file ends before them)")  # fmt: skip
        if self.files:
            lines.append(f"Wrote {len(self.files):,} partitions: "
                         f"{os.path.dirname(os.path.dirname(self.files[0]))}/")
        return lines


@dataclass(frozen=True)
class _Job:
    sales: SalesJob
    run: dict[str, Any]
    output: str | None


@dataclass(frozen=True)
class _Done:
    table: pd.DataFrame | None
    file: str | None
    rows: int
    series: int
    models: dict[str, int]
    notes: list[str]
    fallbacks: list[str]
    climatology: bool


def forecast_dataset(
    folder: str | os.PathLike[str],
    *,
    horizon: int,
    model: str = "regression",
    levels: Sequence[float] = (80, 95),
    quantiles: Sequence[float] = (),
    weather: pd.DataFrame | None = None,
    stores: Mapping[str, StoreConfig] | str | os.PathLike[str] | None = None,
    events: pd.DataFrame | None = None,
    catalog: pd.DataFrame | None = None,
    sources: Mapping[str, str] | None = None,
    output: str | os.PathLike[str] | None = None,
    engine: Engine | None = None,
    progress: Callable[[int], None] | None = None,
    **load: Any,
) -> DatasetForecast:
    """Forecast every store partition of the sales dataset in ``folder``.

    Parameters
    ----------
    folder : path
        Sales as a Parquet dataset partitioned by store (see :mod:`forecasting.datasets`).
    horizon, model, levels, quantiles
        As for :func:`forecasting.forecast.forecast`.
    weather, stores, events, catalog
        As for :func:`forecasting.load_inputs`; weather and store hours go to each store's
        task, events and the catalog to every task.
    sources : mapping, optional
        File names of the optional tables, for messages.
    output : path, optional
        Folder to write the forecasts into, partitioned like the sales; without it the
        forecasts are returned in :attr:`DatasetForecast.table`.
    engine : Engine, optional
        Local processes or a Dask cluster; one task per store.
    progress : callable, optional
        Called with the number of stores finished.
    **load
        Further arguments of :func:`forecasting.load_inputs`
        (:data:`forecasting.store_tasks.LOAD_OPTIONS`).

    Returns
    -------
    DatasetForecast

    Raises
    ------
    SchemaError
        For an empty folder, a partition lacking a column (naming its file), or sales that do
        not read (naming the partition file and its rows).
    """
    engine = engine or Engine()
    sales = sales_jobs(folder, load=load, weather=weather, stores=stores, events=events,
                       catalog=catalog, sources=sources, engine=engine,
                       caller="forecast_dataset")  # fmt: skip
    run = {"horizon": horizon, "model": model, "levels": tuple(levels),
           "quantiles": tuple(quantiles)}  # fmt: skip
    jobs = [_Job(sales=job, run=run, output=None if output is None else str(output))
            for job in sales]  # fmt: skip
    parts = [job.part for job in sales]
    done = map_tasks(_forecast_part, jobs, engine=engine, progress=progress)
    models: Counter[str] = Counter()
    for part in done:
        models.update(part.models)
    notes = grouped_notes([note for part in done for note in part.fallbacks])
    notes += [note for part in done for note in part.notes]
    tables = [part.table for part in done if part.table is not None]
    return DatasetForecast(
        table=pd.concat(tables, ignore_index=True) if tables else None,
        files=[part.file for part in done if part.file], source=f"{os.fspath(folder).rstrip('/')}/",
        partitions=len(parts), rows=sum(part.rows for part in done),
        series=sum(part.series for part in done), models=dict(models), notes=notes,
        engine=engine.describe(), horizon=horizon, first=parts[0].span[0], last=parts[0].span[1],
        climatology_stores=[str(part.partition.store) for part, d in zip(parts, done)
                            if d.climatology],
    )  # fmt: skip


def _forecast_part(job: _Job) -> _Done:
    """One store's partition: read, check, forecast, and write or return the table."""
    inputs = job.sales.inputs()
    result = forecast(inputs.series, regressors=inputs.regressors, catalog=inputs.catalog,
                      **job.run)  # fmt: skip
    table, file = result.table, None
    if job.output is not None:
        file = write_partition(table, job.output, job.sales.part.partition.values)
        table = None
    item = inputs.series.item_column
    first = result.table.drop_duplicates(["store"] + ([item] if item else []))
    return _Done(table=table, file=file, rows=inputs.series.report.rows,
                 series=len(inputs.series.keys), models=dict(Counter(first["model"])),
                 notes=[f"{inputs.source}: {note}" for note in inputs.notes],
                 fallbacks=list(result.fallbacks()["note"]),
                 climatology=bool(result.climatology_days()))  # fmt: skip
