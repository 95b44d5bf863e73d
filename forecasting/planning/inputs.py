"""From the files a planner has to the planning functions' inputs, with options winning over
``store.toml``: forecast tables as daily demand distributions, frozen products with their
volumes, and per-store freezer plans merged into one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecasting.errors import ConfigError, ParameterError, SchemaError
from forecasting.planning.demand import check_level, daily_moments, require_daily
from forecasting.planning.freezer import FreezerPlan, freezer_plan
from forecasting.stores import StaffingStandard, StoreConfig, check_staffing
from forecasting.validation import guess_kind, parse_table


def read_forecast(frame: pd.DataFrame, *, source: str = "<forecast>", first_line: int = 2,
                  columns: Mapping[str, str] | None = None,
                  check_daily: bool = True) -> pd.DataFrame:  # fmt: skip
    """A ``kori forecast run`` table (per sku) as daily demand: ``date, store, sku, mean, var``.

    ``check_daily=False`` leaves the check of consecutive days to the caller: the order plan
    makes it from the sort its lines need anyway, with the same message.

    Raises
    ------
    SchemaError
        If the table is another kind of file (sales, traffic, stock...), a column is missing or
        a value unreadable (a table made with ``--series category`` or without the 80% interval),
        ``lo80`` is above ``hi80``, or the dates of a series are not consecutive days.
    """
    names = {**{c: c for c in ("sku", "forecast", "lo80", "hi80")}, **(columns or {})}
    kind = guess_kind(frame.columns)
    if names["forecast"] not in frame.columns and kind not in (None, "forecast"):
        found = ", ".join(map(str, frame.columns[:8])) + (", ..." if len(frame.columns) > 8 else "")
        make = ("kori forecast run sales.csv -o forecast.csv" if kind == "sales" else
                "kori forecast run SALES -o forecast.csv")  # fmt: skip
        raise SchemaError(f"this looks like a {kind} file, not a forecast (columns: {found})",
                          source=source,
                          fix=f"Give a forecast from `kori forecast run`, e.g. `{make}`")  # fmt: skip
    if names["sku"] not in frame.columns and {"category", "store"} & set(frame.columns):
        raise SchemaError("plans need forecasts per sku, this one has no sku column",
                          source=source, fix="Forecast per sku (`level='sku'`)")  # fmt: skip
    if names["lo80"] not in frame.columns or names["hi80"] not in frame.columns:
        raise SchemaError("the forecast has no 80% interval (lo80, hi80)", source=source,
                          fix="Forecast with the default levels or `levels=(80,)`")  # fmt: skip
    table = parse_table(frame, "forecast", source=source, first_line=first_line, columns=columns)
    if table.empty:
        raise SchemaError("the forecast has no rows", source=source,
                          fix="Make one with `kori forecast run`")  # fmt: skip
    bad = table["lo80"] > table["hi80"]
    if bad.any():
        row = table[bad].iloc[0]
        raise SchemaError(f"{int(bad.sum()):,} rows have lo80 above hi80", source=source,
                          where=f"first: {row['store']} {row['sku']} {row['date']:%Y-%m-%d}, "
                          f"lo80 {row['lo80']:g}, hi80 {row['hi80']:g}",
                          fix="Use the table as `kori forecast run` wrote it")  # fmt: skip
    if check_daily:
        require_daily(table, source)
    needed = ["date", "store", "sku", "forecast", "lo80", "hi80"]
    needed += ["model"] if "model" in table.columns else []
    return daily_moments(table[needed])[["date", "store", "sku", "mean", "var"]]


def full_weeks(daily: pd.DataFrame, *, source: str = "<forecast>") -> tuple[pd.DataFrame, int]:
    """Only the whole weeks (Monday to Sunday) of a daily forecast, and the days left out.

    A first or last week with only some of its days would show a week's space from a few
    days' demand.

    Raises
    ------
    SchemaError
        If the forecast holds no whole week.
    """
    dates = pd.DatetimeIndex(daily["date"].drop_duplicates())
    weeks = dates - pd.to_timedelta(dates.day_of_week, unit="D")
    counts = pd.Series(1, index=weeks).groupby(level=0).sum()
    whole = counts.index[counts == 7]
    if whole.empty:
        raise SchemaError("the forecast holds no whole week (Monday to Sunday)", source=source,
                          fix="Forecast at least two weeks ahead, e.g. `horizon=365`")  # fmt: skip
    keep = pd.Series(weeks.isin(whole), index=dates)
    mask = keep.reindex(pd.DatetimeIndex(daily["date"])).to_numpy()
    return daily[mask].reset_index(drop=True), int((~keep).sum())


def frozen_demand(demand: pd.DataFrame, catalog: pd.DataFrame, *, department: str = "frozen",
                  source: str = "<catalog>", first_line: int | None = None) -> pd.DataFrame:  # fmt: skip
    """The forecast rows of the catalog's frozen products, with category and unit volume.

    ``source`` and ``first_line`` (of the catalog's first row) are for messages.

    Raises
    ------
    SchemaError
        If the catalog lacks unit volumes or departments, a frozen product of the forecast has
        no positive unit volume, or the forecast has no frozen product.
    """
    for column in ("department", "unit_volume_l"):
        if column not in catalog.columns:
            raise SchemaError(f"the catalog has no {column} column", source=source,
                              fix="Add department and unit_volume_l (litres per unit) per sku")  # fmt: skip
    frozen = catalog[catalog["department"].str.lower() == department.lower()]
    daily = demand.merge(frozen[["sku", "category", "unit_volume_l"]], on="sku")
    if daily.empty:
        raise SchemaError(f"the forecast has no product of department {department!r}",
                          source=source, fix="Forecast the frozen products, or name their "
                          "department with `department`")  # fmt: skip
    volumes = pd.to_numeric(catalog["unit_volume_l"], errors="coerce").to_numpy(float)
    bad = (catalog["sku"].isin(set(daily["sku"])).to_numpy()
           & catalog.index.isin(frozen.index) & ~(np.isfinite(volumes) & (volumes > 0)))  # fmt: skip
    if bad.any():
        positions = np.flatnonzero(bad)
        shown = "; ".join((f"line {first_line + p} " if first_line is not None else "")
                          + f"sku {catalog['sku'].iloc[p]}: {volumes[p]:g}"
                          for p in positions[:5])  # fmt: skip
        more = f"; and {len(positions) - 5} more" if len(positions) > 5 else ""
        raise SchemaError(f"unit_volume_l is missing or not above 0 for {len(positions):,} "
                          f"frozen sku{'s' if len(positions) > 1 else ''} of the forecast",
                          source=source, where=shown + more,
                          fix="Give the litres one unit takes in the freezer, e.g. 0.75")  # fmt: skip
    return daily


def freezer_plans(daily: pd.DataFrame, catalog: pd.DataFrame, stores: Mapping[str, StoreConfig],
                  *, capacity: Mapping[str, float] | None = None,
                  service_level: float | None = None, review_days: int = 7,
                  source: str = "<stores>") -> FreezerPlan:  # fmt: skip
    """Freezer plans of every store with its own capacity and service levels, merged.

    ``capacity`` and ``service_level`` override the store configuration. Lead times per category
    are the longest of its products' ``lead_time_days`` (4 days where the catalog has none).
    ``source`` names the store configuration in messages.

    Raises
    ------
    ConfigError
        If a store of ``daily`` has no capacity in ``capacity`` nor in the configuration.
    ParameterError
        The same without a configuration, or for a service level out of range.
    """
    if service_level is not None:
        check_level(service_level)
    _require_capacities(sorted(daily["store"].unique()), stores, capacity or {}, source)
    lead = {}
    if "lead_time_days" in catalog.columns:
        lead = catalog.groupby("category")["lead_time_days"].max().dropna().astype(int).to_dict()
    lead["*"] = 4
    plans = []
    for store, part in daily.groupby("store", sort=True):
        config = stores.get(store)
        litres = (capacity or {}).get(store, config.freezer_capacity_litres if config else 0.0)
        if service_level is not None:
            levels: float | dict[str, float] = service_level
        elif config is not None:
            levels = {**config.ordering.service_levels, "*": config.ordering.service_level}
        else:
            levels = 0.95
        plans.append(freezer_plan(part, {store: litres}, service_level=levels,
                                  review_days=review_days, lead_days=lead))  # fmt: skip
    return FreezerPlan(
        skus=pd.concat([p.skus for p in plans], ignore_index=True),
        categories=pd.concat([p.categories for p in plans], ignore_index=True),
        changes=pd.concat([p.changes for p in plans], ignore_index=True),
        shortfalls=pd.concat([p.shortfalls for p in plans], ignore_index=True),
        capacity={k: v for p in plans for k, v in p.capacity.items()},
    )


def _require_capacities(codes: list[str], stores: Mapping[str, StoreConfig],
                        capacity: Mapping[str, float], source: str) -> None:  # fmt: skip
    """Refuse stores without a freezer capacity, naming the file that should give it."""
    missing = [code for code in codes if code not in capacity and not (
        code in stores and stores[code].freezer_capacity_litres > 0)]  # fmt: skip
    if not missing:
        return
    named = ", ".join(missing)
    if not stores:
        raise ParameterError(f"no freezer capacity for store {named}",
                             fix=f"Give `capacity` {missing[0]}=LITRES, or `stores` with its freezer_capacity_litres")  # fmt: skip
    where = "; ".join(f"[stores.{code}] has no freezer_capacity_litres" if code in stores
                      else f"no [stores.{code}] table" for code in missing)  # fmt: skip
    raise ConfigError(f"no freezer capacity for store {named}", source=source, where=where,
                      fix=f"Set freezer_capacity_litres in [stores.{missing[0]}], or give "
                      f"`capacity` {missing[0]}=LITRES")  # fmt: skip


def staffing_standards(stores: Mapping[str, StoreConfig], **overrides: float | None
                       ) -> dict[str, StaffingStandard]:  # fmt: skip
    """Each store's staffing standard with the given fields (those not ``None``) replaced.

    Raises
    ------
    ParameterError
        If a standard is out of the ranges of :data:`forecasting.stores.LIMITS`, or its
        ``min_cashiers`` is above its ``max_cashiers``.
    """
    given = {name: value for name, value in overrides.items() if value is not None}
    out = {code: dataclasses.replace(config.staffing, **given) for code, config in stores.items()}
    for code, standard in out.items():
        check_staffing(standard, where=f"store {code}")
    return out
