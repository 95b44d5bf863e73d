"""Rolling-origin backtests: forecast from several past origins and score against what sold.

Each window cuts the history at an origin, forecasts ``horizon`` periods and compares them with
the actual sales of those periods (closed days are not scored). Calendar regressors of the test
periods are what the design holds for them. Their weather is either the observed weather
(``weather_at="observed"``, the default: the backtest measures the model, not the weather
forecast) or the weather as a planner knew it at the origin (``weather_at="origin"``): the weather
file's first ``weather_days`` days after the origin, a stand-in for a short-range weather
forecast, then the store's climatology from the weather up to the origin, exactly what
``kori forecast run`` would have used then with a weather file ending ``weather_days`` days after
the origin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd

from forecasting.engine import Engine, map_tasks
from forecasting.errors import ParameterError, SchemaError
from forecasting.intervals import (  # level_probs re-exported: it used to live here
    check_levels,
    level_bounds,
    level_name,
    level_probs,
)
from forecasting.models import blocks, run_block, series_count
from forecasting.models.base import Output, Task
from forecasting.products import product_names, with_products
from forecasting.regressors import weather_columns
from forecasting.series import SeriesSet
from forecasting.tasks import Regressors, build_tasks

SUMS = ("n", "abs_error", "sq_error", "actual", "error", "scaled_mae")
WEATHER_AT = ("observed", "origin")
"""Weather of the test periods: as observed, or as known at each origin."""


def origins(n_hist: int, horizon: int, windows: int, step: int, season: int, *,
            source: str | None = None) -> list[int]:  # fmt: skip
    """Positions of the rolling origins, oldest first: the last window ends with the history.

    ``source`` names the sales in the message when the history is too short.

    Raises
    ------
    ParameterError
        If a count is below 1, or the first origin leaves less than a season and a horizon of
        history: a season to learn the seasons from, and a horizon before it to calibrate the
        intervals on (see :mod:`forecasting.models.calibration`).
    """
    check_counts(horizon, windows, step)
    first = n_hist - horizon - (windows - 1) * step
    if first < season + horizon:
        raise ParameterError(
            f"{windows} windows of {horizon} periods {step} apart leave {max(first, 0)} periods "
            f"of history before the first origin; at least {season + horizon} are needed",
            source=source, where=f"the history has {n_hist} periods",
            fix="Give fewer `windows`, a shorter `horizon` or `step`, or more history",
        )
    return [first + i * step for i in range(windows)]


def check_counts(horizon: int, windows: int, step: int) -> None:
    """Refuse a ``horizon``, ``windows`` or ``step`` below 1.

    Raises
    ------
    ParameterError
    """
    for name, value in (("horizon", horizon), ("windows", windows), ("step", step)):
        if value < 1:
            raise ParameterError(f"--{name} {value} is below 1", fix=f"Give --{name} 1 or more")


def backtest_block(tasks: Sequence[Task], model: str, starts: Sequence[int], horizon: int,
                   levels: Sequence[float], *,
                   weather: Sequence[Sequence[pd.DataFrame] | None] | None = None,
                   forecasts: bool = True) -> tuple[pd.DataFrame, pd.DataFrame | None]:  # fmt: skip
    """Error sums and forecasts of one model on every series of a block of tasks (fitted
    together by a global model, see :func:`forecasting.models.blocks`) and every window.

    Parameters
    ----------
    tasks : sequence of Task
        The whole history and no forecast periods.
    model : str
    starts : sequence of int
        Positions of the first forecast period of each window (see :func:`origins`).
    horizon : int
    levels : sequence of float
        Interval levels, in percent.
    weather : sequence, optional
        Per task, ``None`` or per window the weather of the task's store up to the window's
        end, replacing the task's (see :func:`weather_at_origins`); without it the tasks' own
        (observed) weather.
    forecasts : bool, default True
        Whether to return the forecasts too.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame or None)
        One row per series and window: ``column, window``, the sums in :data:`SUMS` and
        ``covered<level>``; and one row per series, window and period: ``column,
        window, period`` (positions in the series set, the windows and its dates), ``actual``
        (NaN where not scored), ``forecast, lo<L>, hi<L>``.
    """
    probs = level_probs(levels)
    weather = weather or [None] * len(tasks)
    frames, rows = [], []
    for window, origin in enumerate(starts):
        cuts, actuals = [], []
        for task, known in zip(tasks, weather):
            cut, actual = task.cut(origin, horizon)
            cut = replace(cut, probs=probs)
            cuts.append(cut if known is None else replace(cut, weather=known[window]))
            actuals.append(actual)
        for task, cut, actual, output in zip(tasks, cuts, actuals, run_block(model, cuts)):
            frame = score(actual, output.point, output.quantiles, probs, levels,
                          scale=mase_scale(cut.y, task.season))
            frame.insert(0, "window", window)
            frame.insert(0, "column", task.columns)
            frame["model_used"] = output.models
            frames.append(frame)
            if forecasts:
                rows.append(_forecast_rows(task.columns, window, origin, actual, output, probs,
                                           levels))  # fmt: skip
    sums = pd.concat(frames, ignore_index=True)
    return sums, pd.concat(rows, ignore_index=True) if forecasts else None


def _forecast_rows(columns: np.ndarray, window: int, origin: int, actual: np.ndarray,
                   output: Output, probs: tuple[float, ...],
                   levels: Sequence[float]) -> pd.DataFrame:  # fmt: skip
    """One window's forecasts beside the actuals, series by series (``point.T.ravel()``)."""
    h, k = actual.shape
    frame = {
        "column": np.repeat(columns.astype(np.int32), h),
        "window": np.full(h * k, window, dtype=np.int32),
        "period": np.tile(np.arange(origin, origin + h, dtype=np.int32), k),
        "actual": actual.T.ravel(),
        "forecast": output.point.T.ravel(),
    }
    for level in levels:
        lo, hi = level_bounds(level)
        frame[f"lo{level_name(level)}"] = output.quantiles[probs.index(lo)].T.ravel()
        frame[f"hi{level_name(level)}"] = output.quantiles[probs.index(hi)].T.ravel()
    return pd.DataFrame(frame)


def weather_at_origins(series: SeriesSet, weather: pd.DataFrame, starts: Sequence[int],
                       horizon: int, *, days: int = 0,
                       source: str = "<weather>") -> dict[str, list[pd.DataFrame]]:  # fmt: skip
    """The weather of each store as a planner knew it at each origin.

    For the window from ``starts[i]``, the history before it keeps its observed weather (missing
    days interpolated from that history alone); its periods ending at most ``days`` days after
    the origin get the weather file's values (a stand-in for a short-range weather forecast);
    the later ones the store's climatology computed from the weather up to the origin
    (:func:`forecasting.regressors.weather_columns` with the file cut there). Nothing after the
    origin plus ``days`` days is read. Weekly periods count by their last day, so ``days=7``
    keeps one week.

    Parameters
    ----------
    series : SeriesSet
    weather : pandas.DataFrame
        Parsed weather file (``date, store, temperature_c[, precipitation_mm]``).
    starts : sequence of int
        Position of each window's first forecast period in ``series.dates``.
    horizon : int
    days : int, default 0
        Days after each origin whose weather is taken from the file.
    source : str
        The weather file, for messages.

    Returns
    -------
    dict of str to list of pandas.DataFrame
        Per store, per window, the weather indexed by ``series.dates`` up to the window's end.

    Raises
    ------
    SchemaError
        If a store has no weather on or before an origin.

    Examples
    --------
    >>> frames = weather_at_origins(series, weather, starts=[700, 728], horizon=28, days=3)
    >>> frames["HKI"][0].index[-1] == series.dates[727]
    True
    """
    ends = []
    for start in starts:
        origin = series.dates[start - 1]
        dates = series.dates[: start + horizon]
        ends.append((origin, dates, dates[dates <= origin + pd.Timedelta(days=days)][-1]))
    out: dict[str, list[pd.DataFrame]] = {}
    store_of = weather["store"].astype(str).to_numpy()
    for store in series.stores:
        rows = weather[store_of == store]
        out[store] = []
        for origin, dates, known in ends:
            if not (rows["date"] <= origin).any():
                raise SchemaError(
                    f"no weather for store {store!r} on or before the origin {origin:%Y-%m-%d}",
                    source=source, fix="Give weather from before the first origin, or "
                    "`weather_at='observed'`",
                )  # fmt: skip
            table, _, _ = weather_columns(rows[rows["date"] <= known], store, dates, series.freq,
                                          origin, source=source)  # fmt: skip
            out[store].append(table)
    return out


def _backtest_items(items: list[tuple[Task, list[pd.DataFrame] | None]], **options: object,
                    ) -> tuple[pd.DataFrame, pd.DataFrame | None]:  # fmt: skip
    """:func:`backtest_block` of a block of tasks and their stores' weather at the origins (for
    map_tasks)."""
    tasks, weather = zip(*items)
    return backtest_block(tasks, weather=weather, **options)  # type: ignore[arg-type]


def score(actual: np.ndarray, point: np.ndarray, quantiles: np.ndarray, probs: Sequence[float],
          levels: Sequence[float], *, scale: np.ndarray) -> pd.DataFrame:  # fmt: skip
    """Error sums of forecasts ``(h, k)`` against ``actual`` (NaN where not scored)."""
    seen = ~np.isnan(actual)
    a = np.where(seen, actual, 0.0)
    error = np.where(seen, point - a, 0.0)
    n = seen.sum(axis=0)
    out = {
        "n": n,
        "abs_error": np.abs(error).sum(axis=0),
        "sq_error": (error**2).sum(axis=0),
        "actual": a.sum(axis=0),
        "error": error.sum(axis=0),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        out["scaled_mae"] = np.where((n > 0) & (scale > 0), out["abs_error"] / np.maximum(n, 1)
                                     / scale, np.nan)  # fmt: skip
    probs = list(probs)
    for level in levels:
        lo_prob, hi_prob = level_bounds(level)
        lo, hi = quantiles[probs.index(lo_prob)], quantiles[probs.index(hi_prob)]
        out[f"covered{level:g}"] = (seen & (a >= lo) & (a <= hi)).sum(axis=0)
    return pd.DataFrame(out)


def mase_scale(y: np.ndarray, season: int) -> np.ndarray:
    """Mean absolute seasonal difference of the training history, per series."""
    diffs = np.abs(y[season:] - y[:-season])
    if len(diffs) == 0:
        return np.full(y.shape[1], np.nan)
    seen = ~np.isnan(diffs)
    return np.where(seen, diffs, 0.0).sum(axis=0) / np.maximum(seen.sum(axis=0), 1)


def summarise(sums: pd.DataFrame, by: list[str], levels: Sequence[float]) -> pd.DataFrame:
    """Metrics from error sums, grouped by ``by`` (e.g. ``["model"]``)."""
    grouped = sums.groupby(by, sort=False)
    total = grouped[list(SUMS[:-1]) + [f"covered{level:g}" for level in levels]].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        table = pd.DataFrame(index=total.index)
        table["mae"] = total["abs_error"] / total["n"]
        table["rmse"] = np.sqrt(total["sq_error"] / total["n"])
        table["wape"] = total["abs_error"] / total["actual"]
        table["mase"] = grouped["scaled_mae"].mean()
        table["bias"] = total["error"] / total["actual"]
        for level in levels:
            table[f"coverage{level:g}"] = total[f"covered{level:g}"] / total["n"]
        table["periods"] = total["n"].astype(int)
    return table.reset_index()


@dataclass(frozen=True)
class BacktestResult:
    """Scores of every model, beside seasonal naive, and the forecasts they were scored on.

    Attributes
    ----------
    overall : pandas.DataFrame
        One row per model: ``model, mae, rmse, wape, mase, bias, coverage<L>..., periods,
        wape_vs_naive`` (the model's WAPE over naive's: below 1 beats the baseline).
    per_series : pandas.DataFrame
        The same metrics per model and series.
    origins : list of pandas.Timestamp
        Last history period before each window.
    forecasts : pandas.DataFrame
        Every model's forecast beside the actual: one row per series, window, period and model,
        ``store, <sku|category>, window`` (1 the oldest), ``origin, date, model, actual``
        (empty where not scored: closed, or before the series began), ``forecast, lo<L>,
        hi<L>``, rounded to 3 decimals. Per model, ``sum(|forecast - actual|) / sum(actual)``
        over the scored rows is its WAPE.
    horizon : int
        Periods forecast from each origin.
    weather : str
        The weather of the test periods, in words (empty without weather).
    """

    overall: pd.DataFrame
    per_series: pd.DataFrame
    origins: list[pd.Timestamp]
    forecasts: pd.DataFrame
    horizon: int = 0
    weather: str = ""

    @property
    def table(self) -> pd.DataFrame:
        """The scores of every model (:attr:`overall`)."""
        return self.overall

    def summary(self) -> list[str]:
        """The origins, the periods forecast from each and the weather the models saw.

        Returns
        -------
        list of str
        """
        origins = ", ".join(f"{day:%Y-%m-%d}" for day in self.origins)
        weather = f"; {self.weather}" if self.weather else ""
        return [f"Origins: {origins}; {self.horizon} periods each{weather}"]


def run_backtest(
    series: SeriesSet,
    *,
    models: Sequence[str],
    horizon: int,
    windows: int = 3,
    step: int | None = None,
    levels: Sequence[float] = (80, 95),
    regressors: Regressors | None = None,
    weather_at: str = "observed",
    weather_days: int = 0,
    jobs: int = 1,
    engine: Engine | None = None,
    progress: Callable[[int], None] | None = None,
    source: str = "<sales>",
    catalog: pd.DataFrame | None = None,
) -> BacktestResult:
    """Rolling-origin backtest of ``models`` (seasonal naive is always added).

    Parameters
    ----------
    series : SeriesSet
    models : sequence of str
        Names from :data:`forecasting.models.MODELS`.
    horizon : int
        Periods forecast from each origin.
    windows : int, default 3
        Number of origins.
    step : int, optional
        Periods between origins; defaults to ``horizon`` (windows side by side).
    levels : sequence of float
        Interval levels whose coverage is reported.
    regressors : Regressors, optional
    weather_at : {"observed", "origin"}, default "observed"
        Weather of the test periods: the observed weather (measures the model alone), or the
        weather as known at each origin (see :func:`weather_at_origins`), the honest setting for
        models that use weather: a planner does not know next month's temperatures.
    weather_days : int, default 0
        With ``weather_at="origin"``: days after each origin whose weather is the file's.
    jobs : int
        Worker processes.
    engine : Engine, optional
        Where the blocks of series run (local processes or a Dask cluster); overrides
        ``jobs``. The scores are the same on every engine.
    progress : callable, optional
        Called with the number of series finished per model.
    source : str
        The sales file, for messages.
    catalog : pandas.DataFrame, optional
        ``sku, name, category``: with sku series, the per-series and forecast tables get
        ``name`` and ``category`` right after ``sku``.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ParameterError
        For counts below 1, unknown models, too little history for the windows, an unknown
        ``weather_at``, or ``weather_days`` below 0 or given with observed weather.
    SchemaError
        With ``weather_at="origin"``, if a store has no weather before an origin.

    Examples
    --------
    >>> result = run_backtest(series, models=["regression"], horizon=28, regressors=regressors,
    ...                       weather_at="origin", weather_days=3)
    >>> result.overall[["model", "wape", "wape_vs_naive"]]
    """
    levels = check_levels(levels)
    names = check_options(models, weather_at, weather_days)
    step = step or horizon
    regressors = regressors or Regressors()
    starts = origins(len(series.dates), horizon, windows, step, series.season, source=source)
    table, rows = backtest_sums(series, names=names, starts=starts, horizon=horizon,
                                levels=levels, regressors=regressors, weather_at=weather_at,
                                weather_days=weather_days, jobs=jobs, engine=engine,
                                progress=progress)  # fmt: skip
    products = product_names(series, catalog)
    overall, per_series = assemble(table, list(series.keys.columns), levels, products)
    return BacktestResult(overall=overall, per_series=per_series,
                          origins=[series.dates[s - 1] for s in starts],
                          forecasts=with_products(rows, products), horizon=horizon,
                          weather=weather_words(regressors, weather_at, weather_days))  # fmt: skip


def check_options(models: Sequence[str], weather_at: str, weather_days: int) -> list[str]:
    """The models to score, seasonal naive first, after checking the names and the weather
    options.

    Raises
    ------
    ParameterError
        For an unknown model or ``weather_at``, or ``weather_days`` below 0 or given with
        observed weather.
    """
    from forecasting.models import model_function

    _check_weather_at(weather_at, weather_days)
    names = list(dict.fromkeys(["naive", *models]))
    for name in names:
        model_function(name)
    return names


def backtest_sums(series: SeriesSet, *, names: Sequence[str], starts: Sequence[int],
                  horizon: int, levels: Sequence[float], regressors: Regressors,
                  weather_at: str = "observed", weather_days: int = 0, jobs: int = 1,
                  engine: Engine | None = None, progress: Callable[[int], None] | None = None,
                  forecasts: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """The error sums of every model on every series and window: the step of a backtest that
    runs where the series are (see :func:`assemble` for the next).

    Parameters
    ----------
    series : SeriesSet
    names : sequence of str
        Checked model names (see :func:`check_options`).
    starts : sequence of int
        Positions of the first forecast period of each window (see :func:`origins`).
    horizon, levels, regressors, weather_at, weather_days, jobs, engine, progress
        As for :func:`run_backtest`.
    forecasts : bool, default True
        Whether to build the forecast table too.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The sums: one row per model (in ``names`` order), series and window, ``<keys>, model,
        window``, the sums in :data:`SUMS`, ``covered<level>`` and ``model_used``; and the
        forecasts as :attr:`BacktestResult.forecasts` without product names (empty without
        ``forecasts``).
    """
    levels = tuple(levels)
    tasks, _ = build_tasks(series, series.dates[:0], regressors, ())
    known: dict[str, list[pd.DataFrame]] = {}
    if weather_at == "origin" and regressors.weather is not None:
        known = weather_at_origins(series, regressors.weather, starts, horizon, days=weather_days,
                                   source=regressors.weather_source)  # fmt: skip
    sums, rows = [], []
    for name in names:
        items = [[(task, known.get(task.store)) for task in block]
                 for block in blocks(name, tasks)]  # fmt: skip
        parts = map_tasks(partial(_backtest_items, model=name, starts=starts, horizon=horizon,
                                  levels=levels, forecasts=forecasts),
                          items, jobs=jobs, engine=engine, progress=progress,
                          weight=lambda block: series_count([task for task, _ in block]))  # fmt: skip
        sums.append(pd.concat([part[0] for part in parts], ignore_index=True))
        sums[-1].insert(0, "model", name)
        if forecasts:
            rows.append(pd.concat([part[1] for part in parts], ignore_index=True))
            rows[-1].insert(0, "model", name)
    table = pd.concat(sums, ignore_index=True)
    keys = series.keys.iloc[table.pop("column").to_numpy()].reset_index(drop=True)
    table = pd.concat([keys, table], axis=1)
    if not forecasts:
        return table, pd.DataFrame()
    return table, _forecast_table(series, rows, list(names), starts)


def assemble(table: pd.DataFrame, keys: list[str], levels: Sequence[float],
             products: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scores of a backtest from its error sums (see :func:`backtest_sums`).

    Parameters
    ----------
    table : pandas.DataFrame
        The sums of every model, series and window, the models in order (seasonal naive
        among them).
    keys : list of str
        The key columns of a series (``["store", "sku"]``).
    levels : sequence of float
    products : pandas.DataFrame, optional
        ``sku, name, category`` (see :func:`forecasting.products.product_names`).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        :attr:`BacktestResult.overall` and :attr:`BacktestResult.per_series`.
    """
    overall = summarise(table, ["model"], levels)
    naive = overall.loc[overall["model"] == "naive", "wape"].iloc[0]
    overall["wape_vs_naive"] = overall["wape"] / naive
    per_series = with_products(summarise(table, keys + ["model"], levels), products)
    return overall, per_series


def weather_words(regressors: Regressors, weather_at: str, days: int) -> str:
    """The weather of the test periods, for the summary."""
    if regressors.weather is None:
        return ""
    if weather_at == "observed":
        return "observed weather"
    return ("weather as known at each origin: " + (f"the file's next {days} days, then " if days
            else "") + "the climatology of the weather up to the origin")  # fmt: skip


def _check_weather_at(weather_at: str, weather_days: int) -> None:
    if weather_at not in WEATHER_AT:
        raise ParameterError(f"weather at {weather_at!r} is neither of {', '.join(WEATHER_AT)}",
                             fix="Give `weather_at='observed'` or `weather_at='origin'`")
    if weather_days < 0:
        raise ParameterError(f"`weather_days` {weather_days} is below 0",
                             fix="Give `weather_days` 0 or more")
    if weather_days and weather_at != "origin":
        raise ParameterError(f"`weather_days` {weather_days} is for weather as known at the "
                             "origin; the observed weather is known every day",
                             fix="Add `weather_at='origin'`, or leave out `weather_days`")


def _forecast_table(series: SeriesSet, rows: list[pd.DataFrame], names: list[str],
                    starts: Sequence[int]) -> pd.DataFrame:  # fmt: skip
    """The rows of :func:`backtest_task` of every model as the table of
    :attr:`BacktestResult.forecasts`: by series, window, date, then model in ``names`` order."""
    frame = pd.concat(rows, ignore_index=True)
    model = pd.Categorical(frame.pop("model"), categories=names).codes
    column, window, period = (frame.pop(name).to_numpy() for name in ("column", "window", "period"))
    order = np.lexsort((model, period, window, column))
    out = series.keys.iloc[column[order]].reset_index(drop=True)
    out["window"] = window[order] + 1
    out["origin"] = series.dates[np.asarray(starts)[window[order]] - 1]
    out["date"] = series.dates[period[order]]
    out["model"] = np.asarray(names, dtype=object)[model[order]]
    values = frame.iloc[order].reset_index(drop=True).round(3)
    return pd.concat([out, values], axis=1)
