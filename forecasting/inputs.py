"""From the tables a user has to the series and regressors the models take: one call.

>>> from forecasting import load_inputs                              # doctest: +SKIP
>>> inputs = load_inputs(sales, weather=weather, stores="store.toml")
>>> result = forecast(inputs.series, horizon=28, regressors=inputs.regressors)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from forecasting.events import read_events
from forecasting.schemas import present_columns
from forecasting.series import SeriesSet, sales_series
from forecasting.stores import StoreConfig, load_store_configs
from forecasting.tasks import Regressors
from forecasting.validation import parse_table


@dataclass(frozen=True)
class Inputs:
    """Sales as series, with what the models may use besides them.

    Attributes
    ----------
    series : SeriesSet
        One series per sku (or category, or store) and store.
    regressors : Regressors
        Holidays, user events, weather and store hours.
    source : str
        Name of the sales table, for messages.
    notes : list of str
        What reading the tables changed (negative quantities clipped or dropped), one sentence
        each.
    catalog : pandas.DataFrame or None
        The catalog, checked, when one was given (for names beside the skus).
    """

    series: SeriesSet
    regressors: Regressors
    source: str = "<sales>"
    notes: list[str] = field(default_factory=list)
    catalog: pd.DataFrame | None = None

    def summary(self) -> list[str]:
        """What was read: rows, series, their frequency and dates, and what was filled or left
        out.

        Returns
        -------
        list of str
        """
        series = self.series
        read = (f"{self.source}: {series.report.rows:,} rows, {len(series.keys):,} series "
                f"({'daily' if series.freq == 'D' else 'weekly'}, {series.dates[0]:%Y-%m-%d} to "
                f"{series.dates[-1]:%Y-%m-%d}); " + "; ".join(series.report.lines()))  # fmt: skip
        return [f"{self.source}: {note}" for note in self.notes] + [read]


def load_inputs(
    sales: pd.DataFrame,
    *,
    weather: pd.DataFrame | None = None,
    stores: Mapping[str, StoreConfig] | str | Path | None = None,
    events: pd.DataFrame | None = None,
    catalog: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
    level: str = "sku",
    freq: str | None = None,
    country: str = "FI",
    subdiv: str | None = None,
    holidays: bool = True,
    temperature_offset: float = 0.0,
    negative: str = "error",
    date_format: str | None = None,
    sources: Mapping[str, str] | None = None,
    first_lines: Mapping[str, int] | None = None,
    span: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> Inputs:
    """Check and read the sales and the optional tables into series and regressors.

    Parameters
    ----------
    sales : pandas.DataFrame
        ``date, store, sku, quantity`` as read from a file (any column names, see
        ``columns``); checked as :func:`forecasting.validation.parse_table` checks a sales file.
    weather : pandas.DataFrame, optional
        ``date, store, temperature_c[, precipitation_mm]`` over the history and the forecast
        days.
    stores : mapping of str to StoreConfig, or a path to a store.toml, optional
        Opening hours and closed days of each store (and its holiday calendar).
    events : pandas.DataFrame, optional
        User events: ``date, name[, lower, upper, store]``.
    catalog : pandas.DataFrame, optional
        ``sku, category``, for ``level="category"``.
    columns : mapping of str to str, optional
        ``{kori's name: the file's name}`` for columns named otherwise in the sales and
        weather tables.
    level : str, default "sku"
        One series per ``sku``, ``category`` or ``store`` (and store).
    freq : str, optional
        ``"D"`` or ``"W"``; as the sales are when not given.
    country, subdiv : str
        Holiday calendar of stores without a store configuration.
    holidays : bool, default True
        Whether public holidays are regressors.
    temperature_offset : float
        What-if: added to the future temperature.
    negative : str, default "error"
        Negative quantities: ``"error"``, ``"clip"`` to 0, or ``"drop"`` their rows (counted
        in :attr:`Inputs.notes`).
    date_format : str, optional
        strftime format of the dates.
    sources, first_lines : mapping, optional
        Per table (``sales``, ``weather``, ``events``, ``catalog``, ``stores``): its file name
        and the line of its first row, for messages.
    span : (Timestamp, Timestamp), optional
        First and last day of the whole data when ``sales`` is one partition of it (see
        :func:`forecasting.series.sales_series`).

    Returns
    -------
    Inputs

    Raises
    ------
    SchemaError, ParameterError, ConfigError
        For a table that cannot be read, an unknown level, or a store configuration that does
        not fit the sales.
    """
    sources, first_lines, columns = sources or {}, first_lines or {}, columns or {}
    label = sources.get("sales", "<sales>")
    notes: list[str] = []
    read = parse_table(sales, "sales", source=label, columns=present_columns(sales, columns),
                       date_format=date_format, first_line=first_lines.get("sales", 2),
                       negative=negative, notify=notes.append)  # fmt: skip
    if isinstance(stores, (str, Path)):
        stores = load_store_configs(stores)
    if catalog is not None:
        catalog = parse_table(catalog, "catalog", source=sources.get("catalog", "<catalog>"),
                              first_line=first_lines.get("catalog", 2))  # fmt: skip
    series = sales_series(read, level=level, freq=freq, catalog=catalog, stores=stores or None,
                          source=label, span=span)  # fmt: skip
    weather_source = sources.get("weather", "<weather>")
    if weather is not None:
        weather = parse_table(weather, "weather", source=weather_source,
                              columns=present_columns(weather, columns), date_format=date_format,
                              first_line=first_lines.get("weather", 2))  # fmt: skip
    if events is not None:
        events = read_events(events, source=sources.get("events", "<events>"))
    regressors = Regressors(country=country, subdiv=subdiv, holidays=holidays, events=events,
                            weather=weather, weather_source=weather_source,
                            temperature_offset=temperature_offset, stores=stores or None)  # fmt: skip
    return Inputs(series=series, regressors=regressors, source=label, notes=notes,
                  catalog=catalog)
