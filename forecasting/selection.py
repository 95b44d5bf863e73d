"""Which series to show a person: by product, name or category, or the top ones by a measure.

:func:`series_measures` gives one row per series with what a planner asks first: units
forecast, units sold in the same weeks last year, the change between them, how wide the
interval is and which model made it. :func:`select_series` picks series by those measures or by
what a person typed (a sku, part of a product name, a category).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecasting.errors import ParameterError
from forecasting.forecast import ForecastResult

PLOT_BY = ("units", "change", "width")
"""Measures :func:`select_series` ranks by: forecast units, change against last year, and
relative interval width."""
DEFAULT_TOP = 30
"""Series selected when neither items nor a count are given."""


LAST_YEAR = pd.Timedelta(days=364)
"""The step back to the same period last year: 52 weeks, so a day keeps its weekday."""


def series_measures(result: ForecastResult) -> pd.DataFrame:
    """One row per series of ``result.series.keys``, in its order.

    Returns
    -------
    pandas.DataFrame
        The key columns, ``label`` (with the product name when the forecast had a catalog),
        ``name`` and ``category`` (empty without a catalog; at category level ``category``
        is the series'), ``units`` (forecast over the horizon), ``last_year`` (units sold on
        the same dates 364 days earlier; closed days count zero, NaN when the series had no
        history then), ``change`` (``units / last_year - 1``, NaN when last year sold nothing),
        ``width`` (the sum of ``hi - lo`` of the 80% interval, else the narrowest, over the
        units; NaN without intervals or units), ``model`` and ``note``.
    """
    series, table = result.series, result.table
    keys = series.keys.reset_index(drop=True)
    columns = list(keys.columns)
    out = keys.copy()
    out["label"] = result.labels()
    item = series.item_column
    names = {} if result.products is None else dict(zip(result.products["sku"],
                                                         result.products["name"]))  # fmt: skip
    categories = {} if result.products is None else dict(zip(result.products["sku"],
                                                              result.products["category"]))  # fmt: skip
    if item == "sku" and result.products is not None:
        out["name"] = keys["sku"].map(names).fillna("").to_numpy()
        out["category"] = keys["sku"].map(categories).fillna("").to_numpy()
    else:
        out["name"] = ""
        out["category"] = keys[item].to_numpy() if item == "category" else ""
    grouped = table.groupby(columns, sort=False)
    index = pd.MultiIndex.from_frame(keys) if len(columns) > 1 else pd.Index(keys[columns[0]])
    out["units"] = grouped["forecast"].sum().reindex(index).to_numpy(dtype=float)
    out["last_year"] = _last_year(result)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = out["units"] / out["last_year"] - 1
    out["change"] = change.where(out["last_year"] > 0)
    lo, hi = _band(table)
    if lo is None:
        out["width"] = np.nan
    else:
        spread = (table[hi] - table[lo]).groupby([table[c] for c in columns], sort=False).sum()
        spread = spread.reindex(index).to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["width"] = np.where(out["units"] > 0, spread / out["units"], np.nan)
    first = table.drop_duplicates(columns).set_index(columns)
    out["model"] = first["model"].reindex(index).to_numpy()
    out["note"] = first["note"].reindex(index).fillna("").to_numpy()
    return out


def _band(table: pd.DataFrame) -> tuple[str | None, str | None]:
    """The 80% interval's columns, else the narrowest interval's."""
    levels = sorted(float(c[2:]) for c in table.columns if c.startswith("lo") and
                    c[2:3].isdigit())  # fmt: skip
    if not levels:
        return None, None
    names = [c[2:] for c in table.columns if c.startswith("lo") and c[2:3].isdigit()]
    by_level = {float(n): n for n in names}
    name = by_level[80.0] if 80.0 in by_level else by_level[levels[0]]
    return f"lo{name}", f"hi{name}"


def _last_year(result: ForecastResult) -> np.ndarray:
    """Units each series sold on the forecast dates a year earlier (NaN if before its data)."""
    series = result.series
    future = pd.DatetimeIndex(sorted(result.table["date"].unique()))
    back = future - LAST_YEAR
    rows = series.dates.get_indexer(back)
    known = rows >= 0
    if not known.any():
        return np.full(len(series.keys), np.nan)
    values = series.values[rows[known]]
    sold = np.nansum(values, axis=0)
    begun = (~np.isnan(series.values[: rows[known].max() + 1])).any(axis=0)
    return np.where(begun, sold, np.nan)


def match_series(result: ForecastResult, items: Sequence[str]) -> np.ndarray:
    """Positions of the series that any of ``items`` names, in the order of ``items``.

    An item matches, ignoring case, a series' sku (or category, or store code at store level)
    exactly, its product's category exactly, or part of its product name.

    Raises
    ------
    ParameterError
        If an item matches no series.
    """
    measures = series_measures(result)
    item = result.series.item_column or "store"
    code = measures[item].astype(str).str.casefold()
    category = measures["category"].astype(str).str.casefold()
    name = measures["name"].astype(str).str.casefold()
    found: list[int] = []
    missing = []
    for text in items:
        wanted = str(text).strip().casefold()
        hits = np.flatnonzero(((code == wanted) | (category == wanted) |
                               (name.str.contains(wanted, regex=False) & (name != ""))).to_numpy())  # fmt: skip
        if not len(hits):
            missing.append(str(text))
        found.extend(int(h) for h in hits if h not in found)
    if missing:
        hint = ("a sku, part of a product name or a category" if result.products is not None
                else f"a {item} code (product names need the catalog)")  # fmt: skip
        raise ParameterError(f"no series matches {', '.join(map(repr, missing))}",
                             fix=f"Give `plot` {hint}")  # fmt: skip
    return np.array(found, dtype=np.intp)


def top_positions(measures: pd.DataFrame, count: int, by: str = "units") -> np.ndarray:
    """Positions of the ``count`` series of ``measures`` (:func:`series_measures`) highest by
    ``by``: forecast ``units``, ``change`` against last year (either way, on a log scale, so
    that halving counts as doubling; a series new since then ranks first), or relative
    interval ``width``. Ties keep the order of the series."""
    if by not in PLOT_BY:
        raise ParameterError(f"`plot_by={by!r}` is not one of {', '.join(PLOT_BY)}",
                             fix=f"Give `plot_by` one of {', '.join(PLOT_BY)}")  # fmt: skip
    if by == "units":
        score = measures["units"].to_numpy(dtype=float)
    elif by == "change":
        score = np.abs(np.log1p(measures["units"]) - np.log1p(measures["last_year"].fillna(0)))
        score = score.to_numpy(dtype=float)
    else:
        score = measures["width"].to_numpy(dtype=float)
    return np.argsort(-np.nan_to_num(score, nan=-np.inf), kind="stable")[:count]


def select_series(result: ForecastResult, *, plot: Sequence[str] = (),
                  plot_top: int | None = None, plot_by: str = "units") -> np.ndarray:  # fmt: skip
    """Positions in ``result.series.keys`` of the series to show.

    Parameters
    ----------
    result : ForecastResult
    plot : sequence of str
        Series to show first, each a sku, part of a product name or a category (ignoring
        case; names and categories need the forecast's catalog), see :func:`match_series`.
    plot_top : int, optional
        Then this many more, the top by ``plot_by``; default :data:`DEFAULT_TOP` without
        ``plot``, none with it.
    plot_by : {"units", "change", "width"}
        Forecast units, change against the same weeks last year, or relative interval width.

    Returns
    -------
    numpy.ndarray
        Positions, without repeats: those of ``plot`` first, then the top ones.

    Raises
    ------
    ParameterError
        For an item that matches nothing, a negative count or an unknown ``plot_by``.

    Examples
    --------
    >>> select_series(result, plot=["christmas ham"], plot_top=5, plot_by="change")  # doctest: +SKIP
    """
    if plot_top is not None and plot_top < 0:
        raise ParameterError(f"`plot_top={plot_top}` is negative", fix="Give `plot_top` >= 0")
    count = plot_top if plot_top is not None else (0 if plot else DEFAULT_TOP)
    measures = series_measures(result)
    chosen = match_series(result, plot) if plot else np.array([], dtype=np.intp)
    ranked = top_positions(measures, len(measures), plot_by)
    rest = ranked[~np.isin(ranked, chosen)][:count]
    return np.concatenate([chosen, rest]).astype(np.intp)
