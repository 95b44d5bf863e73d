"""One call per plan: orders and freezer space from a forecast, checkout staffing from traffic.

Each function chains the planning steps a ``kori plan`` command runs and returns a small result
with the table(s) and the summary lines the command prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from forecasting.errors import ParameterError
from forecasting.planning.freezer import FreezerPlan
from forecasting.planning.inputs import (
    freezer_plans,
    frozen_demand,
    full_weeks,
    read_forecast,
    staffing_standards,
)
from forecasting.planning.orders import (
    OrderPlan,
    check_filters,
    order_plan,
    select_lines,
)
from forecasting.planning.staffing import daily_staffing, describe_hour, staffing_plan
from forecasting.schemas import present_columns
from forecasting.stores import StaffingStandard, StoreConfig
from forecasting.traffic import forecast_customers
from forecasting.validation import parse_table


def plan_orders(forecast: pd.DataFrame, stock: pd.DataFrame, catalog: pd.DataFrame,
                stores: Mapping[str, StoreConfig] | None = None, *,
                service_level: float | None = None, distribution: str = "negbin",
                only_stores: Sequence[str] | None = None,
                categories: Sequence[str] | None = None, order_date: object = None,
                next_order_from: object = None, columns: Mapping[str, str] | None = None,
                sources: Mapping[str, str] | None = None,
                first_lines: Mapping[str, int] | None = None) -> OrderPlan:  # fmt: skip
    """Orders to place on each order day, from a forecast and the stock.

    The filters (``only_stores``, ``categories``, ``order_date``, ``next_order_from``) apply to
    the finished plan: the lines kept are the same as in the whole plan, only fewer.

    Parameters
    ----------
    forecast : pandas.DataFrame
        A forecast per sku with its 80% interval (as :func:`forecasting.forecast` makes it or
        as read back from its file), or daily demand (``date, store, sku, mean, var``).
    stock : pandas.DataFrame
        ``store, sku, on_hand[, on_order]``.
    catalog : pandas.DataFrame
        ``sku, pack_size, lead_time_days[, shelf_life_days, min_order_packs, order_days]``.
    stores : Mapping of str to StoreConfig, optional
        Order days and service levels per store.
    service_level, distribution
        As in :func:`forecasting.planning.orders.order_plan`.
    only_stores, categories : sequence of str, optional
        Keep only these stores' lines, or those of products in these catalog categories.
    order_date : date or str, optional
        Keep only the lines ordered on this day.
    next_order_from : date or str, optional
        Per store and product, keep only the first order day on or after this day (what to
        order next). Excludes ``order_date``.
    columns : mapping of str to str, optional
        ``{kori's name: the file's name}`` for columns named otherwise.
    sources, first_lines : mapping, optional
        Per input (``forecast``, ``stock``, ``catalog``): its file name and the line of its
        first row, for messages.

    Returns
    -------
    OrderPlan
        ``.table`` (one row per store, sku and order day, columns
        :data:`forecasting.planning.orders.LINE_COLUMNS`) and ``.summary()``.

    Raises
    ------
    ParameterError
        For a service level out of range, both ``order_date`` and ``next_order_from``, or a
        filter that leaves no line (the message lists what the plan has).
    SchemaError
        If the forecast, stock or catalog cannot be used.
    """
    check_filters(order_date, next_order_from)
    sources, first_lines = sources or {}, first_lines or {}
    demand = _demand(forecast, columns, sources, first_lines, check_daily=False)  # order_plan does
    stock = _parsed(stock, "stock", columns, sources, first_lines)
    catalog = _parsed(catalog, "catalog", columns, sources, first_lines)
    plan = order_plan(demand, stock, catalog, stores=stores, service_level=service_level,
                      distribution=distribution, sources=sources, first_lines=first_lines)  # fmt: skip
    return select_lines(plan, only_stores=only_stores, categories=categories,
                        order_date=order_date, next_order_from=next_order_from)  # fmt: skip


def _demand(forecast: pd.DataFrame, columns: Mapping[str, str] | None,
            sources: Mapping[str, str], first_lines: Mapping[str, int], *,
            check_daily: bool = True) -> pd.DataFrame:  # fmt: skip
    """Daily demand from a forecast table (or the demand itself, as given)."""
    if {"mean", "var"} <= set(forecast.columns):
        return forecast
    return read_forecast(forecast, source=sources.get("forecast", "<forecast>"),
                         first_line=first_lines.get("forecast", 2),
                         columns=present_columns(forecast, columns),
                         check_daily=check_daily)  # fmt: skip


def _parsed(frame: pd.DataFrame, kind: str, columns: Mapping[str, str] | None,
            sources: Mapping[str, str], first_lines: Mapping[str, int]) -> pd.DataFrame:  # fmt: skip
    """``frame`` checked and typed as a table of ``kind``."""
    return parse_table(frame, kind, source=sources.get(kind, f"<{kind}>"),
                       first_line=first_lines.get(kind, 2),
                       columns=present_columns(frame, columns))


@dataclass(frozen=True)
class StaffingResult:
    """A staffing plan: cashiers per opening hour and staff hours per day.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per store, date and opening hour (see
        :func:`forecasting.planning.staffing.staffing_plan`).
    daily : pandas.DataFrame
        Staff hours per store and day (see :func:`forecasting.planning.staffing.daily_staffing`).
    standards : dict
        The staffing standard used for each store.
    """

    table: pd.DataFrame
    daily: pd.DataFrame
    standards: dict[str, StaffingStandard]

    def summary(self) -> list[str]:
        """Per store: checkout hours, the busiest hour and hours that miss the target.

        Returns
        -------
        list of str
        """
        lines = []
        for store, part in self.daily.groupby("store", sort=True):
            standard = self.standards[str(store)]
            hours = self.table[self.table["store"] == store]
            busiest = hours.sort_values("load_erlangs").iloc[-1]
            lines.append(
                f"{store}: {part['staff_hours'].sum():,.0f} checkout hours over {len(part)} "
                f"open days ({standard.service_target:.0%} of customers within "
                f"{standard.wait_target_s:.0f} s, {standard.service_time_s:.0f} s per customer); "
                "busiest hour: " + describe_hour(busiest, standard)
            )
            missed = int(part["hours_target_missed"].sum())
            if missed:
                lines.append(f"{store}: {missed} hours miss the target even at the most "
                             f"cashiers allowed ({standard.max_cashiers})")  # fmt: skip
        return lines


def plan_staffing(traffic: pd.DataFrame, stores: Mapping[str, StoreConfig], *,
                  horizon: int = 28, weather: pd.DataFrame | None = None, country: str = "FI",
                  service_time_s: float | None = None, wait_target_s: float | None = None,
                  service_target: float | None = None, min_cashiers: int | None = None,
                  max_cashiers: int | None = None, columns: Mapping[str, str] | None = None,
                  sources: Mapping[str, str] | None = None,
                  first_lines: Mapping[str, int] | None = None) -> StaffingResult:  # fmt: skip
    """Cashiers per opening hour and staff hours per day, from the customer traffic.

    Forecasts each store's daily customers ``horizon`` days ahead (holidays of ``country``,
    ``weather``, store hours), spreads them over the opening hours and finds for every hour the
    fewest cashiers that meet the service target (Erlang C).

    Parameters
    ----------
    traffic : pandas.DataFrame
        ``timestamp, store, receipts``: customers per opening hour over the history.
    stores : Mapping of str to StoreConfig
        Opening hours and staffing standards of every store.
    horizon : int, default 28
        Days to plan.
    weather : pandas.DataFrame, optional
        Daily weather per store over the history and the forecast days.
    country : str, default "FI"
        Holiday calendar.
    service_time_s, wait_target_s, service_target, min_cashiers, max_cashiers : optional
        Override every store's staffing standard: mean seconds to serve a customer, the wait
        (seconds) the target refers to, the share served within it, and the cashier bounds.
    columns : mapping of str to str, optional
        ``{kori's name: the file's name}`` for columns of the traffic and weather named
        otherwise.
    sources, first_lines : mapping, optional
        Per input (``traffic``, ``weather``): its file name and the line of its first row, for
        messages.

    Returns
    -------
    StaffingResult
        ``.table`` (per hour), ``.daily`` (per day) and ``.summary()``.

    Raises
    ------
    ParameterError
        If ``min_cashiers`` is above ``max_cashiers``, or an override is out of range.
    SchemaError
        If the traffic or weather cannot be used.

    Examples
    --------
    >>> from forecasting.sample import simulate_store
    >>> store = simulate_store(seed=1)
    >>> plan = plan_staffing(store.traffic, store.stores, weather=store.weather)  # doctest: +SKIP
    >>> plan.summary()[0]  # doctest: +SKIP
    'HKI: 583 checkout hours over 27 open days ...'
    """
    if min_cashiers is not None and max_cashiers is not None and min_cashiers > max_cashiers:
        raise ParameterError(f"`min_cashiers={min_cashiers}` is above "
                             f"`max_cashiers={max_cashiers}`",
                             fix="Give a minimum at or below the maximum")  # fmt: skip
    standards = staffing_standards(stores, service_time_s=service_time_s,
                                   wait_target_s=wait_target_s, service_target=service_target,
                                   min_cashiers=min_cashiers, max_cashiers=max_cashiers)  # fmt: skip
    sources, first_lines = sources or {}, first_lines or {}
    source = sources.get("traffic", "<traffic>")
    traffic = _parsed(traffic, "traffic", columns, sources, first_lines)
    if weather is not None:
        weather = _parsed(weather, "weather", columns, sources, first_lines)
    _, hourly = forecast_customers(traffic, stores, horizon=horizon, weather=weather,
                                   country=country, source=source)  # fmt: skip
    hours = staffing_plan(hourly, standards)
    return StaffingResult(table=hours, daily=daily_staffing(hours), standards=standards)


@dataclass(frozen=True)
class FreezerPlanResult:
    """Freezer space per store, category and week, and the days of the forecast left out.

    Attributes
    ----------
    plan : FreezerPlan
        The merged plan of every store (``.categories``, ``.skus``, ``.changes``, ...).
    days_left_out : int
        Days of the forecast's first and last weeks left out as not whole weeks.
    """

    plan: FreezerPlan
    days_left_out: int
    names: dict[str, str] = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        """Space per store, category and week."""
        return self.plan.categories

    @property
    def skus(self) -> pd.DataFrame:
        """Space per store, sku and week, with the product ``name`` after ``sku`` when the
        catalog has names."""
        skus = self.plan.skus
        if not self.names:
            return skus
        skus = skus.copy()
        skus.insert(skus.columns.get_loc("sku") + 1, "name",
                    skus["sku"].astype(str).map(self.names).fillna("").to_numpy())
        return skus

    def summary(self) -> list[str]:
        """The days left out (if any), then the plan's summary lines.

        Returns
        -------
        list of str
        """
        lines = []
        if self.days_left_out:
            lines.append(f"Left out {self.days_left_out} days of the forecast's first and last "
                         "weeks, which are not whole weeks (Monday to Sunday)")  # fmt: skip
        return lines + self.plan.summary()


def plan_freezer(forecast: pd.DataFrame, catalog: pd.DataFrame,
                 stores: Mapping[str, StoreConfig] | None = None, *,
                 capacity: float | Mapping[str, float] | None = None,
                 service_level: float | None = None, review_days: int = 7,
                 department: str = "frozen", columns: Mapping[str, str] | None = None,
                 sources: Mapping[str, str] | None = None,
                 first_lines: Mapping[str, int] | None = None) -> FreezerPlanResult:  # fmt: skip
    """Freezer space per category and week, from a daily forecast of frozen products.

    Keeps the products of ``department``, only whole weeks (Monday to Sunday), and plans each
    store's freezer with :func:`forecasting.planning.inputs.freezer_plans`.

    Parameters
    ----------
    forecast : pandas.DataFrame
        A daily forecast per sku with its 80% interval (as :func:`forecasting.forecast` makes
        it, or read back from its file), or daily demand (``store, sku, date, mean, var``).
    catalog : pandas.DataFrame
        ``sku, category, department, unit_volume_l`` and optionally ``lead_time_days``.
    stores : Mapping of str to StoreConfig, optional
        Freezer capacities and service levels per store.
    capacity : float or Mapping of str to float, optional
        Litres: one figure for every store, or per store; in a mapping the key ``"*"`` is the
        capacity of every store it does not name. Overrides ``stores``.
    service_level : float, optional
        Service level of the safety stock, overriding ``stores``.
    review_days : int, default 7
        Days between deliveries.
    department : str, default "frozen"
        The catalog department of the products that go in the freezer.
    columns : mapping of str to str, optional
        ``{kori's name: the file's name}`` for columns named otherwise.
    sources, first_lines : Mapping, optional
        Names of the ``"forecast"``, ``"catalog"`` and ``"stores"`` inputs, and the file lines
        of the forecast's and catalog's first rows, for messages.

    Returns
    -------
    FreezerPlanResult
        ``.table`` (per category), ``.skus`` (per sku) and ``.summary()``.

    Raises
    ------
    ParameterError
        If ``capacity`` names a store not in the forecast, or neither ``capacity`` nor
        ``stores`` is given.
    SchemaError, ConfigError
        If the catalog, the forecast or the store configuration cannot be used.

    Examples
    --------
    >>> result = plan_freezer(year, store.catalog, store.stores)  # doctest: +SKIP
    >>> result.table  # store, week, category, need_l, allocated_l ...  # doctest: +SKIP
    """
    sources = sources or {}
    demand = _demand(forecast, columns, sources, first_lines or {})
    catalog = _parsed(catalog, "catalog", columns, sources, first_lines or {})
    frozen = frozen_demand(demand, catalog, department=department,
                           source=sources.get("catalog", "<catalog>"),
                           first_line=(first_lines or {}).get("catalog"))  # fmt: skip
    daily, cut = full_weeks(frozen, source=sources.get("forecast", "<forecast>"))
    litres = _capacities(capacity, sorted(daily["store"].unique()))
    if not stores and not litres:
        raise ParameterError("no freezer capacity",
                             fix="Give `capacity`, or `stores` with freezer_capacity_litres")  # fmt: skip
    plan = freezer_plans(daily, catalog, stores or {}, capacity=litres,
                         service_level=service_level, review_days=review_days,
                         source=sources.get("stores", "<stores>"))  # fmt: skip
    names = (dict(zip(catalog["sku"].astype(str), catalog["name"].astype(str)))
             if "name" in catalog.columns else {})  # fmt: skip
    return FreezerPlanResult(plan=plan, days_left_out=cut, names=names)


def _capacities(capacity: float | Mapping[str, float] | None,
                stores: list[str]) -> dict[str, float]:  # fmt: skip
    """Litres per store of the forecast: its own capacity, else the one for every store."""
    if capacity is None:
        return {}
    if not isinstance(capacity, Mapping):
        return dict.fromkeys(stores, float(capacity))
    unknown = [store for store in capacity if store != "*" and store not in stores]
    if unknown:
        raise ParameterError(f"`capacity` names {unknown[0]!r}, which is not a store of the "
                             f"forecast ({', '.join(stores)})")  # fmt: skip
    every = dict.fromkeys(stores, capacity["*"]) if "*" in capacity else {}
    return {**every, **{store: litres for store, litres in capacity.items() if store != "*"}}
