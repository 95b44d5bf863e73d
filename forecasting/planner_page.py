"""The planner's page: what changes in the coming weeks and why, and which products to watch.

:func:`planner_page` turns a forecast into one HTML page (inline CSS, the pictures as PNG files
beside it) that a planner reads every morning, on a desk or a phone: per store, a short table of
the categories whose sales change in the coming weeks with the reason (a holiday, the weather,
the season) read from the regression's components; the products at risk (far from the same
weeks last year, wide intervals, made by a fallback model); and a picture per chosen series
with the last weeks' actuals and last year's sales beside the forecast.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import numpy as np
import pandas as pd

from forecasting.forecast import ForecastResult
from forecasting.plots import plot_file_names, plot_series
from forecasting.selection import LAST_YEAR, select_series, series_measures

CHANGE_ROWS = 10
"""Rows of a store's table of what changes (the largest changes in units)."""
RISK_ROWS = 12
"""Rows of a store's table of products at risk."""
CHANGE_AT_RISK = 0.4
"""A forecast this far (either way, as a fraction) from the same weeks last year is a risk."""
WIDTH_AT_RISK = 2.0
"""An 80% interval this wide relative to the forecast (sum of hi - lo over units) is a risk."""
EFFECT_SHOWN = 0.05
"""A holiday, weather or season effect of at least this much (as a fraction) is named."""
RECENT_PERIODS = 28
"""Days of history that make "now" in the table of changes (4 weeks; 4 periods when weekly)."""

_DRIVERS = {"holidays": "holidays", "weather": "weather", "yearly": "season"}


@dataclass(frozen=True)
class PlannerPage:
    """The page and its pictures.

    Attributes
    ----------
    html : str
        The page, self-contained but for the pictures, which it references by file name.
    pictures : dict of str to bytes
        PNG file name -> PNG, to write beside the page.
    changes : pandas.DataFrame
        What changes: ``store, group, week, start, end, forecast, recent, last_year, why``.
    risks : pandas.DataFrame
        Products at risk: :func:`forecasting.selection.series_measures` columns and ``why``.
    """

    html: str
    pictures: dict[str, bytes]
    changes: pd.DataFrame
    risks: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def table(self) -> pd.DataFrame:
        """The products at risk (the page's table a buyer acts on)."""
        return self.risks

    def summary(self) -> list[str]:
        """One line: the pictures drawn, the products at risk and the category weeks shown."""
        line = (f"Planner's page: {len(self.pictures)} pictures, {len(self.risks)} products at "
                f"risk, {len(self.changes)} category weeks that change")  # fmt: skip
        return [line]


def planner_page(
    result: ForecastResult,
    *,
    plot: Sequence[str] = (),
    plot_top: int | None = None,
    plot_by: str = "units",
    title: str = "Forecast for the coming weeks",
    progress: Callable[[int], None] | None = None,
) -> PlannerPage:
    """The planner's page of a forecast and a picture of each chosen series.

    Parameters
    ----------
    result : ForecastResult
        Best with ``components=True`` (the reasons for changes) and a ``catalog`` (names).
    plot, plot_top, plot_by
        Which series get a picture: see :func:`forecasting.selection.select_series`.
    title : str
        The page's heading.
    progress : callable, optional
        Called with 1 after each picture.

    Returns
    -------
    PlannerPage

    Raises
    ------
    ParameterError
        From :func:`forecasting.selection.select_series`.
    """
    positions = select_series(result, plot=plot, plot_top=plot_top, plot_by=plot_by)
    names = plot_file_names(result.series.keys)
    measures = series_measures(result)
    changes = change_table(result, measures)
    risks = risk_table(measures)
    pictures: dict[str, bytes] = {}
    for position in positions:
        pictures[names[position]] = plot_series(result, int(position))
        if progress:
            progress(1)
    labels = measures["label"]
    shown = [labels[p] for p in positions]
    note = f"{len(positions)} of {len(measures):,} series pictured" + (
        f": {', '.join(shown[:3])}{', ...' if len(shown) > 3 else ''}" if shown else "")
    if plot:
        note += f" (asked for: {', '.join(plot)}" + (f"; then the top by {plot_by})"
                                                     if len(positions) > 0 else ")")  # fmt: skip
    elif len(positions):
        note += f", the top by {plot_by}"
    notes = [note] + result.summary()
    figures = pd.DataFrame({"position": positions, "file": [names[p] for p in positions]})
    page = _render(result, title, notes, changes, risks, measures, figures)
    return PlannerPage(html=page, pictures=pictures, changes=changes, risks=risks, notes=notes)


def _group_column(measures: pd.DataFrame, result: ForecastResult) -> pd.Series:
    """What a store's changes are told by: the category, else the series' own code."""
    if (measures["category"] != "").any():
        return measures["category"].where(measures["category"] != "", "(not in the catalog)")
    item = result.series.item_column
    return measures[item].astype(str) if item else pd.Series("all sales", index=measures.index)


def _week_of(dates: pd.Series, first: pd.Timestamp) -> np.ndarray:
    return ((pd.DatetimeIndex(dates) - first).days // 7).to_numpy() + 1


def change_table(result: ForecastResult, measures: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per store, category and forecast week: units forecast, sold in the last weeks and in the
    same week last year, and why it changes.

    Returns
    -------
    pandas.DataFrame
        ``store, group, week, start, end, forecast, recent`` (weekly average of the last
        :data:`RECENT_PERIODS` days), ``last_year``, ``change`` (against ``recent``) and
        ``why``: each of holidays (with their names), weather and season whose effect on the
        week's units is at least :data:`EFFECT_SHOWN`, as ``+34%``; the rows of the
        :data:`CHANGE_ROWS` largest changes in units per store, in week order.
    """
    series, table = result.series, result.table
    measures = series_measures(result) if measures is None else measures
    item = series.item_column
    keys = ["store"] + ([item] if item else [])
    groups = _group_column(measures, result)
    lookup = measures[keys + ["model"]].assign(group=groups.to_numpy(),
                                               position=np.arange(len(measures)))  # fmt: skip
    rows = table[keys + ["date", "forecast"]].merge(lookup, on=keys, how="left")
    first = pd.Timestamp(rows["date"].min())
    rows["week"] = _week_of(rows["date"], first)
    values = np.nan_to_num(series.values)
    back = series.dates.get_indexer(pd.DatetimeIndex(rows["date"]) - LAST_YEAR)
    rows["last_year"] = np.where(back >= 0, values[np.maximum(back, 0),
                                                   rows["position"].to_numpy()], np.nan)  # fmt: skip
    daily = series.freq == "D"
    span = RECENT_PERIODS if daily else RECENT_PERIODS // 7
    recent = values[-span:].sum(axis=0) / (span / 7 if daily else span)  # units a week
    start = series.dates.get_indexer([first - LAST_YEAR])[0]
    before = values[max(start - span, 0):max(start, 0)].sum(axis=0) / (span / 7 if daily else span)
    rows = _with_effects(rows, result, keys)
    out = []
    for (store, group, week), part in rows.groupby(["store", "group", "week"], sort=True):
        units = part["forecast"].sum()
        positions = part["position"].unique()
        why = _why(part, result.designs[store].events if store in result.designs else None)
        if why.endswith("no separate effects") and start > 0:
            why += _last_years_change(part, float(before[positions].sum()), daily)
        out.append({"store": store, "group": group, "week": int(week),
                    "start": part["date"].min(), "end": part["date"].max(),
                    "forecast": units, "recent": float(recent[positions].sum()),
                    "last_year": part["last_year"].sum(min_count=1), "why": why})  # fmt: skip
    frame = pd.DataFrame(out)
    if frame.empty:
        return frame
    if daily:  # a last, partial week gets its share of a week
        frame["recent"] = frame["recent"] * (frame["end"] - frame["start"]).dt.days.add(1) / 7
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["change"] = (frame["forecast"] / frame["recent"] - 1).where(frame["recent"] > 0)
    frame["size"] = (frame["forecast"] - frame["recent"]).abs()
    kept = frame.sort_values("size", ascending=False, kind="stable").groupby("store").head(
        CHANGE_ROWS)
    return (kept.sort_values(["store", "week", "size"], ascending=[True, True, False],
                             kind="stable").drop(columns="size").reset_index(drop=True))  # fmt: skip


def _with_effects(rows: pd.DataFrame, result: ForecastResult, keys: list[str]) -> pd.DataFrame:
    """``rows`` with a log-factor column per driver (0 where a model has no components)."""
    components = result.components
    present = [c for c in _DRIVERS if components is not None and c in components.columns]
    if present:
        parts = components[keys + ["date"] + present]
        rows = rows.merge(parts, on=keys + ["date"], how="left")
    for name in _DRIVERS:
        factor = rows[name] if name in rows else pd.Series(np.nan, index=rows.index)
        rows["has_" + name] = factor.notna()
        rows["log_" + name] = np.log(factor.clip(lower=1e-3).fillna(1.0))
    return rows


def _last_years_change(part: pd.DataFrame, before: float, daily: bool) -> str:
    """Last year's change from its 4 weeks before to the same week, as a reason in words."""
    days = (part["date"].max() - part["date"].min()).days + 1 if daily else 7
    sold = part["last_year"].sum()
    if before <= 0 or not np.isfinite(sold):
        return ""
    return f"; last year: {sold / (before * days / 7) - 1:+.0%} on the 4 weeks before"


def _why(part: pd.DataFrame, events: pd.DataFrame | None) -> str:
    """The drivers of one group-week, each as its units-weighted average effect."""
    weights = part["forecast"].clip(lower=0)
    modelled = part["has_holidays"] | part["has_weather"] | part["has_yearly"]
    if "holidays" not in part and "weather" not in part and "yearly" not in part:
        return "effects not computed: the forecast was made without its components"
    if not modelled.any():
        models = " and ".join(f"{m} model" for m in dict.fromkeys(part["model"]))
        return f"{models}: no separate effects"
    total = weights[modelled].sum()
    reasons = []
    for name, word in _DRIVERS.items():
        if total <= 0:
            break
        effect = np.exp((weights * part["log_" + name])[modelled].sum() / total) - 1
        if abs(effect) < EFFECT_SHOWN:
            continue
        text = f"{word} {effect:+.0%}"
        if name == "holidays" and events is not None:
            days = events[(events["offset"] == 0) & events["date"].between(part["date"].min(),
                                                                            part["date"].max())]  # fmt: skip
            if len(days):
                text += f" ({', '.join(dict.fromkeys(days['event']))})"
        reasons.append(text)
    return "; ".join(reasons) if reasons else "no holiday, weather or season effect over 5%"


def risk_table(measures: pd.DataFrame) -> pd.DataFrame:
    """The products at risk, :data:`RISK_ROWS` per store, the most units at stake first.

    A series is at risk when its forecast is at least :data:`CHANGE_AT_RISK` from the same
    weeks last year (or it sold nothing then), its 80% interval is at least
    :data:`WIDTH_AT_RISK` of the forecast wide, or a fallback model made it. The units at
    stake add the difference from last year (if far), half the interval's width beyond
    :data:`WIDTH_AT_RISK` and a quarter of the forecast (if a fallback), so that a big product off its last year comes
    before a slow mover that is merely uncertain.

    Returns
    -------
    pandas.DataFrame
        The rows of ``measures`` at risk with ``why``, in words.
    """
    far = (measures["change"].abs() >= CHANGE_AT_RISK) | (
        (measures["last_year"].fillna(0) == 0) & (measures["units"] >= 1))
    wide = measures["width"] >= WIDTH_AT_RISK
    fallback = measures["note"] != ""
    reasons = []
    for row, is_far, is_wide, is_fallback in zip(measures.itertuples(), far, wide, fallback):
        words = []
        if is_far:
            words.append("new: nothing sold in these weeks last year"
                         if not row.last_year > 0 else f"{row.change:+.0%} against last year")
        if is_wide:
            words.append(f"wide 80% interval ({row.width:.0%} of the forecast)")
        if is_fallback:
            words.append(f"{row.model} model: {row.note}")
        reasons.append("; ".join(words))
    units = measures["units"].fillna(0)
    excess = (measures["width"].fillna(0) - WIDTH_AT_RISK).clip(lower=0)
    stake = (far * (units - measures["last_year"].fillna(0)).abs() + units * excess / 2
             + fallback * units / 4)  # fmt: skip
    out = measures.assign(why=reasons, stake=stake)
    out = out[(far | wide | fallback) & (stake > 0)]
    out = out.sort_values(["store", "stake"], ascending=[True, False], kind="stable")
    return out.groupby("store").head(RISK_ROWS).drop(columns="stake").reset_index(drop=True)


_CSS = (
    "body{font-family:system-ui,sans-serif;margin:0 auto;padding:0 12px 2em;max-width:1100px;"
    "color:#222;line-height:1.35}h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:2px solid "
    "#ddd}h3{font-size:1.05em;margin:1.2em 0 .4em}.scroll{overflow-x:auto;max-width:100%}"
    "table{border-collapse:collapse;font-size:.9em;min-width:100%}th,td{padding:4px 8px;"
    "border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}td.n,th.n{text-align:"
    "right;white-space:nowrap}th{background:#f4f4f4}td[data-label=Week]{white-space:nowrap}.up{color:#b25b00}.down{color:#1a5fb4}"
    "img{max-width:100%;height:auto;display:block}figure{margin:0 0 1.5em}figcaption{font-size:"
    ".9em;color:#555}ul.notes{font-size:.85em;color:#555;padding-left:1.2em}li{overflow-wrap:"
    "anywhere}p.none{color:#666;font-style:italic}summary{cursor:pointer;color:#555}"
    # At a phone's width each row becomes a card, each cell labelled with its column.
    "@media (max-width:600px){table,tbody,tr,td{display:block;min-width:0}thead{display:none}"
    "tr{border:1px solid #ddd;border-radius:6px;margin:0 0 8px;padding:4px 0}td,td.n{border:0;"
    "text-align:left;white-space:normal;padding:2px 8px}td::before{content:attr(data-label) "
    "': ';font-weight:600;color:#555}}"
)


def _render(result: ForecastResult, title: str, notes: list[str], changes: pd.DataFrame,
            risks: pd.DataFrame, measures: pd.DataFrame, figures: pd.DataFrame) -> str:  # fmt: skip
    """The HTML of the page."""
    future = pd.DatetimeIndex(sorted(result.table["date"].unique()))
    span = f"{future[0]:%a %d.%m.%Y} to {future[-1]:%a %d.%m.%Y}" if len(future) else ""
    head = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><p>{_e(span)}, history to "
        f"{result.series.dates[-1]:%a %d.%m.%Y}.</p>"
        f"<p>{_e(notes[0])}.</p><details><summary>About this forecast ({len(notes) - 1} "
        f'notes)</summary><ul class=notes>{"".join(f"<li>{_e(n)}</li>" for n in notes[1:])}'
        "</ul></details>"
    )
    sections = []
    for store in result.series.stores:
        mine = figures[measures.loc[figures["position"], "store"].to_numpy() == store]
        sections.append(
            f"<section><h2>{_e(store)}</h2>"
            + _changes_html(changes[changes["store"] == store] if len(changes) else changes)
            + _risks_html(risks[risks["store"] == store] if len(risks) else risks)
            + _figures_html(mine, measures)
            + "</section>"
        )
    return head + "".join(sections) + "</body></html>"


def _e(text: object) -> str:
    return html.escape(str(text))


def _pct(value: float) -> str:
    if value is None or not np.isfinite(value):
        return "-"
    kind = "up" if value > 0 else "down"
    return f'<span class={kind}>{value:+.0%}</span>'


def _units(value: float) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:,.0f}"


def _days(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """``1.–7.12.``, or ``29.12.–4.1.`` across a month."""
    if start == end:
        return f"{start.day}.{start.month}."
    first = f"{start.day}." if start.month == end.month else f"{start.day}.{start.month}."
    return f"{first}–{end.day}.{end.month}."


def _table(header: list[tuple[str, bool]], rows: list[list[str]]) -> str:
    heads = "".join(f"<th{' class=n' if n else ''}>{_e(h)}</th>" for h, n in header)
    body = "".join("<tr>" + "".join(f'<td{" class=n" if n else ""} data-label="{_e(h)}">{cell}</td>'
                                    for cell, (h, n) in zip(row, header)) + "</tr>"
                   for row in rows)  # fmt: skip
    return f"<div class=scroll><table><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table></div>"


def _changes_html(changes: pd.DataFrame) -> str:
    title = "<h3>What changes in the coming weeks, and why</h3>"
    if changes.empty:
        return title + "<p class=none>No forecast.</p>"
    rows = [[_e(r.group), _e(_days(r.start, r.end)), _units(r.forecast),
             _pct(r.change), _units(r.last_year), _e(r.why)]
            for r in changes.itertuples()]  # fmt: skip
    header = [("Category", False), ("Week", False), ("Forecast", True), ("vs last 4 weeks", True),
              ("Last year", True), ("Why", False)]  # fmt: skip
    return title + _table(header, rows)


def _risks_html(risks: pd.DataFrame) -> str:
    title = "<h3>Products to watch</h3>"
    if risks.empty:
        return title + "<p class=none>None: every forecast is near last year's, narrow, and made by the asked model.</p>"
    rows = [[_e(r.label.split(" ", 1)[1] if " " in r.label else r.label), _units(r.units),
             _units(r.last_year), _pct(r.change), _e(r.why)] for r in risks.itertuples()]  # fmt: skip
    header = [("Product", False), ("Forecast", True), ("Last year", True), ("Change", True),
              ("Why", False)]  # fmt: skip
    return title + _table(header, rows)


def _figures_html(figures: pd.DataFrame, measures: pd.DataFrame) -> str:
    if figures.empty:
        return ""
    parts = ["<h3>Forecast against the last weeks and last year</h3>"]
    for position, name in zip(figures["position"], figures["file"]):
        label = measures.loc[position, "label"]
        link = _e(quote(name))
        parts.append(f'<figure><a href="{link}"><img src="{link}" alt="{_e(label)}" width=800 '
                     f'height=496></a><figcaption>{_e(label)} (<a href="{link}">{_e(name)}</a>)'
                     "</figcaption></figure>")  # fmt: skip
    return "".join(parts)
