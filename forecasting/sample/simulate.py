"""One simulation of a two-store Finnish supermarket, from which every sample file is cut."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from forecasting.calendar import holiday_names, holiday_table
from forecasting.errors import ParameterError
from forecasting.sample.calendar_effects import (
    days_until,
    event_dates,
    store_day_factor,
)
from forecasting.sample.demand import draw_demand, expected_lines, trend
from forecasting.sample.loyalty import simulate_loyalty
from forecasting.sample.products import CROSS_SELLS, PRODUCTS, CrossSell, Product
from forecasting.sample.register import simulate_register
from forecasting.sample.standards import CLOSED_ON as _CLOSED_ON
from forecasting.sample.standards import ORDERING as _ORDERING
from forecasting.sample.standards import SPECIAL_HOURS as _SPECIAL_HOURS
from forecasting.sample.tables import catalog_table as _catalog
from forecasting.sample.tables import nanoseconds as _nanoseconds
from forecasting.sample.tables import sales_table as _sales
from forecasting.sample.tables import stock_table as _stock
from forecasting.sample.tables import traffic_and_receipts as _traffic_and_receipts
from forecasting.sample.weather import Climate, blur_forecast, simulate_weather
from forecasting.stores import (
    StaffingStandard,
    StoreConfig,
    render_store_configs,
)

if TYPE_CHECKING:
    from forecasting.sample.chain import SampleChain

DEFAULT_END = dt.date(2025, 11, 30)
"""The last day of the sample history: the 28 days after it hold the Christmas rush."""
END_RANGE = (dt.date(1990, 1, 1), dt.date(2099, 12, 31))
"""First and last possible end of the history: twenty years of history and a year of weather
forecast must fall within the dates every kori command reads, 1970-01-01 to 2100-12-31
(:data:`forecasting.dates.EARLIEST` and ``LATEST``; the ``holidays`` package stops at 2100)."""
MAX_FORECAST_DAYS = 366
"""Most days of weather forecast after the history."""

_REGULAR_HOURS = {
    "mon": (420, 1320), "tue": (420, 1320), "wed": (420, 1320), "thu": (420, 1320),
    "fri": (420, 1320), "sat": (480, 1320), "sun": (600, 1260),
}  # fmt: skip
SAMPLE_STORES: dict[str, StoreConfig] = {
    "HKI": StoreConfig(
        store="HKI",
        name="Kori Kallio",
        city="Helsinki",
        hours=_REGULAR_HOURS,
        special_hours=_SPECIAL_HOURS,
        closed_on=_CLOSED_ON,
        freezer_capacity_litres=1800.0,
        staffing=StaffingStandard(service_time_s=95.0, max_cashiers=6),
        ordering=_ORDERING,
    ),
    "TRE": StoreConfig(
        store="TRE",
        name="Kori Hervanta",
        city="Tampere",
        hours=_REGULAR_HOURS,
        special_hours=_SPECIAL_HOURS,
        closed_on=_CLOSED_ON,
        freezer_capacity_litres=1300.0,
        staffing=StaffingStandard(service_time_s=85.0, max_cashiers=4),
        ordering=_ORDERING,
    ),
}
_SIZE = {"HKI": 1.0, "TRE": 0.72}
_CLIMATE = {
    "HKI": Climate(mean_c=6.4, amplitude_c=11.0, coldest_day=24, wet_day_share=0.47),
    "TRE": Climate(mean_c=5.0, amplitude_c=12.5, coldest_day=22, wet_day_share=0.44),
}
_DAY_NOISE_SD = 0.05


@dataclass(frozen=True)
class SampleStore:
    """The simulated store's data, as the files ``kori sample`` writes.

    Attributes
    ----------
    catalog : pandas.DataFrame
        ``sku, name, category, department, unit_volume_l, pack_size, lead_time_days,
        shelf_life_days, price_eur``.
    sales : pandas.DataFrame
        ``date, store, sku, quantity``: units sold per day, rows with sales only.
    receipts : pandas.DataFrame
        ``receipt_id, timestamp, store, sku, quantity``: one row per receipt line, for the last
        ``receipt_weeks`` weeks of the history.
    weather : pandas.DataFrame
        ``date, store, temperature_c, precipitation_mm``: observed over the history, then a
        forecast for ``forecast_days`` days.
    traffic : pandas.DataFrame
        ``timestamp, store, receipts``: customers per opening hour over the history.
    stock : pandas.DataFrame
        ``store, sku, on_hand, on_order``: stock at the end of the history, the mean sales of
        the last four weeks over each product's lead time (rounded up), nothing on order.
    stores : dict of str to StoreConfig
        Opening hours, closed days, freezer capacity and staffing standards.
    cross_sells : pandas.DataFrame
        The planted habits: ``anchor, companion`` (skus), their names and ``share``.
    seed : int
        The seed the simulation ran with.
    loyalty : pandas.DataFrame
        ``receipt_id, customer_id``: the receipts of ``receipts`` paid with a loyalty card.
    customers : pandas.DataFrame
        ``customer_id, store, joined_on, household``: the card holders.
    loyalty_visits : pandas.DataFrame
        ``customer_id, timestamp, store, receipt_id, amount_eur``: every card holder's visits
        over the whole history (``receipt_id`` empty before the receipt weeks).
    survey : pandas.DataFrame
        ``customer_id, answered_on, score``: Net Promoter answers (0-10) of a random sample.
    loyalty_truth : pandas.DataFrame
        The planted truths, one row per card holder (not written to a file): ``customer_id,
        store, kind, household, joined_on, lapse_date, weekday, hour, habit, score,
        survey_population`` (see :mod:`forecasting.sample.loyalty`).
    register : pandas.DataFrame
        The customer register, all text (``register.csv``): ``member_id, first_name,
        last_name, street, postal_code, town, email, phone, birth_year, joined_on, updated_on,
        consent, consent_date, channel``, one row per card holder and a few register-only
        members.
    register_truth : pandas.DataFrame
        Its planted faults (not written to a file): ``member_id, person, faults, pair_kind``
        (see :mod:`forecasting.sample.register`).
    """

    catalog: pd.DataFrame
    sales: pd.DataFrame
    receipts: pd.DataFrame
    weather: pd.DataFrame
    traffic: pd.DataFrame
    stock: pd.DataFrame
    stores: dict[str, StoreConfig]
    cross_sells: pd.DataFrame
    seed: int
    loyalty: pd.DataFrame
    customers: pd.DataFrame
    loyalty_visits: pd.DataFrame
    survey: pd.DataFrame
    loyalty_truth: pd.DataFrame
    register: pd.DataFrame
    register_truth: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The data files by name, in the order ``kori sample`` writes them."""
        return {
            "catalog.csv": self.catalog,
            "receipts.csv": self.receipts,
            "sales.csv": self.sales,
            "weather.csv": self.weather,
            "traffic.csv": self.traffic,
            "stock.csv": self.stock,
        }

    def loyalty_tables(self) -> dict[str, pd.DataFrame]:
        """The loyalty-card files and the customer register by name, which ``kori sample``
        writes after :meth:`tables`."""
        return {
            "customers.csv": self.customers,
            "loyalty.csv": self.loyalty,
            "loyalty_visits.csv": self.loyalty_visits,
            "survey.csv": self.survey,
            "register.csv": self.register,
        }

    def store_toml(self) -> str:
        """The store configuration as TOML (``store.toml``)."""
        comment = (
            f"Store configuration of the kori sample (seed {self.seed}).\n"
            "Hours are HH:MM-HH:MM local time; closed_on and special_hours name holidays as the\n"
            "holidays package does in English, or fixed dates as MM-DD."
        )
        return render_store_configs(self.stores, comment=comment)


def simulate_store(
    *,
    seed: int = 1,
    years: int = 3,
    end: dt.date = DEFAULT_END,
    receipt_weeks: int = 12,
    forecast_days: int = 14,
    products: tuple[Product, ...] | int = PRODUCTS,
    cross_sells: tuple[CrossSell, ...] = CROSS_SELLS,
    stores: int | None = None,
) -> SampleStore | SampleChain:
    """Simulate a Finnish supermarket with two stores.

    One simulation drives every table: daily demand per product and store (seasons, Finnish
    holidays, weekdays, temperature, cross-sell habits), customers per hour, and the receipts of
    the last weeks, which add up exactly to that period's sales.

    Parameters
    ----------
    seed : int, default 1
        Seed of the random numbers; the same seed gives the same tables.
    years : int, default 3
        Length of the sales history, in years, ending on ``end``.
    end : datetime.date, default 2025-11-30
        Last day of the history.
    receipt_weeks : int, default 12
        Weeks at the end of the history that get receipts (0 for none).
    forecast_days : int, default 14
        Days of weather forecast after ``end``.
    products, cross_sells : tuple
        The assortment and the planted habits (see :mod:`forecasting.sample.products`). With
        ``stores``, ``products`` may be a number: that many products spread over the catalog.
    stores : int, optional
        Simulate a chain of this many generated stores (1 to 2,000) instead of the two sample
        stores: see :mod:`forecasting.sample.chain` (no loyalty cards, register or habits other
        than the catalog's cross-sells; receipts only if ``receipt_weeks`` asks for them).

    Returns
    -------
    SampleStore or SampleChain
        A :class:`~forecasting.sample.chain.SampleChain` (tables store by store) with ``stores``.

    Raises
    ------
    ParameterError
        If ``years`` is not 1..20, ``receipt_weeks`` is negative or longer than the history,
        ``forecast_days`` is not 0..366, or ``end`` is outside :data:`END_RANGE`.

    Examples
    --------
    >>> sample = simulate_store(seed=1, years=1, receipt_weeks=1)
    >>> sorted(sample.tables())
    ['catalog.csv', 'receipts.csv', 'sales.csv', 'stock.csv', 'traffic.csv', 'weather.csv']
    >>> sorted(sample.loyalty_tables())
    ['customers.csv', 'loyalty.csv', 'loyalty_visits.csv', 'register.csv', 'survey.csv']
    """
    _check(years, receipt_weeks, forecast_days, end)
    if stores is not None or isinstance(products, int):
        return _chain(seed, years, end, receipt_weeks, forecast_days, products, stores)
    start = (pd.Timestamp(end) - pd.DateOffset(years=years) + pd.Timedelta(days=1)).date()
    dates = pd.date_range(start, end, freq="D")
    all_days = pd.date_range(start, end + dt.timedelta(days=forecast_days), freq="D")
    weather_rng, demand_rng, traffic_rng, receipt_rng = (
        np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(4)
    )
    holidays = holiday_table(start, dt.date(end.year + 1, 12, 31))
    names = holiday_names(dates, holidays)
    until = {
        event: days_until(dates.to_numpy(dtype="datetime64[D]"), days)
        for event, days in event_dates(holidays, range(start.year, end.year + 2)).items()
    }
    codes = list(SAMPLE_STORES)
    weather = {
        code: blur_forecast(
            simulate_weather(all_days, _CLIMATE[code], weather_rng),
            pd.Timestamp(end),
            weather_rng,
        )
        for code in codes
    }
    opening = {code: SAMPLE_STORES[code].opening_hours(dates, names) for code in codes}
    day_noise = np.exp(demand_rng.normal(0.0, _DAY_NOISE_SD, size=(len(dates), len(codes))))
    day_factor = np.column_stack(
        [_SIZE[code] * store_day_factor(SAMPLE_STORES[code], opening[code], until) for code in codes]
    ) * (trend(dates)[:, None] * day_noise)
    temperature = np.column_stack(
        [weather[code]["temperature_c"].to_numpy()[: len(dates)] for code in codes]
    )
    expected = expected_lines(products, dates, until, day_factor, temperature)
    demand = draw_demand(expected, products, cross_sells, demand_rng)
    skus = np.array([f"K{1001 + j}" for j in range(len(products))])

    traffic, receipts = _traffic_and_receipts(
        dates, codes, opening, demand, skus, products, cross_sells,
        receipt_days=receipt_weeks * 7, traffic_rng=traffic_rng, receipt_rng=receipt_rng,
    )  # fmt: skip
    catalog = _catalog(products, skus)
    receipts, traffic = _nanoseconds(receipts), _nanoseconds(traffic)
    cards = simulate_loyalty(
        receipts=receipts, traffic=traffic, catalog=catalog, start=dates[0], end=dates[-1],
        receipts_from=dates[-1] + pd.Timedelta(days=1) - pd.Timedelta(days=receipt_weeks * 7),
        seed=seed,
    )  # fmt: skip
    register = simulate_register(cards.customers, cards.visits, dates[-1], seed)
    return SampleStore(
        catalog=catalog,
        sales=_nanoseconds(_sales(dates, codes, skus, demand.units)),
        receipts=cards.receipts,
        weather=_nanoseconds(_weather_table(weather, codes)),
        traffic=traffic,
        stock=_stock(demand.units, codes, catalog),
        stores=dict(SAMPLE_STORES),
        cross_sells=_cross_sell_table(products, skus, cross_sells),
        seed=seed,
        loyalty=cards.loyalty,
        customers=cards.customers,
        loyalty_visits=cards.visits,
        survey=cards.survey,
        loyalty_truth=cards.truth,
        register=register.table,
        register_truth=register.truth,
    )


def _check(years: int, receipt_weeks: int, forecast_days: int, end: dt.date) -> None:
    first, last = END_RANGE
    if not first <= pd.Timestamp(end).date() <= last:
        raise ParameterError(
            f"the history cannot end on {end}: the simulation needs Finnish holidays, which "
            "the holidays package has for 1853-2100",
            fix=f"Give an end from {first} to {last}, e.g. `end='{DEFAULT_END}'`",
        )
    if not 1 <= years <= 20:
        raise ParameterError(
            f"years must be between 1 and 20, got {years}", fix="Pass e.g. `years=3`"
        )
    if not 0 <= receipt_weeks <= years * 52:
        raise ParameterError(
            f"receipt weeks must be between 0 and the history's {years * 52} weeks, "
            f"got {receipt_weeks}",
            fix="Pass e.g. `receipt_weeks=12`",
        )
    if not 0 <= forecast_days <= MAX_FORECAST_DAYS:
        raise ParameterError(
            f"forecast days must be between 0 and {MAX_FORECAST_DAYS}, got {forecast_days}",
            fix="Pass e.g. `forecast_days=14`",
        )


def _chain(
    seed: int, years: int, end: dt.date, receipt_weeks: int, forecast_days: int,
    products: tuple[Product, ...] | int, stores: int | None,
) -> SampleChain:  # fmt: skip
    from forecasting.sample.chain import simulate_chain

    if stores is None:
        raise ParameterError(
            "a number of products picks products for a chain, and no chain was asked for",
            fix="Pass `stores=` as well, e.g. `stores=50`",
        )
    if not isinstance(products, int) and products != PRODUCTS:
        raise ParameterError(
            "a chain sells the sample catalog or a number of its products",
            fix="Pass `products=` as a number, e.g. `products=100`",
        )
    return simulate_chain(
        stores=stores, seed=seed, years=years, end=end, receipt_weeks=receipt_weeks,
        forecast_days=forecast_days, products=products if isinstance(products, int) else None,
    )  # fmt: skip


def _weather_table(weather: dict[str, pd.DataFrame], codes: list[str]) -> pd.DataFrame:
    parts = []
    for code in codes:
        frame = weather[code]
        parts.append(
            pd.DataFrame(
                {
                    "date": frame.index,
                    "store": code,
                    "temperature_c": frame["temperature_c"].round(1).to_numpy(),
                    "precipitation_mm": frame["precipitation_mm"].round(1).to_numpy(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True).sort_values(["date", "store"], ignore_index=True)


def _cross_sell_table(
    products: tuple[Product, ...], skus: np.ndarray, cross_sells: tuple[CrossSell, ...]
) -> pd.DataFrame:
    sku_of = {product.name: sku for product, sku in zip(products, skus)}
    return pd.DataFrame(
        {
            "anchor": [sku_of[h.anchor] for h in cross_sells],
            "companion": [sku_of[h.companion] for h in cross_sells],
            "anchor_name": [h.anchor for h in cross_sells],
            "companion_name": [h.companion for h in cross_sells],
            "share": [h.share for h in cross_sells],
        }
    )
