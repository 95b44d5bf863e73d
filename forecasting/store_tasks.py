"""What each store's task of a dataset gets: the common span of days, its weather rows and its
store configuration.

Every per-store run of a sales dataset (:func:`forecasting.forecast_dataset`,
:func:`forecasting.backtest_dataset`) starts the same way: check every partition's columns from
the schemas, read the date columns on the engine to find the first and last day of the whole
dataset (so each store's series run over the same days as in one file), and slice the small
tables per store (:func:`sales_jobs`); on the worker, each store's partition is read and
checked as a sales file is (:meth:`SalesJob.inputs`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from forecasting.datasets import Partition, check_columns, partitions, read_partition
from forecasting.engine import Engine, map_tasks
from forecasting.errors import SchemaError
from forecasting.stores import StoreConfig, load_store_configs

if TYPE_CHECKING:
    from forecasting.inputs import Inputs

#: Columns every sales partition needs (by kori's names).
SALES_COLUMNS = ("date", "store", "sku", "quantity")

#: Arguments of :func:`forecasting.load_inputs` that every partition gets as they are.
LOAD_OPTIONS = ("columns", "level", "freq", "country", "subdiv", "holidays", "temperature_offset",
                "negative", "date_format")  # fmt: skip


@dataclass(frozen=True)
class StorePart:
    """One store's partition and what its task needs besides it.

    Attributes
    ----------
    partition : Partition
    span : (Timestamp, Timestamp)
        First and last day of the whole dataset.
    weather : pandas.DataFrame or None
        The store's weather rows (none when the weather has none for it).
    stores : dict of str to StoreConfig, or None
        The store's configuration; every store's when it has none (so that the task refuses
        it as a whole file would be refused).
    """

    partition: Partition
    span: tuple[pd.Timestamp, pd.Timestamp]
    weather: pd.DataFrame | None
    stores: dict[str, StoreConfig] | None


@dataclass(frozen=True)
class SalesJob:
    """A store's task: its partition with what :func:`forecasting.load_inputs` takes besides.

    Attributes
    ----------
    part : StorePart
    load : dict
        Arguments of :func:`forecasting.load_inputs` (:data:`LOAD_OPTIONS`).
    events, catalog : pandas.DataFrame or None
    sources : dict of str to str
        File names of the optional tables, for messages.
    """

    part: StorePart
    load: dict[str, Any]
    events: pd.DataFrame | None
    catalog: pd.DataFrame | None
    sources: dict[str, str]

    def inputs(self) -> Inputs:
        """The store's series and regressors: its partition read and checked (on a worker),
        over the dataset's span of days; messages name the partition file."""
        from forecasting.inputs import load_inputs

        part = self.part
        return load_inputs(read_partition(part.partition), weather=part.weather,
                           stores=part.stores, events=self.events, catalog=self.catalog,
                           sources={**self.sources, "sales": part.partition.label},
                           first_lines={"sales": 1}, span=part.span, **self.load)  # fmt: skip


def sales_jobs(
    folder: str | os.PathLike[str],
    *,
    load: Mapping[str, Any],
    weather: pd.DataFrame | None = None,
    stores: Mapping[str, StoreConfig] | str | os.PathLike[str] | None = None,
    events: pd.DataFrame | None = None,
    catalog: pd.DataFrame | None = None,
    sources: Mapping[str, str] | None = None,
    engine: Engine | None = None,
    caller: str = "sales_jobs",
) -> list[SalesJob]:
    """A :class:`SalesJob` per store partition of the sales dataset in ``folder``.

    Raises
    ------
    TypeError
        For ``load`` arguments that are not :data:`LOAD_OPTIONS` (naming ``caller``).
    SchemaError
        As :func:`sales_parts`.
    """
    unknown = sorted(set(load) - set(LOAD_OPTIONS))
    if unknown:
        raise TypeError(f"{caller}() got unexpected arguments {unknown}")
    parts = sales_parts(folder, columns=load.get("columns"), date_format=load.get("date_format"),
                        weather=weather, stores=stores, engine=engine)  # fmt: skip
    return [SalesJob(part=part, load=dict(load), events=events, catalog=catalog,
                     sources=dict(sources or {})) for part in parts]  # fmt: skip


def sales_parts(
    folder: str | os.PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    date_format: str | None = None,
    weather: pd.DataFrame | None = None,
    stores: Mapping[str, StoreConfig] | str | os.PathLike[str] | None = None,
    engine: Engine | None = None,
) -> list[StorePart]:
    """The store partitions of the sales dataset in ``folder``, each with its task's inputs.

    Raises
    ------
    SchemaError
        For an empty folder, a partition lacking a column (naming its file) or without a
        readable date.
    """
    columns = dict(columns or {})
    parts = partitions(folder)
    needed = {name: columns.get(name, name) for name in SALES_COLUMNS}
    for part in parts:
        check_columns(part, needed, what="sales")
    scans = [(part, needed["date"], date_format) for part in parts]
    spans = map_tasks(date_span, scans, engine=engine)
    span = (min(first for first, _ in spans), max(last for _, last in spans))
    if isinstance(stores, (str, os.PathLike)):
        stores = load_store_configs(stores)
    weather_by = rows_by_store(weather, columns.get("store", "store"))
    none = weather.iloc[:0] if weather is not None else None
    return [StorePart(partition=part, span=span, weather=weather_by.get(str(part.store), none),
                      stores=configs_for(stores, part.store)) for part in parts]  # fmt: skip


def configs_for(stores: Mapping[str, StoreConfig] | None, store: str | None) -> dict | None:
    """The store configuration a partition's task needs: its store's, or all when the
    partition's store is unknown (not partitioned by store) or not configured."""
    if not stores:
        return None
    return {store: stores[store]} if store in stores else dict(stores)


def rows_by_store(table: pd.DataFrame | None, column: str = "store") -> dict[str, pd.DataFrame]:
    """``table``'s rows per store (as text), for each store's task."""
    if table is None or column not in table.columns:
        return {}
    keys = table[column].astype(str)
    return {store: rows.reset_index(drop=True) for store, rows in table.groupby(keys, sort=False)}


def date_span(task: tuple[Partition, str, str | None]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of one partition, from its date column alone (a task)."""
    part, column, date_format = task
    dates = read_partition(part, [column])[column]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        unique = pd.Series(dates.dropna().astype(str).str.strip().unique())
        dates = pd.to_datetime(unique, format=date_format, errors="coerce")
    dates = dates.dropna()
    if dates.empty:
        raise SchemaError("no readable dates", source=part.label, where=f"column {column!r}",
                          fix="Check the partition's date column and `date_format`")  # fmt: skip
    return pd.Timestamp(dates.min()).normalize(), pd.Timestamp(dates.max()).normalize()
