"""Pictures of forecasts: history, forecast, intervals and holidays, and the components.

Each series gets one PNG: the last stretch of history, the forecast with its widest interval
shaded, public holidays marked, and (for the dynamic regression) a second panel with the
holiday and weather effects as factors. A backtest gets one PNG per series too: a panel per
window with the actual sales against every model's forecast. An HTML index shows them all on
one page.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from urllib.parse import quote

import numpy as np
import pandas as pd

from forecasting.forecast import ForecastResult
from forecasting.selection import LAST_YEAR

HISTORY_DAYS = 56
"""Days of history shown before a daily forecast, the last 8 weeks (two years for weekly
data)."""
HOLIDAY_GAP_DAYS = 3
"""Holidays this close to one another share one label (Christmas Eve to Boxing Day)."""
BACKTEST_PANELS = 6
"""Windows shown in a backtest picture, the most recent (one panel each)."""
BAND_LEVEL = 80.0
"""Interval shaded in a backtest picture, for the first model (else its narrowest level)."""


def plot_series(result: ForecastResult, position: int) -> bytes:
    """The PNG of the series at ``position`` in ``result.series.keys``.

    The last :data:`HISTORY_DAYS` of sales, the forecast with its widest interval, the same
    dates a year earlier (dashed, moved forward 52 weeks, so a forecast can be read against
    last year's actuals), holidays (nearby days under one label), and a panel of the effects:
    holiday, weather and season factors, or a sentence saying why the model has none.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = result.series
    key = series.keys.iloc[position]
    label = result.labels()[position]
    rows = _rows(result, key)
    span = pd.Timedelta(days=HISTORY_DAYS if series.freq == "D" else 730)
    shown = series.dates >= series.dates[-1] - span
    components = _component_rows(result, key)
    figure, axes = plt.subplots(2, 1, figsize=(10, 6.2), squeeze=False, sharex=True,
                                gridspec_kw={"height_ratios": [3, 2]})  # fmt: skip
    ax = axes[0, 0]
    ax.plot(series.dates[shown], series.values[shown, position], color="0.2", lw=1.2,
            marker=".", ms=3, label="sales")  # fmt: skip
    _plot_last_year(ax, series, position, series.dates[shown][0], rows["date"].max())
    widest = sorted((c for c in rows.columns if c.startswith("lo")), key=lambda c: float(c[2:]))
    if widest:
        level = widest[-1][2:]
        ax.fill_between(rows["date"], rows[f"lo{level}"], rows[f"hi{level}"], color="tab:blue",
                        alpha=0.2, label=f"{level}% interval")  # fmt: skip
    model = rows["model"].iloc[0] if len(rows) else ""
    ax.plot(rows["date"], rows["forecast"], color="tab:blue", lw=1.8, label=f"forecast ({model})")
    ax.axvline(series.dates[-1], color="0.6", lw=0.8, ls=":")
    _mark_holidays(ax, result, key["store"], series.dates[shown][0], rows["date"].max())
    ax.set_title(label, pad=22)
    ax.set_ylabel("units")
    ax.legend(loc="upper left", fontsize=8, ncol=2)
    cax = axes[1, 0]
    if components is not None:
        for name in ("holidays", "weather", "weekly", "yearly"):
            if name in components.columns:
                cax.plot(components["date"], components[name], lw=1,
                         label="season" if name == "yearly" else name)  # fmt: skip
        cax.axhline(1.0, color="0.6", lw=0.8)
        cax.legend(loc="upper left", fontsize=8, ncol=4)
    else:
        note = rows["note"].iloc[0] if len(rows) and "note" in rows else ""
        cax.text(0.5, 0.5, _no_effects(model, note), transform=cax.transAxes, ha="center",
                 va="center", fontsize=9, color="0.3", wrap=True)  # fmt: skip
        cax.set_yticks([])
        cax.set_ylabel("")
    cax.axvline(series.dates[-1], color="0.6", lw=0.8, ls=":")
    if components is not None:
        cax.set_ylabel("effect (x)")
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    plt.close(figure)
    return buffer.getvalue()


def _no_effects(model: str, note: str) -> str:
    """Why a series has no effects panel, in words."""
    why = f"Model chosen because: {note}.\n" if note else ""
    if model == "slow":
        return (f"No effects panel. {why}The slow-mover model fits holidays, season and weather "
                "in one\ncount model, without separate factors to show.")
    return f"No effects panel. {why}The {model or 'chosen'} model has no separate factors."


def _plot_last_year(ax: object, series: object, position: int, start: pd.Timestamp,
                    end: pd.Timestamp) -> None:  # fmt: skip
    """Last year's sales on the dates shown, moved forward 52 weeks."""
    dates = series.dates  # type: ignore[attr-defined]
    moved = dates + LAST_YEAR
    keep = (moved >= start) & (moved <= end)
    if keep.any() and not np.isnan(series.values[keep, position]).all():  # type: ignore[attr-defined]
        ax.plot(moved[keep], series.values[keep, position], color="tab:orange", lw=1,  # type: ignore[attr-defined]
                ls="--", alpha=0.8, label="last year (52 weeks earlier)")  # fmt: skip


def _rows(result: ForecastResult, key: pd.Series) -> pd.DataFrame:
    return series_rows(result.table, key)


def series_rows(table: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    """The rows of ``table`` of one series, ``key`` a row of ``SeriesSet.keys``."""
    mask = np.ones(len(table), dtype=bool)
    for column, value in key.items():
        mask &= (table[column] == value).to_numpy()
    return table[mask]


def plot_backtest(rows: pd.DataFrame, label: str, *, band_model: str | None = None) -> bytes:
    """The PNG of one series' backtest: per window, the actual against each model's forecast.

    Parameters
    ----------
    rows : pandas.DataFrame
        The series' rows of :attr:`forecasting.backtest.BacktestResult.forecasts`.
    label : str
        Title, e.g. ``HKI K1001``.
    band_model : str, optional
        The model whose interval is shaded (the :data:`BAND_LEVEL` one, else its narrowest);
        by default the first model other than ``naive``.

    Returns
    -------
    bytes
        One panel per window, the last :data:`BACKTEST_PANELS` of them; each model's legend
        entry has its WAPE in that window.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    models = list(dict.fromkeys(rows["model"]))
    if band_model is None:
        band_model = next((m for m in models if m != "naive"), models[0] if models else None)
    levels = sorted(float(c[2:]) for c in rows.columns if c.startswith("lo"))
    band = f"{BAND_LEVEL:g}" if BAND_LEVEL in levels else (f"{levels[0]:g}" if levels else None)
    windows = sorted(rows["window"].unique())
    shown = windows[-BACKTEST_PANELS:]
    figure, axes = plt.subplots(len(shown), 1, figsize=(10, 2.6 * len(shown) + 0.8),
                                squeeze=False)  # fmt: skip
    colours = {model: f"C{i}" for i, model in enumerate(m for m in models if m != "naive")}
    for ax, window in zip(axes[:, 0], shown):
        part = rows[rows["window"] == window]
        actual = part[part["model"] == models[0]]
        ax.plot(actual["date"], actual["actual"], color="black", lw=1.2, marker=".", ms=4,
                label="actual")  # fmt: skip
        for model in models:
            mine = part[part["model"] == model]
            if band is not None and model == band_model:
                ax.fill_between(mine["date"], mine[f"lo{band}"], mine[f"hi{band}"],
                                color=colours.get(model, "0.5"), alpha=0.15,
                                label=f"{model} {band}% interval")  # fmt: skip
            ax.plot(mine["date"], mine["forecast"], color=colours.get(model, "0.55"), lw=1.3,
                    ls="--" if model == "naive" else "-",
                    label=f"{model} (WAPE {_wape(mine)})")  # fmt: skip
        origin = pd.Timestamp(part["origin"].iloc[0])
        ax.set_title(f"window {window}: from {origin:%Y-%m-%d}", fontsize=9, loc="left")
        ax.set_ylabel("units")
        ax.legend(loc="upper left", fontsize=7, ncol=3)
        locator = mdates.AutoDateLocator()  # each window its own dates: no shared axis
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    more = f" (last {len(shown)} of {len(windows)} windows)" if len(shown) < len(windows) else ""
    figure.suptitle(label + more)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return buffer.getvalue()


def _wape(rows: pd.DataFrame) -> str:
    scored = rows["actual"].notna()
    sold = rows.loc[scored, "actual"].sum()
    if sold <= 0:
        return "-"
    return f"{(rows.loc[scored, 'forecast'] - rows.loc[scored, 'actual']).abs().sum() / sold:.0%}"


def top_backtested(forecasts: pd.DataFrame, keys: pd.DataFrame, count: int) -> np.ndarray:
    """Positions in ``keys`` of the ``count`` series with the most units sold in the windows.

    ``forecasts`` is :attr:`forecasting.backtest.BacktestResult.forecasts`; each period's
    actual is counted once (from the first model's rows).
    """
    columns = list(keys.columns)
    first = forecasts["model"].iloc[0] if len(forecasts) else None
    sold = forecasts[forecasts["model"] == first].groupby(columns, sort=False)["actual"].sum()
    index = pd.MultiIndex.from_frame(keys) if len(columns) > 1 else pd.Index(keys[columns[0]])
    totals = sold.reindex(index).to_numpy(dtype=float)
    return np.argsort(-np.nan_to_num(totals), kind="stable")[:count]


def _component_rows(result: ForecastResult, key: pd.Series) -> pd.DataFrame | None:
    if result.components is None:
        return None
    table = result.components
    mask = table["store"] == key["store"]
    item = result.series.item_column
    if item:
        mask &= table[item] == key[item]
    rows = table[mask]
    span = pd.Timedelta(days=HISTORY_DAYS if result.series.freq == "D" else 730)
    rows = rows[rows["date"] >= result.series.dates[-1] - span]
    return rows if len(rows) else None


def _mark_holidays(ax: object, result: ForecastResult, store: str, start: pd.Timestamp,
                   end: pd.Timestamp) -> None:  # fmt: skip
    """A line on each holiday and one label per cluster of nearby days, above the axes."""
    for cluster in holiday_clusters(result.designs[store].events, start, end):
        for day in cluster["dates"]:
            ax.axvline(day, color="tab:red", lw=0.6, alpha=0.5)  # type: ignore[attr-defined]
        ax.annotate(cluster["label"], (cluster["dates"][0], 1.0),  # type: ignore[attr-defined]
                    xycoords=("data", "axes fraction"), xytext=(0, 2 + 9 * cluster["row"]),
                    textcoords="offset points", fontsize=7, va="bottom", ha="center",
                    color="tab:red")  # fmt: skip


def holiday_clusters(events: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp,
                     gap_days: int = HOLIDAY_GAP_DAYS) -> list[dict[str, object]]:
    """Holidays between ``start`` and ``end`` grouped into labels that do not overlap.

    Days at most ``gap_days`` apart share one label (``Christmas Eve +2``); labels of clusters
    less than 12 days apart go on alternating rows (``row`` 0 or 1).

    Parameters
    ----------
    events : pandas.DataFrame
        :attr:`forecasting.regressors.Design.events` (``date, event, offset``).

    Returns
    -------
    list of dict
        ``dates`` (the holidays' days), ``names`` and ``label``, and ``row``, in date order.
    """
    days = events[(events["offset"] == 0) & (events["date"] >= start) & (events["date"] <= end)]
    days = days.drop_duplicates("date").sort_values("date")
    clusters: list[dict[str, object]] = []
    for day, name in zip(days["date"], days["event"]):
        if clusters and (day - clusters[-1]["dates"][-1]).days <= gap_days:  # type: ignore[index]
            clusters[-1]["dates"].append(day)  # type: ignore[attr-defined]
            clusters[-1]["names"].append(name)  # type: ignore[attr-defined]
        else:
            clusters.append({"dates": [day], "names": [name]})
    previous = None
    for cluster in clusters:
        names = cluster["names"]
        cluster["label"] = names[0] + (f" +{len(names) - 1}" if len(names) > 1 else "")  # type: ignore[index, arg-type]
        near = previous is not None and (cluster["dates"][0] - previous["dates"][-1]).days < 12  # type: ignore[index]
        cluster["row"] = (1 - previous["row"]) if near else 0  # type: ignore[index, operator]
        previous = cluster
    return clusters


def plot_file_names(keys: pd.DataFrame) -> list[str]:
    """A PNG file name per series: unique, deterministic and safe in any folder.

    Parameters
    ----------
    keys : pandas.DataFrame
        One row per series, e.g. ``SeriesSet.keys``: ``store`` and maybe ``sku`` or
        ``category``.

    Returns
    -------
    list of str
        The key values joined by ``_`` (``HKI_K1040.png``), every character other than
        letters, digits, ``_``, ``.`` and ``-`` replaced by ``_``. Where that replacement
        changed a value, or two unchanged ones would still share a name (also when only the
        case differs, for file systems that ignore it), the name gets 8 hex digits of a stable
        hash of the key values joined by a space, so ``A/B``, ``A_B`` and ``A?B`` get
        three names.

    Examples
    --------
    >>> plot_file_names(pd.DataFrame({"store": ["HKI"] * 3, "sku": ["A/B", "A_B", "A?B"]}))
    ['HKI_A_B-3196a4ae.png', 'HKI_A_B.png', 'HKI_A_B-1bfe1e33.png']
    """
    parts = [keys[column].astype(str).reset_index(drop=True) for column in keys.columns]
    safe = [part.str.replace(r"[^A-Za-z0-9_.-]+", "_", regex=True) for part in parts]
    changed = np.zeros(len(keys), dtype=bool)
    for part, cleaned in zip(parts, safe):
        changed |= (part != cleaned).to_numpy()
    stems = safe[0].str.cat(safe[1:], sep="_") if len(safe) > 1 else safe[0]
    stems = stems.str.strip(".").replace("", "_")
    labels = parts[0].str.cat(parts[1:], sep=" ") if len(parts) > 1 else parts[0]
    tagged = stems + "-" + _short_hashes(labels)
    names = stems.where(~changed, tagged)
    shared = names.str.lower().duplicated(keep=False).to_numpy() & ~changed
    return [f"{name}.png" for name in names.where(~shared, tagged)]


def _short_hashes(labels: pd.Series) -> pd.Series:
    """8 hex digits of a stable 64-bit hash of each label (pandas' fixed-key SipHash)."""
    high = pd.util.hash_pandas_object(labels, index=False).to_numpy() >> np.uint64(32)
    digits = (high[:, None] >> np.arange(28, -1, -4, dtype=np.uint64)) & np.uint64(15)
    chars = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[digits.astype(np.intp)]
    text = np.ascontiguousarray(chars).view("S8").ravel()
    return pd.Series(text, index=labels.index).str.decode("ascii")


def html_index(title: str, pictures: list[tuple[str, bytes]], notes: list[str],
               files: Sequence[str] | None = None) -> str:  # fmt: skip
    """One self-contained HTML page with every picture inline.

    With ``files`` (one name per picture, e.g. from :func:`plot_file_names`), each picture
    links to its PNG beside the page.
    """
    links = list(files) if files is not None else [None] * len(pictures)
    body = "".join(
        (f'<figure><a href="{html.escape(quote(name))}">' if name else "<figure>")
        + f'<img alt="{html.escape(label)}" src="data:image/png;base64,'
        + f'{base64.b64encode(png).decode()}">' + ("</a>" if name else "")
        + f"<figcaption>{html.escape(label)}"
        + (f' (<a href="{html.escape(quote(name))}">{html.escape(name)}</a>)' if name else "")
        + "</figcaption></figure>"
        for (label, png), name in zip(pictures, links)
    )
    listed = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}img{max-width:100%}"
        "figure{margin:0 0 2em}</style>"
        f"<h1>{html.escape(title)}</h1><ul>{listed}</ul>{body}</html>"
    )
