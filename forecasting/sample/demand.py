"""Daily demand of every product in every store, as receipt lines and units.

Expected lines multiply a product's base rate by its store, trend, weekday, season, holiday and
temperature effects and a shared day effect; the lines drawn are over-dispersed Poisson counts.
Cross-sell habits add lines of a companion for a share of the anchor's lines, so the companion's
sales follow the anchor's and the receipts can later put them on the same receipts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.sample.calendar_effects import WEEKLY, event_factor, season_factor
from forecasting.sample.products import CrossSell, Product

# Clip of the temperature effect on log demand: beyond it, heat or cold changes nothing more.
_TEMP_LOG_RANGE = (-1.0, 1.5)
_REFERENCE_TEMP_C = 12.0
# Gamma shape of the day-to-day noise of each product: lower is noisier.
_NOISE_SHAPE = 12.0
_TREND_PER_YEAR = 0.03


@dataclass(frozen=True)
class Demand:
    """Drawn demand, arrays of shape (days, stores, products).

    Attributes
    ----------
    expected : numpy.ndarray
        Expected receipt lines (before the noise of the draw).
    own_lines : numpy.ndarray
        Lines drawn from the product's own demand.
    induced : dict of int to numpy.ndarray
        Lines of the companion added by each cross-sell, shape (days, stores), keyed by the
        cross-sell's index in its table.
    lines : numpy.ndarray
        All receipt lines: own and induced.
    extra_units : numpy.ndarray
        Units beyond one per line (a line of 3 beers adds 2).
    """

    expected: np.ndarray
    own_lines: np.ndarray
    induced: dict[int, np.ndarray]
    lines: np.ndarray
    extra_units: np.ndarray

    @property
    def units(self) -> np.ndarray:
        """Units sold."""
        return self.lines + self.extra_units


def expected_lines(
    products: tuple[Product, ...],
    dates: pd.DatetimeIndex,
    until: dict[str, np.ndarray],
    day_factor: np.ndarray,
    temperature_c: np.ndarray,
) -> np.ndarray:
    """Expected receipt lines per day, store and product.

    Parameters
    ----------
    products : tuple of Product
        The assortment.
    dates : pandas.DatetimeIndex
        The simulated days.
    until : dict of str to numpy.ndarray
        Days until each event, per day.
    day_factor : numpy.ndarray
        Shape (days, stores): traffic of each store-day, 0 when closed (store size, trend,
        rush days and day noise included).
    temperature_c : numpy.ndarray
        Shape (days, stores): daily mean temperature at each store.

    Returns
    -------
    numpy.ndarray
        Shape (days, stores, products).
    """
    weekday = dates.day_of_week.to_numpy()
    out = np.empty((len(dates), day_factor.shape[1], len(products)))
    for j, product in enumerate(products):
        by_day = (
            product.base
            * WEEKLY[product.weekly][weekday]
            * season_factor(product.season, dates, until)
            * event_factor(product.events, until)
        )
        heat = np.clip(product.temp_per_c * (temperature_c - _REFERENCE_TEMP_C), *_TEMP_LOG_RANGE)
        out[:, :, j] = by_day[:, None] * day_factor * np.exp(heat)
    return out


def trend(dates: pd.DatetimeIndex) -> np.ndarray:
    """Slow growth of the business, 1 on the first day."""
    years = np.asarray((dates - dates[0]).days, dtype=float) / 365.25
    return np.exp(_TREND_PER_YEAR * years)


def draw_demand(
    expected: np.ndarray,
    products: tuple[Product, ...],
    cross_sells: tuple[CrossSell, ...],
    rng: np.random.Generator,
) -> Demand:
    """Draw lines and units from expected lines, adding the cross-sell lines.

    Parameters
    ----------
    expected : numpy.ndarray
        From :func:`expected_lines`.
    products : tuple of Product
        The assortment, in the order of the last axis of ``expected``.
    cross_sells : tuple of CrossSell
        Habits to plant; anchors must not be companions of other habits.
    rng : numpy.random.Generator
        Source of randomness.
    """
    column = {product.name: j for j, product in enumerate(products)}
    noise = rng.gamma(_NOISE_SHAPE, 1.0 / _NOISE_SHAPE, size=expected.shape)
    own = rng.poisson(expected * noise)
    # A habit holds while the companion is on sale (no sima with doughnuts in November).
    induced = {
        k: rng.binomial(
            own[:, :, column[habit.anchor]],
            habit.share * (expected[:, :, column[habit.companion]] > 0),
        )
        for k, habit in enumerate(cross_sells)
    }
    lines = own.copy()
    for k, habit in enumerate(cross_sells):
        lines[:, :, column[habit.companion]] += induced[k]
    extra_rate = np.array([max(product.units_per_line - 1.0, 0.0) for product in products])
    extra = rng.poisson(lines * extra_rate)
    full_expected = expected.copy()
    for habit in cross_sells:
        on_sale = expected[:, :, column[habit.companion]] > 0
        full_expected[:, :, column[habit.companion]] += (
            habit.share * on_sale * expected[:, :, column[habit.anchor]]
        )
    return Demand(
        expected=full_expected, own_lines=own, induced=induced, lines=lines, extra_units=extra
    )
