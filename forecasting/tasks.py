"""From a :class:`~forecasting.series.SeriesSet` and its regressors to model tasks.

A task is a batch of series of one store; batches keep progress bars moving and give the worker
processes even shares of work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.calendar import holiday_names, holiday_table
from forecasting.errors import ConfigError
from forecasting.models.base import Task
from forecasting.regressors import Design, store_designs
from forecasting.series import SeriesSet
from forecasting.stores import StoreConfig

BATCH = 250
"""Series per task."""


@dataclass(frozen=True)
class Regressors:
    """What the models may use besides past sales; see :func:`forecasting.regressors.store_designs`.

    Attributes
    ----------
    country, subdiv : str
        Holiday calendar (Finland by default).
    holidays : bool
        Whether public holidays are regressors (user events always are).
    events : pandas.DataFrame, optional
        User events (:func:`forecasting.events.read_events`); one with a ``store`` applies to
        that store alone, and a store not in the sales is refused when the tasks are built.
    weather : pandas.DataFrame, optional
        Parsed weather file.
    weather_source : str
        Its name, for messages.
    temperature_offset : float
        What-if shift of the future temperature.
    stores : Mapping of str to StoreConfig, optional
        Opening hours, for closed forecast days.

    Raises
    ------
    ConfigError
        If a configured store's country or subdivision is not ``country``/``subdiv``: a run has
        one holiday calendar, and this is where it is decided (the store's open days, closed
        forecast days and holiday regressors all follow it).
    """

    country: str = "FI"
    subdiv: str | None = None
    holidays: bool = True
    events: pd.DataFrame | None = None
    weather: pd.DataFrame | None = None
    weather_source: str = "<weather>"
    temperature_offset: float = 0.0
    stores: Mapping[str, StoreConfig] | None = None

    def __post_init__(self) -> None:
        for code, config in sorted((self.stores or {}).items()):
            if (config.country, config.subdiv) != (self.country, self.subdiv):
                theirs = config.country + (f"-{config.subdiv}" if config.subdiv else "")
                ours = self.country + (f"-{self.subdiv}" if self.subdiv else "")
                raise ConfigError(
                    f"store {code} is configured in {theirs} but the holiday calendar is {ours}",
                    fix=f"Give `country={config.country!r}`"
                    + (f" and `subdiv={config.subdiv!r}`" if config.subdiv else "")
                    + ", or set the store's country to match",
                )


def build_tasks(series: SeriesSet, future: pd.DatetimeIndex, regressors: Regressors,
                probs: tuple[float, ...], *, components: bool = False,
                batch: int = BATCH) -> tuple[list[Task], dict[str, Design]]:  # fmt: skip
    """Tasks for every series, and the design of each store."""
    dates = series.dates.append(future)
    designs = store_designs(
        series.stores, dates, series.freq, series.dates[-1], country=regressors.country,
        subdiv=regressors.subdiv, events=regressors.events, weather=regressors.weather,
        temperature_offset=regressors.temperature_offset, holidays=regressors.holidays,
        weather_source=regressors.weather_source,
    )  # fmt: skip
    closed = closed_periods(series, future, regressors)
    tasks = []
    store_of = series.keys["store"].to_numpy()
    for store in series.stores:
        members = np.flatnonzero(store_of == store)
        design = designs[store]
        for start in range(0, len(members), batch):
            columns = members[start : start + batch]
            tasks.append(Task(
                store=store, columns=columns, y=series.values[:, columns], dates=dates,
                freq=series.freq, season=series.season, calendar=design.calendar,
                weather=design.weather, events=design.events, closed=closed[store].to_numpy(),
                probs=probs, components=components,
            ))  # fmt: skip
    return tasks, designs


def closed_periods(series: SeriesSet, future: pd.DatetimeIndex,
                   regressors: Regressors) -> pd.DataFrame:  # fmt: skip
    """Whether each store is closed each period, history and future.

    Future closures come from the store configuration. Without one, a future public holiday is
    closed when the store was closed on every earlier occurrence of that holiday in the history.
    """
    dates = series.dates.append(future)
    history = ~series.is_open
    if series.freq != "D" or len(future) == 0:
        return pd.concat([history, pd.DataFrame(False, index=future, columns=history.columns)])
    table = holiday_table(dates[0].date(), dates[-1].date(), country=regressors.country,
                          subdiv=regressors.subdiv)  # fmt: skip
    names = holiday_names(dates, table)
    columns = {}
    for store in series.stores:
        config = (regressors.stores or {}).get(store)
        if config is not None:
            columns[store] = ~config.opening_hours(dates, names)["is_open"].to_numpy()
            continue
        past = history[store]
        seen: dict[str, list[bool]] = {}
        for day, name in names.loc[series.dates].items():
            if name:
                seen.setdefault(name, []).append(bool(past.loc[day]))
        future_closed = [bool(names.loc[day]) and all(seen.get(names.loc[day], [False]))
                         for day in future]  # fmt: skip
        columns[store] = np.concatenate([past.to_numpy(), future_closed])
    return pd.DataFrame(columns, index=dates)
