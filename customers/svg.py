"""Inline SVG charts of the customers report: bars, columns, lines and intervals.

Every chart has a title and axis labels, escapes every text it is given, and keeps its texts
inside its box: label columns are as wide as their longest label needs (estimated at
:data:`CHAR_PX` pixels a character, generous for a 12 px sans-serif font), long labels wrap
onto two lines and are cut with an ellipsis after that, with the full text in a ``<title>``
tooltip. Headless Chromium checks this in the tests.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Callable, Sequence

__all__ = ["CHAR_PX", "bars", "columns", "intervals", "lines", "nice_ticks"]

CHAR_PX = 7.2
"""Estimated width of one character of the 12 px chart font, in pixels (a wide average)."""
_LABEL_MAX_CHARS = 34
_PLOT_W = 420
_HEAD = 44  # title and legend above the plot
_FOOT = 44  # tick labels and the axis label below the plot
_FONT = 'font-family="sans-serif" font-size="12"'
Series = tuple[str, Sequence[float], str]
"""A named series of values and its colour: ``("Share of customers", [0.2, ...], "#3b7dd8")``."""


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round axis ticks from at most ``low`` to at least ``high``, at most ``most`` + 1 of them.

    Examples
    --------
    >>> nice_ticks(0, 0.54)
    [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    """
    span = max(high - low, 1e-12)
    steps = (m * 10.0**k for k in range(-12, 300) for m in (1, 2, 2.5, 5))
    step = next(s for s in steps if span / s <= most)
    first = step * math.floor(low / step)
    count = math.ceil(round((high - first) / step, 9))
    return [round(first + i * step, 12) for i in range(count + 1)]


def _wrap(text: str, chars: int) -> list[str]:
    """``text`` on at most two lines of ``chars`` characters, the rest cut with an ellipsis."""
    chars = max(chars, 4)
    wrapped = textwrap.wrap(text, chars, break_long_words=True) or [""]
    if len(wrapped) <= 2:
        return wrapped
    rest = " ".join(wrapped[1:])
    return [wrapped[0], rest[: chars - 1] + "…"]


def _open(width: float, height: float, title: str) -> list[str]:
    e = html.escape
    return [(f'<svg width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} '
             f'{height:.0f}" role="img" aria-label="{e(title)}" {_FONT}>'),
            (f'<text x="8" y="16" font-size="14" font-weight="600">{e(title)}</text>')]


def _legend(series: Sequence[Series], x0: float, y: float) -> list[str]:
    """Swatches and names in one row from ``x0``."""
    out, x = [], x0
    for name, _, colour in series:
        out.append(f'<rect x="{x:.1f}" y="{y - 9}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{x + 16:.1f}" y="{y + 1}">{html.escape(name)}</text>')
        x += 16 + len(name) * CHAR_PX + 18
    return out


def _legend_width(series: Sequence[Series]) -> float:
    return sum(16 + len(name) * CHAR_PX + 18 for name, _, _ in series)


def _finite(values: Sequence[float]) -> list[float]:
    return [float(v) if v is not None and math.isfinite(float(v)) else 0.0 for v in values]


def bars(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    fmt: Callable[[float], str] = lambda v: f"{v:,.0f}",
    tick_fmt: Callable[[float], str] | None = None,
) -> str:
    """Horizontal bars, one group per label and one bar per series, with a legend.

    Labels (e.g. segment names in words) wrap onto two lines in a column as wide as the
    longest needs; each bar shows its value (``fmt``) at its end.
    """
    e = html.escape
    tick_fmt = tick_fmt or fmt
    chars = max(min(max((len(str(s)) for s in labels), default=8), _LABEL_MAX_CHARS), 8)
    label_w = math.ceil(chars * CHAR_PX) + 14
    fitted = [_wrap(str(label), chars) for label in labels]
    bar_h, gap = 16, 14
    group_h = max(bar_h * len(series), 14 * max((len(f) for f in fitted), default=1)) + gap
    values = [_finite(v) for _, v, _ in series]
    ticks = nice_ticks(0, max([max(v, default=0) for v in values] + [1e-9]))
    scale = ticks[-1] or 1.0
    x = lambda v: label_w + _PLOT_W * v / scale
    plot_h = group_h * len(labels)
    width = max(label_w + _PLOT_W + 70, _legend_width(series) + 20, len(title) * 8.4 + 20)
    height = _HEAD + plot_h + _FOOT
    out = _open(width, height, title) + _legend(series, label_w, 36)
    for i, (label, lines_) in enumerate(zip(labels, fitted)):
        top = _HEAD + i * group_h + gap / 2
        mid = top + bar_h * len(series) / 2
        first = mid + 4 - 14 * (len(lines_) - 1) / 2
        spans = "".join(f'<tspan x="{label_w - 8}" y="{first + k * 14:.1f}">{e(line)}</tspan>'
                        for k, line in enumerate(lines_))  # fmt: skip
        out.append(f'<g><title>{e(str(label))}</title><text text-anchor="end">{spans}</text>')
        for j, (name, _, colour) in enumerate(series):
            value = values[j][i]
            y = top + j * bar_h
            out.append(f'<rect x="{label_w}" y="{y:.1f}" width="{x(value) - label_w:.1f}" '
                       f'height="{bar_h - 2}" fill="{colour}"><title>{e(name)}: '
                       f"{e(fmt(value))}</title></rect>"
                       f'<text x="{x(value) + 4:.1f}" y="{y + 11:.1f}" font-size="11">'
                       f"{e(fmt(value))}</text>")  # fmt: skip
        out.append("</g>")
    out += _x_axis(ticks, x, _HEAD + plot_h, label_w, tick_fmt, x_label)
    return "\n".join(out + ["</svg>"])


def _x_axis(ticks: Sequence[float], x: Callable[[float], float], y: float, left: float,
            fmt: Callable[[float], str], label: str) -> list[str]:
    out = [f'<line x1="{left}" y1="{y}" x2="{left + _PLOT_W}" y2="{y}" stroke="#888"/>']
    for tick in ticks:
        out.append(f'<text x="{x(tick):.1f}" y="{y + 16}" text-anchor="middle" fill="#555">'
                   f"{html.escape(fmt(tick))}</text>")
    out.append(f'<text x="{left + _PLOT_W / 2:.1f}" y="{y + 36}" text-anchor="middle">'
               f"{html.escape(label)}</text>")
    return out


def _y_axis(ticks: Sequence[float], y: Callable[[float], float], left: float, right: float,
            fmt: Callable[[float], str], label: str, mid: float) -> list[str]:
    out = [(f'<text transform="translate(14 {mid:.1f}) rotate(-90)" text-anchor="middle">'
            f"{html.escape(label)}</text>")]
    for tick in ticks:
        out.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}" '
                   f'stroke="#e4e4e4"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" '
                   f'text-anchor="end" fill="#555">{html.escape(fmt(tick))}</text>')
    return out


def _vertical(labels: Sequence[str], maximum: float, title: str, y_label: str,
              y_fmt: Callable[[float], str], extra_w: float = 0) -> tuple[list[str], dict]:
    """The frame of a chart with categories along x: title, y axis and grid."""
    ticks = nice_ticks(0, max(maximum, 1e-9), 5)
    y_w = max(len(y_fmt(t)) for t in ticks) * CHAR_PX + 34
    slot = max(max((len(str(s)) for s in labels), default=1) * CHAR_PX + 10, 40)
    plot_w = max(slot * len(labels), 300)
    slot = plot_w / max(len(labels), 1)
    plot_h = 220
    width = max(y_w + plot_w + 20, len(title) * 8.4 + 20, extra_w + y_w + 20)
    height = _HEAD + plot_h + _FOOT
    y = lambda v: _HEAD + plot_h * (1 - v / ticks[-1])
    out = _open(width, height, title)
    out += _y_axis(ticks, y, y_w, y_w + plot_w, y_fmt, y_label, _HEAD + plot_h / 2)
    return out, {"y": y, "left": y_w, "slot": slot, "bottom": _HEAD + plot_h, "plot_w": plot_w}


def _x_categories(labels: Sequence[str], frame: dict, label: str) -> list[str]:
    e = html.escape
    bottom, left, slot = frame["bottom"], frame["left"], frame["slot"]
    out = [(f'<line x1="{left}" y1="{bottom}" x2="{left + frame["plot_w"]}" y2="{bottom}" '
            'stroke="#888"/>')]
    for i, text in enumerate(labels):
        out.append(f'<text x="{left + slot * (i + 0.5):.1f}" y="{bottom + 16}" '
                   f'text-anchor="middle" fill="#555">{e(str(text))}</text>')
    out.append(f'<text x="{left + frame["plot_w"] / 2:.1f}" y="{bottom + 36}" '
               f'text-anchor="middle">{e(label)}</text>')
    return out


def columns(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    x_label: str,
    y_label: str,
    colours: Sequence[str] | None = None,
    fmt: Callable[[float], str] = lambda v: f"{v:,.0f}",
) -> str:
    """Vertical columns over short category labels (years, P(alive) bins), values on top."""
    e = html.escape
    shown = _finite(values)
    out, frame = _vertical(labels, max(shown, default=0), title, y_label, fmt)
    y, left, slot = frame["y"], frame["left"], frame["slot"]
    for i, (label, value) in enumerate(zip(labels, shown)):
        colour = colours[i] if colours else "#3b7dd8"
        x0 = left + slot * i + slot * 0.15
        out.append(f'<rect x="{x0:.1f}" y="{y(value):.1f}" width="{slot * 0.7:.1f}" '
                   f'height="{frame["bottom"] - y(value):.1f}" fill="{colour}"><title>'
                   f"{e(str(label))}: {e(fmt(value))}</title></rect>"
                   f'<text x="{x0 + slot * 0.35:.1f}" y="{y(value) - 4:.1f}" '
                   f'text-anchor="middle" font-size="11">{e(fmt(value))}</text>')  # fmt: skip
    return "\n".join(out + _x_categories(labels, frame, x_label) + ["</svg>"])


def lines(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_label: str,
    fmt: Callable[[float], str] = lambda v: f"{v:,.1f}",
) -> str:
    """One line with markers per series over category labels (NaN values leave a gap)."""
    e = html.escape
    finite = [float(v) for _, vs, _ in series for v in vs if v is not None and math.isfinite(v)]
    out, frame = _vertical(labels, max(finite, default=0), title, y_label, fmt,
                           extra_w=_legend_width(series))  # fmt: skip
    y, left, slot = frame["y"], frame["left"], frame["slot"]
    out += _legend(series, left, 36)
    for name, values, colour in series:
        points = [(left + slot * (i + 0.5), y(float(v)), float(v)) for i, v in enumerate(values)
                  if v is not None and math.isfinite(float(v))]  # fmt: skip
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}"><title>{e(name)}: '
                f"{e(fmt(v))}</title></circle>" for px, py, v in points]  # fmt: skip
    return "\n".join(out + _x_categories(labels, frame, x_label) + ["</svg>"])


def intervals(
    labels: Sequence[str],
    points: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    title: str,
    x_label: str,
    reference: float = 0.0,
    fmt: Callable[[float], str] = lambda v: f"{v:+.0f}" if round(v) else "0",
) -> str:
    """Each label's estimate as a dot on the line of its interval, with a dashed reference."""
    e = html.escape
    chars = max(min(max((len(str(s)) for s in labels), default=8), _LABEL_MAX_CHARS), 8)
    label_w = math.ceil(chars * CHAR_PX) + 14
    known = [v for v in (*lows, *highs, reference) if v is not None and math.isfinite(v)]
    ticks = nice_ticks(min(known), max(known), 6)
    x = lambda v: label_w + _PLOT_W * (v - ticks[0]) / (ticks[-1] - ticks[0])
    row_h = 30
    plot_h = row_h * len(labels)
    width = max(label_w + _PLOT_W + 40, len(title) * 8.4 + 20)
    out = _open(width, _HEAD + plot_h + _FOOT, title)
    out.append(f'<line x1="{x(reference):.1f}" y1="{_HEAD - 6}" x2="{x(reference):.1f}" '
               f'y2="{_HEAD + plot_h}" stroke="#222" stroke-dasharray="4 3"/>')
    for i, label in enumerate(labels):
        mid = _HEAD + row_h * (i + 0.5)
        text = _wrap(str(label), chars)[0]
        out.append(f'<g><title>{e(str(label))}: {e(fmt(points[i]))} ({e(fmt(lows[i]))} to '
                   f"{e(fmt(highs[i]))})</title>"
                   f'<text x="{label_w - 8}" y="{mid + 4:.1f}" text-anchor="end">{e(text)}</text>')
        if all(v is not None and math.isfinite(v) for v in (points[i], lows[i], highs[i])):
            out.append(f'<line x1="{x(lows[i]):.1f}" y1="{mid:.1f}" x2="{x(highs[i]):.1f}" '
                       f'y2="{mid:.1f}" stroke="#3b7dd8" stroke-width="3"/>'
                       f'<circle cx="{x(points[i]):.1f}" cy="{mid:.1f}" r="5" fill="#1d4f91"/>')
        out.append("</g>")
    out += _x_axis(ticks, x, _HEAD + plot_h, label_w, fmt, x_label)
    return "\n".join(out + ["</svg>"])
