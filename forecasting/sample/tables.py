"""The sample's tables cut from simulated demand: customers per hour and their receipts,
daily sales, end stock and the catalog, for the two sample stores and for each store of a chain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.sample.demand import Demand
from forecasting.sample.products import CrossSell, Product
from forecasting.sample.receipts import receipts_of_day, split_into_hours

LINES_PER_RECEIPT = 8.0
"""Mean receipt lines per customer; receipts per day follow from the day's expected lines."""


def traffic_and_receipts(
    dates: pd.DatetimeIndex,
    codes: list[str],
    opening: dict[str, pd.DataFrame],
    demand: Demand,
    skus: np.ndarray,
    products: tuple[Product, ...],
    cross_sells: tuple[CrossSell, ...],
    *,
    receipt_days: int,
    traffic_rng: np.random.Generator,
    receipt_rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    lines = demand.lines
    column = {product.name: j for j, product in enumerate(products)}
    expected_receipts = demand.expected.sum(axis=2) / LINES_PER_RECEIPT
    drawn = traffic_rng.poisson(expected_receipts)
    # Every line needs a receipt of its own product, and every receipt needs a line.
    receipts_per_day = np.clip(drawn, lines.max(axis=2), lines.sum(axis=2))
    first_receipt_day = len(dates) - receipt_days
    traffic_rows, receipt_parts = [], []
    for d, day in enumerate(dates):
        for s, code in enumerate(codes):
            hours_today = opening[code].iloc[d]
            if not hours_today["is_open"]:
                continue
            open_min, close_min = int(hours_today["open_min"]), int(hours_today["close_min"])
            hours, counts = split_into_hours(
                int(receipts_per_day[d, s]), day.weekday(), open_min, close_min, traffic_rng
            )
            traffic_rows.append((day, code, hours, counts))
            if d >= first_receipt_day and counts.sum() > 0:
                induced = [
                    (column[h.anchor], column[h.companion], int(demand.induced[k][d, s]))
                    for k, h in enumerate(cross_sells)
                ]
                receipt_parts.append(
                    receipts_of_day(
                        day=day,
                        store=code,
                        skus=skus,
                        hours=hours,
                        counts=counts,
                        open_min=open_min,
                        close_min=close_min,
                        own_lines=demand.own_lines[d, s],
                        induced=induced,
                        extra_units=demand.extra_units[d, s],
                        rng=receipt_rng,
                    )
                )
    traffic = pd.DataFrame(
        {
            "timestamp": np.concatenate(
                [day + pd.to_timedelta(hours, unit="h") for day, _, hours, _ in traffic_rows]
            ),
            "store": np.concatenate([[code] * len(hours) for _, code, hours, _ in traffic_rows]),
            "receipts": np.concatenate([counts for *_, counts in traffic_rows]),
        }
    )
    columns = ["receipt_id", "timestamp", "store", "sku", "quantity"]
    receipts = pd.concat(receipt_parts, ignore_index=True) if receipt_parts else pd.DataFrame(
        columns=columns
    )
    return traffic, receipts[columns]


def nanoseconds(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates and times in one resolution, whatever pandas inferred for each."""
    for name in ("date", "timestamp"):
        if name in frame.columns:
            frame[name] = frame[name].astype("datetime64[ns]")
    return frame


def catalog_table(products: tuple[Product, ...], skus: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sku": skus,
            "name": [p.name for p in products],
            "category": [p.category for p in products],
            "department": [p.department for p in products],
            "unit_volume_l": [p.unit_volume_l for p in products],
            "pack_size": [p.pack_size for p in products],
            "lead_time_days": [p.lead_time_days for p in products],
            "shelf_life_days": [p.shelf_life_days for p in products],
            "price_eur": [p.price_eur for p in products],
        }
    )


def stock_table(units: np.ndarray, codes: list[str], catalog: pd.DataFrame) -> pd.DataFrame:
    """Stock at the end of the history: four weeks' mean sales over each lead time."""
    recent = units[-28:].mean(axis=0)  # stores x products
    lead = catalog["lead_time_days"].to_numpy()
    on_hand = np.ceil(recent * lead[None, :]).astype(int)
    return pd.DataFrame({
        "store": np.repeat(codes, len(catalog)),
        "sku": np.tile(catalog["sku"].to_numpy(), len(codes)),
        "on_hand": on_hand.ravel(),
        "on_order": 0,
    })  # fmt: skip


def sales_table(
    dates: pd.DatetimeIndex, codes: list[str], skus: np.ndarray, units: np.ndarray
) -> pd.DataFrame:
    d, s, j = np.nonzero(units)
    return pd.DataFrame(
        {"date": dates[d], "store": np.array(codes)[s], "sku": skus[j], "quantity": units[d, s, j]}
    )
