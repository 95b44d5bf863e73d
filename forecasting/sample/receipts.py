"""Customers per hour, and the receipts they leave.

The day's receipts are split over the opening hours with a weekday-dependent profile (the
after-work peak on weekdays, midday on weekends). On the days that get receipts, each product's
lines go to distinct receipts chosen at random, and a cross-sell's lines go to receipts that hold
its anchor, so that the receipts add up exactly to the day's sales.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def hour_weights(weekday: int, open_min: int, close_min: int) -> tuple[np.ndarray, np.ndarray]:
    """Opening hours of a day and the share of the day's customers expected in each.

    Parameters
    ----------
    weekday : int
        0 for Monday .. 6 for Sunday.
    open_min, close_min : int
        Opening and closing time in minutes after midnight.

    Returns
    -------
    hours : numpy.ndarray
        Hours of the day (0..23) the store is open in, at least partly.
    weights : numpy.ndarray
        Shares summing to 1.
    """
    hours = np.arange(open_min // 60, (close_min + 59) // 60)
    start = np.maximum(hours * 60, open_min)
    end = np.minimum((hours + 1) * 60, close_min)
    fraction = (end - start) / 60.0
    middle = (start + end) / 120.0
    if weekday < 5:
        shape = (
            0.35
            + 0.55 * np.exp(-0.5 * ((middle - 12.0) / 1.6) ** 2)
            + 1.0 * np.exp(-0.5 * ((middle - 17.0) / 1.8) ** 2)
        )
    else:
        peak = 13.0 if weekday == 5 else 14.5
        shape = 0.3 + np.exp(-0.5 * ((middle - peak) / 2.7) ** 2)
    weights = shape * fraction
    return hours, weights / weights.sum()


def split_into_hours(
    receipts: int, weekday: int, open_min: int, close_min: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Spread a day's receipts over its opening hours; returns hours and counts."""
    hours, weights = hour_weights(weekday, open_min, close_min)
    return hours, rng.multinomial(receipts, weights)


def receipts_of_day(
    *,
    day: pd.Timestamp,
    store: str,
    skus: np.ndarray,
    hours: np.ndarray,
    counts: np.ndarray,
    open_min: int,
    close_min: int,
    own_lines: np.ndarray,
    induced: list[tuple[int, int, int]],
    extra_units: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The receipts of one store on one day.

    Parameters
    ----------
    day : pandas.Timestamp
        The day.
    store : str
        Store code.
    skus : numpy.ndarray
        Product codes, one per product column.
    hours, counts : numpy.ndarray
        Receipts per opening hour (from :func:`split_into_hours`).
    open_min, close_min : int
        Opening hours, in minutes after midnight.
    own_lines : numpy.ndarray
        Lines of each product from its own demand (at most one per receipt, unless a product
        has more lines than there are receipts).
    induced : list of (anchor, companion, lines)
        Cross-sell lines to put on receipts that hold the anchor.
    extra_units : numpy.ndarray
        Units beyond one per line, per product.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        ``receipt_id, timestamp, store, sku, quantity``, one row per line, ordered by time.
        Summed per product, the quantities equal ``lines + extra_units``.
    """
    n_receipts = int(counts.sum())
    n_products = len(own_lines)
    # Each product's own lines go to distinct receipts, drawn at random.
    order = np.argsort(rng.random((n_products, n_receipts)), axis=1)
    take = np.arange(n_receipts)[None, :] < np.minimum(own_lines, n_receipts)[:, None]
    line_product = [np.nonzero(take)[0]]
    line_receipt = [order[take]]
    overflow = np.maximum(own_lines - n_receipts, 0)
    if overflow.any():
        line_product.append(np.repeat(np.arange(n_products), overflow))
        line_receipt.append(rng.integers(0, n_receipts, int(overflow.sum())))
    for anchor, companion, lines in induced:
        if lines:
            holders = order[anchor, : min(own_lines[anchor], n_receipts)]
            line_product.append(np.full(lines, companion))
            line_receipt.append(rng.choice(holders, size=lines, replace=lines > len(holders)))
    product = np.concatenate(line_product)
    receipt = np.concatenate(line_receipt)
    _fill_empty_receipts(receipt, n_receipts, rng)

    # Units beyond one per line fall on the product's lines at random.
    by_product = np.argsort(product, kind="stable")
    product, receipt = product[by_product], receipt[by_product]
    lines_per_product = np.bincount(product, minlength=n_products)
    first_line = np.concatenate([[0], np.cumsum(lines_per_product)[:-1]])
    owner = np.repeat(np.arange(n_products), extra_units)
    hit = first_line[owner] + np.floor(rng.random(len(owner)) * lines_per_product[owner])
    quantity = 1 + np.bincount(hit.astype(np.int64), minlength=len(product))

    # A product on a receipt twice (own and cross-sell line) is one line with both quantities.
    key = receipt.astype(np.int64) * n_products + product
    unique_key, inverse = np.unique(key, return_inverse=True)
    merged = np.bincount(inverse, weights=quantity).astype(np.int64)
    receipt, product = unique_key // n_products, unique_key % n_products

    seconds = _receipt_seconds(hours, counts, open_min, close_min, rng)
    stamps = day + pd.to_timedelta(seconds[receipt], unit="s")
    ids = np.char.add(f"{store}-{day:%Y%m%d}-", np.char.zfill((receipt + 1).astype(str), 4))
    return pd.DataFrame(
        {
            "receipt_id": ids,
            "timestamp": stamps,
            "store": store,
            "sku": skus[product],
            "quantity": merged,
        }
    )


def _fill_empty_receipts(receipt: np.ndarray, n_receipts: int, rng: np.random.Generator) -> None:
    """Move a line from a receipt with several to each receipt that got none (in place)."""
    sizes = np.bincount(receipt, minlength=n_receipts)
    for empty in np.flatnonzero(sizes == 0):
        donors = np.flatnonzero(sizes[receipt] >= 2)
        if len(donors) == 0:
            return
        line = donors[rng.integers(len(donors))]
        sizes[receipt[line]] -= 1
        receipt[line] = empty
        sizes[empty] = 1


def _receipt_seconds(
    hours: np.ndarray,
    counts: np.ndarray,
    open_min: int,
    close_min: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Time of each receipt in seconds after midnight, sorted, within its hour's open part."""
    hour = np.repeat(hours, counts)
    start = np.maximum(hour * 60, open_min) * 60
    end = np.minimum((hour + 1) * 60, close_min) * 60
    seconds = start + np.floor(rng.random(len(hour)) * (end - start))
    return np.sort(seconds)
