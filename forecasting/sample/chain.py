"""A simulated chain of Finnish grocery stores, large enough to show scale.

``simulate_store(stores=N)`` ends up here. The stores get generated codes (``S0001`` ...), a
town and its climate from :data:`TOWNS`, and a kind (neighbourhood shop, supermarket or
hypermarket) that sets their size, opening hours, freezer and checkouts; they all sell the same
catalog (or a subset of it). Each store is simulated with the same demand model as the two-store
sample, one store at a time and vectorised over its days and products, from a random stream of
its own: store ``S0007`` is the same whether the chain has 10 stores or 2,000, and memory holds
one store's data at a time (:meth:`SampleChain.parts` yields them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.calendar import holiday_names, holiday_table
from forecasting.errors import ParameterError
from forecasting.sample.calendar_effects import (
    days_until,
    event_dates,
    store_day_factor,
)
from forecasting.sample.demand import Demand, draw_demand, expected_lines, trend
from forecasting.sample.products import CROSS_SELLS, PRODUCTS, CrossSell, Product
from forecasting.sample.receipts import hour_weights
from forecasting.sample.standards import CLOSED_ON, ORDERING, SPECIAL_HOURS
from forecasting.sample.tables import (
    LINES_PER_RECEIPT,
    catalog_table,
    nanoseconds,
    sales_table,
    stock_table,
    traffic_and_receipts,
)
from forecasting.sample.weather import Climate, blur_forecast, simulate_weather
from forecasting.stores import StaffingStandard, StoreConfig, render_store_configs

MAX_STORES = 2000
"""Most stores a simulated chain can have."""

# Town, climate normals (annual mean and half the annual range in C, coldest day, share of wet
# days) and population in thousands, which weighs how many of the chain's stores are there.
TOWNS: tuple[tuple[str, Climate, int], ...] = (
    ("Helsinki", Climate(6.4, 11.0, 24, wet_day_share=0.47), 675),
    ("Espoo", Climate(6.2, 11.2, 24, wet_day_share=0.47), 310),
    ("Tampere", Climate(5.0, 12.5, 22, wet_day_share=0.44), 255),
    ("Vantaa", Climate(6.0, 11.4, 24, wet_day_share=0.47), 245),
    ("Oulu", Climate(3.2, 14.0, 20, wet_day_share=0.42), 215),
    ("Turku", Climate(6.0, 11.5, 25, wet_day_share=0.46), 205),
    ("Jyväskylä", Climate(3.9, 13.2, 21, wet_day_share=0.45), 148),
    ("Kuopio", Climate(4.0, 13.6, 21, wet_day_share=0.44), 125),
    ("Lahti", Climate(5.0, 12.6, 22, wet_day_share=0.45), 121),
    ("Pori", Climate(5.5, 11.8, 24, wet_day_share=0.43), 84),
    ("Joensuu", Climate(3.5, 13.6, 20, wet_day_share=0.44), 78),
    ("Lappeenranta", Climate(4.6, 13.2, 21, wet_day_share=0.44), 73),
    ("Hämeenlinna", Climate(5.0, 12.6, 22, wet_day_share=0.45), 68),
    ("Vaasa", Climate(4.6, 12.2, 23, wet_day_share=0.41), 68),
    ("Seinäjoki", Climate(4.0, 12.8, 22, wet_day_share=0.42), 65),
    ("Rovaniemi", Climate(1.2, 14.5, 18, wet_day_share=0.43), 65),
    ("Mikkeli", Climate(4.3, 13.2, 21, wet_day_share=0.44), 52),
    ("Kotka", Climate(5.8, 11.8, 23, wet_day_share=0.45), 52),
    ("Kokkola", Climate(3.8, 12.8, 21, wet_day_share=0.41), 48),
    ("Kajaani", Climate(2.8, 14.0, 19, wet_day_share=0.44), 36),
    ("Savonlinna", Climate(4.4, 13.6, 21, wet_day_share=0.44), 32),
    ("Kemi", Climate(2.5, 14.2, 19, wet_day_share=0.41), 20),
    ("Ivalo", Climate(-0.8, 14.5, 16, wet_day_share=0.45), 4),
)

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class _Kind:
    name: str  # word in the store's name
    share: float  # of the chain's stores
    size: tuple[float, float]  # median and log-sd of the traffic, 1 = the Helsinki sample store
    hours: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]  # mon-fri, sat, sun


_KINDS = (
    _Kind("Lähi", 0.5, (0.35, 0.3), ((480, 1260), (480, 1260), (600, 1260))),
    _Kind("Market", 0.38, (1.0, 0.25), ((420, 1320), (480, 1320), (600, 1260))),
    _Kind("Max", 0.12, (2.6, 0.2), ((420, 1380), (420, 1380), (540, 1380))),
)
_DAY_NOISE_SD = 0.05


@dataclass(frozen=True)
class ChainPart:
    """One store's simulated data, as :meth:`SampleChain.parts` yields it.

    Attributes
    ----------
    store : str
        The store's code.
    sales : pandas.DataFrame
        ``date, store, sku, quantity``: the store's whole series, rows with sales only.
    traffic : pandas.DataFrame
        ``timestamp, store, receipts``: customers per opening hour.
    receipts : pandas.DataFrame
        ``receipt_id, timestamp, store, sku, quantity`` of the last ``receipt_weeks`` weeks
        (no rows if none were asked for).
    stock : pandas.DataFrame
        ``store, sku, on_hand, on_order`` at the end of the history.
    """

    store: str
    sales: pd.DataFrame
    traffic: pd.DataFrame
    receipts: pd.DataFrame
    stock: pd.DataFrame


@dataclass(frozen=True)
class SampleChain:
    """A simulated chain: the small tables at once, the per-store tables store by store.

    Attributes
    ----------
    catalog : pandas.DataFrame
        The products every store sells (columns as :class:`~forecasting.sample.SampleStore`).
    weather : pandas.DataFrame
        ``date, store, temperature_c, precipitation_mm``: each store's town, observed then
        forecast for ``forecast_days`` days.
    stores : dict of str to StoreConfig
        Opening hours, closed days, freezer capacity and staffing standards of every store.
    kinds : dict of str to str
        Each store's kind: ``neighbourhood``, ``supermarket`` or ``hypermarket``.
    sizes : dict of str to float
        Each store's traffic relative to the Helsinki store of the two-store sample.
    seed : int
        The seed the simulation ran with.
    """

    catalog: pd.DataFrame
    weather: pd.DataFrame
    stores: dict[str, StoreConfig]
    kinds: dict[str, str]
    sizes: dict[str, float]
    seed: int
    _plan: dict = field(repr=False)

    def parts(self) -> Iterator[ChainPart]:
        """Simulate the stores one at a time, in code order.

        Each call simulates again (the same data: every store has its own random stream).
        """
        for code in self.stores:
            yield _simulate_one(self, code)

    def store_toml(self) -> str:
        """The configuration of every store as TOML (``store.toml``)."""
        comment = (
            f"Store configuration of the kori sample chain of {len(self.stores)} stores "
            f"(seed {self.seed}).\n"
            "Hours are HH:MM-HH:MM local time; closed_on and special_hours name holidays as the\n"
            "holidays package does in English, or fixed dates as MM-DD."
        )
        return render_store_configs(self.stores, comment=comment)


def pick_products(count: int | None) -> tuple[Product, ...]:
    """``count`` products spread evenly over the catalog (every department keeps some).

    Parameters
    ----------
    count : int or None
        How many, 1 to the catalog's size; None for all.

    Raises
    ------
    ParameterError
        If ``count`` is outside 1 to the catalog's size.
    """
    if count is None:
        return PRODUCTS
    if not 1 <= count <= len(PRODUCTS):
        raise ParameterError(
            f"products must be between 1 and the catalog's {len(PRODUCTS)}, got {count}",
            fix=f"Pass e.g. `products={min(100, len(PRODUCTS))}`",
        )
    index = np.round(np.linspace(0, len(PRODUCTS) - 1, count)).astype(int)
    return tuple(PRODUCTS[i] for i in index)


def simulate_chain(
    *,
    stores: int,
    seed: int = 1,
    years: int = 3,
    end: dt.date,
    receipt_weeks: int = 0,
    forecast_days: int = 14,
    products: int | None = None,
) -> SampleChain:
    """Set up a chain of ``stores`` stores; :meth:`SampleChain.parts` simulates their sales.

    Parameters are those of :func:`forecasting.sample.simulate_store`, with ``products`` a
    number of products (see :func:`pick_products`) or None for the whole catalog.

    Raises
    ------
    ParameterError
        If ``stores`` is not 1 to :data:`MAX_STORES`, or ``products`` is out of range.
    """
    if isinstance(stores, bool) or not isinstance(stores, int) or not 1 <= stores <= MAX_STORES:
        raise ParameterError(
            f"stores must be between 1 and {MAX_STORES:,}, got {stores}",
            fix="Pass e.g. `stores=50`",
        )
    chosen = pick_products(products)
    names = {p.name for p in chosen}
    habits = tuple(h for h in CROSS_SELLS if h.anchor in names and h.companion in names)
    skus = np.array([f"K{1001 + PRODUCTS.index(p)}" for p in chosen])

    start = (pd.Timestamp(end) - pd.DateOffset(years=years) + pd.Timedelta(days=1)).date()
    dates = pd.date_range(start, end, freq="D")
    all_days = pd.date_range(start, end + dt.timedelta(days=forecast_days), freq="D")
    holidays = holiday_table(start, dt.date(end.year + 1, 12, 31))
    day_names = holiday_names(dates, holidays)
    until = {
        event: days_until(dates.to_numpy(dtype="datetime64[D]"), days)
        for event, days in event_dates(holidays, range(start.year, end.year + 2)).items()
    }
    configs, kinds, sizes, towns = _stores(stores, seed)
    opening = {kind.name: _config("X", "", "", kind, 1.0).opening_hours(dates, day_names)
               for kind in _KINDS}  # fmt: skip
    weather = _town_weather(sorted(set(towns.values())), all_days, end, seed)
    weather_table = pd.concat(
        [
            pd.DataFrame(
                {
                    "date": all_days,
                    "store": code,
                    "temperature_c": weather[town]["temperature_c"].round(1).to_numpy(),
                    "precipitation_mm": weather[town]["precipitation_mm"].round(1).to_numpy(),
                }
            )
            for code, town in towns.items()
        ],
        ignore_index=True,
    ).sort_values(["date", "store"], ignore_index=True)
    plan = {
        "dates": dates, "until": until, "opening": opening, "weather": weather, "towns": towns,
        "products": chosen, "cross_sells": habits, "skus": skus,
        "receipt_days": receipt_weeks * 7, "trend": trend(dates),
    }  # fmt: skip
    return SampleChain(
        catalog=catalog_table(chosen, skus),
        weather=nanoseconds(weather_table),
        stores=configs,
        kinds=kinds,
        sizes=sizes,
        seed=seed,
        _plan=plan,
    )


def _stores(
    count: int, seed: int
) -> tuple[dict[str, StoreConfig], dict[str, str], dict[str, float], dict[str, str]]:
    """Codes, configurations, kinds, sizes and towns: store i from a stream of its own."""
    weights = np.array([population for *_, population in TOWNS], dtype=float)
    shares = np.array([kind.share for kind in _KINDS])
    configs, kinds, sizes, towns, in_town = {}, {}, {}, {}, {}
    for i in range(count):
        rng = np.random.default_rng([seed, i, 0])
        town = TOWNS[rng.choice(len(TOWNS), p=weights / weights.sum())][0]
        kind = _KINDS[rng.choice(len(_KINDS), p=shares)]
        median, sd = kind.size
        size = round(float(median * np.exp(rng.normal(0.0, sd))), 2)
        code = f"S{i + 1:04d}"
        in_town[town] = in_town.get(town, 0) + 1
        configs[code] = _config(code, f"Kori {kind.name} {town} {in_town[town]}", town, kind, size)
        kinds[code] = {"Lähi": "neighbourhood", "Market": "supermarket"}.get(kind.name,
                                                                             "hypermarket")
        sizes[code], towns[code] = size, town
    return configs, kinds, sizes, towns


def _config(code: str, name: str, town: str, kind: _Kind, size: float) -> StoreConfig:
    weekday, saturday, sunday = kind.hours
    return StoreConfig(
        store=code,
        name=name,
        city=town,
        hours={**dict.fromkeys(_DAYS[:5], weekday), "sat": saturday, "sun": sunday},
        special_hours=SPECIAL_HOURS,
        closed_on=CLOSED_ON,
        freezer_capacity_litres=float(round(1800.0 * size, -1)) or 100.0,
        staffing=StaffingStandard(service_time_s=90.0, max_cashiers=max(2, round(6 * size))),
        ordering=ORDERING,
    )


def _town_weather(
    towns: list[str], days: pd.DatetimeIndex, end: dt.date, seed: int
) -> dict[str, pd.DataFrame]:
    """Each town's weather (all of its stores share it), from a stream of the town's own."""
    climate = {town: normals for town, normals, _ in TOWNS}
    index = {town: i for i, (town, *_) in enumerate(TOWNS)}
    out = {}
    for town in towns:
        rng = np.random.default_rng([seed, index[town], 1])
        out[town] = blur_forecast(simulate_weather(days, climate[town], rng), pd.Timestamp(end), rng)
    return out


def _simulate_one(chain: SampleChain, code: str) -> ChainPart:
    plan = chain._plan
    dates = plan["dates"]
    number = int(code[1:]) - 1
    demand_rng, traffic_rng, receipt_rng = (
        np.random.default_rng([chain.seed, number, stream]) for stream in (2, 3, 4)
    )
    config = chain.stores[code]
    kind = next(k for k in _KINDS if config.name.startswith(f"Kori {k.name} "))
    opening = plan["opening"][kind.name]
    noise = np.exp(demand_rng.normal(0.0, _DAY_NOISE_SD, size=len(dates)))
    factor = chain.sizes[code] * store_day_factor(config, opening, plan["until"])
    factor = (factor * plan["trend"] * noise)[:, None]
    temperature = plan["weather"][plan["towns"][code]]["temperature_c"].to_numpy()[: len(dates)]
    products: tuple[Product, ...] = plan["products"]
    habits: tuple[CrossSell, ...] = plan["cross_sells"]
    expected = expected_lines(products, dates, plan["until"], factor, temperature[:, None])
    demand = draw_demand(expected, products, habits, demand_rng)
    window = plan["receipt_days"]
    traffic = _traffic(code, dates[: len(dates) - window], opening, demand, traffic_rng)
    receipts = pd.DataFrame(columns=["receipt_id", "timestamp", "store", "sku", "quantity"])
    if window:  # the days with receipts, whose hourly customers the receipts must match
        last = Demand(
            expected=demand.expected[-window:], own_lines=demand.own_lines[-window:],
            induced={k: v[-window:] for k, v in demand.induced.items()},
            lines=demand.lines[-window:], extra_units=demand.extra_units[-window:],
        )  # fmt: skip
        late_traffic, receipts = traffic_and_receipts(
            dates[-window:], [code], {code: opening.iloc[-window:]}, last, plan["skus"],
            products, habits, receipt_days=window, traffic_rng=traffic_rng,
            receipt_rng=receipt_rng,
        )  # fmt: skip
        traffic = pd.concat([traffic, late_traffic], ignore_index=True)
    return ChainPart(
        store=code,
        sales=nanoseconds(sales_table(dates, [code], plan["skus"], demand.units)),
        traffic=nanoseconds(traffic),
        receipts=nanoseconds(receipts),
        stock=stock_table(demand.units, [code], chain.catalog),
    )


def _traffic(
    code: str,
    dates: pd.DatetimeIndex,
    opening: pd.DataFrame,
    demand: Demand,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Customers per opening hour over ``dates`` (the first days of the demand arrays), drawn
    as the two-store sample draws them, vectorised over the days with the same hours."""
    n = len(dates)
    drawn = rng.poisson(demand.expected[:n, 0].sum(axis=1) / LINES_PER_RECEIPT)
    per_day = np.clip(drawn, demand.lines[:n, 0].max(axis=1), demand.lines[:n, 0].sum(axis=1))
    keys = pd.DataFrame({
        "weekday": dates.day_of_week.to_numpy(), "open_min": opening["open_min"].to_numpy()[:n],
        "close_min": opening["close_min"].to_numpy()[:n],
    })[opening["is_open"].to_numpy()[:n]]  # fmt: skip
    stamps, counts = [np.empty(0, dtype="datetime64[ns]")], [np.empty(0, dtype=np.int64)]
    for (weekday, open_min, close_min), days in keys.groupby(list(keys.columns)).groups.items():
        hours, weights = hour_weights(int(weekday), int(open_min), int(close_min))
        index = np.asarray(days)
        counts.append(rng.multinomial(per_day[index], weights).ravel())
        start = dates.to_numpy(dtype="datetime64[ns]")[index]
        stamps.append((start[:, None] + hours[None, :].astype("timedelta64[h]")).ravel())
    stamp = np.concatenate(stamps)
    order = np.argsort(stamp, kind="stable")
    return pd.DataFrame(
        {"timestamp": stamp[order], "store": code, "receipts": np.concatenate(counts)[order]}
    )
