"""Order plans of a chain, one store per task, on any engine.

The forecast is a Parquet dataset partitioned by store (what ``kori forecast run SALES/ -o
forecasts/`` writes) or one table. The driver checks every partition's columns from its schema,
checks the stock and the catalog once, and sends each task its store: the partition (or its
rows of the table, checked by the driver), its rows of the stock, its store configuration and
the catalog. A worker plans its store with :func:`forecasting.planning.plans.plan_orders`; with
an output folder it writes its store's lines there (``orders/store=S0001/part-0.parquet``) and
returns only their totals, so no process holds every line. A store's order lines depend on its
own forecast and stock only, so the lines are those of the whole table planned at once, in the
same order when they are returned.

>>> result = plan_orders_dataset("forecasts/", stock, catalog, stores,
...                              engine=Engine("dask", jobs=2), output="orders/")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from forecasting.datasets import Partition, check_columns, partitions, read_partition
from forecasting.engine import Engine, map_tasks
from forecasting.errors import ParameterError, SchemaError
from forecasting.planning.orders import (
    OrderPlan,
    check_filters,
    describe_totals,
    line_totals,
    merge_totals,
    select_lines,
)
from forecasting.planning.plans import _demand, _parsed, plan_orders
from forecasting.store_tasks import configs_for, rows_by_store
from forecasting.stores import StoreConfig

#: Columns every forecast partition needs (kori's names; the store may be the folder's).
FORECAST_COLUMNS = ("date", "sku", "forecast", "lo80", "hi80")


@dataclass(frozen=True)
class DatasetOrders:
    """Order plans of every store of a chain.

    Attributes
    ----------
    table : pandas.DataFrame or None
        The order lines of every store, as :func:`forecasting.plan_orders` gives them for the
        whole forecast (same rows, order and values), or None when they were written to
        ``output``.
    files : list of str
        The partition files written (with ``output``).
    source : str
        The forecast: its dataset folder or its file.
    partitions : int
        Stores planned (one task each).
    engine : str
        Where it ran.
    plan : OrderPlan or None
        The whole plan, when its lines were returned.
    totals : dict
        Totals of the lines (:func:`forecasting.planning.orders.line_totals`) over the stores.
    skipped : int
        Order days whose cover runs past the forecast.
    no_stock : list of tuple
        ``(store, sku)`` planned from no stock.
    """

    table: pd.DataFrame | None
    files: list[str]
    source: str
    partitions: int
    engine: str
    plan: OrderPlan | None = None
    totals: dict[str, Any] = field(default_factory=dict)
    skipped: int = 0
    no_stock: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> list[str]:
        """What was planned where, then the plan's lines (totals over every store)."""
        lines = [f"{self.source}: {self.partitions:,} stores planned on {self.engine}"]
        if self.plan is not None:
            lines += self.plan.summary()
        else:
            lines += describe_totals(self.totals, self.skipped, self.no_stock)
        if self.files:
            lines.append(f"Wrote {len(self.files):,} partitions: "
                         f"{os.path.dirname(os.path.dirname(self.files[0]))}/")  # fmt: skip
        return lines


@dataclass(frozen=True)
class _Job:
    store: str
    partition: Partition | None
    demand: pd.DataFrame | None
    stock: pd.DataFrame
    catalog: pd.DataFrame
    stores: dict[str, StoreConfig] | None
    options: dict[str, Any]
    columns: dict[str, str]
    sources: dict[str, str]
    first_lines: dict[str, int]
    output: str | None


@dataclass(frozen=True)
class _Done:
    table: pd.DataFrame | None
    file: str | None
    totals: dict[str, Any]
    skipped: int
    no_stock: list[tuple[str, str]]


def plan_orders_dataset(
    forecast: str | os.PathLike[str] | pd.DataFrame,
    stock: pd.DataFrame,
    catalog: pd.DataFrame,
    stores: Mapping[str, StoreConfig] | None = None,
    *,
    service_level: float | None = None,
    distribution: str = "negbin",
    only_stores: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    order_date: object = None,
    next_order_from: object = None,
    columns: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
    first_lines: Mapping[str, int] | None = None,
    output: str | os.PathLike[str] | None = None,
    engine: Engine | None = None,
    progress: Callable[[int], None] | None = None,
) -> DatasetOrders:
    """Orders of every store of a chain, one task per store on ``engine``.

    Parameters
    ----------
    forecast : path or pandas.DataFrame
        A folder of forecasts partitioned by store (``forecasts/store=S0001/part-0.parquet``,
        see :mod:`forecasting.datasets`), or one forecast table.
    stock, catalog, stores, service_level, distribution, columns
        As for :func:`forecasting.plan_orders`.
    only_stores, categories, order_date, next_order_from
        Filters of the whole plan, as for :func:`forecasting.plan_orders`; only when the lines
        are returned (no ``output``).
    sources, first_lines : mapping, optional
        Per input (``forecast``, ``stock``, ``catalog``): its file name and the line of its
        first row, for messages.
    output : path, optional
        Folder to write the lines into, partitioned by store; without it the lines are
        returned in :attr:`DatasetOrders.table`.
    engine : Engine, optional
        Local processes or a Dask cluster; one task per store.
    progress : callable, optional
        Called with the number of stores finished.

    Returns
    -------
    DatasetOrders

    Raises
    ------
    ParameterError
        For a filter with ``output``, or the errors of :func:`forecasting.plan_orders`.
    SchemaError
        For an empty folder, a partition lacking a column (naming its file), stock of stores
        the forecast does not have, or the errors of :func:`forecasting.plan_orders` (naming
        the partition file).
    """
    engine = engine or Engine()
    check_filters(order_date, next_order_from)
    filters = {"only_stores": only_stores, "categories": categories, "order_date": order_date,
               "next_order_from": next_order_from}  # fmt: skip
    given = [f"`{name}`" for name, value in filters.items() if value]
    if output is not None and given:
        raise ParameterError(f"{', '.join(given)} filter{'s' * (len(given) == 1)} the whole plan, "
                             "which is not held "
                             "in one place when each store's lines go to `output`",
                             fix="Leave the filter out, or write the lines to a file")  # fmt: skip
    columns, sources, first_lines = dict(columns or {}), dict(sources or {}), dict(first_lines or {})
    stock = _parsed(stock, "stock", columns, sources, first_lines)
    catalog = _parsed(catalog, "catalog", columns, sources, first_lines)
    if isinstance(forecast, pd.DataFrame):
        source = sources.get("forecast", "<forecast>")
        demand = _demand(forecast, columns, sources, first_lines)
        by_store = dict(sorted(rows_by_store(demand).items()))
        units: list[tuple[str, Partition | None, pd.DataFrame | None]] = [
            (store, None, rows) for store, rows in by_store.items()]  # fmt: skip
    else:
        source = f"{os.fspath(forecast).rstrip('/')}/"
        parts = partitions(forecast)
        needed = {name: columns.get(name, name) for name in ("store", *FORECAST_COLUMNS)}
        for part in parts:
            check_columns(part, needed, what="forecast")
        units = [(_store_of(part), part, None) for part in parts]
    stock_by = rows_by_store(stock)
    _check_stock_stores(stock, {store for store, _, _ in units}, sources)
    options = {"service_level": service_level, "distribution": distribution}
    jobs = [_Job(store=store, partition=part, demand=rows,
                 stock=stock_by.get(store, stock.iloc[:0]), catalog=catalog,
                 stores=configs_for(stores, store),
                 options=options, columns=columns, sources=sources,
                 first_lines={k: v for k, v in first_lines.items() if k == "catalog"},
                 output=None if output is None else os.fspath(output))
            for store, part, rows in units]  # fmt: skip
    done = map_tasks(_plan_store, jobs, engine=engine, progress=progress)
    skipped = sum(part.skipped for part in done)
    no_stock = [key for part in done for key in part.no_stock]
    common = {"source": source, "partitions": len(jobs), "engine": engine.describe(),
              "skipped": skipped, "no_stock": no_stock,
              "totals": merge_totals([part.totals for part in done])}  # fmt: skip
    if output is not None:
        return DatasetOrders(table=None, files=[part.file for part in done if part.file],
                             **common)  # fmt: skip
    plan = select_lines(OrderPlan(lines=_merged([part.table for part in done]), skipped=skipped,
                                  no_stock=no_stock), **filters)  # fmt: skip
    return DatasetOrders(table=plan.table, files=[], plan=plan, **common)


def _store_of(part: Partition) -> str:
    """The store of a partition; a dataset not partitioned by store is refused."""
    if part.store is None:
        raise SchemaError("the forecast dataset is not partitioned by store",
                          source=part.label, fix="Write it with `kori forecast run SALES/ -o "
                          "forecasts/` (folders store=S0001/)")  # fmt: skip
    return str(part.store)


def _check_stock_stores(stock: pd.DataFrame, planned: set[str],
                        sources: Mapping[str, str]) -> None:  # fmt: skip
    """Refuse stock rows of stores the forecast has no partition (or row) of, as the plan of
    the whole forecast refuses stock of products it does not cover."""
    outside = ~stock["store"].astype(str).isin(planned).to_numpy()
    if not outside.any():
        return
    rows = stock.loc[outside, ["store", "sku"]].to_numpy()
    n = len(rows)
    shown = ", ".join(f"{store} {sku}" for store, sku in rows[:5])
    raise SchemaError(f"{n:,} stock row{' is' if n == 1 else 's are'} for products the forecast "
                      "does not cover", source=sources.get("stock", "<stock>"), where=shown,
                      fix=f"Forecast those stores too ({sources.get('forecast', 'the forecast')} "
                      "lacks them), or remove their rows from the stock file")  # fmt: skip


def _merged(tables: list[pd.DataFrame | None]) -> pd.DataFrame:
    """The stores' lines as one plan's: by order day, store and sku."""
    full = [table for table in tables if table is not None and len(table)]
    if not full:
        return next((table for table in tables if table is not None), pd.DataFrame())
    lines = pd.concat(full, ignore_index=True) if len(full) > 1 else full[0]
    return lines.sort_values(["order_date", "store", "sku"], kind="stable",
                             ignore_index=True)  # fmt: skip


def _plan_store(job: _Job) -> _Done:
    """One store: read its partition (or take its rows), plan, and write or return the lines."""
    sources = dict(job.sources)
    first_lines = {**job.first_lines, "forecast": 1}
    if job.partition is not None:
        forecast = read_partition(job.partition)
        sources["forecast"] = job.partition.label
    else:
        forecast = job.demand
    plan = plan_orders(forecast, job.stock, job.catalog, job.stores, columns=job.columns,
                       sources=sources, first_lines=first_lines, **job.options)  # fmt: skip
    table, file = plan.table, None
    if job.output is not None:
        from forecasting.datasets import write_partition

        file = write_partition(table, job.output, (("store", job.store),))
        table = None
    return _Done(table=table, file=file, totals=line_totals(plan.table), skipped=plan.skipped,
                 no_stock=list(plan.no_stock))  # fmt: skip
