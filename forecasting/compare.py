"""Two forecasts side by side: what a what-if (a hot week, a campaign) changes, per store and
category.

:func:`compare_forecasts` reads two tables as ``kori forecast run`` writes them, keeps the series
and dates both have, and sums the point forecasts per store and category (per store and sku
without a catalog), with a total per store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from forecasting.errors import SchemaError
from forecasting.schemas import Column, guess_kind, schema_for
from forecasting.validation import parse_table

TABLE_COLUMNS = ["store", "category", "base_units", "units", "change_units", "change_pct"]
"""Columns of :attr:`Comparison.table` (``sku`` instead of ``category`` without a catalog)."""

TOTAL = "(total)"
"""The ``category`` (or ``sku``) of each store's total row."""

UNKNOWN = "(not in catalog)"
"""The category of forecast skus that the catalog lacks."""

_LEVELS = ("sku", "category")


@dataclass(frozen=True)
class Comparison:
    """Units of two forecasts per store and category, and what only one of them has.

    Attributes
    ----------
    table : pandas.DataFrame
        ``store, category (or sku), base_units, units, change_units, change_pct``: one row per
        store and group, sorted by store, its total row first (``(total)``), then by the
        largest absolute change. ``change_pct`` is in percent of ``base_units`` (blank where
        that is 0).
    names : tuple of str
        The file names of the base and the other forecast.
    dates : tuple of pandas.Timestamp
        First and last date compared.
    days : int
        Dates compared.
    series : int
        Series (store and sku, category or store) compared.
    only_base, only_other : dict
        ``{"series": [...], "dates": [...]}`` that only the base (or the other) forecast has,
        left out of the table.
    not_in_catalog : list of str
        Forecast skus that the catalog lacks, counted under ``(not in catalog)``.
    """

    table: pd.DataFrame
    names: tuple[str, str]
    dates: tuple[pd.Timestamp, pd.Timestamp]
    days: int
    series: int
    only_base: dict[str, list] = field(default_factory=dict)
    only_other: dict[str, list] = field(default_factory=dict)
    not_in_catalog: list[str] = field(default_factory=list)

    def summary(self, top: int = 3) -> list[str]:
        """Per store the total change and the ``top`` groups that change most, in words.

        Returns
        -------
        list of str
            E.g. ``"HKI: +4.1% units (+512); most: ice cream +38% (+120), ..."``.
        """
        group = self.table.columns[1]
        first, last = self.dates
        lines = [(f"Compared {self.series:,} series over {self.days} days ({first:%Y-%m-%d} to "
                  f"{last:%Y-%m-%d}): {self.names[1]} against {self.names[0]}")]  # fmt: skip
        for store, rows in self.table.groupby("store", sort=True):
            total = rows[rows[group] == TOTAL].iloc[0]
            most = rows[rows[group] != TOTAL].head(top)
            named = [f"{row[group]} {_change(row)}" for _, row in most.iterrows()]
            lines.append(f"{store}: {_change(total, units=True)}"
                         + (f"; most: {', '.join(named)}" if named else ""))  # fmt: skip
        for name, only in ((self.names[0], self.only_base), (self.names[1], self.only_other)):
            for what in ("series", "dates"):
                found = only.get(what, [])
                if found:
                    noun = what if len(found) > 1 or what == "series" else "date"
                    lines.append(f"{len(found):,} {noun} only in {name}, left out: "
                                 f"{_listed(found)}")  # fmt: skip
        if self.not_in_catalog:
            lines.append(f"{len(self.not_in_catalog):,} skus not in the catalog, counted as "
                         f"{UNKNOWN} (e.g. {self.not_in_catalog[0]})")  # fmt: skip
        return lines


def compare_forecasts(
    base: pd.DataFrame,
    other: pd.DataFrame,
    *,
    catalog: pd.DataFrame | None = None,
    sources: Mapping[str, str] | None = None,
    first_lines: Mapping[str, int] | None = None,
) -> Comparison:
    """What ``other`` forecasts against ``base``, per store and category, in units.

    Parameters
    ----------
    base, other : pandas.DataFrame
        Forecast tables as ``kori forecast run`` writes them (``date, store, sku, forecast``;
        ``category`` or neither instead of ``sku`` for forecasts per category or store), both
        at the same series level.
    catalog : pandas.DataFrame, optional
        ``sku, category``: sums per category instead of per sku (for forecasts per sku).
    sources, first_lines : Mapping, optional
        Per input (``"base"``, ``"other"``, ``"catalog"``): its file name and the line of its
        first row, for messages.

    Returns
    -------
    Comparison
        ``.table`` and ``.summary()``. Only the series and dates both forecasts have are
        compared; the others are counted.

    Raises
    ------
    SchemaError
        Naming the file: a table that is not a forecast, forecasts at different series levels,
        without a series or a date in common, or a catalog without ``sku`` and ``category``.

    Examples
    --------
    >>> hot = compare_forecasts(base.table, warm.table, catalog=store.catalog)  # doctest: +SKIP
    >>> hot.summary()[1]  # doctest: +SKIP
    'HKI: +2.3% units (+1,204); most: ice cream +41% (+310), ...'
    """
    sources, first_lines = sources or {}, first_lines or {}
    names = (sources.get("base", "<base>"), sources.get("other", "<other>"))
    levels = [_level(frame, name) for frame, name in ((base, names[0]), (other, names[1]))]
    if levels[0] != levels[1]:
        raise SchemaError(f"a forecast per {levels[1] or 'store'}, but {names[0]} is per "
                          f"{levels[0] or 'store'}", source=names[1],
                          fix="Compare forecasts made at the same series level")  # fmt: skip
    item = levels[0]
    tables = [_read(frame, item, name, first_lines.get(key, 2))
              for frame, name, key in ((base, names[0], "base"), (other, names[1], "other"))]  # fmt: skip
    keys = ["store"] + ([item] if item else [])
    series = [set(map(tuple, t[keys].drop_duplicates().to_numpy())) for t in tables]
    dates = [set(pd.DatetimeIndex(t["date"].unique())) for t in tables]
    both_dates = dates[0] & dates[1]
    if not both_dates:
        raise SchemaError(f"no dates in common with {names[0]}", source=names[1],
                          where=f"{_span(dates[1])} against {_span(dates[0])}",
                          fix="Compare forecasts of the same days")  # fmt: skip
    both_series = series[0] & series[1]
    if not both_series:
        raise SchemaError(f"no series in common with {names[0]}", source=names[1],
                          where=f"e.g. {_key(min(series[1]))} against "
                          f"{_key(min(series[0]))}",
                          fix="Compare forecasts of the same stores and products")  # fmt: skip
    merged = _merged(tables, keys, both_series, both_dates)
    group, missing = _groups(merged, item, catalog, sources.get("catalog", "<catalog>"))
    table = _table(merged, group)
    only = [{"series": [_key(k) for k in sorted(series[i] - both_series)],
             "dates": [f"{d:%Y-%m-%d}" for d in sorted(dates[i] - both_dates)]}
            for i in (0, 1)]  # fmt: skip
    days = pd.DatetimeIndex(sorted(both_dates))
    return Comparison(table=table, names=names, dates=(days[0], days[-1]), days=len(days),
                      series=len(both_series), only_base=only[0], only_other=only[1],
                      not_in_catalog=missing)  # fmt: skip


def _level(frame: pd.DataFrame, source: str) -> str | None:
    """The item column of a forecast table (``sku``, ``category``, or None per store)."""
    columns = {str(c) for c in frame.columns}
    if not {"date", "store", "forecast"} <= columns:
        kind = guess_kind(frame.columns)
        found = ", ".join(map(str, frame.columns[:8])) + (", ..." if len(frame.columns) > 8 else "")
        what = f"a {kind} file" if kind not in (None, "forecast") else "a table"
        raise SchemaError(f"this is {what}, not a forecast (columns: {found})", source=source,
                          fix="Give a forecast as `kori forecast run` writes it (date, store, "
                          "sku, forecast)")  # fmt: skip
    return next((level for level in _LEVELS if level in columns), None)


def _read(frame: pd.DataFrame, item: str | None, source: str, first_line: int) -> pd.DataFrame:
    """The forecast's ``date, store[, item], forecast``, checked as a forecast file is."""
    schema = schema_for("forecast")
    key = ("date", "store") + ((item,) if item else ())
    wanted = [Column("date", "date"), Column("store", "id")]
    wanted += [Column(item, "id")] if item else []
    wanted += [Column("forecast", "number", low=0)]
    schema = dataclasses.replace(schema, columns=tuple(wanted), key=key, series_key=key[1:],
                                 outlier_columns=("forecast",), interval_columns=())  # fmt: skip
    return parse_table(frame[list(key) + ["forecast"]], schema, source=source,
                       first_line=first_line)  # fmt: skip


def _merged(tables: list[pd.DataFrame], keys: list[str], series: set, dates: set) -> pd.DataFrame:
    """Both forecasts' units per series and common date: ``keys, base_units, units``."""
    parts = []
    for table, name in zip(tables, ("base_units", "units")):
        inside = (pd.MultiIndex.from_frame(table[keys]).isin(list(series))
                  & table["date"].isin(list(dates)).to_numpy())  # fmt: skip
        parts.append(table[inside].groupby(keys, sort=True)["forecast"].sum().rename(name))
    return pd.concat(parts, axis=1).fillna(0.0).reset_index()


def _groups(merged: pd.DataFrame, item: str | None, catalog: pd.DataFrame | None,
            source: str) -> tuple[str, list[str]]:  # fmt: skip
    """The group column of the table (added to ``merged``), and the skus the catalog lacks."""
    if item is None:
        merged["category"] = TOTAL
        return "category", []
    if item != "sku" or catalog is None:
        return item, []
    if not {"sku", "category"} <= set(catalog.columns):
        raise SchemaError("the catalog has no sku and category columns", source=source,
                          fix="Give a catalog with sku and category per product")  # fmt: skip
    unique = catalog.drop_duplicates("sku")
    categories = pd.Series(unique["category"].to_numpy(), index=unique["sku"].astype(str))
    merged["category"] = merged["sku"].map(categories).fillna(UNKNOWN).astype(str)
    missing = sorted(merged.loc[merged["category"] == UNKNOWN, "sku"].unique())
    return "category", missing


def _table(merged: pd.DataFrame, group: str) -> pd.DataFrame:
    """Sums per store and group, a total row per store first, the biggest changes next."""
    sums = merged.groupby(["store", group], sort=True)[["base_units", "units"]].sum().reset_index()
    sums = sums[sums[group] != TOTAL]
    totals = merged.groupby("store", sort=True)[["base_units", "units"]].sum().reset_index()
    totals[group] = TOTAL
    table = pd.concat([totals, sums], ignore_index=True)
    table["change_units"] = table["units"] - table["base_units"]
    base = table["base_units"].where(table["base_units"] > 0)
    table["change_pct"] = (100 * table["change_units"] / base).round(1)
    table["_total"] = table[group] != TOTAL
    table["_size"] = -table["change_units"].abs()
    table = table.sort_values(["store", "_total", "_size", group], kind="stable")
    for column in ("base_units", "units", "change_units"):
        table[column] = table[column].round(2)
    columns = ["store", group, "base_units", "units", "change_units", "change_pct"]
    return table[columns].reset_index(drop=True)


def _change(row: pd.Series, *, units: bool = False) -> str:
    """``+38% (+120)``, or ``+4.1% units (+512)`` for a total; ``new (+12)`` from nothing."""
    amount = f"({row['change_units']:+,.0f})"
    if pd.isna(row["change_pct"]):
        return f"new {amount}" if row["change_units"] else f"0 {amount}"
    pct = f"{row['change_pct']:+.1f}%" if units else f"{row['change_pct']:+.0f}%"
    return f"{pct}{' units' if units else ''} {amount}"


def _key(key: tuple) -> str:
    return " ".join(map(str, key))


def _span(dates: set) -> str:
    return f"{min(dates):%Y-%m-%d} to {max(dates):%Y-%m-%d}"


def _listed(values: list[str], most: int = 5) -> str:
    """``a, b, c`` (at most ``most``, then how many more)."""
    shown = ", ".join(values[:most])
    return shown + (f" and {len(values) - most:,} more" if len(values) > most else "")
